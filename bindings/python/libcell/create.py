# SPDX-License-Identifier: BSD-2-Clause
"""Configuration generation from a host DTB (create.h)."""
from __future__ import annotations

import ctypes
from collections.abc import Iterable, Sequence

from . import _ffi
from ._ffi import layout as L
from .config import Config
from .context import Context


def _opts(hv: tuple[int, int] | None, inmates: tuple[int, int] | None,
          cpus: Iterable[int] | None) -> ctypes.Structure:
    o = L.cell_create_opts()
    o.size = ctypes.sizeof(o)
    if hv:
        o.hv_base, o.hv_size = hv
    if inmates:
        o.inmate_base, o.inmate_size = inmates
    for c in cpus or ():
        if not 0 <= c < 64:
            raise ValueError(f"CPU {c} outside 0..63")
        o.cpu_mask |= 1 << c
    return o


def create_root(ctx: Context, dtb: bytes | bytearray | memoryview, *,
                hv: tuple[int, int] | None = None,
                inmates: tuple[int, int] | None = None,
                cpus: Iterable[int] | None = None) -> Config:
    """Root system configuration for the board of ``dtb`` (cell_create_root()).

    ``hv`` and ``inmates`` are (base, size) pairs; ``cpus`` limits the CPUs.
    """
    buf = bytes(dtb)
    out = ctypes.c_void_p()
    o = _opts(hv, inmates, cpus)
    _ffi.call("cell_create_root", ctx.handle, ctypes.byref(out), buf, len(buf),
              ctypes.byref(o), ctx=ctx.handle)
    return Config(ctx, out.value or 0)


def create_inmate(ctx: Context, dtb: bytes | bytearray | memoryview, name: str, *,
                  cpus: Iterable[int], memory: tuple[int, int],
                  devices: Sequence[str] = ()) -> tuple[Config, bytes]:
    """A non-root cell configuration and its inmate DTB skeleton
    (cell_create_inmate())."""
    buf = bytes(dtb)
    out = ctypes.c_void_p()
    blob = ctypes.c_void_p()
    size = ctypes.c_size_t()
    o = _opts(None, memory, cpus)
    paths = (ctypes.c_char_p * max(len(devices), 1))(*[d.encode() for d in devices])
    _ffi.call("cell_create_inmate", ctx.handle, ctypes.byref(out), ctypes.byref(blob),
              ctypes.byref(size), buf, len(buf), name.encode(),
              paths, len(devices),
              ctypes.byref(o), ctx=ctx.handle)
    cfg = Config(ctx, out.value or 0)
    return cfg, _ffi.take_bytes(blob.value, size.value)
