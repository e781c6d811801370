#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Check the built hypervisor image against the ABI header layout
(struct cell_abi_hv_header, 80 bytes, LP64):

  signature "JAILHOUS"; core_size page aligned and covering the file;
  percpu_size page aligned; entry (bootstrap vectors) 2 KiB aligned inside
  the image with a branch at the lower-EL sync slot (+0x400); console_page
  page aligned inside core_size; driver-filled fields zero.

usage: check_image.py JAILHOUSE_BIN   (empty path: skip, no cross compiler)
"""
import struct
import sys

PAGE = 4096


def main():
    if len(sys.argv) != 2 or not sys.argv[1]:
        print("SKIP: no aarch64 cross compiler, hypervisor image not built")
        return 77
    with open(sys.argv[1], "rb") as f:
        img = f.read()
    fails = []

    def check(cond, what):
        print(("ok   " if cond else "FAIL ") + what)
        if not cond:
            fails.append(what)

    check(len(img) >= 80, "image holds the 80-byte header (%d bytes)" % len(img))
    if fails:
        return 1
    (sig, core, percpu, entry, console, gcov, max_cpus, online, dbg, vecs, abi,
     _pad) = struct.unpack_from("<8sQQQQQIIQQII", img)
    check(sig == b"JAILHOUS", "signature JAILHOUS")
    check(core % PAGE == 0 and core >= len(img), "core_size %#x page aligned, >= file %#x" % (core, len(img)))
    check(percpu % PAGE == 0 and percpu >= 4 * PAGE, "percpu_size %#x page aligned, holds a stack" % percpu)
    check(entry % 2048 == 0 and entry + 0x800 <= len(img), "entry %#x: 2 KiB-aligned vector table in the image" % entry)
    if entry + 0x404 <= len(img):
        insn = struct.unpack_from("<I", img, entry + 0x400)[0]
        check(insn >> 26 == 0b000101, "lower-EL sync vector (entry+0x400) is a branch (%08x)" % insn)
    check(console % PAGE == 0 and 0 < console < core, "console_page %#x inside the core" % console)
    check(gcov == 0 and max_cpus == 0 and online == 0 and dbg == 0 and vecs == 0 and abi == 0,
          "driver-filled header fields are zero in the image")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
