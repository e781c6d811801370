#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write the root-cell system configuration (revision 14, arm64) for the
QEMU virt board used by the board tests: 1 GiB RAM at 0x40000000, the
hypervisor at 0x7fc00000 (4 MiB), GICv3 with ITS, PL011 debug console.

usage: mkrootcfg.py OUT [--cpus N] [--hv-base ADDR] [--hv-size SIZE]
The file is written atomically (temp + rename).
"""
import argparse
import os
import struct
import sys
import tempfile

MEM_READ, MEM_WRITE, MEM_EXECUTE, MEM_DMA, MEM_IO = 1, 2, 4, 8, 0x10
RAM = MEM_READ | MEM_WRITE | MEM_EXECUTE | MEM_DMA
IO = MEM_READ | MEM_WRITE | MEM_IO
CON_PL011, CON_MMIO, CON_REGDIST_4 = 3, 1, 2


def console(addr, size, ctype, flags):
    return struct.pack("<QIHHIIQ", addr, size, ctype, flags, 0, 0, 0)


def build(cpus, hv_base, hv_size):
    regions = [
        (0x00000000, 0x08000000, IO),          # flash
        (0x08080000, 0x00020000, IO),          # ITS (Linux keeps its setup)
        (0x09000000, 0x37000000, IO),          # UART, RTC, virtio-mmio, PCI windows
        (0x40000000, hv_base - 0x40000000, RAM),
        (0x4010000000, 0x10000000, IO),        # ECAM
    ]
    irqchips = [(0x08000000, 32), (0x08000000, 160)]
    cpu_set = bytes([(1 << cpus) - 1])

    name = b"qemu-virt"
    cell = struct.pack("<5sBH32sIIIIIIIIIIIQQ", b"JHCLL", 2, 14,
                       name.ljust(32, b"\0"), 0, 0, len(cpu_set), len(regions),
                       0, len(irqchips), 0, 0, 0, 0, 0, 0, 0)
    cell += console(0, 0, 0, 0)
    assert len(cell) == 132
    platform = struct.pack("<QBBH", 0, 0, 0, 0) + bytes(8 * 28)
    platform += struct.pack("<BBxxQQQQQ", 25, 3, 0x08000000, 0, 0, 0, 0x080a0000)
    assert len(platform) == 280
    system = struct.pack("<5sBHI", b"JHSYS", 2, 14, 0)
    system += struct.pack("<QQQQ", hv_base, 0, hv_size, 0)
    system += console(0x09000000, 0x1000, CON_PL011, CON_MMIO | CON_REGDIST_4)
    system += platform + cell
    assert len(system) == 488
    out = system + cpu_set
    for start, size, flags in regions:
        out += struct.pack("<QQQQ", start, start, size, flags)
    for addr, base in irqchips:
        out += struct.pack("<QII4I", addr, 0, base, *([0xffffffff] * 4))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--cpus", type=int, default=4)
    ap.add_argument("--hv-base", type=lambda s: int(s, 0), default=0x7fc00000)
    ap.add_argument("--hv-size", type=lambda s: int(s, 0), default=0x400000)
    args = ap.parse_args()
    if not 1 <= args.cpus <= 8:
        sys.exit("mkrootcfg: --cpus must be 1..8")
    data = build(args.cpus, args.hv_base, args.hv_size)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(args.out)))
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
