# SPDX-License-Identifier: BSD-2-Clause
"""Contexts, versions, error mapping (common.h)."""
from __future__ import annotations

import errno
import gc
import re
from pathlib import Path

import pytest

import libcell
from conftest import BUILD_DIR


def test_version_matches_headers() -> None:
    text = (BUILD_DIR / "include" / "libcell" / "version.h").read_text()
    ver = re.search(r'CELL_VERSION_STRING "([^"]+)"', text)
    assert ver and libcell.version() == ver.group(1)
    major, minor, patch = (int(x) for x in ver.group(1).split("."))
    assert libcell.version_number() == major << 16 | minor << 8 | patch


def test_context_lifecycle() -> None:
    with libcell.Context() as ctx:
        assert not ctx.closed and ctx.handle
        assert ctx.last_error == "" and ctx.last_errno == 0
    assert ctx.closed
    with pytest.raises(ValueError, match="closed"):
        ctx.handle
    ctx.close()  # twice is harmless


def test_failure_is_recorded_and_cleared(ctx: libcell.Context) -> None:
    with pytest.raises(libcell.Malformed) as ei:
        libcell.Config.decode(ctx, b"NOTACELLFILE" + bytes(100))
    assert ctx.last_errno == -errno.EBADMSG
    assert ctx.last_error and ctx.last_error == ei.value.message
    ctx.clear_error()
    assert ctx.last_errno == 0 and ctx.last_error == ""


def test_closing_context_closes_its_objects() -> None:
    ctx = libcell.Context()
    cfg = libcell.Config.new(ctx)
    ctx.close()
    with pytest.raises(ValueError, match="closed"):
        cfg.handle
    del cfg
    gc.collect()


def test_strerror() -> None:
    assert libcell.strerror(0) == "success"
    assert libcell.strerror(-errno.ERANGE) == "index out of range"
    assert libcell.strerror(-errno.ENOSYS).startswith("not implemented")


@pytest.mark.parametrize("name,cls,builtin", [
    ("EINVAL", libcell.InvalidArgument, ValueError),
    ("ENOMEM", libcell.NoMemory, MemoryError),
    ("EBADMSG", libcell.Malformed, ValueError),
    ("ENODATA", libcell.Truncated, ValueError),
    ("EOVERFLOW", libcell.Overflow, OverflowError),
    ("E2BIG", libcell.TooBig, ValueError),
    ("ENOSPC", libcell.NoSpace, libcell.Error),
    ("ERANGE", libcell.OutOfRange, IndexError),
    ("ENOTSUP", libcell.NotSupported, libcell.Error),
    ("ENOENT", libcell.NotFound, LookupError),
    ("EEXIST", libcell.Exists, libcell.Error),
    ("ENAMETOOLONG", libcell.NameTooLong, ValueError),
    ("EFBIG", libcell.FileTooBig, libcell.Error),
    ("EISDIR", libcell.IsADirectory, libcell.Error),
    ("ENODEV", libcell.NoDevice, libcell.Error),
    ("EBUSY", libcell.Busy, libcell.Error),
    ("EPERM", libcell.PermissionDenied, PermissionError),
    ("EACCES", libcell.PermissionDenied, PermissionError),
    ("ENOSYS", libcell.Unimplemented, libcell.Error),
    ("EIO", libcell.IOFailure, libcell.Error),
    ("ELOOP", libcell.Loop, libcell.Error),
])
def test_error_mapping(name: str, cls: type, builtin: type) -> None:
    code = -getattr(errno, name)
    err = libcell.errors.error_for(code, "why")
    assert type(err) is cls and isinstance(err, builtin) and isinstance(err, libcell.Error)
    assert (err.code, err.errno, err.message) == (code, -code, "why")
    assert name in str(err) or (name == "ENOTSUP" and "EOPNOTSUPP" in str(err))


def test_unknown_errno_is_plain_error() -> None:
    err = libcell.errors.error_for(-errno.EXDEV, "")
    assert type(err) is libcell.Error and err.code == -errno.EXDEV and err.message


def test_missing_symbol_is_reported() -> None:
    with pytest.raises(AttributeError):
        libcell._ffi.fn("cell_no_such_function")
    err = libcell.MissingSymbol("cell_x", "/lib/libcell.so.0", "x.h")
    assert isinstance(err, NotImplementedError) and "cell_x" in str(err)


def test_file_helpers(ctx: libcell.Context, tmp_path) -> None:
    path = tmp_path / "f.bin"
    ctx.write_file(path, b"\x00abc")
    assert path.read_bytes() == b"\x00abc" and [p.name for p in tmp_path.iterdir()] == ["f.bin"]
    assert ctx.read_file(path) == b"\x00abc"
    with pytest.raises(libcell.FileTooBig, match="f.bin"):
        ctx.read_file(path, max_size=3)
    with pytest.raises(libcell.NotFound, match="nothere"):
        ctx.read_file(tmp_path / "nothere")
    with pytest.raises(libcell.NotFound):
        ctx.write_file(tmp_path / "no" / "dir", b"")


def test_library_found_in_build_tree() -> None:
    # Without LIBCELL_LIBRARY the package copied into <build>/bindings/python
    # loads <build>/src/libcell.so.0.
    import os
    import subprocess
    import sys
    pkg = Path(libcell.__file__).resolve().parent
    if not (pkg.parents[2] / "src" / "libcell.so.0").is_file():
        pytest.skip("package not run from a build tree")
    env = {k: v for k, v in os.environ.items() if k != "LIBCELL_LIBRARY"}
    r = subprocess.run([sys.executable, "-c", "import libcell; print(libcell.LIBRARY_PATH)"],
                       env=env, capture_output=True, text=True, check=True)
    assert Path(r.stdout.strip()) == pkg.parents[2] / "src" / "libcell.so.0"
