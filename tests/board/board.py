#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Drive an emulated ARM64 board (QEMU virt, TCG) through its serial console.

Library use (test scripts):

    from board import Board, BoardError, load_env
    with Board(initrd="build/board/initrd.cpio.gz") as b:
        out = b.run("cellctl cell list", timeout=30)     # raises on rc != 0
        rc, out = b.run_rc("cellctl enable /etc/libcell/bad.cell")

Command line (debugging; boots once, runs each command, prints its output):

    tests/board/board.py --initrd build/board/initrd.cpio.gz -- 'dmesg | tail' 'cat /proc/cpuinfo'

The guest's /init (tests/board/init) leaves a non-interactive busybox shell
on the PL011 console with echo off. run() sends one line per command,
bracketed by printf markers whose text never appears in the command itself,
so the output between them is exactly what the command printed (stdout and
stderr merged) and the number after the end marker is its exit status.

Nothing leaves the QEMU process: both NICs sit on QEMU-internal hub 0.
"""

import argparse
import os
import re
import shlex
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CACHE = os.path.join(os.path.expanduser("~"), ".cache", "libcell", "board")

# Board memory map shared with examples/configs/qemu-virt (root config):
# the hypervisor at 0x7fc00000 (4 MiB) and inmate RAM at 0x70000000
# (128 MiB); Linux must not touch 0x70000000-0x7fffffff.
RAM_BASE = 0x40000000
RESERVED_BASE = 0x70000000
RESERVED_SIZE = 0x10000000
RAM_SIZE_MB = 1024


class BoardError(Exception):
    """A board operation failed; the message carries the console tail."""


def load_env(cache=None):
    """Parse the env file written by setup.sh into a dict (empty if absent)."""
    cache = cache or os.environ.get("LIBCELL_CACHE", DEFAULT_CACHE)
    path = os.path.join(cache, "env")
    env = {}
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                key, sep, val = line.rstrip("\n").partition("=")
                if sep:
                    env[key] = val
    except FileNotFoundError:
        pass
    return env


def reserved_memory_dts(base=RESERVED_BASE, size=RESERVED_SIZE):
    """DTS fragment reserving [base, base+size) with no-map."""
    return (
        "/ {\n\treserved-memory {\n\t\t#address-cells = <2>;\n"
        "\t\t#size-cells = <2>;\n\t\tranges;\n"
        "\t\tlibcell@%x {\n\t\t\treg = <0x0 0x%x 0x0 0x%x>;\n"
        "\t\t\tno-map;\n\t\t};\n\t};\n};\n" % (base, base, size)
    )


def machine_args(env, smp=4, dump=None, its=True):
    """QEMU argv for the board's machine; with dump, QEMU only writes its DTB.
    its=False boots without the GICv3 ITS, as upstream Jailhouse runs its
    QEMU configs (MSIs then fall back to legacy interrupts)."""
    machine = "virt,virtualization=on,gic-version=3,its=%s" % ("on" if its else "off")
    if dump:
        machine += ",dumpdtb=" + dump
    return [env.get("QEMU", "qemu-system-aarch64"), "-machine", machine,
            "-cpu", "cortex-a57", "-smp", str(smp), "-m", "%dM" % RAM_SIZE_MB,
            "-nographic", "-no-reboot", "-nic", "none"]


class Board:
    """One QEMU run of the board; use as a context manager.

    reserve: "mem" keeps the top 256 MiB from Linux with mem=768M; "dtb"
    with a reserved-memory/no-map node in a -dtb built from QEMU's own
    dump (needs dtc); "none" gives Linux all RAM (control runs only).
    its=False: the machine without its GICv3 ITS (upstream's QEMU setup).
    """

    def __init__(self, initrd, env=None, smp=4, reserve="mem", append="",
                 log=None, boot_timeout=90, qemu_extra=(), workdir=None,
                 nics=True, its=True):
        self.env = env if env is not None else load_env()
        if not self.env.get("IMAGE"):
            raise BoardError("no kernel: run tests/board/setup.sh first")
        self.initrd = initrd
        self.its = its
        self.smp = smp
        self.reserve = reserve
        self.append = append
        self.boot_timeout = boot_timeout
        self.qemu_extra = list(qemu_extra)
        self.nics = nics
        self.workdir = workdir or os.path.dirname(os.path.abspath(initrd))
        self.log_path = log
        self._log = None
        self._proc = None
        self._lines = []          # complete console lines
        self._partial = ""
        self._cond = threading.Condition()
        self._eof = False
        self._reader = None
        self._seq = 0
        self._match_index = 0     # console line after wait_for()'s match
        self.t_start = None
        self.boot_seconds = None

    # -- QEMU command line ------------------------------------------------
    def _dtb(self):
        """Build the reserved-memory DTB from QEMU's dump of this machine."""
        tag = "virt-smp%d%s" % (self.smp, "" if self.its else "-noits")
        raw = os.path.join(self.workdir, tag + ".raw.dtb")
        dts = os.path.join(self.workdir, tag + ".dts")
        top = os.path.join(self.workdir, tag + "-resv.dts")
        out = os.path.join(self.workdir, tag + "-resv.dtb")
        if os.path.exists(out):
            return out
        subprocess.run(self._machine_args(dump=raw) + ["-display", "none"],
                       check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", "-o", dts, raw],
                       check=True)
        with open(top + ".tmp", "w", encoding="utf-8") as f:
            f.write('/include/ "%s"\n' % os.path.basename(dts))
            f.write(reserved_memory_dts())
        os.replace(top + ".tmp", top)
        # Compiling re-packs the blob: QEMU's 1 MiB padded dump would grow
        # past the 2 MiB Linux accepts and hang the kernel silently.
        subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", out + ".tmp",
                        top], check=True, cwd=self.workdir)
        os.replace(out + ".tmp", out)
        return out

    def _machine_args(self, dump=None):
        return machine_args(self.env, self.smp, dump, self.its)

    def command(self):
        """The full QEMU argv for this board."""
        args = self._machine_args()
        append = "console=ttyAMA0 kvm-arm.mode=none panic=-1"
        if self.reserve == "mem":
            append += " mem=%dM" % ((RESERVED_BASE - RAM_BASE) >> 20)
        elif self.reserve == "dtb":
            args += ["-dtb", self._dtb()]
        elif self.reserve != "none":
            raise BoardError("unknown reserve mode %r" % self.reserve)
        if self.append:
            append += " " + self.append
        args += ["-kernel", self.env["IMAGE"], "-initrd", self.initrd,
                 "-append", append]
        if self.nics:
            # Hub 0 is not connected to the host: frames stay inside QEMU.
            # romfile= because ipxe-qemu (the PXE ROMs) is not installed.
            args += ["-netdev", "hubport,id=n0,hubid=0",
                     "-device", "virtio-net-device,netdev=n0,mac=52:54:00:00:00:10",
                     "-netdev", "hubport,id=n1,hubid=0",
                     "-device", "e1000e,netdev=n1,mac=52:54:00:00:00:20,romfile="]
        return args + self.qemu_extra

    # -- process and console ----------------------------------------------
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.stop()
        return False

    def start(self):
        if self.log_path:
            self._log = open(self.log_path, "w", encoding="utf-8", buffering=1)
        argv = self.command()
        self._logline("# " + " ".join(shlex.quote(a) for a in argv))
        self.t_start = time.monotonic()
        self._proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, bufsize=0)
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()
        m = self.wait_for(r"^@@READY ([0-9.]+)", self.boot_timeout, what="boot to /init")
        self.boot_seconds = time.monotonic() - self.t_start
        self._logline("# booted: host %.2f s, guest uptime %s s" %
                      (self.boot_seconds, m.group(1)))

    def stop(self, timeout=20):
        """Power the guest off (or kill QEMU) and close the log."""
        if self._proc and self._proc.poll() is None:
            try:
                self._send("sync; poweroff -f")
                self._proc.wait(timeout=timeout)
            except (OSError, subprocess.TimeoutExpired):
                self._proc.kill()
                self._proc.wait()
        if self._reader:
            self._reader.join(timeout=5)
        if self._proc and self._proc.stdin:
            try:
                self._proc.stdin.close()
            except OSError:
                pass
        if self._log:
            self._logline("# qemu exit status %s" %
                          (self._proc.returncode if self._proc else None))
            self._log.close()
            self._log = None

    def _logline(self, text):
        if self._log:
            t = time.monotonic() - self.t_start if self.t_start else 0.0
            self._log.write("[%7.2f] %s\n" % (t, text))

    def _read_loop(self):
        fd = self._proc.stdout.fileno()
        while True:
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            with self._cond:
                if not data:
                    if self._partial:
                        self._lines.append(self._partial)
                        self._logline(self._partial)
                        self._partial = ""
                    self._eof = True
                    self._cond.notify_all()
                    return
                text = self._partial + data.decode("utf-8", "replace").replace("\r", "")
                parts = text.split("\n")
                self._partial = parts.pop()
                for p in parts:
                    self._lines.append(p)
                    self._logline(p)
                self._cond.notify_all()

    def _send(self, line):
        self._logline("> " + line)
        self._proc.stdin.write(line.encode() + b"\n")
        self._proc.stdin.flush()

    def type_line(self, line):
        """Type one line into the guest shell and return at once: for a
        command whose end is awaited with wait_for() because something else
        (a cell's early console) may write into the markers of run()."""
        if "\n" in line:
            raise BoardError("type_line(): one line only, got %r" % line)
        self._send(line)

    def tail(self, n=40):
        """The last n console lines (for error messages)."""
        with self._cond:
            lines = self._lines[-n:] + ([self._partial] if self._partial else [])
        return "\n".join(lines[-n:])

    def _fail(self, msg):
        raise BoardError("%s\n--- last console lines ---\n%s" % (msg, self.tail(40)))

    def wait_for(self, pattern, timeout, start=None, what=None):
        """Wait for a console line matching regex pattern; return the match.

        start: index into the console lines to search from (default: from
        the beginning of the run).
        """
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        idx = start or 0
        with self._cond:
            while True:
                while idx < len(self._lines):
                    m = rx.search(self._lines[idx])
                    idx += 1
                    if m:
                        self._match_index = idx
                        return m
                if self._eof:
                    self._fail("QEMU exited (status %s) while waiting for %s" %
                               (self._proc.poll(), what or repr(pattern)))
                left = deadline - time.monotonic()
                if left <= 0:
                    self._fail("timeout after %.0f s waiting for %s" %
                               (timeout, what or repr(pattern)))
                self._cond.wait(left)

    def run_rc(self, cmd, timeout=30):
        """Run one shell command line in the guest; return (status, output).

        Each command runs in its own subshell; its stdout and stderr are
        merged. BoardError on timeout or QEMU exit (with the console tail).
        """
        if "\n" in cmd:
            raise BoardError("run(): one line only, got %r" % cmd)
        self._seq += 1
        n = self._seq
        with self._cond:
            start = len(self._lines)
        # The markers are printf'ed from pieces, so the command text (should
        # the tty ever echo it) can never match them. eval in a subshell: a
        # syntax error or an exit ends only the subshell, never the console
        # shell (state such as cd does not persist between run() calls).
        self._send("printf '@@B%%s\\n' %d; ( eval %s ) 2>&1; printf '@@E%%s %%s\\n' %d $?"
                   % (n, shlex.quote(cmd), n))
        self.wait_for(r"^@@B%d$" % n, timeout, start, what="start of %r" % cmd)
        begin = self._match_index
        m = self.wait_for(r"@@E%d (\d+)$" % n, timeout, begin,
                          what="end of %r (timeout %ss)" % (cmd, timeout))
        end = self._match_index - 1
        with self._cond:
            out = self._lines[begin:end]
            last = self._lines[end]
        # Output without a trailing newline shares the end marker's line.
        prefix = last[:m.start()]
        if prefix:
            out = out + [prefix]
        return int(m.group(1)), "\n".join(out)

    def run(self, cmd, timeout=30):
        """Run cmd; return its output, raise BoardError if it exits non-zero."""
        rc, out = self.run_rc(cmd, timeout)
        if rc != 0:
            raise BoardError("guest command %r exited %d:\n%s" % (cmd, rc, out))
        return out

    @property
    def console(self):
        """All console lines so far (boot log included)."""
        with self._cond:
            return list(self._lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--reserve", default="mem", choices=("mem", "dtb", "none"))
    ap.add_argument("--smp", type=int, default=4)
    ap.add_argument("--its", default="on", choices=("on", "off"),
                    help="the GICv3 ITS (off: as upstream Jailhouse boots QEMU)")
    ap.add_argument("--append", default="")
    ap.add_argument("--log")
    ap.add_argument("--timeout", type=int, default=60, help="per command")
    ap.add_argument("commands", nargs="*")
    a = ap.parse_args()
    status = 0
    try:
        with Board(a.initrd, smp=a.smp, reserve=a.reserve, append=a.append,
                   log=a.log, its=a.its == "on") as b:
            print("# booted in %.2f s" % b.boot_seconds, file=sys.stderr)
            for c in a.commands:
                rc, out = b.run_rc(c, a.timeout)
                if out:
                    print(out)
                print("# %s -> %d" % (c, rc), file=sys.stderr)
                status = status or (1 if rc else 0)
    except BoardError as e:
        print("board: %s" % e, file=sys.stderr)
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main())
