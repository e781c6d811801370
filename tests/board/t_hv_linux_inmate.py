#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Debian's stock kernel boots as the inmate of linux-inmate.cell
(`cellctl cell linux`, CPUs 2-3, 128 MiB at 0x70000000) and reaches /init.

1. Refusals before anything is created, each with its own message, the
   machine unchanged (CPUs online, page pool, no cell): a device tree
   whose CPUs are not the cell's, a kernel too large for the cell's RAM
   (an Image header claiming 256 MiB), a file that is not an Image (the
   gzip'ed kernel), an initrd that does not fit. A dry run (-w) prints the
   layout and loads nothing.
2. The boot: the inmate's kernel log appears on the shared PL011 (its early
   console); its /init (tests/board/inmate-init) reports both CPUs online,
   then arch_timer and IPI counts that grew on both CPUs. The cell is
   listed running on CPUs 2-3, its statistics count the PSCI call that
   brought CPU 3 up and the virtual interrupts of both CPUs; the root keeps its console (commands run)
   and answered pings across its hub NIC through the whole boot; its
   dmesg stays clean.
"""

import re

from harness import (Test, cell_stats, enable_root, hub_pair, linux_cmd, LINUX_DIR as LINUX,
                     machine as machine_of, pinger, pinger_report)

FAIL_FAST = (r"unhandled .*parking|CPU parked, cell failed|Kernel panic|Internal error|Unable to handle|"
             r"LIBCELL-INMATE: done")

t = Test("hv_linux_inmate")
t.need_hv_stack()
t.need_linux_inmate()


def machine(b):
    return machine_of(b, cells=True)


def refusals(t, b):
    before = machine(b)
    cases = (
        # CPUs 1-2 in the tree, 2-3 in the cell
        ("true", linux_cmd(dtb=LINUX + "/linux-inmate-cpus-1-3.dtb"),
         "/cpus/cpu@2 (MPIDR 0x1) is not a CPU of cell",
         "a device tree for other CPUs"),
        # image_size (offset 16) 256 MiB: more than the cell's 128 MiB
        ("printf '\\000\\000\\000\\020' | dd of=/tmp/big.img bs=1 seek=16 conv=notrunc 2>/dev/null",
         linux_cmd(image="/tmp/big.img"), "the kernel needs 0x10000000 bytes",
         "a kernel too large for the cell's RAM"),
        ("head -c 1048576 %s/Image | gzip -1 > /tmp/Image.gz" % LINUX,
         linux_cmd(image="/tmp/Image.gz"), "not an arm64 Image but gzip data",
         "a compressed kernel"),
        ("dd if=/dev/zero of=/tmp/huge.cpio bs=1048576 seek=95 count=1 2>/dev/null",
         linux_cmd(initrd="/tmp/huge.cpio"), "the initrd (0x6000000 bytes) does not fit",
         "an initrd that does not fit beside the kernel"),
    )
    b.run("cp %s/Image /tmp/big.img" % LINUX, timeout=60)
    for prep, cmd, text, what in cases:
        b.run(prep, timeout=120)
        rc, out = b.run_rc(cmd, timeout=120)
        t.check(rc == 1 and text in out, "cell linux refuses " + what, "rc=%d: %s" % (rc, out))
    b.run("rm -f /tmp/big.img /tmp/Image.gz /tmp/huge.cpio")
    rc, out = b.run_rc(linux_cmd("-w /tmp/layout.json"), timeout=120)
    lay = b.run("cat /tmp/layout.json")
    t.check(rc == 0 and '"address": "0x70200000"' in lay and "kernel 0x70200000" in out,
            "dry run: kernel at 0x70200000, layout written, nothing loaded", out + "\n" + lay)
    after = machine(b)
    t.check(after == before, "  ... CPUs, pool and cell list unchanged",
            "before %s, after %s" % (before, after))


def boot(t, b):
    pinger(b, "192.0.2.2", 0.3)     # across QEMU's hub
    mark = len(b.console)
    # From a background job: the inmate's log shares the UART with the shell.
    b.run("(sleep 0.3; %s; echo rc=$?) > /tmp/linux.out 2>&1 &" % linux_cmd())
    m = b.wait_for(r"LIBCELL-INMATE: init reached, CPUs online (\S+)|" + FAIL_FAST, 240,
                   start=mark, what="the inmate's /init")
    if not t.check(m.group(1) is not None, "the inmate kernel reached /init",
                   "\n".join(b.console[-30:])):
        return
    t.check(m.group(1) == "0-1", "  ... with both CPUs online", m.group(1))
    b.wait_for(r"LIBCELL-INMATE: done|Kernel panic|unhandled .*parking|CPU parked, cell failed", 120, start=mark,
               what="the inmate's interrupt report")
    log = b.console[mark:]
    t.check(any(re.search(r"Booting Linux on physical CPU 0x0+2 ", ln) for ln in log),
            "the inmate's kernel log is on the shared UART (boot CPU MPIDR 2)")
    irqs = {}
    for ln in log:
        r = re.search(r"LIBCELL-INMATE: irq (\S+) (\d+) (\d+)", ln)
        if r:
            irqs[r.group(1)] = (int(r.group(2)), int(r.group(3)))
    t.check(irqs.get("arch_timer", (0, 0))[0] > 0 and irqs["arch_timer"][1] > 0,
            "timer interrupts on both inmate CPUs", str(irqs))
    t.check(irqs.get("IPI0:", (0, 0))[0] > 0 and irqs["IPI0:"][1] > 0,
            "IPIs (rescheduling) on both inmate CPUs", str(irqs))
    out = b.run("cat /tmp/linux.out")
    t.check("rc=0" in out and "kernel 0x70200000" in out, "cellctl cell linux succeeded", out)
    t.check_re(r"^\s*[1-9]\d*\s+linux-inmate\s+running\s+2-3\s*$", b.run("cellctl cell list"),
               "the cell is listed running on CPUs 2-3")
    # CPU 2 brought CPU 3 up with PSCI CPU_ON; both took virtual interrupts
    st = {cpu: cell_stats(b, "linux-inmate", cpu) for cpu in (2, 3)}
    t.check(st[2].get("vmexits_psci", 0) >= 1 and
            all(st[c].get("vmexits_virt_irq", 0) >= 100 for c in (2, 3)),
            "cell stats: PSCI calls on CPU 2, >= 100 virtual interrupts on CPUs 2 and 3",
            str(st))
    # the root's console still works: a command's output comes back intact
    t.check(b.run("echo root-console; cat /sys/devices/system/cpu/online") ==
            "root-console\n0-1", "the root's console answers; Linux holds CPUs 0-1")
    pinger_report(t, b, 5, "the root answered every ping across the hub during the inmate's boot")
    out = b.run("dmesg | grep -cE 'Oops|BUG:|Internal error|WARNING:|Unable to handle' || true")
    t.check(out == "0", "the root's dmesg is clean", out)


def body(t):
    with t.board() as b:
        hub_pair(b)
        if not enable_root(t, b):
            return
        refusals(t, b)
        boot(t, b)


t.main(body)
