#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Proof on real software: boot the QEMU virt board with the HOST tree that
`cellctl dt handoff` left after moving /pcie@10000000 and its ITS to the
Jailhouse inmate tree. Linux must come up without PCIe and without an ITS,
everything else intact.

Then the INMATE tree. Without a hypervisor it boots bare on the same board,
adapted only where a Jailhouse cell differs from the bare machine: its CPUs
2-3 become 0-1 (Linux needs its boot CPU in the tree) and the virtual PCI
host is removed (on bare QEMU its window overlaps the physical one; the
handoff reports that overlap). The grafted host bridge must probe, the PCI
MSI domain must sit on the grafted ITS, and the e1000e must take MSI-X
interrupts through it.

usage: board_handoff.py STATE_JSON SOURCE_DIR FIXTURES_DIR
Uses the board harness of tests/board (read-only) and its prepared state.
"""

import os
import re
import shutil
import subprocess
import sys

SRC = sys.argv[2] if len(sys.argv) > 2 else ""
FIXTURES = sys.argv[3] if len(sys.argv) > 3 else ""
sys.path.insert(0, os.path.join(SRC, "tests", "board"))
try:
    from harness import Test, linux_healthy, skip  # noqa: E402
    from board import RAM_SIZE_MB, load_env  # noqa: E402
except ImportError:
    print("SKIP: tests/board harness not present")
    sys.exit(77)

sys.argv = sys.argv[:2]
t = Test("dt_handoff")


def prepare(t):
    """Dump this machine's DTB, hand its PCIe host off; returns host.dtb."""
    for tool in ("dtc",):
        if not shutil.which(tool):
            skip("%s not installed" % tool)
    qemu = load_env().get("QEMU", "qemu-system-aarch64")
    work = os.path.join(t.state["workdir"], "handoff")
    os.makedirs(work, exist_ok=True)
    raw, dtb = os.path.join(work, "virt.raw.dtb"), os.path.join(work, "virt.dtb")
    # Same machine as the board runs (tests/board/board.py), dumped.
    subprocess.run([qemu, "-machine", "virt,virtualization=on,gic-version=3,its=on,dumpdtb=" + raw,
                    "-cpu", "cortex-a57", "-smp", "4", "-m", "%dM" % RAM_SIZE_MB,
                    "-nographic", "-nodefaults"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dtb", "-o", dtb, raw], check=True)
    cellctl = os.path.join(t.state["native_build"], "tools", "cellctl", "cellctl")
    host, inmate = os.path.join(work, "host.dtb"), os.path.join(work, "inmate.dtb")
    p = subprocess.run([cellctl, "dt", "handoff", "--host", dtb, "--inmate",
                        os.path.join(FIXTURES, "dt", "dtb", "jailhouse-inmate-qemu-arm64.dtb"),
                        "--pcie", "/pcie@10000000", "--host-out", host, "--inmate-out", inmate],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    t.check(p.returncode == 0, "cellctl dt handoff of /pcie@10000000", p.stdout)
    t.check("moved-node: /intc@8000000/its@8080000" in p.stdout, "the ITS moved too", p.stdout)
    return (host, inmate) if p.returncode == 0 else (None, None)


def bare_inmate(t, inmate):
    """The inmate tree adapted for a bare boot (see the module doc)."""
    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", inmate], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    dts, n = re.subn(r"\n\tpci@7000000 \{.*?\n\t\};\n", "\n", dts, flags=re.S)
    t.check(n == 1, "inmate tree keeps Jailhouse's virtual PCI host next to the grafted one")
    for old, new in ((2, 0), (3, 1)):
        dts = dts.replace("cpu@%d {" % old, "cpu@%d {" % new)
        dts = dts.replace("reg = <0x00 0x%02x>;" % old, "reg = <0x00 0x%02x>;" % new)
    out = inmate.replace(".dtb", "-bare.dtb")
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", out, "-"], check=True,
                   input=dts, text=True)
    return out


def body(t):
    host, inmate = prepare(t)
    if not host:
        return
    with t.board(qemu_extra=["-dtb", host]) as b:
        dm = b.run("dmesg", timeout=30)
        t.check_re(r"ITS: No ITS available", dm, "GICv3 driver finds no ITS")
        t.check("pci-host-generic" not in dm and "PCI host bridge" not in dm,
                "no PCI host bridge probed", "\n".join(l for l in dm.split("\n") if "PCI" in l))
        t.check(b.run("ls /sys/bus/pci/devices 2>/dev/null | wc -l") == "0",
                "no PCI device (the e1000e is gone with its host bridge)")
        drv = b.run("for n in /sys/class/net/eth*; do echo ${n##*/} $(basename $(readlink $n/device/driver)); done")
        t.check_re(r"^eth\d virtio_net$", drv, "virtio-mmio NIC still bound")
        linux_healthy(t, b, "booting the handed-off host tree")

    with t.board(suffix="-inmate", smp=2, qemu_extra=["-dtb", bare_inmate(t, inmate)]) as b:
        dm = b.run("dmesg", timeout=30)
        t.check_re(r"PCI/MSI: /interrupt-controller@d1d00000/its@8080000 domain created", dm,
                   "PCI MSI domain on the grafted ITS")
        t.check_re(r"host bridge /pcie@10000000 ranges", dm, "grafted host bridge probed")
        t.check("0x8086" in b.run("cat /sys/bus/pci/devices/*/vendor | tr '\\n' ' '"),
                "e1000e enumerated behind the grafted host bridge")
        b.run("insmod /lib/modules/$(uname -r)/kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko")
        out = b.run("for n in /sys/class/net/eth*; do ip link set ${n##*/} up; done; sleep 1;"
                    " grep eth /proc/interrupts", timeout=30)
        t.check_re(r"ITS-MSI.*eth\d-rx-0", out, "e1000e MSI-X through the grafted ITS")


t.main(body)
