#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Upstream Jailhouse's way of running QEMU, on our module and hypervisor.

The board boots with its=off, as upstream runs its QEMU configs, and uses
configs shaped as upstream writes them (prepare.py's upstream_configs():
no ITS region in the root, an all-zero region mid-list and an all-zero
irqchip slot in the root and in the cell):

- `cellctl config check --dtb /sys/firmware/fdt` accepts the set: the
  slots are infos, and no ITS is unmapped on this board;
- a size-0 region with other fields set is still refused, by the module
  at enable and by the hypervisor at create, and says why; the refused
  create leaves the machine as it was (CPU 1 back online: no ITS to fault
  on here);
- enable, create, load, start and destroy work with the slots in place;
- a non-blocking read() of /dev/jailhouse ends with 0 at the end of the
  console, not EAGAIN (upstream's `jailhouse console` depends on it).
"""

import re

from harness import Test, SYSFS, insmod_all, linux_healthy, machine, ok_rc

ROOT = "/etc/libcell/root-upstream.cell"
CELL = "/etc/libcell/inmate-upstream.cell"
HELLO = "/usr/share/libcell/inmates/hello.bin"
FAIL_FAST = r"unhandled .*parking|CPU parked, cell failed|inmate: unexpected exception|FATAL"
SLOT = "only an all-zero region is an unused slot"

t = Test("hv_upstream")
t.need_hv_stack()
for name in ("root-upstream", "inmate-upstream", "root-zero-bad", "inmate-zero-bad"):
    t.need_config(name)
t.need_inmate("hello")


def check_set(t, b):
    rc, out = b.run_rc("cellctl config check --dtb /sys/firmware/fdt %s %s" % (ROOT, CELL),
                       timeout=60)
    t.check(rc == 0 and "0 errors, 0 warnings" in out and out.count("info UNUSED_SLOT") == 4,
            "config check --dtb: the upstream-shaped set passes, 4 unused slots are infos",
            "rc=%d: %s" % (rc, out))
    t.check("ITS_NOT_MAPPED" not in out, "  ... no ITS on an its=off board, none unmapped", out)


def enable(t, b):
    rc, out = b.run_rc("cellctl enable /etc/libcell/root-zero-bad.cell", timeout=60)
    t.check(rc == 1 and "Invalid argument" in out, "enable with a size-0 region that has flags:"
            " refused (EINVAL)", "rc=%d: %s" % (rc, out))
    t.check_re(r"config: root_cell memory region 3 \(0x0, flags 0x1\): size 0; " + SLOT,
               b.run("dmesg | grep 'root_cell memory region' || true"),
               "  ... the module says which region and why")
    t.check(b.run("cat %s/enabled" % SYSFS) == "0", "  ... and stays disabled")
    rc, out = b.run_rc("cellctl enable " + ROOT, timeout=60)
    if not t.check(rc == 0, "enable with the upstream-shaped root (all-zero region and irqchip"
                   " slot, no ITS region)", "rc=%d: %s" % (rc, out)):
        return False
    t.check(b.run("dmesg | grep -c 'enable: Linux uses the GICv3 ITS' || true") == "0",
            "  ... no ITS warning: this board has none")
    return True


def console_read(t, b):
    out = b.run_rc("hvraw console", timeout=30)[1]
    m = re.search(r"^hvraw: console (\d+) bytes, then 0$", out, re.M)
    t.check(m and int(m[1]) > 0, "non-blocking read() of the console: its bytes, then 0"
            " (not EAGAIN)", out)


def refused_create(t, b, base):
    rc, out = b.run_rc("cellctl cell create /etc/libcell/inmate-zero-bad.cell", timeout=60)
    t.check(rc == 1 and "Invalid argument" in out, "create with a size-0 region that has"
            " fields set: refused (EINVAL)", "rc=%d: %s" % (rc, out))
    t.check_re(r"cell create: region 1 \(7fa00000, flags 3\): size 0; " + SLOT,
               b.run("cellctl console", timeout=30), "  ... the hypervisor says which region"
               " and why")
    after = machine(b, cells=True)
    t.check(after == base, "  ... CPU 1 back online, pool and cell list unchanged",
            "before %s, after %s" % (base, after))


def run_cell(t, b, base):
    if not ok_rc(t, b, "cellctl cell create " + CELL, "create the upstream-shaped cell"):
        return
    t.check_re(r"^\s*[1-9]\d*\s+inmate-upstream\s+shut down\s+1\s*$", b.run("cellctl cell list"),
               "  ... listed shut down on CPU 1")
    ok_rc(t, b, "cellctl cell load inmate-upstream %s@0" % HELLO, "  ... load hello.bin@0")
    mark = len(b.console)
    b.run("(sleep 0.3; cellctl cell start inmate-upstream) > /tmp/start.out 2>&1 < /dev/null &")
    last = b.wait_for(r"hello: powering off|" + FAIL_FAST, 60, start=mark,
                      what="the inmate's last line")
    t.check(last[0] == "hello: powering off", "  ... the inmate runs to its end",
            "\n".join(b.console[mark:][-10:]))
    ok_rc(t, b, "cellctl cell destroy inmate-upstream", "  ... destroy")
    after = machine(b, cells=True)
    t.check(after == base, "  ... CPU 1 back online, pool and cell list at baseline",
            "before %s, after %s" % (base, after))


def body(t):
    with t.board(its=False, nics=False) as b:
        t.check(b.run("ls /sys/firmware/devicetree/base/intc@8000000 | grep -c its || true")
                == "0", "the board boots without an ITS (its=off)")
        insmod_all(t, b)
        check_set(t, b)
        if not enable(t, b):
            return
        console_read(t, b)
        base = machine(b, cells=True)
        refused_create(t, b, base)
        run_cell(t, b, base)
        ok_rc(t, b, "cellctl disable", "disable")
        console_read(t, b)
        linux_healthy(t, b, "the upstream-shaped run")


t.main(body)
