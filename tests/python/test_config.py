# SPDX-License-Identifier: BSD-2-Clause
"""Configurations (config.h): build, edit, encode, decode, save, JSON."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import libcell
from conftest import BUILD_DIR, SOURCE_DIR, need_symbols
from libcell import (CELL_MEM_EXECUTE, CELL_MEM_IO, CELL_MEM_READ, CELL_MEM_ROOTSHARED,
                     CELL_MEM_WRITE)

RW = CELL_MEM_READ | CELL_MEM_WRITE


def make_system(ctx: libcell.Context) -> libcell.Config:
    cfg = libcell.Config.new(ctx, libcell.CELL_CONFIG_SYSTEM, libcell.CELL_ARCH_ARM64)
    cfg.name = "qemu-virt"
    cfg.cpus = [0, 1, 2, 3]
    sysh = cfg.system
    sysh.hypervisor_memory = libcell.Memory(phys_start=0x7fc00000, size=0x400000)
    sysh.debug_console = libcell.Console(address=0x09000000, size=0x1000,
                                         type=libcell.CELL_CON_TYPE_PL011,
                                         flags=libcell.CELL_CON_ACCESS_MMIO)
    sysh.platform.arm_gic_version = 3
    sysh.platform.arm_gicd_base = 0x08000000
    sysh.platform.arm_gicr_base = 0x080a0000
    sysh.platform.arm_maintenance_irq = 25
    cfg.system = sysh
    cfg.memory_regions.extend([
        libcell.Memory(0x09000000, 0x09000000, 0x1000, RW | CELL_MEM_IO),
        libcell.Memory(0x40000000, 0x40000000, 0x3fc00000, RW | CELL_MEM_EXECUTE),
    ])
    cfg.irqchips.append(libcell.Irqchip(address=0x08000000, pin_base=32,
                                        pin_bitmap=[0xffffffff] * 4))
    return cfg


def test_new_defaults(ctx: libcell.Context) -> None:
    with libcell.Config.new(ctx) as cfg:
        assert cfg.kind == libcell.CELL_CONFIG_CELL and not cfg.is_system
        assert cfg.arch == libcell.CELL_ARCH_ARM64
        assert cfg.revision == libcell.CELL_CONFIG_REVISION
        assert cfg.cpus == [] and cfg.cpu_set_size == 8
        assert len(cfg.memory_regions) == 0 and cfg.name == ""
    with pytest.raises(libcell.InvalidArgument, match="unknown kind 7"):
        libcell.Config.new(ctx, 7)


def test_build_encode_decode_round_trip(ctx: libcell.Context) -> None:
    with make_system(ctx) as cfg:
        image = cfg.encode()
        assert len(image) == cfg.encoded_size and image[:5] == b"JHSYS"
        with libcell.Config.decode(ctx, bytearray(image)) as back:
            assert back.encode() == image
            assert back.is_system and back.name == "qemu-virt"
            assert back.cpus == [0, 1, 2, 3]
            assert list(back.memory_regions) == list(cfg.memory_regions)
            assert back.system == cfg.system
            assert back.system.platform.arm_gicr_base == 0x080a0000
            assert back.irqchips[0].pin_bitmap == [0xffffffff] * 4


def test_array_views(ctx: libcell.Context) -> None:
    cfg = libcell.Config.new(ctx)
    mem = cfg.memory_regions
    regions = [libcell.Memory(0x1000 * i, 0x1000 * i, 0x1000, CELL_MEM_READ) for i in range(5)]
    for r in regions[1:]:
        mem.append(r)
    mem.insert(0, regions[0])
    assert len(mem) == 5 and list(mem) == regions
    assert mem[-1] == regions[4] and mem[1:3] == regions[1:3]
    assert regions[2] in mem and mem.index(regions[3]) == 3
    changed = libcell.replace(mem[2], flags=RW)
    mem[2] = changed
    assert mem[2].flags == RW
    del mem[0]
    assert mem[0] == regions[1]
    del mem[1:3]
    assert list(mem) == [regions[1], regions[4]]
    assert mem.pop() == regions[4] and len(mem) == 1
    with pytest.raises(libcell.OutOfRange, match="memory_regions"):
        mem[7]
    with pytest.raises(IndexError):
        del mem[3]
    with pytest.raises(TypeError):
        mem.append(libcell.Pio(1, 2))  # type: ignore[arg-type]


@pytest.mark.parametrize("view,value", [
    ("cache_regions", libcell.Cache(start=0, size=4, type=3, flags=1)),
    ("irqchips", libcell.Irqchip(address=0x8000000, id=1, pin_base=64,
                                 pin_bitmap=[1, 2, 3, 0x80000000])),
    ("pio_regions", libcell.Pio(base=0x3f8, length=8)),
    ("pci_devices", libcell.PciDevice(type=libcell.CELL_PCI_TYPE_IVSHMEM, bdf=0x0100,
                                      bar_mask=[0xffffff00, 0, 0, 0, 0, 0],
                                      shmem_regions_start=0, shmem_peers=2)),
    ("pci_caps", libcell.PciCapability(id=0x10 | libcell.CELL_PCI_EXT_CAP, start=0x100,
                                       len=8, flags=libcell.CELL_PCICAPS_WRITE)),
    ("stream_ids", 0x42),
])
def test_every_array_round_trips(ctx: libcell.Context, view: str, value: object) -> None:
    arch = libcell.CELL_ARCH_X86 if view in ("cache_regions", "pio_regions") else \
        libcell.CELL_ARCH_ARM64
    with libcell.Config.new(ctx, libcell.CELL_CONFIG_CELL, arch) as cfg:
        getattr(cfg, view).append(value)
        with libcell.Config.decode(ctx, cfg.encode()) as back:
            assert list(getattr(back, view)) == [value]


def test_desc_and_name(ctx: libcell.Context) -> None:
    cfg = libcell.Config.new(ctx)
    d = cfg.desc
    d.name, d.flags, d.cpu_reset_address = "inmate", libcell.CELL_FLAG_PASSIVE_COMMREG, 0x1000
    d.console = libcell.Console(address=0x9000000, type=libcell.CELL_CON_TYPE_PL011)
    cfg.desc = d
    assert cfg.name == "inmate" and cfg.desc == d
    with pytest.raises(libcell.NameTooLong) as ei:
        cfg.name = "x" * 32
    assert ei.value.message and cfg.name == "inmate"
    cfg.name = "y" * 31
    with pytest.raises(libcell.InvalidArgument, match="reserved"):
        cfg.desc = libcell.replace(d, reserved=1)
    with pytest.raises(ValueError):
        cfg.desc = libcell.replace(d, name="z" * 40)


def test_system_only_fields(ctx: libcell.Context) -> None:
    cell = libcell.Config.new(ctx)
    with pytest.raises(libcell.NotSupported):
        cell.system
    with pytest.raises(libcell.NotSupported):
        cell.iommus[0]
    with pytest.raises(libcell.InvalidArgument):
        cell.root_stamped
    sysc = make_system(ctx)
    unit = libcell.Iommu(type=libcell.CELL_IOMMU_SMMUV3, base=0x9050000, size=0x20000)
    sysc.iommus[1] = unit
    assert sysc.iommus[1] == unit and len(list(sysc.iommus)) == libcell.CELL_IOMMU_MAX
    with pytest.raises(libcell.OutOfRange, match="IOMMU unit 8"):
        sysc.iommus[8]
    with pytest.raises(libcell.InvalidArgument, match="reserved"):
        sysc.iommus[0] = libcell.Iommu(reserved=1)
    sysc.root_stamped = True
    assert sysc.root_stamped
    with libcell.Config.decode(ctx, sysc.encode()) as back:
        assert back.root_stamped and back.iommus[1] == unit


def test_cpus(ctx: libcell.Context) -> None:
    cfg = libcell.Config.new(ctx)
    cfg.add_cpu(3)
    cfg.add_cpu(100)
    assert cfg.cpus == [3, 100] and cfg.has_cpu(100) and not cfg.has_cpu(4)
    assert cfg.cpu_set_size == 16
    cfg.remove_cpu(100)
    cfg.remove_cpu(7)  # absent: not an error
    cfg.cpus = [1, 2]
    assert cfg.cpus == [1, 2]
    cfg.cpu_set_size = 1
    cfg.cpus = [0, 5]
    assert cfg.cpu_set_size == 1
    with pytest.raises(libcell.TooBig, match="32768"):
        cfg.add_cpu(40000)
    with pytest.raises(libcell.InvalidArgument):
        cfg.cpu_set_size = 0


def test_revision_and_arch(ctx: libcell.Context) -> None:
    cfg = libcell.Config.new(ctx)
    cfg.revision = libcell.CELL_CONFIG_REVISION_13
    with libcell.Config.decode(ctx, cfg.encode()) as back:
        assert back.revision == 13 and back.arch == libcell.CELL_ARCH_UNKNOWN
        with pytest.raises(libcell.Malformed):
            back.revision = 14
            back.encode()
    with pytest.raises(libcell.InvalidArgument):
        cfg.revision = 12
    with pytest.raises(libcell.InvalidArgument, match="architecture"):
        cfg.arch = 9
    cfg.arch = libcell.CELL_ARCH_ARM
    assert cfg.arch == libcell.CELL_ARCH_ARM


def test_clone_is_independent(ctx: libcell.Context) -> None:
    a = make_system(ctx)
    b = a.clone()
    b.name = "other"
    del b.memory_regions[0]
    assert a.name == "qemu-virt" and len(a.memory_regions) == 2
    assert b.encode() != a.encode()


def test_encode_into(ctx: libcell.Context) -> None:
    cfg = make_system(ctx)
    need = cfg.encoded_size
    with pytest.raises(libcell.NoSpace):
        cfg.encode_into(bytearray(need - 1))
    buf = bytearray(need + 10)
    assert cfg.encode_into(buf) == need and bytes(buf[:need]) == cfg.encode()
    with pytest.raises(TypeError):
        cfg.encode_into(memoryview(b"readonly"))


def test_save_and_load(ctx: libcell.Context, tmp_path: Path) -> None:
    cfg = make_system(ctx)
    path = tmp_path / "root.cell"
    cfg.save(path)
    assert path.read_bytes() == cfg.encode()
    assert [p.name for p in tmp_path.iterdir()] == ["root.cell"]  # no temporary left
    with libcell.Config.load(ctx, str(path)) as back:
        assert back.encode() == cfg.encode()
    with pytest.raises(libcell.NotFound, match="nope.cell"):
        cfg.save(tmp_path / "missing-dir" / "nope.cell")


def test_load_errors_name_file_and_offset(ctx: libcell.Context, tmp_path: Path) -> None:
    with pytest.raises(libcell.NotFound) as ei:
        libcell.Config.load(ctx, tmp_path / "absent.cell")
    assert "absent.cell" in ei.value.message and ei.value.code == -2
    with pytest.raises(libcell.IsADirectory):
        libcell.Config.load(ctx, tmp_path)
    image = make_system(ctx).encode()
    bad = tmp_path / "truncated.cell"
    bad.write_bytes(image[:-8])
    with pytest.raises(libcell.Overflow) as ei2:
        libcell.Config.load(ctx, bad)
    assert str(bad) in ei2.value.message and "offset" in ei2.value.message
    assert ctx.last_error == ei2.value.message
    junk = tmp_path / "junk.cell"
    junk.write_bytes(b"JHSYSX" + image[6:])
    with pytest.raises(libcell.Malformed, match="junk.cell"):
        libcell.Config.load(ctx, junk)
    trailing = tmp_path / "trailing.cell"
    trailing.write_bytes(image + b"\0")
    with pytest.raises(libcell.TooBig):
        libcell.Config.load(ctx, trailing)
    with pytest.raises(libcell.Truncated):
        libcell.Config.decode(ctx, b"")


def test_mem_flag_names() -> None:
    need_symbols("cell_mem_flag_name")
    assert libcell.mem_flag_name(CELL_MEM_ROOTSHARED) == "ROOTSHARED"
    assert libcell.mem_flag_name(1 << 40) is None
    assert libcell.mem_flags_names(RW | CELL_MEM_IO | 1 << 40) == \
        ["READ", "WRITE", "IO", hex(1 << 40)]


def test_json_round_trip(ctx: libcell.Context) -> None:
    need_symbols("cell_config_to_json", "cell_config_from_json")
    cfg = make_system(ctx)
    text = cfg.to_json()
    doc = json.loads(text)
    assert doc["kind"] == "system" and doc["root_cell"]["name"] == "qemu-virt"
    with libcell.Config.from_json(ctx, text) as back:
        assert back.encode() == cfg.encode()
        assert back.to_json() == text
    doc["root_cell"]["memory_regions"][1]["flags"] = ["REED"]
    with pytest.raises(libcell.Malformed, match=r"memory_regions\[1\]\.flags"):
        libcell.Config.from_json(ctx, json.dumps(doc))
    with pytest.raises(libcell.Malformed, match="line"):
        libcell.Config.from_json(ctx, "{ nope")


def _example_jsons() -> list[Path]:
    return sorted((SOURCE_DIR / "examples" / "configs").rglob("*.json"))


@pytest.mark.parametrize("path", _example_jsons(),
                         ids=[str(p.parent.name + "/" + p.stem) for p in _example_jsons()])
def test_example_configs(ctx: libcell.Context, path: Path, tmp_path: Path) -> None:
    need_symbols("cell_config_to_json", "cell_config_from_json", "cell_check_config")
    with libcell.Config.from_json(ctx, path.read_text()) as cfg:
        image = cfg.encode()
        with libcell.Config.decode(ctx, image) as back:
            assert back.encode() == image
            assert json.loads(back.to_json()) == json.loads(cfg.to_json())
        findings = cfg.check()
        assert findings.errors == 0, [f.message for f in findings]
        # The build encodes the same JSON with cellctl; both must agree.
        rel = path.relative_to(SOURCE_DIR).with_suffix(".cell")
        built = BUILD_DIR / rel
        if built.is_file():
            assert built.read_bytes() == image
        cfg.save(tmp_path / "x.cell")
        assert os.path.getsize(tmp_path / "x.cell") == len(image)


def test_example_configs_present() -> None:
    if not (SOURCE_DIR / "examples" / "configs").is_dir():
        pytest.skip("examples/configs not on this branch yet")
    assert _example_jsons()


def test_memory_carve_and_find(ctx: libcell.Context) -> None:
    cfg = make_system(ctx)
    ram = cfg.memory_regions[1]
    assert cfg.memory_find(ram) == 1
    assert cfg.memory_find(libcell.replace(ram, flags=0)) is None
    assert cfg.memory_carve(0x50000000, 0x1000) == 1
    pieces = [m for m in cfg.memory_regions if m.flags == ram.flags]
    assert [(m.phys_start, m.size) for m in pieces] == [
        (0x40000000, 0x10000000), (0x50001000, 0x3fc00000 - 0x10001000)]
    assert cfg.memory_find(ram) is None
    assert cfg.memory_carve(0x1000, 0x1000) == 0
    with pytest.raises(libcell.InvalidArgument):
        cfg.memory_carve(2**64 - 0x1000, 0x2000)
