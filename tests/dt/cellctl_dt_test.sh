#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# cellctl gic / pci: exit codes, error messages and output on a fixture.
# usage: cellctl_dt_test.sh CELLCTL FIXTURES_DIR
set -u
cellctl=$1 dtb=$2/dt/dtb
[ -f "$dtb/phytium-ft2004-devboard.dtb" ] || { echo "SKIP: fixtures missing in $dtb"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
expect() { # expect CODE PATTERN -- ARGS...
	code=$1 pat=$2; shift 3
	"$cellctl" "$@" > "$tmp/out" 2> "$tmp/err"; rc=$?
	if [ "$rc" -ne "$code" ] || ! grep -q -- "$pat" "$tmp/out" "$tmp/err"; then
		echo "FAIL: cellctl $* -> exit $rc (want $code), output lacks '$pat':"
		cat "$tmp/out" "$tmp/err"; fail=1
	fi
}
expect 2 "usage: cellctl gic" -- gic
expect 2 "unknown option '--bogus'" -- pci --bogus "$dtb/phytium-ft2004-devboard.dtb"
expect 2 "only one FILE.dtb" -- gic a.dtb b.dtb
expect 1 "$tmp/none.dtb: No such file" -- gic "$tmp/none.dtb"
head -c 100 "$dtb/phytium-ft2004-devboard.dtb" > "$tmp/short.dtb"
expect 1 "invalid blob" -- pci "$tmp/short.dtb"
expect 0 "GICR\[0\]      0x29980000 size 0x80000" -- gic "$dtb/phytium-ft2004-devboard.dtb"
expect 0 '"base": 697827328' -- gic --json "$dtb/phytium-ft2004-devboard.dtb"
expect 0 "INTA dev 0x0 -> /interrupt-controller@29900000 0x0 0x1c 0x4 = INTID 60" -- \
	pci "$dtb/phytium-ft2004-devboard.dtb"
expect 0 "no PCI host bridge found" -- pci "$dtb/cavium-thunder-88xx.dtb"
expect 0 '"gic_intid": 292' -- pci --json "$dtb/rockchip-rk3588-evb1.dtb"
[ "$fail" -eq 0 ] && echo "cellctl gic/pci: exit codes, errors and output as expected"
exit $fail
