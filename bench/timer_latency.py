#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Timer latency of the demo inmate, bare and inside a cell: the cost of
the hypervisor's interrupt path.

The same hello.bin (inmates/demos/hello.c, mode=timer) runs twice under
QEMU with -icount (deterministic virtual time: one counter tick of the
62.5 MHz generic timer per instruction at shift=4):
  bare: QEMU virt at EL1 without EL2 (virtualization=off), the image
        booted with -kernel and its parameter block filled in;
  cell: the board (tests/board) with the hypervisor enabled, the image
        loaded into the inmate-demo cell on CPU 1 with the same parameters.
Prints min/avg/max latency in ns for both and the ratio cell/bare. The
minimum is the cost of the interrupt path and repeats exactly; in the cell
run, average and maximum also hold ticks that waited while QEMU's single
icount thread ran the root's vCPUs, and vary from run to run.
A figure, not a test: it asserts nothing about the numbers.

usage: timer_latency.py STATE_JSON [--ticks N] [--period-us P] [--out DIR]
STATE_JSON is the prepared board's state (build/board/state.json, written
by the board_prepare test).
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "board"))
from board import Board, load_env  # noqa: E402

ICOUNT = ["-icount", "shift=4,sleep=off", "-rtc", "clock=vm"]
PARAMS_OFFSET = 0x1000          # inmates/lib/params.h
LATENCY = re.compile(r"timer: (\d+) ticks of (\d+) us, latency min (\d+) avg (\d+) max (\d+) ns")


def params(ticks, period_us):
    return b"mode=timer ticks=%d period_us=%d\0" % (ticks, period_us)


def parse(text, what):
    m = LATENCY.search(text)
    if not m:
        sys.exit("%s: no latency line in the output" % what)
    return [int(x) for x in m.groups()]


def bare(env, image, blob, work):
    """Boot the image at EL1 with nothing underneath."""
    path = os.path.join(work, "hello-bare.bin")
    with open(image, "rb") as f:
        data = bytearray(f.read())
    data[PARAMS_OFFSET:PARAMS_OFFSET + len(blob)] = blob
    with open(path, "wb") as f:
        f.write(data)
    log = os.path.join(work, "bare.log")
    with open(log, "w", encoding="utf-8") as out:
        subprocess.run(["timeout", "120", env.get("QEMU", "qemu-system-aarch64"),
                        "-machine", "virt,gic-version=3,virtualization=off",
                        "-cpu", "cortex-a57", "-smp", "1", "-m", "1024M", "-nographic",
                        "-no-reboot", "-nic", "none", "-kernel", path] + ICOUNT,
                       stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                       check=False)
    with open(log, encoding="utf-8", errors="replace") as f:
        return parse(f.read(), "bare run (%s)" % log)


def cell(state, blob, work):
    """The board with the hypervisor; the demo in inmate-demo on CPU 1."""
    log = os.path.join(work, "cell.log")
    with Board(state["initrd"], log=log, append="nokaslr", qemu_extra=ICOUNT) as b:
        for ko in state["kmod"]:
            b.run("insmod /lib/modules/libcell/" + ko, timeout=60)
        for cmd in ("cellctl enable /etc/libcell/root.cell",
                    "cellctl cell create /etc/libcell/inmate-demo.cell"):
            rc, out = b.run_rc(cmd, timeout=120)
            if rc:
                sys.exit("cell run: %s: %s" % (cmd, out))
        b.run("printf '%s' > /tmp/timer.txt" % blob.decode().replace("\0", "\\000"))
        rc, out = b.run_rc("cellctl cell load inmate-demo "
                           "/usr/share/libcell/inmates/hello.bin@0 /tmp/timer.txt@0x1000")
        if rc:
            sys.exit("cell run: load: " + out)
        mark = len(b.console)
        b.run("(sleep 0.3; cellctl cell start inmate-demo) >/dev/null 2>&1 </dev/null &")
        b.wait_for(r"timer: powering off|unhandled .*parking|CPU parked, cell failed|FATAL", 300, start=mark,
                   what="the timer demo")
        return parse("\n".join(b.console[mark:]), "cell run (%s)" % log)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("state")
    ap.add_argument("--ticks", type=int, default=1000)
    ap.add_argument("--period-us", type=int, default=1000)
    ap.add_argument("--out", help="directory for the console logs (default: a temporary one)")
    a = ap.parse_args()
    with open(a.state, encoding="utf-8") as f:
        state = json.load(f)
    if "hello" not in state.get("inmates", []) or not state.get("kmod"):
        sys.exit("the board is not prepared with the hypervisor stack and hello.bin")
    image = os.path.join(state["native_build"], "inmates", "hello.bin")
    blob = params(a.ticks, a.period_us)
    work = a.out or tempfile.mkdtemp(prefix="timer-latency.")
    os.makedirs(work, exist_ok=True)
    b = bare(load_env(), image, blob, work)
    c = cell(state, blob, work)
    print("timer latency, %d ticks of %d us, QEMU -icount shift=4 (logs in %s)"
          % (a.ticks, a.period_us, work))
    print("%-6s %6s %10s %10s %10s" % ("", "ticks", "min ns", "avg ns", "max ns"))
    for name, r in (("bare", b), ("cell", c)):
        print("%-6s %6d %10d %10d %10d" % (name, r[0], r[2], r[3], r[4]))
    print("%-6s %6s %10s %10s %10s" % ("ratio", "", *("%.1f" % (c[i] / b[i]) if b[i] else "-"
                                                       for i in (2, 3, 4))))


if __name__ == "__main__":
    main()
