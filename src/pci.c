/* SPDX-License-Identifier: BSD-2-Clause */
/* PCI host bridge discovery from a device tree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libcell/pci.h>

#include "dt/fdt_util.h"

struct host_entry {
	struct cell_pci_host info;
	struct cell_pci_reg *reg;
	struct cell_pci_window *win;
	struct cell_pci_msi_parent *msi;
	struct cell_pci_msi_map *map;
	struct cell_pci_intx *intx;
};

struct cell_pci_list {
	cell_ctx *ctx;
	struct host_entry *hosts;
	size_t nhosts;
};

#define PATH(node, buf) cell__fdt_path(fdt, (node), (buf), sizeof(buf))

/*
 * Phandle targets met during one discovery, with their paths: the hosts of
 * a tree point at the same few ITS, GIC and INTx controllers, and every
 * libfdt phandle or path lookup scans the whole tree.
 */
#define MEMO_SLOTS 16

struct memo {
	uint32_t used, next;
	uint32_t phandle[MEMO_SLOTS];
	int node[MEMO_SLOTS];
	char path[MEMO_SLOTS][CELL_DT_PATH_MAX];
};

/* Node of @ph (referenced by @user's @prop); its path into @path if set. */
static int resolve(cell_ctx *ctx, const void *fdt, struct memo *m, uint32_t ph,
		   int user, const char *prop, int *node, char *path)
{
	uint32_t i;
	int ret, target;

	for (i = 0; i < m->used; i++)
		if (m->phandle[i] == ph)
			break;
	if (i == m->used) {
		ret = cell__fdt_phandle(ctx, fdt, ph, user, prop, &target);
		if (ret)
			return ret;
		i = m->next;
		m->next = (m->next + 1) % MEMO_SLOTS;
		if (m->used < MEMO_SLOTS)
			m->used++;
		m->phandle[i] = ph;
		m->node[i] = target;
		PATH(target, m->path[i]);
	}
	*node = m->node[i];
	if (path)
		memcpy(path, m->path[i], CELL_DT_PATH_MAX);
	return 0;
}


static int is_host(const void *fdt, int node, int parent)
{
	if (parent < 0)
		return 0;
	if (!cell__fdt_is_pci_bus(fdt, node) &&
	    cell__fdt_stringlist_search(fdt, node, "compatible", "pci-host-ecam-generic") < 0 &&
	    cell__fdt_stringlist_search(fdt, node, "compatible", "pci-host-cam-generic") < 0)
		return 0;
	return !cell__fdt_is_pci_bus(fdt, parent);
}

/* calloc of @n elements, recording -ENOMEM; NULL with n == 0 is fine. */
static int alloc_array(cell_ctx *ctx, void **p, size_t n, size_t elem)
{
	*p = NULL;
	if (!n)
		return 0;
	*p = calloc(n, elem);
	return *p ? 0 : cell__err(ctx, -ENOMEM, "out of memory");
}

/*
 * Cell-array property of @node: sets *p and *n (cells); absent gives n = 0.
 * A length that is not a multiple of 4 is refused.
 */
static int cells_prop(cell_ctx *ctx, const void *fdt, int node,
		      const char *name, const fdt32_t **p, uint32_t *n)
{
	char path[CELL__FDT_PATH_MAX];
	int len;

	*n = 0;
	*p = cell__fdt_getprop(fdt, node, name, &len);
	if (!*p) {
		if (len != -FDT_ERR_NOTFOUND)
			return cell__err(ctx, -EINVAL, "%s: cannot read %s: %s",
					 PATH(node, path), name,
					 fdt_strerror(len));
		return 0;
	}
	if (len % 4)
		return cell__err(ctx, -EINVAL,
				 "%s: %s is %d bytes, not whole cells: truncated",
				 PATH(node, path), name, len);
	*n = (uint32_t)len / 4;
	return 0;
}

static int host_reg(cell_ctx *ctx, const void *fdt, int node,
		    struct host_entry *h)
{
	int count, i, ret;

