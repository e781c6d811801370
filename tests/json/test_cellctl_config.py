#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""cellctl config decode/encode/show on the example configurations.

usage: test_cellctl_config.py CELLCTL SOURCE_DIR EXAMPLES_BUILD_DIR
"""
import json
import os
import subprocess
import sys
import tempfile

EXAMPLES = ["qemu-virt/root", "qemu-virt/linux-inmate", "x86/root"]
failures = []


def run(*args, expect=0):
    p = subprocess.run([CELLCTL, *args], capture_output=True)
    if p.returncode != expect:
        failures.append("%s: exit %d, want %d; stderr: %s"
                        % (" ".join(args), p.returncode, expect,
                           p.stderr.decode(errors="replace")))
    return p


def check(cond, what):
    if not cond:
        failures.append(what)


def main():
    global CELLCTL
    CELLCTL, src, built = sys.argv[1:4]
    tmp = tempfile.mkdtemp(prefix="cellctl-config-")

    for name in EXAMPLES:
        cell = os.path.join(built, name + ".cell")
        if not os.path.exists(cell):
            failures.append("%s: not built by the example_configs target" % cell)
            continue
        orig = open(cell, "rb").read()
        # .cell -> JSON -> .cell reproduces the bytes; JSON -> .cell -> JSON is stable.
        dec = run("config", "decode", cell)
        j1 = os.path.join(tmp, name.replace("/", "-") + ".json")
        open(j1, "wb").write(dec.stdout)
        doc = json.loads(dec.stdout)
        check(doc["revision"] == 14, "%s: revision %r" % (name, doc["revision"]))
        out = os.path.join(tmp, name.replace("/", "-") + ".cell")
        run("config", "encode", j1, "-o", out)
        check(open(out, "rb").read() == orig, "%s: decode->encode not byte-exact" % name)
        dec2 = run("config", "decode", out)
        check(dec2.stdout == dec.stdout, "%s: JSON not stable" % name)
        j2 = j1 + ".o"
        run("config", "decode", out, "-o", j2)
        check(open(j2, "rb").read() == dec.stdout, "%s: decode -o differs from stdout" % name)
        # The source JSON encodes to the same image as the build did.
        out2 = out + ".src"
        run("config", "encode", os.path.join(src, "examples/configs", name + ".json"),
            "-o", out2)
        check(open(out2, "rb").read() == orig, "%s: source JSON encodes differently" % name)
        # Re-encoding a binary image (no JSON) is also accepted and exact.
        run("config", "encode", cell, "-o", out2)
        check(open(out2, "rb").read() == orig, "%s: .cell -> .cell changed bytes" % name)
        # show works on both forms and lists every memory region.
        for f in (cell, j1):
            sh = run("config", "show", f).stdout.decode()
            regions = doc.get("root_cell", doc.get("cell"))["memory_regions"]
            check("Memory regions (%d):" % len(regions) in sh,
                  "%s: show lacks the region count:\n%s" % (f, sh))

    sh = run("config", "show", os.path.join(built, "qemu-virt/root.cell")).stdout.decode()
    for want in ("system configuration, arm64, revision 14", "CPUs: 0-3",
                 "pins 32-159", "0x0000004010000000", "READ WRITE IO",
                 "Hypervisor memory: 0x7fc00000 size 0x400000 (4 MiB)",
                 "GIC: v3, maintenance IRQ 25"):
        check(want in sh, "show qemu-virt/root: missing %r in:\n%s" % (want, sh))
    sh = run("config", "show", os.path.join(built, "qemu-virt/linux-inmate.cell")).stdout.decode()
    for want in ("CPUs: 2-3", "cpu_reset_address 0x70000000", "Irqchips (0)", "COMM_REGION",
                 "flags PASSIVE_COMMREG VIRTUAL_CONSOLE_PERMITTED"):
        check(want in sh, "show linux-inmate: missing %r in:\n%s" % (want, sh))

    # Revision 13 upgrade: the 6-byte signature replaces signature + arch.
    inmate = open(os.path.join(built, "qemu-virt/linux-inmate.cell"), "rb").read()
    old = bytearray(inmate)
    old[0:6] = b"JHCELL"
    old[6:8] = (13).to_bytes(2, "little")
    r13 = os.path.join(tmp, "rev13.cell")
    open(r13, "wb").write(old)
    j13 = json.loads(run("config", "decode", r13).stdout)
    check(j13["architecture"] == "unknown" and j13["revision"] == 13,
          "rev 13 decode: %r %r" % (j13.get("architecture"), j13.get("revision")))
    up = os.path.join(tmp, "up.cell")
    p = run("config", "encode", r13, "-o", up, "--revision", "14", expect=1)
    check(b"--arch" in p.stderr, "upgrade without --arch: %r" % p.stderr)
    check(not os.path.exists(up), "failed encode left an output file")
    run("config", "encode", r13, "-o", up, "--arch", "arm64", "--revision", "14")
    check(open(up, "rb").read() == inmate, "rev 13 -> 14 upgrade differs from the rev 14 image")
    run("config", "encode", r13, "-o", up)
    check(open(up, "rb").read() == bytes(old), "rev 13 re-encode not exact")

    # "config check" is dispatched to the checker: the examples pass, and an
    # inmate whose RAM overlaps the hypervisor does not.
    root = os.path.join(built, "qemu-virt/root.cell")
    run("config", "check", root, os.path.join(built, "qemu-virt/linux-inmate.cell"))
    doc = json.load(open(os.path.join(src, "examples/configs/qemu-virt/linux-inmate.json")))
    doc["cell"]["memory_regions"][1]["phys_start"] = "0x7fc00000"
    overlap = os.path.join(tmp, "overlap.json")
    json.dump(doc, open(overlap, "w"))
    p = run("config", "check", root, overlap, expect=1)
    check(b"MEM_HYPERVISOR" in p.stdout + p.stderr, "check: no MEM_HYPERVISOR: %r" % p.stdout)

    # The example in docs/config-json.md is valid and means the same cell as
    # the example file it abridges.
    text = open(os.path.join(src, "docs/config-json.md")).read()
    block = text.split("```json\n", 1)[1].split("```", 1)[0]
    doc_json = os.path.join(tmp, "doc-example.json")
    open(doc_json, "w").write(block)
    doc_cell = os.path.join(tmp, "doc-example.cell")
    run("config", "encode", doc_json, "-o", doc_cell)
    check(os.path.exists(doc_cell) and open(doc_cell, "rb").read() == inmate,
          "docs/config-json.md example differs from linux-inmate.json")

    # Errors: exit 1 with file and JSON path, exit 2 for usage.
    bad = os.path.join(tmp, "bad.json")
    doc = json.load(open(os.path.join(src, "examples/configs/qemu-virt/root.json")))
    doc["root_cell"]["memory_regions"][3]["flags"] = ["READ", "REED"]
    json.dump(doc, open(bad, "w"))
    p = run("config", "encode", bad, "-o", os.path.join(tmp, "x.cell"), expect=1)
    check(("%s: root_cell.memory_regions[3].flags: unknown flag 'REED'" % bad).encode()
          in p.stderr, "bad flag message: %r" % p.stderr)
    check(not os.path.exists(os.path.join(tmp, "x.cell")), "output written on error")
    trunc = os.path.join(tmp, "trunc.cell")
    open(trunc, "wb").write(inmate[:-4])
    p = run("config", "decode", trunc, expect=1)
    check(trunc.encode() in p.stderr and b"offset" in p.stderr,
          "truncated image message: %r" % p.stderr)
    run("config", "show", os.path.join(tmp, "missing.cell"), expect=1)
    run("config", "decode", expect=2)
    run("config", "encode", bad, expect=2)
    run("config", "encode", bad, "-o", "x", "--arch", "mips", expect=2)
    run("config", "frobnicate", expect=2)
    # The input is never modified in place.
    check(open(os.path.join(built, "qemu-virt/linux-inmate.cell"), "rb").read() == inmate,
          "input modified")

    for f in failures:
        print("FAIL:", f)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
