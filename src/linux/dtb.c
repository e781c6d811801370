// SPDX-License-Identifier: BSD-2-Clause
/*
 * The inmate's device tree: checked against the cell, then edited on a
 * copy with libfdt. /memory and /chosen say what the boot loader placed;
 * the CPU and device checks catch a tree written for other hardware,
 * which would otherwise show up as a kernel waiting forever for a CPU or
 * a CPU parked on a stage-2 fault.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "dt/fdt_util.h"
#include "internal.h"
#include "linux_internal.h"

#define MPIDR_AFF_MASK	0xff00ffffffull
#define MAX_CPUS	256
#define EDIT_SLACK	1024

/* The GIC's own ranges are trapped and emulated, never mapped into a cell. */
static const char *const emulated[] = {
	"arm,gic-v3", "arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a9-gic",
	"arm,cortex-a7-gic", "arm,gic-v2",
};

static int fdt_fail(cell_ctx *ctx, const char *what, int fdt_err)
{
	return cell__err(ctx, fdt_err == -FDT_ERR_NOSPACE ? -EFBIG : -EINVAL,
			 "device tree: %s: %s", what, fdt_strerror(fdt_err));
}

/* The enabled CPU nodes under /cpus must be exactly the cell's CPUs. */
static int check_cpus(cell_ctx *ctx, const void *fdt, const cell_config *cell,
		      const struct cell_linux_params *p)
{
	uint32_t ids[MAX_CPUS], i;
	uint64_t want[MAX_CPUS];
	char path[256];
	int n, cpus, node, err;

	n = cell_config_cpus(cell, ids, MAX_CPUS);
	if (n <= 0)
		return cell__err(ctx, -EINVAL, "cell \"%s\" has no CPU", cell_config_name(cell));
	if (n > MAX_CPUS)
		n = MAX_CPUS;
	for (i = 0; i < (uint32_t)n; i++) {
		if (ids[i] >= p->cpu_count)
			return cell__err(ctx, -EINVAL,
					 "CPU %u of cell \"%s\" is not in the CPU map (%u CPUs): its MPIDR is unknown",
					 ids[i], cell_config_name(cell), p->cpu_count);
		want[i] = p->cpu_mpidr[ids[i]] & MPIDR_AFF_MASK;
	}

	cpus = fdt_path_offset(fdt, "/cpus");
	if (cpus < 0)
		return cell__err(ctx, -EINVAL, "device tree: no /cpus node");
	fdt_for_each_subnode(node, fdt, cpus) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		struct cell__fdt_addr a;
		uint64_t size, mpidr;

		if (!type || strcmp(type, "cpu") || !cell__fdt_enabled(fdt, node))
			continue;
		err = cell__fdt_reg(ctx, fdt, node, 0, &a, &size);
		if (err)
			return err;
		if (a.cells < 1 || a.cells > 2)
			return cell__err(ctx, -EINVAL, "device tree: %s: reg has %u address cells",
					 cell__fdt_path(fdt, node, path, sizeof(path)), a.cells);
		mpidr = (a.cells == 2 ? (uint64_t)a.w[0] << 32 | a.w[1] : a.w[0]) & MPIDR_AFF_MASK;
		for (i = 0; i < (uint32_t)n && (want[i] & MPIDR_AFF_MASK) != mpidr; i++)
			;
		if (i == (uint32_t)n)
			return cell__err(ctx, -EINVAL,
					 "device tree: %s (MPIDR 0x%" PRIx64 ") is not a CPU of cell \"%s\": the tree must list exactly the cell's CPUs",
					 cell__fdt_path(fdt, node, path, sizeof(path)), mpidr,
					 cell_config_name(cell));
		if (want[i] >> 63)
			return cell__err(ctx, -EINVAL,
					 "device tree: %s: a second node for MPIDR 0x%" PRIx64,
					 cell__fdt_path(fdt, node, path, sizeof(path)), mpidr);
		want[i] |= 1ull << 63;	/* seen */
	}
	for (i = 0; i < (uint32_t)n; i++)
		if (!(want[i] >> 63))
			return cell__err(ctx, -EINVAL,
					 "device tree: CPU %u of cell \"%s\" (MPIDR 0x%" PRIx64 ") has no enabled node under /cpus",
					 ids[i], cell_config_name(cell), (uint64_t)(want[i] & MPIDR_AFF_MASK));
	return 0;
}

/* First part of [start, end) no region of the cell maps; false when all is mapped. */
static bool unmapped(const cell_config *cell, uint64_t start, uint64_t end,
		     uint64_t *gap_start, uint64_t *gap_end)
{
	int count = cell_config_memory_count(cell), i;
	uint64_t cur = start;
	struct cell_memory m;
	bool moved = true;

	while (cur < end && moved) {
		moved = false;
		for (i = 0; i < count; i++) {
			cell_config_memory_get(cell, i, &m);
			if (cur >= m.virt_start && cur - m.virt_start < m.size) {
				cur = m.virt_start + m.size;
				moved = true;
			}
		}
	}
	if (cur >= end)
		return false;
	*gap_start = cur;
	*gap_end = end;
	for (i = 0; i < count; i++) {
		cell_config_memory_get(cell, i, &m);
		if (m.virt_start > cur && m.virt_start < *gap_end)
			*gap_end = m.virt_start;
	}
	return true;
}