	count = cell__fdt_reg_count(ctx, fdt, node);
	if (count < 0)
		return count;
	ret = alloc_array(ctx, (void **)&h->reg, (size_t)count, sizeof(*h->reg));
	if (ret)
		return ret;
	for (i = 0; i < count; i++) {
		struct cell_pci_reg *r = &h->reg[i];
		const char *name;

		ret = cell__fdt_reg_cpu(ctx, fdt, node, i, &r->region.base,
					&r->region.size);
		if (ret)
			return ret;
		name = cell__fdt_stringlist_get(fdt, node, "reg-names", i);
		if (name)
			snprintf(r->name, sizeof(r->name), "%s", name);
	}
	h->info.reg_count = (uint32_t)count;
	return 0;
}

static int host_ranges(cell_ctx *ctx, const void *fdt, int node,
		       struct host_entry *h)
{
	char path[CELL__FDT_PATH_MAX];
	uint32_t ac, sc, pac, psc, entry, n, i, k;
	int parent = cell__fdt_parent(fdt, node), ret;
	const fdt32_t *p;

	ret = cell__fdt_cells(ctx, fdt, node, &ac, &sc);
	if (ret)
		return ret;
	ret = cell__fdt_cells(ctx, fdt, parent, &pac, &psc);
	if (ret)
		return ret;
	ret = cells_prop(ctx, fdt, node, "ranges", &p, &n);
	if (ret || !n)
		return ret;
	if (ac != 3)
		return cell__err(ctx, -EINVAL,
				 "%s: PCI host with #address-cells = %u, expected 3",
				 PATH(node, path), ac);
	if (sc > 2)
		return cell__err(ctx, -EINVAL,
				 "%s: #size-cells = %u, at most 2 supported for windows",
				 PATH(node, path), sc);
	entry = ac + pac + sc;
	if (n % entry)
		return cell__err(ctx, -EINVAL,
				 "%s: ranges has %u cells, not a multiple of %u (3 PCI + %u parent + %u size cells): truncated",
				 PATH(node, path), n, entry, pac, sc);
	ret = alloc_array(ctx, (void **)&h->win, n / entry, sizeof(*h->win));
	if (ret)
		return ret;
	for (i = 0; i < n / entry; i++, p += entry) {
		struct cell_pci_window *w = &h->win[i];
		struct cell__fdt_addr a = { .cells = pac };

		for (k = 0; k < pac; k++)
			a.w[k] = fdt32_ld(p + 3 + k);
		ret = cell__fdt_translate(ctx, fdt, parent, &a, &w->cpu_address);
		if (ret) {
			char why[CELL_ERRMSG_MAX];

			snprintf(why, sizeof(why), "%s", cell_ctx_last_error(ctx));
			return cell__err(ctx, ret, "%s: ranges window %u: %s",
					 PATH(node, path), i, why);
		}
		w->pci_hi = fdt32_ld(p);
		w->space = CELL__PCI_SPACE(w->pci_hi);
		w->prefetchable = CELL__PCI_PREFETCH(w->pci_hi);
		w->pci_address = cell__fdt_read64(p + 1, 2);
		w->size = cell__fdt_read64(p + 3 + pac, sc);
	}
	h->info.window_count = n / entry;
	return 0;
}

