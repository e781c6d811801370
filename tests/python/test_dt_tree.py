# SPDX-License-Identifier: BSD-2-Clause
"""libcell.Tree (cell_dt): discovery and handoff on a tree opened once give
what they give on bytes, on the fixtures and on Debian's DTB corpus."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

import libcell
from conftest import FIXTURES, SOURCE_DIR

sys.path.insert(0, str(SOURCE_DIR / "tests" / "dt"))
from dt_oracle import corpus_dir  # noqa: E402

DTB = FIXTURES / "dt" / "dtb"
INMATE = DTB / "jailhouse-inmate-qemu-arm64.dtb"
POLICY = libcell.CELL_HANDOFF_DROP_UNRESOLVED | libcell.CELL_HANDOFF_KEEP_SHARED_ITS


def _outcome(fn, *args):  # type: ignore[no-untyped-def]
    """What a call gives: its result, or the error class and message."""
    try:
        return ("ok", fn(*args))
    except libcell.Error as e:
        return (type(e).__name__, str(e))


def _handoff_view(ctx: libcell.Context, host: object, inmate: object,
                  flags: int) -> object:
    r = _outcome(libcell.handoff, ctx, host, inmate, (), flags)
    if r[0] != "ok":
        return r
    h = r[1]
    return (h.host, h.inmate, h.report_json, h.unresolved)


def _compare(ctx: libcell.Context, blob: bytes, inmate: libcell.Tree, name: str) -> None:
    inmate_bytes = inmate.blob
    tree_r = _outcome(libcell.Tree.open, ctx, blob)
    if tree_r[0] != "ok":
        # Refused at open exactly as discovery refuses the bytes.
        assert _outcome(libcell.discover_gics, ctx, blob) == tree_r, name
        return
    with tree_r[1] as tree:
        for fn in (libcell.discover_gics, libcell.discover_pci):
            assert _outcome(fn, ctx, blob) == _outcome(fn, ctx, tree), (name, fn.__name__)
        for flags in (0, POLICY):
            assert (_handoff_view(ctx, blob, inmate_bytes, flags) ==
                    _handoff_view(ctx, tree, inmate, flags)), (name, flags)


def _fixtures() -> list[Path]:
    if not INMATE.is_file():
        pytest.skip(f"fixture missing: {INMATE}")
    return sorted(DTB.glob("*.dtb"))


def test_same_results_on_fixtures(ctx: libcell.Context) -> None:
    files = _fixtures()
    assert len(files) >= 10
    with libcell.Tree.open(ctx, INMATE) as inmate:
        for f in files:
            _compare(ctx, f.read_bytes(), inmate, f.name)


def test_same_results_on_corpus(ctx: libcell.Context) -> None:
    root = corpus_dir(fetch=False)
    if root is None:
        pytest.skip("no unpacked DTB corpus (dt_oracle_corpus unpacks it)")
    files = sorted(root.rglob("*.dtb"))
    assert len(files) > 100, f"{root}: only {len(files)} DTBs"
    _fixtures()
    with libcell.Tree.open(ctx, INMATE) as inmate:
        for f in files:
            _compare(ctx, f.read_bytes(), inmate, str(f.relative_to(root)))


def test_tree_keeps_a_copy(ctx: libcell.Context) -> None:
    _fixtures()
    data = bytearray((DTB / "nxp-ls1028a-rdb.dtb").read_bytes())
    tree = libcell.Tree.open(ctx, data)
    data[:] = bytes(len(data))
    assert tree.blob == (DTB / "nxp-ls1028a-rdb.dtb").read_bytes()
    assert len(libcell.discover_gics(ctx, tree).gics) == 1
    tree.close()
    with pytest.raises(ValueError):
        libcell.discover_gics(ctx, tree)


def test_bad_blob_refused_at_open(ctx: libcell.Context) -> None:
    with pytest.raises(libcell.Malformed):
        libcell.Tree.open(ctx, b"\xd0\x0d\xfe\xed" + bytes(60))
    assert "invalid blob" in ctx.last_error


def test_mixed_handoff_takes_the_blob_path(ctx: libcell.Context) -> None:
    _fixtures()
    host = (DTB / "rockchip-rk3568-rock-3a.dtb").read_bytes()
    with libcell.Tree.open(ctx, INMATE) as inmate:
        assert (_handoff_view(ctx, host, inmate, POLICY) ==
                _handoff_view(ctx, host, INMATE.read_bytes(), POLICY))
