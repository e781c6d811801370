#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Step S5 of the main job: run isolate-nic's outputs on the default board.

Boots the QEMU virt board (tests/board) with the host tree isolate-nic
wrote, loads the module and checks that the root Linux runs without the
PCIe root complex and its ITS and keeps its own NIC.

Then S5 as a user runs it: `isolate-nic --run` on its own outputs on the
board (S1-S4 find them done) enables the hypervisor, creates the inmate
cell and boots the board's Debian kernel in it with inmate.dtb and a
small initramfs whose /init brings the e1000e up (libcell.nic=) through
the inmate's own ITS and reports its addresses, ITS-MSI interrupts and
pings of the root. The root pings the inmate 1000 times across the QEMU
hub (RTT and VM exits per received packet printed), then the inmate is
destroyed (its CPUs come back to Linux) and the hypervisor disabled.

With --fixtures (the ctest board_isolation), also: enable refusals of bad
grants; an `isolate-nic --run` whose kernel powers off at once (the run
names the failed step and undoes its cell and its enable); a second run
while the inmate runs (fails at create, nothing undone); 10 destroy/create
cycles with the NIC answering each time; the demo inmate in a cell owning
the ITS aiming PROPBASER, PENDBASER and GITS_CBASER at the root's RAM
(refused, reported; insisting fails the cell).

usage: isolation_board.py --src SRC --build NATIVE_BUILD --work DIR
                          (--outputs ISOLATE_NIC_OUT_DIR | --fixtures DIR)
                          [--state BOARD_STATE_JSON]
