#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Prepare everything a board run needs; write OUT/state.json.

usage: prepare.py --src SRC --out OUT [--native-build DIR]

1. tests/board/setup.sh (Debian packages into the cache; 77 = skip).
2. arm64 CMake build of cellctl and isolate-nic (static) in OUT/arm64 with
   cmake/toolchain-aarch64-linux-gnu.cmake.
3. The kernel module, when SRC/kmod has a Kbuild or Makefile: kmod/ and
   include/ are copied to OUT/ktree (Kbuild writes its objects next to the
   sources) and built with the stock headers; the module finds the ABI
   header at $(src)/../include and gets LIBCELL_INCLUDE=<that dir> too.
4. The hypervisor image: $LIBCELL_HV_IMAGE, else NATIVE/hypervisor/
   jailhouse.bin, else the arm64 tree's hypervisor* targets are built and
   OUT/arm64/hypervisor/jailhouse.bin taken.
4a. The demo inmates (inmates/demos -> NAME.bin): the native build's, else
   the arm64 tree's "inmates" target.
5. qemu-virt configs: each examples/configs/qemu-virt/*.json encoded with
   the native cellctl ("cellctl config encode IN -o OUT") when it can; the
   root config must pass "cellctl config check", alone and with the others.
   Beside them, upstream-shaped variants (upstream_configs()).
5a. The Linux inmate's pieces in /usr/share/libcell/linux: the board's own
   kernel as Image, linux-inmate.dtb (dtc of
   examples/configs/qemu-virt/linux-inmate.dts) and initrd.cpio.gz (busybox
   and tests/board/inmate-init as /init).
6. The initramfs OUT/initrd.cpio.gz (busybox, /init, NIC modules, cellctl,
   the module, /lib/firmware/jailhouse.bin, configs, the demo inmates in
   /usr/share/libcell/inmates, the Linux inmate, and the static arm64
   test helpers built from tests/board/guest/*.c into /usr/bin).

state.json records what is present, so tests skip (77) with a reason when
the piece they need is missing. Exit 0 ready, 77 skipped, 1 failure.
"""

import argparse
import copy
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import initramfs  # noqa: E402
from board import load_env  # noqa: E402


def log(msg):
    print("prepare: " + msg, flush=True)


def run(argv, **kw):
    """Run argv; on failure print its output and raise SystemExit(1)."""
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, **kw)
    if p.returncode != 0:
        print(p.stdout[-6000:])
        log("FAILED: %s (exit %d)" % (" ".join(argv), p.returncode))
        raise SystemExit(1)
    return p.stdout


def write_state(out, state):
    path = os.path.join(out, "state.json")
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(state, f, indent=1, sort_keys=True)
    os.replace(path + ".tmp", path)


def cross_build(src, out, env):
    b = os.path.join(out, "arm64")
    # Same (default) build type as a plain native configure, so the cross
    # build sees the same warnings under -Werror as the developer's build.
    run(["cmake", "-S", src, "-B", b,
         "-DCMAKE_TOOLCHAIN_FILE=%s/cmake/toolchain-aarch64-linux-gnu.cmake" % src,
         "-DCELL_SYSROOT=" + env["SYSROOT"], "-DBUILD_TESTING=OFF",
         "-DCELL_DOCS=OFF", "-DCMAKE_BUILD_TYPE="])
    # Only what the board needs (host-side steps such as encoding the
    # example configs cannot run an arm64 cellctl).
    run(["cmake", "--build", b, "-j2", "--target", "cellctl", "isolate-nic"])
    cellctl = os.path.join(b, "tools", "cellctl", "cellctl")
    isolate_nic = os.path.join(b, "examples", "isolate-nic", "isolate-nic")
    for path in (cellctl, isolate_nic):
        if not os.path.exists(path):
            log("cross build produced no %s" % path)
            raise SystemExit(1)
    return b, cellctl, isolate_nic


def build_kmod(src, out, env):
    kdir = os.path.join(src, "kmod")
    if not (os.path.exists(os.path.join(kdir, "Kbuild")) or
            os.path.exists(os.path.join(kdir, "Makefile"))):
        return None, "no kmod/Kbuild or kmod/Makefile in the source tree"
    tree = os.path.join(out, "ktree")
    for d in ("kmod", "include"):
        dst = os.path.join(tree, d)
        # Copy only when changed, keeping Kbuild's incremental objects.
        shutil.copytree(os.path.join(src, d), dst, dirs_exist_ok=True)
    m = os.path.join(tree, "kmod")
    run(["make", "-s", "-C", env["KHEADERS"], "M=" + m, "ARCH=arm64",
         "CROSS_COMPILE=" + env.get("CROSS_COMPILE", "aarch64-linux-gnu-"),
         "LIBCELL_INCLUDE=" + os.path.join(tree, "include"), "-j2", "modules"])
    kos = sorted(glob.glob(os.path.join(m, "*.ko")))
    if not kos:
        log("kmod build produced no .ko in %s" % m)
        raise SystemExit(1)
    return kos, None


def build_helpers(src, out, env):
    """Static arm64 test helpers from tests/board/guest/*.c -> {name: path}."""
    res = {}
    cc = env.get("CROSS_COMPILE", "aarch64-linux-gnu-") + "gcc"
    for c in sorted(glob.glob(os.path.join(HERE, "guest", "*.c"))):
        name = os.path.splitext(os.path.basename(c))[0]
        exe = os.path.join(out, "guest", name)
        os.makedirs(os.path.dirname(exe), exist_ok=True)
        run([cc, "-static", "-O2", "-std=c11", "-D_DEFAULT_SOURCE", "-Wall", "-Wextra",
             "-Werror", "-I", os.path.join(src, "include"), "-o", exe, c])
        res[name] = exe
    return res


def find_hv_image(out, native):
    """$LIBCELL_HV_IMAGE, the native build's image, else the arm64 tree's
    (its hypervisor* targets are built only then, to build it once)."""
    cand = [os.environ.get("LIBCELL_HV_IMAGE", "")]
    if native:
        cand.append(os.path.join(native, "hypervisor", "jailhouse.bin"))
    for c in cand:
        if c and os.path.isfile(c):
            return c
    b = os.path.join(out, "arm64")
    names = re.findall(r"^\.\.\. (\S+)", run(["cmake", "--build", b, "--target", "help"]), re.M)
    targets = [n for n in names if n.startswith("hypervisor")]
    if targets:
        run(["cmake", "--build", b, "-j2", "--target"] + targets)
    c = os.path.join(b, "hypervisor", "jailhouse.bin")
    return c if os.path.isfile(c) else None


def find_inmates(out, native):
    """{name: path} of the demo inmate images, built like the hypervisor."""
    d = os.path.join(native, "inmates") if native else ""
    if not glob.glob(os.path.join(d, "*.bin")):
        b = os.path.join(out, "arm64")
        names = re.findall(r"^\.\.\. (\S+)", run(["cmake", "--build", b, "--target", "help"]), re.M)
        if "inmates" in names:
            run(["cmake", "--build", b, "-j2", "--target", "inmates"])
        d = os.path.join(b, "inmates")
    return {os.path.splitext(os.path.basename(p))[0]: p
            for p in sorted(glob.glob(os.path.join(d, "*.bin")))}


def encode_configs(src, out, native):
    """Encode examples/configs/qemu-virt/*.json; return (dict name->path, note)."""
    jsons = sorted(glob.glob(os.path.join(src, "examples", "configs", "qemu-virt", "*.json")))
    if not jsons:
        return {}, "no examples/configs/qemu-virt/*.json yet"
    cellctl = os.path.join(native, "tools", "cellctl", "cellctl") if native else ""
    if not os.path.exists(cellctl):
        return {}, "no native cellctl to encode the configs"
    cfg = os.path.join(out, "configs")
    os.makedirs(cfg, exist_ok=True)
    res, notes = {}, []
    for j in jsons:
        name = os.path.splitext(os.path.basename(j))[0]
        dst = os.path.join(cfg, name + ".cell")
        p = subprocess.run([cellctl, "config", "encode", j, "-o", dst],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if p.returncode == 0 and os.path.exists(dst):
            res[name] = dst
        else:
            notes.append("%s: %s" % (name, p.stdout.strip().splitlines()[-1:] or p.returncode))
    # The system config alone, then with the non-root cells beside it.
    if "root" in res:
        others = [v for k, v in sorted(res.items()) if k != "root"]
        for args in ([res["root"]], [res["root"]] + others):
            p = subprocess.run([cellctl, "config", "check"] + args, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
            if p.returncode == 2 and "unknown subcommand" in p.stdout:
                notes.append("cellctl has no 'config check' yet: configs unchecked")
                break
            if p.returncode != 0:
                print(p.stdout)
                log("FAILED: cellctl config check %s" % " ".join(args))
                raise SystemExit(1)
    return res, "; ".join(notes) or None


ZERO_REGION = {"phys_start": 0, "virt_start": 0, "size": 0, "flags": []}
ZERO_IRQCHIP = {"address": 0, "pin_base": 0, "pin_bitmap": [0, 0, 0, 0]}


def upstream_configs(src, out, native, configs):
    """Configs shaped as upstream Jailhouse writes them, from the examples:
    root-upstream (no ITS region, as upstream's QEMU root config for an
    its=off board; an all-zero region mid-list and an all-zero irqchip
    slot), inmate-upstream (inmate-demo with both kinds of slot), and
    root-zero-bad / inmate-zero-bad (a size-0 region with other fields set,
    which stays refused). Adds them to configs."""
    cellctl = os.path.join(native, "tools", "cellctl", "cellctl") if native else ""
    qv = os.path.join(src, "examples", "configs", "qemu-virt")
    if not os.path.exists(cellctl) or "root" not in configs or "inmate-demo" not in configs:
        return
    with open(os.path.join(qv, "root.json"), encoding="utf-8") as f:
        root = json.load(f)
    with open(os.path.join(qv, "inmate-demo.json"), encoding="utf-8") as f:
        inmate = json.load(f)
    rc = root["root_cell"]
    rc["memory_regions"] = [m for m in rc["memory_regions"] if m["phys_start"] != "0x08080000"]
    rc["memory_regions"].insert(3, dict(ZERO_REGION))
    rc["irqchips"].append(dict(ZERO_IRQCHIP))
    cell = inmate["cell"]
    cell["name"] = "inmate-upstream"
    cell["memory_regions"].insert(1, dict(ZERO_REGION))
    cell["irqchips"] = [dict(ZERO_IRQCHIP)]
    variants = {"root-upstream": copy.deepcopy(root),
                "inmate-upstream": copy.deepcopy(inmate)}
    rc["memory_regions"][3]["flags"] = ["READ"]
    cell["memory_regions"][1] = {"phys_start": "0x7fa00000", "virt_start": "0x400000",
                                 "size": 0, "flags": ["READ", "WRITE"]}
    cell["name"] = "inmate-zero-bad"
    variants.update({"root-zero-bad": root, "inmate-zero-bad": inmate})
    for name, doc in variants.items():
        j = os.path.join(out, "configs", name + ".json")
        dst = os.path.join(out, "configs", name + ".cell")
        with open(j, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1)
        subprocess.run([cellctl, "config", "encode", j, "-o", dst], check=True)
        configs[name] = dst


def build_linux_inmate(src, out, env):
    """{name in /usr/share/libcell/linux: host path} of the Linux inmate."""
    d = os.path.join(out, "linux-inmate")
    os.makedirs(d, exist_ok=True)
    dts = os.path.join(src, "examples", "configs", "qemu-virt", "linux-inmate.dts")
    dtb = os.path.join(d, "linux-inmate.dtb")
    run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", dtb, dts])
    # the same tree for CPUs 1 and 3: what `cell linux` must refuse
    with open(dts, encoding="utf-8") as f:
        text = f.read()
    wrong = os.path.join(d, "linux-inmate-cpus-1-3.dts")
    with open(wrong, "w", encoding="utf-8") as f:
        f.write(text.replace("reg = <0x0 0x2>;", "reg = <0x0 0x1>;"))
    wrong_dtb = os.path.join(d, "linux-inmate-cpus-1-3.dtb")
    run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", wrong_dtb, wrong])
    a = initramfs.Archive()
    a.add_file("bin/busybox", env["BUSYBOX"], 0o755)
    a.add_file("init", os.path.join(HERE, "inmate-init"), 0o755)
    # the NIC the inmate gets with the PCIe root complex (libcell.nic=)
    e1000e = "drivers/net/ethernet/intel/e1000e/e1000e.ko"
    a.add_file("lib/modules/" + os.path.basename(e1000e),
               os.path.join(env["MODULES"], "kernel", e1000e), 0o644)
    initrd = os.path.join(d, "initrd.cpio.gz")
    a.write(initrd)
    return {"Image": env["IMAGE"], "linux-inmate.dtb": dtb, "initrd.cpio.gz": initrd,
            "linux-inmate-cpus-1-3.dtb": wrong_dtb}


def build_initrd(out, env, cellctl, kos, hv, configs, helpers, inmates, linux):
    a = initramfs.Archive()
    a.add_file("bin/busybox", env["BUSYBOX"], 0o755)
    a.add_file("init", os.path.join(HERE, "init"), 0o755)
    mods = env["MODULES"]
    for k in initramfs.NIC_MODULES:
        a.add_file("lib/modules/%s/kernel/%s" % (env["KVER"], k), os.path.join(mods, "kernel", k))
    a.add_file("usr/bin/cellctl", cellctl, 0o755)
    for ko in kos or ():
        a.add_file("lib/modules/libcell/" + os.path.basename(ko), ko, 0o644)
    if hv:
        a.add_file("lib/firmware/jailhouse.bin", hv, 0o644)
    for name, path in configs.items():
        a.add_file("etc/libcell/%s.cell" % name, path, 0o644)
    for name, path in helpers.items():
        a.add_file("usr/bin/" + name, path, 0o755)
    for name, path in inmates.items():
        a.add_file("usr/share/libcell/inmates/%s.bin" % name, path, 0o644)
    for name, path in linux.items():
        a.add_file("usr/share/libcell/linux/" + name, path, 0o644)
    path = os.path.join(out, "initrd.cpio.gz")
    a.write(path)
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--native-build")
    a = ap.parse_args()
    src, out = os.path.abspath(a.src), os.path.abspath(a.out)
    native = os.path.abspath(a.native_build) if a.native_build else None
    os.makedirs(out, exist_ok=True)
    t0 = time.monotonic()

    p = subprocess.run(["bash", os.path.join(HERE, "setup.sh")], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    print(p.stdout, end="")
    if p.returncode == 77:
        write_state(out, {"skip": p.stdout.strip().splitlines()[-1]})
        return 77
    if p.returncode != 0:
        write_state(out, {"error": "setup.sh failed"})
        return 1
    t_setup = time.monotonic() - t0
    env = load_env()
    write_state(out, {"error": "prepare did not finish"})

    arm64, cellctl, isolate_nic = cross_build(src, out, env)
    log("cellctl, isolate-nic (arm64): %s, %s" % (cellctl, isolate_nic))
    kos, kmod_note = build_kmod(src, out, env)
    log("kmod: %s" % (", ".join(kos) if kos else kmod_note))
    hv = find_hv_image(out, native)
    log("hypervisor image: %s" % (hv or "none built"))
    configs, cfg_note = encode_configs(src, out, native)
    upstream_configs(src, out, native, configs)
    log("configs: %s%s" % (", ".join(sorted(configs)) or "none",
                           " (%s)" % cfg_note if cfg_note else ""))
    inmates = find_inmates(out, native)
    log("inmates: %s" % (", ".join(sorted(inmates)) or "none built"))
    helpers = build_helpers(src, out, env)
    helpers["isolate-nic"] = isolate_nic
    linux = build_linux_inmate(src, out, env)
    log("Linux inmate: %s" % ", ".join(sorted(linux)))
    initrd = build_initrd(out, env, cellctl, kos, hv, configs, helpers, inmates, linux)
    log("initramfs: %s (%d bytes)" % (initrd, os.path.getsize(initrd)))
    state = {
        "initrd": initrd, "cellctl_arm64": cellctl, "arm64_build": arm64,
        "kmod": [os.path.basename(k) for k in kos] if kos else [],
        "kmod_note": kmod_note, "hv_image": hv, "configs": sorted(configs),
        "inmates": sorted(inmates), "linux_inmate": sorted(linux),
        "configs_note": cfg_note, "kver": env["KVER"], "workdir": out,
        "native_build": native, "src": src,
        "setup_seconds": round(t_setup, 2),
        "prepare_seconds": round(time.monotonic() - t0, 2),
    }
    write_state(out, state)
    log("ready in %.1f s (setup %.1f s)" % (state["prepare_seconds"], t_setup))
    return 0


if __name__ == "__main__":
    sys.exit(main())
