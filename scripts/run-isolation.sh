#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# libcell's main job, end to end, from a fresh Debian 12 machine: installs
# its build dependencies with apt (as root or through sudo; later runs install
# nothing), builds libcell and cellctl, then runs the job steps below.
#
# Today's job is the cellctl round trip on the example configurations:
#   JSON --encode--> .cell --decode--> JSON --encode--> .cell (byte-exact),
#   then `cellctl config check` on every example set (system + its cells).
# The isolate-nic flow (patent steps S1-S4 on the QEMU virt board) becomes a
# further step_* function called from main_job, using the same build.
#
# Environment: CELL_JOBS, CELL_BUILD_ROOT (see scripts/lib.sh).
set -u
. "$(dirname "$0")/lib.sh"

cell_need_packages $CELL_BUILD_PACKAGES

build="$CELL_BUILD_ROOT/isolation"
work="$CELL_BUILD_ROOT/isolation-work"
failures=0

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# Round trip every example configuration through cellctl.
step_config_roundtrip() {
	cell_log "config round trip on examples/configs"
	n=0
	for json in $(cd "$CELL_REPO" && find examples/configs -name '*.json' | sort); do
		name=${json%.json}
		out="$work/$name"
		mkdir -p "$(dirname "$out")"
		n=$((n + 1))
		if ! "$cellctl" config encode "$CELL_REPO/$json" -o "$out.cell"; then
			fail "$json: encode"
			continue
		fi
		if ! "$cellctl" config decode "$out.cell" > "$out.decoded.json"; then
			fail "$name.cell: decode"
			continue
		fi
		if ! "$cellctl" config encode "$out.decoded.json" -o "$out.again.cell"; then
			fail "$name.decoded.json: encode"
			continue
		fi
		if cmp "$out.cell" "$out.again.cell"; then
			echo "ok: $name: JSON -> .cell ($(wc -c < "$out.cell") bytes) -> JSON -> .cell, byte-exact"
		else
			fail "$name: the round trip changed the bytes"
		fi
		"$cellctl" config show "$out.cell" > "$out.txt" || fail "$name.cell: show"
	done
	[ "$n" -gt 0 ] || fail "no example configuration found in examples/configs"
}

# Check each example set: the system configuration (root.json) of a
# directory together with every other configuration of that directory.
step_config_check() {
	cell_log "config check on the example sets"
	for root in $(cd "$work" && find examples/configs -name 'root.cell' | sort); do
		dir=$(dirname "$root")
		cells=$(cd "$work" && find "$dir" -maxdepth 1 -name '*.cell' ! -name 'root.cell' \
			! -name '*.again.cell' | sort)
		# shellcheck disable=SC2086
		if (cd "$work" && "$cellctl" config check "$root" $cells); then
			echo "ok: $dir: $root${cells:+ + $(echo $cells)} passes the checker"
		else
			fail "$dir: cellctl config check reports errors"
		fi
	done
}

main_job() {
	step_config_roundtrip
	step_config_check
}

start=$(date +%s)
mkdir -p "$CELL_BUILD_ROOT"
rm -rf "$work"
cell_log "building libcell and cellctl"
cell_configure_build "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF \
	-DCELL_DOCS=OFF || cell_die "build failed"
cellctl="$build/tools/cellctl/cellctl"
"$cellctl" --version

main_job

cell_log "done in $(($(date +%s) - start)) s, outputs in $work"
if [ "$failures" -ne 0 ]; then
	echo "run-isolation: $failures step(s) failed"
	exit 1
fi
echo "run-isolation: all steps passed"
