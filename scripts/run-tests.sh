#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The whole libcell test suite, as CI runs it (.ci/run calls this script).
# On a fresh Debian 12 machine it installs its own build dependencies with
# apt (run it as root, or with sudo available); later runs install nothing.
#
# Phases, each in its own build tree under build-ci/:
#   1. release build + every test except the board ones
#   2. ASan+UBSan build (-DCELL_SANITIZE=ON) + the same tests
#   3. libFuzzer targets (clang), each run for CELL_FUZZ_SECONDS (60)
#   4. the ARM64 board tests (ctest -L board; QEMU, fetched on first use)
# It ends with "N passed, M failed, K skipped" and exits non-zero if any test
# or build failed.
#
# Environment: CELL_JOBS (parallel jobs, default nproc), CELL_FUZZ_SECONDS,
# CELL_SKIP="asan fuzz board" to leave phases out (local use only),
# CELL_BUILD_ROOT (default build-ci/ in the checkout).
set -u
. "$(dirname "$0")/lib.sh"

CELL_FUZZ_SECONDS=${CELL_FUZZ_SECONDS:-60}
CELL_SKIP=${CELL_SKIP:-}

# Build and test dependencies. libclang-rt-14-dev holds the libFuzzer and
# sanitizer runtimes for clang 14, Debian 12's default clang; groff-base
# lints the man page; g++ compiles the public headers as C++.
cell_need_packages $CELL_BUILD_PACKAGES g++ libcmocka-dev doxygen groff-base \
	device-tree-compiler python3 python3-pytest mypy clang libclang-rt-14-dev

mkdir -p "$CELL_BUILD_ROOT"
summary="$CELL_BUILD_ROOT/summary.txt"
: > "$summary"
total_pass=0 total_fail=0 total_skip=0 broken=""
start=$(date +%s)

skipped() {
	case " $CELL_SKIP " in *" $1 "*) echo "(phase $1 left out by CELL_SKIP)"; return 0 ;; esac
	return 1
}

# run_ctest PHASE BUILD_DIR [ctest args...]: run, count, remember.
run_ctest() {
	phase=$1 dir=$2
	shift 2
	log="$CELL_BUILD_ROOT/$phase.ctest.log"
	(cd "$dir" && ctest --output-on-failure --timeout 1200 -j "$CELL_JOBS" "$@") 2>&1 |
		tee "$log"
	pass=$(grep -cE 'Test +#[0-9]+: .* +Passed' "$log")
	skip=$(grep -cE '\*\*\*Skipped' "$log")
	fail=$(grep -cE '\*\*\*(Failed|Timeout|Exception)|Not Run|\*\*\*Exception' "$log")
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
	echo "$phase: $pass passed, $fail failed, $skip skipped" >> "$summary"
	# Skips print nothing in ctest's summary: quote each one's last line.
	awk '/^[0-9]+\/[0-9]+ Test: / { name = $3 }
	     /^Output:/ { out = 1; last = ""; next }
	     /^<end of output>/ { out = 0; reason[name] = last }
	     out && NF && !/^-+$/ { last = $0 }
	     END { for (n in reason) print n "\t" reason[n] }' \
		"$dir/Testing/Temporary/LastTest.log" 2> /dev/null > "$log.reasons"
	grep -E '\*\*\*Skipped' "$log" | sed -E 's/.*Test +#[0-9]+: ([^ ]+).*/\1/' |
		while read -r t; do
			printf '  skipped %s: %s\n' "$t" \
				"$(grep "^$t	" "$log.reasons" | cut -f2- | cut -c1-150)"
		done >> "$summary"
}

phase_failed() {
	broken="$broken $1"
	echo "$1: BUILD FAILED" >> "$summary"
}

# 1. Release build and tests (the board tests run last, in phase 4).
cell_log "phase 1: release build"
rel="$CELL_BUILD_ROOT/release"
if cell_configure_build "$rel" -DCMAKE_BUILD_TYPE=RelWithDebInfo; then
	run_ctest release "$rel" -LE board
else
	phase_failed release
fi

# 2. Sanitizers: every test but the board ones (those run the arm64 build
#    in QEMU, where host sanitizers add nothing but time).
if ! skipped asan; then
	cell_log "phase 2: ASan+UBSan build"
	asan="$CELL_BUILD_ROOT/asan"
	export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1"
	export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
	if cell_configure_build "$asan" -DCMAKE_BUILD_TYPE=Debug -DCELL_SANITIZE=ON \
		-DCELL_DOCS=OFF; then
		run_ctest asan "$asan" -LE board
	else
		phase_failed asan
	fi
	unset ASAN_OPTIONS UBSAN_OPTIONS
fi

# 3. Fuzzers: only the fuzz targets are built in this tree (with clang,
#    libFuzzer + ASan + UBSan); each ctest "fuzz_*" runs one for a bounded time.
if ! skipped fuzz; then
	cell_log "phase 3: fuzzers, ${CELL_FUZZ_SECONDS}s each"
	fz="$CELL_BUILD_ROOT/fuzz"
	if cmake -S "$CELL_REPO" -B "$fz" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
		-DCELL_FUZZ=ON -DCELL_FUZZ_SECONDS="$CELL_FUZZ_SECONDS" -DBUILD_TESTING=ON \
		-DCELL_DOCS=OFF > "$fz.configure.log" 2>&1 &&
		cmake --build "$fz" -j "$CELL_JOBS" --target fuzz; then
		run_ctest fuzz "$fz" -L '^fuzz$' -j 1
	else
		cat "$fz.configure.log"
		phase_failed fuzz
	fi
fi

# 4. Board tests (QEMU arm64), from the release tree.
if ! skipped board && [ -d "$rel" ]; then
	cell_log "phase 4: board tests"
	run_ctest board "$rel" -L board -j 1
fi

cell_log "summary ($(($(date +%s) - start)) s)"
cat "$summary"
echo "$total_pass passed, $total_fail failed, $total_skip skipped${broken:+, build failed:$broken}"
[ "$total_fail" -eq 0 ] && [ -z "$broken" ]
