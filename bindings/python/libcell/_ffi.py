# SPDX-License-Identifier: BSD-2-Clause
"""Loading of libcell.so.0 and of the generated layout, calls, conversions.

Everything the C headers define (struct layouts, constants, prototypes) comes
from the module that bindings/python/gen_layout.py generates from
include/libcell/*.h: the build (and an installed package) ship it as
``libcell/_layout.py``; a package imported straight from the source tree has
none, so the same generator runs here, in memory, on the headers beside it.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import importlib.util
import os
import sys
import types
from pathlib import Path
from typing import Any

from .errors import MissingSymbol, error_for

__all__ = ["LIBRARY_PATH", "call", "cstruct_type", "find_library", "fn", "has_symbol",
           "layout", "raise_for", "replace", "strerror", "take_bytes", "take_string",
           "to_cstruct", "to_dataclass"]

_HERE = Path(__file__).resolve().parent


def _generate_layout() -> types.ModuleType:
    """Build the layout module in memory from the source tree's headers."""
    root = _HERE.parents[2]
    gen = _HERE.parent / "gen_layout.py"
    include = root / "include" / "libcell"
    if not gen.is_file() or not include.is_dir():
        raise ImportError(
            "libcell: no generated _layout.py in the package and no source tree "
            f"(expected {gen} and {include}); build with CMake or install the package")
    spec = importlib.util.spec_from_file_location("libcell_gen_layout", gen)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules.
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    try:
        text = mod.render_python(mod.parse_headers(include))
    except mod.HeaderError as e:
        raise ImportError(f"libcell: cannot generate the layout: {e}") from None
    layout = types.ModuleType("libcell._layout")
    layout.__file__ = f"<generated from {include}>"
    sys.modules[layout.__name__] = layout
    exec(compile(text, layout.__file__, "exec"), layout.__dict__)
    return layout


try:
    from . import _layout as layout
except ImportError:
    layout = _generate_layout()


def find_library() -> str:
    """Path or name of the shared library to load.

    Order: $LIBCELL_LIBRARY, the build tree (the package copied into
    <build>/bindings/python, or a source tree with <root>/build), then the
    system's library search.
    """
    env = os.environ.get("LIBCELL_LIBRARY")
    if env:
        return env
    top = _HERE.parents[2]
    for cand in (top / "src" / "libcell.so.0", top / "build" / "src" / "libcell.so.0"):
        if cand.is_file():
            return str(cand)
    return ctypes.util.find_library("cell") or "libcell.so.0"


LIBRARY_PATH = find_library()
try:
    _lib = ctypes.CDLL(LIBRARY_PATH)
except OSError as e:
    raise ImportError(f"libcell: cannot load {LIBRARY_PATH}: {e} "
                      "(set LIBCELL_LIBRARY to the path of libcell.so.0)") from None

_bound: dict[str, Any] = {}


def fn(name: str) -> Any:
    """The C function @name with the prototype generated from its header."""
    f = _bound.get(name)
    if f is not None:
        return f
    proto = layout.PROTOTYPES.get(name)
    if proto is None:
        raise AttributeError(f"{name} is not declared in the libcell headers")
    try:
        f = getattr(_lib, name)
    except AttributeError:
        raise MissingSymbol(name, LIBRARY_PATH, proto[2]) from None
    f.restype, f.argtypes = proto[0], list(proto[1])
    _bound[name] = f
    return f


def has_symbol(name: str) -> bool:
    """Whether the loaded library exports @name."""
    return hasattr(_lib, name)


def strerror(code: int) -> str:
    return str(fn("cell_strerror")(code).decode())


def raise_for(rc: int, ctx: int | None) -> None:
    """Raise the Error subclass of a negative return code.

    The message is the one the context recorded for this failure, or the
    generic text of the code when the call had no context to record it in.
    """
    message = ""
    if ctx:
        if fn("cell_ctx_last_errno")(ctx) == rc:
            message = fn("cell_ctx_last_error")(ctx).decode(errors="replace")
    raise error_for(rc, message or strerror(rc))


