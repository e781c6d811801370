# SPDX-License-Identifier: BSD-2-Clause
"""Device-tree handoff (dt.h) on the fixtures: reports, results checked with
GIC/PCI discovery of the new trees."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import libcell
from dtutil import DTB_DIR, fixtures

if "dt.h" not in libcell.layout.HEADERS or "pci.h" not in libcell.layout.HEADERS:
    pytest.skip("dt.h / pci.h not in this source tree yet", allow_module_level=True)

INMATE = DTB_DIR / "jailhouse-inmate-qemu-arm64.dtb"
POLICY = (libcell.CELL_HANDOFF_DISABLE_HOST | libcell.CELL_HANDOFF_DROP_UNRESOLVED
          | libcell.CELL_HANDOFF_KEEP_SHARED_ITS)
PROBLEMS = {libcell.CELL_HANDOFF_UNRESOLVED, libcell.CELL_HANDOFF_INBOUND,
            libcell.CELL_HANDOFF_UNDECODABLE}


def hosts_with_pcie() -> list[Path]:
    return [p for p in fixtures() if p != INMATE.with_suffix(".dtb") and p.stem not in
            ("cavium-thunder-88xx", "jailhouse-inmate-qemu-arm64")]


@pytest.fixture(autouse=True)
def _inmate() -> None:
    if not INMATE.is_file():
        pytest.skip(f"{INMATE} missing")


@pytest.mark.parametrize("dtb", hosts_with_pcie(), ids=[p.stem for p in hosts_with_pcie()])
def test_dry_run_reports(ctx: libcell.Context, dtb: Path) -> None:
    with libcell.handoff(ctx, dtb, INMATE, flags=libcell.CELL_HANDOFF_DRY_RUN) as h:
        assert h.host_blob is None and h.inmate_blob is None
        items = h.items
        assert items and all(isinstance(i, libcell.HandoffItem) for i in items)
        assert all(libcell.handoff_kind_name(i.kind) != "" for i in items)
        assert any(i.kind == libcell.CELL_HANDOFF_MOVED_NODE for i in items)
        report = json.loads(h.report_json())
        problems = [i for i in items if i.kind in PROBLEMS]
        assert len(report["problems"]) == len(problems)
        assert len(report["actions"]) == len(items) - len(problems)
        assert h.unresolved == sum(1 for p in problems if not p.resolved)
        with pytest.raises(libcell.InvalidArgument):
            h.save(None, None)


@pytest.mark.parametrize("dtb", hosts_with_pcie(), ids=[p.stem for p in hosts_with_pcie()])
def test_handoff_with_policy(ctx: libcell.Context, dtb: Path, tmp_path: Path) -> None:
    with libcell.pci_discover(ctx, dtb) as before:
        enabled = [h.path for h in before if h.enabled]
    with libcell.handoff(ctx, dtb, INMATE, flags=POLICY) as h:
        assert h.unresolved == 0
        host, inmate = h.host_blob, h.inmate_blob
        assert host and inmate
        h.save(tmp_path / "host.dtb", tmp_path / "inmate.dtb")
    assert (tmp_path / "host.dtb").read_bytes() == host
    assert (tmp_path / "inmate.dtb").read_bytes() == inmate
    with libcell.pci_discover(ctx, inmate) as moved:
        moved_names = {p.path.rsplit("/", 1)[1] for p in moved}
        assert {p.rsplit("/", 1)[1] for p in enabled} <= moved_names
    with libcell.pci_discover(ctx, host) as left:
        assert not [p.path for p in left if p.enabled and p.path in enabled]
    with libcell.gic_discover(ctx, inmate) as gics:
        assert any(gics.its(k) for k in range(len(gics)))
    # Deterministic: equal inputs, byte-identical outputs.
    with libcell.handoff(ctx, dtb, INMATE, flags=POLICY) as again:
        assert again.host_blob == host and again.inmate_blob == inmate


def test_errors(ctx: libcell.Context) -> None:
    host = [p for p in hosts_with_pcie() if p.stem == "arm-fvp-base-revc"]
    if not host:
        pytest.skip("arm-fvp fixture missing")
    with pytest.raises(libcell.NotFound) as ei:
        libcell.handoff(ctx, host[0], INMATE, ["/no-such-bridge"])
    assert "/no-such-bridge" in ei.value.message
    with pytest.raises(libcell.InvalidArgument):
        libcell.handoff(ctx, host[0], b"garbage" * 8)
    cavium = DTB_DIR / "cavium-thunder-88xx.dtb"
    if cavium.is_file():
        with pytest.raises(libcell.NotFound):
            libcell.handoff(ctx, cavium, INMATE)