--outputs boots what scripts/run-isolation.sh made; --fixtures first runs
isolate-nic itself on the board's own DTB with the example configs and the
board's inmate tree (the ctest board_isolation; DIR is not read). --state reuses a prepared board (board_prepare)
instead of running tests/board/prepare.py; with it, an unprepared board is
a skip (77) as in the other board tests.
Prints one "ok:"/"FAIL:"/"pending:" line per check; exit 0 when nothing
failed, 1 otherwise (including a board that cannot be prepared).
"""

import argparse
import json
import os
import re
import struct
import subprocess
import sys

failures = 0


def check(cond, what, detail=""):
    global failures
    if cond:
        print("ok: " + what, flush=True)
    else:
        failures += 1
        print("FAIL: " + what + ("\n" + detail if detail else ""), flush=True)
    return cond


def prepare_board(src, build, work):
    """tests/board/prepare.py: packages, cross builds, initramfs -> state."""
    board_dir = os.path.join(work, "board")
    p = subprocess.run([sys.executable, os.path.join(src, "tests", "board", "prepare.py"),
                        "--src", src, "--out", board_dir, "--native-build", build],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with open(os.path.join(work, "prepare.log"), "w", encoding="utf-8") as f:
        f.write(p.stdout)
    if p.returncode != 0:
        check(False, "board prepared (tests/board/prepare.py exit %d)" % p.returncode,
              "\n".join(p.stdout.splitlines()[-15:]))
        return None
    with open(os.path.join(board_dir, "state.json"), encoding="utf-8") as f:
        state = json.load(f)
    missing = [k for k in ("kmod", "hv_image") if not state.get(k)]
    if not check(not missing, "board prepared: kernel module, hypervisor image, arm64 cellctl",
                 "missing: %s (%s)" % (", ".join(missing), state.get("kmod_note"))):
        return None
    return state


def load_state(path):
    """A board prepared by the board_prepare test, or exit 77 (why)."""
    try:
        with open(path, encoding="utf-8") as f:
            state = json.load(f)
    except FileNotFoundError:
        state = {"skip": "%s missing: the board_prepare test has not run" % path}
    if "skip" in state or not state.get("kmod") or not state.get("hv_image"):
        print("SKIP: board not prepared: %s" % (state.get("skip") or state.get("kmod_note")
                                                  or "no hypervisor image"), flush=True)
        sys.exit(77)
    if "error" in state:
        check(False, "board preparation: " + state["error"])
        return None
    return state


def run_isolate_nic(src, build, work):
    """isolate-nic on this board's DTB, the example configs and the board's
    inmate tree (examples/configs/qemu-virt/linux-inmate.dts) -> out dir."""
    from board import load_env, machine_args
    raw, dtb = os.path.join(work, "virt.raw.dtb"), os.path.join(work, "virt.dtb")
    subprocess.run(machine_args(load_env(), dump=raw) + ["-display", "none"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    # QEMU pads its dump to 1 MiB; dtc re-packs it under the 2 MiB Linux takes.
    subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dtb", "-o", dtb, raw], check=True)
    out = os.path.join(work, "isolate-nic")
    inmate = os.path.join(work, "linux-inmate.dtb")
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", inmate,
                    os.path.join(src, "examples", "configs", "qemu-virt", "linux-inmate.dts")],
                   check=True)
    cfgs = os.path.join(build, "examples", "configs", "qemu-virt")
    p = subprocess.run([os.path.join(build, "examples", "isolate-nic", "isolate-nic"),
                        "--host-dtb", dtb, "--inmate-dtb", inmate,
                        "--root-config", os.path.join(cfgs, "root.cell"),
                        "--inmate-config", os.path.join(cfgs, "linux-inmate.cell"),
                        "--out-dir", out], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    return out if check(p.returncode == 0, "isolate-nic on the board's DTB", p.stdout) else None


def bad_grants(src, build, outputs, work):
    """root.cell variants the hypervisor must refuse: the GICR grant without
    IO (RAM over MMIO), and a region over the GICD (which must trap)."""
    cellctl = os.path.join(build, "tools", "cellctl", "cellctl")
    cfg = json.loads(subprocess.run([cellctl, "config", "decode",
                                     os.path.join(outputs, "root.cell")],
                                    check=True, stdout=subprocess.PIPE, text=True).stdout)
    gicr = cfg["platform_info"]["arm"]["gicr_base"]
    gicd = cfg["platform_info"]["arm"]["gicd_base"]
    regions = cfg["root_cell"]["memory_regions"]
    grant = [r for r in regions if r["phys_start"] == gicr]
    if not check(len(grant) == 1, "root.cell has one GICR grant region at 0x%x" % gicr,
                 json.dumps(regions)):
        return {}
    res = {}
    grant[0]["flags"] = ["READ", "WRITE"]
    res["gicr-no-io.cell"] = json.dumps(cfg)
    grant[0]["flags"] = ["READ", "WRITE", "IO"]
    regions.append({"phys_start": gicd, "virt_start": gicd, "size": 0x10000,
                    "flags": ["READ", "WRITE", "IO"]})
    res["gicd.cell"] = json.dumps(cfg)
    with open(os.path.join(src, "examples", "configs", "qemu-virt", "inmate-demo.json"),
              encoding="utf-8") as f:
        demo = json.load(f)
    demo["cell"]["memory_regions"].append({"phys_start": VIRT_ITS, "virt_start": VIRT_ITS,
                                           "size": 0x20000, "flags": ["READ", "WRITE", "IO"]})
    res["demo-its.cell"] = json.dumps(demo)
    for name, text in res.items():
        path = os.path.join(work, name + ".json")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        subprocess.run([cellctl, "config", "encode", path, "-o", os.path.join(work, name)],
                       check=True)
    return {name: os.path.join(work, name) for name in res}


def overlay_initrd(state, outputs, work, extra_files):
    """The board's initramfs plus isolate-nic's configs under
    /etc/libcell/isolated (the kernel unpacks concatenated archives)."""
    import initramfs
    a = initramfs.Archive()
    for name in ("host.dtb", "root.cell", "inmate.cell", "inmate.dtb", "report.json"):
        a.add_file("etc/libcell/isolated/" + name, os.path.join(outputs, name), 0o644)
    for name, path in extra_files.items():
        a.add_file("etc/libcell/isolated/" + name, path, 0o644)
    extra = os.path.join(work, "isolated.cpio.gz")
    a.write(extra)
    out = os.path.join(work, "initrd-isolated.cpio.gz")
    with open(out + ".tmp", "wb") as f:
        for part in (state["initrd"], extra):
            with open(part, "rb") as g:
                f.write(g.read())
    os.replace(out + ".tmp", out)
    return out


def guest_refusals(b, bad):
    """Each bad grant refused with the hypervisor's reason, nothing enabled."""
    why = {"gicr-no-io.cell": "maps the GIC redistributors without IO",
           "gicd.cell": "maps the GIC distributor"}
    for name in sorted(n for n in bad if n in why):
        rc, out = b.run_rc("cellctl enable /etc/libcell/isolated/" + name, timeout=90)
        check(rc == 1 and why[name] in out and "Invalid argument" in out,
              "enable %s refused: %s" % (name, why[name]), out)
        check(b.run("cat /sys/devices/jailhouse/enabled") == "0",
              "still disabled after refusing " + name)


