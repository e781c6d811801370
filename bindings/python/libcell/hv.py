# SPDX-License-Identifier: BSD-2-Clause
"""Management of a running hypervisor (include/libcell/hv.h)."""
from __future__ import annotations

import ctypes
import os
from collections.abc import Sequence
from types import TracebackType
from typing import cast

from . import _ffi
from ._ffi import layout as L
from .config import Config
from .context import Context

StrPath = str | os.PathLike[str]
CellRef = int | str
"""A cell: its id (int) or its name (str)."""


def _ref(cell: CellRef) -> tuple[int, bytes | None]:
    if isinstance(cell, int):
        return cell, None
    return -1, os.fsencode(cell)


class Hypervisor:
    """A ``cell_hv``: the driver's device node and sysfs tree.

    ``Hypervisor(ctx)`` uses /dev/jailhouse and /sys/devices/jailhouse;
    both can be replaced (tests, other drivers). Use as a ``with`` block or
    call :meth:`close`.
    """

    def __init__(self, ctx: Context, device: StrPath | None = None,
                 sysfs_root: StrPath | None = None) -> None:
        out = ctypes.c_void_p()
        _ffi.call("cell_hv_open", ctx.handle, ctypes.byref(out),
                  None if device is None else os.fsencode(device), ctx=ctx.handle)
        self._ctx = ctx
        self._handle: int | None = out.value
        ctx._adopt(self)
        if sysfs_root is not None:
            self._call("cell_hv_set_sysfs_root", os.fsencode(sysfs_root))

    @property
    def handle(self) -> int:
        if not self._handle:
            raise ValueError("hypervisor handle is closed")
        return self._handle

    def close(self) -> None:
        if self._handle:
            _ffi.fn("cell_hv_close")(self._handle)
            self._handle = None

    def __enter__(self) -> Hypervisor:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _call(self, func: str, *args: object) -> int:
        return _ffi.call(func, self.handle, *args, ctx=self._ctx.handle)

    # -- hypervisor -------------------------------------------------------
    def enable(self, config: bytes | bytearray | Config) -> None:
        """Enable with a system configuration (.cell bytes or a Config)."""
        if isinstance(config, Config):
            self._call("cell_hv_enable_config", config.handle)
        else:
            raw = bytes(config)
            self._call("cell_hv_enable", raw, len(raw))

    def disable(self) -> None:
        self._call("cell_hv_disable")

    def info(self) -> L.HvInfo:
        """Enabled flag and pool figures (pages)."""
        cs = L.cell_hv_info()
        self._call("cell_hv_get_info", ctypes.byref(cs))
        return cast(L.HvInfo, _ffi.to_dataclass(cs))

    def console(self) -> str:
        """The console buffer as it is now (sysfs snapshot)."""
        size = 1 << 20
        buf = ctypes.create_string_buffer(size)
        n = self._call("cell_hv_console_dump", buf, size)
        return buf.raw[:n].decode(errors="replace")

    def console_read(self, size: int = 4096, nonblock: bool = True) -> bytes:
        """New console bytes from the device (b"" when nonblocking and idle)."""
        buf = ctypes.create_string_buffer(size)
        n = self._call("cell_hv_console_read", buf, size,
                       L.CELL_HV_CONSOLE_NONBLOCK if nonblock else 0)
        return buf.raw[:n]

    # -- cells --------------------------------------------------------------
    def cells(self) -> list[L.HvCell]:
        """Every cell, ordered by id."""
        n = self._call("cell_hv_cell_list", None, 0)
        arr = (L.cell_hv_cell * max(n, 1))()
        n = min(self._call("cell_hv_cell_list", arr, n), n)
        return [_ffi.to_dataclass(arr[i]) for i in range(n)]

    def cell(self, cell: CellRef) -> L.HvCell:
        cs = L.cell_hv_cell()
        self._call("cell_hv_cell_get", *_ref(cell), ctypes.byref(cs))
        return cast(L.HvCell, _ffi.to_dataclass(cs))

    def stats(self, cell: CellRef, cpu: int = -1) -> dict[str, int]:
        """VM-exit counters of a cell (cpu -1: sums) or of one of its CPUs."""
        n = self._call("cell_hv_cell_stats", *_ref(cell), cpu, None, 0)
        arr = (L.cell_hv_stat * max(n, 1))()
        n = min(self._call("cell_hv_cell_stats", *_ref(cell), cpu, arr, n), n)
        return {arr[i].name.decode(): int(arr[i].value) for i in range(n)}

    def create(self, config: bytes | bytearray | Config) -> None:
        """Create a non-root cell (.cell bytes or a Config)."""
        if isinstance(config, Config):
            self._call("cell_hv_cell_create_config", config.handle)
        else:
            raw = bytes(config)
            self._call("cell_hv_cell_create", raw, len(raw))

    def load(self, cell: CellRef, images: Sequence[tuple[bytes, int]]) -> None:
        """Stop the cell and copy each (data, guest-physical address) in.

        A running cell that is not passive is asked first; PermissionDenied
        when it denies (it keeps running)."""
        keep = [bytes(d) for d, _ in images]
        arr = (L.cell_hv_image * max(len(images), 1))()
        for i, (data, (_, addr)) in enumerate(zip(keep, images)):
            arr[i].data = ctypes.cast(ctypes.c_char_p(data), ctypes.c_void_p).value
            arr[i].size = len(data)
            arr[i].target_address = addr
        self._call("cell_hv_cell_load", *_ref(cell), arr, len(images))

    def start(self, cell: CellRef) -> None:
        """Start the cell; a running one is stopped first (a restart)."""
        self._call("cell_hv_cell_start", *_ref(cell))

    def shutdown(self, cell: CellRef) -> None:
        """Stop the cell at any point, keeping it; PermissionDenied if it
        denies the shutdown request."""
        self._call("cell_hv_cell_shutdown", *_ref(cell))

    def destroy(self, cell: CellRef) -> None:
        """Stop the cell if it runs and give its CPUs and memory back to
        Linux; PermissionDenied if it denies the shutdown request."""
        self._call("cell_hv_cell_destroy", *_ref(cell))


def state_code(text: str) -> int:
    """CELL_HV_STATE_* of a sysfs state text (CELL_HV_STATE_UNKNOWN if none)."""
    return int(_ffi.fn("cell_hv_state_code")(text.encode()))
