#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# cellctl dt handoff on the fixture trees: exit codes, refusal report, JSON,
# no new dtc warnings in either output, atomic outputs; with "virt", the QEMU
# virt machine's own DTB (dumped now) handing /pcie@10000000 to the inmate.
# usage: handoff_cli.sh CELLCTL FIXTURES_DIR WORK_DIR [virt]
set -u
CELLCTL=$1
DTB=$2/dt/dtb
WORK=$3
MODE=${4:-fixtures}
INMATE=$DTB/jailhouse-inmate-qemu-arm64.dtb

command -v dtc >/dev/null || { echo "SKIP: dtc not installed"; exit 77; }
command -v fdtget >/dev/null || { echo "SKIP: fdtget not installed"; exit 77; }
[ -f "$INMATE" ] || { echo "SKIP: fixtures missing at $DTB"; exit 77; }
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# dtc warnings of a blob, without the "<stdout>: " prefix, sorted.
warnings() { dtc -I dtb -O dts -o /dev/null "$1" 2>&1 | sed 's/^<stdout>: //' | sort; }

# new_warnings BEFORE AFTER: warnings of AFTER that BEFORE did not have.
new_warnings() {
	warnings "$1" >"$WORK/w.before"
	warnings "$2" >"$WORK/w.after"
	comm -13 "$WORK/w.before" "$WORK/w.after"
}

# handoff NAME HOST PCIE DEST FLAGS...: must succeed, outputs checked.
handoff() {
	name=$1 host=$2 pcie=$3 dest=$4
	shift 4
	ho=$WORK/$name.host.dtb io=$WORK/$name.inmate.dtb
	if ! "$CELLCTL" dt handoff --host "$host" --inmate "$INMATE" --pcie "$pcie" \
		--host-out "$ho" --inmate-out "$io" "$@" >"$WORK/$name.out" 2>&1; then
		fail "$name: handoff failed: $(cat "$WORK/$name.out")"
		return
	fi
	nw=$(new_warnings "$host" "$ho")
	[ -z "$nw" ] || fail "$name: new dtc warnings in host output: $nw"
	nw=$(new_warnings "$INMATE" "$io")
	[ -z "$nw" ] || fail "$name: new dtc warnings in inmate output: $nw"
	fdtget -t s "$io" "$dest" device_type >/dev/null 2>&1 ||
		fail "$name: $dest missing from the inmate"
	case " $* " in
	*" --disable-host "*)
		[ "$(fdtget -t s "$ho" "$pcie" status 2>/dev/null)" = disabled ] ||
			fail "$name: $pcie not disabled in host" ;;
	*)
		fdtget -t s "$ho" "$pcie" device_type >/dev/null 2>&1 &&
			fail "$name: $pcie still in host" ;;
	esac
	# The inmate GIC gained its child address space.
	[ "$(fdtget "$io" /interrupt-controller@d1d00000 '#address-cells')" = 2 ] ||
		fail "$name: inmate GIC lacks #address-cells = 2"
	# msi-map / msi-parent of the grafted bridge names the grafted ITS.
	its=$(fdtget -l "$io" /interrupt-controller@d1d00000 | head -n 1)
	itsph=$(fdtget "$io" "/interrupt-controller@d1d00000/$its" phandle)
	msi=$(fdtget "$io" "$dest" msi-map 2>/dev/null | cut -d' ' -f2)
	[ -n "$msi" ] || msi=$(fdtget "$io" "$dest" msi-parent 2>/dev/null | cut -d' ' -f1)
	[ "$msi" = "$itsph" ] || fail "$name: MSI target $msi is not the grafted ITS ($itsph)"
	ls "$WORK" | grep -q '\.tmp\.' && fail "$name: temporary file left behind"
}

if [ "$MODE" = virt ]; then
	command -v qemu-system-aarch64 >/dev/null ||
		{ echo "SKIP: qemu-system-aarch64 not installed"; exit 77; }
	# The dump is padded to 1 MiB; dtc re-packs it.
	qemu-system-aarch64 -machine virt,virtualization=on,gic-version=3,its=on,dumpdtb="$WORK/virt.raw" \
		-cpu cortex-a57 -smp 4 -m 1G -nographic -nodefaults >/dev/null 2>&1
	dtc -q -I dtb -O dtb -o "$WORK/virt.dtb" "$WORK/virt.raw" ||
		{ echo "FAIL: QEMU did not dump a DTB"; exit 1; }
	handoff virt "$WORK/virt.dtb" /pcie@10000000 /pcie@10000000
	grep -q "window-overlap: /pcie@10000000" "$WORK/virt.out" ||
		fail "virt: overlap with the inmate's virtual PCI window not reported"
	dtc -I dtb -O dts "$WORK/virt.inmate.dtb" 2>/dev/null | grep -q "its@8080000" ||
		fail "virt: inmate does not decompile with its@8080000"
	[ "$fails" -eq 0 ] && echo "virt: ok"
	exit $((fails != 0))
