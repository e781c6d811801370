#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A running Linux inmate (Debian's kernel in linux-inmate.cell, CPUs 2-3,
booted with `cellctl cell linux`) is taken back at any point of its life.

1. Destroy mid-boot: right after its kernel's first line (one CPU in the
   cell runs, the other is parked), and right after it brought its second
   CPU up with PSCI CPU_ON (both run kernel code), about 1.8 s of inmate
   time before its /init.
2. Destroy after /init reported both CPUs online.
3. The soak: 10 boot-to-/init + destroy cycles in the same boot.
After every destroy: CPUs 0-3 online in the root, the page pool at its
baseline, no cell listed. The root answers pings across its hub NIC (an
interrupt-driven path) throughout, and its dmesg stays clean. The figures
(cycles, seconds per cycle) are printed.
"""

import re

from harness import Test, enable_root, hub_pair, linux_cmd, machine, pinger, pinger_report

BAD = r"Kernel panic|Internal error|Unable to handle|unhandled .*parking|CPU parked, cell failed"
SOAK_CYCLES = 10

t = Test("hv_linux_lifecycle")
t.need_hv_stack()
t.need_linux_inmate()


def start_linux(b):
    """Boot the inmate from a background job (its early console shares
    the UART with the shell); returns the console mark."""
    mark = len(b.console)
    b.run("(sleep 0.3; %s; echo rc=$?) > /tmp/linux.out 2>&1 < /dev/null &" % linux_cmd())
    return mark


def destroy_typed(b, mark):
    """Destroy while the inmate may still print: typed, its end awaited on
    the console (the echo of the typed line cannot match: quotes split it)."""
    b.type_line("cellctl cell destroy linux-inmate > /tmp/destroy.out 2>&1;"
                " echo DESTROY-RC\"\"=$?")
    m = b.wait_for(r"DESTROY-RC=(\d+)", 60, start=mark, what="the end of cell destroy")
    return int(m.group(1))


def back(t, b, base, what):
    now = machine(b, cells=True)
    return t.check(now == base, "  ... %s: CPUs 0-3 online, pool at baseline, no cell" % what,
                   "before %s, after %s" % (base, now))


def mid_boot(t, b, base):
    for point, pattern in (("its first kernel line", r"Booting Linux on physical CPU 0x0+2 "),
                           ("both CPUs up", r"smp: Brought up 1 node, 2 CPUs")):
        mark = start_linux(b)
        m = b.wait_for(pattern + "|LIBCELL-INMATE|" + BAD, 240, start=mark,
                       what="the inmate at " + point)
        if not t.check(re.search(pattern, m.group(0)), "the inmate reached " + point,
                       "\n".join(b.console[mark:][-20:])):
            return
        rc = destroy_typed(b, mark)
        t.check(rc == 0, "cell destroy at " + point, b.run("cat /tmp/destroy.out"))
        # its kernel stops: no line of /init ever comes
        b.run("sleep 2")
        t.check(not any("LIBCELL-INMATE" in ln for ln in b.console[mark:]),
                "  ... the inmate stopped there (it never reached /init)")
        back(t, b, base, "after a destroy at " + point)


def boot_to_init(t, b, what):
    mark = start_linux(b)
    m = b.wait_for(r"LIBCELL-INMATE: done|" + BAD, 240, start=mark, what=what)
    return t.check(m.group(0).endswith("LIBCELL-INMATE: done") and
                   any("LIBCELL-INMATE: init reached, CPUs online 0-1" in ln
                       for ln in b.console[mark:]),
                   what + ": the inmate reached /init with both CPUs",
                   "\n".join(b.console[mark:][-20:]))


def after_init(t, b, base):
    if not boot_to_init(t, b, "boot"):
        return
    rc, out = b.run_rc("cellctl cell destroy linux-inmate", timeout=60)
    t.check(rc == 0, "cell destroy of the Linux inmate after /init", out)
    back(t, b, base, "after it")


def soak(t, b, base):
    t0 = float(b.run("cut -d' ' -f1 /proc/uptime"))
    done = 0
    for i in range(SOAK_CYCLES):
        if not boot_to_init(t, b, "soak cycle %d" % i):
            break
        rc, out = b.run_rc("cellctl cell destroy linux-inmate", timeout=60)
        if not t.check(rc == 0, "  ... cell destroy", out) or not back(t, b, base, "cycle %d" % i):
            break
        done += 1
    secs = float(b.run("cut -d' ' -f1 /proc/uptime")) - t0
    t.check(done == SOAK_CYCLES, "soak: %d boot-to-/init + destroy cycles of the Linux inmate"
            % SOAK_CYCLES)
    print("figures: Linux soak %d cycles in %.1f s, %.1f s per cycle" %
          (done, secs, secs / done if done else 0), flush=True)


def body(t):
    with t.board() as b:
        hub_pair(b)
        if not enable_root(t, b):
            return
        pinger(b, "192.0.2.2", 0.3)     # across QEMU's hub
        base = machine(b, cells=True)
        mid_boot(t, b, base)
        after_init(t, b, base)
        soak(t, b, base)
        pinger_report(t, b, 20, "the root answered every ping across the hub throughout")
        out = b.run("dmesg | grep -cE 'Oops|BUG:|Internal error|WARNING:|Unable to handle' || true")
        t.check(out == "0", "the root's dmesg is clean", out)


t.main(body)
