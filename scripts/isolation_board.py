#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Step S5 of the main job: run isolate-nic's outputs on the default board.

Boots the QEMU virt board (tests/board) with the host tree isolate-nic
wrote, loads the module, enables the hypervisor with isolate-nic's
root.cell (the GICR granted READ|WRITE|IO, the PCIe windows carved out),
checks that the root Linux runs without the PCIe root complex and its ITS
and keeps its own NIC, then asks for the inmate cell from inmate.cell.

Then the inmate: `cellctl cell linux` boots the board's own Debian kernel
in inmate.cell with isolate-nic's inmate.dtb (the PCIe root complex and
its ITS in it) and a small initramfs whose /init reports the CPUs it has;
the root keeps its CPUs 0-1, its console and its NIC. Then the running
inmate is destroyed (its CPUs come back to Linux) and the hypervisor
disabled. The inmate driving the NIC through its ITS is not there yet: a
"pending" line says so instead of pretending.

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


def bad_grants(build, outputs, work):
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
    for name, text in res.items():
        src = os.path.join(work, name + ".json")
        with open(src, "w", encoding="utf-8") as f:
            f.write(text)
        subprocess.run([cellctl, "config", "encode", src, "-o", os.path.join(work, name)],
                       check=True)
    return {name: os.path.join(work, name) for name in res}


def overlay_initrd(state, outputs, work, extra_files):
    """The board's initramfs plus isolate-nic's configs under
    /etc/libcell/isolated (the kernel unpacks concatenated archives)."""
    import initramfs
    a = initramfs.Archive()
    for name in ("root.cell", "inmate.cell", "inmate.dtb", "report.json"):
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
    for name in sorted(bad):
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


def inmate_linux(b):
    """S5: boot Linux in the inmate cell with isolate-nic's inmate.dtb; its name."""
    path = "/etc/libcell/isolated/inmate.cell"
    cfg = json.loads(b.run("cellctl config decode " + path, timeout=30))["cell"]
    name, cpus = cfg["name"], set(cfg["cpus"])
    mark = len(b.console)
    # From a background job: the inmate's early console shares the UART.
    b.run("(sleep 0.3; cellctl cell linux %s %s/Image -d /etc/libcell/isolated/inmate.dtb"
          " -i %s/initrd.cpio.gz -c '%s'; echo rc=$?) > /tmp/linux.out 2>&1 &"
          % (path, LINUX, LINUX, CMDLINE))
    m = b.wait_for(r"LIBCELL-INMATE: init reached, CPUs online (\S+)|Kernel panic|"
                   r"unhandled .*parking|CPU parked, cell failed|Internal error|Unable to handle", 240, start=mark,
                   what="the inmate Linux's /init")
    if m.group(1) is not None:
        # its last lines come after /init's report: keep the shell quiet until then
        b.wait_for(r"LIBCELL-INMATE: done|Kernel panic|unhandled .*parking|CPU parked, cell failed", 120, start=mark,
                   what="the end of the inmate's report")
    out = b.run("cat /tmp/linux.out")
    if not check(m.group(1) is not None and "rc=0" in out,
                 "S5: inmate Linux booted in %s (cellctl cell linux, isolate-nic's inmate.dtb)"
                 % name, out + "\n" + "\n".join(b.console[-30:])):
        return False
    check(len(cpu_list(m.group(1))) == len(cpus),
          "  ... its /init sees %d CPUs online (%s)" % (len(cpus), m.group(1)))
    lst = b.run("cellctl cell list")
    m = re.search(r"^\s*([1-9]\d*)\s+%s\s+running\s+(\S+)\s*$" % re.escape(name), lst, re.M)
    check(m is not None and cpu_list(m[2]) == cpus, "the inmate cell is listed running", lst)
    online = b.run("cat /sys/devices/system/cpu/online")
    check(not cpu_list(online) & cpus and cpu_list(online),
          "Linux gave the inmate's CPUs up (online: %s)" % online)
    print("pending: S5 NIC: the inmate's Linux driving the PCIe NIC through its own ITS "
          "is the next step", flush=True)
    return name


