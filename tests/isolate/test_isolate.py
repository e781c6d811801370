#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""End-to-end checks of isolate-nic on the QEMU virt board, the FT-2000/4
tree and every fixture with a PCIe host (issue: patent flow S1-S4).

Independent oracles: fdtget/dtc read the output trees, `cellctl config
decode` the output configurations; nothing here links libcell.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

READ, WRITE, IO, ROOTSHARED = "READ", "WRITE", "IO", "ROOTSHARED"

results: list[tuple[str, bool, str]] = []


def check(name: str, ok: bool, detail: str = "") -> bool:
    results.append((name, ok, detail))
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail and not ok else ''}")
    return ok


def run(*cmd: str | Path, ok: bool = True) -> subprocess.CompletedProcess[str]:
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if ok and p.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({p.returncode}):\n{p.stderr}")
    return p


def digest(paths: list[Path]) -> list[str]:
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]


def fdt_has(dtb: Path, path: str) -> bool:
    return run("fdtget", "-l", dtb, path, ok=False).returncode == 0


class Tools:
    def __init__(self, a: argparse.Namespace) -> None:
        self.isolate = a.isolate_nic
        self.cellctl = a.cellctl

    def decode(self, cell: Path) -> dict:
        return json.loads(run(self.cellctl, "config", "decode", cell).stdout)

    def regions(self, cell: Path) -> list[dict]:
        d = self.decode(cell)
        return (d.get("root_cell") or d.get("cell"))["memory_regions"]

    def irqs(self, cell: Path) -> set[int]:
        d = self.decode(cell)
        out = set()
        for chip in (d.get("root_cell") or d.get("cell"))["irqchips"]:
            for w, word in enumerate(chip["pin_bitmap"]):
                for b in range(32):
                    if word >> b & 1:
                        out.add(chip["pin_base"] + 32 * w + b)
        return out

    def isolate_nic(self, host: Path, inmate: Path, root: Path, cell: Path, out: Path,
                    *extra: str) -> subprocess.CompletedProcess[str]:
        return run(self.isolate, "--host-dtb", host, "--inmate-dtb", inmate,
                   "--root-config", root, "--inmate-config", cell, "--out-dir", out,
                   *extra, ok=False)


def has_region(regions: list[dict], base: int, size: int, flags: set[str],
               exact: bool = True) -> bool:
    for r in regions:
        fl = set(x for x in r["flags"] if isinstance(x, str))
        if exact and r["phys_start"] == base and r["size"] == size and fl == flags:
            return True
        if not exact and r["phys_start"] <= base and base + size <= r["phys_start"] + r["size"] \
                and flags <= fl:
            return True
    return False


def overlaps(regions: list[dict], base: int, size: int) -> bool:
    return any(r["phys_start"] < base + size and base < r["phys_start"] + r["size"]
               and "COMM_REGION" not in r["flags"] for r in regions)


