/* SPDX-License-Identifier: BSD-2-Clause */
/* GIC, ITS and CPU discovery from a device tree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libcell/gic.h>

#include "dt/fdt_util.h"

/* Far above any real GIC; bounds allocations driven by the property. */
#define MAX_REDIST_REGIONS 4096

struct gic_entry {
	struct cell_gic info;
	struct cell_dt_region *redist;
	struct cell_gic_its *its;
};

struct cell_gic_list {
	cell_ctx *ctx;
	struct gic_entry *gics;
	size_t ngics;
	struct cell_dt_cpu *cpus;
	size_t ncpus;
};

#define PATH(node, buf) cell__fdt_path(fdt, (node), (buf), sizeof(buf))

/*
 * Path of @child of a node whose path is @parent_path: no whole-tree scan
 * as in fdt_get_path(), which matters for trees with hundreds of CPUs.
 */
static void child_path(const void *fdt, const char *parent_path, int child,
		       char buf[CELL_DT_PATH_MAX])
{
	const char *name = fdt_get_name(fdt, child, NULL);
	int n;

	n = snprintf(buf, CELL_DT_PATH_MAX, "%s/%s",
		     strcmp(parent_path, "/") ? parent_path : "", name ? name : "");
	if (!name || n < 0 || n >= CELL_DT_PATH_MAX)
		cell__fdt_path(fdt, child, buf, CELL_DT_PATH_MAX);
}

static int reg_region(cell_ctx *ctx, const void *fdt, int node, int idx,
		      struct cell_dt_region *r)
{
	return cell__fdt_reg_cpu(ctx, fdt, node, idx, &r->base, &r->size);
}

/* Maintenance interrupt: the GIC's own `interrupts`, decoded by its parent. */
static int gic_maintenance(cell_ctx *ctx, const void *fdt, int node,
			   struct cell_gic *g)
{
	char path[CELL__FDT_PATH_MAX];
	uint32_t cells, spec[8], i;
	const fdt32_t *p;
	int len, parent, ret;

	p = cell__fdt_getprop(fdt, node, "interrupts", &len);
	if (!p)
		return 0;
	ret = cell__fdt_interrupt_parent(ctx, fdt, node, &parent);
	if (ret == -ENOENT)
		parent = node; /* a root controller describes itself */
	else if (ret)
		return ret;
	if (!cell__fdt_gic_version(fdt, parent))
		return 0;
	ret = cell__fdt_interrupt_cells(ctx, fdt, parent, &cells);
	if (ret)
		return ret;
	if (!cells)
		return 0;
	if (len < 0 || (uint32_t)len % (4 * cells) || !len)
		return cell__err(ctx, -EINVAL,
				 "%s: interrupts is %d bytes, not a multiple of %u cells: truncated",
				 PATH(node, path), len, cells);
	for (i = 0; i < cells; i++)
		spec[i] = fdt32_ld(p + i);
	if (!cell__fdt_gic_intid(spec, cells, &g->maintenance_irq))
		g->has_maintenance_irq = 1;
	return 0;
}

static int gic_its(cell_ctx *ctx, const void *fdt, int node,
		   struct gic_entry *e)
{
	char path[CELL__FDT_PATH_MAX];
	struct cell_gic_its *its;
	int child, ret, n = 0;

	cell__fdt_for_each_subnode(child, fdt, node)
		if (cell__fdt_stringlist_search(fdt, child, "compatible", "arm,gic-v3-its") >= 0)
			n++;
	if (!n)
		return 0;
	e->its = calloc((size_t)n, sizeof(*e->its));
	if (!e->its)
		return cell__err(ctx, -ENOMEM, "out of memory");
	cell__fdt_for_each_subnode(child, fdt, node) {
		if (cell__fdt_stringlist_search(fdt, child, "compatible", "arm,gic-v3-its") < 0)
			continue;
		its = &e->its[e->info.its_count];
		ret = cell__fdt_reg_count(ctx, fdt, child);
		if (ret < 0)
			return ret;
		if (ret < 1)
			return cell__err(ctx, -EINVAL, "%s: ITS without reg",
					 PATH(child, path));
		ret = reg_region(ctx, fdt, child, 0, &its->frame);
		if (ret)
			return ret;
		ret = cell__fdt_msi_cells(ctx, fdt, child, &its->msi_cells);
		if (ret)
			return ret;
		child_path(fdt, e->info.path, child, its->path);
		its->phandle = cell__fdt_get_phandle(fdt, child);
		its->enabled = (uint32_t)cell__fdt_enabled(fdt, child);
		e->info.its_count++;
	}
	return 0;
}

