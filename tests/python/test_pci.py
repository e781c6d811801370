# SPDX-License-Identifier: BSD-2-Clause
"""PCI host discovery (pci.h) on the real device-tree fixtures, cross-checked
with fdtget."""
from __future__ import annotations

from pathlib import Path

import pytest

import libcell
from dtutil import cells, fdtget, fixtures, parent, reg_entries, translates_identically

if "pci.h" not in libcell.layout.HEADERS:
    pytest.skip("pci.h not in this source tree yet", allow_module_level=True)


@pytest.mark.parametrize("dtb", fixtures(), ids=[p.stem for p in fixtures()])
def test_hosts_match_fdtget(ctx: libcell.Context, dtb: Path) -> None:
    with libcell.pci_discover(ctx, dtb) as hosts:
        if dtb.stem == "cavium-thunder-88xx":
            assert len(hosts) == 0  # the README's negative case
        for k, h in enumerate(hosts):
            assert isinstance(h, libcell.PciHost)
            assert fdtget(dtb, h.path, "device_type") is not None or "ecam" in h.compatible \
                or "cam" in h.compatible
            regs = hosts.regs(k)
            assert len(regs) == h.reg_count
            if translates_identically(dtb, h.path):
                assert [(r.region.base, r.region.size) for r in regs] == reg_entries(dtb, h.path)
            # ranges: 3 PCI address cells, the parent's address cells, 2 size cells.
            ranges = fdtget(dtb, h.path, "ranges") or []
            ac, _ = cells(dtb, parent(h.path))
            assert h.window_count == len(ranges) // (3 + ac + 2)
            for w in hosts.windows(k):
                assert w.space in (libcell.CELL_PCI_SPACE_CONFIG, libcell.CELL_PCI_SPACE_IO,
                                   libcell.CELL_PCI_SPACE_MEM32, libcell.CELL_PCI_SPACE_MEM64)
                assert w.space == (w.pci_hi >> 24) & 3 and w.size > 0
            imap = fdtget(dtb, h.path, "interrupt-map")
            assert (h.intx_count > 0) == bool(imap)
            assert len(hosts.intx(k)) == h.intx_count
            assert len(hosts.msi_parents(k)) == h.msi_parent_count
            maps = hosts.msi_maps(k)
            assert len(maps) == h.msi_map_count
            raw = fdtget(dtb, h.path, "msi-map")
            if raw:
                assert h.msi_map_count >= 1 and maps[0].rid_base == raw[0]
            assert hosts.index(h.path) == k


def test_index_errors(ctx: libcell.Context) -> None:
    fx = [p for p in fixtures() if p.stem == "arm-fvp-base-revc"]
    if not fx:
        pytest.skip("arm-fvp fixture missing")
    with libcell.pci_discover(ctx, fx[0]) as hosts:
        assert len(hosts) >= 1
        with pytest.raises(ValueError):
            hosts.index("/no/such/node")
        with pytest.raises(IndexError):
            hosts[len(hosts)]
        with pytest.raises(IndexError):
            hosts.regs(len(hosts))
    with pytest.raises(libcell.Malformed):
        libcell.pci_discover(ctx, b"not a device tree at all")