static int host_msi(cell_ctx *ctx, const void *fdt, struct memo *memo,
		    int node, struct host_entry *h)
{
	char path[CELL__FDT_PATH_MAX];
	uint32_t n, i, k, cells, count = 0;
	const fdt32_t *p;
	int ret, target;

	ret = cells_prop(ctx, fdt, node, "msi-parent", &p, &n);
	if (ret)
		return ret;
	/* Entries have variable length: allocate for the worst case. */
	ret = alloc_array(ctx, (void **)&h->msi, n, sizeof(*h->msi));
	if (ret)
		return ret;
	for (i = 0; i < n; count++) {
		struct cell_pci_msi_parent *m = &h->msi[count];

		m->phandle = fdt32_ld(p + i);
		ret = resolve(ctx, fdt, memo, m->phandle, node, "msi-parent",
			      &target, m->path);
		if (ret)
			return ret;
		ret = cell__fdt_msi_cells(ctx, fdt, target, &cells);
		if (ret)
			return ret;
		if (n - i - 1 < cells)
			return cell__err(ctx, -EINVAL,
					 "%s: msi-parent entry %u needs %u specifier cells: truncated",
					 PATH(node, path), count, cells);
		m->cell_count = cells;
		for (k = 0; k < cells; k++)
			m->cells[k] = fdt32_ld(p + i + 1 + k);
		i += 1 + cells;
	}
	h->info.msi_parent_count = count;

	ret = cells_prop(ctx, fdt, node, "msi-map", &p, &n);
	if (ret)
		return ret;
	if (n % 4)
		return cell__err(ctx, -EINVAL,
				 "%s: msi-map has %u cells, not a multiple of 4 (rid-base, phandle, msi-base, length): truncated",
				 PATH(node, path), n);
	ret = alloc_array(ctx, (void **)&h->map, n / 4, sizeof(*h->map));
	if (ret)
		return ret;
	for (i = 0; i < n / 4; i++) {
		struct cell_pci_msi_map *m = &h->map[i];

		m->rid_base = fdt32_ld(p + 4 * i);
		m->phandle = fdt32_ld(p + 4 * i + 1);
		m->out_base = fdt32_ld(p + 4 * i + 2);
		m->length = fdt32_ld(p + 4 * i + 3);
		ret = resolve(ctx, fdt, memo, m->phandle, node, "msi-map",
			      &target, m->path);
		if (ret)
			return ret;
	}
	h->info.msi_map_count = n / 4;
	ret = cell__fdt_u32(ctx, fdt, node, "msi-map-mask", 0xffffffffu,
			    0xffffffffu, &h->info.msi_map_mask);
	if (ret < 0)
		return ret;
	h->info.has_msi_map_mask = (uint32_t)ret;
	return 0;
}

/*
 * A non-GIC INTx parent: report what lies beyond it when that is clear, i.e.
 * it signals by MSI, or it has exactly one interrupt and that goes to a GIC.
 */
static int intx_upstream(cell_ctx *ctx, const void *fdt, struct memo *memo,
			 int ctl, struct cell_pci_intx *x)
{
	uint32_t cells, spec[8], n, k;
	const fdt32_t *p;
	int ret, up, len;

	p = cell__fdt_getprop(fdt, ctl, "msi-parent", &len);
	if (p && len >= 4) {
		ret = resolve(ctx, fdt, memo, fdt32_ld(p), ctl, "msi-parent",
			      &up, x->upstream);
		if (ret)
			return ret;
		x->upstream_kind = CELL_PCI_UPSTREAM_MSI;
		return 0;
	}
	ret = cells_prop(ctx, fdt, ctl, "interrupts-extended", &p, &n);
	if (ret)
		return ret;
	if (n) {
		ret = resolve(ctx, fdt, memo, fdt32_ld(p), ctl,
			      "interrupts-extended", &up, NULL);
		if (ret)
			return ret;
		p++;
		n--;
	} else {
		ret = cells_prop(ctx, fdt, ctl, "interrupts", &p, &n);
		if (ret || !n)
			return ret;
		ret = cell__fdt_interrupt_parent(ctx, fdt, ctl, &up);
		if (ret)
			return ret;
	}
	if (!cell__fdt_gic_version(fdt, up))
		return 0;
	ret = cell__fdt_interrupt_cells(ctx, fdt, up, &cells);
	if (ret)
		return ret;
	/* More than one upstream line: which input goes where is not in the DT. */
	if (cells != n || cells > 8)
		return 0;
	for (k = 0; k < cells; k++)
		spec[k] = fdt32_ld(p + k);
	if (cell__fdt_gic_intid(spec, cells, &x->gic_intid))
		return 0;
	x->has_gic_intid = 1;
	x->upstream_kind = CELL_PCI_UPSTREAM_SPI;
	PATH(up, x->upstream);
	return 0;
}

