#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Isolate a PCIe NIC into a non-root cell, through the libcell Python API.

Steps, each one library call (no tool is run):
  1. discover the GICv3 of the host (root cell) device tree: GICR regions, ITS;
  2. hand the PCIe host bridge and the ITS it uses over from the host tree to
     the inmate tree (cell_dt_handoff);
  3. check the new inmate tree: its GIC now has the ITS, the bridge is there;
  4. grant the GICR region to the root cell (READ|WRITE|IO) and to the inmate
     cell (READ|WRITE|IO|ROOTSHARED: the redistributors stay the root's);
  5. check root + inmate as a set: no error finding;
  6. write host.dtb, inmate.dtb, root.cell and inmate.cell to --out.

Example (QEMU virt board, Jailhouse inmate tree):
  qemu-system-aarch64 -machine virt,virtualization=on,gic-version=3,its=on,dumpdtb=raw.dtb \\
      -cpu cortex-a57 -smp 4 -m 1G -nographic -nic none
  dtc -I dtb -O dtb -o virt.dtb raw.dtb
  PYTHONPATH=build/bindings/python examples/isolate_nic.py --host virt.dtb \\
      --inmate jailhouse-inmate-qemu-arm64.dtb --pcie /pcie@10000000 --out out/
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import libcell
from libcell import CELL_MEM_IO, CELL_MEM_READ, CELL_MEM_ROOTSHARED, CELL_MEM_WRITE

EXAMPLES = Path(__file__).resolve().parent / "configs" / "qemu-virt"
ROOT_GICR = CELL_MEM_READ | CELL_MEM_WRITE | CELL_MEM_IO
INMATE_GICR = ROOT_GICR | CELL_MEM_ROOTSHARED


def load_config(ctx: libcell.Context, path: Path) -> libcell.Config:
    """A configuration from a .cell image or its JSON form."""
    if path.suffix == ".json":
        return libcell.Config.from_json(ctx, path.read_text())
    return libcell.Config.load(ctx, path)


def grant(cfg: libcell.Config, region: libcell.Memory) -> bool:
    """Append @region unless the configuration already has it."""
    if cfg.memory_find(region) is not None:
        return False
    cfg.memory_regions.append(region)
    return True


def isolate(args: argparse.Namespace) -> int:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with libcell.Context() as ctx:
        host = ctx.read_file(args.host)
        inmate = ctx.read_file(args.inmate)

        # 1. The host GIC: its redistributor regions and ITS.
        with libcell.gic_discover(ctx, host) as gics:
            g = gics.first_v3()
            gic = gics[g]
            gicr = gics.redistributors(g)
            its = gics.its(g)
        print(f"host GIC {gic.path}: GICD {gic.distributor.base:#x}, "
              f"{len(gicr)} GICR region(s), {len(its)} ITS")
        with libcell.pci_discover(ctx, host) as hosts:
            bridge = hosts[hosts.index(args.pcie)]
            routes = [m.path for m in hosts.msi_maps(hosts.index(args.pcie))]
        print(f"PCIe host {bridge.path} ({bridge.compatible}): MSIs to {', '.join(routes) or '-'}")

        # 2. Hand the bridge and its ITS over to the inmate tree.
        h = libcell.handoff(ctx, host, inmate, [args.pcie], args.flags,
                            host_out=out / "host.dtb", inmate_out=out / "inmate.dtb")
        for item in h.items:
            print(f"  {libcell.handoff_kind_name(item.kind)}: {item.path}"
                  f"{' ' + item.prop if item.prop else ''}"
                  f"{' -> ' + item.target if item.target else ''}")
        new_host, new_inmate = h.host, h.inmate

        # 3. The inmate tree now owns the bridge and an ITS under its GIC.
        with libcell.gic_discover(ctx, new_inmate) as igics:
            ig = igics.first_v3()
            inmate_its = igics.its(ig)
        with libcell.pci_discover(ctx, new_inmate) as ihosts:
            moved = [x.path for x in ihosts]
        with libcell.pci_discover(ctx, new_host) as hhosts:
            left = [x.path for x in hhosts if x.enabled]
        if not inmate_its or not moved or args.pcie in left:
            print("handoff result is not as expected", file=sys.stderr)
            return 1
        print(f"inmate: ITS {', '.join(i.path for i in inmate_its)}; PCIe {', '.join(moved)}")

        # 4. Grant the redistributors.
        with load_config(ctx, Path(args.root)) as root, \
                load_config(ctx, Path(args.cell)) as cell:
            for r in gicr:
                grant(root, libcell.Memory(r.base, r.base, r.size, ROOT_GICR))
                grant(cell, libcell.Memory(r.base, r.base, r.size, INMATE_GICR))
                print(f"GICR {r.base:#x}+{r.size:#x}: root {libcell.mem_flags_names(ROOT_GICR)}, "
                      f"inmate {libcell.mem_flags_names(INMATE_GICR)}")

            # 5. The set must pass the checker.
            findings = libcell.check_set(root, [cell])
            for f in findings:
                who = "root" if f.cell == libcell.CELL_CHECK_ROOT else cell.name
                print(f"  check {libcell.severity_name(f.severity)} "
                      f"{libcell.check_code_name(f.code)} ({who}): {f.message}")
            if not findings.ok:
                print(f"check failed: {findings.errors} error(s)", file=sys.stderr)
                return 1

            # 6. Outputs.
            root.save(out / "root.cell")
            cell.save(out / "inmate.cell")
        print(f"wrote {out}/host.dtb, inmate.dtb, root.cell, inmate.cell")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", required=True, help="host (root cell) DTB")
    ap.add_argument("--inmate", required=True, help="inmate DTB")
    ap.add_argument("--pcie", default="/pcie@10000000", help="host bridge node to hand off")
    ap.add_argument("--root", default=str(EXAMPLES / "root.json"),
                    help="root cell configuration (.cell or .json)")
    ap.add_argument("--cell", default=str(EXAMPLES / "linux-inmate.json"),
                    help="inmate cell configuration (.cell or .json)")
    ap.add_argument("--flags", type=lambda s: int(s, 0), default=0,
                    help="CELL_HANDOFF_* flags")
    ap.add_argument("--out", required=True, help="output directory")
    args = ap.parse_args(argv)
    try:
        return isolate(args)
    except libcell.Error as e:
        print(f"isolate_nic: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
