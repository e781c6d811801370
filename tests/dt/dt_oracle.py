#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Independent decoder for the GIC / PCI discovery, used to cross-check
`cellctl gic --json` and `cellctl pci --json`.

It shares no code with the C library: the tree comes from `dtc -I dtb -O dts`
(parsed here with the standard library), and cells, reg, ranges translation,
interrupt-map and msi-map are decoded again from the devicetree
specification with Python integers.

  dt_oracle.py --cellctl CELLCTL fixtures PATH...  DTBs, or every *.dtb of a dir
  dt_oracle.py --cellctl CELLCTL fdtget PATH...    GIC reg via fdtget only
  dt_oracle.py --cellctl CELLCTL corpus          Debian's arm64 kernel DTBs

Exit status: 0 all agree, 1 mismatch, 77 a needed tool or the corpus is
unavailable.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SKIP = 77


class DtError(Exception):
    """The tree is malformed for discovery (cellctl must fail as well)."""


# ---------------------------------------------------------------- dts parsing
class Node:
    def __init__(self, name: str, parent: Node | None) -> None:
        self.name = name
        self.parent = parent
        self.props: dict[str, bytes] = {}
        self.children: list[Node] = []

    @property
    def path(self) -> str:
        if self.parent is None:
            return "/"
        p = self.parent.path
        return (p if p != "/" else "") + "/" + self.name


def _string_bytes(s: str, i: int) -> tuple[bytes, int]:
    """Decode a dtc string literal starting after the opening quote."""
    out = bytearray()
    while True:
        c = s[i]
        if c == '"':
            return bytes(out) + b"\0", i + 1
        if c == "\\":
            n = s[i + 1]
            simple = {"n": 10, "t": 9, "r": 13, "a": 7, "b": 8, "f": 12, "v": 11,
                      "\\": 92, '"': 34, "'": 39}
            if n in simple:
                out.append(simple[n])
                i += 2
            elif n == "x":
                j = i + 2
                while j < i + 4 and s[j] in "0123456789abcdefABCDEF":
                    j += 1
                out.append(int(s[i + 2:j], 16))
                i = j
            elif n in "01234567":
                j = i + 1
                while j < i + 4 and s[j] in "01234567":
                    j += 1
                out.append(int(s[i + 1:j], 8))
                i = j
            else:
                out.append(ord(n))
                i += 2
        else:
            out += c.encode("utf-8")
            i += 1


def parse_dts(text: str) -> Node:
    """Parse dtc's decompiled output into a tree of raw property bytes."""
    i, n = 0, len(text)
    root: Node | None = None
    stack: list[Node] = []

    def skip_ws(k: int) -> int:
        while k < n:
            if text[k].isspace():
                k += 1
            elif text.startswith("//", k):
                k = text.index("\n", k)
            elif text.startswith("/*", k):
                k = text.index("*/", k) + 2
            else:
                break
        return k

    while True:
        i = skip_ws(i)
        if i >= n:
            break
        if text.startswith("/dts-v1/", i) or text.startswith("/memreserve/", i) \
                or text.startswith("/plugin/", i):
            i = text.index(";", i) + 1
            continue
        if text.startswith("};", i):
            stack.pop()
            i += 2
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] not in "=;{":
            j += 1
        name = text[i:j]
        # dtc may print a label before a node or property: "lbl: name".
        if name.endswith(":"):
            i = j
            continue
        i = skip_ws(j)
        if text[i] == "{":
            node = Node(name if stack else "", stack[-1] if stack else None)
            if stack:
                stack[-1].children.append(node)
            else:
                root = node
            stack.append(node)
            i += 1
            continue
        if text[i] == ";":
            stack[-1].props[name] = b""
            i += 1
            continue
        if text[i] != "=":
            raise ValueError(f"dts parse error at {text[i:i + 40]!r}")
        i += 1
        val = bytearray()
        while True:
            i = skip_ws(i)
            c = text[i]
            if c == '"':
                b, i = _string_bytes(text, i + 1)
                val += b
            elif c == "<":
                k = text.index(">", i)
                for tok in text[i + 1:k].split():
                    val += (int(tok, 0) & 0xFFFFFFFF).to_bytes(4, "big")
                i = k + 1
            elif c == "[":
                k = text.index("]", i)
                val += bytes.fromhex("".join(text[i + 1:k].split()))
                i = k + 1
            else:
                raise ValueError(f"dts value parse error at {text[i:i + 40]!r}")
            i = skip_ws(i)
            if text[i] == ",":
                i += 1
                continue
            if text[i] == ";":
                i += 1
                break
            raise ValueError(f"dts value parse error at {text[i:i + 40]!r}")
        stack[-1].props[name] = bytes(val)
    if root is None:
        raise ValueError("no root node")
    return root


