# SPDX-License-Identifier: BSD-2-Clause
"""Device-tree handoff of PCIe host bridges + ITS (include/libcell/dt.h)."""
from __future__ import annotations

import ctypes
import os
from collections.abc import Sequence

from . import _ffi
from ._dtlist import Blob, Owned, blob_bytes
from ._ffi import layout as L
from .context import Context


class Handoff(Owned):
    """Result of :func:`handoff`: the new host and inmate blobs and the
    report (a list of :class:`HandoffItem`)."""

    _free = "cell_handoff_free"

    @classmethod
    def run(cls, ctx: Context, host: Blob, inmate: Blob, pcie_paths: Sequence[str] = (),
            flags: int = 0) -> Handoff:
        hdata, idata = blob_bytes(ctx, host), blob_bytes(ctx, inmate)
        paths = (ctypes.c_char_p * max(len(pcie_paths), 1))(
            *[p.encode() for p in pcie_paths])
        opts = L.cell_handoff_opts(size=ctypes.sizeof(L.cell_handoff_opts), flags=flags)
        out = ctypes.c_void_p()
        _ffi.call("cell_dt_handoff", ctx.handle, hdata, len(hdata), idata, len(idata),
                  paths if pcie_paths else None, len(pcie_paths), ctypes.byref(opts),
                  ctypes.byref(out), ctx=ctx.handle)
        return cls(ctx, out.value or 0)

    def _blob(self, func: str) -> bytes | None:
        size = ctypes.c_size_t()
        addr = _ffi.fn(func)(self.handle, ctypes.byref(size))
        return ctypes.string_at(addr, size.value) if addr else None

    @property
    def host_blob(self) -> bytes | None:
        """The new host DTB (None for a dry run)."""
        return self._blob("cell_handoff_host_blob")

    @property
    def inmate_blob(self) -> bytes | None:
        """The new inmate DTB (None for a dry run)."""
        return self._blob("cell_handoff_inmate_blob")

    @property
    def items(self) -> list[L.HandoffItem]:
        """Actions and problems, in order."""
        n = int(_ffi.fn("cell_handoff_count")(self.handle))
        return [self._get("cell_handoff_get", "cell_handoff_item", k) for k in range(n)]

    @property
    def unresolved(self) -> int:
        """Number of problems no policy flag resolved."""
        return int(_ffi.fn("cell_handoff_unresolved")(self.handle))

    def report_json(self) -> str:
        """The report as JSON text ({"actions": [...], "problems": [...]})."""
        out = ctypes.c_void_p()
        self._call("cell_handoff_report_json", self._ctx.handle, self.handle, ctypes.byref(out))
        return _ffi.take_string(out.value)

    def save(self, host_path: str | os.PathLike[str] | None,
             inmate_path: str | os.PathLike[str] | None) -> None:
        """Write the new blobs atomically; None skips one."""
        self._call("cell_handoff_save", self._ctx.handle, self.handle,
                   os.fsencode(host_path) if host_path is not None else None,
                   os.fsencode(inmate_path) if inmate_path is not None else None)


def handoff(ctx: Context, host: Blob, inmate: Blob, pcie_paths: Sequence[str] = (),
            flags: int = 0) -> Handoff:
    """Move PCIe host bridges (all enabled ones when @pcie_paths is empty)
    and their ITS from the @host DTB into the @inmate DTB."""
    return Handoff.run(ctx, host, inmate, pcie_paths, flags)


def handoff_kind_name(kind: int) -> str:
    """Symbolic name of a CELL_HANDOFF_* item kind."""
    return str(_ffi.fn("cell_handoff_kind_name")(kind).decode())
