# SPDX-License-Identifier: BSD-2-Clause
"""Python binding of the device-tree handoff (libcell.handoff)."""
from __future__ import annotations

from pathlib import Path

import pytest

import libcell

from conftest import FIXTURES

DTB = FIXTURES / "dt" / "dtb"


def _blob(name: str) -> bytes:
    path = DTB / f"{name}.dtb"
    if not path.exists():
        pytest.skip(f"{path} missing")
    return path.read_bytes()


def test_ft2004_into_inmate(ctx: libcell.Context, tmp_path: Path) -> None:
    host, inmate = _blob("phytium-ft2004-devboard"), _blob("jailhouse-inmate-qemu-arm64")
    out = tmp_path / "inmate.dtb"
    r = libcell.handoff(ctx, host, inmate, ["/soc/pcie"], inmate_out=out)
    assert r.unresolved == 0
    assert out.read_bytes() == r.inmate
    assert r.host != host and len(r.inmate) > len(inmate)
    moved = [i for i in r.items if i.kind == libcell.CELL_HANDOFF_MOVED_NODE]
    assert {(i.path, i.target) for i in moved} == {
        ("/soc/pcie", "/pcie@40000000"),
        ("/interrupt-controller@29900000/gic-its@29920000",
         "/interrupt-controller@d1d00000/gic-its@29920000")}
    assert '"moved-node"' in r.report_json
    assert libcell.handoff_kind_name(libcell.CELL_HANDOFF_INBOUND) == "inbound-reference"


def test_refusal_and_dry_run(ctx: libcell.Context) -> None:
    host, inmate = _blob("nxp-lx2160a-clearfog-cx"), _blob("jailhouse-inmate-qemu-arm64")
    with pytest.raises(libcell.Busy, match="cannot follow"):
        libcell.handoff(ctx, host, inmate, ["/soc/pcie@3600000"])
    r = libcell.handoff(ctx, host, inmate, ["/soc/pcie@3600000"],
                        flags=libcell.CELL_HANDOFF_DRY_RUN)
    assert r.host == b"" and r.unresolved > 0
    assert any(p.path == "/soc/fsl-mc@80c000000" and p.prop == "msi-parent"
               for p in r.problems)
