# SPDX-License-Identifier: BSD-2-Clause
"""The package installs: `cmake --install` and a setuptools wheel both ship a
generated _layout.py, and the installed copy works."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import BUILD_DIR, SOURCE_DIR

SMOKE = """
import libcell, sys
assert libcell.layout.__file__.endswith("_layout.py"), libcell.layout.__file__
with libcell.Context() as ctx, libcell.Config.new(ctx) as cfg:
    cfg.name = "installed"
    cfg.memory_regions.append(libcell.Memory(0x1000, 0, 0x1000, libcell.CELL_MEM_READ))
    back = libcell.Config.decode(ctx, cfg.encode())
    assert back.name == "installed" and len(back.memory_regions) == 1
print(libcell.__file__)
"""


def _smoke(pythonpath: Path, library: Path) -> str:
    env = dict(os.environ, PYTHONPATH=str(pythonpath), LIBCELL_LIBRARY=str(library))
    r = subprocess.run([sys.executable, "-c", SMOKE], env=env, capture_output=True,
                       text=True, cwd="/", timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_cmake_install(tmp_path: Path) -> None:
    if not (BUILD_DIR / "CMakeCache.txt").is_file() or not shutil.which("cmake"):
        pytest.skip("no CMake build tree")
    # Tools get no sanitizer preload (a sanitized build's tests set one).
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    r = subprocess.run(["cmake", "--install", str(BUILD_DIR), "--prefix", str(tmp_path)],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    site = list(tmp_path.glob("lib*/python3/dist-packages"))
    assert len(site) == 1
    pkg = site[0] / "libcell"
    assert (pkg / "_layout.py").is_file() and (pkg / "py.typed").is_file()
    lib = next(tmp_path.glob("lib*/libcell.so.0"))
    assert _smoke(site[0], lib) == str(pkg / "__init__.py")


def test_wheel(tmp_path: Path) -> None:
    if subprocess.run([sys.executable, "-m", "pip", "--version"],
                      capture_output=True).returncode:
        pytest.skip("pip is not installed")
    # Build from a copy: setuptools writes build/ and *.egg-info next to
    # setup.py, and the source tree is never written by tests.
    src = tmp_path / "src"
    shutil.copytree(SOURCE_DIR / "bindings" / "python", src / "bindings" / "python",
                    ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
    shutil.copytree(SOURCE_DIR / "include" / "libcell", src / "include" / "libcell")
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-build-isolation",
                        "--no-deps", "--no-index", "-w", str(tmp_path / "dist"),
                        str(src / "bindings" / "python")], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    wheel = next((tmp_path / "dist").glob("libcell-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert {"libcell/_layout.py", "libcell/py.typed", "libcell/__init__.py"} <= set(names)
    assert not [n for n in names if n.startswith("gen_layout")]
    zipfile.ZipFile(wheel).extractall(tmp_path / "site")
    lib = Path(os.environ.get("LIBCELL_LIBRARY", BUILD_DIR / "src" / "libcell.so.0"))
    _smoke(tmp_path / "site", lib)
