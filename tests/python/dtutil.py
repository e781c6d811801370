# SPDX-License-Identifier: BSD-2-Clause
"""Independent reading of device trees for cross-checks: fdtget (dtc's
command-line tool), never libcell."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES

DTB_DIR = FIXTURES / "dt" / "dtb"


def fixtures() -> list[Path]:
    return sorted(p for p in DTB_DIR.glob("*.dtb") if not p.name.endswith(".symbols.dtb"))


def need_fixtures() -> None:
    if not fixtures():
        pytest.skip(f"no DT fixtures in {DTB_DIR}")


def fdtget(dtb: Path, node: str, prop: str) -> list[int] | None:
    """Cells of a property, None when absent."""
    if not shutil.which("fdtget"):
        pytest.skip("fdtget (device-tree-compiler) not installed")
    r = subprocess.run(["fdtget", "-t", "x", str(dtb), node, prop],
                       capture_output=True, text=True)
    if r.returncode:
        return None
    return [int(x, 16) for x in r.stdout.split()]


def parent(path: str) -> str:
    return path.rsplit("/", 1)[0] or "/"


def cells(dtb: Path, node: str) -> tuple[int, int]:
    """#address-cells / #size-cells a node gives its children."""
    a = fdtget(dtb, node, "#address-cells")
    s = fdtget(dtb, node, "#size-cells")
    return (a[0] if a else 2, s[0] if s else 1)


def join(c: list[int]) -> int:
    v = 0
    for x in c:
        v = v << 32 | x
    return v


def reg_entries(dtb: Path, node: str) -> list[tuple[int, int]]:
    """(address, size) of each reg entry, untranslated."""
    ac, sc = cells(dtb, parent(node))
    raw = fdtget(dtb, node, "reg") or []
    step = ac + sc
    return [(join(raw[i:i + ac]), join(raw[i + ac:i + step])) for i in range(0, len(raw), step)]


def translates_identically(dtb: Path, node: str) -> bool:
    """True when every ancestor below the root has an empty `ranges`
    (or is the root): reg addresses are then CPU addresses."""
    p = parent(node)
    while p != "/":
        r = fdtget(dtb, p, "ranges")
        if r is None or r:
            return False
        p = parent(p)
    return True
