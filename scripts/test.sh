#!/usr/bin/env bash
# Installs what is missing, builds both configurations (with and without the UI) and runs every
# test in a private D-Bus session with an unlocked gnome-keyring and no display.
set -euo pipefail
cd "$(dirname "$0")/.."

packaging/install-deps.sh test

export CCACHE_DIR=${CCACHE_DIR:-$PWD/build/.ccache} CCACHE_BASEDIR=$PWD
export QT_QPA_PLATFORM=offscreen
jobs=$(nproc)

configure_and_build() { # dir, cmake args...
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$dir" --parallel "$jobs"
}

echo "== build: headless (INTRVIO_BUILD_UI=OFF)"
configure_and_build build/test-headless -DINTRVIO_BUILD_UI=OFF
echo "== build: full"
configure_and_build build/test-ui -DINTRVIO_BUILD_UI=ON

echo "== tests: headless build"
scripts/keyring-session.sh ctest --test-dir build/test-headless --output-on-failure -j "$jobs"
echo "== tests: full build"
scripts/keyring-session.sh ctest --test-dir build/test-ui --output-on-failure -j "$jobs"