/* Nodes that describe no device of the cell, with everything below them. */
static bool not_a_device(const void *fdt, int node, int depth)
{
	const char *name = fdt_get_name(fdt, node, NULL);
	const char *type = fdt_getprop(fdt, node, "device_type", NULL);

	if (!cell__fdt_enabled(fdt, node))
		return true;
	if (depth == 1 && name &&
	    (!strcmp(name, "cpus") || !strcmp(name, "chosen") || !strcmp(name, "aliases") ||
	     !strcmp(name, "reserved-memory") || !strncmp(name, "__", 2)))
		return true;
	return type && !strcmp(type, "memory");
}

/*
 * Warn about every enabled node whose `reg` reaches outside what the cell
 * maps: jailhouse's loader never looked, and the inmate then dies on a
 * stage-2 fault at the first access. Nodes whose addresses do not
 * translate to CPU addresses (I2C, SPI, ...) are not memory-mapped.
 */
static int warn_devices(cell_linux *l, const void *fdt, const cell_config *cell)
{
	int node = 0, depth = 0, skip_depth = -1, i, n, err;
	char path[256];

	while ((node = fdt_next_node(fdt, node, &depth)) >= 0 && depth > 0) {
		uint64_t addr, size, gs, ge;
		uint32_t ac, sc;
		size_t c;

		if (skip_depth >= 0 && depth > skip_depth)
			continue;
		skip_depth = -1;
		if (not_a_device(fdt, node, depth)) {
			skip_depth = depth;
			continue;
		}
		/* a PCI host's children carry config-space addresses: check only the host */
		if (cell__fdt_is_pci_bus(fdt, node))
			skip_depth = depth;
		for (c = 0; c < sizeof(emulated) / sizeof(emulated[0]); c++)
			if (!fdt_node_check_compatible(fdt, node, emulated[c]))
				break;
		if (c < sizeof(emulated) / sizeof(emulated[0]))
			continue;
		if (cell__fdt_parent_cells(NULL, fdt, node, &ac, &sc) || !sc)
			continue;
		n = cell__fdt_reg_count(NULL, fdt, node);
		for (i = 0; i < n; i++) {
			if (cell__fdt_reg_cpu(NULL, fdt, node, i, &addr, &size) || !size ||
			    addr + size < addr)
				continue;
			if (!unmapped(cell, addr, addr + size, &gs, &ge))
				continue;
			if (gs == addr && ge == addr + size)
				err = cell__linux_warn(l, "%s: reg[%d] 0x%" PRIx64 "-0x%" PRIx64 " is not mapped by cell \"%s\": the inmate faults on its first access",
						       cell__fdt_path(fdt, node, path, sizeof(path)), i,
						       addr, addr + size - 1, cell_config_name(cell));
			else
				err = cell__linux_warn(l, "%s: reg[%d] 0x%" PRIx64 "-0x%" PRIx64 " is only partly mapped by cell \"%s\" (0x%" PRIx64 "-0x%" PRIx64 " is not): the inmate faults on an access there",
						       cell__fdt_path(fdt, node, path, sizeof(path)), i,
						       addr, addr + size - 1, cell_config_name(cell),
						       gs, ge - 1);
			if (err)
				return err;
		}
	}
	return 0;
}

