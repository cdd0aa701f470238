#!/usr/bin/env bash
# Installs what is missing, builds, and opens Intrvio in demo mode (embedded Teamtailor sandbox,
# seeded demo company, no account needed). Extra arguments go to intrvio.
set -euo pipefail
cd "$(dirname "$0")/.."

packaging/install-deps.sh build

export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1 # cache hits across checkouts in different folders
cmake -S . -B build/app -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DINTRVIO_BUILD_TESTS=OFF >/dev/null
cmake --build build/app --parallel "$(nproc)"

args=(--demo "$@")
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "demo: no display found, so the demo runs as a headless service; open the URLs it prints" \
       "in a browser, or run this script from a desktop session to get the window." >&2
  args=(--headless "${args[@]}")
fi

# Secrets live in the OS keychain. Outside a desktop session (root shell, ssh) there is none, so
# the demo gets a private D-Bus session with its own keyring, kept in build/demo-keyring.
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  export INTRVIO_KEYRING_DIR=$PWD/build/demo-keyring
  exec scripts/keyring-session.sh build/app/app/intrvio "${args[@]}"
fi
exec build/app/app/intrvio "${args[@]}"
