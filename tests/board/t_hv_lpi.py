#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""LPIs under the hypervisor: the root boots with MSIs on, so the e1000e
(ping peer on the hub) signals through the ITS as LPIs. With the
hypervisor enabled, every LPI exits to EL2 and must be injected into the
root as a virtual LPI; 200 pings must each raise an RX and a TX MSI-X
vector on the e1000e, and the pings must all be answered.

This is what the inmate will need once it owns the PCIe root complex and
the ITS (board_hv_linux runs with pci=nomsi, INTx only).
"""

import re

from harness import Test, enable_root, hub_pair, irq_counts, linux_healthy

t = Test("hv_lpi")
t.need_hv_stack()


def body(t):
    with t.board() as b:
        if not enable_root(t, b):
            return
        ping = hub_pair(b)
        its = b.run("grep ITS-MSI /proc/interrupts")
        rx = re.search(r"ITS-MSI \d+ Edge\s+(eth\d-rx-0)$", its, re.M)
        tx = re.search(r"ITS-MSI \d+ Edge\s+(eth\d-tx-0)$", its, re.M)
        if not t.check(rx and tx, "e1000e MSI-X vectors allocated on the ITS", its):
            return
        before = irq_counts(b)
        out = b.run(ping % 200, timeout=120)
        after = irq_counts(b)
        m = re.search(r"(\d+) packets transmitted, (\d+) packets received", out)
        t.check(m is not None and int(m[2]) == 200, "200 pings answered with the e1000e on LPIs",
                out[-300:])
        for v in (rx[1], tx[1]):
            n = after.get(v, 0) - before.get(v, 0)
            t.check(n >= 200, "%s: %d LPIs injected for 200 pings" % (v, n))
        linux_healthy(t, b, "LPI traffic")
        rc, out = b.run_rc("cellctl disable", timeout=60)
        t.check(rc == 0, "cellctl disable", out)


t.main(body)
