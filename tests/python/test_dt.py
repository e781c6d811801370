# SPDX-License-Identifier: BSD-2-Clause
"""GIC and PCI discovery through the Python bindings, on the fixture DTBs."""
from __future__ import annotations

import pytest

import libcell
from conftest import FIXTURES

DTB = FIXTURES / "dt" / "dtb"


def _dtb(name: str) -> bytes:
    path = DTB / f"{name}.dtb"
    if not path.is_file():
        pytest.skip(f"fixture missing: {path}")
    return path.read_bytes()


def test_hip07_gic(ctx: libcell.Context) -> None:
    rep = libcell.discover_gics(ctx, _dtb("hisilicon-hip07-d05"))
    assert len(rep.gics) == 1
    g = rep.gics[0]
    assert g.info.path == "/interrupt-controller@4d000000"
    assert [r.base for r in g.redistributors] == [0x4d100000, 0x6d100000,
                                                  0x4004d100000, 0x4006d100000]
    assert g.info.has_redist_stride == 1 and g.info.redist_stride == 0x40000
    assert len(g.its) == 8
    assert len(rep.cpus) == 64
    assert rep.redist_frames[0][0x30000].base == 0x6d100000


def test_ft2004_pci(ctx: libcell.Context) -> None:
    hosts = libcell.discover_pci(ctx, _dtb("phytium-ft2004-devboard"))
    assert [h.info.path for h in hosts] == ["/soc/pcie"]
    h = hosts[0]
    assert h.regs[0].region.base == 0x40000000
    assert [w.space for w in h.windows] == [libcell.CELL_PCI_SPACE_IO,
                                            libcell.CELL_PCI_SPACE_MEM32,
                                            libcell.CELL_PCI_SPACE_MEM64]
    assert h.msi_parents[0].path.endswith("gic-its@29920000")
    assert [x.gic_intid for x in h.intx] == [60, 61, 62, 63]


def test_bad_blob(ctx: libcell.Context) -> None:
    with pytest.raises(libcell.Error):
        libcell.discover_gics(ctx, b"\xd0\x0d\xfe\xed" + bytes(60))
    assert "invalid blob" in ctx.last_error