static int gic_parse(cell_ctx *ctx, const void *fdt, int node, int version,
		     struct gic_entry *e)
{
	char path[CELL__FDT_PATH_MAX];
	struct cell_gic *g = &e->info;
	struct cell_dt_region *opt[3];
	uint32_t nregions = 0, i;
	const void *p;
	int count, idx, ret, len;

	PATH(node, g->path);
	cell__fdt_compat(fdt, node, g->compatible, sizeof(g->compatible));
	g->version = (uint32_t)version;
	g->enabled = (uint32_t)cell__fdt_enabled(fdt, node);
	g->phandle = cell__fdt_get_phandle(fdt, node);
	ret = cell__fdt_u32(ctx, fdt, node, "#interrupt-cells", 0, 8,
			    &g->interrupt_cells);
	if (ret < 0)
		return ret;

	count = cell__fdt_reg_count(ctx, fdt, node);
	if (count < 0)
		return count;
	if (version == 3) {
		ret = cell__fdt_u32(ctx, fdt, node, "#redistributor-regions", 1,
				    MAX_REDIST_REGIONS, &nregions);
		if (ret < 0)
			return ret;
		if (!nregions)
			return cell__err(ctx, -EINVAL,
					 "%s: #redistributor-regions is 0",
					 PATH(node, path));
	}
	if ((uint32_t)count < 1 + nregions)
		return cell__err(ctx, -EINVAL,
				 "%s: reg has %d entries, need GICD + %u redistributor region(s)",
				 PATH(node, path), count, nregions);
	ret = reg_region(ctx, fdt, node, 0, &g->distributor);
	if (ret)
		return ret;
	if (nregions) {
		e->redist = calloc(nregions, sizeof(*e->redist));
		if (!e->redist)
			return cell__err(ctx, -ENOMEM, "out of memory");
	}
	for (i = 0; i < nregions; i++) {
		ret = reg_region(ctx, fdt, node, (int)(1 + i), &e->redist[i]);
		if (ret)
			return ret;
	}
	g->redist_count = nregions;

	/* After GICD and the GICR regions come GICC, GICH, GICV when present. */
	opt[0] = &g->cpu_interface;
	opt[1] = &g->hypervisor_interface;
	opt[2] = &g->virtual_interface;
	for (i = 0, idx = (int)(1 + nregions); i < 3 && idx < count; i++, idx++) {
		ret = reg_region(ctx, fdt, node, idx, opt[i]);
		if (ret)
			return ret;
	}
	g->has_cpu_interface = i > 0;
	g->has_hypervisor_interface = i > 1;
	g->has_virtual_interface = i > 2;

	p = cell__fdt_getprop(fdt, node, "redistributor-stride", &len);
	if (p) {
		if (len != 4 && len != 8)
			return cell__err(ctx, -EINVAL,
					 "%s: redistributor-stride is %d bytes, expected 4 or 8",
					 PATH(node, path), len);
		g->redist_stride = cell__fdt_read64(p, (unsigned int)len / 4);
		g->has_redist_stride = 1;
	}
	ret = gic_maintenance(ctx, fdt, node, g);
	if (ret)
		return ret;
	return gic_its(ctx, fdt, node, e);
}

