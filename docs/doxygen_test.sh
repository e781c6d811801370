#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Build the Doxygen reference; any warning is a failure.
# usage: doxygen_test.sh DOXYGEN DOXYFILE WARNING_LOG
set -u
doxygen=$1 doxyfile=$2 log=$3
mkdir -p "$(dirname "$log")"
rm -f "$log"
if ! "$doxygen" "$doxyfile"; then
	echo "FAIL: doxygen exited with an error"
	exit 1
fi
if [ -s "$log" ]; then
	echo "FAIL: $(grep -c 'warning:' "$log") Doxygen warnings:"
	cat "$log"
	exit 1
fi
echo "Doxygen reference built without warnings"