def load_tree(dtb: Path) -> Node:
    res = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", str(dtb)],
                         capture_output=True, text=True, errors="surrogateescape")
    if res.returncode:
        raise DtError(f"dtc: {res.stderr.strip()}")
    return parse_dts(res.stdout)


# ---------------------------------------------------------------- DT semantics
class Tree:
    def __init__(self, root: Node) -> None:
        self.root = root
        self.nodes: list[Node] = []
        self.by_phandle: dict[int, Node] = {}
        todo = [root]
        while todo:  # document order
            node = todo.pop(0)
            self.nodes.append(node)
            for key in ("phandle", "linux,phandle"):
                if len(node.props.get(key, b"")) == 4:
                    self.by_phandle.setdefault(u32(node.props[key]), node)
                    break
            todo[0:0] = node.children

    def phandle(self, ph: int, user: Node, prop: str) -> Node:
        if ph in (0, 0xFFFFFFFF) or ph not in self.by_phandle:
            raise DtError(f"{user.path}: {prop}: bad phandle {ph:#x}")
        return self.by_phandle[ph]


def u32(b: bytes, k: int = 0) -> int:
    return int.from_bytes(b[4 * k:4 * k + 4], "big")


def cells_of(b: bytes) -> list[int]:
    if len(b) % 4:
        raise DtError("property not a whole number of cells")
    return [u32(b, k) for k in range(len(b) // 4)]


def num(words: list[int]) -> int:
    v = 0
    for w in words:
        v = v << 32 | w
    return v


def prop_u32(node: Node, name: str, default: int | None, maximum: int) -> int | None:
    if name not in node.props:
        return default
    b = node.props[name]
    if len(b) != 4:
        raise DtError(f"{node.path}: {name} is {len(b)} bytes")
    v = u32(b)
    if v > maximum:
        raise DtError(f"{node.path}: {name} = {v}")
    return v


def addr_cells(node: Node) -> int:
    return prop_u32(node, "#address-cells", 2, 4)  # type: ignore[return-value]


def size_cells(node: Node) -> int:
    return prop_u32(node, "#size-cells", 1, 4)  # type: ignore[return-value]


def strprop(node: Node, name: str) -> str | None:
    b = node.props.get(name)
    if b is None or not b.endswith(b"\0"):
        return None
    return b.split(b"\0")[0].decode("utf-8", "surrogateescape")


def is_pci_bus(node: Node) -> bool:
    return strprop(node, "device_type") in ("pci", "pciex")


def enabled(node: Node) -> bool:
    if "status" not in node.props:
        return True
    return strprop(node, "status") in ("okay", "ok")


def compatibles(node: Node) -> list[str]:
    b = node.props.get("compatible", b"")
    return [s.decode("utf-8", "surrogateescape") for s in b.split(b"\0") if s]


def translate(bus: Node, words: list[int]) -> int:
    """CPU address of @words, an address in @bus's child space."""
    while bus.parent is not None:
        parent = bus.parent
        ac, sc, pac = addr_cells(bus), size_cells(bus), addr_cells(parent)
        size_cells(parent)
        if len(words) != ac:
            raise DtError(f"{bus.path}: address cells mismatch")
        if "ranges" not in bus.props:
            raise DtError(f"{bus.path}: no ranges")
        rng = bus.props["ranges"]
        pci = ac == 3 and is_pci_bus(bus)
        value = num(words[1:]) if pci else num(words)
        if not rng:
            if value >> (32 * pac):
                raise DtError(f"{bus.path}: address too wide for parent")
            words = [(value >> (32 * (pac - 1 - k))) & 0xFFFFFFFF for k in range(pac)]
            bus = parent
            continue
        ent = ac + pac + sc
        cells = cells_of(rng)
        if not ent or len(cells) % ent:
            raise DtError(f"{bus.path}: ranges truncated")
        for k in range(0, len(cells), ent):
            e = cells[k:k + ent]
            child, paddr, size = e[:ac], e[ac:ac + pac], num(e[ac + pac:])
            if size >> 64:
                raise DtError(f"{bus.path}: size too big")
            if pci:
                a_mem = (words[0] >> 24 & 3) >= 2
                c_mem = (child[0] >> 24 & 3) >= 2
                if a_mem != c_mem or (not a_mem and (words[0] >> 24 & 3) != (child[0] >> 24 & 3)):
                    continue
                base = num(child[1:])
            else:
                # Cells above the low 64 bits select (e.g. a chip select).
                if words[:max(ac - 2, 0)] != child[:max(ac - 2, 0)]:
                    continue
                base = num(child[max(ac - 2, 0):])
                value = num(words[max(ac - 2, 0):])
            if base <= value < base + size:
                low = min(pac, 2)
                out = num(paddr[pac - low:]) + (value - base)
                if out >> (32 * low):
                    raise DtError(f"{bus.path}: translated address overflows")
                # A wide parent keeps its selector cells (above 64 bits).
                words = paddr[:pac - low] + \
                    [(out >> (32 * (low - 1 - j))) & 0xFFFFFFFF for j in range(low)]
                break
        else:
            raise DtError(f"{bus.path}: no ranges window for the address")
        bus = parent
    value = num(words)
    if value >> 64:
        raise DtError("CPU address wider than 64 bits")
    return value


def regs(node: Node) -> list[tuple[int, int]]:
    if node.parent is None:
        raise DtError("reg on root")
    ac, sc = addr_cells(node.parent), size_cells(node.parent)
    if "reg" not in node.props:
        return []
    cells = cells_of(node.props["reg"])
    ent = ac + sc
    if not ent or len(cells) % ent:
        raise DtError(f"{node.path}: reg truncated")
    out = []
    for k in range(0, len(cells), ent):
        size = num(cells[k + ac:k + ent])
        if size >> 64:
            raise DtError(f"{node.path}: reg size too big")
        out.append((translate(node.parent, cells[k:k + ac]), size))
    return out


GIC_V3 = ("arm,gic-v3", "qcom,msm8996-gic-v3")
GIC_V2 = ("arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a9-gic", "arm,cortex-a7-gic",
          "arm,cortex-a5-gic", "arm,arm11mp-gic", "arm,arm1176jzf-devchip-gic",
          "arm,eb11mp-gic", "arm,pl390", "arm,tc11mp-gic", "qcom,msm-8660-qgic",
          "qcom,msm-qgic2")


def gic_version(node: Node) -> int:
    c = compatibles(node)
    if any(x in c for x in GIC_V3):
        return 3
    if any(x in c for x in GIC_V2):
        return 2
    return 0


def gic_intid(spec: list[int]) -> int | None:
    if len(spec) < 2:
        return None
    kind, n = spec[0], spec[1]
    limits = {0: (32, 988), 1: (16, 16), 2: (4096, 1024), 3: (1056, 64)}
    if kind not in limits or n >= limits[kind][1]:
        return None
    return limits[kind][0] + n


def interrupt_parent(tree: Tree, node: Node) -> Node | None:
    """Interrupt parent, following non-controller nodes (bounded)."""
    cur = node
    for _ in range(32):
        holder: Node | None = cur
        while holder is not None and "interrupt-parent" not in holder.props:
            holder = holder.parent
        if holder is None:
            return None
        b = holder.props["interrupt-parent"]
        if len(b) != 4:
            raise DtError(f"{holder.path}: interrupt-parent length")
        target = tree.phandle(u32(b), holder, "interrupt-parent")
        if "interrupt-controller" in target.props or "interrupt-map" in target.props:
            return target
        cur = target
    raise DtError(f"{node.path}: interrupt-parent loop")


def region(r: tuple[int, int]) -> dict[str, int]:
    return {"base": r[0], "size": r[1]}


def gic_report(tree: Tree) -> dict:
    gics = []
    for node in tree.nodes:
        ver = gic_version(node)
        if not ver:
            continue
        prop_u32(node, "#interrupt-cells", 0, 8)
        reg = regs(node)
        nred = 0
        if ver == 3:
            nred = prop_u32(node, "#redistributor-regions", 1, 4096) or 0
            if nred == 0:
                raise DtError(f"{node.path}: #redistributor-regions 0")
        if len(reg) < 1 + nred:
            raise DtError(f"{node.path}: reg too short")
        rest = reg[1 + nred:1 + nred + 3] + [None, None, None]  # type: ignore[list-item]
        stride = None
        if "redistributor-stride" in node.props:
            b = node.props["redistributor-stride"]
            if len(b) not in (4, 8):
                raise DtError(f"{node.path}: stride length")
            stride = num(cells_of(b))
        maint = None
        if "interrupts" in node.props:
            try:
                par = interrupt_parent(tree, node) or node
            except DtError:
                raise
            if gic_version(par):
                ic = prop_u32(par, "#interrupt-cells", None, 8)
                if ic is None:
                    raise DtError(f"{par.path}: no #interrupt-cells")
                cells = cells_of(node.props["interrupts"])
                if ic:
                    if not cells or len(cells) % ic:
                        raise DtError(f"{node.path}: interrupts truncated")
                    maint = gic_intid(cells[:ic])
        its = []
        for ch in node.children:
            if "arm,gic-v3-its" not in compatibles(ch):
                continue
            r = regs(ch)
            if not r:
                raise DtError(f"{ch.path}: ITS without reg")
            prop_u32(ch, "#msi-cells", 0, 8)
            its.append({"path": ch.path, "base": r[0][0], "size": r[0][1]})
        gics.append({
            "path": node.path, "compatible": (compatibles(node) or [""])[0][:63],
            "version": ver, "distributor": region(reg[0]),
            "redistributors": [region(r) for r in reg[1:1 + nred]],
            "redistributor_stride": stride,
            "cpu_interface": region(rest[0]) if rest[0] else None,
            "hypervisor_interface": region(rest[1]) if rest[1] else None,
            "virtual_interface": region(rest[2]) if rest[2] else None,
            "maintenance_irq": maint, "its": its})
    cpus = next((c for c in tree.root.children if c.name == "cpus"), None)
    if cpus is not None:
        addr_cells(cpus)
        size_cells(cpus)
        for c in cpus.children:
            if c.props.get("device_type") == b"cpu\0":
                if addr_cells(cpus) not in (1, 2):
                    raise DtError("/cpus: #address-cells")
                size_cells(cpus)
                if not c.props.get("reg"):
                    raise DtError(f"{c.path}: no reg")
                ent = addr_cells(cpus) + size_cells(cpus)
                if len(cells_of(c.props["reg"])) % ent:
                    raise DtError(f"{c.path}: reg truncated")
    return {"gics": gics}


def pci_report(tree: Tree) -> dict:
    hosts = []
    for node in tree.nodes:
        if node.parent is None or is_pci_bus(node.parent):
            continue
        comp = compatibles(node)
        if not (is_pci_bus(node) or "pci-host-ecam-generic" in comp
                or "pci-host-cam-generic" in comp):
            continue
        h: dict = {"path": node.path, "compatible": (comp or [""])[0][:63],
                   "enabled": enabled(node)}
        br = node.props.get("bus-range")
        if br is not None and len(br) != 8:
            raise DtError(f"{node.path}: bus-range")
        dom = prop_u32(node, "linux,pci-domain", None, 0xFFFFFFFF)
        names = [s.decode("utf-8", "surrogateescape")
                 for s in node.props.get("reg-names", b"").split(b"\0")[:-1]]
        h["reg"] = [{"name": names[k][:31] if k < len(names) else None,
                     "base": r[0], "size": r[1]} for k, r in enumerate(regs(node))]
        # An empty name in reg-names prints as null in cellctl too.
        for r in h["reg"]:
            if r["name"] == "":
                r["name"] = None
        wins = []
        addr_cells(node)
        size_cells(node)
        if node.props.get("ranges"):
            ac, sc, pac = addr_cells(node), size_cells(node), addr_cells(node.parent)
            if ac != 3:
                raise DtError(f"{node.path}: PCI #address-cells {ac}")
            if sc > 2:
                raise DtError(f"{node.path}: #size-cells {sc}")
            cells = cells_of(node.props["ranges"])
            ent = 3 + pac + sc
            if len(cells) % ent:
                raise DtError(f"{node.path}: ranges truncated")
            for k in range(0, len(cells), ent):
                e = cells[k:k + ent]
                space = e[0] >> 24 & 3
                wins.append({"type": ["config", "io", "mem32", "mem64"][space],
                             "prefetchable": bool(e[0] >> 30 & 1),
                             "pci_address": num(e[1:3]),
                             "cpu_address": translate(node.parent, e[3:3 + pac]),
                             "size": num(e[3 + pac:])})
        elif "ranges" in node.props:
            cells_of(node.props["ranges"])
        h["windows"] = wins
        h["bus_range"] = cells_of(br) if br is not None else None
        h["domain"] = dom
        msi = []
        if "msi-parent" in node.props:
            cells = cells_of(node.props["msi-parent"])
            k = 0
            while k < len(cells):
                tgt = tree.phandle(cells[k], node, "msi-parent")
                mc = prop_u32(tgt, "#msi-cells", 0, 8) or 0
                if len(cells) - k - 1 < mc:
                    raise DtError(f"{node.path}: msi-parent truncated")
                msi.append({"path": tgt.path, "phandle": cells[k],
                            "cells": cells[k + 1:k + 1 + mc]})
                k += 1 + mc
        h["msi_parent"] = msi
        maps = []
        if "msi-map" in node.props:
            cells = cells_of(node.props["msi-map"])
            if len(cells) % 4:
                raise DtError(f"{node.path}: msi-map")
            for k in range(0, len(cells), 4):
                tgt = tree.phandle(cells[k + 1], node, "msi-map")
                maps.append({"rid_base": cells[k], "path": tgt.path,
                             "phandle": cells[k + 1], "out_base": cells[k + 2],
                             "length": cells[k + 3]})
        h["msi_map"] = maps
        h["msi_map_mask"] = prop_u32(node, "msi-map-mask", None, 0xFFFFFFFF)
        h["interrupt_map_mask"] = None
        h["intx"] = []
        if node.props.get("interrupt-map"):
            imap = cells_of(node.props["interrupt-map"])
            ac = addr_cells(node)
            ic = prop_u32(node, "#interrupt-cells", None, 8)
            if ic is None:
                raise DtError(f"{node.path}: no #interrupt-cells")
            if ac != 3 or ic != 1:
                raise DtError(f"{node.path}: interrupt-map cells")
            if "interrupt-map-mask" in node.props:
                m = cells_of(node.props["interrupt-map-mask"])
                if len(m) != 4:
                    raise DtError(f"{node.path}: interrupt-map-mask")
                h["interrupt_map_mask"] = m
            k = 0
            while k < len(imap):
                if len(imap) - k < 5:
                    raise DtError(f"{node.path}: interrupt-map truncated")
                par = tree.phandle(imap[k + 4], node, "interrupt-map")
                pac = prop_u32(par, "#address-cells", 0, 4) or 0
                pic = prop_u32(par, "#interrupt-cells", None, 8)
                if pic is None:
                    raise DtError(f"{par.path}: no #interrupt-cells")
                if len(imap) - k - 5 < pac + pic:
                    raise DtError(f"{node.path}: interrupt-map truncated")
                spec = imap[k + 5 + pac:k + 5 + pac + pic]
                x = {"child_address": imap[k:k + 3], "pin": imap[k + 3],
                     "parent": par.path, "parent_address": imap[k + 5:k + 5 + pac],
                     "parent_specifier": spec, "parent_is_gic": bool(gic_version(par)),
                     "gic_intid": gic_intid(spec) if gic_version(par) else None}
                if not gic_version(par):
                    up = upstream(tree, par)
                    if up:
                        x["upstream"] = {"kind": up[0], "path": up[1]}
                        x["gic_intid"] = up[2]
                h["intx"].append(x)
                k += 5 + pac + pic
        elif "interrupt-map" in node.props:
            pass
        hosts.append(h)
    return {"hosts": hosts}


def upstream(tree: Tree, ctl: Node) -> tuple[str, str, int | None] | None:
    """What lies beyond a non-GIC INTx parent, when the tree makes it clear."""
    mp = ctl.props.get("msi-parent")
    if mp is not None and len(mp) >= 4:
        return ("msi", tree.phandle(u32(mp), ctl, "msi-parent").path, None)
    if ctl.props.get("interrupts-extended"):
        cells = cells_of(ctl.props["interrupts-extended"])
        up = tree.phandle(cells[0], ctl, "interrupts-extended")
        cells = cells[1:]
    elif ctl.props.get("interrupts"):
        cells = cells_of(ctl.props["interrupts"])
        up = interrupt_parent(tree, ctl)
        if up is None:
            raise DtError(f"{ctl.path}: no interrupt parent")
    else:
        return None
    if not gic_version(up):
        return None
    ic = prop_u32(up, "#interrupt-cells", None, 8)
    if ic is None:
        raise DtError(f"{up.path}: no #interrupt-cells")
    if ic != len(cells):
        return None
    intid = gic_intid(cells)
    if intid is None:
        return None
    return ("spi", up.path, intid)


# ---------------------------------------------------------------- comparison
def cellctl_json(cellctl: str, cmd: str, dtb: Path) -> tuple[dict | None, str]:
    res = subprocess.run([cellctl, cmd, "--json", str(dtb)], capture_output=True,
                         text=True)
    if res.returncode == 0:
        return json.loads(res.stdout), ""
    if res.returncode != 1:
        return None, f"exit {res.returncode}: {res.stderr.strip()}"
    return None, res.stderr.strip()


def diff(a: object, b: object, where: str = "") -> str | None:
    if type(a) is not type(b) and not (isinstance(a, (int, bool)) and isinstance(b, (int, bool))):
        return f"{where}: {a!r} != {b!r}"
    if isinstance(a, dict):
        assert isinstance(b, dict)
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{where}.{k}: only in {'cellctl' if k in a else 'oracle'}"
            d = diff(a[k], b[k], f"{where}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        assert isinstance(b, list)
        if len(a) != len(b):
            return f"{where}: {len(a)} items != {len(b)}"
        for k, (x, y) in enumerate(zip(a, b)):
            d = diff(x, y, f"{where}[{k}]")
            if d:
                return d
        return None
    return None if a == b else f"{where}: {a!r} != {b!r}"


def compare(cellctl: str, dtb: Path, verbose: bool) -> list[str]:
    """Mismatch descriptions for one DTB (empty when all agree)."""
    problems = []
    try:
        tree: Tree | None = Tree(load_tree(dtb))
    except (DtError, ValueError) as e:
        tree, why = None, str(e)
    for cmd, fn in (("gic", gic_report), ("pci", pci_report)):
        got, err = cellctl_json(cellctl, cmd, dtb)
        try:
            if tree is None:
                raise DtError(why)
            want: dict | None = fn(tree)
            werr = ""
        except DtError as e:
            want, werr = None, str(e)
        if got is None and want is None:
            if verbose:
                print(f"  {dtb.name} {cmd}: both refuse ({err} | {werr})")
            continue
        if got is None or want is None:
            problems.append(f"{dtb.name} {cmd}: cellctl {'failed: ' + err if got is None else 'ok'}"
                            f", oracle {'failed: ' + werr if want is None else 'ok'}")
            continue
        d = diff(got, want, cmd)
        if d:
            problems.append(f"{dtb.name} {d}")
    return problems


def run_set(cellctl: str, dtbs: list[Path], label: str, verbose: bool) -> int:
    bad = []
    for dtb in dtbs:
        bad += compare(cellctl, dtb, verbose)
    for b in bad:
        print("MISMATCH", b)
    print(f"{label}: {len(dtbs)} DTBs compared, {len(bad)} mismatches")
    return 1 if bad else 0


# ---------------------------------------------------------------- fdtget
def fdtget(dtb: Path, node: str, prop: str) -> list[int] | None:
    res = subprocess.run(["fdtget", "-t", "x", str(dtb), node, prop],
                         capture_output=True, text=True)
    if res.returncode:
        return None
    return [int(x, 16) for x in res.stdout.split()]


def fdtget_check(cellctl: str, dtbs: list[Path]) -> int:
    """GIC reg decoded from fdtget output, where every ancestor has an empty
    `ranges` (identity), which fdtget can confirm."""
    checked = bad = 0
    for dtb in dtbs:
        got, err = cellctl_json(cellctl, "gic", dtb)
        if got is None:
            print(f"MISMATCH {dtb.name}: cellctl failed: {err}")
            bad += 1
            continue
        for g in got["gics"]:
            path = g["path"]
            parent = path.rsplit("/", 1)[0] or "/"
            anc, identity = parent, True
            while anc != "/":
                r = fdtget(dtb, anc, "ranges")
                if r != []:
                    identity = False
                anc = anc.rsplit("/", 1)[0] or "/"
            if not identity:
                continue
            ac = (fdtget(dtb, parent, "#address-cells") or [2])[0]
            sc = (fdtget(dtb, parent, "#size-cells") or [1])[0]
            reg = fdtget(dtb, path, "reg") or []
            ent = [(num(reg[k:k + ac]), num(reg[k + ac:k + ac + sc]))
                   for k in range(0, len(reg), ac + sc)]
            nred = (fdtget(dtb, path, "#redistributor-regions") or [1])[0]
            mine = [(g["distributor"]["base"], g["distributor"]["size"])] + \
                [(r["base"], r["size"]) for r in g["redistributors"]]
            for key in ("cpu_interface", "hypervisor_interface", "virtual_interface"):
                if g[key]:
                    mine.append((g[key]["base"], g[key]["size"]))
            checked += 1
            if mine != ent[:len(mine)] or len(mine) != min(len(ent), 1 + nred + 3):
                bad += 1
                print(f"MISMATCH {dtb.name} {path}: cellctl {mine} fdtget {ent}")
    print(f"fdtget: {checked} GIC nodes checked, {bad} mismatches")
    return 1 if bad else 0


# ---------------------------------------------------------------- corpus
def corpus_dir(fetch: bool = True) -> Path | None:
    """Debian's arm64 DTBs: $LIBCELL_DTB_CORPUS, the cache, a lab tree, or
    (with @fetch) downloaded into the cache."""
    env = os.environ.get("LIBCELL_DTB_CORPUS")
    if env:
        return Path(env)
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "libcell"
    done = sorted(cache.glob("dtbs-*/.done"))
    if done:
        return done[-1].parent
    for lab in sorted(glob.glob("/tmp/*lab*/**/usr/lib/linux-image-*-arm64", recursive=True)):
        if glob.glob(f"{lab}/*/*.dtb"):
            return Path(lab)
    if not fetch or not shutil.which("apt-get") or not shutil.which("dpkg-deb"):
        return None
    res = subprocess.run(["apt-cache", "depends", "linux-image-arm64:arm64"],
                         capture_output=True, text=True)
    pkg = next((ln.split()[1] for ln in res.stdout.splitlines()
                if "Depends: linux-image-" in ln and ln.split()[1][12:13].isdigit()), None)
    if not pkg:
        return None
    kver = pkg.split(":")[0][len("linux-image-"):]
    out = cache / f"dtbs-{kver}"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        res = subprocess.run(["apt-get", "download", f"linux-image-{kver}-unsigned:arm64"],
                             cwd=tmp, capture_output=True, text=True)
        debs = glob.glob(f"{tmp}/*.deb")
        if res.returncode or not debs:
            print(f"apt-get download failed: {res.stderr.strip()[-300:]}")
            return None
        subprocess.run(["dpkg-deb", "-x", debs[0], tmp], check=True)
        src = glob.glob(f"{tmp}/usr/lib/linux-image-*")
        if not src:
            return None
        for dtb in glob.glob(f"{src[0]}/**/*.dtb", recursive=True):
            rel = Path(dtb).relative_to(src[0])
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(dtb, out / rel)
    (out / ".done").touch()
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cellctl", required=True)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("mode", choices=("fixtures", "fdtget", "corpus"))
    ap.add_argument("paths", nargs="*", help="DTB files or directories of them")
    a = ap.parse_args()
    for tool in ("dtc",) + (("fdtget",) if a.mode == "fdtget" else ()):
        if not shutil.which(tool):
            print(f"SKIP: {tool} not installed (Debian: device-tree-compiler)")
            return SKIP
    if a.mode in ("fixtures", "fdtget"):
        dtbs = []
        for p in map(Path, a.paths):
            dtbs += sorted(p.glob("*.dtb")) if p.is_dir() else [p] if p.is_file() else []
        if not dtbs:
            print(f"SKIP: no DTBs in {' '.join(a.paths)}")
            return SKIP
        if a.mode == "fdtget":
            return fdtget_check(a.cellctl, dtbs)
        return run_set(a.cellctl, dtbs, "fixtures", a.verbose)
    root = corpus_dir()
    if root is None:
        print("SKIP: Debian arm64 kernel DTBs unavailable (apt-get download failed)")
        return SKIP
    dtbs = sorted(p for p in root.rglob("*.dtb") if b"arm,gic-v3" in p.read_bytes())
    total = len(list(root.rglob("*.dtb")))
    print(f"corpus: {root}: {total} DTBs, {len(dtbs)} with arm,gic-v3")
    if not dtbs:
        print("SKIP: no GICv3 DTB in the corpus")
        return SKIP
    return run_set(a.cellctl, dtbs, "corpus", a.verbose)


if __name__ == "__main__":
    sys.exit(main())
