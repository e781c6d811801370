# SPDX-License-Identifier: BSD-2-Clause
"""Shared plumbing of the device-tree modules (discovery lists, handoff)."""
from __future__ import annotations

import ctypes
import os
from types import TracebackType
from typing import Any, TypeVar

from . import _ffi
from .context import Context

Blob = bytes | bytearray | memoryview | str | os.PathLike[str]
S = TypeVar("S", bound="Owned")


def blob_bytes(ctx: Context, src: Blob) -> bytes:
    """A DTB given as bytes, or as the path of a file to read."""
    if isinstance(src, (str, os.PathLike)):
        return ctx.read_file(src)
    return bytes(src)


class Owned:
    """A library object made from a context and freed with @_free."""

    _free = ""

    def __init__(self, ctx: Context, handle: int) -> None:
        self._ctx = ctx
        self._handle: int | None = handle
        ctx._adopt(self)

    @property
    def handle(self) -> int:
        if not self._handle:
            raise ValueError(f"libcell {type(self).__name__} is closed")
        return self._handle

    @property
    def context(self) -> Context:
        return self._ctx

    def close(self) -> None:
        if self._handle:
            _ffi.fn(self._free)(self._handle)
            self._handle = None

    def __enter__(self: S) -> S:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_handle", None) and not self._ctx.closed:
            self.close()

    def _call(self, func: str, *args: Any) -> int:
        return _ffi.call(func, *args, ctx=self._ctx.handle)

    def _get(self, func: str, struct: str, *index: int) -> Any:
        """Copy one struct out with @func(handle, *index, &out)."""
        cs = _ffi.cstruct_type(struct)()
        self._call(func, self.handle, *index, ctypes.byref(cs))
        return _ffi.to_dataclass(cs)


class Tree(Owned):
    """A device tree checked and indexed once (cell_dt_new()): discovery
    and handoff given a Tree skip the check and indexing that they repeat
    for bytes or a path. The tree keeps its own copy of the blob."""

    _free = "cell_dt_free"

    @classmethod
    def open(cls, ctx: Context, fdt: Blob) -> Tree:
        data = blob_bytes(ctx, fdt)
        out = ctypes.c_void_p()
        _ffi.call("cell_dt_new", ctx.handle, data, len(data), ctypes.byref(out),
                  ctx=ctx.handle)
        return cls(ctx, out.value or 0)

    @property
    def blob(self) -> bytes:
        """The tree's copy of the blob (its fdt_totalsize() bytes)."""
        size = ctypes.c_size_t()
        addr = _ffi.fn("cell_dt_blob")(self.handle, ctypes.byref(size))
        return ctypes.string_at(addr, size.value)


def discover(ctx: Context, fdt: Blob | Tree, on_blob: str, on_tree: str) -> int:
    """The list handle of discovery @on_blob(ctx, data, size, &out) on a DTB,
    or @on_tree(ctx, dt, &out) on a Tree."""
    out = ctypes.c_void_p()
    if isinstance(fdt, Tree):
        _ffi.call(on_tree, ctx.handle, fdt.handle, ctypes.byref(out), ctx=ctx.handle)
    else:
        data = blob_bytes(ctx, fdt)
        _ffi.call(on_blob, ctx.handle, data, len(data), ctypes.byref(out), ctx=ctx.handle)
    return out.value or 0
