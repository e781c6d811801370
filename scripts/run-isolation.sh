#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# libcell's main job, end to end, from a fresh Debian 12 machine: installs
# its dependencies with apt (as root or through sudo; later runs install
# nothing), builds libcell, cellctl and isolate-nic, then runs the steps of
# main_job below:
#
#  1. the cellctl round trip on the example configurations:
#     JSON --encode--> .cell --decode--> JSON --encode--> .cell (byte-exact),
#     then `cellctl config check` on every example set;
#  2. the isolate-nic flow (patent steps S1-S4) on the QEMU virt board: the
#     board's own device tree (dumped by QEMU), the inmate's tree
#     (examples/configs/qemu-virt/linux-inmate.dts), the example root and
#     inmate configurations;
#     the outputs are verified (checker, device trees, idempotence);
#  3. S5 on the board (scripts/isolation_board.py): QEMU boots Debian's
#     arm64 kernel with isolate-nic's host.dtb; there `isolate-nic --run`
#     enables our hypervisor with root.cell, creates the inmate cell and
#     boots the same kernel in it with inmate.dtb; the inmate's e1000e
#     comes up through its own ITS (its addresses, ITS-MSI interrupts and
#     pings shown), the root pings it 1000 times across the QEMU hub; then
#     the inmate is destroyed and the hypervisor disabled.
#
# Environment: CELL_JOBS, CELL_BUILD_ROOT (see scripts/lib.sh).
set -u
. "$(dirname "$0")/lib.sh"

# qemu-system-arm provides qemu-system-aarch64, which dumps the board's DTB.
# The board step fetches the rest itself (tests/board/setup.sh).
cell_need_packages $CELL_BUILD_PACKAGES device-tree-compiler qemu-system-arm python3


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

# The patent flow on the QEMU virt board: hand /pcie@10000000 and its ITS
# to the Linux inmate, then verify what isolate-nic wrote.
step_isolate_nic() {
	cell_log "isolate-nic on the QEMU virt board"
	out="$work/isolate-nic"
	mkdir -p "$out"
	# The inmate's tree: only what linux-inmate owns or the hypervisor emulates.
	inmate_dtb="$work/linux-inmate.dtb"
	dtc -q -I dts -O dtb -o "$inmate_dtb" "$CELL_REPO/examples/configs/qemu-virt/linux-inmate.dts" ||
		{ fail "dtc cannot compile examples/configs/qemu-virt/linux-inmate.dts"; return; }
	# QEMU pads its dump to 1 MiB; dtc re-packs it.
	if ! qemu-system-aarch64 -machine \
		virt,virtualization=on,gic-version=3,its=on,dumpdtb="$work/virt.raw.dtb" \
		-cpu cortex-a57 -smp 4 -m 1G -nographic -nic none > "$work/qemu.log" 2>&1 ||
	   ! dtc -q -I dtb -O dtb -o "$work/virt.dtb" "$work/virt.raw.dtb"; then
		cat "$work/qemu.log"
		fail "dumping the QEMU virt device tree"
		return
	fi
	echo "ok: QEMU virt device tree: $(wc -c < "$work/virt.dtb") bytes"
	set -- --host-dtb "$work/virt.dtb" --inmate-dtb "$inmate_dtb" \
		--root-config "$build/examples/configs/qemu-virt/root.cell" \
		--inmate-config "$build/examples/configs/qemu-virt/linux-inmate.cell"
	if ! "$isolate_nic" "$@" --out-dir "$out/run1"; then
		fail "isolate-nic refused the QEMU virt board"
		return
	fi
	for f in host.dtb inmate.dtb root.cell inmate.cell report.json; do
		[ -s "$out/run1/$f" ] || fail "isolate-nic wrote no $f"
	done
	echo "ok: isolate-nic wrote $(cd "$out/run1" && echo *)"

	# S4 result: the set passes the checker.
	if "$cellctl" config check "$out/run1/root.cell" "$out/run1/inmate.cell"; then
		echo "ok: root.cell + inmate.cell pass cellctl config check"
	else
		fail "the isolate-nic configurations do not pass the checker"
	fi
	# S1/S2 result: the host lost the PCIe host bridge and its ITS, the
	# inmate gained both; every tree still compiles back with dtc.
	if ! "$cellctl" pci --json "$out/run1/host.dtb" > "$out/host-pci.json"; then
		fail "cellctl pci cannot read the new host tree"
	elif grep -q '"path": *"/pcie@10000000"' "$out/host-pci.json"; then
		fail "the host tree still has /pcie@10000000"
	fi
	if ! "$cellctl" gic --json "$out/run1/host.dtb" > "$out/host-gic.json"; then
		fail "cellctl gic cannot read the new host tree"
	elif grep -q '/its@8080000"' "$out/host-gic.json"; then
		fail "the host tree still has the ITS"
	fi
	"$cellctl" pci --json "$out/run1/inmate.dtb" > "$out/inmate-pci.json" &&
		grep -q '"path": *"/pcie@10000000"' "$out/inmate-pci.json" ||
		fail "the inmate tree has no /pcie@10000000"
	"$cellctl" gic --json "$out/run1/inmate.dtb" > "$out/inmate-gic.json" &&
		grep -q '"path": *"/[^"]*/its@8080000"' "$out/inmate-gic.json" ||
		fail "the inmate tree's GIC has no ITS"
	for t in host inmate; do
		dtc -q -I dtb -O dts -o "$out/$t.dts" "$out/run1/$t.dtb" ||
			fail "dtc cannot decompile the new $t tree"
	done
	echo "ok: /pcie@10000000 and its ITS moved from the host tree to the inmate tree"
	# Idempotence: running again on the outputs changes nothing.
	if "$isolate_nic" --host-dtb "$out/run1/host.dtb" --inmate-dtb "$out/run1/inmate.dtb" \
		--root-config "$out/run1/root.cell" --inmate-config "$out/run1/inmate.cell" \
		--out-dir "$out/run2" > "$out/run2.log" 2>&1; then
		for f in host.dtb inmate.dtb root.cell inmate.cell; do
			cmp -s "$out/run1/$f" "$out/run2/$f" || fail "second run changed $f"
		done
		echo "ok: a second run on its own outputs reproduces them byte for byte"
	else
		cat "$out/run2.log"
		fail "isolate-nic refused its own outputs"
	fi
	echo "report: $out/run1/report.json"
}

# S5: the outputs on the running board.
step_board() {
	cell_log "S5: isolate-nic's outputs on the QEMU virt board"
	if [ ! -s "$work/isolate-nic/run1/host.dtb" ]; then
		fail "no isolate-nic outputs to boot"
		return
	fi
	python3 "$CELL_REPO/scripts/isolation_board.py" --src "$CELL_REPO" --build "$build" \
		--work "$work/board" --outputs "$work/isolate-nic/run1" ||
		fail "the board run of isolate-nic's outputs"
}

main_job() {
	step_config_roundtrip
	step_config_check
	step_isolate_nic
	step_board
}

start=$(date +%s)
mkdir -p "$CELL_BUILD_ROOT"
rm -rf "$work"
cell_log "building libcell, cellctl and isolate-nic"
cell_configure_build "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF \
	-DCELL_DOCS=OFF || cell_die "build failed"
cellctl="$build/tools/cellctl/cellctl"
isolate_nic="$build/examples/isolate-nic/isolate-nic"
"$cellctl" --version

main_job

cell_log "done in $(($(date +%s) - start)) s, outputs in $work"
if [ "$failures" -ne 0 ]; then
	echo "run-isolation: $failures step(s) failed"
	exit 1
fi
echo "run-isolation: all steps passed"
