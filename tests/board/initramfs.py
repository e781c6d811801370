# SPDX-License-Identifier: BSD-2-Clause
"""Write a gzip'ed newc cpio archive (Linux initramfs) with the stdlib only.

Entries are sorted and get fixed owners and mtimes, so the same inputs give
the same archive byte for byte (lets callers skip a rebuild by comparing).
"""

import gzip
import os
import stat

# In dependency order; Debian ships no modules.dep (init insmods in order).
NIC_MODULES = (
    "drivers/virtio/virtio_mmio.ko",
    "net/core/failover.ko",
    "drivers/net/net_failover.ko",
    "drivers/net/virtio_net.ko",
    "drivers/net/ethernet/intel/e1000e/e1000e.ko",
)


def _header(ino, mode, size, nlink, name):
    fields = (ino, mode, 0, 0, nlink, 0, size, 0, 0, 0, 0, len(name) + 1, 0)
    return ("070701" + "".join("%08X" % f for f in fields)).encode()


def _pad(n):
    return b"\0" * ((4 - n % 4) % 4)


class Archive:
    """Collect files, directories and symlinks, then write() them."""

    def __init__(self):
        self.entries = {}    # path -> (mode, data)

    def _parents(self, path):
        parts = path.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            self.entries.setdefault(d, (stat.S_IFDIR | 0o755, b""))

    def add_dir(self, path):
        path = path.strip("/")
        self._parents(path)
        self.entries[path] = (stat.S_IFDIR | 0o755, b"")

    def add_bytes(self, path, data, mode=0o644):
        path = path.strip("/")
        self._parents(path)
        self.entries[path] = (stat.S_IFREG | mode, data)

    def add_file(self, path, src, mode=None):
        with open(src, "rb") as f:
            data = f.read()
        if mode is None:
            mode = 0o755 if os.access(src, os.X_OK) else 0o644
        self.add_bytes(path, data, mode)

    def add_symlink(self, path, target):
        path = path.strip("/")
        self._parents(path)
        self.entries[path] = (stat.S_IFLNK | 0o777, target.encode())

    def write(self, out):
        """Write the archive to out atomically (temp file + rename)."""
        tmp = out + ".tmp"
        with open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb",
                                                   compresslevel=1, mtime=0) as z:
            ino = 1
            for path in sorted(self.entries):
                mode, data = self.entries[path]
                name = path.encode()
                nlink = 2 if stat.S_ISDIR(mode) else 1
                hdr = _header(ino, mode, len(data), nlink, name)
                z.write(hdr + name + b"\0" + _pad(len(hdr) + len(name) + 1))
                z.write(data + _pad(len(data)))
                ino += 1
            name = b"TRAILER!!!"
            hdr = _header(0, 0, 0, 1, name)
            z.write(hdr + name + b"\0" + _pad(len(hdr) + len(name) + 1))
        os.replace(tmp, out)
