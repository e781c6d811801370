#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""insmod + cellctl enable root.cell: every CPU enters EL2, sysfs shows the
hypervisor enabled with its pools, cellctl lists the root cell running on
CPUs 0-3; cellctl disable hands Linux back intact. On this board's ITS:
no warning for root.cell, which maps it; a warning from the checker
(--dtb) and the module for a root config that does not.

Contract with the hypervisor: its console (`cellctl console`) has, for each
CPU n, a line matching /\\bCPU ?n\\b.*\\bEL2\\b/ once enabled, and every CPU
counts VM exits (sysfs statistics/cpu<n>/vmexits_total > 0).
"""

import re
import time

from harness import Test, ROOT_CELL, SYSFS, insmod_all, sysfs_int, linux_healthy

UPSTREAM = "/etc/libcell/root-upstream.cell"
t = Test("hv_enable")
t.need_hv_stack()


def body(t):
    with t.board() as b:
        insmod_all(t, b)
        t.check(b.run_rc("test -c /dev/jailhouse")[0] == 0, "insmod creates /dev/jailhouse")
        t.check(b.run("cat %s/enabled" % SYSFS) == "0", "sysfs enabled=0 before enable")
        rc, out = b.run_rc("cellctl enable " + ROOT_CELL, timeout=60)
        if not t.check(rc == 0 and "warning" not in out, "cellctl enable root.cell", out):
            return
        time.sleep(1)   # let every CPU take a few timer exits
        t.check(b.run("cat %s/enabled" % SYSFS) == "1", "sysfs enabled=1")
        size = sysfs_int(b, SYSFS + "/mem_pool_size")
        used = sysfs_int(b, SYSFS + "/mem_pool_used")
        t.check(0 < used <= size, "memory pool: %d of %d pages used" % (used, size))
        rsize = sysfs_int(b, SYSFS + "/remap_pool_size")
        rused = sysfs_int(b, SYSFS + "/remap_pool_used")
        t.check(0 < rsize and 0 <= rused <= rsize, "remap pool: %d of %d pages used" % (rused, rsize))

        con = b.run("cellctl console", timeout=30)
        for n in range(4):
            t.check_re(r"\bCPU ?%d\b.*\bEL2\b" % n, con, "hypervisor console: CPU %d at EL2" % n)
            ex = sysfs_int(b, "%s/cells/0/statistics/cpu%d/vmexits_total" % (SYSFS, n))
            t.check(ex > 0, "CPU %d takes VM exits (%d)" % (n, ex))

        lst = b.run("cellctl cell list")
        t.check_re(r"^\s*0\s+\S+\s+running\s+0-3\s*$", lst, "cellctl cell list: root running on CPUs 0-3")
        t.check(b.run("cat %s/cells/0/state" % SYSFS) == "running", "sysfs cells/0/state running")
        t.check(b.run("cat %s/cells/0/cpus_assigned_list" % SYSFS) == "0-3", "sysfs root CPUs 0-3")
        t.check(b.run("cat %s/cells/0/cpus_failed_list" % SYSFS) == "", "no failed CPUs")
        linux_healthy(t, b, "enable")

        rc, out = b.run_rc("cellctl disable", timeout=60)
        t.check(rc == 0, "cellctl disable", out)
        t.check(b.run("cat %s/enabled" % SYSFS) == "0", "sysfs enabled=0 after disable")
        t.check(b.run_rc("ls %s/cells/0" % SYSFS)[0] != 0, "root cell gone from sysfs after disable")
        linux_healthy(t, b, "disable")
        t.check(not re.search(r"Oops|BUG:|Internal error", b.run("dmesg")), "dmesg free of oopses")
        its_warning(t, b)


def its_warning(t, b):
    """This board's Linux drives an ITS: a root config that maps it gets no
    warning; upstream's shape (no ITS region, for an its=off board) gets
    one from the checker with --dtb, and from cellctl and the module at
    enable."""
    t.check(b.run("dmesg | grep -c 'enable: Linux uses the GICv3 ITS' || true") == "0",
            "enable with root.cell (maps the ITS): no ITS warning")
    rc, out = b.run_rc("cellctl config check --dtb /sys/firmware/fdt " + ROOT_CELL, timeout=60)
    t.check(rc == 0 and "ITS_NOT_MAPPED" not in out, "config check --dtb root.cell: no ITS"
            " warning", "rc=%d: %s" % (rc, out))
    if "root-upstream" not in t.state.get("configs", []):
        return
    rc, out = b.run_rc("cellctl config check --dtb /sys/firmware/fdt " + UPSTREAM, timeout=60)
    t.check(rc == 0 and re.search(r"^warning ITS_NOT_MAPPED .*its@8080000 \[0x8080000-0x809ffff\]"
                                  r", but no root region maps it", out, re.M),
            "config check --dtb of a root config without the ITS: ITS_NOT_MAPPED warning",
            "rc=%d: %s" % (rc, out))
    rc, out = b.run_rc("cellctl enable " + UPSTREAM, timeout=60)
    t.check(rc == 0, "enable with that root config (warned, not refused)", out)
    t.check(re.search(r"^cellctl: warning: .*its@8080000 \[0x8080000-0x809ffff\], but no root "
                      r"region maps it", out, re.M), "  ... cellctl warns before it enables", out)
    t.check_re(r"enable: Linux uses the GICv3 ITS /intc@8000000/its@8080000 at \[mem "
               r"0x08080000-0x0809ffff\], which no root_cell memory region maps",
               b.run("dmesg | grep 'enable: Linux uses the GICv3 ITS' || true"),
               "  ... the module warns at enable")
    rc, out = b.run_rc("cellctl disable", timeout=60)
    t.check(rc == 0, "  ... and disables cleanly (no ITS command in between)", out)


t.main(body)
