# SPDX-License-Identifier: BSD-2-Clause
"""libcell.Hypervisor against a fake driver: sysfs tree in tmp_path, a
regular file and /dev/null as device nodes."""
from __future__ import annotations

from pathlib import Path

import pytest

import libcell


def _put(root: Path, rel: str, text: str) -> None:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text + "\n")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    s = tmp_path / "jailhouse"
    for k, v in (("enabled", "1"), ("mem_pool_size", "1003"), ("mem_pool_used", "211"),
                 ("remap_pool_size", "4096"), ("remap_pool_used", "17"),
                 ("console", "CPU 2 at EL2")):
        _put(s, k, v)
    for cid, name, state, cpus in ((0, "qemu-virt", "running", "0-1"),
                                   (1, "linux-inmate", "running/locked", "2-3")):
        for k, v in (("name", name), ("state", state), ("cpus_assigned_list", cpus),
                     ("cpus_failed_list", "")):
            _put(s, f"cells/{cid}/{k}", v)
    _put(s, "cells/1/statistics/vmexits_total", "70")
    _put(s, "cells/1/statistics/cpu2/vmexits_total", "30")
    (tmp_path / "dev").write_bytes(b"hello console")
    return tmp_path


def test_sysfs(ctx: libcell.Context, tree: Path) -> None:
    with libcell.Hypervisor(ctx, tree / "dev", tree / "jailhouse") as hv:
        info = hv.info()
        assert (info.enabled, info.mem_pool_used, info.remap_pool_size) == (1, 211, 4096)
        cells = hv.cells()
        assert [(c.id, c.name, c.state, c.cpus_assigned) for c in cells] == [
            (0, "qemu-virt", libcell.CELL_HV_STATE_RUNNING, "0-1"),
            (1, "linux-inmate", libcell.CELL_HV_STATE_RUNNING_LOCKED, "2-3")]
        assert hv.cell("linux-inmate").id == 1
        assert hv.stats("linux-inmate") == {"vmexits_total": 70}
        assert hv.stats(1, cpu=2) == {"vmexits_total": 30}
        assert hv.console() == "CPU 2 at EL2\n"
        assert hv.console_read(5) == b"hello"
        with pytest.raises(libcell.NotFound, match="no cell named 'x'"):
            hv.cell("x")


def test_refusals(ctx: libcell.Context, tree: Path) -> None:
    cfg = libcell.Config.new(ctx, libcell.CELL_CONFIG_SYSTEM)
    cfg.name = "t"
    with libcell.Hypervisor(ctx, "/dev/null", tree / "jailhouse") as hv:
        with pytest.raises(libcell.Error, match="Inappropriate ioctl"):
            hv.enable(cfg)
        with pytest.raises(libcell.Error, match="truncated"):
            hv.enable(b"JHSYS")
        with pytest.raises(libcell.Error, match="Inappropriate ioctl"):
            hv.load("linux-inmate", [(b"abc", 0x70000000)])
        with pytest.raises(libcell.Error):
            hv.destroy(1)
    assert libcell.state_code("shut down") == libcell.CELL_HV_STATE_SHUT_DOWN
