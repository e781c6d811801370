# SPDX-License-Identifier: BSD-2-Clause
"""Python bindings of libcell (ctypes over libcell.so.0).

Struct layouts, constants and prototypes are generated from the C headers
(bindings/python/gen_layout.py); see bindings/python/README.md.

    import libcell
    with libcell.Context() as ctx, libcell.Config.load(ctx, "linux.cell") as cfg:
        print(cfg.name, cfg.cpus, list(cfg.memory_regions))
"""
from __future__ import annotations

from . import _ffi
from . import _layout
from ._ffi import LIBRARY_PATH, layout
# Every CELL_* constant of the headers (libcell.CELL_MEM_READ) and every
# plain struct as a dataclass (libcell.Memory, libcell.Desc), generated.
from ._layout import *  # noqa: F401,F403
from .check import Findings, check_code_name, check_config, check_set, severity_name
from .config import ArrayView, Config, IommuView, mem_flag_name, mem_flags_names
from .context import Context, strerror, version, version_number
from .create import create_inmate, create_root
from ._dtlist import Tree
from .dt import GicEntry, GicReport, PciHostEntry, discover_gics, discover_pci
from .errors import (Busy, Error, Exists, FileTooBig, InvalidArgument, IOFailure,
                     IsADirectory, Loop, Malformed, MissingSymbol, NameTooLong, NoDevice,
                     NoMemory, NoSpace, NotExecutable, NotFound, NotSupported, OutOfRange, Overflow,
                     PermissionDenied, TooBig, Truncated, Unimplemented)
from .gic import GicList, gic_discover
from .handoff import Handoff, handoff, handoff_kind_name
from .hv import Hypervisor, state_code
from .linux import LinuxBoot, host_mpidrs, image_info
from .pci import PciList, pci_discover

has_symbol = _ffi.has_symbol
replace = _ffi.replace
__version__ = "0.1.0"

__all__ = [
    "LIBRARY_PATH", "layout", "has_symbol", "replace", "__version__",
    "Findings", "check_code_name", "check_config", "check_set", "severity_name",
    "ArrayView", "Config", "IommuView", "mem_flag_name", "mem_flags_names",
    "Context", "strerror", "version", "version_number",
    "create_inmate", "create_root",
    "GicEntry", "GicReport", "PciHostEntry", "Tree", "discover_gics", "discover_pci",
    "Busy", "Error", "Exists", "FileTooBig", "InvalidArgument", "IOFailure", "IsADirectory",
    "Loop", "Malformed", "MissingSymbol", "NameTooLong", "NoDevice", "NoMemory", "NoSpace",
    "NotExecutable", "NotFound", "NotSupported", "OutOfRange", "Overflow", "PermissionDenied", "TooBig",
    "Truncated", "Unimplemented",
    "GicList", "gic_discover", "Handoff", "handoff", "handoff_kind_name",
    "Hypervisor", "state_code", "LinuxBoot", "host_mpidrs", "image_info",
    "PciList", "pci_discover",
]
__all__ += _layout.__all__