def flow_checks(t: Tools, tag: str, host: Path, inmate: Path, root: Path, cell: Path,
                work: Path, bridge: str, its: str, gicr: list[tuple[int, int]],
                windows: list[tuple[int, int]], spis: set[int]) -> None:
    inputs = [host, inmate, root, cell]
    before = digest(inputs)

    dry = work / f"{tag}-dry"
    p = t.isolate_nic(host, inmate, root, cell, dry, "--dry-run")
    check(f"{tag}: dry run succeeds", p.returncode == 0, p.stderr)
    check(f"{tag}: dry run writes nothing", not dry.exists())

    p = t.isolate_nic(host, inmate, root, cell, dry, "--dry-run", "--run", "--kernel", "Image",
                      "--initrd", "initrd", "--cmdline", "console=x")
    steps = re.findall(r"^isolate-nic: S5 (\S+)\s+planned", p.stdout, re.M)
    check(f"{tag}: --dry-run --run prints the S5 plan and runs nothing",
          p.returncode == 0 and steps == ["preflight", "prepare", "enable", "create", "boot",
                                          "running"] and not dry.exists(), p.stdout + p.stderr)
    for args, why in ((["--run"], "--run needs --kernel"),
                      (["--kernel", "Image"], "--kernel, --initrd and --cmdline need --run")):
        p = t.isolate_nic(host, inmate, root, cell, dry, *args)
        check(f"{tag}: {' '.join(args)} alone is a usage error",
              p.returncode == 2 and why in p.stderr and not dry.exists(), p.stderr)

    out = work / f"{tag}-out"
    p = t.isolate_nic(host, inmate, root, cell, out)
    if not check(f"{tag}: isolate-nic succeeds", p.returncode == 0, p.stderr):
        return
    check(f"{tag}: inputs unchanged", digest(inputs) == before)
    names = sorted(x.name for x in out.iterdir())
    check(f"{tag}: five outputs, no temporaries",
          names == ["host.dtb", "inmate.cell", "inmate.dtb", "report.json", "root.cell"],
          str(names))

    h, i = out / "host.dtb", out / "inmate.dtb"
    check(f"{tag}: host tree lost the bridge", not fdt_has(h, bridge))
    check(f"{tag}: host tree lost the ITS", not fdt_has(h, its))
    dts = run("dtc", "-I", "dtb", "-O", "dts", i).stdout
    before_pci = run("dtc", "-I", "dtb", "-O", "dts", inmate).stdout.count('device_type = "pci"')
    check(f"{tag}: inmate tree gained the bridge",
          dts.count('device_type = "pci"') == before_pci + 1)
    check(f"{tag}: inmate tree has an ITS", '"arm,gic-v3-its"' in dts)
    check(f"{tag}: inmate bridge targets its ITS",
          "msi-map" in dts or "msi-parent" in dts)
    for tree in (h, i):
        warn = run("dtc", "-I", "dtb", "-O", "dts", "-o", "/dev/null", tree).stderr
        check(f"{tag}: {tree.name} decompiles", "ERROR" not in warn, warn)

    rr, ir = t.regions(out / "root.cell"), t.regions(out / "inmate.cell")
    for base, size in gicr:
        check(f"{tag}: root maps GICR 0x{base:x}/0x{size:x} READ|WRITE|IO",
              has_region(rr, base, size, {READ, WRITE, IO}))
        check(f"{tag}: inmate maps GICR 0x{base:x}/0x{size:x} READ|WRITE|IO|ROOTSHARED",
              has_region(ir, base, size, {READ, WRITE, IO, ROOTSHARED}))
    for base, size in windows:
        check(f"{tag}: window 0x{base:x}/0x{size:x} moved to the inmate",
              has_region(ir, base, size, {READ, WRITE, IO}, exact=False))
        check(f"{tag}: window 0x{base:x}/0x{size:x} carved out of the root",
              not overlaps(rr, base, size))
    got = t.irqs(out / "inmate.cell")
    check(f"{tag}: INTx SPIs {sorted(spis)} granted", spis <= got, str(sorted(got)))
    p = run(t.cellctl, "config", "check", out / "root.cell", out / "inmate.cell", ok=False)
    check(f"{tag}: checker passes", p.returncode == 0, p.stdout + p.stderr)
    report = json.loads((out / "report.json").read_text())
    check(f"{tag}: report lists changes and S5 commands",
          len(report["changes"]) > 0 and len(report["s5_commands"]) >= 3)

    again = work / f"{tag}-again"
    p = t.isolate_nic(h, i, out / "root.cell", out / "inmate.cell", again)
    check(f"{tag}: second run on its outputs succeeds", p.returncode == 0, p.stderr)
    if p.returncode == 0:
        same = all((out / n).read_bytes() == (again / n).read_bytes()
                   for n in ("host.dtb", "inmate.dtb", "root.cell", "inmate.cell"))
        check(f"{tag}: second run changes nothing", same)