def cpu_list(text):
    """'0-1,3' -> {0, 1, 3}"""
    cpus = set()
    for part in filter(None, text.strip().split(",")):
        lo, _, hi = part.partition("-")
        cpus.update(range(int(lo), int(hi or lo) + 1))
    return cpus


LINUX = "/usr/share/libcell/linux"
CMDLINE = "earlycon=pl011,mmio32,0x9000000 keep_bootcon cma=0 rdinit=/init nokaslr"
ROOT_IP, INMATE_IP = "192.0.2.1", "192.0.2.2"
NIC_ARGS = " libcell.nic=%s/24 libcell.peer=%s" % (INMATE_IP, ROOT_IP)
VIRT_ITS = 0x08080000
PINGS = 1000
CYCLES = 10
SYSFS = "/sys/devices/jailhouse"
FAIL_FAST = r"Kernel panic|unhandled .*parking|CPU parked, cell failed|Internal error|Unable to handle"
OOPS = "Oops|BUG:|Internal error|WARNING:|Unable to handle"


ISOLATED = "/etc/libcell/isolated"
RUN = ("isolate-nic --host-dtb {d}/host.dtb --inmate-dtb {d}/inmate.dtb --root-config {d}/root.cell"
       " --inmate-config {d}/inmate.cell --out-dir /tmp/s5 --run --kernel {k}"
       " --initrd {i} --cmdline '{c}'")


def run_cmd(kernel="%s/Image" % LINUX, initrd="%s/initrd.cpio.gz" % LINUX,
            cmdline=CMDLINE + NIC_ARGS):
    """isolate-nic --run on its own outputs (S1-S4 find them done, S5 runs)."""
    return RUN.format(d=ISOLATED, k=kernel, i=initrd, c=cmdline)


def inmate_boot(b, cmd, quiet=False):
    """Boot the inmate with 'cmd' from a background job (the inmate's early
    console shares the UART); the console mark and /init's CPU line, or
    None when the inmate did not reach /init and its NIC report. The
    command's output is in /tmp/linux.out."""
    mark = len(b.console)
    b.run("(sleep 0.3; %s; echo rc=$?) > /tmp/linux.out 2>&1 &" % cmd)
    m = b.wait_for(r"LIBCELL-INMATE: init reached, CPUs online (\S+)|" + FAIL_FAST, 240,
                   start=mark, what="the inmate Linux's /init")
    if m.group(1) is not None:
        # its last lines come after /init's report: keep the shell quiet until then
        b.wait_for(r"LIBCELL-INMATE: (nic ready|nic: no e1000e)|" + FAIL_FAST, 120, start=mark,
                   what="the end of the inmate's report")
    b.run("for i in $(seq 100); do grep -q rc= /tmp/linux.out && exit 0; sleep 0.1; done; exit 1")
    out = b.run("cat /tmp/linux.out")
    if m.group(1) is None or "rc=0" not in out:
        if not quiet:
            print("\n".join(b.console[mark:][-30:]) + "\n" + out, flush=True)
        return mark, None
    return mark, m.group(1)


def inmate_lines(b, mark, what):
    """The inmate's report lines starting with 'what' since 'mark'."""
    res = []
    for ln in b.console[mark:]:
        m = re.search(r"LIBCELL-INMATE: %s(.*)$" % what, ln)
        if m:
            res.append(m.group(1).strip())
    return res


def inmate_nic(b, mark):
    """The inmate's own report of its NIC: eth0 up with its address, its
    MSI-X vectors on the ITS, and its pings of the root."""
    nic = inmate_lines(b, mark, "nic ")
    for ln in nic:
        if not ln.startswith("ping"):
            print("  inmate: " + ln, flush=True)
    up = [ln for ln in nic if re.match(r"eth\d UP %s/24$" % INMATE_IP, ln)]
    check(len(up) == 1, "S5: in the inmate, the e1000e is up as %s with %s/24"
          % (up[0].split()[0] if up else "eth?", INMATE_IP), "\n".join(nic))
    msi = [ln for ln in nic if "ITS-MSI" in ln]
    check(any(ln.endswith("-rx-0") for ln in msi) and any(ln.endswith("-tx-0") for ln in msi),
          "S5: its RX and TX interrupts are ITS-MSI (LPIs through the inmate's own ITS)",
          "\n".join(nic))
    ping = [ln for ln in nic if ln.startswith("ping")]
    m = re.search(r"(\d+) packets transmitted, (\d+) packets received", ping[0] if ping else "")
    check(m is not None and m[1] == m[2] != "0", "S5: the inmate pings the root back: %s"
          % (ping[0].split(": ", 1)[1] if ping else "no report"), "\n".join(nic))