static int host_intx(cell_ctx *ctx, const void *fdt, struct memo *memo,
		     int node, struct host_entry *h)
{
	char path[CELL__FDT_PATH_MAX];
	uint32_t ac, sc, cic, n, i, k, count = 0, mlen;
	int ret, same, last_parent = -1;
	const fdt32_t *p, *mask;

	ret = cells_prop(ctx, fdt, node, "interrupt-map", &p, &n);
	if (ret || !n)
		return ret;
	ret = cell__fdt_cells(ctx, fdt, node, &ac, &sc);
	if (ret)
		return ret;
	ret = cell__fdt_interrupt_cells(ctx, fdt, node, &cic);
	if (ret)
		return ret;
	if (ac != 3 || cic != 1)
		return cell__err(ctx, -EINVAL,
				 "%s: interrupt-map of a PCI host needs #address-cells = 3 and #interrupt-cells = 1 (have %u, %u)",
				 PATH(node, path), ac, cic);
	ret = cells_prop(ctx, fdt, node, "interrupt-map-mask", &mask, &mlen);
	if (ret)
		return ret;
	if (mask) {
		if (mlen != 4)
			return cell__err(ctx, -EINVAL,
					 "%s: interrupt-map-mask has %u cells, expected 4",
					 PATH(node, path), mlen);
		for (k = 0; k < 4; k++)
			h->info.intx_mask[k] = fdt32_ld(mask + k);
		h->info.has_intx_mask = 1;
	}
	/* Entries have at least 5 cells (3 + 1 + phandle). */
	ret = alloc_array(ctx, (void **)&h->intx, n / 5, sizeof(*h->intx));
	if (ret)
		return ret;
	for (i = 0; i < n; count++) {
		struct cell_pci_intx *x;
		uint32_t pac, pic;
		int parent;
		uint32_t ph;

		if (n - i < 5)
			return cell__err(ctx, -EINVAL,
					 "%s: interrupt-map entry %u is cut short: truncated",
					 PATH(node, path), count);
		x = &h->intx[count];
		for (k = 0; k < 3; k++)
			x->child_address[k] = fdt32_ld(p + i + k);
		x->pin = fdt32_ld(p + i + 3);
		x->parent_phandle = ph = fdt32_ld(p + i + 4);
		/* Entries mostly share one parent: resolve and decode it once. */
		same = count && ph == h->intx[count - 1].parent_phandle;
		if (same) {
			const struct cell_pci_intx *prev = &h->intx[count - 1];

			parent = last_parent;
			memcpy(x->parent, prev->parent, sizeof(x->parent));
		} else {
			ret = resolve(ctx, fdt, memo, ph, node, "interrupt-map",
				      &parent, x->parent);
			if (ret)
				return ret;
			last_parent = parent;
		}
		/* The parent's unit-address width: absent means 0 here. */
		ret = cell__fdt_u32(ctx, fdt, parent, "#address-cells", 0,
				    CELL__FDT_MAX_CELLS, &pac);
		if (ret < 0)
			return ret;
		ret = cell__fdt_interrupt_cells(ctx, fdt, parent, &pic);
		if (ret)
			return ret;
		if (pic > CELL_PCI_MAX_CELLS)
			return cell__err(ctx, -EINVAL,
					 "%s: #interrupt-cells = %u, at most %u supported",
					 PATH(parent, path), pic, CELL_PCI_MAX_CELLS);
		i += 5;
		if (n - i < pac + pic)
			return cell__err(ctx, -EINVAL,
					 "%s: interrupt-map entry %u needs %u parent cells, %u left: truncated",
					 PATH(node, path), count, pac + pic, n - i);
		x->parent_address_cells = pac;
		for (k = 0; k < pac; k++)
			x->parent_address[k] = fdt32_ld(p + i + k);
		x->parent_cell_count = pic;
		for (k = 0; k < pic; k++)
			x->parent_cells[k] = fdt32_ld(p + i + pac + k);
		i += pac + pic;
		if (cell__fdt_gic_version(fdt, parent)) {
			x->parent_is_gic = 1;
			x->has_gic_intid = !cell__fdt_gic_intid(x->parent_cells,
								pic,
								&x->gic_intid);
		} else if (same) {
			const struct cell_pci_intx *prev = &h->intx[count - 1];

			x->upstream_kind = prev->upstream_kind;
			x->has_gic_intid = prev->has_gic_intid;
			x->gic_intid = prev->gic_intid;
			memcpy(x->upstream, prev->upstream, sizeof(x->upstream));
		} else {
			ret = intx_upstream(ctx, fdt, memo, parent, x);
			if (ret)
				return ret;
		}
	}
	h->info.intx_count = count;
	return 0;
}