fi

handoff ft2004 "$DTB/phytium-ft2004-devboard.dtb" /soc/pcie /pcie@40000000
handoff ft2004-sym "$DTB/phytium-ft2004-devboard.symbols.dtb" /soc/pcie /pcie@40000000
handoff d2000 "$DTB/phytium-d2000-devboard.dtb" /soc/pcie /pcie@40000000 --drop-unresolved
handoff fvp "$DTB/arm-fvp-base-revc.dtb" /pci@40000000 /pci@40000000 --drop-unresolved --keep-shared-its
handoff lx2160a "$DTB/nxp-lx2160a-clearfog-cx.dtb" /soc/pcie@3600000 /pcie@3600000 --drop-unresolved
handoff ls1028a "$DTB/nxp-ls1028a-rdb.symbols.dtb" /soc/pcie@1f0000000 /pcie@1f0000000 --drop-unresolved --disable-host
handoff rk3588 "$DTB/rockchip-rk3588-evb1.dtb" /pcie@fe180000 /pcie@fe180000 --drop-unresolved --keep-shared-its
handoff rk3568 "$DTB/rockchip-rk3568-rock-3a.dtb" /pcie@fe260000 /pcie@fe260000 --drop-unresolved
handoff j721e "$DTB/ti-j721e-common-proc-board.dtb" /bus@100000/pcie@2900000 /pcie@2900000 --drop-unresolved
handoff hip07 "$DTB/hisilicon-hip07-d05.symbols.dtb" /soc/pcie@af800000 /pcie@af800000 --drop-unresolved

# Refusal: exit 1, the message names a problem, the JSON report lists it,
# and no output file is written.
"$CELLCTL" dt handoff --host "$DTB/nxp-lx2160a-clearfog-cx.dtb" --inmate "$INMATE" \
	--pcie /soc/pcie@3600000 --inmate-out "$WORK/refused.dtb" --json \
	>"$WORK/refused.json" 2>"$WORK/refused.err"
[ $? -eq 1 ] || fail "refusal: exit code not 1"
grep -q "cannot follow" "$WORK/refused.err" || fail "refusal: message: $(cat "$WORK/refused.err")"
[ -e "$WORK/refused.dtb" ] && fail "refusal: output written"
python3 - "$WORK/refused.json" <<'EOF' || fail "refusal: JSON report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["unresolved"] > 0
assert any(p["path"] == "/soc/fsl-mc@80c000000" and p["property"] == "msi-parent"
           and p["kind"] == "inbound-reference" for p in r["problems"]), r["problems"]
EOF

# Nothing to hand off; not a PCI host; usage.
"$CELLCTL" dt handoff --host "$DTB/cavium-thunder-88xx.dtb" --inmate "$INMATE" \
	--inmate-out "$WORK/t.dtb" 2>"$WORK/t.err"
[ $? -eq 1 ] && grep -q "nothing to hand off" "$WORK/t.err" || fail "thunder: $(cat "$WORK/t.err")"
"$CELLCTL" dt handoff --host "$DTB/cavium-thunder-88xx.dtb" --inmate "$INMATE" \
	--pcie /soc --inmate-out "$WORK/t.dtb" 2>"$WORK/t.err"
[ $? -eq 1 ] && grep -q "not a PCI host bridge" "$WORK/t.err" || fail "thunder /soc: $(cat "$WORK/t.err")"
"$CELLCTL" dt handoff --host "$INMATE" 2>/dev/null
[ $? -eq 2 ] || fail "usage: exit code not 2"
"$CELLCTL" dt handoff --host "$WORK/absent.dtb" --inmate "$INMATE" --inmate-out "$WORK/x.dtb" \
	2>"$WORK/a.err"
[ $? -eq 1 ] && grep -q "absent.dtb" "$WORK/a.err" || fail "missing input: $(cat "$WORK/a.err")"

[ "$fails" -eq 0 ] && echo "all handoff CLI checks passed"
exit $((fails != 0))
