#!/usr/bin/env bash
# run_fuzzer.sh FUZZER SECONDS CORPUS FOUND — fuzzes for SECONDS from the seed corpus CORPUS (read
# only); new inputs, and any input that fails (crash-*, leak-*, timeout-*), go to FOUND, emptied
# first. Exits with libFuzzer's status: nonzero when an input crashed the target, broke a
# sanitizer's rule or made it report what it must not (fuzz_args.cpp).
set -euo pipefail
fuzzer=$1 seconds=$2 corpus=$3 found=$4
rm -rf "$found"
mkdir -p "$found"
exec "$fuzzer" -max_total_time="$seconds" -close_fd_mask=3 -print_final_stats=1 -artifact_prefix="$found/" "$found" "$corpus"
