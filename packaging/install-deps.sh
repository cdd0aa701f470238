#!/usr/bin/env bash
# Installs the Debian 12 packages Intrvio needs to build, test and run, skipping those already
# installed. Idempotent; needs root (or sudo). Usage: packaging/install-deps.sh [build|test|all]
set -euo pipefail

profile=${1:-all}

# Build: compiler, CMake, Qt 6 and the libraries we link.
build_pkgs=(
  cmake g++ ninja-build pkgconf ccache
  qt6-base-dev qt6-httpserver-dev
  qt6-websockets-dev        # Qt6HttpServerConfig.cmake needs it, but nothing depends on it
  qt6-charts-dev qt6-svg-dev
  libqt6opengl6-dev         # Qt6ChartsConfig.cmake needs Qt6OpenGL(Widgets), which qt6-charts-dev does not pull in
  libqt6sql6-sqlite         # the QSQLITE driver is only a Recommends of libqt6sql6
  qtkeychain-qt6-dev
  libsecret-1-0             # QtKeychain dlopen()s libsecret without declaring it
  libssl-dev libsqlite3-dev
  libsimdjson-dev           # JSON parsing on the webhook and sync hot paths
)
# Run: a keychain (Secret Service) and a session bus.
run_pkgs=(dbus gnome-keyring fonts-dejavu-core)
# Test: a virtual display, libFuzzer (clang), packaging checks, load generator.
test_pkgs=(xvfb xauth clang libclang-rt-14-dev desktop-file-utils appstream systemd wrk nodejs imagemagick dpkg-dev file)

case "$profile" in
  build) want=("${build_pkgs[@]}" "${run_pkgs[@]}") ;;
  test|all) want=("${build_pkgs[@]}" "${run_pkgs[@]}" "${test_pkgs[@]}") ;;
  *) echo "usage: $0 [build|test|all]" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#want[@]} packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
  SUDO=sudo
fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
