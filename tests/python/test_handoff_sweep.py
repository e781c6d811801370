# SPDX-License-Identifier: BSD-2-Clause
"""Device-tree handoff over every fixture with a PCIe host: reports agree
with their JSON form, and the new trees are checked with GIC/PCI discovery."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import libcell
from dtutil import DTB_DIR, fixtures

INMATE = DTB_DIR / "jailhouse-inmate-qemu-arm64.dtb"
POLICY = (libcell.CELL_HANDOFF_DISABLE_HOST | libcell.CELL_HANDOFF_DROP_UNRESOLVED
          | libcell.CELL_HANDOFF_KEEP_SHARED_ITS)
PROBLEMS = {libcell.CELL_HANDOFF_UNRESOLVED, libcell.CELL_HANDOFF_INBOUND,
            libcell.CELL_HANDOFF_UNDECODABLE}


def hosts_with_pcie() -> list[Path]:
    return [p for p in fixtures()
            if p.stem not in ("cavium-thunder-88xx", "jailhouse-inmate-qemu-arm64")]


@pytest.fixture(autouse=True)
def _inmate() -> None:
    if not INMATE.is_file():
        pytest.skip(f"{INMATE} missing")


@pytest.mark.parametrize("dtb", hosts_with_pcie(), ids=[p.stem for p in hosts_with_pcie()])
def test_dry_run_reports(ctx: libcell.Context, dtb: Path, tmp_path: Path) -> None:
    h = libcell.handoff(ctx, dtb, INMATE, flags=libcell.CELL_HANDOFF_DRY_RUN)
    assert h.host == b"" and h.inmate == b""
    assert h.items and all(isinstance(i, libcell.HandoffItem) for i in h.items)
    assert all(libcell.handoff_kind_name(i.kind) for i in h.items)
    assert any(i.kind == libcell.CELL_HANDOFF_MOVED_NODE for i in h.items)
    report = json.loads(h.report_json)
    problems = [i for i in h.items if i.kind in PROBLEMS]
    assert problems == h.problems
    assert len(report["problems"]) == len(problems)
    assert len(report["actions"]) == len(h.items) - len(problems)
    assert h.unresolved == sum(1 for p in problems if not p.resolved)
    with pytest.raises(libcell.InvalidArgument):
        libcell.handoff(ctx, dtb, INMATE, flags=libcell.CELL_HANDOFF_DRY_RUN,
                        inmate_out=tmp_path / "x.dtb")
    assert not (tmp_path / "x.dtb").exists()


@pytest.mark.parametrize("dtb", hosts_with_pcie(), ids=[p.stem for p in hosts_with_pcie()])
def test_handoff_with_policy(ctx: libcell.Context, dtb: Path, tmp_path: Path) -> None:
    with libcell.pci_discover(ctx, dtb) as before:
        enabled = [h.path for h in before if h.enabled]
    h = libcell.handoff(ctx, dtb, INMATE, flags=POLICY, host_out=tmp_path / "host.dtb",
                        inmate_out=tmp_path / "inmate.dtb")
    assert h.unresolved == 0 and h.host and h.inmate
    assert (tmp_path / "host.dtb").read_bytes() == h.host
    assert (tmp_path / "inmate.dtb").read_bytes() == h.inmate
    moved = {i.target for i in h.items if i.kind == libcell.CELL_HANDOFF_MOVED_NODE}
    with libcell.pci_discover(ctx, h.inmate) as hosts:
        grafted = [x.path for x in hosts if x.path in moved]
        assert len(grafted) == len(enabled)
    with libcell.pci_discover(ctx, h.host) as left:
        assert not [x.path for x in left if x.enabled and x.path in enabled]
    with libcell.gic_discover(ctx, h.inmate) as gics:
        its = [i.path for k in range(len(gics)) for i in gics.its(k)]
        assert its and set(its) <= moved
    # Deterministic: equal inputs, byte-identical outputs.
    again = libcell.handoff(ctx, dtb.read_bytes(), INMATE.read_bytes(), flags=POLICY)
    assert (again.host, again.inmate) == (h.host, h.inmate)


def test_errors(ctx: libcell.Context, tmp_path: Path) -> None:
    host = [p for p in hosts_with_pcie() if p.stem == "arm-fvp-base-revc"]
    if not host:
        pytest.skip("arm-fvp fixture missing")
    with pytest.raises(libcell.NotFound) as ei:
        libcell.handoff(ctx, host[0], INMATE, ["/no-such-bridge"])
    assert "/no-such-bridge" in ei.value.message and ctx.last_error == ei.value.message
    with pytest.raises(libcell.InvalidArgument):
        libcell.handoff(ctx, host[0], b"garbage" * 8)
    with pytest.raises(libcell.NotFound, match="nothere.dtb"):
        libcell.handoff(ctx, tmp_path / "nothere.dtb", INMATE)
    cavium = DTB_DIR / "cavium-thunder-88xx.dtb"
    if cavium.is_file():
        with pytest.raises(libcell.NotFound):
            libcell.handoff(ctx, cavium, INMATE)
