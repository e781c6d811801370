# SPDX-License-Identifier: BSD-2-Clause
"""Every libcell.Hypervisor call reaches the library and maps its errors:
/dev/null stands for a device that is not the driver (ioctls give ENOTTY),
an empty directory for the sysfs tree of a driver that is not loaded."""
from __future__ import annotations

import errno
from collections.abc import Callable
from pathlib import Path

import pytest

import libcell


@pytest.fixture
def hv(ctx: libcell.Context, tmp_path: Path) -> libcell.Hypervisor:
    h = libcell.Hypervisor(ctx, "/dev/null", tmp_path)
    yield h  # type: ignore[misc]
    h.close()


def _cell(ctx: libcell.Context) -> libcell.Config:
    cfg = libcell.Config.new(ctx)
    cfg.name = "c"
    cfg.add_cpu(1)
    return cfg


@pytest.mark.parametrize("op", ["disable", "create", "create_bytes", "start", "shutdown",
                                "destroy", "destroy_by_name"])
def test_ioctls_reach_the_device(ctx: libcell.Context, hv: libcell.Hypervisor,
                                 op: str) -> None:
    cell = _cell(ctx)
    calls: dict[str, Callable[[], object]] = {
        "disable": hv.disable,
        "create": lambda: hv.create(cell),
        "create_bytes": lambda: hv.create(cell.encode()),
        "start": lambda: hv.start(1),
        "shutdown": lambda: hv.shutdown(1),
        "destroy": lambda: hv.destroy(1),
        "destroy_by_name": lambda: hv.destroy("c"),
    }
    with pytest.raises(libcell.Error) as ei:
        calls[op]()
    assert ei.value.code == -errno.ENOTTY and "/dev/null" in ei.value.message
    assert ctx.last_errno == -errno.ENOTTY


def test_wrong_kind_is_refused_before_the_driver(ctx: libcell.Context,
                                                 hv: libcell.Hypervisor) -> None:
    with pytest.raises(libcell.InvalidArgument, match="cell configuration"):
        hv.enable(_cell(ctx))
    with pytest.raises(libcell.InvalidArgument, match="system configuration"):
        hv.create(libcell.Config.new(ctx, libcell.CELL_CONFIG_SYSTEM))


def test_missing_sysfs(hv: libcell.Hypervisor, tmp_path: Path) -> None:
    with pytest.raises(libcell.NotFound, match="enabled"):
        hv.info()
    with pytest.raises(libcell.NotFound, match="cells"):
        hv.cells()


def test_missing_device(ctx: libcell.Context, tmp_path: Path) -> None:
    with pytest.raises(libcell.NotFound, match="nodev"):
        with libcell.Hypervisor(ctx, tmp_path / "nodev") as h:
            h.disable()


def test_closing_context_closes_hypervisor(ctx: libcell.Context, tmp_path: Path) -> None:
    c = libcell.Context()
    h = libcell.Hypervisor(c, "/dev/null", tmp_path)
    c.close()
    with pytest.raises(ValueError, match="closed"):
        h.disable()
