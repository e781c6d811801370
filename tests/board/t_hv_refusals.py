#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Refusals, each a clear error with Linux unharmed: enable twice, hypervisor
memory overlapping Linux RAM, a truncated config, a missing firmware file.

The bad configs are made in the guest from root.cell (dd): the overlap one
moves hypervisor_memory.phys_start (system config offset 12) to 0x50000000,
inside Linux RAM (0x40000000-0x6fffffff).

Expected answers (cellctl prints the errno text plus a hint): overlap ->
EBUSY (request_mem_region fails on System RAM); missing firmware -> ENOENT;
second enable -> EBUSY. cellctl refuses a truncated config itself (decoder),
so the module's own handling is checked with hvraw (tests/board/guest), which
issues ENABLE with the truncated bytes right before an unmapped page: the
module must fail cleanly (EFAULT, or EINVAL from its size checks).
"""

import re

from harness import Test, ROOT_CELL, SYSFS, insmod_all, linux_healthy

t = Test("hv_refusals")
t.need_hv_stack()

OVERLAP = "/tmp/overlap.cell"
TRUNC = "/tmp/truncated.cell"     # header complete, arrays cut off
HEADER = "/tmp/header.cell"       # header itself cut off


def refused(t, b, cmd, what, words):
    rc, out = b.run_rc(cmd, timeout=60)
    low = out.lower()
    t.check(rc == 1 and out.startswith("cellctl: ") and any(w in low for w in words),
            "%s refused with a clear error: %s" % (what, out.strip()[:160]),
            "rc=%d, wanted one of %s in: %s" % (rc, words, out))
    t.check(b.run("cat %s/enabled" % SYSFS) in ("0", "1"), "sysfs readable after " + what)


def body(t):
    with t.board() as b:
        insmod_all(t, b)
        # 0x50000000 as little-endian u64 at offset 12
        b.run("cp %s %s && printf '\\000\\000\\000\\120\\000\\000\\000\\000' |"
              " dd of=%s bs=1 seek=12 conv=notrunc 2>/dev/null" % (ROOT_CELL, OVERLAP, OVERLAP))
        t.check(b.run("od -An -tx8 -j12 -N8 %s" % OVERLAP).strip() == "0000000050000000",
                "overlap config written")
        b.run("head -c 100 %s > %s" % (ROOT_CELL, HEADER))
        b.run("head -c 600 %s > %s" % (ROOT_CELL, TRUNC))

        refused(t, b, "cellctl enable " + OVERLAP, "hypervisor memory in Linux RAM",
                ("memory in use", "overlap"))
        t.check(b.run("cat %s/enabled" % SYSFS) == "0", "still disabled after overlap refusal")
        linux_healthy(t, b, "overlap refusal")

        refused(t, b, "cellctl enable " + HEADER, "truncated header",
                ("truncat", "short", "size", "invalid", "past the end"))
        refused(t, b, "cellctl enable " + TRUNC, "truncated config",
                ("truncat", "short", "size", "invalid", "past the end"))
        t.check(b.run("cat %s/enabled" % SYSFS) == "0", "still disabled after truncated refusal")
        linux_healthy(t, b, "truncated refusal")

        for f, what in ((TRUNC, "truncated config"), (HEADER, "truncated header")):
            rc, out = b.run_rc("hvraw enable " + f, timeout=60)
            t.check(rc == 1 and re.search(r"hvraw: enable: (EFAULT|EINVAL)", out),
                    "module refuses a %s by raw ioctl: %s" % (what, out.strip()), out)
            t.check(b.run("cat %s/enabled" % SYSFS) == "0", "still disabled after raw " + what)
        linux_healthy(t, b, "raw truncated configs")

        b.run("mv /lib/firmware/jailhouse.bin /tmp/jailhouse.bin")
        refused(t, b, "cellctl enable " + ROOT_CELL, "missing firmware",
                ("firmware", "no such file", "jailhouse.bin"))
        b.run("mv /tmp/jailhouse.bin /lib/firmware/jailhouse.bin")
        t.check(b.run("cat %s/enabled" % SYSFS) == "0", "still disabled after firmware refusal")
        linux_healthy(t, b, "missing firmware")

        rc, out = b.run_rc("cellctl enable " + ROOT_CELL, timeout=60)
        if not t.check(rc == 0, "enable after the refusals", out):
            return
        refused(t, b, "cellctl enable " + ROOT_CELL, "second enable",
                ("already enabled",))
        t.check(b.run("cat %s/enabled" % SYSFS) == "1", "first enable still active")
        linux_healthy(t, b, "second enable")
        rc, out = b.run_rc("cellctl disable", timeout=60)
        t.check(rc == 0, "disable", out)
        linux_healthy(t, b, "disable")


t.main(body)
