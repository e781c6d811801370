# SPDX-License-Identifier: BSD-2-Clause
"""Cell configurations (include/libcell/config.h)."""
from __future__ import annotations

import ctypes
import errno
import os
from collections.abc import Iterable, Iterator, MutableSequence
from types import TracebackType
from typing import Any, Generic, TypeVar, overload

from . import _ffi
from ._ffi import layout as L
from .context import Context

T = TypeVar("T")
StrPath = str | os.PathLike[str]


class ArrayView(MutableSequence[T], Generic[T]):
    """A live list-like view of one array of a configuration
    (``cell_config_<array>_count/get/set/insert/remove``).

    Items are copies: change one and assign it back (``regions[2] = m``).
    """

    def __init__(self, cfg: Config, array: str, struct: str | None) -> None:
        self._cfg = cfg
        self._array = array
        self._struct = struct

    def _fn(self, verb: str) -> str:
        return f"cell_config_{self._array}_{verb}"

    def __len__(self) -> int:
        return self._cfg._call(self._fn("count"), self._cfg.handle)

    def _index(self, i: int, *, insert: bool = False) -> int:
        n = len(self)
        if i < 0:
            i += n
        if insert:
            return min(max(i, 0), n)
        return i  # out-of-range indices are refused by the library (-ERANGE)

    def _get(self, i: int) -> T:
        if self._struct is None:
            v = ctypes.c_uint32()
            self._cfg._call(self._fn("get"), self._cfg.handle, i, ctypes.byref(v))
            return v.value  # type: ignore[return-value]
        cs = _ffi.cstruct_type(self._struct)()
        self._cfg._call(self._fn("get"), self._cfg.handle, i, ctypes.byref(cs))
        return _ffi.to_dataclass(cs)  # type: ignore[no-any-return]

    def _arg(self, value: T) -> Any:
        if self._struct is None:
            return ctypes.byref(ctypes.c_uint32(int(value)))  # type: ignore[call-overload]
        return ctypes.byref(_ffi.to_cstruct(value, self._struct))

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> list[T]: ...

    def __getitem__(self, i: int | slice) -> T | list[T]:
        if isinstance(i, slice):
            return [self._get(k) for k in range(*i.indices(len(self)))]
        return self._get(self._index(i))

    @overload
    def __setitem__(self, i: int, value: T) -> None: ...
    @overload
    def __setitem__(self, i: slice, value: Iterable[T]) -> None: ...

    def __setitem__(self, i: int | slice, value: Any) -> None:
        if isinstance(i, slice):
            raise TypeError("slice assignment is not supported; use insert/del")
        self._cfg._call(self._fn("set"), self._cfg.handle, self._index(i), self._arg(value))

    def __delitem__(self, i: int | slice) -> None:
        if isinstance(i, slice):
            for k in sorted(range(*i.indices(len(self))), reverse=True):
                self._cfg._call(self._fn("remove"), self._cfg.handle, k)
            return
        self._cfg._call(self._fn("remove"), self._cfg.handle, self._index(i))

    def insert(self, index: int, value: T) -> None:
        self._cfg._call(self._fn("insert"), self._cfg.handle,
                        self._index(index, insert=True), self._arg(value))

    def __iter__(self) -> Iterator[T]:
        for k in range(len(self)):
            yield self._get(k)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._array}, {list(self)!r})"


class IommuView:
    """The CELL_IOMMU_MAX IOMMU slots of a system configuration."""

    def __init__(self, cfg: Config) -> None:
        self._cfg = cfg

    def __len__(self) -> int:
        return int(L.CELL_IOMMU_MAX)

    def __getitem__(self, i: int) -> L.Iommu:
        cs = L.cell_iommu()
        self._cfg._call("cell_config_iommu_get", self._cfg.handle, i, ctypes.byref(cs))
        return _ffi.to_dataclass(cs)  # type: ignore[no-any-return]

    def __setitem__(self, i: int, value: L.Iommu) -> None:
        self._cfg._call("cell_config_iommu_set", self._cfg.handle, i,
                        ctypes.byref(_ffi.to_cstruct(value, "cell_iommu")))

    def __iter__(self) -> Iterator[L.Iommu]:
        for k in range(len(self)):
            yield self[k]


