# SPDX-License-Identifier: BSD-2-Clause
"""Configuration generation from a DTB through the Python bindings."""
from __future__ import annotations

import pytest

import libcell
from conftest import FIXTURES

FT2004 = FIXTURES / "dt" / "dtb" / "phytium-ft2004-devboard.dtb"


@pytest.fixture
def ft2004() -> bytes:
    if not FT2004.is_file():
        pytest.skip(f"fixture missing: {FT2004}")
    return FT2004.read_bytes()


def test_create_root_and_inmate(ctx: libcell.Context, ft2004: bytes) -> None:
    with libcell.create_root(ctx, ft2004, hv=(0xb0000000, 0x4000000)) as root:
        assert root.kind == libcell.CELL_CONFIG_SYSTEM
        assert root.cpus == [0, 1, 2, 3]
        sysinfo = root.system
        assert sysinfo.platform.arm_gicr_base == 0x29980000
        cell, dtb = libcell.create_inmate(ctx, ft2004, "linux", cpus=[2, 3],
                                          memory=(0xc0000000, 0x10000000),
                                          devices=["/soc/uart@28000000"])
        with cell:
            assert cell.name == "linux"
            assert cell.cpus == [2, 3]
            assert dtb[:4] == b"\xd0\x0d\xfe\xed"
            findings = libcell.check_set(root, [cell])
            assert findings.errors == 0


def test_create_errors(ctx: libcell.Context, ft2004: bytes) -> None:
    with pytest.raises(libcell.OutOfRange) as e:
        libcell.create_root(ctx, ft2004, hv=(0x10000000, 0x400000))
    assert "0x10000000" in str(e.value)
    with pytest.raises(libcell.NotFound):
        libcell.create_inmate(ctx, ft2004, "x", cpus=[2], memory=(0xc0000000, 0x100000),
                              devices=["/nope"])
    with pytest.raises(ValueError):
        libcell.create_root(ctx, ft2004, cpus=[99])
