# SPDX-License-Identifier: BSD-2-Clause
"""Device-tree discovery: GICs, ITS, CPUs (gic.h) and PCI hosts (pci.h).

Both discoveries return snapshots: every struct is copied into the
generated dataclasses, so the results outlive the library lists.
"""
from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from typing import Any

from . import _ffi
from ._ffi import layout as L
from .context import Context


def _items(getter: str, handle: int, idx: int, count: int, sname: str,
           ctx: int) -> list[Any]:
    out = []
    for k in range(count):
        cs = _ffi.cstruct_type(sname)()
        _ffi.call(getter, handle, idx, k, ctypes.byref(cs), ctx=ctx)
        out.append(_ffi.to_dataclass(cs))
    return out


@dataclass
class GicEntry:
    """One GIC: its struct plus the redistributor regions and ITS."""
    info: Any
    redistributors: list[Any] = field(default_factory=list)
    its: list[Any] = field(default_factory=list)


@dataclass
class GicReport:
    """Result of :func:`discover_gics`. ``redist_frames[g][mpidr]`` is the
    redistributor frame (a DtRegion) computed by cell_gic_redist_frame() for
    every CPU, with the default frame size; missing when it cannot be
    computed (GICv2, too few frames)."""
    gics: list[GicEntry]
    cpus: list[Any]
    redist_frames: list[dict[int, Any]]


def discover_gics(ctx: Context, dtb: bytes | bytearray | memoryview) -> GicReport:
    """GICs, their ITS and the CPU nodes of a DTB (cell_gic_discover())."""
    buf = bytes(dtb)
    out = ctypes.c_void_p()
    _ffi.call("cell_gic_discover", ctx.handle, buf, len(buf), ctypes.byref(out),
              ctx=ctx.handle)
    h = out.value
    try:
        cpus = []
        for k in range(_ffi.fn("cell_gic_cpu_count")(h)):
            cs = L.cell_dt_cpu()
            _ffi.call("cell_gic_cpu_get", h, k, ctypes.byref(cs), ctx=ctx.handle)
            cpus.append(_ffi.to_dataclass(cs))
        gics, frames = [], []
        for i in range(_ffi.fn("cell_gic_count")(h)):
            cs = L.cell_gic()
            _ffi.call("cell_gic_get", h, i, ctypes.byref(cs), ctx=ctx.handle)
            g = GicEntry(_ffi.to_dataclass(cs))
            g.redistributors = _items("cell_gic_redist_get", h, i, cs.redist_count,
                                      "cell_dt_region", ctx.handle)
            g.its = _items("cell_gic_its_get", h, i, cs.its_count, "cell_gic_its",
                           ctx.handle)
            gics.append(g)
            per_cpu = {}
            for c in cpus:
                r = L.cell_dt_region()
                if _ffi.fn("cell_gic_redist_frame")(h, i, c.mpidr, 0, ctypes.byref(r)) == 0:
                    per_cpu[c.mpidr] = _ffi.to_dataclass(r)
            frames.append(per_cpu)
        return GicReport(gics, cpus, frames)
    finally:
        _ffi.fn("cell_gic_list_free")(h)


@dataclass
class PciHostEntry:
    """One PCI host bridge with its reg entries, windows, MSI and INTx."""
    info: Any
    regs: list[Any] = field(default_factory=list)
    windows: list[Any] = field(default_factory=list)
    msi_parents: list[Any] = field(default_factory=list)
    msi_maps: list[Any] = field(default_factory=list)
    intx: list[Any] = field(default_factory=list)


def discover_pci(ctx: Context, dtb: bytes | bytearray | memoryview) -> list[PciHostEntry]:
    """Every PCI host bridge of a DTB (cell_pci_discover())."""
    buf = bytes(dtb)
    out = ctypes.c_void_p()
    _ffi.call("cell_pci_discover", ctx.handle, buf, len(buf), ctypes.byref(out),
              ctx=ctx.handle)
    h = out.value
    try:
        hosts = []
        for i in range(_ffi.fn("cell_pci_count")(h)):
            cs = L.cell_pci_host()
            _ffi.call("cell_pci_host_get", h, i, ctypes.byref(cs), ctx=ctx.handle)
            e = PciHostEntry(_ffi.to_dataclass(cs))
            e.regs = _items("cell_pci_reg_get", h, i, cs.reg_count, "cell_pci_reg",
                            ctx.handle)
            e.windows = _items("cell_pci_window_get", h, i, cs.window_count,
                               "cell_pci_window", ctx.handle)
            e.msi_parents = _items("cell_pci_msi_parent_get", h, i, cs.msi_parent_count,
                                   "cell_pci_msi_parent", ctx.handle)
            e.msi_maps = _items("cell_pci_msi_map_get", h, i, cs.msi_map_count,
                                "cell_pci_msi_map", ctx.handle)
            e.intx = _items("cell_pci_intx_get", h, i, cs.intx_count, "cell_pci_intx",
                            ctx.handle)
            hosts.append(e)
        return hosts
    finally:
        _ffi.fn("cell_pci_list_free")(h)
