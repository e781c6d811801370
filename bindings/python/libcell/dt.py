# SPDX-License-Identifier: BSD-2-Clause
"""Device-tree discovery: GICs, ITS, CPUs (gic.h) and PCI hosts (pci.h).

Both discoveries return snapshots: every struct is copied into the
generated dataclasses, so the results outlive the library lists.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ._dtlist import Blob, Tree
from ._ffi import layout as L
from .context import Context
from .errors import Error
from .gic import GicList
from .pci import PciList


@dataclass
class GicEntry:
    """One GIC: its struct plus the redistributor regions and ITS."""
    info: L.Gic
    redistributors: list[L.DtRegion] = field(default_factory=list)
    its: list[L.GicIts] = field(default_factory=list)


@dataclass
class GicReport:
    """Result of :func:`discover_gics`. ``redist_frames[g][mpidr]`` is the
    redistributor frame (a DtRegion) computed by cell_gic_redist_frame() for
    every CPU, with the default frame size; missing when it cannot be
    computed (GICv2, too few frames)."""
    gics: list[GicEntry]
    cpus: list[L.DtCpu]
    redist_frames: list[dict[int, L.DtRegion]]


def discover_gics(ctx: Context, dtb: Blob | Tree) -> GicReport:
    """GICs, their ITS and the CPU nodes of a DTB (cell_gic_discover())."""
    with GicList.discover(ctx, dtb) as gl:
        cpus = gl.cpus
        gics: list[GicEntry] = []
        frames: list[dict[int, L.DtRegion]] = []
        for i, info in enumerate(gl):
            gics.append(GicEntry(info, gl.redistributors(i), gl.its(i)))
            per_cpu: dict[int, L.DtRegion] = {}
            for c in cpus:
                try:
                    per_cpu[c.mpidr] = gl.redist_frame(i, c.mpidr)
                except Error:
                    continue
            frames.append(per_cpu)
        return GicReport(gics, cpus, frames)


@dataclass
class PciHostEntry:
    """One PCI host bridge with its reg entries, windows, MSI and INTx."""
    info: L.PciHost
    regs: list[L.PciReg] = field(default_factory=list)
    windows: list[L.PciWindow] = field(default_factory=list)
    msi_parents: list[L.PciMsiParent] = field(default_factory=list)
    msi_maps: list[L.PciMsiMap] = field(default_factory=list)
    intx: list[L.PciIntx] = field(default_factory=list)


def discover_pci(ctx: Context, dtb: Blob | Tree) -> list[PciHostEntry]:
    """Every PCI host bridge of a DTB (cell_pci_discover())."""
    with PciList.discover(ctx, dtb) as pl:
        return [PciHostEntry(info, pl.regs(i), pl.windows(i), pl.msi_parents(i),
                             pl.msi_maps(i), pl.intx(i)) for i, info in enumerate(pl)]
