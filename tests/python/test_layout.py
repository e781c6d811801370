# SPDX-License-Identifier: BSD-2-Clause
"""The generated ctypes layer matches the C compiler, the headers, the
exported symbols, and the Pythonic layer wraps every function."""
from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

import libcell
from conftest import SOURCE_DIR

L = libcell.layout
PKG_DIR = Path(libcell.__file__).resolve().parent


def _gen() -> ModuleType:
    path = SOURCE_DIR / "bindings" / "python" / "gen_layout.py"
    spec = importlib.util.spec_from_file_location("gen_layout_under_test", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    import sys
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def probe() -> dict[str, tuple[int, ...] | str]:
    exe = os.environ.get("LIBCELL_LAYOUT_PROBE")
    if not exe or not Path(exe).is_file():
        pytest.skip("LIBCELL_LAYOUT_PROBE not set (run through ctest)")
    out: dict[str, tuple[int, ...] | str] = {}
    for line in subprocess.run([exe], check=True, capture_output=True,
                               text=True).stdout.splitlines():
        kind, name, *rest = line.split(" ", 2)
        key = f"{kind} {name}"
        out[key] = rest[0] if kind == "string" else tuple(int(x) for x in rest[0].split())
    return out


def test_generated_module_is_the_build_copy() -> None:
    # ctest runs the package copied into the build tree, whose _layout.py
    # the build generated; the in-memory fallback is for source-tree use.
    if "LIBCELL_BUILD_DIR" not in os.environ:
        pytest.skip("not run through ctest")
    assert Path(L.__file__).resolve() == PKG_DIR / "_layout.py"


def test_build_copy_is_current() -> None:
    gen = _gen()
    fresh = gen.render_python(gen.parse_headers(SOURCE_DIR / "include" / "libcell"))
    built = PKG_DIR / "_layout.py"
    if not built.is_file():
        pytest.skip("package imported from the source tree")
    assert built.read_text() == fresh


def test_struct_sizes_and_offsets(probe: dict) -> None:
    structs = [k for k in probe if k.startswith("struct ")]
    assert sorted(s.split()[1] for s in structs) == sorted(L.STRUCTS)
    for name, (cs, _) in L.STRUCTS.items():
        size, align = probe[f"struct {name}"]
        assert ctypes.sizeof(cs) == size, name
        assert ctypes.alignment(cs) == align, name
        for fname, *_ in L.FIELDS[name]:
            off, fsize = probe[f"field {name}.{fname}"]
            desc = getattr(cs, fname)
            assert (desc.offset, desc.size) == (off, fsize), f"{name}.{fname}"


def test_constants(probe: dict) -> None:
    consts = {k.split()[1]: v for k, v in probe.items() if k.split()[0] in ("const", "string")}
    assert sorted(consts) == sorted(L.CONSTANTS)
    for name, value in L.CONSTANTS.items():
        if isinstance(value, str):
            assert consts[name] == value, name
        else:
            assert consts[name][0] == value % (1 << 64), name
        assert getattr(libcell, name) == value


def test_prototypes_match_version_script() -> None:
    text = (SOURCE_DIR / "src" / "libcell.map").read_text()
    exported = set(re.findall(r"^\s+(cell_\w+);", text, re.M))
    assert exported == set(L.PROTOTYPES)


def test_every_function_is_wrapped() -> None:
    sources = "".join(p.read_text() for p in PKG_DIR.glob("*.py") if p.name != "_layout.py")
    # Array families are bound by name composition in ArrayView.
    families = re.findall(r'ArrayView\(self, "(\w+)"', sources)
    composed = {f"cell_config_{a}_{v}" for a in families
                for v in ("count", "get", "set", "insert", "remove")}
    unwrapped = [f for f in L.PROTOTYPES
                 if f not in composed and f'"{f}"' not in sources]
    assert not unwrapped, f"functions without a Python wrapper: {unwrapped}"


def test_everything_generated_is_exported() -> None:
    for _, dc in L.STRUCTS.values():
        assert getattr(libcell, dc.__name__) is dc and dc.__name__ in libcell.__all__
    assert set(L.CONSTANTS) <= set(libcell.__all__)


def test_dataclass_round_trip() -> None:
    d = libcell.Desc(name="x", flags=5, console=libcell.Console(address=0x9000000, type=3))
    cs = libcell._ffi.to_cstruct(d, "cell_desc")
    assert isinstance(cs, L.cell_desc)
    assert cs.console.address == 0x9000000
    assert libcell._ffi.to_dataclass(cs) == d
    with pytest.raises(TypeError):
        libcell._ffi.to_cstruct(libcell.Memory(), "cell_desc")
    with pytest.raises(ValueError):
        libcell._ffi.to_cstruct(libcell.Irqchip(pin_bitmap=[1, 2]), "cell_irqchip")


BAD_HEADERS = {
    "bitfield": "struct cell_x { uint32_t a:1; };",
    "union": "struct cell_x { union { uint32_t a; } u; };",
    "pointer member": "struct cell_x { char *p; };",
    "unknown type": "struct cell_x { float f; };",
    "unprefixed struct": "struct x { uint32_t a; };",
    "function pointer": "CELL_API int cell_f(int (*cb)(void));",
    "variadic": "CELL_API int cell_f(int a, ...);",
    "static inline": "static inline int cell_f(void) { return 0; }",
    "enum": "enum cell_e { A, B };",
    "unprefixed define": "#define FOO 1",
    "bad define": "#define CELL_FOO sizeof(int)",
    "function-like macro": "#define CELL_F(x) (x)",
    "unknown array length": "struct cell_x { uint32_t a[CELL_NOPE]; };",
    "unnamed parameter": "CELL_API int cell_f(int);",
}


@pytest.mark.parametrize("case", sorted(BAD_HEADERS))
def test_generator_refuses(case: str, tmp_path: Path) -> None:
    gen = _gen()
    (tmp_path / "common.h").write_text(
        "#ifndef G\n#define G\n#include <stdint.h>\n" + BAD_HEADERS[case] + "\n#endif\n")
    with pytest.raises(gen.HeaderError, match=r"common\.h:\d+"):
        gen.parse_headers(tmp_path)


def test_generator_accepts_regular_header(tmp_path: Path) -> None:
    gen = _gen()
    (tmp_path / "common.h").write_text("""
#ifndef G
#define G
#define CELL_N 4u
#define CELL_M (CELL_N << 2)
#define CELL_NEG (-1)
#define CELL_S "text"
typedef struct cell_h cell_h;
struct cell_a { uint8_t x; uint64_t y[CELL_N]; char n[CELL_M]; };
struct cell_b { struct cell_a a; int32_t z; };
CELL_API int cell_f(cell_h **out, const struct cell_b *in,
                    const char *s, char **owned);
#endif
""")
    api = gen.parse_headers(tmp_path)
    assert api.constants["CELL_M"].value == 16
    assert api.constants["CELL_NEG"].value == -1
    assert api.constants["CELL_S"].value == "text"
    assert [f.count for f in api.structs["cell_a"].fields] == [None, 4, 16]
    assert [t for t, _ in api.functions["cell_f"].params] == [
        "cell_h **", "const struct cell_b *", "const char *", "char **"]
    mod = ModuleType("gen_check")
    import sys
    sys.modules["gen_check"] = mod
    exec(gen.render_python(api), mod.__dict__)
    assert ctypes.sizeof(mod.cell_a) == 1 + 7 + 32 + 16
    assert mod.PROTOTYPES["cell_f"][1][2] is ctypes.c_char_p