static int host_parse(cell_ctx *ctx, const void *fdt, struct memo *memo,
		      int node, struct host_entry *h)
{
	char path[CELL__FDT_PATH_MAX];
	const fdt32_t *p;
	uint32_t n;
	int ret;

	PATH(node, h->info.path);
	cell__fdt_compat(fdt, node, h->info.compatible,
			 sizeof(h->info.compatible));
	h->info.enabled = (uint32_t)cell__fdt_enabled(fdt, node);
	ret = cells_prop(ctx, fdt, node, "bus-range", &p, &n);
	if (ret)
		return ret;
	if (p) {
		if (n != 2)
			return cell__err(ctx, -EINVAL,
					 "%s: bus-range has %u cells, expected 2",
					 PATH(node, path), n);
		h->info.has_bus_range = 1;
		h->info.bus_start = fdt32_ld(p);
		h->info.bus_end = fdt32_ld(p + 1);
	}
	ret = cell__fdt_u32(ctx, fdt, node, "linux,pci-domain", 0, 0xffffffffu,
			    &h->info.domain);
	if (ret < 0)
		return ret;
	h->info.has_domain = (uint32_t)ret;
	ret = host_reg(ctx, fdt, node, h);
	if (!ret)
		ret = host_ranges(ctx, fdt, node, h);
	if (!ret)
		ret = host_msi(ctx, fdt, memo, node, h);
	if (!ret)
		ret = host_intx(ctx, fdt, memo, node, h);
	return ret;
}

void cell_pci_list_free(cell_pci_list *list)
{
	size_t i;

	if (!list)
		return;
	for (i = 0; i < list->nhosts; i++) {
		free(list->hosts[i].reg);
		free(list->hosts[i].win);
		free(list->hosts[i].msi);
		free(list->hosts[i].map);
		free(list->hosts[i].intx);
	}
	free(list->hosts);
	free(list);
}

/*
 * Walk every node keeping the ancestors' offsets (a parent lookup scans
 * from the start: quadratic on large trees). With @l NULL only count hosts.
 */
static int walk_hosts(cell_ctx *ctx, const void *fdt, cell_pci_list *l,
		      struct memo *memo, size_t *count)
{
	int stack[CELL__FDT_MAX_DEPTH], node, depth = 0, ret;

	*count = 0;
	for (node = cell__fdt_next_node(fdt, -1, &depth); node >= 0;
	     node = cell__fdt_next_node(fdt, node, &depth)) {
		if (depth < 0 || depth >= CELL__FDT_MAX_DEPTH)
			return cell__err(ctx, -EINVAL,
					 "device tree: nodes nested deeper than %d",
					 CELL__FDT_MAX_DEPTH);
		stack[depth] = node;
		if (!is_host(fdt, node, depth ? stack[depth - 1] : -1))
			continue;
		if (l) {
			ret = host_parse(ctx, fdt, memo, node,
					 &l->hosts[l->nhosts++]);
			if (ret)
				return ret;
		}
		(*count)++;
	}
	return 0;
}

