#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Non-root cells run: load and start the bare-metal demo inmate
(inmates/demos/hello.c, inmate-demo.cell: CPU 1, 2 MiB of RAM at IPA 0).

1. Three create/load/start/destroy cycles: each time the greeting (the
   CPU's MPIDR, the comm region's signature, revision and GIC fields)
   appears on the UART and in `cellctl console` with the GIC distributor's
   PIDR2 read through the trap, CPU_ON of a root CPU refused (INVALID_PARAMS)
   and of itself answered ALREADY_ON, the cell is listed
   running, its CPU counted the hypercalls and its PSCI calls, and
   destroy gives CPU 1 back to Linux and the page pool its figure from
   before the create. The first cycle also shuts the powered-off cell down
   (a load with no images) and starts it again from the image left in RAM.
2. The demo's timer mode (a parameter block loaded at 0x1000): inside
   the cell it switches off and deactivates everything on its own
   redistributor frame and on CPU 0's, shows that a burst of 15 SGIs
   (more than the list registers hold) still arrives, which needs the
   hypervisor's maintenance interrupt, and that SGI 15 (the hypervisor's)
   is refused; then 1000 virtual-timer ticks with their latency. CPU 1's
   statistics start at zero in the new cell and count the interrupts; CPU
   0's redistributor, read by the root, is as it was.
3. Refused loads (outside any LOADABLE region, across its end, larger than
   the region) and the start of linux-inmate moved to cpu_reset_address 0,
   which is not in its RAM: each with its own message, CPUs and pool
   unchanged.
4. linux-inmate (cpu_reset_address 0x70000000) with a pattern loaded
   there that starts with "wfi; b .-4": the root reads the pattern back
   while the cell is loadable; after start the CPU stays in the cell, a
   root read of that memory gets a bus error (the hypervisor refuses it
   with an external abort); shutdown of the running cell works (listed shut
   down, the root reads its RAM again), start, a second start (restart),
   a load into the running cell and destroy of the running cell work, and
   CPUs 2-3 and the pool come back.
