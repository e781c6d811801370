# SPDX-License-Identifier: BSD-2-Clause
"""GIC, ITS and CPU discovery from a device tree (include/libcell/gic.h)."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload

from . import _ffi
from ._dtlist import Blob, Owned, Tree, discover
from ._ffi import layout as L
from .context import Context


class GicList(Owned, Sequence["L.Gic"]):
    """Result of :func:`gic_discover`: a sequence of :class:`Gic`, with their
    redistributor regions, ITS children and the CPU nodes of the tree."""

    _free = "cell_gic_list_free"

    @classmethod
    def discover(cls, ctx: Context, fdt: Blob | Tree) -> GicList:
        return cls(ctx, discover(ctx, fdt, "cell_gic_discover", "cell_dt_gic_discover"))

    def __len__(self) -> int:
        return int(_ffi.fn("cell_gic_count")(self.handle))

    @overload
    def __getitem__(self, i: int) -> L.Gic: ...
    @overload
    def __getitem__(self, i: slice) -> list[L.Gic]: ...

    def __getitem__(self, i: int | slice) -> L.Gic | list[L.Gic]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(f"GIC {i} out of range ({len(self)} found)")
        return self._get("cell_gic_get", "cell_gic", i)  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[L.Gic]:
        for k in range(len(self)):
            yield self[k]

    def redistributors(self, idx: int) -> list[L.DtRegion]:
        """The redistributor (GICR) regions of GIC @idx."""
        return [self._get("cell_gic_redist_get", "cell_dt_region", idx, r)
                for r in range(self[idx].redist_count)]

    def its(self, idx: int) -> list[L.GicIts]:
        """The ITS children of GIC @idx."""
        return [self._get("cell_gic_its_get", "cell_gic_its", idx, k)
                for k in range(self[idx].its_count)]

    @property
    def cpus(self) -> list[L.DtCpu]:
        """CPU nodes of the tree, in tree order."""
        n = int(_ffi.fn("cell_gic_cpu_count")(self.handle))
        return [self._get("cell_gic_cpu_get", "cell_dt_cpu", k) for k in range(n)]

    def redist_frame(self, idx: int, mpidr: int, frame_size: int = 0) -> L.DtRegion:
        """Redistributor frame of the CPU with affinity @mpidr (see
        cell_gic_redist_frame() for the layout assumed)."""
        return self._get("cell_gic_redist_frame", "cell_dt_region",  # type: ignore[no-any-return]
                         idx, mpidr, frame_size)

    def first_v3(self) -> int:
        """Index of the first enabled GICv3; NotFound-like IndexError if none."""
        for k, g in enumerate(self):
            if g.version == 3 and g.enabled:
                return k
        raise IndexError("no enabled GICv3 in the device tree")


def gic_discover(ctx: Context, fdt: Blob | Tree) -> GicList:
    """Find the GICs, ITSes and CPUs of a DTB (bytes, a file path or a Tree)."""
    return GicList.discover(ctx, fdt)