def guest_flow(b, state, bad):
    for ko in state["kmod"]:
        b.run("insmod /lib/modules/libcell/" + ko, timeout=30)
    guest_refusals(b, bad)
    dm = b.run("dmesg", timeout=30)
    check(re.search(r"ITS: No ITS available", dm) is not None,
          "S1: the host Linux finds no ITS (it went to the inmate tree)")
    check(b.run("ls /sys/bus/pci/devices 2>/dev/null | wc -l") == "0",
          "S1: the host Linux has no PCI device (the root complex went to the inmate tree)")

    rc, out = b.run_rc("cellctl enable /etc/libcell/isolated/root.cell", timeout=90)
    if not check(rc == 0, "S5: cellctl enable root.cell (isolate-nic's root configuration)", out):
        return
    lst = b.run("cellctl cell list")
    check(re.search(r"^\s*0\s+\S+\s+running\s+0-3\s*$", lst, re.M) is not None,
          "the root cell runs on CPUs 0-3", lst)
    # The root keeps its own NIC: a virtio-mmio device the handoff left alone.
    nic = b.run("for n in /sys/class/net/eth*; do echo ${n##*/} $(basename $(readlink $n/device/driver)); done")
    m = re.search(r"^(eth\d) virtio_net$", nic, re.M)
    if check(m is not None, "the root keeps its virtio NIC", nic):
        b.run("ip addr add 192.0.2.1/24 dev %s && ip link set %s up && ip link set lo up"
              % (m[1], m[1]))
        out = b.run("ping -c 50 -A -W 2 192.0.2.1 | tail -n 2", timeout=60)
        check(re.search(r"50 packets transmitted, 50 (packets )?received", out) is not None,
              "the root Linux answers 50 pings on its NIC's address under the hypervisor", out)

    name = inmate_linux(b)
    if not name:
        return
    out = b.run("cat /sys/devices/jailhouse/enabled; ping -c 3 -W 2 192.0.2.1 >/dev/null &&"
                " echo PING-OK; dmesg | grep -cE 'Oops|BUG:|Internal error|WARNING:|"
                "Unable to handle' || true", timeout=60)
    check(out.split("\n") == ["1", "PING-OK", "0"],
          "the root Linux unharmed beside the running inmate (hypervisor enabled, NIC answers, "
          "dmesg clean)", out)
    rc, out = b.run_rc("cellctl cell destroy " + name, timeout=90)
    check(rc == 0 and name not in b.run("cellctl cell list"),
          "cell destroy %s: the running inmate stopped and gone" % name, out)
    out = b.run("cat /sys/devices/system/cpu/online; ping -c 3 -W 2 192.0.2.1 >/dev/null &&"
                " echo PING-OK; dmesg | grep -cE 'Oops|BUG:|Internal error|WARNING:|"
                "Unable to handle' || true", timeout=60)
    check(out.split("\n") == ["0-3", "PING-OK", "0"],
          "Linux unharmed, all CPUs online again, NIC answers, dmesg clean", out)
    rc, out = b.run_rc("cellctl disable", timeout=90)
    check(rc == 0 and b.run("cat /sys/devices/jailhouse/enabled") == "0",
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
    bad = bad_grants(build, outputs, work) if a.fixtures else {}
    initrd = overlay_initrd(state, outputs, work, bad)
    log = os.path.join(work, "console.log")
    print("console log: " + log, flush=True)
    try:
        with Board(initrd, log=log, qemu_extra=["-dtb", os.path.join(outputs, "host.dtb")]) as b:
            check(True, "the board boots the handed-off host.dtb (%.1f s)" % b.boot_seconds)
            guest_flow(b, state, bad)
    except BoardError as e:
        check(False, "board run", str(e))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
