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
from ._ffi import LIBRARY_PATH, layout
from .check import Findings, check_code_name, check_config, check_set, severity_name
from .config import ArrayView, Config, IommuView, mem_flag_name, mem_flags_names
from .context import Context, strerror, version, version_number
from .create import create_inmate, create_root
from .dt import GicEntry, GicReport, PciHostEntry, discover_gics, discover_pci
from .hv import Hypervisor, state_code
from .gic import GicList, gic_discover
from .handoff import Handoff, handoff, handoff_kind_name
from .pci import PciList, pci_discover
from .errors import (Busy, Error, Exists, FileTooBig, InvalidArgument, IOFailure,
                     IsADirectory, Loop, Malformed, MissingSymbol, NameTooLong, NoDevice,
                     NoMemory, NoSpace, NotFound, NotSupported, OutOfRange, Overflow,
                     PermissionDenied, TooBig, Truncated, Unimplemented)

# Every CELL_* constant of the headers, e.g. libcell.CELL_MEM_READ.
globals().update(layout.CONSTANTS)
# Every plain struct as a dataclass, e.g. libcell.Memory, libcell.Desc.
for _cs, _dc in layout.STRUCTS.values():
    globals()[_dc.__name__] = _dc
del _cs, _dc

has_symbol = _ffi.has_symbol
replace = _ffi.replace
__version__ = "0.1.0"
