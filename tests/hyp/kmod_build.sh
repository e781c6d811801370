#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Build kmod/ against the stock Debian arm64 headers fetched by the board
# setup (tests/board/setup.sh) and check the module's vermagic and that it
# needs no symbol the stock kernel does not export (modpost fails on those).
# usage: kmod_build.sh SRC OUTDIR   (77 when headers or cross tools are absent)
set -eu
SRC=$1 OUT=$2
ENV=${LIBCELL_CACHE:-$HOME/.cache/libcell/board}/env
[ -f "$ENV" ] || { echo "SKIP: no $ENV (run the board setup: tests/board/setup.sh)"; exit 77; }
KHEADERS=$(sed -n 's/^KHEADERS=//p' "$ENV")
KVER=$(sed -n 's/^KVER=//p' "$ENV")
[ -d "$KHEADERS" ] || { echo "SKIP: kernel headers $KHEADERS missing"; exit 77; }
command -v aarch64-linux-gnu-gcc >/dev/null || { echo "SKIP: no aarch64-linux-gnu-gcc"; exit 77; }
mkdir -p "$OUT"
# Kbuild writes objects next to the sources: build a copy.
cp -r "$SRC/kmod" "$SRC/include" "$OUT/"
make -s -C "$KHEADERS" M="$OUT/kmod" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
	KCFLAGS=-Werror modules 2>&1 | grep -v 'Skipping BTF generation' || true
KO=$OUT/kmod/jailhouse.ko
[ -f "$KO" ] || { echo "FAIL: no jailhouse.ko"; exit 1; }
VM=$(strings "$KO" | sed -n 's/^vermagic=//p')
case "$VM" in
"$KVER "*) echo "ok   jailhouse.ko vermagic: $VM" ;;
*) echo "FAIL: vermagic '$VM' does not match $KVER"; exit 1 ;;
esac
for s in __hyp_stub_vectors __boot_cpu_mode kallsyms_lookup_name register_kprobe; do
	if strings "$KO" | grep -qx "$s"; then echo "FAIL: module references $s"; exit 1; fi
done
echo "ok   no hyp-stub, boot-mode, kallsyms or kprobe symbol referenced"
