#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""cellctl enable/disable/info/cell/console against a fake driver tree
(LIBCELL_HV_SYSFS, LIBCELL_HV_DEVICE, LIBCELL_HV_FDT): output formats, exit
codes, errors, and enable's warning of an ITS the root does not map."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

CELLCTL = sys.argv[1]
EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples",
                        "configs", "qemu-virt")
failed = 0

# QEMU virt's GICv3 with its ITS, as the root's Linux sees it on our board.
GIC_DTS = """/dts-v1/;
/ {
    #address-cells = <2>; #size-cells = <2>;
    intc@8000000 {
        compatible = "arm,gic-v3"; interrupt-controller; #interrupt-cells = <3>;
        reg = <0 0x08000000 0 0x10000>, <0 0x080a0000 0 0xf60000>;
        #address-cells = <2>; #size-cells = <2>; ranges;
        its@8080000 {
            compatible = "arm,gic-v3-its"; msi-controller; #msi-cells = <1>;
            reg = <0 0x08080000 0 0x20000>;
        };
    };
};
"""

if not shutil.which("dtc"):
    print("SKIP: dtc (device-tree-compiler) is needed to build the test device tree")
    sys.exit(77)


def check(cond, what, detail=""):
    global failed
    print(("ok   " if cond else "FAIL ") + what + ("" if cond else "\n     " + detail))
    if not cond:
        failed += 1


def run(env, *args):
    p = subprocess.run([CELLCTL, *args], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    return p.returncode, p.stdout, p.stderr


def put(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


with tempfile.TemporaryDirectory() as d:
    sysfs = os.path.join(d, "jailhouse")
    for k, v in (("enabled", "1"), ("mem_pool_size", "1003"), ("mem_pool_used", "211"),
                 ("remap_pool_size", "4096"), ("remap_pool_used", "17"),
                 ("console", "CPU 0 at EL2")):
        put(sysfs, k, v + "\n")
    for rel, v in (("name", "qemu-virt"), ("state", "running"), ("cpus_assigned_list", "0-3"),
                   ("cpus_failed_list", ""), ("statistics/vmexits_total", "12345"),
                   ("statistics/vmexits_psci", "6"), ("statistics/cpu3/vmexits_total", "40")):
        put(sysfs, "cells/0/" + rel, v + "\n")
    dev = os.path.join(d, "dev")
    put(d, "dev", "")
    env = dict(os.environ, LIBCELL_HV_SYSFS=sysfs, LIBCELL_HV_DEVICE=dev)

    rc, out, err = run(env, "cell", "list")
    check(rc == 0 and re.search(r"^ID\s+Name\s+State\s+Assigned CPUs\s+Failed CPUs$", out, re.M),
          "cell list header", out + err)
    check(re.search(r"^0\s+qemu-virt\s+running\s+0-3\s*$", out, re.M), "cell list root row", out)
    rc, out, err = run(env, "cell", "stats", "qemu-virt")
    check(rc == 0 and out == "vmexits_psci            6\nvmexits_total           12345\n",
          "cell stats by name", repr(out) + err)
    rc, out, err = run(env, "cell", "stats", "0", "--cpu", "3")
    check(rc == 0 and re.search(r"^vmexits_total\s+40$", out, re.M), "cell stats --cpu", out + err)
    rc, out, err = run(env, "cell", "stats", "0", "--cpu", "x")
    check(rc == 2 and "bad CPU number" in err, "cell stats bad --cpu is a usage error", err)
    rc, out, err = run(env, "cell", "stats", "nope")
    check(rc == 1 and err == "cellctl: no cell named 'nope'\n", "cell stats unknown cell", err)
    rc, out, err = run(env, "info")
    check(rc == 0 and re.search(r"^mem_pool_used\s+211$", out, re.M) and
          re.search(r"^enabled\s+1$", out, re.M), "info", out + err)
    rc, out, err = run(env, "console")
    check(rc == 0 and out == "CPU 0 at EL2\n", "console (sysfs snapshot)", out + err)

    # ioctls on a regular file: a clear refusal, exit 1
    root = os.path.join(d, "x.cell")
    rc, out, err = run(env, "config", "encode", "-o", root, "--arch", "arm64",
                       os.path.join(os.path.dirname(__file__), "..", "..", "examples",
                                    "configs", "qemu-virt", "root.json"))
    check(rc == 0, "encode the qemu-virt root config", err)
    rc, out, err = run(env, "enable", root)
    check(rc == 1 and "not a character device" in err and root in err,
          "enable on a non-driver device", err)
    rc, out, err = run(env, "disable")
    check(rc == 1 and "not a character device" in err, "disable on a non-driver device", err)

    # enable warns, before it asks the driver, of an ITS Linux uses and the root leaves unmapped
    fdt = os.path.join(d, "fdt")
    subprocess.run(["dtc", "-I", "dts", "-O", "dtb", "-o", fdt, "-"], input=GIC_DTS, text=True,
                   check=True)
    with open(os.path.join(EXAMPLES, "root.json")) as f:
        cfg = json.load(f)
    regions = cfg["root_cell"]["memory_regions"]
    regions[:] = [m for m in regions if int(m["phys_start"], 16) != 0x08080000]
    no_its = os.path.join(d, "no-its.json")
    with open(no_its, "w") as f:
        json.dump(cfg, f)
    no_its_cell = os.path.join(d, "no-its.cell")
    rc, out, err = run(env, "config", "encode", "-o", no_its_cell, "--arch", "arm64", no_its)
    check(rc == 0, "encode the root config without its ITS region", err)
    env_fdt = dict(env, LIBCELL_HV_FDT=fdt)
    rc, out, err = run(env_fdt, "enable", no_its_cell)
    check(rc == 1 and re.search(r"^cellctl: warning: .*its@8080000 \[0x8080000-0x809ffff\], but no "
                                r"root region maps it", err, re.M) and "not a character device" in err,
          "enable warns of the unmapped ITS, then goes on to the driver", err)
    rc, out, err = run(env_fdt, "enable", root)
    check(rc == 1 and "warning" not in err and "not a character device" in err,
          "enable of a root that maps the ITS: no warning", err)
    rc, out, err = run(dict(env, LIBCELL_HV_FDT=os.path.join(d, "none")), "enable", no_its_cell)
    check(rc == 1 and "warning" not in err and "none" not in err,
          "enable without a readable device tree: no warning, no error about it", err)
    rc, out, err = run(env, "cell", "start", "qemu-virt")
    check(rc == 1 and err.startswith("cellctl: cell start: "), "cell start error", err)
    rc, out, err = run(env, "cell", "load", "1", dev + "@zz")
    check(rc == 2 and "not an address" in err, "cell load bad address", err)
    rc, out, err = run(env, "cell", "frob")
    check(rc == 2 and "unknown subcommand 'frob'" in err, "unknown cell subcommand", err)
    rc, out, err = run(env, "enable")
    check(rc == 2 and "usage" in err, "enable without a file", err)
    rc, out, err = run(env, "enable", os.path.join(d, "missing.cell"))
    check(rc == 1 and "missing.cell" in err, "enable with a missing file", err)
    env2 = dict(env, LIBCELL_HV_DEVICE=os.path.join(d, "nodev"))
    rc, out, err = run(env2, "disable")
    check(rc == 1 and "module loaded" in err, "missing device", err)

print("%d failed" % failed)
sys.exit(1 if failed else 0)
