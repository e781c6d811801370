# SPDX-License-Identifier: BSD-2-Clause
"""GIC discovery (gic.h) on the real device-tree fixtures, cross-checked
with fdtget."""
from __future__ import annotations

from pathlib import Path

import pytest

import libcell
from dtutil import fixtures, need_fixtures, reg_entries, translates_identically

if "gic.h" not in libcell.layout.HEADERS:
    pytest.skip("gic.h not in this source tree yet", allow_module_level=True)


@pytest.mark.parametrize("dtb", fixtures(), ids=[p.stem for p in fixtures()])
def test_discovery_matches_fdtget(ctx: libcell.Context, dtb: Path) -> None:
    with libcell.gic_discover(ctx, dtb) as gics:
        assert len(gics) >= 1
        for k, g in enumerate(gics):
            assert isinstance(g, libcell.Gic) and g.version in (2, 3)
            regs = reg_entries(dtb, g.path)
            if translates_identically(dtb, g.path):
                assert (g.distributor.base, g.distributor.size) == regs[0]
            if g.version == 3:
                redist = gics.redistributors(k)
                assert len(redist) == g.redist_count >= 1
                if translates_identically(dtb, g.path):
                    assert [(r.base, r.size) for r in redist] == regs[1:1 + len(redist)]
                its = gics.its(k)
                assert len(its) == g.its_count
                for i in its:
                    assert i.path.startswith(g.path + "/") and i.frame.size > 0
                    if translates_identically(dtb, i.path):
                        assert (i.frame.base, i.frame.size) == reg_entries(dtb, i.path)[0]
        cpus = gics.cpus
        assert cpus and all(c.path.startswith("/cpus/") for c in cpus)
        assert len({c.mpidr for c in cpus}) == len(cpus)


@pytest.mark.parametrize("dtb", fixtures(), ids=[p.stem for p in fixtures()])
def test_symbols_build_agrees(ctx: libcell.Context, dtb: Path) -> None:
    sym = dtb.with_name(dtb.stem + ".symbols.dtb")
    if not sym.is_file():
        pytest.skip("no .symbols.dtb twin")
    with libcell.gic_discover(ctx, dtb) as a, libcell.gic_discover(ctx, sym) as b:
        strip = [libcell.replace(g, phandle=0) for g in a]
        assert strip == [libcell.replace(g, phandle=0) for g in b]
        for k in range(len(a)):
            assert a.redistributors(k) == b.redistributors(k)
            assert [libcell.replace(i, phandle=0) for i in a.its(k)] == \
                [libcell.replace(i, phandle=0) for i in b.its(k)]


def test_redist_frames_are_packed(ctx: libcell.Context) -> None:
    need_fixtures()
    dtb = [p for p in fixtures() if p.stem == "phytium-ft2004-devboard"]
    if not dtb:
        pytest.skip("phytium fixture missing")
    with libcell.gic_discover(ctx, dtb[0]) as gics:
        g = gics.first_v3()
        region = gics.redistributors(g)[0]
        frames = [gics.redist_frame(g, c.mpidr) for c in gics.cpus]
        assert [f.base for f in frames] == [region.base + i * libcell.CELL_GIC_FRAME_V3
                                            for i in range(len(frames))]
        v4 = gics.redist_frame(g, gics.cpus[1].mpidr, libcell.CELL_GIC_FRAME_V4)
        assert v4 == libcell.DtRegion(region.base + libcell.CELL_GIC_FRAME_V4,
                                      libcell.CELL_GIC_FRAME_V4)
        with pytest.raises(libcell.NotFound):
            gics.redist_frame(g, 0xdead)
        with pytest.raises(IndexError):
            gics[len(gics)]
        with pytest.raises(IndexError):
            gics.its(len(gics))


def test_bad_blobs(ctx: libcell.Context, tmp_path: Path) -> None:
    need_fixtures()
    with pytest.raises(libcell.Malformed) as ei:
        libcell.gic_discover(ctx, b"\xd0\x0d\xfe\xed" + bytes(60))
    assert ei.value.message == ctx.last_error
    data = fixtures()[0].read_bytes()
    with pytest.raises(libcell.Error):
        libcell.gic_discover(ctx, data[: len(data) // 2])
    with pytest.raises(libcell.NotFound, match="absent.dtb"):
        libcell.gic_discover(ctx, tmp_path / "absent.dtb")
