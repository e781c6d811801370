#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""cellctl disable + enable, 20 cycles in a row: no crash, no leak (the
pool figures after every enable equal those after the first)."""

from harness import Test, ROOT_CELL, SYSFS, enable_root, linux_healthy

CYCLES = 20
t = Test("hv_cycles")
t.need_hv_stack()


def pools(b):
    return b.run("cat %s/mem_pool_used %s/remap_pool_used" % (SYSFS, SYSFS)).split()


def body(t):
    with t.board() as b:
        if not enable_root(t, b, "first enable"):
            return
        ref = pools(b)
        bad = []
        for i in range(CYCLES):
            rc, out = b.run_rc("cellctl disable && cat %s/enabled && cellctl enable %s && cat %s/enabled"
                               % (SYSFS, ROOT_CELL, SYSFS), timeout=60)
            if rc != 0 or out.split()[-2:] != ["0", "1"]:
                bad.append("cycle %d: rc=%d %s" % (i + 1, rc, out))
                break
            p = pools(b)
            if p != ref:
                bad.append("cycle %d: pools %s, first enable %s" % (i + 1, p, ref))
        t.check(not bad, "%d disable/enable cycles, pool usage stays at %s" % (CYCLES, ref),
                "\n".join(bad))
        t.check(b.run("cat %s/cells/0/cpus_assigned_list" % SYSFS) == "0-3", "root cell on CPUs 0-3")
        linux_healthy(t, b, "%d cycles" % CYCLES)
        rc, out = b.run_rc("cellctl disable", timeout=60)
        t.check(rc == 0, "final disable", out)
        linux_healthy(t, b, "final disable")


t.main(body)
