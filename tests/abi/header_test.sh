#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Every public header must compile on its own, twice in a row (include
# guard), as strict C89 and as C++ (extern "C" guards, no C-only syntax).
# The ABI header uses _Static_assert and a flexible array member, so it is
# compiled as C11 and as non-pedantic C++11 instead.
# A C++ program then links against libcell.so through the umbrella header,
# which fails if a declaration lost its C linkage.
#
# usage: header_test.sh CC CXX|"" SRC_INCLUDE BIN_INCLUDE LIBDIR [LINK_FLAGS]
# (LINK_FLAGS: e.g. the sanitizer flags libcell was built with)
set -u
cc=$1 cxx=$2 inc=$3 binc=$4 libdir=$5 ldflags=${6:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
warn="-Wall -Wextra -Werror"

compile() { # lang std extra header
	printf '#include <%s>\n#include <%s>\nint cell_header_test_dummy;\n' "$4" "$4" > "$tmp/t.$1"
	comp=$cc
	[ "$1" = cpp ] && comp=$cxx
	n=$((n + 1))
	if ! $comp -std="$2" $3 $warn -fsyntax-only -I"$inc" -I"$binc" "$tmp/t.$1" \
		> "$tmp/log" 2>&1; then
		echo "FAIL: $4 as $2 $3:"
		sed 's/^/    /' "$tmp/log"
		fail=$((fail + 1))
	fi
}

headers=$( (cd "$inc" && ls libcell/*.h) ; (cd "$binc" && ls libcell/*.h) )
for h in $headers; do
	compile c c89 -pedantic "$h"
	[ -n "$cxx" ] && compile cpp c++98 -pedantic "$h"
done
for h in $(cd "$inc" && ls libcell/abi/*.h); do
	compile c c11 -pedantic "$h"
	[ -n "$cxx" ] && compile cpp c++11 "" "$h"
done

if [ -n "$cxx" ]; then
	cat > "$tmp/link.cpp" <<'CPP'
#include <libcell/cell.h>
#include <cstring>
int main()
{
	cell_ctx *ctx = 0;
	if (cell_ctx_new(&ctx) != 0)
		return 1;
	cell_ctx_free(ctx);
	return std::strcmp(cell_version(), CELL_VERSION_STRING) != 0;
}
CPP
	n=$((n + 1))
	if ! $cxx $warn $ldflags -I"$inc" -I"$binc" "$tmp/link.cpp" -L"$libdir" -lcell \
		-Wl,-rpath,"$libdir" -o "$tmp/link" > "$tmp/log" 2>&1 || ! "$tmp/link"; then
		echo "FAIL: C++ program using libcell through <libcell/cell.h>:"
		sed 's/^/    /' "$tmp/log"
		fail=$((fail + 1))
	fi
else
	echo "note: no C++ compiler, C++ checks skipped"
fi
echo "$n header checks, $fail failed"
[ "$fail" -eq 0 ]
