# SPDX-License-Identifier: BSD-2-Clause
"""Checker (check.h): findings come back as dataclasses."""
from __future__ import annotations

import pytest

import libcell
from conftest import need_symbols
from test_config import RW, make_system

pytestmark = pytest.mark.usefixtures("check_symbols")


@pytest.fixture
def check_symbols() -> None:
    need_symbols("cell_check_config", "cell_check_set", "cell_findings_get",
                 "cell_check_code_name")


def make_cell(ctx: libcell.Context, name: str, cpus: list[int], ram: int) -> libcell.Config:
    cfg = libcell.Config.new(ctx)
    cfg.name = name
    cfg.cpus = cpus
    cfg.memory_regions.append(libcell.Memory(ram, 0, 0x1000000, RW | libcell.CELL_MEM_EXECUTE
                                             | libcell.CELL_MEM_LOADABLE))
    return cfg


def test_clean_config_has_no_errors(ctx: libcell.Context) -> None:
    findings = make_system(ctx).check()
    assert isinstance(findings, libcell.Findings) and findings.ok, findings


def test_overlap_is_reported(ctx: libcell.Context) -> None:
    cfg = make_system(ctx)
    cfg.memory_regions.append(libcell.Memory(0x40001000, 0x90000000, 0x1000, RW))
    findings = libcell.check_config(cfg)
    assert findings.errors >= 1 and not findings.ok
    hit = [f for f in findings if f.code == libcell.CELL_CHECK_MEM_OVERLAP_PHYS]
    assert hit, findings.codes()
    f = hit[0]
    assert isinstance(f, libcell.Finding)
    assert f.severity == libcell.CELL_SEVERITY_ERROR and f.cell == libcell.CELL_CHECK_ROOT
    assert f.region in (1, 2) and f.message
    assert "MEM_OVERLAP_PHYS" in findings.codes()
    assert libcell.severity_name(f.severity) == "error"


def test_set_cpu_shared(ctx: libcell.Context) -> None:
    root = make_system(ctx)
    a = make_cell(ctx, "a", [2], 0x50000000)
    b = make_cell(ctx, "b", [2], 0x60000000)
    findings = libcell.check_set(root, [a, b])
    shared = [f for f in findings if f.code == libcell.CELL_CHECK_CPU_SHARED]
    assert shared and shared[0].cell in (0, 1)
    assert libcell.check_set(root, [a]).errors == 0 or \
        libcell.CELL_CHECK_CPU_SHARED not in [f.code for f in libcell.check_set(root, [a])]
    assert libcell.check_set(root).errors == 0


def test_code_names() -> None:
    assert libcell.check_code_name(libcell.CELL_CHECK_GICR_GRANT) == "GICR_GRANT"
    assert libcell.check_code_name(9999) == "UNKNOWN"


def test_unused_slots_are_info(ctx: libcell.Context) -> None:
    """All-zero regions and irqchip entries, as upstream's configs carry."""
    root = make_system(ctx)
    root.memory_regions.insert(1, libcell.Memory(0, 0, 0, 0))
    root.irqchips.append(libcell.Irqchip())
    cell = make_cell(ctx, "a", [2], 0x50000000)
    cell.memory_regions.append(libcell.Memory(0, 0, 0, 0))
    findings = libcell.check_set(root, [cell])
    assert findings.ok and findings.codes().count("UNUSED_SLOT") == 3, findings
    assert not [f for f in findings if f.severity == libcell.CELL_SEVERITY_WARNING]
    cell.memory_regions[1] = libcell.Memory(0x51000000, 0, 0, RW)
    assert "MEM_ZERO_SIZE" in libcell.check_set(root, [cell]).codes()


def test_set_against_device_tree(ctx: libcell.Context) -> None:
    """Every enabled ITS of the root's tree that the root does not map is
    one ITS_NOT_MAPPED warning, naming the node."""
    from dtutil import fixtures, need_fixtures
    need_fixtures()
    need_symbols("cell_check_set_dt")
    root = make_system(ctx)
    seen = 0
    for dtb in fixtures():
        data = dtb.read_bytes()
        with libcell.gic_discover(ctx, dtb) as gics:
            its = [i for k in range(len(gics)) if gics[k].enabled
                   for i in gics.its(k) if i.enabled]
        hits = [f for f in libcell.check_set(root, dtb=data)
                if f.code == libcell.CELL_CHECK_ITS_NOT_MAPPED]
        assert len(hits) == len(its), (dtb.name, hits)
        for f, i in zip(hits, its):
            assert f.severity == libcell.CELL_SEVERITY_WARNING and i.path in f.message
        seen += len(its)
    assert seen > 0
    with pytest.raises(libcell.Error):
        libcell.check_set(root, dtb=b"\0" * 64)
