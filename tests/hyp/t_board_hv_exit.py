#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""How the hypervisor leaves and comes back, on the QEMU board (label board):

- the stub page: enable, disable, rmmod, insmod, enable again -- the second
  module instance finds the stub-compatible vectors the hypervisor left in
  its reserved memory (the kernel's own stub address is not known);
- rmmod is refused while the hypervisor runs;
- disable is refused (EBUSY) while CPU 3 is offline, i.e. parked in the
  hypervisor, and works once it is back;
- read() on /dev/jailhouse streams the hypervisor console.

usage: t_board_hv_exit.py STATE_JSON   (uses tests/board's harness)
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "board"))
from harness import Test, ROOT_CELL, SYSFS, enable_root, insmod_all, linux_healthy  # noqa: E402

t = Test("hv_exit")
t.need_hv_stack()


def enabled(b):
    return b.run("cat %s/enabled" % SYSFS)


def body(t):
    with t.board() as b:
        if not enable_root(t, b, "first enable"):
            return
        rc, out = b.run_rc("rmmod jailhouse")
        t.check(rc != 0 and enabled(b) == "1", "rmmod refused while enabled", out)

        con = b.run("timeout 3 cat /dev/jailhouse; true", timeout=30)
        t.check_re(r"CPU 3 .*EL2", con, "read() on /dev/jailhouse streams the console")

        rc, out = b.run_rc("echo 0 > /sys/devices/system/cpu/cpu3/online", timeout=60)
        t.check(rc == 0, "CPU 3 offline (parked by PSCI CPU_OFF)", out)
        rc, out = b.run_rc("cellctl disable", timeout=60)
        t.check(rc != 0 and enabled(b) == "1", "disable refused while CPU 3 is parked", out)
        t.check_re(r"CPU 3 is offline", b.run("dmesg | tail -5"), "dmesg names the parked CPU")
        rc, out = b.run_rc("echo 1 > /sys/devices/system/cpu/cpu3/online", timeout=60)
        t.check(rc == 0, "CPU 3 back online (PSCI CPU_ON)", out)

        rc, out = b.run_rc("cellctl disable", timeout=60)
        t.check(rc == 0 and enabled(b) == "0", "disable", out)
        rc, out = b.run_rc("rmmod jailhouse && test ! -e /dev/jailhouse", timeout=30)
        t.check(rc == 0, "rmmod after disable", out)
        insmod_all(t, b)
        rc, out = b.run_rc("cellctl enable " + ROOT_CELL, timeout=60)
        t.check(rc == 0 and enabled(b) == "1",
                "re-enable from a fresh module instance (stub page found)", out)
        linux_healthy(t, b, "re-enable after module reload")
        rc, out = b.run_rc("cellctl disable", timeout=60)
        t.check(rc == 0, "final disable", out)
        linux_healthy(t, b, "final disable")


t.main(body)
