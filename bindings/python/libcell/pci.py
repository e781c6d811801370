# SPDX-License-Identifier: BSD-2-Clause
"""PCI host bridge discovery from a device tree (include/libcell/pci.h)."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload

from . import _ffi
from ._dtlist import Blob, Owned, Tree, discover
from ._ffi import layout as L
from .context import Context


class PciList(Owned, Sequence["L.PciHost"]):
    """Result of :func:`pci_discover`: a sequence of :class:`PciHost`; the
    per-host arrays (reg, windows, MSI routing, INTx) come from methods."""

    _free = "cell_pci_list_free"

    @classmethod
    def discover(cls, ctx: Context, fdt: Blob | Tree) -> PciList:
        return cls(ctx, discover(ctx, fdt, "cell_pci_discover", "cell_dt_pci_discover"))

    def __len__(self) -> int:
        return int(_ffi.fn("cell_pci_count")(self.handle))

    @overload
    def __getitem__(self, i: int) -> L.PciHost: ...
    @overload
    def __getitem__(self, i: slice) -> list[L.PciHost]: ...

    def __getitem__(self, i: int | slice) -> L.PciHost | list[L.PciHost]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(f"PCI host {i} out of range ({len(self)} found)")
        return self._get("cell_pci_host_get", "cell_pci_host", i)  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[L.PciHost]:
        for k in range(len(self)):
            yield self[k]

    def index(self, path: str, start: int = 0, stop: int | None = None) -> int:
        """Index of the host bridge at node @path (ValueError if absent)."""
        for k, h in enumerate(self):
            if h.path == path and k >= start and (stop is None or k < stop):
                return k
        raise ValueError(f"no PCI host bridge at {path}")

    def regs(self, idx: int) -> list[L.PciReg]:
        return [self._get("cell_pci_reg_get", "cell_pci_reg", idx, k)
                for k in range(self[idx].reg_count)]

    def windows(self, idx: int) -> list[L.PciWindow]:
        return [self._get("cell_pci_window_get", "cell_pci_window", idx, k)
                for k in range(self[idx].window_count)]

    def msi_parents(self, idx: int) -> list[L.PciMsiParent]:
        return [self._get("cell_pci_msi_parent_get", "cell_pci_msi_parent", idx, k)
                for k in range(self[idx].msi_parent_count)]

    def msi_maps(self, idx: int) -> list[L.PciMsiMap]:
        return [self._get("cell_pci_msi_map_get", "cell_pci_msi_map", idx, k)
                for k in range(self[idx].msi_map_count)]

    def intx(self, idx: int) -> list[L.PciIntx]:
        return [self._get("cell_pci_intx_get", "cell_pci_intx", idx, k)
                for k in range(self[idx].intx_count)]


def pci_discover(ctx: Context, fdt: Blob | Tree) -> PciList:
    """Find the PCI host bridges of a DTB (bytes, a file path or a Tree)."""
    return PciList.discover(ctx, fdt)