def call(name: str, *args: Any, ctx: int | None = None) -> int:
    """Call a function returning int/int64 and raise on a negative value.

    @ctx is the handle of the context the call records its failure in; it is
    cleared first so a stale message is never reported.
    """
    if ctx:
        fn("cell_ctx_clear_error")(ctx)
    rc = fn(name)(*args)
    if rc < 0:
        raise_for(rc, ctx)
    return int(rc)


def take_string(addr: int | None) -> str:
    """Copy a library-owned NUL-terminated string and release it."""
    if not addr:
        return ""
    try:
        return ctypes.string_at(addr).decode()
    finally:
        fn("cell_free")(addr)


def take_bytes(addr: int | None, size: int) -> bytes:
    """Copy a library-owned byte buffer and release it."""
    if not addr:
        return b""
    try:
        return ctypes.string_at(addr, size)
    finally:
        fn("cell_free")(addr)


# ----------------------------------------------------- struct conversions --

_DC_TO_STRUCT: dict[type, str] = {dc: name for name, (_, dc) in layout.STRUCTS.items()}


def cstruct_type(name: str) -> type[ctypes.Structure]:
    return layout.STRUCTS[name][0]


def to_dataclass(cs: ctypes.Structure) -> Any:
    """Convert a generated ctypes Structure to its generated dataclass."""
    name = type(cs).__name__
    _, dc = layout.STRUCTS[name]
    values: dict[str, Any] = {}
    for fname, ctype, count in layout.FIELDS[name]:
        v = getattr(cs, fname)
        if ctype == "char" and count:
            values[fname] = v.decode("utf-8", errors="surrogateescape")
        elif ctype.startswith("struct "):
            values[fname] = to_dataclass(v) if count is None else [to_dataclass(x) for x in v]
        elif count is not None:
            values[fname] = list(v)
        else:
            values[fname] = v
    return dc(**values)


def to_cstruct(value: Any, name: str | None = None) -> ctypes.Structure:
    """Convert a generated dataclass (or a ctypes Structure) to the Structure."""
    if isinstance(value, ctypes.Structure):
        if name is not None and type(value).__name__ != name:
            raise TypeError(f"expected struct {name}, got {type(value).__name__}")
        return value
    sname = _DC_TO_STRUCT.get(type(value))
    if sname is None or (name is not None and sname != name):
        want = layout.STRUCTS[name][1].__name__ if name else "a libcell dataclass"
        raise TypeError(f"expected {want}, got {type(value).__name__}")
    cs = cstruct_type(sname)()
    for fname, ctype, count in layout.FIELDS[sname]:
        v = getattr(value, fname)
        if ctype == "char" and count:
            raw = v.encode("utf-8", errors="surrogateescape") if isinstance(v, str) else bytes(v)
            if len(raw) > count:
                raise ValueError(f"{sname}.{fname}: {len(raw)} bytes, at most {count}")
            setattr(cs, fname, raw)
        elif ctype.startswith("struct "):
            sub = ctype[len("struct "):]
            if count is None:
                setattr(cs, fname, to_cstruct(v, sub))
            else:
                _fill_array(getattr(cs, fname), [to_cstruct(x, sub) for x in v], sname, fname)
        elif count is not None:
            _fill_array(getattr(cs, fname), list(v), sname, fname)
        else:
            setattr(cs, fname, v)
    return cs


def _fill_array(arr: Any, items: list[Any], sname: str, fname: str) -> None:
    if len(items) != len(arr):
        raise ValueError(f"{sname}.{fname}: {len(items)} entries, expected {len(arr)}")
    for i, x in enumerate(items):
        arr[i] = x


def replace(value: Any, **changes: Any) -> Any:
    """dataclasses.replace, re-exported for convenience."""
    return dataclasses.replace(value, **changes)