def msi_counts(b):
    """The inmate's live report over the NIC (busybox httpd in the inmate):
    {vector: interrupts on all its CPUs}."""
    out = b.run(r"printf 'GET /cgi-bin/state HTTP/1.0\r\n\r\n' | nc -w 5 %s 80" % INMATE_IP,
                timeout=30)
    res = {}
    for ln in out.split("\n"):
        f = ln.split()
        if "ITS-MSI" in f:
            res[f[-1]] = sum(int(x) for x in f[1:f.index("ITS-MSI")])
    return res


def exits(b, name, cpus):
    from harness import cell_stats
    return sum(cell_stats(b, name, cpu).get("vmexits_total", 0) for cpu in cpus)


def root_pings(b, name, cpus):
    """Root -> inmate across the QEMU hub: PINGS packets, none lost; the RTT
    and the inmate CPUs' VM exits per received packet."""
    before = msi_counts(b)
    e0 = exits(b, name, cpus)
    out = b.run("ping -c %d -A -W 2 %s | tail -n 2" % (PINGS, INMATE_IP), timeout=600)
    e1 = exits(b, name, cpus)
    after = msi_counts(b)
    m = re.search(r"(\d+) packets transmitted, (\d+) (?:packets )?received", out)
    rtt = re.search(r"= ([\d.]+)/([\d.]+)/([\d.]+)", out)
    check(m is not None and int(m[1]) == PINGS and int(m[2]) == PINGS,
          "S5: the root pings the inmate across the hub: %d packets, 0 lost (RTT min/avg/max %s ms)"
          % (PINGS, "/".join(rtt.groups()) if rtt else "?"), out)
    rx = [v for v in after if v.endswith("-rx-0")]
    n = after.get(rx[0], 0) - before.get(rx[0], 0) if rx else 0
    check(n > 0, "S5: the inmate took %d RX MSIs for them (%s)" % (n, rx[0] if rx else "no RX vector"),
          "before %s after %s" % (before, after))
    if m:
        print("figure: %d VM exits on the inmate's CPUs for %d received packets: %.1f per packet"
              % (e1 - e0, int(m[2]), (e1 - e0) / max(int(m[2]), 1)), flush=True)


def inmate_linux(b):
    """S5: `isolate-nic --run` enables the hypervisor with root.cell,
    creates the cell and boots Linux in it with inmate.dtb, its NIC through
    its own ITS; (name, CPUs) or None."""
    cfg = json.loads(b.run("cellctl config decode %s/inmate.cell" % ISOLATED, timeout=30))["cell"]
    name, cpus = cfg["name"], set(cfg["cpus"])
    mark, online = inmate_boot(b, run_cmd())
    out = b.run("cat /tmp/linux.out")
    for ln in out.split("\n"):
        if ln.startswith("isolate-nic: S5"):
            print("  " + ln, flush=True)
    steps = re.findall(r"^isolate-nic: S5 (\S+)\s+(\S+)", out, re.M)
    check([st for st, res in steps if res == "ok"] ==
          ["preflight", "prepare", "enable", "create", "boot", "running"],
          "S5: isolate-nic --run: preflight, prepare, enable, create, boot, running: each ok", out)
    run = json.loads(b.run("cat /tmp/s5/run.json") or "{}")
    check(run.get("result") == "ok" and len(run.get("steps", ())) == 6,
          "S5: its report /tmp/s5/run.json says ok for the 6 steps", json.dumps(run))
    if not check(online is not None, "S5: inmate Linux booted in %s (kernel, isolate-nic's "
                 "inmate.dtb, initrd, command line from isolate-nic's options)" % name):
        return None
    check(len(cpu_list(online)) == len(cpus),
          "  ... its /init sees %d CPUs online (%s)" % (len(cpus), online))
    lst = b.run("cellctl cell list")
    m = re.search(r"^\s*([1-9]\d*)\s+%s\s+running\s+(\S+)\s*$" % re.escape(name), lst, re.M)
    check(m is not None and cpu_list(m[2]) == cpus, "the inmate cell is listed running", lst)
    online = b.run("cat /sys/devices/system/cpu/online")
    check(not cpu_list(online) & cpus and cpu_list(online),
          "Linux gave the inmate's CPUs up (online: %s)" % online)
    inmate_nic(b, mark)
    root_pings(b, name, sorted(cpus))
    return name, cpus


