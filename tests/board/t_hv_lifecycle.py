#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Running cells stop, faults stay in their cell, and the lifecycle holds
for 100 cycles (the demo inmate, inmates/demos/hello.c, on CPU 1 of
inmate-demo.cell; the parameter block at 0x1000 picks its mode).

1. spin (a loop with interrupts masked, never exiting): `cell shutdown`
   stops it (listed shut down, CPU 1 parked and not failed), `cell start`
   runs it again (it prints again), `cell destroy` of the running cell gives
   CPU 1 back to Linux and the pool its baseline.
2. Faults, one cell each: an unmapped IPA, a foreign hypercall immediate,
   a write of ICC_SGI0R_EL1, PSCI SYSTEM_RESET: a console line names the
   cell, CPU, syndrome and address; the cell is listed failed with CPU 1
   failed (sysfs too); the root is healthy; destroy gives CPU 1 back.
   PSCI SYSTEM_OFF: the cell is shut down, not failed.
3. The comm-region protocol, in inmate-demo made non-passive (decoded,
   PASSIVE_COMMREG dropped, encoded again on the board): deny (2 requests):
   shutdown and destroy refused with EPERM, the cell still running and
   answering, the third request (destroy) approved; approve with lock=1:
   listed running/locked as the cell reports, which vetoes the creation of
   another cell (EPERM, machine unchanged), then shutdown approved, listed
   shut down, and the other cell can be created; a cell that never answers (spin): shutdown
   waits for the reply timeout, then marks it failed and stops it.
4. The soak: 100 create/load/start/destroy cycles of the spinning inmate in
   one boot (each waits until the inmate has printed, so every destroy hits
   a running cell): CPUs and pool at baseline after each; the figures
   (cycles, seconds per cycle) printed.
