#!/usr/bin/env bash
# Installs what is missing, builds both configurations (with and without the UI) and runs every
# test in a private D-Bus session with an unlocked gnome-keyring and no display.
set -euo pipefail
cd "$(dirname "$0")/.."

packaging/install-deps.sh test

export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1 # cache hits across checkouts in different folders
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

# --- webhook parsers: libFuzzer (clang, ASan + UBSan), a short bounded run each, before ctest ---
echo "== fuzz: webhook parsers"
cmake -S . -B build/test-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DINTRVIO_BUILD_UI=OFF -DINTRVIO_BUILD_TESTS=OFF -DINTRVIO_BUILD_FUZZERS=ON >/dev/null
cmake --build build/test-fuzz --target intrvio_fuzzers --parallel "$jobs"
for fuzzer in signature_header provider_key partner_event company_webhook; do
  mkdir -p "build/test-fuzz/corpus/$fuzzer"
  build/test-fuzz/tests/fuzz/fuzz_$fuzzer "build/test-fuzz/corpus/$fuzzer" "tests/fuzz/corpus/$fuzzer" \
    -max_total_time="${INTRVIO_FUZZ_SECONDS:-15}" -max_len=8192 -print_final_stats=0 2>&1 | tail -n 1
done
# --- end webhook parsers ---

# Both test runs always run; the script fails if either did. ctest's summary stays the last line.
status=0
echo "== tests: headless build"
scripts/keyring-session.sh ctest --test-dir build/test-headless --output-on-failure -j "$jobs" || status=1
echo "== tests: full build"
scripts/keyring-session.sh ctest --test-dir build/test-ui --output-on-failure -j "$jobs" || status=1
exit $status