static int cpus_parse(cell_ctx *ctx, const void *fdt, cell_gic_list *l)
{
	char path[CELL__FDT_PATH_MAX];
	struct cell__fdt_addr a;
	uint32_t ac, sc;
	int cpus, child, ret, len;
	size_t n = 0;
	uint64_t size;

	cpus = fdt_path_offset(fdt, "/cpus");
	if (cpus < 0)
		return 0;
	ret = cell__fdt_cells(ctx, fdt, cpus, &ac, &sc);
	if (ret)
		return ret;
	cell__fdt_for_each_subnode(child, fdt, cpus) {
		const char *t = cell__fdt_getprop(fdt, child, "device_type", &len);

		if (t && len == 4 && !memcmp(t, "cpu", 4))
			n++;
	}
	if (!n)
		return 0;
	l->cpus = calloc(n, sizeof(*l->cpus));
	if (!l->cpus)
		return cell__err(ctx, -ENOMEM, "out of memory");
	cell__fdt_for_each_subnode(child, fdt, cpus) {
		const char *t = cell__fdt_getprop(fdt, child, "device_type", &len);
		struct cell_dt_cpu *c = &l->cpus[l->ncpus];

		if (!t || len != 4 || memcmp(t, "cpu", 4))
			continue;
		if (ac < 1 || ac > 2)
			return cell__err(ctx, -EINVAL,
					 "/cpus: #address-cells = %u, an MPIDR needs 1 or 2",
					 ac);
		ret = cell__fdt_reg_count(ctx, fdt, child);
		if (ret < 0)
			return ret;
		if (ret < 1)
			return cell__err(ctx, -EINVAL, "%s: CPU without reg",
					 PATH(child, path));
		ret = cell__fdt_reg(ctx, fdt, child, 0, &a, &size);
		if (ret)
			return ret;
		c->mpidr = ac == 2 ? (uint64_t)a.w[0] << 32 | a.w[1] : a.w[0];
		c->enabled = (uint32_t)cell__fdt_enabled(fdt, child);
		child_path(fdt, "/cpus", child, c->path);
		l->ncpus++;
	}
	return 0;
}

void cell_gic_list_free(cell_gic_list *list)
{
	size_t i;

	if (!list)
		return;
	for (i = 0; i < list->ngics; i++) {
		free(list->gics[i].redist);
		free(list->gics[i].its);
	}
	free(list->gics);
	free(list->cpus);
	free(list);
}

static int discover(cell_ctx *ctx, const void *fdt, void *result)
{
	cell_gic_list **out = result;
	cell_gic_list *l;
	int node, ret, n = 0;

	for (node = cell__fdt_next_node(fdt, -1, NULL); node >= 0;
	     node = cell__fdt_next_node(fdt, node, NULL))
		if (cell__fdt_gic_version(fdt, node))
			n++;
	l = calloc(1, sizeof(*l));
	if (!l)
		return cell__err(ctx, -ENOMEM, "out of memory");
	l->ctx = ctx;
	if (n) {
		l->gics = calloc((size_t)n, sizeof(*l->gics));
		if (!l->gics) {
			free(l);
			return cell__err(ctx, -ENOMEM, "out of memory");
		}
	}
	for (node = cell__fdt_next_node(fdt, -1, NULL); node >= 0;
	     node = cell__fdt_next_node(fdt, node, NULL)) {
		int version = cell__fdt_gic_version(fdt, node);

		if (!version)
			continue;
		/* Count first so the entry is freed with the list on error. */
		ret = gic_parse(ctx, fdt, node, version, &l->gics[l->ngics++]);
		if (ret)
			goto fail;
	}
	ret = cpus_parse(ctx, fdt, l);
	if (ret)
		goto fail;
	*out = l;
	return 0;
fail:
	cell_gic_list_free(l);
	return ret;
}

int cell_gic_discover(cell_ctx *ctx, const void *fdt, size_t size,
		      cell_gic_list **out)
{
	if (!out)
		return cell__err(ctx, -EINVAL, "cell_gic_discover: out is NULL");
	return cell__fdt_run_indexed(ctx, fdt, size, discover, out);
}

int cell_dt_gic_discover(cell_ctx *ctx, const cell_dt *dt, cell_gic_list **out)
{
	if (!dt || !out)
		return cell__err(ctx, -EINVAL, "cell_dt_gic_discover: NULL argument");
	return cell__fdt_run_on(ctx, &dt->ix, discover, out);
}

