#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Install the build tree into a temporary prefix, check the layout, then
# build and run a consumer twice against the installed copy: once as a CMake
# project (find_package(libcell) -> libcell::cell), once with
# `cc $(pkg-config --cflags --libs libcell)`. Each run must load libcell from
# the temporary prefix, not from the build tree.
#
# usage: install_test.sh CMAKE BUILD_DIR CONSUMER_SRC CC [EXTRA_CFLAGS]
set -u
cmake=$1 build=$2 consumer=$3 cc=$4 extra=${5:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
fail=0

die() { echo "FAIL: $*"; exit 1; }
check() { # description command...
	what=$1; shift
	if "$@" > "$tmp/log" 2>&1; then
		echo "ok: $what"
	else
		echo "FAIL: $what"; sed 's/^/    /' "$tmp/log"; fail=$((fail + 1))
	fi
}

"$cmake" --install "$build" --prefix "$prefix" > "$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; die "cmake --install"; }

# GNUInstallDirs may pick lib or lib64 or lib/<multiarch>: find the libdir.
pc=$(find "$prefix" -name libcell.pc | head -n1)
[ -n "$pc" ] || die "libcell.pc not installed"
libdir=$(dirname "$(dirname "$pc")")

for f in include/libcell/cell.h include/libcell/common.h include/libcell/config.h \
	 include/libcell/check.h include/libcell/version.h include/libcell/abi/cell-abi.h \
	 bin/cellctl share/man/man1/cellctl.1; do
	[ -e "$prefix/$f" ] || { echo "FAIL: $f not installed"; fail=$((fail + 1)); }
done
for f in libcell.so libcell.a cmake/libcell/libcellConfig.cmake \
	 cmake/libcell/libcellConfigVersion.cmake cmake/libcell/libcellTargets.cmake; do
	[ -e "$libdir/$f" ] || { echo "FAIL: $(basename "$libdir")/$f not installed"; fail=$((fail + 1)); }
done
soname=$(readelf -d "$libdir/libcell.so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ -e "$libdir/$soname" ] || { echo "FAIL: SONAME file $soname not installed"; fail=$((fail + 1)); }
# Private headers must stay private.
[ -e "$prefix/include/libcell/internal.h" ] && { echo "FAIL: internal.h installed"; fail=$((fail + 1)); }

# Anything the build tree offers must not be reachable: only the prefix.
unset LD_LIBRARY_PATH PKG_CONFIG_PATH CMAKE_PREFIX_PATH

loaded_from_prefix() { # program
	out=$("$@") || return 1
	echo "$out"
	case "$out" in *" from $prefix/"*) return 0 ;; esac
	echo "loaded libcell outside $prefix"
	return 1
}

check "CMake consumer configures" "$cmake" -S "$consumer" -B "$tmp/cmake-build" \
	-DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" -DCMAKE_C_FLAGS="$extra"
check "CMake consumer builds" "$cmake" --build "$tmp/cmake-build"
check "CMake consumer runs against the installed libcell" \
	loaded_from_prefix "$tmp/cmake-build/consumer"

export PKG_CONFIG_PATH="$libdir/pkgconfig"
if command -v pkg-config > /dev/null; then
	check "pkg-config knows libcell" pkg-config --exists libcell
	flags=$(pkg-config --cflags --libs libcell)
	echo "pkg-config --cflags --libs libcell: $flags"
	# shellcheck disable=SC2086
	check "pkg-config consumer builds" "$cc" -Wall -Wextra -Werror $extra \
		"$consumer/consumer.c" -o "$tmp/pc-consumer" $flags
	LD_LIBRARY_PATH="$libdir" check "pkg-config consumer runs against the installed libcell" \
		loaded_from_prefix "$tmp/pc-consumer"
	# libcell.a plus the private dependencies the .pc declares for it.
	static_libs=$(pkg-config --static --libs-only-l libcell | sed 's/-lcell\b//')
	# shellcheck disable=SC2086
	check "static consumer builds from libcell.a + pkg-config --static" "$cc" $extra \
		"$consumer/consumer.c" -o "$tmp/st-consumer" $(pkg-config --cflags libcell) \
		"$libdir/libcell.a" $static_libs
	check "static consumer runs" "$tmp/st-consumer"
else
	echo "FAIL: pkg-config not found"; fail=$((fail + 1))
fi

[ "$fail" -eq 0 ] || die "$fail install checks failed"
echo "install tree, CMake and pkg-config consumers: all good"