static int discover(cell_ctx *ctx, const void *fdt, void *result)
{
	cell_pci_list **out = result;
	struct memo *memo;
	cell_pci_list *l;
	size_t n;
	int ret;

	ret = walk_hosts(ctx, fdt, NULL, NULL, &n);
	if (ret)
		return ret;
	l = calloc(1, sizeof(*l));
	if (!l)
		return cell__err(ctx, -ENOMEM, "out of memory");
	l->ctx = ctx;
	ret = alloc_array(ctx, (void **)&l->hosts, n, sizeof(*l->hosts));
	if (ret) {
		free(l);
		return ret;
	}
	memo = calloc(1, sizeof(*memo));
	ret = memo ? walk_hosts(ctx, fdt, l, memo, &n) :
		     cell__err(ctx, -ENOMEM, "out of memory");
	free(memo);
	if (ret) {
		cell_pci_list_free(l);
		return ret;
	}
	*out = l;
	return 0;
}

int cell_pci_discover(cell_ctx *ctx, const void *fdt, size_t size,
		      cell_pci_list **out)
{
	if (!out)
		return cell__err(ctx, -EINVAL, "cell_pci_discover: out is NULL");
	return cell__fdt_run_indexed(ctx, fdt, size, discover, out);
}

int cell_dt_pci_discover(cell_ctx *ctx, const cell_dt *dt, cell_pci_list **out)
{
	if (!dt || !out)
		return cell__err(ctx, -EINVAL, "cell_dt_pci_discover: NULL argument");
	return cell__fdt_run_on(ctx, &dt->ix, discover, out);
}

size_t cell_pci_count(const cell_pci_list *list)
{
	return list ? list->nhosts : 0;
}

static int host_at(const cell_pci_list *list, size_t idx, const void *out,
		   const struct host_entry **h)
{
	*h = NULL;	/* gcc -O2 cannot see that every error path returns non-zero */
	if (!list || !out)
		return -EINVAL;
	if (idx >= list->nhosts)
		return cell__err(list->ctx, -ENOENT,
				 "PCI host index %zu out of range (%zu hosts)",
				 idx, list->nhosts);
	*h = &list->hosts[idx];
	return 0;
}

int cell_pci_host_get(const cell_pci_list *list, size_t idx,
		      struct cell_pci_host *out)
{
	const struct host_entry *h;
	int ret = host_at(list, idx, out, &h);

	if (!ret)
		*out = h->info;
	return ret;
}

/* Shared body of the per-host array getters. */
#define HOST_ITEM_GET(fn, type, field, count, what)			\
	int fn(const cell_pci_list *list, size_t idx, size_t i, type *out) \
	{								\
		const struct host_entry *h;				\
		int ret = host_at(list, idx, out, &h);			\
									\
		if (ret)						\
			return ret;					\
		if (i >= h->info.count)					\
			return cell__err(list->ctx, -ENOENT,		\
					 "%s: no " what " %zu (%u)",	\
					 h->info.path, i, h->info.count); \
		*out = h->field[i];					\
		return 0;						\
	}

HOST_ITEM_GET(cell_pci_reg_get, struct cell_pci_reg, reg, reg_count,
	      "reg entry")
HOST_ITEM_GET(cell_pci_window_get, struct cell_pci_window, win, window_count,
	      "window")
HOST_ITEM_GET(cell_pci_msi_parent_get, struct cell_pci_msi_parent, msi,
	      msi_parent_count, "msi-parent entry")
HOST_ITEM_GET(cell_pci_msi_map_get, struct cell_pci_msi_map, map,
	      msi_map_count, "msi-map entry")
HOST_ITEM_GET(cell_pci_intx_get, struct cell_pci_intx, intx, intx_count,
	      "interrupt-map entry")