def cycles(b, name):
    """Destroy and boot the inmate again CYCLES times (isolate-nic --run,
    the hypervisor already running): each time the root gets all CPUs and
    its pool back, and the NIC works again."""
    pool = None
    good = 0
    for i in range(CYCLES):
        rc, out = b.run_rc("cellctl cell destroy " + name, timeout=90)
        back = b.run("cat /sys/devices/system/cpu/online %s/mem_pool_used" % SYSFS).split("\n")
        pool = pool or back[-1]
        if rc != 0 or back != ["0-3", pool]:
            check(False, "cycle %d: destroy gives CPUs and pool back" % (i + 1),
                  "rc=%d %s; online, pool: %s (baseline %s)" % (rc, out, back, pool))
            break
        mark, online = inmate_boot(b, run_cmd(), quiet=True)
        up = inmate_lines(b, mark, r"nic eth\d UP ")
        out = b.run("ping -c 20 -A -W 2 %s | tail -n 2" % INMATE_IP, timeout=120)
        if online is None or not up or not re.search(r"20 packets transmitted, 20 (packets )?received", out):
            check(False, "cycle %d: the inmate boots again and its NIC answers" % (i + 1),
                  "\n".join(b.console[mark:][-20:]) + "\n" + out)
            break
        good += 1
    check(good == CYCLES, "%d destroy/create cycles in one boot: each time all CPUs and the "
          "pool back at baseline (%s pages), then isolate-nic --run (enable skipped) boots the "
          "inmate again with its NIC answering 20 pings" % (CYCLES, pool))
    return pool


def run_refusals(b, name):
    """isolate-nic --run failing at a step names it and leaves the machine
    as it was: a second run while the inmate runs fails at create (nothing
    of its own to undo, the inmate untouched)."""
    rc, out = b.run_rc(run_cmd(), timeout=120)
    steps = re.findall(r"^isolate-nic: S5 (\S+)\s+(\S+)", out, re.M)
    check(rc == 1 and steps == [("preflight", "ok"), ("prepare", "ok"), ("enable", "skipped"),
                                ("create", "failed")] and "File exists" in out,
          "isolate-nic --run while %s runs: fails at create (the name is taken), enable skipped, "
          "nothing undone" % name, out)
    out = b.run("cellctl cell list | grep -c %s; ping -c 5 -A -W 2 %s | grep -c ' 0%% packet loss'"
                % (name, INMATE_IP), timeout=60)
    check(out.split("\n") == ["1", "1"], "  ... the inmate still runs and answers", out)


# A kernel Image that powers its cell off at once (PSCI SYSTEM_OFF): the
# header (branch to 0x40, image_size 64 KiB, flags 4K/LE/anywhere, magic),
# then movz w0, #8; movk w0, #0x8400, lsl #16; smc #0; b .
OFF_IMAGE = (struct.pack("<IIQQQQQQII", 0x14000010, 0xd503201f, 0, 0x10000, 0xa, 0, 0, 0,
                         0x644d5241, 0) +
             struct.pack("<IIII", 0x52800100, 0x72b08000, 0xd4000003, 0x14000000))


def run_undo(b):
    """isolate-nic --run whose cell powers off at once: the running step
    fails, the run destroys the cell and disables the hypervisor it
    enabled; the machine is as before."""
    rc, out = b.run_rc(run_cmd(kernel=ISOLATED + "/off.Image"), timeout=120)
    steps = re.findall(r"^isolate-nic: S5 (\S+)\s+(\S+)", out, re.M)
    check(rc == 1 and steps == [("preflight", "ok"), ("prepare", "ok"), ("enable", "ok"),
                                ("create", "ok"), ("boot", "ok"), ("running", "failed"),
                                ("undo", "ok"), ("undo", "ok")] and "is shut down" in out,
          "isolate-nic --run with a kernel that powers off: running fails, the cell is destroyed "
          "and the hypervisor this run enabled disabled again", out)
    run = json.loads(b.run("cat /tmp/s5/run.json") or "{}")
    check(run.get("result") == "failed" and run.get("failed_step") == "running",
          "  ... run.json names the failed step", json.dumps(run))
    out = b.run("cat %s/enabled /sys/devices/system/cpu/online" % SYSFS)
    check(out.split("\n") == ["0", "0-3"], "  ... hypervisor disabled, all CPUs online", out)


