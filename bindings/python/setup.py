# SPDX-License-Identifier: BSD-2-Clause
"""Generates libcell/_layout.py from ../../include/libcell into the wheel, so
an installed package never needs the headers (the source tree does not hold
the generated file; see README.md)."""
from __future__ import annotations

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


class BuildWithLayout(build_py):
    def run(self) -> None:
        super().run()
        import gen_layout
        api = gen_layout.parse_headers(HERE.parents[1] / "include" / "libcell")
        out = Path(self.build_lib) / "libcell" / "_layout.py"
        out.write_text(gen_layout.render_python(api), encoding="utf-8")


setup(cmdclass={"build_py": BuildWithLayout})
