# SPDX-License-Identifier: BSD-2-Clause
"""Exceptions: one class per errno value libcell documents."""
from __future__ import annotations

import errno as _errno
import os


class Error(Exception):
    """A libcell call failed.

    ``code`` is the negative errno value the C function returned, ``errno``
    its positive value and ``message`` the reason the library recorded in
    the context (naming the file, field or offset involved).
    """

    def __init__(self, code: int, message: str) -> None:
        super().__init__(code, message)
        self.code = code
        self.errno = -code
        self.message = message

    def __str__(self) -> str:
        name = _errno.errorcode.get(self.errno, str(self.errno))
        return f"{self.message} [{name}]"


class InvalidArgument(Error, ValueError):
    """-EINVAL"""


class NoMemory(Error, MemoryError):
    """-ENOMEM"""


class Malformed(Error, ValueError):
    """-EBADMSG: malformed input (bad signature, revision, JSON, ...)."""


class Truncated(Error, ValueError):
    """-ENODATA: input ends early."""


class Overflow(Error, OverflowError):
    """-EOVERFLOW: a value or size out of range."""


class TooBig(Error, ValueError):
    """-E2BIG: input too large, or trailing data."""


class NoSpace(Error):
    """-ENOSPC: buffer too small."""


class NotExecutable(Error, ValueError):
    """-ENOEXEC: not a kernel image this call can boot (compressed, foreign)."""


class OutOfRange(Error, IndexError):
    """-ERANGE: index out of range."""


class NotSupported(Error):
    """-ENOTSUP: operation not supported for this object."""


class NotFound(Error, LookupError):
    """-ENOENT"""


class Exists(Error):
    """-EEXIST"""


class NameTooLong(Error, ValueError):
    """-ENAMETOOLONG"""


class FileTooBig(Error):
    """-EFBIG"""


class IsADirectory(Error):
    """-EISDIR"""


class NoDevice(Error):
    """-ENODEV: no such device (driver or hypervisor absent)."""


class Busy(Error):
    """-EBUSY"""


class PermissionDenied(Error, PermissionError):
    """-EPERM or -EACCES"""


class Unimplemented(Error):
    """-ENOSYS: not implemented by the driver or hypervisor."""


class IOFailure(Error):
    """-EIO"""


class Loop(Error):
    """-ELOOP: reference loop."""


class MissingSymbol(Error, NotImplementedError):
    """The loaded library does not export a function its headers declare
    (an older libcell.so.0 than the headers the bindings were generated
    from)."""

    def __init__(self, name: str, library: str, header: str) -> None:
        super().__init__(-_errno.ENOSYS,
                         f"{library} does not export {name} (declared in {header})")
        self.symbol = name


_BY_ERRNO: dict[int, type[Error]] = {
    _errno.EINVAL: InvalidArgument,
    _errno.ENOMEM: NoMemory,
    _errno.EBADMSG: Malformed,
    _errno.ENODATA: Truncated,
    _errno.EOVERFLOW: Overflow,
    _errno.E2BIG: TooBig,
    _errno.ENOSPC: NoSpace,
    _errno.ENOEXEC: NotExecutable,
    _errno.ERANGE: OutOfRange,
    _errno.ENOTSUP: NotSupported,
    _errno.ENOENT: NotFound,
    _errno.EEXIST: Exists,
    _errno.ENAMETOOLONG: NameTooLong,
    _errno.EFBIG: FileTooBig,
    _errno.EISDIR: IsADirectory,
    _errno.ENODEV: NoDevice,
    _errno.EBUSY: Busy,
    _errno.EPERM: PermissionDenied,
    _errno.EACCES: PermissionDenied,
    _errno.ENOSYS: Unimplemented,
    _errno.EIO: IOFailure,
    _errno.ELOOP: Loop,
}


def error_for(code: int, message: str) -> Error:
    """The exception for a negative errno @code (Error for an unlisted one)."""
    cls = _BY_ERRNO.get(-code, Error)
    return cls(code, message or os.strerror(-code))