class Config:
    """A ``cell_config``: a system or non-root cell configuration.

    Create with :meth:`new`, :meth:`decode`, :meth:`load`, :meth:`from_json`
    or :meth:`clone`; release with :meth:`close` or a ``with`` block.
    """

    def __init__(self, ctx: Context, handle: int) -> None:
        """Wrap a handle the caller owns (used by the constructors)."""
        self._ctx = ctx
        self._handle: int | None = handle
        ctx._adopt(self)

    # -- construction ---------------------------------------------------
    @classmethod
    def _make(cls, ctx: Context, func: str, *args: Any) -> Config:
        out = ctypes.c_void_p()
        _ffi.call(func, ctx.handle, ctypes.byref(out), *args, ctx=ctx.handle)
        return cls(ctx, out.value or 0)

    @classmethod
    def new(cls, ctx: Context, kind: int = L.CELL_CONFIG_CELL,
            arch: int = L.CELL_ARCH_ARM64) -> Config:
        """An empty configuration (CELL_CONFIG_SYSTEM or CELL_CONFIG_CELL)."""
        return cls._make(ctx, "cell_config_new", kind, arch)

    @classmethod
    def decode(cls, ctx: Context, data: bytes | bytearray | memoryview) -> Config:
        """Decode a ``.cell`` image held in memory."""
        buf = bytes(data)
        return cls._make(ctx, "cell_config_decode", buf, len(buf))

    @classmethod
    def load(cls, ctx: Context, path: StrPath) -> Config:
        """Read and decode a ``.cell`` file."""
        return cls._make(ctx, "cell_config_load", os.fsencode(path))

    @classmethod
    def from_json(cls, ctx: Context, text: str | bytes) -> Config:
        """Build a configuration from its JSON form (docs/config-json.md)."""
        raw = text.encode() if isinstance(text, str) else bytes(text)
        return cls._make(ctx, "cell_config_from_json", raw)

    def clone(self) -> Config:
        """A deep copy, borrowing the same context."""
        out = ctypes.c_void_p()
        self._call("cell_config_clone", self.handle, ctypes.byref(out))
        return Config(self._ctx, out.value or 0)

    # -- lifetime -------------------------------------------------------
    @property
    def handle(self) -> int:
        """The raw ``cell_config *``; raises ValueError once closed."""
        if not self._handle:
            raise ValueError("libcell configuration is closed")
        return self._handle

    @property
    def context(self) -> Context:
        return self._ctx

    def close(self) -> None:
        if self._handle:
            _ffi.fn("cell_config_free")(self._handle)
            self._handle = None

    def __enter__(self) -> Config:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_handle", None) and not self._ctx.closed:
            self.close()

    def _call(self, func: str, *args: Any) -> int:
        """Call @func, reporting failures with the message of our context
        (the one cell_config_ctx() returns)."""
        ctx = _ffi.fn("cell_config_ctx")(self.handle)
        return _ffi.call(func, *args, ctx=ctx)

    # -- encoding -------------------------------------------------------
    @property
    def encoded_size(self) -> int:
        return self._call("cell_config_encoded_size", self.handle)

    def encode(self) -> bytes:
        """The ``.cell`` image."""
        out, size = ctypes.c_void_p(), ctypes.c_size_t()
        self._call("cell_config_encode_alloc", self.handle, ctypes.byref(out), ctypes.byref(size))
        return _ffi.take_bytes(out.value, size.value)

    def encode_into(self, buf: bytearray | memoryview) -> int:
        """Encode into a writable buffer; returns the number of bytes.
        Raises NoSpace when it is too small."""
        mv = memoryview(buf)
        if mv.readonly:
            raise TypeError("encode_into needs a writable buffer")
        cbuf = (ctypes.c_char * mv.nbytes).from_buffer(mv) if mv.nbytes else None
        written = ctypes.c_size_t()
        self._call("cell_config_encode", self.handle, cbuf, mv.nbytes, ctypes.byref(written))
        return written.value

    def save(self, path: StrPath) -> None:
        """Encode and write atomically to @path."""
        self._call("cell_config_save", self.handle, os.fsencode(path))

    def to_json(self) -> str:
        """Lossless JSON form."""
        out = ctypes.c_void_p()
        self._call("cell_config_to_json", self.handle, ctypes.byref(out))
        return _ffi.take_string(out.value)

    # -- scalar fields --------------------------------------------------
    @property
    def kind(self) -> int:
        """CELL_CONFIG_SYSTEM or CELL_CONFIG_CELL."""
        return int(_ffi.fn("cell_config_kind")(self.handle))

    @property
    def is_system(self) -> bool:
        return self.kind == L.CELL_CONFIG_SYSTEM

    @property
    def arch(self) -> int:
        """CELL_ARCH_* code."""
        return int(_ffi.fn("cell_config_arch")(self.handle))

    @arch.setter
    def arch(self, value: int) -> None:
        self._call("cell_config_set_arch", self.handle, value)

    @property
    def revision(self) -> int:
        """Revision the configuration is encoded as (14 or 13)."""
        return int(_ffi.fn("cell_config_revision")(self.handle))

    @revision.setter
    def revision(self, value: int) -> None:
        self._call("cell_config_set_revision", self.handle, value)

    @property
    def root_stamped(self) -> bool:
        """System configurations: whether the embedded root cell descriptor
        carries its own signature (see cell_config_root_stamped())."""
        return bool(self._call("cell_config_root_stamped", self.handle))

    @root_stamped.setter
    def root_stamped(self, value: bool) -> None:
        self._call("cell_config_set_root_stamped", self.handle, int(bool(value)))

    @property
    def name(self) -> str:
        return bytes(_ffi.fn("cell_config_name")(self.handle)).decode(errors="surrogateescape")

    @name.setter
    def name(self, value: str) -> None:
        self._call("cell_config_set_name", self.handle,
                   value.encode("utf-8", errors="surrogateescape"))

    @property
    def desc(self) -> L.Desc:
        """The cell descriptor (a copy; assign a modified one back)."""
        cs = L.cell_desc()
        self._call("cell_config_get_desc", self.handle, ctypes.byref(cs))
        return _ffi.to_dataclass(cs)  # type: ignore[no-any-return]

    @desc.setter
    def desc(self, value: L.Desc) -> None:
        self._call("cell_config_set_desc", self.handle,
                   ctypes.byref(_ffi.to_cstruct(value, "cell_desc")))

    @property
    def system(self) -> L.System:
        """The system header (system configurations only; else NotSupported)."""
        cs = L.cell_system()
        self._call("cell_config_get_system", self.handle, ctypes.byref(cs))
        return _ffi.to_dataclass(cs)  # type: ignore[no-any-return]

    @system.setter
    def system(self, value: L.System) -> None:
        self._call("cell_config_set_system", self.handle,
                   ctypes.byref(_ffi.to_cstruct(value, "cell_system")))

    @property
    def iommus(self) -> IommuView:
        return IommuView(self)

    # -- CPUs -----------------------------------------------------------
    @property
    def cpu_set_size(self) -> int:
        """Size of the CPU bitmap in bytes."""
        return int(_ffi.fn("cell_config_cpu_set_size")(self.handle))

    @cpu_set_size.setter
    def cpu_set_size(self, value: int) -> None:
        self._call("cell_config_set_cpu_set_size", self.handle, value)

    @property
    def cpus(self) -> list[int]:
        """The CPU numbers of the cell, sorted. Assigning a list replaces the set."""
        n = self._call("cell_config_cpus", self.handle, None, 0)
        arr = (ctypes.c_uint32 * max(n, 1))()
        n = self._call("cell_config_cpus", self.handle, arr, n)
        return list(arr[:n])

    @cpus.setter
    def cpus(self, value: Iterable[int]) -> None:
        wanted = set(value)
        for cpu in self.cpus:
            if cpu not in wanted:
                self.remove_cpu(cpu)
        for cpu in sorted(wanted):
            self.add_cpu(cpu)

    def has_cpu(self, cpu: int) -> bool:
        return bool(self._call("cell_config_has_cpu", self.handle, cpu))

    def add_cpu(self, cpu: int) -> None:
        self._call("cell_config_add_cpu", self.handle, cpu)

    def remove_cpu(self, cpu: int) -> None:
        self._call("cell_config_remove_cpu", self.handle, cpu)

    # -- arrays ---------------------------------------------------------
    @property
    def memory_regions(self) -> ArrayView[L.Memory]:
        return ArrayView(self, "memory", "cell_memory")

    def memory_carve(self, base: int, size: int) -> int:
        """Cut the physical range [base, base + size) out of every memory
        region (shrinking or splitting them); returns how many changed."""
        return self._call("cell_config_memory_carve", self.handle, base, size)

    def memory_find(self, region: L.Memory) -> int | None:
        """Index of the first region equal to @region, None if there is none."""
        cs = _ffi.to_cstruct(region, "cell_memory")
        rc = _ffi.fn("cell_config_memory_find")(self.handle, ctypes.byref(cs))
        if rc == -errno.ENOENT:
            return None
        if rc < 0:
            _ffi.raise_for(rc, _ffi.fn("cell_config_ctx")(self.handle))
        return int(rc)

    @property
    def cache_regions(self) -> ArrayView[L.Cache]:
        return ArrayView(self, "cache", "cell_cache")

    @property
    def irqchips(self) -> ArrayView[L.Irqchip]:
        return ArrayView(self, "irqchip", "cell_irqchip")

    @property
    def pio_regions(self) -> ArrayView[L.Pio]:
        return ArrayView(self, "pio", "cell_pio")

    @property
    def pci_devices(self) -> ArrayView[L.PciDevice]:
        return ArrayView(self, "pci_device", "cell_pci_device")

    @property
    def pci_caps(self) -> ArrayView[L.PciCapability]:
        return ArrayView(self, "pci_cap", "cell_pci_capability")

    @property
    def stream_ids(self) -> ArrayView[int]:
        return ArrayView(self, "stream_id", None)

    # -- checks ---------------------------------------------------------
    def check(self) -> Any:
        """Findings of cell_check_config() on this configuration."""
        from .check import check_config
        return check_config(self)

    def __repr__(self) -> str:
        if not self._handle:
            return "<libcell.Config closed>"
        kind = "system" if self.is_system else "cell"
        return f"<libcell.Config {kind} {self.name!r}>"


def mem_flag_name(bit: int) -> str | None:
    """Symbolic name of one CELL_MEM_* bit ("ROOTSHARED"), None if unnamed."""
    name = _ffi.fn("cell_mem_flag_name")(bit)
    return name.decode() if name is not None else None


def mem_flags_names(flags: int) -> list[str]:
    """Names of every set bit of a memory flags word (hex for unnamed bits)."""
    out = []
    for b in range(64):
        if flags >> b & 1:
            out.append(mem_flag_name(1 << b) or hex(1 << b))
    return out
