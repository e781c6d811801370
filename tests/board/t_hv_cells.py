#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Cell management through the running hypervisor: cellctl cell
create/load/start/shutdown/destroy with the qemu-virt Linux inmate config.

Until the module implements the cell ioctls they must fail cleanly with
ENOSYS (cellctl: "Function not implemented"), leaving the root cell and
Linux as they were. Once they work: the new cell is listed with CPUs 2-3,
Linux gives those CPUs up, and destroy hands them back.
"""

import re

from harness import Test, ROOT_CELL, SYSFS, insmod_all, linux_healthy

INMATE = "/etc/libcell/linux-inmate.cell"
t = Test("hv_cells")
t.need_hv_stack()
t.need_config("linux-inmate")

ENOSYS = "Function not implemented"


def step(t, b, cmd, what):
    """Run a cellctl cell command; True if it worked, None if ENOSYS."""
    rc, out = b.run_rc(cmd, timeout=60)
    if rc == 0:
        t.check(True, what)
        return True
    t.check(rc == 1 and ENOSYS in out and out.startswith("cellctl: "),
            "%s: not implemented yet, refused cleanly" % what, "rc=%d: %s" % (rc, out))
    return None


def body(t):
    with t.board() as b:
        insmod_all(t, b)
        rc, out = b.run_rc("cellctl enable " + ROOT_CELL, timeout=60)
        if not t.check(rc == 0, "cellctl enable root.cell", out):
            return
        before = b.run("cellctl cell list")
        created = step(t, b, "cellctl cell create " + INMATE, "cell create linux-inmate")
        if created:
            lst = b.run("cellctl cell list")
            t.check_re(r"^\s*[1-9]\d*\s+linux-inmate\s+(shut down|running)\s+2-3\s*$", lst,
                       "new cell listed with CPUs 2-3")
            t.check_re(r"^\s*0\s+\S+\s+running\s+0-1\s*$", lst, "root cell keeps CPUs 0-1")
            t.check(b.run("cat /sys/devices/system/cpu/online") == "0-1", "Linux gave up CPUs 2-3")
        else:
            t.check(b.run("cellctl cell list") == before, "cell list unchanged after refusal")
        # Any bytes do for a load into the inmate's RAM at 0x70000000.
        step(t, b, "cellctl cell load linux-inmate %s@0x70000000" % INMATE, "cell load")
        step(t, b, "cellctl cell start linux-inmate", "cell start")
        step(t, b, "cellctl cell shutdown linux-inmate", "cell shutdown")
        if step(t, b, "cellctl cell destroy linux-inmate", "cell destroy") and created:
            t.check(re.search(r"linux-inmate", b.run("cellctl cell list")) is None,
                    "cell gone after destroy")
            t.check(b.run("cat /sys/devices/system/cpu/online") == "0-3",
                    "destroy gave CPUs 2-3 back to Linux")
        t.check(b.run("cat %s/enabled" % SYSFS) == "1", "hypervisor still enabled")
        linux_healthy(t, b, "cell commands")
        rc, out = b.run_rc("cellctl disable", timeout=60)
        t.check(rc == 0, "cellctl disable", out)


t.main(body)
