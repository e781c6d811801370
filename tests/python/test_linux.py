# SPDX-License-Identifier: BSD-2-Clause
"""libcell.LinuxBoot: the board's Linux inmate (linux-inmate.json and its
device tree) laid out with a synthetic Image, the refusals, and the boot
sequence against a driver that is not there (the created cell is not left
behind, nothing is loaded)."""
from __future__ import annotations

import json
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

import libcell
from conftest import SOURCE_DIR

QEMU_VIRT = SOURCE_DIR / "examples" / "configs" / "qemu-virt"
MPIDRS = [0, 1, 2, 3]       # QEMU virt, 4 CPUs


def image(span: int = 0x2010000, size: int = 0x10000) -> bytes:
    hdr = struct.pack("<IIQQQQQQII", 0, 0, 0, span, 0xa, 0, 0, 0, 0x644d5241, 0)
    return hdr + bytes(size - len(hdr))


@pytest.fixture
def dtb(tmp_path: Path) -> bytes:
    if not shutil.which("dtc"):
        pytest.skip("dtc (device-tree-compiler) missing")
    out = tmp_path / "inmate.dtb"
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(out),
                    str(QEMU_VIRT / "linux-inmate.dts")], check=True)
    return out.read_bytes()


@pytest.fixture
def cell(ctx: libcell.Context) -> libcell.Config:
    return libcell.Config.from_json(ctx, (QEMU_VIRT / "linux-inmate.json").read_text())


def test_image_info(ctx: libcell.Context) -> None:
    info = libcell.image_info(ctx, image())
    assert (info.image_size, info.flags, info.file_size) == (0x2010000, 0xa, 0x10000)
    with pytest.raises(libcell.NotExecutable, match="gzip"):
        libcell.image_info(ctx, b"\x1f\x8b" + bytes(100))


def test_layout(ctx: libcell.Context, cell: libcell.Config, dtb: bytes) -> None:
    with libcell.LinuxBoot(ctx, cell, image(), dtb, initrd=bytes(0x300000),
                           cmdline="rdinit=/init", cpu_mpidr=MPIDRS) as lb:
        y = lb.layout
        assert y.stub_address == 0x70000000            # cpu_reset_address
        assert y.kernel_address == 0x70200000          # next 2 MiB slot
        assert y.initrd_size == 0x300000
        assert lb.warnings == []                       # the template maps or emulates all
        rec = json.loads(lb.layout_json())
        assert int(rec["dtb"]["address"], 16) == y.dtb_address
        new = lb.dtb
        assert new[:4] == b"\xd0\x0d\xfe\xed" and len(new) == y.dtb_size
        assert b"rdinit=/init" in new and b"memory@70000000" in new
        imgs = lb.images()
        assert [a for _, a in imgs] == [y.stub_address, y.kernel_address, y.dtb_address,
                                        y.initrd_address]
        assert imgs[2][0] == new and len(imgs[0][0]) == libcell.CELL_LINUX_STUB_SIZE


def test_cpu_mismatch(ctx: libcell.Context, cell: libcell.Config, dtb: bytes) -> None:
    cell.cpus = [1, 2]
    with pytest.raises(libcell.InvalidArgument, match=r"/cpus/cpu@3 \(MPIDR 0x3\)"):
        libcell.LinuxBoot(ctx, cell, image(), dtb, cpu_mpidr=MPIDRS)


def test_too_big(ctx: libcell.Context, cell: libcell.Config, dtb: bytes) -> None:
    with pytest.raises(libcell.NoSpace, match="the kernel needs"):
        libcell.LinuxBoot(ctx, cell, image(span=0x8000000), dtb, cpu_mpidr=MPIDRS)
    with pytest.raises(libcell.NoSpace, match="the initrd"):
        libcell.LinuxBoot(ctx, cell, image(), dtb, initrd=bytes(0x7000000), cpu_mpidr=MPIDRS)


def test_boot_without_driver(ctx: libcell.Context, cell: libcell.Config, dtb: bytes,
                             tmp_path: Path) -> None:
    (tmp_path / "jailhouse" / "cells").mkdir(parents=True)
    with libcell.LinuxBoot(ctx, cell, image(), dtb, cpu_mpidr=MPIDRS) as lb, \
         libcell.Hypervisor(ctx, tmp_path / "no-device", tmp_path / "jailhouse") as hv:
        with pytest.raises(libcell.Error):
            lb.boot(hv, cell)
        assert hv.cells() == []