def gic_refusals(b, pool):
    """The demo inmate in a cell that owns the ITS aims the LPI tables and
    the ITS command queue at the root's RAM: refused, reported, the cell
    fails when it insists, the root unharmed."""
    cell = "/etc/libcell/isolated/demo-its.cell"
    for insist, line in (("lpi", r"refused GICR_CTLR\.EnableLPIs 1: no accepted LPI property "
                                 r"and pending tables"),
                         ("its", r"refused GITS_CTLR\.Enabled 1: a queue or table address of "
                                 r"the ITS was refused")):
        b.run(r"printf 'mode=lpi insist=%s\000' > /tmp/params.txt" % insist)
        rc, out = b.run_rc("cellctl cell create %s && cellctl cell load inmate-demo "
                           "/usr/share/libcell/inmates/hello.bin@0 /tmp/params.txt@0x1000"
                           % cell, timeout=60)
        if not check(rc == 0, "demo-its (inmate-demo owning the ITS) created and loaded", out):
            return
        mark = len(b.console)
        b.run("(sleep 0.3; cellctl cell start inmate-demo) > /tmp/start.out 2>&1 < /dev/null &")
        b.wait_for(r"CPU parked, cell failed|lpi: still running|unhandled .*parking", 60,
                   start=mark, what="the demo's insisting write")
        text = "\n".join(b.console[mark:])
        want = [r'cell "inmate-demo" CPU 1: refused GICR_PROPBASER 4000000f: LPI property table '
                r'40000000\+[0-9a-f]+ is not in the cell\'s own identity-mapped RAM',
                r"lpi: GICR_PROPBASER 4000000f written, reads 0\b",
                r'refused GICR_PENDBASER 40000000: LPI pending table 40000000\+[0-9a-f]+',
                r"lpi: GICR_PENDBASER 40000000 written, reads 0\b",
                r'refused GITS_CBASER 8000000040000000: ITS command queue 40000000\+1000',
                r"lpi: GITS_CBASER 8000000040000000 written, reads 0\b",
                line, r'cell "inmate-demo" CPU 1: refused device access .*CPU parked, cell failed']
        missing = [w for w in want if not re.search(w, text)]
        check(not missing, "insist=%s: PROPBASER, PENDBASER and GITS_CBASER at the root's RAM "
              "refused and reported, not written; enabling %s on them fails the cell"
              % (insist, "LPIs" if insist == "lpi" else "the ITS"),
              "missing: %s\n%s" % (missing, text[-2000:]))
        lst = b.run("cellctl cell list")
        check(re.search(r"^\s*\d+\s+inmate-demo\s+failed\s", lst, re.M) is not None,
              "  ... the cell is listed failed", lst)
        rc, out = b.run_rc("cellctl cell destroy inmate-demo", timeout=60)
        out = b.run("cat /sys/devices/system/cpu/online %s/mem_pool_used; ping -c 3 -W 2 %s "
                    ">/dev/null && echo PING-OK; dmesg | grep -cE '%s' || true"
                    % (SYSFS, ROOT_IP, OOPS), timeout=60)
        check(rc == 0 and out.split("\n") == ["0-3", pool, "PING-OK", "0"],
              "  ... destroyed: the root unharmed (all CPUs, pool at baseline, NIC answers, "
              "dmesg clean)", out)


