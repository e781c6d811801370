#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Measure the two ways of keeping 0x70000000-0x7fffffff from Linux.

usage: measure_reserve.py INITRD [MODE...]     (modes: mem dtb none; default all)

For each mode: QEMU pre-fills 16 MiB at 0x7f000000 (the top of RAM, where
memblock allocates first; it holds the hypervisor's 0x7fc00000) with
word(off) = off ^ 0x5a5a5a5a; the guest fills all free RAM through a tmpfs,
then samples 257 words of the region with devmem (mmap of /dev/mem). Prints
boot time, MemTotal, /proc/iomem around the region and the sample result.
"none" is the control run showing the check notices a changed region.
Not a ctest: run by hand, results in docs/board.md.
"""

import os
import struct
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from board import Board  # noqa: E402

BASE, SIZE = 0x7f000000, 16 << 20


def pattern(path):
    words = range(0, SIZE, 4)
    with open(path, "wb") as f:
        f.write(struct.pack("<%dI" % len(words), *((o ^ 0x5a5a5a5a) & 0xffffffff for o in words)))


def main():
    initrd = sys.argv[1]
    modes = sys.argv[2:] or ["mem", "dtb", "none"]
    tmp = tempfile.mkdtemp(prefix="libcell-resv-")
    pat = os.path.join(tmp, "pattern.bin")
    pattern(pat)
    for mode in modes:
        t0 = time.monotonic()
        with Board(initrd, reserve=mode, workdir=tmp, nics=False,
                   qemu_extra=["-device", "loader,file=%s,addr=0x%x,force-raw=on" % (pat, BASE)],
                   log=os.path.join(tmp, "resv-%s.log" % mode)) as b:
            boot = b.boot_seconds
            mem = b.run("grep MemTotal /proc/meminfo")
            iomem = b.run("grep -iE 'System RAM|reserved' /proc/iomem | grep -v '^ '")
            fill = b.run("mount -t tmpfs -o size=100% t /mnt && "
                         "n=$(awk '/MemAvailable/ {print int($2/1024) - 48}' /proc/meminfo) && "
                         "dd if=/dev/zero of=/mnt/f bs=1M count=$n 2>&1 | tail -1; rm /mnt/f", timeout=300)
            check = b.run(
                "bad=0; n=0; for off in $(seq 0 %d %d) %d; do "
                "want=$(printf '0x%%08X' $(( (off ^ 0x5a5a5a5a) & 0xffffffff ))); "
                "got=$(devmem $((0x%x + off)) 32 2>&1); n=$((n+1)); "
                "[ \"$got\" = \"$want\" ] || bad=$((bad+1)); done; echo \"$bad of $n samples differ\""
                % (SIZE // 256, SIZE - 1, SIZE - 4, BASE), timeout=120)
        print("== reserve=%s: boot to /init %.2f s, run %.1f s" % (mode, boot, time.monotonic() - t0))
        print("   " + mem)
        print("   iomem: " + "; ".join(iomem.split("\n")))
        print("   fill: " + fill)
        print("   region: " + check)
    print("logs in " + tmp)


if __name__ == "__main__":
    main()
