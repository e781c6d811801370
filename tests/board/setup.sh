#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Board harness set-up: host tools from Debian (when root), the arm64 stock
# kernel, its headers + kbuild, busybox and the arm64 libraries for the cross
# build of cellctl, all unpacked into a cache outside the source tree.
#
# usage: setup.sh            prints "setup: ..." lines and the env file path
# env:   LIBCELL_CACHE       cache root (default ~/.cache/libcell/board)
#        KVER                force a kernel ABI (e.g. 6.1.0-56-arm64)
# exit:  0 ready, 77 something could not be fetched (reason printed), 1 bug
#
# Writes $CACHE/env (shell syntax, also parsed by board.py):
#   KVER IMAGE MODULES KHEADERS SYSROOT BUSYBOX QEMU CROSS_COMPILE
set -uo pipefail

CACHE=${LIBCELL_CACHE:-${HOME:-/tmp}/.cache/libcell/board}
mkdir -p "$CACHE" || { echo "setup: cannot create $CACHE"; exit 77; }
CACHE=$(cd "$CACHE" && pwd)
export DEBIAN_FRONTEND=noninteractive
T0=$(date +%s.%N)

skip() { echo "setup: SKIP: $*"; exit 77; }
log() { echo "setup: $*"; }
quiet_apt() { # apt-get with output kept only on failure
	local out
	out=$("$@" 2>&1) && return 0
	printf '%s\n' "$out" | tail -n 15
	return 1
}

# Several developers and CI may share one cache: one set-up at a time.
exec 9>"$CACHE/.lock"
flock 9

# 1. host tools (amd64)
need=()
command -v qemu-system-aarch64 >/dev/null || need+=(qemu-system-arm)
command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu)
[ -e /usr/aarch64-linux-gnu/lib/libc.a ] || need+=(libc6-dev-arm64-cross)
command -v dtc >/dev/null || need+=(device-tree-compiler)
command -v fdtput >/dev/null || need+=(device-tree-compiler)
command -v cpio >/dev/null || need+=(cpio)
command -v make >/dev/null || need+=(make)
command -v bc >/dev/null || need+=(bc)
if [ ${#need[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || skip "missing host packages ${need[*]} (run as root to install)"
	log "installing ${need[*]}"
	quiet_apt apt-get install -y --no-install-recommends "${need[@]}" ||
		{ quiet_apt apt-get update && quiet_apt apt-get install -y --no-install-recommends "${need[@]}"; } ||
		skip "apt-get install ${need[*]} failed"
fi

# 2. arm64 package lists (apt-get download of :arm64 needs the foreign arch)
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	[ "$(id -u)" = 0 ] || skip "dpkg has no arm64 architecture (run as root once)"
	log "dpkg --add-architecture arm64"
	dpkg --add-architecture arm64 || skip "dpkg --add-architecture arm64 failed"
	quiet_apt apt-get update || skip "apt-get update failed"
fi
meta=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
if [ -z "$meta" ]; then
	[ "$(id -u)" = 0 ] || skip "no arm64 package lists (run as root)"
	quiet_apt apt-get update || skip "apt-get update failed"
	meta=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
fi
meta=${meta%:arm64}
if [ -z "${KVER:-}" ]; then
	KVER=${meta#linux-image-}
	# Offline with a warm cache: keep the ABI we already have.
	[ -n "$KVER" ] || KVER=$(sed -n 's/^KVER=//p' "$CACHE/env" 2>/dev/null)
fi
[ -n "$KVER" ] || skip "cannot determine the arm64 kernel ABI (linux-image-arm64:arm64 unknown to apt)"
KABI=${KVER%-arm64}                      # 6.1.0-56
KSER=$(echo "$KABI" | cut -d. -f1,2)     # 6.1
K=$CACHE/kernel-$KVER

# 3. kernel image (+ NIC modules), headers, kbuild, busybox: downloaded once per ABI
if [ ! -f "$K/.done" ]; then
	log "fetching Debian arm64 kernel $KVER (about 75 MB)"
	rm -rf "$K"; mkdir -p "$K/debs" "$K/root"
	(cd "$K/debs" && quiet_apt apt-get download "linux-image-$KVER-unsigned:arm64" \
		"linux-headers-$KVER:arm64" "linux-headers-$KABI-common" \
		"linux-kbuild-$KSER" busybox-static:arm64) ||
		skip "apt-get download of the arm64 kernel packages failed"
	for d in "$K"/debs/*.deb; do
		case ${d##*/} in
		linux-image-*)
			# Only the Image and the modules the board loads: the full module
			# tree is ~550 MB and would cost seconds on every cold set-up.
			dpkg-deb --fsys-tarfile "$d" | tar -x -C "$K/root" --wildcards \
				"./boot/vmlinuz-*" "./boot/config-*" \
				"./lib/modules/$KVER/kernel/drivers/net/*" \
				"./lib/modules/$KVER/kernel/net/core/*" \
				"./lib/modules/$KVER/kernel/drivers/virtio/*" ||
				{ echo "setup: extracting $d failed"; exit 1; }
			;;
		*)
			dpkg-deb -x "$d" "$K/root" || { echo "setup: extracting $d failed"; exit 1; }
			;;
		esac
	done
	# The arm64 headers' Makefile includes the -common one by absolute path.
	sed -i "s|^include /usr/src/|include $K/root/usr/src/|" \
		"$K/root/usr/src/linux-headers-$KVER/Makefile"
	rm -rf "$K/debs"
	touch "$K/.done"
fi

# 4. arm64 libraries for a static cellctl (unpacked, never installed)
S=$CACHE/sysroot-arm64
if [ ! -f "$S/.done" ]; then
	log "fetching arm64 libfdt and jansson"
	rm -rf "$S"; mkdir -p "$S/debs"
	(cd "$S/debs" && quiet_apt apt-get download libfdt-dev:arm64 libfdt1:arm64 \
		libjansson-dev:arm64 libjansson4:arm64) ||
		skip "apt-get download of arm64 libfdt/jansson failed"
	for d in "$S"/debs/*.deb; do dpkg-deb -x "$d" "$S" || exit 1; done
	rm -rf "$S/debs"
	touch "$S/.done"
fi

IMAGE=$K/root/boot/vmlinuz-$KVER
KHEADERS=$K/root/usr/src/linux-headers-$KVER
for f in "$IMAGE" "$KHEADERS/Makefile" "$K/root/bin/busybox" \
	"$S/usr/lib/aarch64-linux-gnu/libfdt.a" "$S/usr/lib/aarch64-linux-gnu/libjansson.a"; do
	[ -e "$f" ] || { echo "setup: $f missing after unpacking"; exit 1; }
done

cat > "$CACHE/env.tmp" <<EOT
KVER=$KVER
IMAGE=$IMAGE
MODULES=$K/root/lib/modules/$KVER
KHEADERS=$KHEADERS
BUSYBOX=$K/root/bin/busybox
SYSROOT=$S
QEMU=$(command -v qemu-system-aarch64)
CROSS_COMPILE=aarch64-linux-gnu-
EOT
mv "$CACHE/env.tmp" "$CACHE/env"
log "KVER=$KVER"
log "env file $CACHE/env:"
sed 's/^/setup:   /' "$CACHE/env"
log "$(awk -v t0="$T0" -v t1="$(date +%s.%N)" 'BEGIN{printf "done in %.1f s", t1 - t0}')"
