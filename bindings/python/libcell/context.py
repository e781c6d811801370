# SPDX-License-Identifier: BSD-2-Clause
"""Error contexts."""
from __future__ import annotations

import ctypes
import os
import weakref
from types import TracebackType
from typing import Protocol

from . import _ffi


class _Closable(Protocol):
    def close(self) -> None: ...


class Context:
    """A ``cell_ctx``: records the reason of the last failure of every call
    made with it or with an object created from it.

    Objects created from a context borrow it; closing the context closes them
    first. Use as ``with libcell.Context() as ctx:``.
    """

    def __init__(self) -> None:
        out = ctypes.c_void_p()
        _ffi.call("cell_ctx_new", ctypes.byref(out))
        self._handle: int | None = out.value
        self._children: weakref.WeakSet[_Closable] = weakref.WeakSet()

    @property
    def handle(self) -> int:
        """The raw ``cell_ctx *``; raises ValueError once closed."""
        if not self._handle:
            raise ValueError("libcell context is closed")
        return self._handle

    @property
    def closed(self) -> bool:
        return not self._handle

    def _adopt(self, obj: _Closable) -> None:
        self._children.add(obj)

    def close(self) -> None:
        """Close every object created from the context, then free it."""
        if not self._handle:
            return
        for child in list(self._children):
            child.close()
        _ffi.fn("cell_ctx_free")(self._handle)
        self._handle = None

    def __enter__(self) -> Context:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_handle", None):
            self.close()

    @property
    def last_error(self) -> str:
        """Message of the last failure recorded ("" if none)."""
        return str(_ffi.fn("cell_ctx_last_error")(self.handle).decode(errors="replace"))

    @property
    def last_errno(self) -> int:
        """Negative errno of the last failure, 0 if none."""
        return int(_ffi.fn("cell_ctx_last_errno")(self.handle))

    def clear_error(self) -> None:
        _ffi.fn("cell_ctx_clear_error")(self.handle)

    def read_file(self, path: str | os.PathLike[str], max_size: int = 1 << 30) -> bytes:
        """Read a whole regular file of at most @max_size bytes
        (cell_file_read(); errors name the path)."""
        out, size = ctypes.c_void_p(), ctypes.c_size_t()
        _ffi.call("cell_file_read", self.handle, os.fsencode(path), max_size,
                  ctypes.byref(out), ctypes.byref(size), ctx=self.handle)
        return _ffi.take_bytes(out.value, size.value)

    def write_file(self, path: str | os.PathLike[str], data: bytes) -> None:
        """Write a file atomically (cell_file_write(): temporary + rename)."""
        raw = bytes(data)
        _ffi.call("cell_file_write", self.handle, os.fsencode(path), raw, len(raw),
                  ctx=self.handle)


def strerror(code: int) -> str:
    """Short description of a libcell return value (negative errno or 0)."""
    return _ffi.strerror(code)


def version() -> str:
    """Runtime version of the loaded library, "MAJOR.MINOR.PATCH"."""
    return str(_ffi.fn("cell_version")().decode())


def version_number() -> int:
    """Runtime version as 0xMMmmpp."""
    return int(_ffi.fn("cell_version_number")())