def qemu_virt(t: Tools, a: argparse.Namespace, work: Path) -> None:
    qemu = shutil.which("qemu-system-aarch64")
    if not qemu:
        print("skip: qemu-system-aarch64 not installed (QEMU virt part)")
        return
    raw, dtb = work / "virt.raw.dtb", work / "virt.dtb"
    run(qemu, "-machine", f"virt,virtualization=on,gic-version=3,its=on,dumpdtb={raw}",
        "-cpu", "cortex-a57", "-smp", "4", "-m", "1G", "-nographic", "-nic", "none")
    run("dtc", "-q", "-I", "dtb", "-O", "dtb", "-o", dtb, raw)
    root = a.configs / "qemu-virt" / "root.cell"
    cell = a.configs / "qemu-virt" / "linux-inmate.cell"
    inmate = a.fixtures / "jailhouse-inmate-qemu-arm64.dtb"
    flow_checks(t, "virt", dtb, inmate, root, cell, work, "/pcie@10000000",
                "/intc@8000000/its@8080000", [(0x080a0000, 0xf60000)],
                [(0x4010000000, 0x10000000), (0x3eff0000, 0x10000),
                 (0x10000000, 0x2eff0000), (0x8000000000, 0x8000000000),
                 (0x08080000, 0x20000)], {35, 36, 37, 38})

    # --precise-gicr: each cell gets only its own CPUs' frames, no sharing.
    out = work / "virt-precise"
    p = t.isolate_nic(dtb, inmate, root, cell, out, "--precise-gicr")
    if check("virt --precise-gicr succeeds", p.returncode == 0, p.stderr):
        rr, ir = t.regions(out / "root.cell"), t.regions(out / "inmate.cell")
        frames = {c: 0x080a0000 + c * 0x20000 for c in range(4)}
        check("virt --precise-gicr: root has frames of CPUs 0-1",
              all(has_region(rr, frames[c], 0x20000, {READ, WRITE, IO}) for c in (0, 1)))
        check("virt --precise-gicr: inmate has frames of CPUs 2-3, not shared",
              all(has_region(ir, frames[c], 0x20000, {READ, WRITE, IO}) for c in (2, 3)))
        check("virt --precise-gicr: no GICR region is ROOTSHARED",
              not any(ROOTSHARED in r["flags"] and r["phys_start"] >= 0x080a0000
                      and r["phys_start"] < 0x09000000 for r in ir))

    # Refusal: inmate RAM that is not identity-mapped.
    bad = json.loads(run(t.cellctl, "config", "decode", cell).stdout)
    for r in bad["cell"]["memory_regions"]:
        if "DMA" in r["flags"]:
            r["virt_start"] = 0
    (work / "bad.json").write_text(json.dumps(bad))
    run(t.cellctl, "config", "encode", work / "bad.json", "-o", work / "bad.cell")
    p = t.isolate_nic(dtb, inmate, root, work / "bad.cell", work / "bad-out")
    check("virt: non-identity inmate RAM refused, naming the region",
          p.returncode == 1 and "not identity-mapped" in p.stderr and "region" in p.stderr,
          p.stderr)
    check("virt: refusal writes nothing", not (work / "bad-out").exists())


def ft2004(t: Tools, a: argparse.Namespace, work: Path) -> None:
    dtb = a.fixtures / "phytium-ft2004-devboard.dtb"
    root, cell, inmate = work / "ft-root.cell", work / "ft-inmate.cell", work / "ft-inmate.dtb"
    run(t.cellctl, "config", "create", "--dtb", dtb, "--mem-hv", "0xb0000000,0x4000000",
        "-o", root)
    run(t.cellctl, "config", "create", "--dtb", dtb, "--inmate", "linux", "--cpus", "2-3",
        "--mem-inmates", "0xc0000000,0x10000000", "--devices", "/soc/uart@28000000",
        "-o", cell, "--dtb-out", inmate)
    flow_checks(t, "ft2004", dtb, inmate, root, cell, work, "/soc/pcie",
                "/interrupt-controller@29900000/gic-its@29920000",
                [(0x29980000, 0x80000)],
                [(0x40000000, 0x10000000), (0x50000000, 0xf00000),
                 (0x58000000, 0x28000000), (0x1000000000, 0x1000000000),
                 (0x29920000, 0x20000)], {60, 61, 62, 63})


FIXTURES_WITH_PCIE = [
    "phytium-d2000-devboard", "arm-fvp-base-revc", "nxp-lx2160a-clearfog-cx",
    "nxp-ls1028a-rdb", "rockchip-rk3588-evb1", "rockchip-rk3568-rock-3a",
    "ti-j721e-common-proc-board", "hisilicon-hip07-d05",
]