size_t cell_gic_count(const cell_gic_list *list)
{
	return list ? list->ngics : 0;
}

static int gic_at(const cell_gic_list *list, size_t idx, const void *out,
		  const struct gic_entry **e)
{
	*e = NULL;	/* gcc -O2 cannot see that every error path returns non-zero */
	if (!list || !out)
		return -EINVAL;
	if (idx >= list->ngics)
		return cell__err(list->ctx, -ENOENT,
				 "GIC index %zu out of range (%zu GICs)", idx,
				 list->ngics);
	*e = &list->gics[idx];
	return 0;
}

int cell_gic_get(const cell_gic_list *list, size_t idx, struct cell_gic *out)
{
	const struct gic_entry *e;
	int ret = gic_at(list, idx, out, &e);

	if (ret)
		return ret;
	*out = e->info;
	return 0;
}

int cell_gic_redist_get(const cell_gic_list *list, size_t idx, size_t region,
			struct cell_dt_region *out)
{
	const struct gic_entry *e;
	int ret = gic_at(list, idx, out, &e);

	if (ret)
		return ret;
	if (region >= e->info.redist_count)
		return cell__err(list->ctx, -ENOENT,
				 "%s: no redistributor region %zu (%u)",
				 e->info.path, region, e->info.redist_count);
	*out = e->redist[region];
	return 0;
}

int cell_gic_its_get(const cell_gic_list *list, size_t idx, size_t its,
		     struct cell_gic_its *out)
{
	const struct gic_entry *e;
	int ret = gic_at(list, idx, out, &e);

	if (ret)
		return ret;
	if (its >= e->info.its_count)
		return cell__err(list->ctx, -ENOENT, "%s: no ITS %zu (%u)",
				 e->info.path, its, e->info.its_count);
	*out = e->its[its];
	return 0;
}

size_t cell_gic_cpu_count(const cell_gic_list *list)
{
	return list ? list->ncpus : 0;
}

int cell_gic_cpu_get(const cell_gic_list *list, size_t idx,
		     struct cell_dt_cpu *out)
{
	if (!list || !out)
		return -EINVAL;
	if (idx >= list->ncpus)
		return cell__err(list->ctx, -ENOENT,
				 "CPU index %zu out of range (%zu CPUs)", idx,
				 list->ncpus);
	*out = list->cpus[idx];
	return 0;
}

int cell_gic_redist_frame(const cell_gic_list *list, size_t idx,
			  uint64_t mpidr, uint64_t frame_size,
			  struct cell_dt_region *out)
{
	const struct gic_entry *e;
	uint64_t step, pos, frames;
	size_t cpu, r;
	int ret = gic_at(list, idx, out, &e);

	if (ret)
		return ret;
	if (!e->info.redist_count)
		return cell__err(list->ctx, -EINVAL,
				 "%s: GICv%u has no redistributors",
				 e->info.path, e->info.version);
	for (cpu = 0; cpu < list->ncpus; cpu++)
		if (list->cpus[cpu].mpidr == mpidr)
			break;
	if (cpu == list->ncpus)
		return cell__err(list->ctx, -ENOENT,
				 "no CPU node has MPIDR 0x%llx",
				 (unsigned long long)mpidr);
	step = e->info.has_redist_stride ? e->info.redist_stride :
	       frame_size ? frame_size : CELL_GIC_FRAME_V3;
	if (!step)
		return cell__err(list->ctx, -EINVAL,
				 "%s: redistributor-stride is 0", e->info.path);
	pos = cpu;
	for (r = 0; r < e->info.redist_count; r++) {
		frames = e->redist[r].size / step;
		if (pos < frames) {
			out->base = e->redist[r].base + pos * step;
			out->size = step;
			return 0;
		}
		pos -= frames;
	}
	return cell__err(list->ctx, -ERANGE,
			 "%s: CPU %zu (MPIDR 0x%llx) is beyond the frames of the %u redistributor region(s) at 0x%llx-byte steps",
			 e->info.path, cpu, (unsigned long long)mpidr,
			 e->info.redist_count, (unsigned long long)step);
}
