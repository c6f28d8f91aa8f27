#!/usr/bin/env bash
# The whole test suite: installs what it needs, builds the release tree (warnings as errors),
# an ASan+UBSan tree and the libFuzzer harnesses (clang), then runs ctest. ctest's summary is the last thing printed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSIPCONN_WERROR=ON -DSIPCONN_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs" --target sipconn-audit test_sip_parse test_stun test_tls test_reuse_tls \
  test_block_pool test_capture test_pcap_reader >/dev/null
# The libFuzzer harnesses: clang, everything instrumented (ctest runs each for a minute).
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DSIPCONN_WERROR=ON -DSIPCONN_FUZZ=ON >/dev/null
cmake --build build-fuzz -j"$jobs" --target fuzz_sip_message fuzz_stun fuzz_tls fuzz_tcp_stream \
  fuzz_pcap >/dev/null
cmake -S . -B build -DSIPCONN_WERROR=ON -DSIPCONN_PLUGIN=ON -DSIPCONN_ASAN_AUDIT="$PWD/build-asan/analyzer/sipconn-audit" \
  -DSIPCONN_FUZZ_DIR="$PWD/build-fuzz/tests/fuzz" >/dev/null
cmake --build build -j"$jobs" >/dev/null
cd build
exec ctest --output-on-failure -j"$jobs"