The root Linux answers pings throughout (a background ping every 0.5 s).
"""

import re

from harness import (Test, enable_root, linux_healthy, LINUX_INMATE, machine, ok_rc, pinger,
                     pinger_report, SYSFS, sysfs_int)

DEMO = "/etc/libcell/inmate-demo.cell"
ACTIVE = "/tmp/active.cell"
HELLO = "/usr/share/libcell/inmates/hello.bin"
FAIL_FAST = r"unhandled .*parking|CPU parked, cell failed|inmate: unexpected exception|FATAL"
SOAK_CYCLES = 100

t = Test("hv_lifecycle")
t.need_hv_stack()
t.need_config("inmate-demo")
t.need_config("linux-inmate")
t.need_inmate("hello")


def listed(b):
    """`cellctl cell list` line of inmate-demo: (state, failed CPUs)."""
    m = re.search(r"^\s*\d+\s+inmate-demo\s+(running/locked|running|shut down|failed)\s+1(?:\s+(\S+))?\s*$",
                  b.run("cellctl cell list"), re.M)
    return (m.group(1), m.group(2)) if m else (None, None)


def params(b, text):
    b.run(r"printf '%s\000' > /tmp/params.txt" % text)


def create_and_start(t, b, mode, wait, what, cell=DEMO, timeout=60):
    """Create inmate-demo from 'cell', load hello.bin in 'mode', start it
    from a background job and wait for the console line 'wait'."""
    params(b, mode)
    if not ok_rc(t, b, "cellctl cell create " + cell, what + ": cell create"):
        return None
    b.run("cellctl cell load inmate-demo %s@0 /tmp/params.txt@0x1000" % HELLO)
    mark = len(b.console)
    b.run("(sleep 0.3; cellctl cell start inmate-demo; echo rc=$?) > /tmp/start.out 2>&1"
          " < /dev/null &")
    m = b.wait_for(wait + "|" + FAIL_FAST, timeout, start=mark, what=what)
    t.check(re.search(wait, m.group(0)), what + ": " + wait.replace("\\", ""),
            "\n".join(b.console[mark:][-10:]))
    b.run("for i in $(seq 50); do grep -q rc= /tmp/start.out && exit 0; sleep 0.1; done; exit 1")
    return mark


def destroy_back(t, b, pool, what="cell destroy"):
    if ok_rc(t, b, "cellctl cell destroy inmate-demo", "  ... " + what):
        t.check(machine(b) == ["0-3", str(pool)],
                "  ... CPU 1 back online, pool at baseline (%d pages)" % pool, str(machine(b)))


def spin(t, b, pool):
    if create_and_start(t, b, "mode=spin", r"spin: CPU 80000001 spinning", "spin") is None:
        return
    t.check(listed(b) == ("running", None), "  ... listed running", str(listed(b)))
    ok_rc(t, b, "cellctl cell shutdown inmate-demo", "  ... cell shutdown of the spinning cell")
    t.check(listed(b) == ("shut down", None), "  ... listed shut down, no failed CPU",
            str(listed(b)))
    mark = len(b.console)
    b.run("(sleep 0.3; cellctl cell start inmate-demo) > /tmp/start.out 2>&1 < /dev/null &")
    b.wait_for(r"spin: CPU 80000001 spinning|" + FAIL_FAST, 60, start=mark, what="the restart")
    t.check(any("spin: CPU 80000001 spinning" in ln for ln in b.console[mark:]),
            "  ... cell start again: it prints again")
    b.run("sleep 0.5")
    t.check(listed(b) == ("running", None), "  ... listed running", str(listed(b)))
    destroy_back(t, b, pool, "cell destroy of the running cell")


FAULTS = (
    ("ipa", r'cell "inmate-demo" CPU 1: data abort reading IPA 10000000 \(FAR 10000000\), '
            r'ESR 9[0-9a-f]+ at ELR [0-9a-f]+: CPU parked, cell failed'),
    ("hvc", r'cell "inmate-demo" CPU 1: hypercall with immediate 1234 \(not 4a48\), '
            r'ESR 5a001234 at ELR [0-9a-f]+: CPU parked, cell failed'),
    ("sysreg", r'cell "inmate-demo" CPU 1: forbidden write of S3_0_C12_C11_7, '
               r'ESR 6[0-9a-f]+ at ELR [0-9a-f]+: CPU parked, cell failed'),
    ("reset", r'cell "inmate-demo" CPU 1: PSCI SYSTEM_RESET at ELR [0-9a-f]+: cell failed'),
)


def faults(t, b, pool):
    for kind, line in FAULTS:
        if create_and_start(t, b, "mode=fault kind=" + kind, line, "fault kind=" + kind) is None:
            continue
        failed = kind != "reset"
        t.check(listed(b) == ("failed", "1" if failed else None),
                "  ... listed failed%s" % (", CPU 1 failed" if failed else ""), str(listed(b)))
        cid = b.run("cellctl cell list | awk '$2 == \"inmate-demo\" {print $1}'")
        sysfs = b.run("cat %s/cells/%s/state %s/cells/%s/cpus_failed_list"
                      % (SYSFS, cid, SYSFS, cid)).split("\n")
        t.check(sysfs == ["failed", "1" if failed else ""], "  ... sysfs state and cpus_failed",
                str(sysfs))
        t.check(not any("did not stop the CPU" in ln for ln in b.console[-20:]),
                "  ... the inmate did not go on")
        out = b.run("cat /sys/devices/system/cpu/online; ping -c 1 -W 2 127.0.0.1 >/dev/null &&"
                    " echo PING-OK; dmesg | grep -cE 'Oops|BUG:|Internal error|WARNING:|"
                    "Unable to handle' || true", timeout=30)
        t.check(out.split("\n") == ["0,2-3", "PING-OK", "0"],
                "  ... the root runs on CPUs 0, 2, 3, answers, dmesg clean", out)
        destroy_back(t, b, pool)
    if create_and_start(t, b, "mode=fault kind=off",
                        r'cell "inmate-demo" CPU 1: PSCI SYSTEM_OFF at ELR [0-9a-f]+: cell shut down',
                        "PSCI SYSTEM_OFF") is not None:
        t.check(listed(b) == ("shut down", None), "  ... listed shut down, not failed",
                str(listed(b)))
        destroy_back(t, b, pool)


def comm(t, b, pool):
    # inmate-demo without PASSIVE_COMMREG: the hypervisor asks before stopping
    b.run("cellctl config decode %s | sed 's/\"PASSIVE_COMMREG\", //' > /tmp/active.json &&"
          " cellctl config encode /tmp/active.json -o %s" % (DEMO, ACTIVE))
    t.check("PASSIVE" not in b.run("cellctl config decode " + ACTIVE),
            "inmate-demo re-encoded without PASSIVE_COMMREG")
    if create_and_start(t, b, "mode=deny deny=2", r"comm: answering shutdown requests \(deny\)",
                        "deny", cell=ACTIVE) is not None:
        for n, op in ((1, "shutdown"), (2, "destroy")):
            before = machine(b)
            rc, out = b.run_rc("cellctl cell %s inmate-demo" % op, timeout=60)
            t.check(rc == 1 and "Operation not permitted" in out and "denied" in out,
                    "  ... cell %s refused: EPERM, the cell denied" % op, "rc=%d: %s" % (rc, out))
            t.check(any("comm: shutdown request %d denied" % n in ln for ln in b.console[-30:]),
                    "  ... the inmate saw request %d and denied it" % n)
            t.check(listed(b) == ("running", None) and machine(b) == before,
                    "  ... still running; CPUs and pool unchanged", str(listed(b)))
        t.check("denied the shutdown request" in b.run("cellctl console | tail -n 3"),
                "  ... the hypervisor says why")
        destroy_back(t, b, pool, "third request approved: cell destroy")
        t.check(any("comm: shutdown request 3 approved" in ln for ln in b.console[-30:]),
                "  ... the inmate approved request 3")
    if create_and_start(t, b, "mode=approve lock=1",
                        r"comm: answering shutdown requests \(approve, running/locked\)",
                        "approve, running/locked", cell=ACTIVE) is not None:
        t.check(listed(b) == ("running/locked", None),
                "  ... listed running/locked (the state the cell reports)", str(listed(b)))
        before = machine(b)
        rc, out = b.run_rc("cellctl cell create " + LINUX_INMATE, timeout=60)
        t.check(rc == 1 and "Operation not permitted" in out,
                "  ... cell create of another cell vetoed: EPERM", "rc=%d: %s" % (rc, out))
        t.check(machine(b) == before and "is running/locked" in
                b.run("cellctl console | tail -n 3"),
                "  ... CPUs 2-3 back online, pool unchanged, the hypervisor says why",
                str(machine(b)))
        ok_rc(t, b, "cellctl cell shutdown inmate-demo", "  ... cell shutdown approved")
        t.check(listed(b) == ("shut down", None), "  ... listed shut down", str(listed(b)))
        if ok_rc(t, b, "cellctl cell create " + LINUX_INMATE,
                 "  ... cell create of another cell works once it is shut down"):
            ok_rc(t, b, "cellctl cell destroy linux-inmate", "  ... and its destroy")
        destroy_back(t, b, pool)
    if create_and_start(t, b, "mode=spin", r"spin: CPU 80000001 spinning", "no reply",
                        cell=ACTIVE) is not None:
        rc, out = b.run_rc("t0=$(cut -d' ' -f1 /proc/uptime); cellctl cell shutdown inmate-demo;"
                           " echo rc=$? $t0 $(cut -d' ' -f1 /proc/uptime)", timeout=60)
        m = re.search(r"rc=(\d+) ([\d.]+) ([\d.]+)", out)
        took = float(m.group(3)) - float(m.group(2)) if m else -1
        t.check(m and m.group(1) == "0" and took >= 0.9,
                "  ... cell shutdown of a cell that never answers: done after the reply "
                "timeout (%.1f s)" % took, out)
        t.check(listed(b) == ("failed", None), "  ... listed failed (stopped, no CPU failed)",
                str(listed(b)))
        t.check("did not answer the shutdown request in time" in
                b.run("cellctl console | tail -n 3"), "  ... the hypervisor says why")
        destroy_back(t, b, pool)


def soak(t, b, pool):
    params(b, "mode=spin")
    # Each cycle waits for the inmate's line (40+ console hypercalls) so
    # that destroy always meets a running cell.
    script = (
        "i=0; t0=$(cut -d' ' -f1 /proc/uptime); while [ $i -lt %d ]; do"
        " cellctl cell create %s >/dev/null || break;"
        " cellctl cell load inmate-demo %s@0 /tmp/params.txt@0x1000 >/dev/null || break;"
        " cellctl cell start inmate-demo >/dev/null || break;"
        " n=0; until cellctl cell stats inmate-demo --cpu 1 |"
        " grep -qE '^vmexits_hypercall +([4-9][0-9]|[0-9]{3,})$'; do"
        " n=$((n+1)); [ $n -gt 200 ] && break 2; sleep 0.05; done;"
        " cellctl cell destroy inmate-demo >/dev/null || break;"
        " s=\"$(cat /sys/devices/system/cpu/online) $(cat %s/mem_pool_used)\";"
        " [ \"$s\" = \"0-3 %d\" ] || { echo \"cycle $i: $s\"; break; };"
        " i=$((i+1)); done; echo cycles=$i $t0 $(cut -d' ' -f1 /proc/uptime)"
        % (SOAK_CYCLES, DEMO, HELLO, SYSFS, pool))
    out = b.run(script, timeout=1200)
    m = re.search(r"cycles=(\d+) ([\d.]+) ([\d.]+)", out)
    n = int(m.group(1)) if m else 0
    secs = float(m.group(3)) - float(m.group(2)) if m else 0
    t.check(n == SOAK_CYCLES, "soak: %d create/load/start/destroy cycles of the running demo "
            "inmate, CPUs and pool at baseline after each" % SOAK_CYCLES, out)
    print("figures: demo soak %d cycles in %.1f s, %.2f s per cycle" %
          (n, secs, secs / n if n else 0), flush=True)


def body(t):
    with t.board() as b:
        if not enable_root(t, b):
            return
        pinger(b)
        pool = sysfs_int(b, SYSFS + "/mem_pool_used")
        spin(t, b, pool)
        faults(t, b, pool)
        comm(t, b, pool)
        soak(t, b, pool)
        linux_healthy(t, b, "the lifecycle tests")
        pinger_report(t, b, 10)


t.main(body)
