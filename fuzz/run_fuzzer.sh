#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Run one libFuzzer target for a bounded time on its seed corpus; any crash,
# leak, sanitizer report or timeout fails the test and leaves the input in
# WORK_DIR/artifacts for `FUZZER FILE` to reproduce.
# usage: run_fuzzer.sh FUZZER WORK_DIR SECONDS SEED_DIR [SEED_DIR...]
# FUZZ_MAX_LEN: largest input to try (default 64 KiB).
# CELL_FUZZ_SEED: libFuzzer's random seed, 1 by default so that a CI run can
# be repeated; 0 lets libFuzzer pick one (for exploratory campaigns).
#
# libFuzzer measures a unit's run time on the wall clock, so a clock step
# (NTP, a resumed VM) reads as a hang. A timeout is therefore confirmed by
# replaying its input under a monotonic limit; one that replays quickly is
# reported as a clock step and the campaign resumes for the time left.
set -u
fuzzer=$1 work=$2 seconds=$3
shift 3
unit_timeout=20
for d in "$@"; do
	[ -d "$d" ] || { echo "seed corpus $d missing: build the 'fuzz' target first"; exit 1; }
done
mkdir -p "$work/corpus" "$work/artifacts"
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
name=$(basename "$fuzzer")

# seconds since boot: monotonic, unlike date(1)
uptime_s() { cut -d. -f1 /proc/uptime; }

fail() {
	echo "FAIL: $name exited with $1; log tail:"
	tail -n 60 "$work/log"
	ls -l "$work/artifacts"
	exit 1
}

end=$(($(uptime_s) + seconds))
left=$seconds
steps=0
while :; do
	# The first directory collects new inputs; the seeds are only read.
	"$fuzzer" -max_total_time="$left" -seed="${CELL_FUZZ_SEED:-1}" -timeout=$unit_timeout \
		-rss_limit_mb=2048 -max_len="${FUZZ_MAX_LEN:-65536}" -print_final_stats=1 \
		-artifact_prefix="$work/artifacts/" "$work/corpus" "$@" > "$work/log" 2>&1
	rc=$?
	grep -E 'stat::number_of_executed_runs|stat::new_units_added|cov:' "$work/log" | tail -n 4
	[ "$rc" -eq 0 ] && break
	unit=$(ls -t "$work/artifacts"/timeout-* 2>/dev/null | head -n 1)
	[ -n "$unit" ] && grep -q 'libFuzzer: timeout' "$work/log" || fail "$rc"
	t0=$(uptime_s)
	timeout $((unit_timeout + 5)) "$fuzzer" "$unit" > "$work/replay.log" 2>&1 || fail "$rc"
	steps=$((steps + 1))
	echo "$name: clock step, not a hang: the timed-out input replays in $(($(uptime_s) - t0)) s"
	rm -f "$unit"
	left=$((end - $(uptime_s)))
	[ "$steps" -lt 3 ] && [ "$left" -gt 5 ] || break
done
echo "$name: no finding in ${seconds}s"
