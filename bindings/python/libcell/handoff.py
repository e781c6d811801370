# SPDX-License-Identifier: BSD-2-Clause
"""Device-tree handoff of PCIe host bridges + GICv3 ITS (include/libcell/dt.h)."""
from __future__ import annotations

import ctypes
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from . import _ffi
from ._dtlist import Blob, Tree, blob_bytes
from ._ffi import layout as L
from .context import Context


@dataclass
class Handoff:
    """Result of :func:`handoff`: the new blobs (empty for a dry run) and the
    report items (``HandoffItem`` dataclasses, actions and problems)."""

    host: bytes
    inmate: bytes
    items: list[Any] = field(default_factory=list)
    unresolved: int = 0
    report_json: str = ""

    @property
    def problems(self) -> list[Any]:
        return [i for i in self.items if i.kind >= L.CONSTANTS["CELL_HANDOFF_UNRESOLVED"]]


def handoff(ctx: Context, host: Blob | Tree, inmate: Blob | Tree, pcie_paths: Sequence[str] = (),
            flags: int = 0, host_out: str | os.PathLike[str] | None = None,
            inmate_out: str | os.PathLike[str] | None = None) -> Handoff:
    """Move the PCIe host bridges at @pcie_paths (all enabled ones when empty)
    and their ITS from @host into @inmate (cell_dt_handoff()). Raises Busy when
    references cannot follow and no policy flag resolves them. @host_out /
    @inmate_out, when given, receive the new blobs atomically
    (cell_handoff_save()). The trees are bytes, file paths or Trees (both
    Trees: cell_dt_handoff_trees(), which does not check them again)."""
    args: tuple[Any, ...]
    if isinstance(host, Tree) and isinstance(inmate, Tree):
        func, args = "cell_dt_handoff_trees", (host.handle, inmate.handle)
    else:
        hb = host.blob if isinstance(host, Tree) else blob_bytes(ctx, host)
        ib = inmate.blob if isinstance(inmate, Tree) else blob_bytes(ctx, inmate)
        func, args = "cell_dt_handoff", (hb, len(hb), ib, len(ib))
    opts = L.STRUCTS["cell_handoff_opts"][0]()
    opts.size = ctypes.sizeof(opts)
    opts.flags = flags
    # const char *const *: the array keeps the encoded strings alive.
    arr = (ctypes.c_char_p * max(len(pcie_paths), 1))(*[p.encode() for p in pcie_paths])
    out = ctypes.c_void_p()
    _ffi.call(func, ctx.handle, *args, arr if pcie_paths else None, len(pcie_paths), ctypes.byref(opts),
              ctypes.byref(out), ctx=ctx.handle)
    h = out.value
    try:
        size = ctypes.c_size_t()
        blobs = []
        for getter in ("cell_handoff_host_blob", "cell_handoff_inmate_blob"):
            addr = _ffi.fn(getter)(h, ctypes.byref(size))
            blobs.append(ctypes.string_at(addr, size.value) if addr else b"")
        items = []
        for i in range(_ffi.fn("cell_handoff_count")(h)):
            cs = L.STRUCTS["cell_handoff_item"][0]()
            _ffi.call("cell_handoff_get", h, i, ctypes.byref(cs))
            items.append(_ffi.to_dataclass(cs))
        if host_out is not None or inmate_out is not None:
            _ffi.call("cell_handoff_save", ctx.handle, h,
                      None if host_out is None else os.fsencode(host_out),
                      None if inmate_out is None else os.fsencode(inmate_out),
                      ctx=ctx.handle)
        txt = ctypes.c_void_p()
        _ffi.call("cell_handoff_report_json", ctx.handle, h, ctypes.byref(txt),
                  ctx=ctx.handle)
        return Handoff(blobs[0], blobs[1], items,
                       int(_ffi.fn("cell_handoff_unresolved")(h)),
                       _ffi.take_string(txt.value))
    finally:
        _ffi.fn("cell_handoff_free")(h)


def handoff_kind_name(kind: int) -> str:
    """Name of a CELL_HANDOFF_* report kind ("moved-node", ...)."""
    return str(_ffi.fn("cell_handoff_kind_name")(kind).decode())
