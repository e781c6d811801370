# SPDX-License-Identifier: BSD-2-Clause
"""Configuration checker (include/libcell/check.h)."""
from __future__ import annotations

import ctypes
from collections.abc import Sequence

from . import _ffi
from ._ffi import layout as L
from .config import Config


class Findings(list[L.Finding]):
    """The findings of a check, as a list of :class:`Finding`.

    ``errors`` is the number of CELL_SEVERITY_ERROR findings, as counted by
    the library.
    """

    errors: int

    @property
    def ok(self) -> bool:
        """True when there is no error finding (warnings may remain)."""
        return self.errors == 0

    def codes(self) -> list[str]:
        """Symbolic codes of the findings, in order."""
        return [check_code_name(f.code) for f in self]


def _collect(func: str, *args: object) -> Findings:
    out = ctypes.c_void_p()
    _ffi.call(func, *args, ctypes.byref(out))
    handle = out.value
    try:
        result = Findings()
        n = _ffi.fn("cell_findings_count")(handle)
        for i in range(n):
            cs = L.cell_finding()
            _ffi.call("cell_findings_get", handle, i, ctypes.byref(cs))
            result.append(_ffi.to_dataclass(cs))
        result.errors = int(_ffi.fn("cell_findings_errors")(handle))
        return result
    finally:
        _ffi.fn("cell_findings_free")(handle)


def check_config(cfg: Config) -> Findings:
    """Check one configuration on its own (cell_check_config())."""
    return _collect("cell_check_config", cfg.handle)


def check_set(system: Config, cells: Sequence[Config] = (),
              dtb: bytes | None = None) -> Findings:
    """Check a system configuration with the non-root cells that will run on
    it (cell_check_set()). Finding.cell indexes @cells, or is
    CELL_CHECK_ROOT for the system configuration. With @dtb, the device
    tree the root's Linux runs with, also the rules against it
    (cell_check_set_dt(): ITS_NOT_MAPPED)."""
    arr = (ctypes.c_void_p * max(len(cells), 1))(*[c.handle for c in cells])
    if dtb is None:
        return _collect("cell_check_set", system.handle, arr if cells else None, len(cells))
    data = bytes(dtb)
    return _collect("cell_check_set_dt", system.handle, arr if cells else None, len(cells),
                    data, len(data))


def check_code_name(code: int) -> str:
    """Symbolic name of a finding code ("MEM_OVERLAP_PHYS"; "UNKNOWN")."""
    return str(_ffi.fn("cell_check_code_name")(code).decode())


def severity_name(severity: int) -> str:
    """Name of a CELL_SEVERITY_* value ("error", "warning", "info")."""
    return str(_ffi.fn("cell_check_severity_name")(severity).decode())
