#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The cellctl man page renders without groff warnings and its synopsis names
# every command group that `cellctl help` lists.
# usage: manpage_test.sh CELLCTL.1 CELLCTL
set -u
page=$1 cellctl=$2
command -v groff > /dev/null || { echo "groff not installed: man page not checked"; exit 77; }
fail=0
warnings=$(groff -man -ww -z -Tutf8 "$page" 2>&1)
if [ -n "$warnings" ]; then
	echo "FAIL: groff warnings in $page:"; echo "$warnings"; fail=1
fi
groups=$("$cellctl" help | sed -n 's/^  \([a-z][a-z-]*\).*/\1/p')
[ -n "$groups" ] || { echo "FAIL: cellctl help lists no command"; exit 1; }
for g in $groups; do
	[ "$g" = help ] && continue
	if ! grep -q "^\.B cellctl $g\b" "$page"; then
		echo "FAIL: command group '$g' is missing from the synopsis of $page"; fail=1
	fi
done
[ "$fail" -eq 0 ] && echo "man page renders cleanly and covers: $(echo $groups)"
exit $fail