def every_fixture(t: Tools, a: argparse.Namespace, work: Path) -> None:
    """Each board isolates cleanly or refuses with a precise reason."""
    for board in FIXTURES_WITH_PCIE + ["cavium-thunder-88xx"]:
        src = a.fixtures / f"{board}.dtb"
        dtb = work / f"{board}.dtb"
        shutil.copy(src, dtb)
        if run("fdtget", "-t", "x", dtb, "/memory", "reg", ok=False).returncode != 0 and \
                not any(l.startswith("memory") for l in run("fdtget", "-l", dtb, "/").stdout.split()):
            # Boot loaders fill /memory in on these boards; give them 2 GiB.
            run("fdtput", "-c", dtb, "/memory")
            run("fdtput", "-t", "s", dtb, "/memory", "device_type", "memory")
            run("fdtput", "-t", "x", dtb, "/memory", "reg", "0", "0", "0", "80000000")
        root, cell, inmate = (work / f"{board}-root.cell", work / f"{board}-cell.cell",
                              work / f"{board}-inmate.dtb")
        p = run(t.cellctl, "config", "create", "--dtb", dtb, "-o", root, ok=False)
        if not check(f"{board}: root config generated", p.returncode == 0, p.stderr):
            continue
        ram = [r for r in t.regions(root) if "EXECUTE" in r["flags"]]
        big = max(ram, key=lambda r: r["size"])
        base = (big["phys_start"] + big["size"] // 2) & ~0xfffff
        p = run(t.cellctl, "config", "create", "--dtb", dtb, "--inmate", "nic", "--cpus", "1",
                "--mem-inmates", f"{base:#x},0x8000000", "-o", cell, "--dtb-out", inmate,
                ok=False)
        if not check(f"{board}: inmate config generated", p.returncode == 0, p.stderr):
            continue
        out = work / f"{board}-out"
        extra: list[str] = []
        p = t.isolate_nic(dtb, inmate, root, cell, out)
        if p.returncode == 1 and "choose with --pcie" in p.stderr:
            check(f"{board}: several bridges listed as --pcie candidates",
                  "--pcie /" in p.stderr and not out.exists(), p.stderr)
            first = [l.split()[-1] for l in p.stderr.splitlines() if "--pcie /" in l][0]
            extra = ["--pcie", first]
            p = t.isolate_nic(dtb, inmate, root, cell, out, *extra)
            board = f"{board} --pcie {first}"
        if board == "cavium-thunder-88xx":
            check(f"{board}: refused with 'nothing to hand off'",
                  p.returncode == 1 and "nothing to hand off" in p.stderr, p.stderr)
            continue
        policy = ""
        if p.returncode != 0:
            reason = p.stderr.strip().splitlines()
            precise = bool(reason) and reason[0].startswith("isolate-nic:") and \
                len(reason[0]) > 30 and not out.exists()
            check(f"{board}: refused precisely, nothing written", precise, p.stderr)
            print(f"     {board}: refused: {reason[0][:200] if reason else '?'}")
            if "cannot follow the handoff" in p.stderr:
                # The user's way out: drop what cannot follow, keep a shared ITS.
                policy = " --drop-unresolved --keep-shared-its"
                p = t.isolate_nic(dtb, inmate, root, cell, out, *extra, *policy.split())
        if p.returncode == 0:
            p2 = run(t.cellctl, "config", "check", out / "root.cell", out / "inmate.cell",
                     ok=False)
            check(f"{board}{policy}: isolated, checker passes", p2.returncode == 0,
                  p2.stdout)
            print(f"     {board}: isolated{' with' + policy if policy else ''}")
        elif policy:
            reason = p.stderr.strip().splitlines()
            check(f"{board}{policy}: refused precisely", bool(reason) and
                  reason[0].startswith("isolate-nic:") and not out.exists(), p.stderr)
            print(f"     {board}:{policy}: refused: {reason[0][:200] if reason else '?'}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--isolate-nic", type=Path, required=True)
    ap.add_argument("--cellctl", type=Path, required=True)
    ap.add_argument("--configs", type=Path, required=True)
    ap.add_argument("--fixtures", type=Path, required=True)
    a = ap.parse_args()
    for tool in ("fdtget", "fdtput", "dtc"):
        if not shutil.which(tool):
            print(f"skip: {tool} not installed (package device-tree-compiler)")
            return 77
    if not (a.fixtures / "phytium-ft2004-devboard.dtb").is_file():
        print(f"skip: fixtures missing at {a.fixtures}")
        return 77
    t = Tools(a)
    with tempfile.TemporaryDirectory(prefix="isolate-nic-") as d:
        work = Path(d)
        qemu_virt(t, a, work)
        ft2004(t, a, work)
        every_fixture(t, a, work)
    failed = sum(1 for _, ok, _ in results if not ok)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
