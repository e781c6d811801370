#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Run one libFuzzer target for a bounded time on its seed corpus; any crash,
# leak, sanitizer report or timeout fails the test and leaves the input in
# WORK_DIR/artifacts for `FUZZER FILE` to reproduce.
# usage: run_fuzzer.sh FUZZER WORK_DIR SECONDS SEED_DIR [SEED_DIR...]
# FUZZ_MAX_LEN: largest input to try (default 64 KiB).
# CELL_FUZZ_SEED: libFuzzer's random seed, 1 by default so that a CI run can
# be repeated; 0 lets libFuzzer pick one (for exploratory campaigns).
set -u
fuzzer=$1 work=$2 seconds=$3
shift 3
for d in "$@"; do
	[ -d "$d" ] || { echo "seed corpus $d missing: build the 'fuzz' target first"; exit 1; }
done
mkdir -p "$work/corpus" "$work/artifacts"
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
# The first directory collects new inputs; the seeds are only read.
"$fuzzer" -max_total_time="$seconds" -seed="${CELL_FUZZ_SEED:-1}" -timeout=20 -rss_limit_mb=2048 -max_len="${FUZZ_MAX_LEN:-65536}" \
	-print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" "$@" \
	> "$work/log" 2>&1
rc=$?
grep -E 'stat::number_of_executed_runs|stat::new_units_added|cov:' "$work/log" | tail -n 4
if [ "$rc" -ne 0 ]; then
	echo "FAIL: $(basename "$fuzzer") exited with $rc; log tail:"
	tail -n 60 "$work/log"
	ls -l "$work/artifacts"
	exit 1
fi
echo "$(basename "$fuzzer"): no finding in ${seconds}s"
