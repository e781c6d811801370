# SPDX-License-Identifier: BSD-2-Clause
"""Helpers shared by the board tests (tests/board/t_*.py).

A test is `python3 t_NAME.py STATE_JSON`. It reads the state written by
prepare.py, skips (exit 77, reason printed) when a piece it needs is absent,
boots the board with its console log in WORKDIR/logs/NAME.log, prints one
"ok"/"FAIL" line per check and exits 1 if any check failed.
"""

import json
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from board import Board, BoardError  # noqa: E402,F401

SKIP = 77
ROOT_CELL = "/etc/libcell/root.cell"
SYSFS = "/sys/devices/jailhouse"


def skip(reason):
    print("SKIP: " + reason, flush=True)
    sys.exit(SKIP)


class Test:
    """One board test: state, checks and the board it boots."""

    def __init__(self, name):
        self.name = name
        if len(sys.argv) < 2:
            print("usage: %s STATE_JSON" % sys.argv[0])
            sys.exit(2)
        try:
            with open(sys.argv[1], encoding="utf-8") as f:
                self.state = json.load(f)
        except FileNotFoundError:
            skip("%s missing: the board_prepare test has not run" % sys.argv[1])
        if "skip" in self.state:
            skip("board not prepared: " + self.state["skip"])
        if "error" in self.state:
            print("FAIL: board preparation failed: " + self.state["error"])
            sys.exit(1)
        self.failed = 0
        self.passed = 0
        self.t0 = time.monotonic()
        self.logdir = os.path.join(self.state["workdir"], "logs")
        os.makedirs(self.logdir, exist_ok=True)

    # -- requirements -----------------------------------------------------
    def need_kmod(self):
        if not self.state.get("kmod"):
            skip("no kernel module: " + (self.state.get("kmod_note") or "not built"))

    def need_hypervisor(self):
        if not self.state.get("hv_image"):
            skip("no hypervisor image (hypervisor/jailhouse.bin not built)")

    def need_config(self, name):
        if name not in self.state.get("configs", []):
            skip("no %s.cell: %s" % (name, self.state.get("configs_note") or "not encoded"))

    def need_inmate(self, name):
        if name not in self.state.get("inmates", []):
            skip("no demo inmate %s.bin (inmates/ not built: no aarch64 cross compiler?)" % name)

    def need_linux_inmate(self):
        """linux-inmate.cell and the Linux inmate in the initramfs."""
        self.need_config("linux-inmate")
        if "Image" not in self.state.get("linux_inmate", []):
            skip("no Linux inmate in the initramfs (board_prepare too old)")

    def need_hv_stack(self):
        """Module, hypervisor image and the qemu-virt root config."""
        self.need_kmod()
        self.need_hypervisor()
        self.need_config("root")

    # -- board --------------------------------------------------------------
    def board(self, suffix="", **kw):
        log = os.path.join(self.logdir, self.name + suffix + ".log")
        print("console log: " + log, flush=True)
        return Board(self.state["initrd"], log=log, **kw)

    # -- checks -------------------------------------------------------------
    def check(self, cond, what, detail=""):
        if cond:
            self.passed += 1
            print("ok   " + what, flush=True)
        else:
            self.failed += 1
            print("FAIL " + what + (("\n     " + detail.replace("\n", "\n     ")) if detail else ""),
                  flush=True)
        return bool(cond)

    def check_re(self, pattern, text, what, flags=re.M):
        m = re.search(pattern, text, flags)
        self.check(m, what, "no match for /%s/ in:\n%s" % (pattern, text[-2000:]))
        return m

    def done(self):
        print("%s: %d passed, %d failed (%.1f s)" %
              (self.name, self.passed, self.failed, time.monotonic() - self.t0))
        sys.exit(1 if self.failed else 0)

    def main(self, body):
        """Run body(self); a BoardError is one failed check, then done()."""
        try:
            body(self)
        except BoardError as e:
            self.check(False, "board run", str(e))
        self.done()


# -- guest-side helpers shared by the hypervisor tests ----------------------
def insmod_all(t, b):
    for ko in t.state["kmod"]:
        b.run("insmod /lib/modules/libcell/" + ko, timeout=30)


def enable_root(t, b, what="cellctl enable root.cell"):
    """Load the module and enable with the root config; one check, its result."""
    insmod_all(t, b)
    rc, out = b.run_rc("cellctl enable " + ROOT_CELL, timeout=60)
    return t.check(rc == 0, what, out)


def machine(b, cells=False):
    """Online CPUs and pool usage (and the number of `cell list` lines):
    what a refused operation must not change and a destroy must restore."""
    return b.run("cat /sys/devices/system/cpu/online %s/mem_pool_used%s" %
                 (SYSFS, "; cellctl cell list | wc -l" if cells else "")).split("\n")


