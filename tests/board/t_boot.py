#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Stock kernel only: boot, console driver, cellctl on arm64, EL2, memory
reservation, both NICs, ping across QEMU's internal hub."""

import re
import subprocess

from harness import Test, BoardError
from board import RESERVED_BASE, RESERVED_SIZE

t = Test("boot")


def body(t):
    native = t.state.get("native_build")
    with t.board() as b:
        print("booted to /init in %.2f s" % b.boot_seconds)
        t.check(b.boot_seconds < 60, "boot to /init within 60 s (%.1f s)" % b.boot_seconds)

        # console driver: output, exit status, stderr, quoting, syntax errors
        t.check(b.run_rc("echo hello") == (0, "hello"), "run: output")
        t.check(b.run_rc("echo err >&2; exit 5") == (5, "err"), "run: stderr merged, exit status")
        t.check(b.run_rc("printf %s \"it's\"")[1] == "it's", "run: quoting, no trailing newline")
        rc, _ = b.run_rc("if then")
        t.check(rc == 2, "run: a syntax error fails only that command")
        try:
            b.run("sleep 3", timeout=1)
            t.check(False, "run: timeout raises BoardError")
        except BoardError as e:
            t.check("last console lines" in str(e), "run: timeout raises BoardError with console tail")
        t.check(b.run("echo after", timeout=10) == "after", "run: console usable after a timeout")

        # cellctl cross-built for arm64 runs there, same version as native
        out = b.run("cellctl --version")
        t.check_re(r"^cellctl \d+\.\d+\.\d+", out, "cellctl --version runs on arm64")
        if native:
            host = subprocess.run(["%s/tools/cellctl/cellctl" % native, "--version"],
                                  stdout=subprocess.PIPE, text=True).stdout.strip()
            t.check(out == host, "arm64 and native cellctl agree on the version",
                    "%r vs %r" % (out, host))
        t.check_re(r"aarch64", b.run("uname -m"), "guest is aarch64")

        # EL2 available: the kernel booted at EL2 (hyp-stub installed, KVM off)
        dm = b.run("dmesg")
        t.check_re(r"CPU: All CPU\(s\) started at EL2", dm, "all CPUs started at EL2")
        t.check_re(r"KVM disabled from command line", dm, "KVM does not own EL2")
        t.check(b.run("cat /sys/devices/system/cpu/online") == "0-3", "CPUs 0-3 online")

        # memory reservation: no System RAM in 0x70000000-0x7fffffff
        ram = [tuple(int(x, 16) for x in l.split(" : ")[0].split("-"))
               for l in b.run("grep 'System RAM' /proc/iomem").split("\n")]
        lo, hi = RESERVED_BASE, RESERVED_BASE + RESERVED_SIZE - 1
        t.check(ram and all(e < lo or s > hi for s, e in ram),
                "Linux RAM avoids 0x%x-0x%x" % (lo, hi), repr(ram))

        # NICs: virtio-mmio for the root, e1000e on PCIe (ITS MSI-X) for the inmate
        drv = b.run("for n in /sys/class/net/eth*; do echo ${n##*/} $(basename $(readlink $n/device/driver)); done")
        t.check_re(r"^(eth\d) virtio_net$", drv, "virtio-mmio NIC bound to virtio_net")
        pci = b.run("cat /sys/bus/pci/devices/*/vendor /sys/bus/pci/devices/*/device | tr '\\n' ' '")
        t.check("0x8086" in pci and "0x10d3" in pci, "e1000e (8086:10d3) on the PCIe bus", pci)
        b.run("insmod /lib/modules/$(uname -r)/kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko")
        drv = b.run("for n in /sys/class/net/eth*; do echo ${n##*/} $(basename $(readlink $n/device/driver)); done")
        v = re.search(r"^(eth\d) virtio_net$", drv, re.M)
        e = re.search(r"^(eth\d) e1000e$", drv, re.M)
        if not t.check(v and e, "both NICs have netdevs", drv):
            return
        # e1000e into its own netns: the ping must cross QEMU's hub 0
        b.run("unshare -n sleep 100000 >/dev/null 2>&1 & echo $! > /tmp/ns.pid; sleep 0.3")
        b.run("NS=$(cat /tmp/ns.pid); ip link set %s netns $NS &&"
              " nsenter -t $NS -n ip addr add 192.0.2.2/24 dev %s &&"
              " nsenter -t $NS -n ip link set %s up" % (e[1], e[1], e[1]))
        b.run("ip addr add 192.0.2.1/24 dev %s && ip link set %s up" % (v[1], v[1]))
        irq0 = b.run("grep -E 'virtio' /proc/interrupts")
        out = b.run("for i in 1 2 3 4 5 6 7 8 9 10; do ping -c 3 -W 1 192.0.2.2 && break; sleep 0.5; done",
                    timeout=60)
        t.check_re(r"3 packets transmitted, 3 packets received", out,
                   "ping virtio (root ns) -> e1000e (netns) across the hub")
        irq1 = b.run("grep -E 'virtio' /proc/interrupts")
        t.check(irq0 != irq1, "virtio NIC interrupts counted", irq0 + "\n" + irq1)
        t.check_re(r"ITS-MSI.*eth", b.run("nsenter -t $(cat /tmp/ns.pid) -n true; cat /proc/interrupts"),
                   "e1000e interrupts through the ITS (MSI-X)")


t.main(body)
