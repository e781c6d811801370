# SPDX-License-Identifier: BSD-2-Clause
"""Linux in a cell (include/libcell/linux.h): Image header, layout, device-tree
edits, boot."""
from __future__ import annotations

import ctypes
import os
from collections.abc import Sequence
from types import TracebackType
from typing import Any

from . import _ffi
from ._ffi import layout as L
from .config import Config
from .context import Context
from .hv import Hypervisor

StrPath = str | os.PathLike[str]


def _buffer(data: bytes | bytearray) -> Any:
    return (ctypes.c_char * max(len(data), 1)).from_buffer_copy(bytes(data) or b"\0")


def image_info(ctx: Context, image: bytes | bytearray) -> Any:
    """The arm64 Image header (cell_linux_image_parse()) as a LinuxImageInfo;
    raises NotExecutable for a file that is not an uncompressed arm64 Image
    (the message says what it is instead)."""
    raw = bytes(image)
    out = L.STRUCTS["cell_linux_image_info"][0]()
    _ffi.call("cell_linux_image_parse", ctx.handle, raw, len(raw), ctypes.byref(out),
              ctx=ctx.handle)
    return _ffi.to_dataclass(out)


def host_mpidrs(ctx: Context, sysfs: StrPath | None = None) -> list[int]:
    """MPIDR of each logical CPU of the running Linux (cell_linux_host_mpidrs())."""
    root = None if sysfs is None else os.fsencode(sysfs)
    n = _ffi.call("cell_linux_host_mpidrs", ctx.handle, root, None, 0, ctx=ctx.handle)
    arr = (ctypes.c_uint64 * n)()
    n = _ffi.call("cell_linux_host_mpidrs", ctx.handle, root, arr, n, ctx=ctx.handle)
    return list(arr[:n])


class LinuxBoot:
    """A prepared Linux boot for a cell (``cell_linux``): computed without
    touching the machine; :meth:`boot` creates, loads and starts the cell.

    ``cpu_mpidr`` maps logical CPU n to its MPIDR; None reads the running
    system's map (:func:`host_mpidrs`)."""

    def __init__(self, ctx: Context, cell: Config, kernel: bytes | bytearray,
                 dtb: bytes | bytearray, initrd: bytes | bytearray | None = None,
                 cmdline: str | None = None, cpu_mpidr: Sequence[int] | None = None) -> None:
        self._handle: int | None = None
        if cpu_mpidr is None:
            cpu_mpidr = host_mpidrs(ctx)
        # The C side borrows kernel and initrd until the handle is freed.
        self._keep = [_buffer(kernel), _buffer(dtb),
                      _buffer(initrd) if initrd is not None else None,
                      ctypes.create_string_buffer(cmdline.encode()) if cmdline is not None
                      else None,
                      (ctypes.c_uint64 * max(len(cpu_mpidr), 1))(*cpu_mpidr)]
        p = L.STRUCTS["cell_linux_params"][0]()
        p.kernel = ctypes.addressof(self._keep[0])
        p.kernel_size = len(kernel)
        p.dtb = ctypes.addressof(self._keep[1])
        p.dtb_size = len(dtb)
        if initrd is not None:
            p.initrd = ctypes.addressof(self._keep[2])
            p.initrd_size = len(initrd)
        if cmdline is not None:
            p.cmdline = ctypes.addressof(self._keep[3])
        p.cpu_mpidr = ctypes.addressof(self._keep[4])
        p.cpu_count = len(cpu_mpidr)
        out = ctypes.c_void_p()
        _ffi.call("cell_linux_new", ctx.handle, ctypes.byref(out), cell.handle,
                  ctypes.byref(p), ctx=ctx.handle)
        self._ctx = ctx
        self._handle = out.value

    @property
    def handle(self) -> int:
        if not self._handle:
            raise ValueError("Linux boot handle is closed")
        return self._handle

    def close(self) -> None:
        if self._handle:
            _ffi.fn("cell_linux_free")(self._handle)
            self._handle = None

    def __enter__(self) -> LinuxBoot:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()

    @property
    def layout(self) -> Any:
        """Where everything goes (a LinuxLayout dataclass)."""
        out = L.STRUCTS["cell_linux_layout"][0]()
        _ffi.call("cell_linux_get_layout", self.handle, ctypes.byref(out))
        return _ffi.to_dataclass(out)

    @property
    def dtb(self) -> bytes:
        """The edited device tree."""
        size = ctypes.c_size_t()
        addr = _ffi.fn("cell_linux_dtb")(self.handle, ctypes.byref(size))
        return ctypes.string_at(addr, size.value)

    @property
    def warnings(self) -> list[str]:
        """Device nodes the cell does not map, one message each."""
        n = _ffi.fn("cell_linux_warning_count")(self.handle)
        return [_ffi.fn("cell_linux_warning")(self.handle, i).decode() for i in range(n)]

    def images(self) -> list[tuple[bytes, int]]:
        """What cell_linux_boot() loads, in order: (bytes, guest address) of
        the stub, the kernel, the device tree and the initrd."""
        n = _ffi.call("cell_linux_images", self.handle, None, 0)
        arr = (L.STRUCTS["cell_hv_image"][0] * n)()
        _ffi.call("cell_linux_images", self.handle, arr, n)
        return [(ctypes.string_at(i.data, i.size), i.target_address) for i in arr]

    def layout_json(self) -> str:
        """The dry-run record (cell_linux_layout_json())."""
        out = ctypes.c_void_p()
        _ffi.call("cell_linux_layout_json", self.handle, ctypes.byref(out),
                  ctx=self._ctx.handle)
        return _ffi.take_string(out.value)

    def boot(self, hv: Hypervisor, cell: Config) -> None:
        """Create (or reload), load and start the cell (cell_linux_boot())."""
        _ffi.call("cell_linux_boot", hv.handle, self.handle, cell.handle,
                  ctx=self._ctx.handle)