def ok_rc(t, b, cmd, what, timeout=60):
    """Run cmd; one check that it exited 0."""
    rc, out = b.run_rc(cmd, timeout=timeout)
    return t.check(rc == 0, what, "rc=%d: %s" % (rc, out))


def pinger(b, target="127.0.0.1", every=0.5):
    """Ping target from a background job for the whole run (its output goes
    to a file, never to the console the test reads)."""
    b.run("(while :; do ping -c 1 -W 2 %s >/dev/null && echo ok || echo lost;"
          " sleep %s; done) > /tmp/pings 2>&1 < /dev/null & echo $! > /tmp/pinger.pid"
          % (target, every))


def pinger_report(t, b, at_least, what="the root answered every ping throughout"):
    """Stop pinger(); one check: at least at_least answers, none lost."""
    out = b.run("kill $(cat /tmp/pinger.pid); sort /tmp/pings | uniq -c")
    counts = {w: int(n) for n, w in (ln.split() for ln in out.split("\n") if ln.strip())}
    t.check(counts.get("ok", 0) >= at_least and not counts.get("lost"),
            "%s (%d)" % (what, counts.get("ok", 0)), out)


# The Linux inmate prepare.py puts in the initramfs, booted in linux-inmate.
LINUX_INMATE = "/etc/libcell/linux-inmate.cell"
LINUX_DIR = "/usr/share/libcell/linux"
LINUX_CMDLINE = "earlycon=pl011,mmio32,0x9000000 keep_bootcon cma=0 rdinit=/init nokaslr"


def linux_cmd(extra="", image=LINUX_DIR + "/Image", dtb=LINUX_DIR + "/linux-inmate.dtb",
              initrd=LINUX_DIR + "/initrd.cpio.gz"):
    """The `cellctl cell linux` command line that boots it."""
    return "cellctl cell linux %s %s -d %s -i %s -c '%s' %s" % (LINUX_INMATE, image, dtb, initrd,
                                                                LINUX_CMDLINE, extra)


def sysfs_int(b, path):
    return int(b.run("cat " + path).strip())


def cell_stats(b, cell, cpu):
    """`cellctl cell stats CELL --cpu CPU` as {counter: value}."""
    return {k: int(v) for k, v in (ln.split() for ln in
            b.run("cellctl cell stats %s --cpu %d" % (cell, cpu)).split("\n")
            if len(ln.split()) == 2 and ln.split()[1].isdigit())}


def linux_healthy(t, b, what):
    """Linux still answers, all 4 CPUs online, no oops/BUG in dmesg."""
    out = b.run("cat /sys/devices/system/cpu/online; ping -c 1 -W 2 127.0.0.1 >/dev/null && echo PING-OK;"
                " dmesg | grep -cE 'Oops|BUG:|Internal error|WARNING:|Unable to handle' || true",
                timeout=30)
    lines = out.split("\n")
    t.check(lines[0] == "0-3" and "PING-OK" in lines and lines[-1] == "0",
            "Linux unharmed after " + what, out)


def hub_pair(b):
    """virtio NIC (root ns, 192.0.2.1) and e1000e (netns, 192.0.2.2) on hub 0.

    Frames between them cross QEMU's internal hub, so both NICs take RX
    interrupts. Returns the ping command that reaches the peer.
    """
    b.run("insmod /lib/modules/$(uname -r)/kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko")
    names = b.run("for n in /sys/class/net/eth*; do echo ${n##*/} $(basename $(readlink $n/device/driver)); done")
    v = re.search(r"^(eth\d) virtio_net$", names, re.M)
    e = re.search(r"^(eth\d) e1000e$", names, re.M)
    if not (v and e):
        raise BoardError("NICs missing:\n" + names)
    b.run("unshare -n sleep 100000 >/dev/null 2>&1 & echo $! > /tmp/ns.pid; sleep 0.3")
    b.run("NS=$(cat /tmp/ns.pid); ip link set %s netns $NS &&"
          " nsenter -t $NS -n ip addr add 192.0.2.2/24 dev %s &&"
          " nsenter -t $NS -n ip link set %s up" % (e[1], e[1], e[1]))
    b.run("ip addr add 192.0.2.1/24 dev %s && ip link set %s up" % (v[1], v[1]))
    # e1000e link-up takes a few seconds: retry until the first answer.
    b.run("for i in $(seq 20); do ping -c 1 -W 1 192.0.2.2 >/dev/null && exit 0; sleep 0.5; done; exit 1",
          timeout=60)
    return "ping -c %d -A -W 2 192.0.2.2"


def irq_counts(b):
    """/proc/interrupts as {name: total over all CPUs} (name = last column)."""
    res = {}
    for line in b.run("cat /proc/interrupts").split("\n")[1:]:
        f = line.split()
        if not f or not f[0].endswith(":"):
            continue
        nums = [int(x) for x in f[1:5] if x.isdigit()]
        res[f[-1] if len(f) > 5 else f[0]] = sum(nums)
    return res
