#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Symbol discipline of libcell.so.

Fails when
  - the SONAME is not libcell.so.<major>;
  - an exported symbol is not a cell_ name, or carries no LIBCELL_ version;
  - an exported symbol is missing from src/libcell.map;
  - a name in the map is not exported (stale entry or missing definition);
  - a function declared CELL_API in a public header is not exported;
  - a public header declares a cell_ function without CELL_API (it would be
    hidden, so callers could not link against it).

usage: check_exports.py LIBCELL_SO MAP INCLUDE_DIR MAJOR
"""
import os
import re
import subprocess
import sys


def run(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def exported(lib):
    """name -> version node of every defined dynamic symbol."""
    syms = {}
    for line in run("nm", "-D", "--defined-only", lib).splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        kind, name = parts[1], parts[2]
        if kind == "A":  # the version node itself (LIBCELL_0.1)
            continue
        base, _, version = name.partition("@")
        syms[base] = version.lstrip("@")
    return syms


def map_names(path):
    text = re.sub(r"/\*.*?\*/", "", open(path).read(), flags=re.S)
    names = set()
    for node in re.finditer(r"(LIBCELL_\d+\.\d+)\s*\{(.*?)\}", text, flags=re.S):
        body = node.group(2)
        glob = re.search(r"global:(.*?)(local:|$)", body, flags=re.S)
        if glob:
            names.update(n.strip() for n in glob.group(1).split(";") if n.strip())
    return names


def strip_bodies(text):
    """Drop what is inside top-level braces: the statements of a static
    inline function's body are not declarations. "{};" stays in their
    place, ending the statement that opened them."""
    out, depth = [], 0
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                out.append("{};")
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def header_decls(include_dir):
    """(CELL_API functions, cell_ functions declared without CELL_API)."""
    api, bare = {}, {}
    for root, _, files in os.walk(include_dir):
        for f in sorted(files):
            if not f.endswith(".h"):
                continue
            path = os.path.join(root, f)
            text = open(path).read()
            text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
            text = re.sub(r"//[^\n]*", " ", text)
            text = re.sub(r"^\s*#[^\n]*(\\\n[^\n]*)*", " ", text, flags=re.M)
            text = strip_bodies(text)
            # Split into top-level statements; a prototype is one that has a
            # cell_ name directly followed by "(".
            for stmt in text.split(";"):
                stmt = " ".join(stmt.split())
                m = re.search(r"\b(cell_[A-Za-z0-9_]+)\s*\(", stmt)
                if not m:
                    continue
                before = stmt.split(m.group(1))[0]
                if stmt.startswith("typedef") or "{" in before:
                    continue
                # A static inline definition is local to each includer.
                if re.search(r"\bstatic\b", before):
                    continue
                where = os.path.relpath(path, include_dir)
                if re.search(r"\bCELL_API\b", stmt):
                    api[m.group(1)] = where
                else:
                    bare[m.group(1)] = where
    return api, bare


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    lib, mapfile, include_dir, major = sys.argv[1:]
    errors = []

    soname = re.search(r"SONAME.*\[(.*)\]", run("readelf", "-d", lib))
    want = "libcell.so.%s" % major
    if not soname or soname.group(1) != want:
        errors.append("SONAME is %s, expected %s" %
                      (soname.group(1) if soname else "missing", want))

    syms = exported(lib)
    listed = map_names(mapfile)
    api, bare = header_decls(include_dir)

    for name, version in sorted(syms.items()):
        if not name.startswith("cell_"):
            errors.append("exported symbol %s lacks the cell_ prefix" % name)
        if not version.startswith("LIBCELL_"):
            errors.append("exported symbol %s has no LIBCELL_ version (%r)" %
                          (name, version))
        if name not in listed:
            errors.append("exported symbol %s is missing from %s" % (name, mapfile))
    for name in sorted(listed - set(syms)):
        errors.append("%s lists %s but the library does not export it" %
                      (os.path.basename(mapfile), name))
    for name, where in sorted(api.items()):
        if name not in syms:
            errors.append("%s declares CELL_API %s but the library does not export it" %
                          (where, name))
    for name, where in sorted(bare.items()):
        errors.append("%s declares %s without CELL_API" % (where, name))

    for e in errors:
        print("FAIL: " + e)
    print("%d exported symbols, %d in the map, %d CELL_API declarations, %d problems" %
          (len(syms), len(listed), len(api), len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
