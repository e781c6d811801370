# SPDX-License-Identifier: BSD-2-Clause
"""examples/isolate_nic.py on the QEMU virt board tree and the Jailhouse
inmate fixture: the whole flow through the Python API."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import libcell
from conftest import SOURCE_DIR
from dtutil import DTB_DIR

INMATE = DTB_DIR / "jailhouse-inmate-qemu-arm64.dtb"
EXAMPLE = SOURCE_DIR / "examples" / "isolate_nic.py"


@pytest.fixture(scope="module")
def virt_dtb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    for tool in ("qemu-system-aarch64", "dtc"):
        if not shutil.which(tool):
            pytest.skip(f"{tool} not installed")
    d = tmp_path_factory.mktemp("virt")
    raw = d / "raw.dtb"
    subprocess.run(["qemu-system-aarch64", "-machine",
                    f"virt,virtualization=on,gic-version=3,its=on,dumpdtb={raw}",
                    "-cpu", "cortex-a57", "-smp", "4", "-m", "1G", "-nographic", "-nic", "none"],
                   check=True, capture_output=True, timeout=60)
    out = d / "virt.dtb"
    subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dtb", "-o", str(out), str(raw)],
                   check=True, timeout=60)
    return out


def test_isolate_nic(virt_dtb: Path, tmp_path: Path) -> None:
    for h in ("gic.h", "pci.h", "dt.h"):
        if h not in libcell.layout.HEADERS:
            pytest.skip(f"{h} not in this source tree yet")
    if not INMATE.is_file():
        pytest.skip(f"{INMATE} missing")
    if not (SOURCE_DIR / "examples" / "configs" / "qemu-virt" / "root.json").is_file():
        pytest.skip("examples/configs/qemu-virt missing")
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, str(EXAMPLE), "--host", str(virt_dtb),
                        "--inmate", str(INMATE), "--pcie", "/pcie@10000000", "--out", str(out)],
                       capture_output=True, text=True, env=os.environ.copy(), timeout=120)
    print(r.stdout, r.stderr)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "host.dtb", "inmate.cell", "inmate.dtb", "root.cell"]

    with libcell.Context() as ctx:
        # Independent view of what the example had to do.
        with libcell.gic_discover(ctx, virt_dtb) as gics:
            gicr = gics.redistributors(gics.first_v3())
        rw_io = libcell.CELL_MEM_READ | libcell.CELL_MEM_WRITE | libcell.CELL_MEM_IO
        with libcell.Config.load(ctx, out / "root.cell") as root, \
                libcell.Config.load(ctx, out / "inmate.cell") as cell:
            for g in gicr:
                assert root.memory_find(libcell.Memory(g.base, g.base, g.size, rw_io)) is not None
                assert cell.memory_find(libcell.Memory(
                    g.base, g.base, g.size, rw_io | libcell.CELL_MEM_ROOTSHARED)) is not None
            findings = libcell.check_set(root, [cell])
            assert findings.ok, [f.message for f in findings]
            assert libcell.CELL_CHECK_GICR_GRANT in [f.code for f in findings]
        with libcell.pci_discover(ctx, out / "inmate.dtb") as moved:
            assert "/pcie@10000000" in [h.path for h in moved]
        with libcell.pci_discover(ctx, out / "host.dtb") as left:
            assert not [h for h in left if h.enabled]
        with libcell.gic_discover(ctx, out / "inmate.dtb") as igics:
            its = igics.its(igics.first_v3())
            assert [i.frame.base for i in its] == [0x08080000]
