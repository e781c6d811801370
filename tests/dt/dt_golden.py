#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Device-tree outputs against a record taken before a change.

For every DTB, cellctl's GIC and PCI discovery (--json) and its handoff into
the Jailhouse QEMU inmate tree (all enabled host bridges with no policy, with
drop-unresolved + keep-shared-its, with disable-host too, and each enabled
host bridge on its own) are run; exit status, stdout, stderr and both output
blobs of each run are hashed. `record` writes one line per DTB, keyed by the
SHA-256 of its input; `check` recomputes and compares, naming the DTB, the
run and the command that reproduces it.

    dt_golden.py --cellctl C --inmate I.dtb --golden G record|check PATH...
    PATH: DTB files, directories of them, or "corpus" (Debian's arm64 DTBs,
    located as dt_oracle.py does).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dt_oracle import corpus_dir  # noqa: E402

SKIP = 77
POLICIES = {
    "h0": [],
    "h6": ["--drop-unresolved", "--keep-shared-its"],
    "h7": ["--disable-host", "--drop-unresolved", "--keep-shared-its"],
}


def digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(len(p).to_bytes(8, "little"))
        h.update(p)
    return h.hexdigest()[:16]


class Runner:
    def __init__(self, cellctl: str, inmate: Path, tmp: Path):
        self.cellctl = cellctl
        self.inmate = inmate
        self.tmp = tmp

    def run(self, args: list[str], outs: tuple[Path, ...] = ()) -> tuple[str, bytes]:
        for o in outs:
            o.unlink(missing_ok=True)
        res = subprocess.run([self.cellctl] + args, capture_output=True, timeout=300)
        blobs = [o.read_bytes() if o.exists() else b"<none>" for o in outs]
        return digest(str(res.returncode).encode(), res.stdout, res.stderr, *blobs), res.stdout

    def handoff_args(self, dtb: Path, extra: list[str], hout: Path, iout: Path) -> list[str]:
        return ["dt", "handoff", "--host", str(dtb), "--inmate", str(self.inmate),
                "--host-out", str(hout), "--inmate-out", str(iout), "--json"] + extra

    def records(self, dtb: Path, slot: int) -> tuple[dict[str, str], list[str]]:
        rec: dict[str, str] = {}
        rec["gic"], _ = self.run(["gic", "--json", str(dtb)])
        rec["pci"], out = self.run(["pci", "--json", str(dtb)])
        hout, iout = self.tmp / f"h{slot}.dtb", self.tmp / f"i{slot}.dtb"
        for name, extra in POLICIES.items():
            rec[name], _ = self.run(self.handoff_args(dtb, extra, hout, iout), (hout, iout))
        try:
            hosts = [h["path"] for h in json.loads(out)["hosts"] if h["enabled"]]
        except (ValueError, KeyError, TypeError):
            hosts = []
        for k, path in enumerate(hosts):
            rec[f"p{k}"], _ = self.run(
                self.handoff_args(dtb, POLICIES["h6"] + ["--pcie", path], hout, iout),
                (hout, iout))
        for o in (hout, iout):
            o.unlink(missing_ok=True)
        return rec, hosts

    def command(self, dtb: Path, name: str, paths: list[str]) -> str:
        if name in ("gic", "pci"):
            return f"cellctl {name} --json {dtb}"
        extra = POLICIES.get(name)
        if extra is None:
            extra = POLICIES["h6"] + ["--pcie", paths[int(name[1:])]]
        return "cellctl " + " ".join(self.handoff_args(dtb, extra, Path("H.dtb"), Path("I.dtb")))


def collect(paths: list[str]) -> tuple[list[tuple[Path, str]], str | None]:
    """(DTB, name) pairs; the name is relative to the directory given."""
    out: list[tuple[Path, str]] = []
    for p in paths:
        if p == "corpus":
            root = corpus_dir()
            if root is None:
                return [], "Debian arm64 kernel DTBs unavailable (apt-get download failed)"
            out += [(d, str(d.relative_to(root))) for d in sorted(root.rglob("*.dtb"))]
            continue
        q = Path(p)
        if q.is_dir():
            out += [(d, d.name) for d in sorted(q.glob("*.dtb"))]
        elif q.is_file():
            out.append((q, q.name))
    return out, None if out else f"no DTBs in {' '.join(paths)}"


def load_golden(path: Path) -> dict[str, tuple[str, dict[str, str]]]:
    golden = {}
    if path.exists():
        for ln in path.read_text().splitlines():
            if not ln or ln.startswith("#"):
                continue
            key, name, *fields = ln.split()
            golden[key] = (name, dict(f.split("=", 1) for f in fields))
    return golden


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cellctl", required=True)
    ap.add_argument("--inmate", required=True, type=Path)
    ap.add_argument("--golden", required=True, type=Path)
    ap.add_argument("mode", choices=("record", "check"))
    ap.add_argument("paths", nargs="+")
    a = ap.parse_args()
    if not a.inmate.is_file():
        print(f"SKIP: inmate fixture {a.inmate} missing")
        return SKIP
    dtbs, why = collect(a.paths)
    if not dtbs:
        print(f"SKIP: {why}")
        return SKIP
    keys = [hashlib.sha256(d.read_bytes()).hexdigest()[:16] for d, _ in dtbs]
    golden = load_golden(a.golden)
    if a.mode == "check":
        todo = [(i, d) for i, d in enumerate(dtbs) if keys[i] in golden]
        if len(todo) * 2 < len(dtbs):
            print(f"SKIP: only {len(todo)} of {len(dtbs)} DTBs are recorded in {a.golden} "
                  "(a different corpus: record it before a change)")
            return SKIP
    else:
        todo = list(enumerate(dtbs))

    with tempfile.TemporaryDirectory() as tmp:
        runner = Runner(a.cellctl, a.inmate, Path(tmp))
        jobs = os.cpu_count() or 2
        with ThreadPoolExecutor(jobs) as pool:
            results = list(pool.map(
                lambda it: runner.records(it[1][0], it[0]), todo))

    if a.mode == "record":
        seen = {}
        for (i, (_, name)), (rec, _) in zip(todo, results):
            seen[keys[i]] = (name, rec)
        golden.update(seen)
        lines = [f"{k} {n} " + " ".join(f"{r}={v}" for r, v in rec.items())
                 for k, (n, rec) in sorted(golden.items(), key=lambda kv: kv[1][0])]
        tmp_path = a.golden.with_suffix(".tmp")
        tmp_path.write_text("# dt_golden.py record: key name run=digest...\n" + "\n".join(lines) + "\n")
        tmp_path.replace(a.golden)
        print(f"recorded {len(seen)} DTBs into {a.golden}")
        return 0

    bad = 0
    for (i, (dtb, name)), (rec, hosts) in zip(todo, results):
        want = golden[keys[i]][1]
        for run in sorted(set(want) | set(rec)):
            if want.get(run) != rec.get(run):
                bad += 1
                if bad <= 20:
                    print(f"DIFFERS {name} {run}: recorded {want.get(run)}, now {rec.get(run)}: "
                          f"{runner.command(dtb, run, hosts)}")
    runs = sum(len(r) for r, _ in results)
    print(f"{len(todo)} DTBs ({len(dtbs) - len(todo)} not recorded), {runs} runs, {bad} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
