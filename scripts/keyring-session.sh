#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring, in a scratch
# directory, so keychain code runs for real with no desktop (CI, servers, ssh).
# Usage: scripts/keyring-session.sh COMMAND [ARGS...]
# INTRVIO_KEYRING_DIR keeps the keyring between runs (default: a new temporary directory).
set -euo pipefail

if [ -n "${INTRVIO_IN_KEYRING_SESSION:-}" ]; then
  exec "$@"
fi

scratch=${INTRVIO_KEYRING_DIR:-$(mktemp -d -t intrvio-keyring.XXXXXX)}
mkdir -p "$scratch/run" "$scratch/data"
chmod 700 "$scratch" "$scratch/run"
export XDG_RUNTIME_DIR="$scratch/run" XDG_DATA_HOME="$scratch/data" INTRVIO_IN_KEYRING_SESSION=1
unset DBUS_SESSION_BUS_ADDRESS QT_NO_GLIB

exec dbus-run-session -- bash -c '
  echo -n "${INTRVIO_KEYRING_PASSWORD:-intrvio-test}" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  "$@"
  status=$?
  # The keyring daemon outlives its unlock call; stop ours (matched by our private runtime dir)
  # so it does not hold the session open.
  for pid in $(pgrep -x gnome-keyring-d); do
    if { tr "\0" "\n" < /proc/$pid/environ; } 2>/dev/null | grep -qx "XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR"; then
      kill "$pid" 2>/dev/null || true
    fi
  done
  exit $status
' keyring-session "$@" 2> >(grep -v "Failed to set fd limit" >&2)