static int cmp_ram(const void *a, const void *b)
{
	const struct linux_ram *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int put_cells(uint8_t *p, uint64_t v, uint32_t cells)
{
	fdt32_t w;

	if (cells == 1 && v >> 32)
		return -1;
	if (cells == 2) {
		w = cpu_to_fdt32((uint32_t)(v >> 32));
		memcpy(p, &w, 4);
		p += 4;
	}
	w = cpu_to_fdt32((uint32_t)v);
	memcpy(p, &w, 4);
	return 0;
}

/* Replace every memory node by one listing the cell's RAM. */
static int write_memory(cell_ctx *ctx, void *fdt, const cell_config *cell)
{
	struct linux_ram ram[LINUX_MAX_REGIONS];
	uint8_t reg[LINUX_MAX_REGIONS * 16];
	int count = cell_config_memory_count(cell), i, n = 0, node, err;
	uint32_t ac, sc;
	char name[32];
	struct cell_memory m;
	size_t len = 0;

	for (i = 0; i < count; i++) {
		cell_config_memory_get(cell, i, &m);
		if ((m.flags & (CELL_MEM_READ | CELL_MEM_WRITE)) !=
		    (CELL_MEM_READ | CELL_MEM_WRITE) || !m.size ||
		    (m.flags & (CELL_MEM_IO | CELL_MEM_COMM_REGION | CELL_MEM_ROOTSHARED)))
			continue;
		if (n == LINUX_MAX_REGIONS)
			return cell__err(ctx, -E2BIG,
					 "cell \"%s\" has more than %d RAM regions for /memory",
					 cell_config_name(cell), LINUX_MAX_REGIONS);
		ram[n++] = (struct linux_ram){ m.virt_start, m.size };
	}
	qsort(ram, n, sizeof(ram[0]), cmp_ram);

	while ((node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory",
						     sizeof("memory"))) >= 0) {
		err = fdt_del_node(fdt, node);
		if (err)
			return fdt_fail(ctx, "deleting a memory node", err);
	}
	err = cell__fdt_cells(ctx, fdt, 0, &ac, &sc);
	if (err)
		return err;
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return cell__err(ctx, -EINVAL,
				 "device tree: / has #address-cells %u, #size-cells %u: /memory needs 1 or 2 of each",
				 ac, sc);
	for (i = 0; i < n; i++) {
		if (put_cells(reg + len, ram[i].start, ac) ||
		    put_cells(reg + len + 4 * ac, ram[i].size, sc))
			return cell__err(ctx, -EINVAL,
					 "device tree: RAM 0x%" PRIx64 "+0x%" PRIx64 " does not fit / 's #address-cells %u / #size-cells %u",
					 ram[i].start, ram[i].size, ac, sc);
		len += 4 * (ac + sc);
	}
	if (!n)
		return cell__err(ctx, -EINVAL, "cell \"%s\" has no RAM region for /memory",
				 cell_config_name(cell));
	snprintf(name, sizeof(name), "memory@%" PRIx64, ram[0].start);
	node = fdt_add_subnode(fdt, 0, name);
	if (node < 0)
		return fdt_fail(ctx, "adding /memory", node);
	err = fdt_setprop_string(fdt, node, "device_type", "memory");
	if (!err)
		err = fdt_setprop(fdt, node, "reg", reg, (int)len);
	return err ? fdt_fail(ctx, "writing /memory", err) : 0;
}

/* /chosen: bootargs when given; the initrd range as placeholders (patched once placed). */
static int write_chosen(cell_ctx *ctx, void *fdt, const struct cell_linux_params *p)
{
	int node = fdt_path_offset(fdt, "/chosen"), err = 0;

	if (node < 0)
		node = fdt_add_subnode(fdt, 0, "chosen");
	if (node < 0)
		return fdt_fail(ctx, "adding /chosen", node);
	if (p->cmdline)
		err = fdt_setprop_string(fdt, node, "bootargs", p->cmdline);
	if (!err && p->initrd_size) {
		err = fdt_setprop_u64(fdt, node, "linux,initrd-start", 0);
		if (!err)
			err = fdt_setprop_u64(fdt, node, "linux,initrd-end", 0);
	} else if (!err) {
		err = fdt_delprop(fdt, node, "linux,initrd-start");
		if (!err || err == -FDT_ERR_NOTFOUND)
			err = fdt_delprop(fdt, node, "linux,initrd-end");
		if (err == -FDT_ERR_NOTFOUND)
			err = 0;
	}
	return err ? fdt_fail(ctx, "writing /chosen", err) : 0;
}

int cell__linux_edit_dtb(cell_linux *l, const cell_config *cell,
			 const struct cell_linux_params *p)
{
	cell_ctx *ctx = l->ctx;
	size_t room;
	void *fdt;
	int err;

	if (p->dtb_size > INT32_MAX)
		return cell__err(ctx, -EFBIG, "device tree: %" PRIu64 " bytes", p->dtb_size);
	err = cell__fdt_check(ctx, p->dtb, p->dtb_size);
	if (err)
		return err;
	err = check_cpus(ctx, p->dtb, cell, p);
	if (!err)
		err = warn_devices(l, p->dtb, cell);
	if (err)
		return err;

	room = p->dtb_size + EDIT_SLACK + LINUX_MAX_REGIONS * 16 +
	       (p->cmdline ? strlen(p->cmdline) + 1 : 0);
	if (room > INT32_MAX)
		return cell__err(ctx, -EFBIG, "device tree: the command line is too long");
	fdt = malloc(room);
	if (!fdt)
		return cell__err(ctx, -ENOMEM, "out of memory");
	err = fdt_open_into(p->dtb, fdt, (int)room);
	if (err) {
		free(fdt);
		return fdt_fail(ctx, "opening", err);
	}
	err = write_memory(ctx, fdt, cell);
	if (!err)
		err = write_chosen(ctx, fdt, p);
	if (!err)
		err = fdt_pack(fdt) ? fdt_fail(ctx, "packing", -FDT_ERR_INTERNAL) : 0;
	if (!err && fdt_totalsize(fdt) > CELL_LINUX_DTB_MAX)
		err = cell__err(ctx, -EFBIG,
				"device tree: %u bytes after the edits; the arm64 boot protocol takes at most 2 MiB",
				fdt_totalsize(fdt));
	if (err) {
		free(fdt);
		return err;
	}
	l->dtb = fdt;
	l->dtb_size = fdt_totalsize(fdt);
	return 0;
}