The root Linux answers pings throughout (a background ping every 0.5 s).
"""

import re

from harness import (Test, cell_stats as stats, enable_root, linux_healthy, machine, ok_rc, pinger,
                     pinger_report, SYSFS, sysfs_int)

DEMO = "/etc/libcell/inmate-demo.cell"
HELLO = "/usr/share/libcell/inmates/hello.bin"
INMATE = "/etc/libcell/linux-inmate.cell"
FAIL_FAST = r"unhandled .*parking|CPU parked, cell failed|inmate: unexpected exception|FATAL"
GREETING = r'hello: CPU MPIDR 80000001, comm region "JHCOMM" revision 2'
CYCLES = 3
PSCI_CALLS = 3          # per run of hello.bin: two CPU_ON, one CPU_OFF
# "wfi; b .-4" (little endian): a program that never leaves its CPU.
SPIN = r"\177\040\003\325\377\377\377\027"

t = Test("hv_inmate")
t.need_hv_stack()
t.need_config("inmate-demo")
t.need_config("linux-inmate")
t.need_inmate("hello")


def refused(t, b, cmd, errno_text, what, before):
    rc, out = b.run_rc(cmd, timeout=60)
    t.check(rc == 1 and out.startswith("cellctl: ") and errno_text in out, what,
            "rc=%d: %s" % (rc, out))
    after = machine(b)
    t.check(after == before, "  ... CPUs online and pool usage unchanged",
            "before %s, after %s" % (before, after))


def start_and_greet(t, b, what):
    """Start inmate-demo from a background job (its output shares the UART
    with the shell's) and wait for its last line; the greeting's match."""
    mark = len(b.console)
    b.run("(sleep 0.3; cellctl cell start inmate-demo; echo rc=$?) > /tmp/start.out 2>&1"
          " < /dev/null &")
    last = b.wait_for(r"hello: powering off|" + FAIL_FAST, 60, start=mark,
                      what="the inmate's last line")
    lines = b.console[mark:]
    greeting = [ln for ln in lines if re.search(GREETING, ln)]
    t.check(last[0] == "hello: powering off" and greeting, what + ": greeting on the UART",
            "\n".join(lines[-10:]))
    t.check(any(re.search(r"hello: GICv3 GICD 8000000 GICR 80a0000, flags 3$", ln)
                for ln in lines),
            "  ... comm region GIC fields and console flags as the root config has them",
            "\n".join(lines[-10:]))
    t.check(any(re.search(r"hello: GICD PIDR2 architecture 3; CPU_ON of CPU 2: -2, of itself: -4$",
                          ln) for ln in lines),
            "  ... GICD read trapped and emulated; CPU_ON of a root CPU refused (INVALID_PARAMS),"
            " of itself ALREADY_ON", "\n".join(lines[-10:]))
    t.check(any(re.search(r"hello: EL1 state at reset values, FP/SIMD clear$", ln)
                for ln in lines),
            "  ... EL1 system registers and FP/SIMD scrubbed (nothing left by Linux)",
            "\n".join(lines[-10:]))
    # The start command's own result, after the cell already ran.
    t.check(b.run("cat /tmp/start.out").strip() == "rc=0", "  ... cellctl cell start exit 0",
            b.run("cat /tmp/start.out"))
    return greeting


def powered_off(b, runs=1, psci=PSCI_CALLS):
    """CPU 1 has made its last PSCI call (CPU_OFF) of 'runs' runs and parked."""
    b.run("for i in $(seq 50); do cellctl cell stats inmate-demo --cpu 1 |"
          " grep -q '^vmexits_psci *%d$' && exit 0; sleep 0.1; done; exit 1" % (runs * psci),
          timeout=30)


def hello_cycles(t, b, pool):
    greetings = 0
    for i in range(CYCLES):
        if not ok_rc(t, b, "cellctl cell create " + DEMO, "cycle %d: cell create inmate-demo" % i):
            return
        ok_rc(t, b, "cellctl cell load inmate-demo %s@0" % HELLO, "  ... cell load hello.bin@0")
        greetings += bool(start_and_greet(t, b, "cycle %d" % i))
        t.check_re(r"^\s*[1-9]\d*\s+inmate-demo\s+running\s+1\s*$", b.run("cellctl cell list"),
                   "  ... listed running on CPU 1")
        t.check(re.search(GREETING, b.run("cellctl console | tail -n 30")),
                "  ... greeting in cellctl console")
        powered_off(b)
        st = dict(ln.split() for ln in b.run("cellctl cell stats inmate-demo --cpu 1").split("\n")
                  if len(ln.split()) == 2)
        t.check(st.get("vmexits_psci") == str(PSCI_CALLS) and
                int(st.get("vmexits_hypercall", 0)) > 100,
                "  ... CPU 1's statistics: its PSCI calls, a hypercall per character", str(st))
        if i == 0:
            ok_rc(t, b, "cellctl cell shutdown inmate-demo",
                  "  ... cell shutdown of the powered-off cell")
            t.check_re(r"^\s*[1-9]\d*\s+inmate-demo\s+shut down\s+1\s*$",
                       b.run("cellctl cell list"), "  ... listed shut down")
            start_and_greet(t, b, "  ... restart from the image left in its RAM")
            powered_off(b, 2)
        if i == CYCLES - 1:
            # destroy while the RAM is lent to the root
            ok_rc(t, b, "cellctl cell shutdown inmate-demo", "  ... cell shutdown before destroy")
        if ok_rc(t, b, "cellctl cell destroy inmate-demo", "  ... cell destroy"):
            t.check(machine(b) == ["0-3", str(pool)],
                    "  ... CPU 1 back online, pool usage back to %d pages" % pool,
                    str(machine(b)))
    t.check(greetings == CYCLES, "%d cycles, %d greetings" % (CYCLES, greetings))


TICKS = 1000
# CPU 0's redistributor, SGI_base frame: ISENABLER0 and IPRIORITYR0-7
CPU0_SGI_FRAME = 0x080a0000 + 0x10000


def cpu0_gicr(b):
    """What the root sees of its CPU 0's SGI/PPI enables and priorities."""
    return b.run("for o in 0x100 0x400 0x404 0x408 0x40c 0x410 0x414 0x418 0x41c; do"
                 " taskset -c 0 devmem $((0x%x + o)) 32; done" % CPU0_SGI_FRAME).split()


def root_irqs(b):
    """Interrupts the root took so far on CPUs 0, 2 and 3 (CPU 1 comes and
    goes): (IPIs, timer ticks)."""
    out = b.run("cat /proc/interrupts").split("\n")
    head = out[0].split()
    cols = [head.index(c) + 1 for c in ("CPU0", "CPU2", "CPU3")]
    ipis = timer = 0
    for ln in out[1:]:
        f = ln.split()
        if f and re.match(r"IPI\d+:$", f[0]):
            ipis += sum(int(f[c]) for c in cols)
        elif ln.rstrip().endswith("arch_timer"):
            timer += sum(int(f[c]) for c in cols)
    return ipis, timer


def timer_demo(t, b, pool):
    irqs = root_irqs(b)
    before = cpu0_gicr(b)
    t.check(len(before) == 9 and all(x.startswith("0x") for x in before),
            "the root reads its CPU 0's redistributor (trapped, passed through)", str(before))
    if not ok_rc(t, b, "cellctl cell create " + DEMO, "cell create inmate-demo for the timer"):
        return
    st = stats(b, "inmate-demo", 1)
    t.check(st and not any(st.values()), "  ... CPU 1's statistics start at zero in the new cell",
            str(st))
    b.run(r"printf 'mode=timer ticks=%d period_us=1000\000' > /tmp/timer.txt" % TICKS)
    ok_rc(t, b, "cellctl cell load inmate-demo %s@0 /tmp/timer.txt@0x1000" % HELLO,
          "  ... cell load hello.bin@0 and its parameters @0x1000")
    mark = len(b.console)
    b.run("(sleep 0.3; cellctl cell start inmate-demo) > /tmp/start.out 2>&1 < /dev/null &")
    last = b.wait_for(r"timer: powering off|" + FAIL_FAST, 120, start=mark,
                      what="the timer demo's last line")
    lines = b.console[mark:]
    tail = "\n".join(ln for ln in lines if "timer:" in ln)
    t.check(last[0] == "timer: powering off" and
            any(re.search(r"^timer: in a cell, redistributor frame 1,", ln) for ln in lines),
            "timer mode: the inmate found its redistributor by walking the frames", tail)
    t.check(any(re.search(r"frame 0 \(another CPU's, ISENABLER0 reads 0\)$", ln) for ln in lines),
            "  ... CPU 0's frame reads as zero in the cell", tail)
    t.check(any(re.search(r"SGI burst: 15 of 15 delivered .*, SGI 15 refused$", ln)
                for ln in lines),
            "  ... after ICENABLER0 = ICACTIVER0 = ~0, 15 SGIs beyond the list registers arrive "
            "(the maintenance interrupt works); SGI 15 refused", tail)
    lat = [re.search(r"^timer: (\d+) ticks of 1000 us, latency min (\d+) avg (\d+) max (\d+) ns$",
                     ln) for ln in lines]
    lat = [m for m in lat if m]
    t.check(lat and int(lat[0].group(1)) == TICKS and
            0 < int(lat[0].group(2)) <= int(lat[0].group(3)) <= int(lat[0].group(4)),
            "  ... %d timer ticks and a latency line" % TICKS, tail)
    powered_off(b, 1, psci=1)
    st = stats(b, "inmate-demo", 1)
    t.check(st.get("vmexits_virt_irq", 0) >= TICKS + 15 and
            st.get("vmexits_maintenance", 0) >= 1 and st.get("vmexits_psci") == 1,
            "  ... CPU 1's statistics: >= %d virtual-IRQ exits, maintenance exits, one PSCI call"
            % (TICKS + 15), str(st))
    after = cpu0_gicr(b)
    t.check(after == before, "  ... the root's CPU 0 redistributor as it was",
            "before %s, after %s" % (before, after))
    now = root_irqs(b)
    t.check(now[0] > irqs[0] and now[1] > irqs[1],
            "  ... the root kept taking IPIs and timer interrupts on CPUs 0, 2 and 3",
            "IPIs, timer: before %s, after %s" % (irqs, now))
    if ok_rc(t, b, "cellctl cell destroy inmate-demo", "  ... cell destroy"):
        t.check(machine(b) == ["0-3", str(pool)],
                "  ... CPU 1 back online, pool usage back to %d pages" % pool, str(machine(b)))


def failing_inmate(t, b):
    """An inmate that reads an IPA its cell does not map: its CPU is parked
    as failed, and destroy still gives it back to Linux in working order."""
    # movz x1, #0x1000, lsl #16; ldr w0, [x1]: a read of IPA 0x10000000
    b.run(r"printf '\001\000\242\322\040\000\100\271' > /tmp/fault.bin")
    ok_rc(t, b, "cellctl cell create " + DEMO, "cell create inmate-demo for a faulting inmate")
    ok_rc(t, b, "cellctl cell load inmate-demo /tmp/fault.bin@0", "  ... load the faulting image")
    mark = len(b.console)
    b.run("(sleep 0.3; cellctl cell start inmate-demo) > /tmp/start.out 2>&1 < /dev/null &")
    b.wait_for(r'cell "inmate-demo" CPU 1: data abort reading IPA 10000000 .*CPU parked, cell failed',
               60, start=mark, what="the hypervisor parking CPU 1")
    t.check_re(r"^\s*[1-9]\d*\s+inmate-demo\s+failed\s+1\s+1\s*$", b.run("cellctl cell list"),
               "  ... the cell listed failed, CPU 1 failed")
    if ok_rc(t, b, "cellctl cell destroy inmate-demo", "  ... destroy the cell with a failed CPU"):
        out = b.run("cat /sys/devices/system/cpu/online; taskset -c 1 sh -c 'echo on-cpu1'")
        t.check(out.split("\n") == ["0-3", "on-cpu1"],
                "  ... CPU 1 back online and running Linux tasks", out)


def refusals(t, b):
    ok_rc(t, b, "cellctl cell create " + DEMO, "cell create inmate-demo for the refusals")
    b.run("head -c 8192 /dev/zero > /tmp/8k; head -c 3145728 /dev/zero > /tmp/3m")
    before = machine(b)
    refused(t, b, "cellctl cell load inmate-demo %s@0x300000" % HELLO, "Invalid argument",
            "load outside any LOADABLE region: EINVAL", before)
    refused(t, b, "cellctl cell load inmate-demo /tmp/8k@0x1ff000", "Invalid argument",
            "load across the end of the LOADABLE region: EINVAL", before)
    refused(t, b, "cellctl cell load inmate-demo /tmp/3m@0", "File too large",
            "image larger than the LOADABLE region: EFBIG", before)
    refused(t, b, "cellctl cell load inmate-demo %s@0 /tmp/8k@0x400000" % HELLO,
            "Invalid argument", "a good image beside a bad one: all refused, EINVAL", before)
    dm = b.run("dmesg | grep 'cell load' | tail -n 4")
    t.check("no LOADABLE region" in dm and
            "past the end" in dm and "larger than" in dm,
            "each refused load has its own message", dm)
    ok_rc(t, b, "cellctl cell destroy inmate-demo", "destroy inmate-demo, never started")
    failing_inmate(t, b)

    # linux-inmate moved to an entry point at 0: nothing of the cell is mapped there
    b.run("cellctl config decode %s | sed 's/\"cpu_reset_address\": 1879048192,/\"cpu_reset_address\":"
          " 0,/' > /tmp/r0.json && cellctl config encode /tmp/r0.json -o /tmp/r0.cell" % INMATE)
    ok_rc(t, b, "cellctl cell create /tmp/r0.cell", "cell create linux-inmate, cpu_reset_address 0")
    before = machine(b)
    refused(t, b, "cellctl cell start linux-inmate", "Invalid argument",
            "start with cpu_reset_address 0 outside the cell's RAM: EINVAL", before)
    t.check("cpu_reset_address 0 is not in the cell's RAM" in b.run("cellctl console | tail -n 5"),
            "  ... the hypervisor says why")
    ok_rc(t, b, "cellctl cell destroy linux-inmate", "destroy linux-inmate, never started")


def running_cell(t, b, pool):
    """linux-inmate spinning in "wfi; b .-4": the end of this board run."""
    b.run("printf '%s' > /tmp/spin.bin; head -c 65528 /dev/urandom >> /tmp/spin.bin" % SPIN)
    if not ok_rc(t, b, "cellctl cell create " + INMATE, "cell create linux-inmate, "
                 "cpu_reset_address 0x70000000"):
        return
    ok_rc(t, b, "cellctl cell load linux-inmate /tmp/spin.bin@0x70000000",
          "cell load of a 64 KiB pattern at 0x70000000")
    want, got = [], []
    for off in (0, 4, 0x1000, 0xfffc):
        want.append(int(b.run("od -A n -t x4 -j %d -N 4 /tmp/spin.bin" % off).strip(), 16))
        got.append(int(b.run("devmem 0x%x 32" % (0x70000000 + off)), 16))
    t.check(want == got and want[:2] == [0xd503207f, 0x17ffffff],
            "the root reads the pattern back while the cell is loadable",
            "file %s, memory %s" % ([hex(x) for x in want], [hex(x) for x in got]))
    ok_rc(t, b, "cellctl cell start linux-inmate", "cell start linux-inmate")
    t.check_re(r"^\s*[1-9]\d*\s+linux-inmate\s+running\s+2-3\s*$", b.run("cellctl cell list"),
               "  ... listed running")
    rc, out = b.run_rc("devmem 0x70000000 32", timeout=30)
    t.check(rc == 128 + 7,
            "after start, a root read of the cell's memory is refused (bus error)",
            "rc=%d: %s" % (rc, out))
    t.check("root cell access to IPA 70000000" in b.run("cellctl console | tail -n 5"),
            "  ... the hypervisor reports the refused access")
    before = machine(b)
    t.check(before == ["0-1", str(before[1])] and int(before[1]) > pool,
            "linux-inmate holds CPUs 2-3 and its page tables", str(before))
    # a running cell stops at any of these (the park request reaches a CPU in WFI)
    ok_rc(t, b, "cellctl cell shutdown linux-inmate", "cell shutdown of the running cell")
    t.check_re(r"^\s*[1-9]\d*\s+linux-inmate\s+shut down\s+2-3\s*$", b.run("cellctl cell list"),
               "  ... listed shut down")
    t.check(int(b.run("devmem 0x70000000 32"), 16) == want[0],
            "  ... its RAM is the root's to read again (lent while shut down)")
    ok_rc(t, b, "cellctl cell start linux-inmate", "cell start again")
    ok_rc(t, b, "cellctl cell start linux-inmate", "cell start of the running cell (a restart)")
    ok_rc(t, b, "cellctl cell load linux-inmate /tmp/spin.bin@0x70000000",
          "cell load into the running cell (stops it first)")
    ok_rc(t, b, "cellctl cell start linux-inmate", "cell start")
    t.check_re(r"^\s*[1-9]\d*\s+linux-inmate\s+running\s+2-3\s*$", b.run("cellctl cell list"),
               "  ... listed running")
    if ok_rc(t, b, "cellctl cell destroy linux-inmate", "cell destroy of the running cell"):
        t.check(machine(b) == ["0-3", str(pool)],
                "  ... CPUs 2-3 back online, pool at baseline (%d pages)" % pool, str(machine(b)))
    out = b.run("ping -c 3 -W 2 127.0.0.1 >/dev/null && echo PING-OK; "
                "dmesg | grep -cE 'Oops|BUG:|Internal error|WARNING:' || true", timeout=30)
    t.check(out.split("\n") == ["PING-OK", "0"], "root Linux healthy after the running cell",
            out)


def body(t):
    # iomem=relaxed: the root reads its redistributor through /dev/mem
    with t.board(append="iomem=relaxed") as b:
        if not enable_root(t, b):
            return
        pinger(b)
        pool = sysfs_int(b, SYSFS + "/mem_pool_used")
        hello_cycles(t, b, pool)
        timer_demo(t, b, pool)
        linux_healthy(t, b, "the demo inmate cycles and the timer demo")
        refusals(t, b)
        t.check(machine(b) == ["0-3", str(pool)], "after the refusals: CPUs and pool at baseline",
                str(machine(b)))
        running_cell(t, b, pool)
        pinger_report(t, b, 10)


t.main(body)