def guest_flow(b, state, bad, tests):
    for ko in state["kmod"]:
        b.run("insmod /lib/modules/libcell/" + ko, timeout=30)
    guest_refusals(b, bad)
    dm = b.run("dmesg", timeout=30)
    check(re.search(r"ITS: No ITS available", dm) is not None,
          "S1: the host Linux finds no ITS (it went to the inmate tree)")
    check(b.run("ls /sys/bus/pci/devices 2>/dev/null | wc -l") == "0",
          "S1: the host Linux has no PCI device (the root complex went to the inmate tree)")

    # The root keeps its own NIC: a virtio-mmio device the handoff left alone.
    nic = b.run("for n in /sys/class/net/eth*; do echo ${n##*/} $(basename $(readlink $n/device/driver)); done")
    m = re.search(r"^(eth\d) virtio_net$", nic, re.M)
    if check(m is not None, "the root keeps its virtio NIC", nic):
        b.run("ip addr add %s/24 dev %s && ip link set %s up && ip link set lo up"
              % (ROOT_IP, m[1], m[1]))
    if tests:
        run_undo(b)
    res = inmate_linux(b)
    if not res:
        return
    name, cpus = res
    lst = b.run("cellctl cell list")
    check(re.search(r"^\s*0\s+\S+\s+running\s+0-1\s*$", lst, re.M) is not None,
          "the root cell keeps CPUs 0-1", lst)
    out = b.run("ping -c 50 -A -W 2 %s | tail -n 2" % ROOT_IP, timeout=60)
    check(re.search(r"50 packets transmitted, 50 (packets )?received", out) is not None,
          "the root Linux answers 50 pings on its NIC's address under the hypervisor", out)
    out = b.run("cat %s/enabled; ping -c 3 -W 2 %s >/dev/null && echo PING-OK;"
                " dmesg | grep -cE '%s' || true" % (SYSFS, ROOT_IP, OOPS), timeout=60)
    check(out.split("\n") == ["1", "PING-OK", "0"],
          "the root Linux unharmed beside the running inmate (hypervisor enabled, NIC answers, "
          "dmesg clean)", out)
    pool = None
    if tests:
        run_refusals(b, name)
        pool = cycles(b, name)
    rc, out = b.run_rc("cellctl cell destroy " + name, timeout=90)
    check(rc == 0 and name not in b.run("cellctl cell list"),
          "cell destroy %s: the running inmate stopped and gone" % name, out)
    out = b.run("cat /sys/devices/system/cpu/online %s/mem_pool_used; ping -c 3 -W 2 %s "
                ">/dev/null && echo PING-OK; dmesg | grep -cE '%s' || true"
                % (SYSFS, ROOT_IP, OOPS), timeout=60).split("\n")
    pool = pool or out[1]
    check(out == ["0-3", pool, "PING-OK", "0"],
          "Linux unharmed, all CPUs online again, pool at baseline (%s pages), NIC answers, "
          "dmesg clean" % pool, "\n".join(out))
    if tests:
        gic_refusals(b, pool)
    rc, out = b.run_rc("cellctl disable", timeout=90)
    check(rc == 0 and b.run("cat %s/enabled" % SYSFS) == "0",
          "cellctl disable hands the machine back to Linux", out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--work", required=True)
    src_or = ap.add_mutually_exclusive_group(required=True)
    src_or.add_argument("--outputs")
    src_or.add_argument("--fixtures")
    ap.add_argument("--state")
    a = ap.parse_args()
    src, work, build = (os.path.abspath(x) for x in (a.src, a.work, a.build))
    sys.path.insert(0, os.path.join(src, "tests", "board"))
    from board import Board, BoardError
    os.makedirs(work, exist_ok=True)
    state = load_state(a.state) if a.state else prepare_board(src, build, work)
    if not state:
        return 1
    outputs = (os.path.abspath(a.outputs) if a.outputs else
               run_isolate_nic(src, build, work))
    if not outputs:
        return 1
    # The refusals are tests, not part of the main job's S5.
    bad = bad_grants(src, build, outputs, work) if a.fixtures else {}
    if a.fixtures:
        bad["off.Image"] = os.path.join(work, "off.Image")
        with open(bad["off.Image"], "wb") as f:
            f.write(OFF_IMAGE)
    initrd = overlay_initrd(state, outputs, work, bad)
    log = os.path.join(work, "console.log")
    print("console log: " + log, flush=True)
    try:
        with Board(initrd, log=log, qemu_extra=["-dtb", os.path.join(outputs, "host.dtb")]) as b:
            check(True, "the board boots the handed-off host.dtb (%.1f s)" % b.boot_seconds)
            guest_flow(b, state, bad, bool(a.fixtures))
    except BoardError as e:
        check(False, "board run", str(e))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
