/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Device-tree handoff of PCIe host bridges and their GICv3 ITS (see
 * include/libcell/dt.h). Both blobs are parsed into the tree model (tree.h); the
 * moved subtrees are cloned, every property of a clone is rewritten from the
 * original (phandles mapped by identity, specifiers and addresses re-encoded
 * for the destination cells), and only when no reference is left unresolved
 * are the trees edited and serialised.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libfdt.h>

#include <libcell/dt.h>

#include "refs.h"
#include "tree.h"
#include "fdt_util.h"

/* Largest blob accepted as input (also bounds libfdt's int offsets). */
#define HO_MAX_BLOB (64u << 20)
/* Problems named in the refusal message before "and N more". */
#define HO_MSG_PROBLEMS 3

/* node->mark bits in the host tree. */
#define M_MOVED		0x1u	/* inside a moved subtree */
#define M_TOP		0x2u	/* root of a moved subtree */
#define M_ITS		0x4u	/* an ITS node (moved) */
#define M_KEEP		0x8u	/* keep in host, disabled */

struct cell_handoff {
	void *host_blob, *inmate_blob;
	size_t host_size, inmate_size;
	struct cell_handoff_item *items;
	size_t nitems, cap;
	size_t unresolved;
};

struct phmap {
	uint32_t old, new;
};

/* A moved node and its copy in the destination. */
struct pair {
	struct cell__dt_node *orig, *copy;
	bool top;	/* copy is a subtree root (owned here until grafted) */
};

/* A grafted node's property whose phandles only __local_fixups__ locates. */
struct extra {
	const struct cell__dt_node *copy;
	const struct cell__dt_prop *offs;	/* in the host's mirror */
};

struct ho {
	cell_ctx *ctx;
	uint32_t flags;
	struct cell__dt_tree *ht, *it;
	struct cell_handoff *res;
	struct cell__dt_node **tops;	/* moved subtree roots, host order */
	size_t ntops;
	struct cell__dt_node *dgic;	/* destination GIC */
	uint32_t dgic_ph;
	uint32_t h_icells, d_icells;	/* GIC #interrupt-cells host / dest */
	uint32_t d_pa_old, d_pa_new;	/* dest GIC #address-cells before/after */
	struct phmap *map;
	size_t nmap;
	uint32_t next_ph;
	struct pair *pairs;
	size_t npairs;
	struct extra *extras;
	size_t nextras;
	bool lf_host, lf_inmate;	/* inputs had __local_fixups__ */
	size_t fx_moved;		/* __fixups__ entries added to the inmate */
	char pbuf[2][256];
};

/* ---- report ---------------------------------------------------------- */

/* @s into @dst of @size bytes, cut to fit (as snprintf "%s" does). */
static void set_str(char *dst, size_t size, const char *s)
{
	size_t l = strnlen(s, size - 1);

	memcpy(dst, s, l);
	dst[l] = 0;
}

static int add_item(struct ho *h, uint32_t kind, uint32_t tree,
		    const struct cell__dt_node *n, const char *prop,
		    const char *target, uint32_t resolved)
{
	struct cell_handoff *r = h->res;
	struct cell_handoff_item *it;
	size_t i;

	if (n)
		cell__dt_path(n, h->pbuf[1], sizeof(h->pbuf[1]));
	else
		h->pbuf[1][0] = 0;
	/* One item per (kind, node, property, target). */
	for (i = 0; i < r->nitems; i++) {
		it = &r->items[i];
		if (it->kind == kind && it->tree == tree &&
		    !strcmp(it->path, h->pbuf[1]) && !strcmp(it->prop, prop ? prop : "") &&
		    !strcmp(it->target, target ? target : ""))
			return 0;
	}
	if (r->nitems == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 32;
		struct cell_handoff_item *ni = realloc(r->items, cap * sizeof(*ni));

		if (!ni)
			return cell__err(h->ctx, -ENOMEM, "out of memory");
		r->items = ni;
		r->cap = cap;
	}
	it = &r->items[r->nitems++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->tree = tree;
	it->resolved = resolved;
	set_str(it->path, sizeof(it->path), h->pbuf[1]);
	set_str(it->prop, sizeof(it->prop), prop ? prop : "");
	set_str(it->target, sizeof(it->target), target ? target : "");
	if (kind >= CELL_HANDOFF_UNRESOLVED && !resolved)
		r->unresolved++;
	return 0;
}

static const char *path_of(struct ho *h, const struct cell__dt_node *n)
{
	return cell__dt_path(n, h->pbuf[0], sizeof(h->pbuf[0]));
}

/* ---- cell buffers ---------------------------------------------------- */

struct cbuf {
	uint8_t *b;
	uint32_t len, cap;
	bool oom;
};

static void cb_put(struct cbuf *c, uint32_t v)
{
	if (c->oom)
		return;
	if (c->len + 4 > c->cap) {
		uint32_t cap = c->cap ? c->cap * 2 : 64;
		uint8_t *nb = realloc(c->b, cap);

		if (!nb) {
			c->oom = true;
			return;
		}
		c->b = nb;
		c->cap = cap;
	}
	cell__put_be32(c->b + c->len, v);
	c->len += 4;
}

static void cb_raw(struct cbuf *c, const uint8_t *p, uint32_t ncells)
{
	uint32_t i;

	for (i = 0; i < ncells; i++)
		cb_put(c, cell__be32(p + 4 * i));
}

/* Append @v as @n cells; false when it does not fit. */
static bool cb_num(struct cbuf *c, uint64_t v, uint32_t n)
{
	uint32_t i;

	if (n < 2 && (v >> (32 * n)))
		return false;
	for (i = n; i > 2; i--)
		cb_put(c, 0);
	if (n >= 2)
		cb_put(c, (uint32_t)(v >> 32));
	if (n >= 1)
		cb_put(c, (uint32_t)v);
	return true;
}

/* Value of @n cells; false when it does not fit in 64 bits. */
static bool rd_num(const uint8_t *p, uint32_t n, uint64_t *v)
{
	uint32_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (i + 2 < n && cell__be32(p + 4 * i))
			return false;
		*v = *v << 32 | cell__be32(p + 4 * i);
	}
	return true;
}

/* ---- address translation -------------------------------------------- */

/*
 * Child address @a of @bus (numeric, its #address-cells wide) up to the CPU
 * (or, with @prop "dma-ranges", to the root's DMA view) through every
 * ancestor's @prop. Absent `ranges` means not memory-mapped; absent
 * `dma-ranges` means no DMA translation.
 */
static int up_translate(const struct cell__dt_node *bus, uint64_t a,
			const char *prop, uint64_t *out)
{
	for (; bus->parent; bus = bus->parent) {
		const struct cell__dt_prop *r = cell__dt_prop(bus, prop);
		uint32_t ca = cell__dt_ac(bus), pa = cell__dt_ac(bus->parent);
		uint32_t sc = cell__dt_sc(bus), ent = ca + pa + sc, i;
		bool found = false;

		if (!r) {
			if (!strcmp(prop, "ranges"))
				return -ERANGE;
			continue;
		}
		if (!r->len)
			continue;
		if (r->len % (4 * ent))
			return -EINVAL;
		for (i = 0; i < r->len / 4; i += ent) {
			uint64_t c, p, s;

			/* PCI child addresses: the low 64 bits are the address. */
			if (!rd_num(r->val + 4 * (i + (ca > 2 ? ca - 2 : 0)),
				    ca > 2 ? 2 : ca, &c) ||
			    !rd_num(r->val + 4 * (i + ca), pa, &p) ||
			    !rd_num(r->val + 4 * (i + ca + pa), sc, &s))
				return -ERANGE;
			if (a >= c && a - c < s) {
				a = p + (a - c);
				found = true;
				break;
			}
		}
		if (!found)
			return -ERANGE;
	}
	*out = a;
	return 0;
}

/* Inverse of up_translate: CPU address into @bus's child address space. */
static int down_translate(const struct cell__dt_node *bus, uint64_t cpu,
			  const char *prop, uint64_t *out)
{
	const struct cell__dt_prop *r;
	uint32_t ca, pa, sc, ent, i;
	uint64_t a;
	int err;

	if (!bus->parent) {
		*out = cpu;
		return 0;
	}
	err = down_translate(bus->parent, cpu, prop, &a);
	if (err)
		return err;
	r = cell__dt_prop(bus, prop);
	if (!r) {
		if (!strcmp(prop, "ranges"))
			return -ERANGE;
		*out = a;
		return 0;
	}
	if (!r->len) {
		*out = a;
		return 0;
	}
	ca = cell__dt_ac(bus);
	pa = cell__dt_ac(bus->parent);
	sc = cell__dt_sc(bus);
	ent = ca + pa + sc;
	if (r->len % (4 * ent))
		return -EINVAL;
	for (i = 0; i < r->len / 4; i += ent) {
		uint64_t c, p, s;

		if (!rd_num(r->val + 4 * (i + (ca > 2 ? ca - 2 : 0)), ca > 2 ? 2 : ca, &c) ||
		    !rd_num(r->val + 4 * (i + ca), pa, &p) ||
		    !rd_num(r->val + 4 * (i + ca + pa), sc, &s))
			return -ERANGE;
		if (a >= p && a - p < s) {
			*out = c + (a - p);
			return 0;
		}
	}
	return -ERANGE;
}

/* ---- phandle map ------------------------------------------------------ */

static bool is_gic3(const struct cell__dt_node *n)
{
	return cell__dt_has_str(n, "compatible", "arm,gic-v3");
}

static bool is_its(const struct cell__dt_node *n)
{
	return cell__dt_has_str(n, "compatible", "arm,gic-v3-its");
}

/* Destination number of host phandle @ph; 0 when its node stays behind. */
static uint32_t map_ph(struct ho *h, uint32_t ph)
{
	struct cell__dt_node *n;
	size_t i;

	for (i = 0; i < h->nmap; i++)
		if (h->map[i].old == ph)
			return h->map[i].new;
	n = cell__dt_by_phandle(h->ht, ph);
	if (n && is_gic3(n))
		return h->dgic_ph;
	return 0;
}

static int map_add(struct ho *h, uint32_t old, uint32_t new)
{
	struct phmap *m = realloc(h->map, (h->nmap + 1) * sizeof(*m));

	if (!m)
		return cell__err(h->ctx, -ENOMEM, "out of memory");
	h->map = m;
	m[h->nmap].old = old;
	m[h->nmap++].new = new;
	return 0;
}

static int alloc_ph(struct ho *h, uint32_t *out)
{
	if (h->next_ph == 0 || h->next_ph >= 0xfffffffeu)
		return cell__err(h->ctx, -ERANGE, "inmate tree: phandle space exhausted");
	*out = h->next_ph++;
	return 0;
}

/* ---- property rewriting ---------------------------------------------- */

/* Companion properties that only make sense next to their main one. */
static const char *const companions[][2] = {
	{ "clocks", "clock-names" },
	{ "resets", "reset-names" },
	{ "phys", "phy-names" },
	{ "dmas", "dma-names" },
	{ "mboxes", "mbox-names" },
	{ "power-domains", "power-domain-names" },
	{ "interconnects", "interconnect-names" },
	{ "interrupts", "interrupt-names" },
	{ "interrupts-extended", "interrupt-names" },
	{ "interrupt-map", "interrupt-map-mask" },
	{ "msi-map", "msi-map-mask" },
	{ "iommu-map", "iommu-map-mask" },
	{ "iommus", "iommu-names" },
};

/* Drop @prop (and its companion) from @n, recording it. @prop may be the
 * dropped property's own name, so a copy outlives it; a whole copy, since
 * the name decides which property goes and may be of any length. */
static int drop_prop(struct ho *h, struct cell__dt_node *n,
		     const struct cell__dt_node *rep, uint32_t tree, const char *prop)
{
	char *name = strdup(prop);
	size_t i;
	int err;

	if (!name)
		return cell__err(h->ctx, -ENOMEM, "out of memory");
	if (!cell__dt_delprop(n, name)) {
		free(name);
		return 0;
	}
	err = add_item(h, CELL_HANDOFF_DROPPED_PROP, tree, rep, name, NULL, 0);
	for (i = 0; !err && i < sizeof(companions) / sizeof(companions[0]); i++)
		if (!strcmp(name, companions[i][0]) &&
		    !(strcmp(name, "interrupts") == 0 &&
		      cell__dt_prop(n, "interrupts-extended")) &&
		    cell__dt_delprop(n, companions[i][1]))
			err = add_item(h, CELL_HANDOFF_DROPPED_PROP, tree, rep,
				       companions[i][1], NULL, 0);
	if (!err && !strncmp(name, "pinctrl-", 8)) {
		for (i = 0; i < n->nprops; i++)
			if (!strncmp(n->props[i].name, "pinctrl-", 8) &&
			    strcmp(n->props[i].name, "pinctrl-names"))
				break;
		if (i == n->nprops && cell__dt_delprop(n, "pinctrl-names"))
			err = add_item(h, CELL_HANDOFF_DROPPED_PROP, tree, rep,
				       "pinctrl-names", NULL, 0);
	}
	free(name);
	return err;
}

/* Outcome of rewriting one property of a moved node. */
enum rw {
	RW_SAME,	/* copy unchanged */
	RW_NEW,		/* replaced by the cbuf */
	RW_DROP,	/* cannot follow: drop (policy) or refuse */
};

/* Record a reference out of the moved set; returns RW_DROP or error. */
static int unresolved(struct ho *h, const struct cell__dt_node *n,
		      const char *prop, const char *target)
{
	int err = add_item(h, CELL_HANDOFF_UNRESOLVED, CELL_HANDOFF_TREE_HOST, n, prop,
			   target, !!(h->flags & CELL_HANDOFF_DROP_UNRESOLVED));

	return err ? err : RW_DROP;
}

static int undecodable(struct ho *h, const struct cell__dt_node *n,
		       const char *prop, const char *why)
{
	int err = add_item(h, CELL_HANDOFF_UNDECODABLE, CELL_HANDOFF_TREE_HOST, n, prop,
			   why, !!(h->flags & CELL_HANDOFF_DROP_UNRESOLVED));

	return err ? err : RW_DROP;
}

static void target_name(const struct cell__dt_ref *r, char *buf, size_t len)
{
	if (r->target)
		cell__dt_path(r->target, buf, len);
	else
		snprintf(buf, len, "<no node with phandle 0x%x>", r->phandle);
}

/* Convert a GIC specifier between host and destination widths. */
static bool gic_spec(struct ho *h, struct cbuf *c, const uint8_t *p)
{
	uint32_t i;

	for (i = h->d_icells; i < h->h_icells; i++)
		if (cell__be32(p + 4 * i))
			return false;
	for (i = 0; i < h->d_icells; i++)
		cb_put(c, i < h->h_icells ? cell__be32(p + 4 * i) : 0);
	return true;
}

struct refscan {
	struct ho *h;
	uint8_t *val;		/* copy being rewritten in place */
	bool bad;		/* some reference cannot follow */
	int err;
};

static int refscan_cb(void *arg, const struct cell__dt_ref *r)
{
	struct refscan *s = arg;
	uint32_t nv = r->target ? map_ph(s->h, r->phandle) : 0;
	char tgt[256];
	int ret;

	if (nv) {
		cell__put_be32(s->val + 4 * r->cell, nv);
		return 0;
	}
	target_name(r, tgt, sizeof(tgt));
	ret = unresolved(s->h, r->node, r->prop, tgt);
	if (ret < 0) {
		s->err = ret;
		return 1;
	}
	s->bad = true;
	return 0;
}

/* interrupt-map of a moved nexus: each parent's cells. */
static int rw_imap(struct ho *h, struct cell__dt_node *n,
		   const struct cell__dt_prop *p, struct cbuf *c)
{
	struct cell__dt_imap_ent *e;
	const char *why = NULL;
	size_t cnt, k;
	bool bad = false;
	int ret;

	ret = cell__dt_imap_parse(h->ht, n, &e, &cnt, &why);
	if (ret == -ENOMEM)
		return cell__err(h->ctx, ret, "out of memory");
	if (ret)
		return undecodable(h, n, p->name, why);
	for (k = 0; k < cnt; k++) {
		const uint8_t *ent = p->val + 4 * e[k].off;
		const uint8_t *pad = ent + 4 * (e[k].child + 1);
		uint32_t nv = map_ph(h, e[k].phandle);
		bool to_gic = is_gic3(e[k].parent);
		uint32_t new_pa = to_gic ? h->d_pa_new : e[k].pa;
		uint64_t a;

		if (!nv) {
			ret = unresolved(h, n, p->name, path_of(h, e[k].parent));
			if (ret < 0)
				goto out;
			bad = true;
			continue;
		}
		cb_raw(c, ent, e[k].child);
		cb_put(c, nv);
		if (!rd_num(pad, e[k].pa, &a) || !cb_num(c, a, new_pa)) {
			ret = undecodable(h, n, p->name,
					  "parent unit address does not fit the destination cells");
			goto out;
		}
		if (to_gic) {
			if (!gic_spec(h, c, pad + 4 * e[k].pa)) {
				ret = undecodable(h, n, p->name,
						  "GIC specifier has non-zero cells the destination GIC lacks");
				goto out;
			}
		} else {
			cb_raw(c, pad + 4 * e[k].pa, e[k].pi);
		}
	}
	ret = bad ? RW_DROP : RW_NEW;
out:
	free(e);
	return ret;
}

/* interrupts-extended: phandle + target's #interrupt-cells, GIC re-encoded. */
static int rw_irq_ext(struct ho *h, struct cell__dt_node *n,
		      const struct cell__dt_prop *p, struct cbuf *c)
{
	uint32_t i = 0, nc = p->len / 4, ic;
	bool bad = false;
	int ret;

	if (p->len % 4)
		return undecodable(h, n, p->name, "length is not a multiple of 4");
	while (i < nc) {
		uint32_t ph = cell__be32(p->val + 4 * i);
		struct cell__dt_node *t = cell__dt_by_phandle(h->ht, ph);
		uint32_t nv = t ? map_ph(h, ph) : 0;

		if (!t || !cell__dt_u32(t, "#interrupt-cells", &ic) ||
		    i + 1 + ic > nc)
			return undecodable(h, n, p->name, "entry cannot be decoded");
		if (!nv) {
			ret = unresolved(h, n, p->name, path_of(h, t));
			if (ret < 0)
				return ret;
			bad = true;
		} else {
			cb_put(c, nv);
			if (is_gic3(t)) {
				if (!gic_spec(h, c, p->val + 4 * (i + 1)))
					return undecodable(h, n, p->name,
							   "GIC specifier has non-zero cells the destination GIC lacks");
			} else {
				cb_raw(c, p->val + 4 * (i + 1), ic);
			}
		}
		i += 1 + ic;
	}
	return bad ? RW_DROP : RW_NEW;
}

/* interrupts: follows the effective interrupt parent. */
static int rw_irqs(struct ho *h, struct cell__dt_node *n,
		   const struct cell__dt_prop *p, struct cbuf *c)
{
	struct cell__dt_node *par = cell__dt_irq_parent(h->ht, n, NULL);
	uint32_t i;

	if (!par)
		return undecodable(h, n, p->name, "no interrupt parent");
	if (par->mark & M_MOVED)
		return RW_SAME;
	if (!is_gic3(par))
		return unresolved(h, n, p->name, path_of(h, par));
	if (h->h_icells == h->d_icells)
		return RW_SAME;
	if (!h->h_icells || p->len % (4 * h->h_icells))
		return undecodable(h, n, p->name, "length is not a multiple of the GIC specifier");
	for (i = 0; i < p->len / 4; i += h->h_icells)
		if (!gic_spec(h, c, p->val + 4 * i))
			return undecodable(h, n, p->name,
					   "GIC specifier has non-zero cells the destination GIC lacks");
	return RW_NEW;
}

/*
 * Address-bearing properties of a moved subtree root whose parent changes:
 * reg (address and size in the parent's cells), ranges / dma-ranges (parent
 * address field). The old parent is @n's; @nbus is the new one.
 */
static int rw_addr(struct ho *h, struct cell__dt_node *n,
		   const struct cell__dt_prop *p, const struct cell__dt_node *nbus,
		   struct cbuf *c)
{
	const struct cell__dt_node *obus = n->parent;
	bool reg = !strcmp(p->name, "reg");
	const char *tprop = strcmp(p->name, "dma-ranges") ? "ranges" : "dma-ranges";
	uint32_t opa = cell__dt_ac(obus), npa = cell__dt_ac(nbus);
	uint32_t ca = reg ? 0 : cell__dt_ac(n);
	uint32_t osc = reg ? cell__dt_sc(obus) : cell__dt_sc(n);
	uint32_t nsc = reg ? cell__dt_sc(nbus) : osc;
	uint32_t ent = ca + opa + osc, i;
	char why[160];

	if (!p->len)
		return RW_SAME;
	if (p->len % (4 * ent))
		return undecodable(h, n, p->name, "length is not a multiple of the entry size");
	for (i = 0; i < p->len / 4; i += ent) {
		uint64_t a, cpu, na, s;
		int err;

		if (!rd_num(p->val + 4 * (i + ca), opa, &a) ||
		    !rd_num(p->val + 4 * (i + ca + opa), osc, &s))
			return undecodable(h, n, p->name, "address wider than 64 bits");
		/* reg is in the old parent's space: translate through it. */
		err = up_translate(obus, a, tprop, &cpu);
		if (!err)
			err = down_translate(nbus, cpu, tprop, &na);
		if (err) {
			snprintf(why, sizeof(why),
				 "address 0x%llx has no translation into the destination bus",
				 (unsigned long long)a);
			cell__err(h->ctx, -ERANGE, "%s: %s: %s", path_of(h, n), p->name, why);
			return -ERANGE;
		}
		cb_raw(c, p->val + 4 * i, ca);
		if (!cb_num(c, na, npa) || !cb_num(c, s, nsc)) {
			return cell__err(h->ctx, -ERANGE,
					 "%s: %s: 0x%llx+0x%llx does not fit %u+%u destination cells",
					 path_of(h, n), p->name, (unsigned long long)na,
					 (unsigned long long)s, npa, nsc);
		}
	}
	return RW_NEW;
}

/* -ENOTSUP when /__fixups__ of @t lists a placeholder in @prop of @n (the
 * property is about to be re-encoded), else 0. */
static int ext_refuse(struct ho *h, const struct cell__dt_tree *t,
		      const struct cell__dt_node *n, const char *prop)
{
	struct cell__dt_ext *e;
	size_t cnt;
	int err;

	if (cell__dt_ext_cells(t, n, prop, &e, &cnt))
		return cell__err(h->ctx, -ENOMEM, "out of memory");
	if (!cnt)
		return 0;
	err = cell__err(h->ctx, -ENOTSUP,
			"%s tree: %s: %s: byte %u holds a placeholder for label '%s' (__fixups__); re-encoding this property is not supported with unresolved label references",
			t == h->ht ? "host" : "inmate", path_of(h, n), prop, 4 * e[0].cell,
			e[0].label);
	free(e);
	return err;
}

/*
 * Rewrite property @p of original node @o into its copy @cp. @nbus is the
 * new parent when @o is a moved subtree root, else NULL.
 */
static int rw_prop(struct ho *h, struct cell__dt_node *o, struct cell__dt_node *cp,
		   const struct cell__dt_prop *p, const struct cell__dt_node *nbus)
{
	const struct cell__dt_prop *fx = NULL;
	struct cbuf c = { 0 };
	const char *why = NULL;
	int ret = RW_SAME;
	bool addr = nbus && (!strcmp(p->name, "reg") ||
			     (cell__dt_prop(o, "device_type") &&
			      (!strcmp(p->name, "ranges") || !strcmp(p->name, "dma-ranges"))));

	/* Re-encoded properties would move (or misread) a __fixups__
	 * placeholder; in-place phandle rewriting keeps its offset. */
	if (addr || !strcmp(p->name, "interrupt-map") ||
	    !strcmp(p->name, "interrupts-extended")) {
		ret = ext_refuse(h, h->ht, o, p->name);
		if (ret)
			return ret;
	}
	if (!strcmp(p->name, "phandle") || !strcmp(p->name, "linux,phandle")) {
		uint32_t old = p->len == 4 ? cell__be32(p->val) : 0;

		cb_put(&c, map_ph(h, old));
		ret = RW_NEW;
	} else if (addr) {
		ret = rw_addr(h, o, p, nbus, &c);
	} else if (!strcmp(p->name, "interrupt-map")) {
		ret = rw_imap(h, o, p, &c);
	} else if (!strcmp(p->name, "interrupts-extended")) {
		ret = rw_irq_ext(h, o, p, &c);
	} else if (!strcmp(p->name, "interrupts")) {
		ret = rw_irqs(h, o, p, &c);
		if (ret == RW_NEW) {
			int err = ext_refuse(h, h->ht, o, p->name);

			if (err) {
				free(c.b);
				return err;
			}
		}
	} else if (cell__dt_is_ref_prop(p->name) ||
		   (fx = cell__dt_local_fixup(h->ht, o, p->name))) {
		struct refscan s = { h, NULL, false, 0 };
		int r;

		s.val = malloc(p->len ? p->len : 1);
		if (!s.val)
			return cell__err(h->ctx, -ENOMEM, "out of memory");
		memcpy(s.val, p->val, p->len);
		if (fx) {
			struct extra *e = realloc(h->extras, (h->nextras + 1) * sizeof(*e));

			if (!e) {
				free(s.val);
				return cell__err(h->ctx, -ENOMEM, "out of memory");
			}
			h->extras = e;
			e[h->nextras].copy = cp;
			e[h->nextras++].offs = fx;
			r = cell__dt_fixup_refs(h->ht, o, p, refscan_cb, &s);
			why = "__local_fixups__ offsets outside the property";
		} else {
			r = cell__dt_prop_refs(h->ht, o, p, refscan_cb, &s, &why);
		}
		if (s.err) {
			free(s.val);
			return s.err;
		}
		if (r == -EINVAL && !s.bad) {
			free(s.val);
			/* RW_DROP goes through the common handling below. */
			ret = undecodable(h, o, p->name, why);
		} else if (s.bad || r) {
			free(s.val);
			ret = RW_DROP;
		} else {
			free(c.b);
			c.b = s.val;
			c.len = p->len;
			ret = RW_NEW;
		}
	}
	if (ret < 0 || c.oom) {
		free(c.b);
		return ret < 0 ? ret : cell__err(h->ctx, -ENOMEM, "out of memory");
	}
	if (ret == RW_NEW && (c.len != p->len || memcmp(c.b, p->val, p->len))) {
		ret = cell__dt_setprop(cp, p->name, c.b, c.len);
		if (!ret && strcmp(p->name, "phandle") && strcmp(p->name, "linux,phandle"))
			ret = add_item(h, CELL_HANDOFF_REWROTE_PROP, CELL_HANDOFF_TREE_HOST,
				       o, p->name, NULL, 0);
	} else if (ret == RW_DROP) {
		ret = 0;
		/* Refusal is decided later; with the policy the copy loses it. */
		if (h->flags & CELL_HANDOFF_DROP_UNRESOLVED)
			ret = drop_prop(h, cp, o, CELL_HANDOFF_TREE_HOST, p->name);
	} else {
		ret = 0;
	}
	free(c.b);
	return ret < 0 ? ret : 0;
}

/* ---- selection ------------------------------------------------------- */

static bool is_pci_host(const struct cell__dt_node *n)
{
	return cell__dt_has_str(n, "device_type", "pci") ||
	       cell__dt_has_str(n, "device_type", "pciex");
}

static bool enabled(const struct cell__dt_node *n)
{
	const struct cell__dt_prop *s = cell__dt_prop(n, "status");

	return !s || cell__dt_has_str(n, "status", "okay") ||
	       cell__dt_has_str(n, "status", "ok");
}

static int add_top(struct ho *h, struct cell__dt_node *n, uint32_t bits)
{
	struct cell__dt_node **t;
	struct cell__dt_node *k;

	t = realloc(h->tops, (h->ntops + 1) * sizeof(*t));
	if (!t)
		return cell__err(h->ctx, -ENOMEM, "out of memory");
	h->tops = t;
	t[h->ntops++] = n;
	for (k = n; k; k = cell__dt_next_in(k, n))
		k->mark |= M_MOVED;
	n->mark |= M_TOP | bits;
	return 0;
}

static int select_hosts(struct ho *h, const char *const *paths, size_t npaths)
{
	struct cell__dt_node *n;
	size_t i;
	int err;

	if (!npaths) {
		for (n = h->ht->root; n; n = cell__dt_next(n)) {
			if (!is_pci_host(n) || !enabled(n) || cell__dt_is_meta(n) ||
			    (n->mark & M_MOVED) || !n->parent || is_pci_host(n->parent))
				continue;
			if ((err = add_top(h, n, 0)))
				return err;
		}
		if (!h->ntops)
			return cell__err(h->ctx, -ENOENT,
					 "nothing to hand off: the host tree has no enabled PCI host bridge (device_type \"pci\")");
		return 0;
	}
	for (i = 0; i < npaths; i++) {
		if (!paths[i])
			return cell__err(h->ctx, -EINVAL, "PCIe path %zu is NULL", i);
		n = cell__dt_lookup(h->ht, paths[i]);
		if (!n)
			return cell__err(h->ctx, -ENOENT, "host tree: no node at '%s'", paths[i]);
		if (!n->parent || !is_pci_host(n) || is_pci_host(n->parent))
			return cell__err(h->ctx, -EINVAL,
					 "host tree: %s is not a PCI host bridge (needs device_type \"pci\" and a non-PCI parent): nothing to hand off",
					 paths[i]);
		if (n->mark & M_MOVED)
			return cell__err(h->ctx, -EINVAL, "host tree: %s selected twice",
					 paths[i]);
		if ((err = add_top(h, n, 0)))
			return err;
	}
	return 0;
}

struct itsscan {
	struct ho *h;
	int err;
};

static int its_cb(void *arg, const struct cell__dt_ref *r)
{
	struct itsscan *s = arg;

	if (!r->target || !is_its(r->target) || (r->target->mark & M_MOVED))
		return 0;
	if (!r->target->parent || !is_gic3(r->target->parent)) {
		s->err = cell__err(s->h->ctx, -EINVAL,
				   "host tree: ITS %s is not a child of an arm,gic-v3 node",
				   path_of(s->h, r->target));
		return 1;
	}
	s->err = add_top(s->h, r->target, M_ITS);
	return s->err ? 1 : 0;
}

/* Every ITS named by msi-parent / msi-map inside the selected bridges. */
static int select_its(struct ho *h)
{
	size_t i, nbridges = h->ntops;
	struct itsscan s = { h, 0 };

	for (i = 0; i < nbridges; i++) {
		struct cell__dt_node *top = h->tops[i], *n;

		for (n = top; n; n = cell__dt_next_in(n, top)) {
			static const char *const props[] = { "msi-parent", "msi-map" };
			size_t k;

			for (k = 0; k < 2; k++) {
				struct cell__dt_prop *p = cell__dt_prop(n, props[k]);
				const char *why;

				if (!p)
					continue;
				/* Decoding errors are reported by the rewrite. */
				cell__dt_prop_refs(h->ht, n, p, its_cb, &s, &why);
				if (s.err)
					return s.err;
			}
		}
	}
	return 0;
}

/* ---- destination GIC ------------------------------------------------- */

/* Re-encode the destination's own interrupt-maps for the GIC's new cells. */
static int reencode_dest_imaps(struct ho *h)
{
	struct cell__dt_node *n;

	for (n = h->it->root; n; n = cell__dt_next(n)) {
		struct cell__dt_prop *p = cell__dt_prop(n, "interrupt-map");
		struct cell__dt_imap_ent *e;
		struct cbuf c = { 0 };
		const char *why = NULL;
		size_t cnt, k;
		bool touched = false;
		int ret;

		if (!p || cell__dt_is_meta(n))
			continue;
		if ((ret = ext_refuse(h, h->it, n, "interrupt-map")))
			return ret;
		ret = cell__dt_imap_parse(h->it, n, &e, &cnt, &why);
		if (ret)
			return cell__err(h->ctx, ret, "inmate tree: %s: interrupt-map: %s",
					 path_of(h, n), ret == -ENOMEM ? "out of memory" : why);
		for (k = 0; k < cnt; k++) {
			const uint8_t *ent = p->val + 4 * e[k].off;
			uint32_t pa = e[k].parent == h->dgic ? h->d_pa_new : e[k].pa;
			uint64_t a;

			cb_raw(&c, ent, e[k].child + 1);
			if (!rd_num(ent + 4 * (e[k].child + 1), e[k].pa, &a) ||
			    !cb_num(&c, a, pa)) {
				free(e);
				free(c.b);
				return cell__err(h->ctx, -ERANGE,
						 "inmate tree: %s: interrupt-map entry %zu: parent unit address does not fit %u cells",
						 path_of(h, n), k, pa);
			}
			cb_raw(&c, ent + 4 * (e[k].child + 1 + e[k].pa), e[k].pi);
			touched |= e[k].parent == h->dgic;
		}
		free(e);
		ret = c.oom ? -ENOMEM : 0;
		if (!ret && touched && (c.len != p->len || memcmp(c.b, p->val, c.len))) {
			ret = cell__dt_setprop(n, "interrupt-map", c.b, c.len);
			if (!ret)
				ret = add_item(h, CELL_HANDOFF_REWROTE_PROP,
					       CELL_HANDOFF_TREE_INMATE, n,
					       "interrupt-map",
					       "parent unit-address width follows the GIC's new #address-cells",
					       0);
		}
		free(c.b);
		if (ret)
			return ret == -ENOMEM ? cell__err(h->ctx, ret, "out of memory") : ret;
	}
	return 0;
}

static int setup_dest_gic(struct ho *h)
{
	struct cell__dt_node *root = h->it->root, *n = NULL;
	uint32_t ph, v;
	int err;

	if (cell__dt_u32(root, "interrupt-parent", &ph))
		n = cell__dt_by_phandle(h->it, ph);
	if (!n || !is_gic3(n))
		for (n = root; n && !is_gic3(n); n = cell__dt_next(n))
			;
	if (!n)
		return cell__err(h->ctx, -ENODEV, "inmate tree has no arm,gic-v3 node to receive the ITS");
	h->dgic = n;
	if (!cell__dt_u32(n, "#interrupt-cells", &h->d_icells) || !h->d_icells ||
	    h->d_icells > 8)
		return cell__err(h->ctx, -EINVAL, "inmate tree: %s: bad #interrupt-cells",
				 path_of(h, n));
	h->next_ph = cell__dt_max_phandle(h->it) + 1;
	h->dgic_ph = cell__dt_phandle(n);
	if (!h->dgic_ph) {
		if ((err = alloc_ph(h, &h->dgic_ph)) ||
		    (err = cell__dt_setprop_u32(n, "phandle", h->dgic_ph)) ||
		    (err = add_item(h, CELL_HANDOFF_ADDED_PROP, CELL_HANDOFF_TREE_INMATE,
				    n, "phandle", NULL, 0)))
			return err;
	}
	h->d_pa_old = cell__dt_u32(n, "#address-cells", &v) ? v : 0;
	h->d_pa_new = h->d_pa_old;
	if (!cell__dt_prop(n, "#address-cells")) {
		/* The ITS reg is then written in the GIC's parent cells, and the
		 * empty ranges below makes the GIC's child space the parent's. */
		h->d_pa_new = cell__dt_ac(n->parent);
		err = reencode_dest_imaps(h);
		if (!err)
			err = cell__dt_setprop_u32(n, "#address-cells", h->d_pa_new);
		if (!err)
			err = add_item(h, CELL_HANDOFF_ADDED_PROP, CELL_HANDOFF_TREE_INMATE,
				       n, "#address-cells", NULL, 0);
		if (err)
			return err;
	}
	if (!cell__dt_prop(n, "#size-cells")) {
		if ((err = cell__dt_setprop_u32(n, "#size-cells", cell__dt_sc(n->parent))) ||
		    (err = add_item(h, CELL_HANDOFF_ADDED_PROP, CELL_HANDOFF_TREE_INMATE,
				    n, "#size-cells", NULL, 0)))
			return err;
	}
	if (!cell__dt_prop(n, "ranges")) {
		if ((err = cell__dt_setprop(n, "ranges", NULL, 0)) ||
		    (err = add_item(h, CELL_HANDOFF_ADDED_PROP, CELL_HANDOFF_TREE_INMATE,
				    n, "ranges", NULL, 0)))
			return err;
	}
	return 0;
}

/* ---- grafting -------------------------------------------------------- */

static int pair_add(struct ho *h, struct cell__dt_node *o, struct cell__dt_node *c,
		    bool top)
{
	struct pair *p = realloc(h->pairs, (h->npairs + 1) * sizeof(*p));

	if (!p)
		return cell__err(h->ctx, -ENOMEM, "out of memory");
	h->pairs = p;
	p[h->npairs].orig = o;
	p[h->npairs].top = top;
	p[h->npairs++].copy = c;
	return 0;
}

static struct cell__dt_node *copy_of(struct ho *h, const struct cell__dt_node *o)
{
	size_t i;

	for (i = 0; i < h->npairs; i++)
		if (h->pairs[i].orig == o)
			return h->pairs[i].copy;
	return NULL;
}

/* Name in the destination: the host name, or base@<reg address> for hosts
 * without a unit address (FT-2004's /soc/pcie). */
static void dest_name(const struct cell__dt_node *copy,
		      const struct cell__dt_node *nbus, char *buf, size_t len)
{
	const struct cell__dt_prop *reg = cell__dt_prop(copy, "reg");
	uint64_t a;

	if (strchr(copy->name, '@') || !reg ||
	    reg->len < 4 * cell__dt_ac(nbus) ||
	    !rd_num(reg->val, cell__dt_ac(nbus), &a)) {
		snprintf(buf, len, "%s", copy->name);
	} else {
		snprintf(buf, len, "%s@%llx", copy->name, (unsigned long long)a);
	}
}

/* True when @dr (dma-ranges of @bus) maps every window 1:1 (or is empty). */
static bool dma_identity(const struct cell__dt_node *bus, const struct cell__dt_prop *dr)
{
	uint32_t ca = cell__dt_ac(bus), pa = cell__dt_ac(bus->parent);
	uint32_t ent = ca + pa + cell__dt_sc(bus), i;
	uint64_t c, p;

	if (!dr->len)
		return true;
	if (dr->len % (4 * ent))
		return false;
	for (i = 0; i < dr->len / 4; i += ent)
		if (!rd_num(dr->val + 4 * i, ca, &c) || !rd_num(dr->val + 4 * (i + ca), pa, &p) ||
		    c != p)
			return false;
	return true;
}

/* Inherited properties that stop applying once the parent bus changes. */
static int keep_inherited(struct ho *h, struct cell__dt_node *o,
			  struct cell__dt_node *cp, struct cell__dt_node *nbus)
{
	const struct cell__dt_node *a;
	uint32_t ph, dph = 0;
	struct cell__dt_node *par;
	int err;

	if (!cell__dt_prop(o, "dma-coherent") && !cell__dt_prop(o, "dma-noncoherent"))
		for (a = o->parent; a; a = a->parent)
			if (cell__dt_prop(a, "dma-coherent")) {
				if ((err = cell__dt_setprop(cp, "dma-coherent", NULL, 0)) ||
				    (err = add_item(h, CELL_HANDOFF_ADDED_PROP,
						    CELL_HANDOFF_TREE_HOST, o,
						    "dma-coherent",
						    "inherited from the host's parent bus", 0)))
					return err;
				break;
			}
	/* A translating dma-ranges above the node is lost with the old bus
	 * (the node's own dma-ranges was translated through it instead). */
	if (!(o->mark & M_ITS) && !cell__dt_prop(o, "dma-ranges"))
		for (a = o->parent; a; a = a->parent) {
			const struct cell__dt_prop *dr = cell__dt_prop(a, "dma-ranges");

			if (dr && !dma_identity(a, dr)) {
				char why[300];

				snprintf(why, sizeof(why),
					 "%s has a translating dma-ranges the destination bus lacks",
					 path_of(h, a));
				if ((err = add_item(h, CELL_HANDOFF_UNDECODABLE,
						    CELL_HANDOFF_TREE_HOST, o, "dma-ranges", why, 0)))
					return err;
				break;
			}
		}
	if (cell__dt_prop(o, "interrupt-parent"))
		return 0;
	par = cell__dt_irq_parent(h->ht, o, &ph);
	if (!par)
		return 0;
	ph = map_ph(h, cell__dt_phandle(par));
	if (!ph)
		return 0;	/* users of it are reported by rw_irqs */
	/* What a child of @nbus without interrupt-parent would inherit. */
	if (cell__dt_prop(nbus, "#interrupt-cells"))
		dph = cell__dt_phandle(nbus);
	else
		cell__dt_irq_parent(h->it, nbus, &dph);
	if (dph == ph)
		return 0;
	if ((err = cell__dt_setprop_u32(cp, "interrupt-parent", ph)))
		return err;
	return add_item(h, CELL_HANDOFF_ADDED_PROP, CELL_HANDOFF_TREE_HOST, o,
			"interrupt-parent", "inherited in the host", 0);
}

/* Clone every moved subtree and rewrite the copies' properties. */
static int build_copies(struct ho *h)
{
	size_t i, k;
	int err;

	for (i = 0; i < h->ntops; i++) {
		struct cell__dt_node *top = h->tops[i], *o, *c, *copy;
		struct cell__dt_node *nbus = (top->mark & M_ITS) ? h->dgic : h->it->root;

		copy = cell__dt_clone(top);
		if (!copy)
			return cell__err(h->ctx, -ENOMEM, "out of memory");
		if ((err = pair_add(h, top, copy, true))) {
			cell__dt_node_free(copy);
			return err;
		}
		for (o = top, c = copy; o && c;
		     o = cell__dt_next_in(o, top), c = cell__dt_next_in(c, copy)) {
			if (o != top && (err = pair_add(h, o, c, false)))
				return err;
			for (k = 0; k < o->nprops; k++) {
				err = rw_prop(h, o, c, &o->props[k], o == top ? nbus : NULL);
				if (err)
					return err;
			}
		}
		if ((err = keep_inherited(h, top, copy, nbus)))
			return err;
	}
	return 0;
}

/* Attach the copies to the destination (after the refusal decision). */
static int graft(struct ho *h)
{
	size_t i;
	int err;

	for (i = 0; i < h->ntops; i++) {
		struct cell__dt_node *top = h->tops[i];
		struct cell__dt_node *copy = copy_of(h, top);
		struct cell__dt_node *nbus = (top->mark & M_ITS) ? h->dgic : h->it->root;
		const char *at;
		char name[128];
		size_t k;

		dest_name(copy, nbus, name, sizeof(name));
		at = strchr(name, '@');
		for (k = 0; k < nbus->nkids; k++) {
			const char *kat = strchr(nbus->kids[k]->name, '@');

			if (!strcmp(nbus->kids[k]->name, name) ||
			    (at && kat && !strcmp(at, kat)))
				return cell__err(h->ctx, -EEXIST,
						 "inmate tree: %s already has %s, which clashes with %s grafted from %s",
						 path_of(h, nbus), nbus->kids[k]->name, name,
						 cell__dt_path(top, h->pbuf[1], sizeof(h->pbuf[1])));
		}
		if (strcmp(copy->name, name) && cell__dt_rename(copy, name))
			return cell__err(h->ctx, -ENOMEM, "out of memory");
		if ((err = cell__dt_add_child(nbus, copy)))
			return cell__err(h->ctx, err, "out of memory");
		cell__dt_path(copy, name, sizeof(name));
		if ((err = add_item(h, CELL_HANDOFF_MOVED_NODE, CELL_HANDOFF_TREE_HOST,
				    top, NULL, name, 0)))
			return err;
	}
	return 0;
}

static bool is_copy(struct ho *h, const struct cell__dt_node *n)
{
	size_t i;

	for (i = 0; i < h->npairs; i++)
		if (h->pairs[i].copy == n)
			return true;
	return false;
}

/*
 * Linux numbers PCI domains from linux,pci-domain only when every host
 * bridge has one (a mix is reported as inconsistent and the odd bridge
 * fails), and Jailhouse's virtual host must keep its own domain next to a
 * grafted physical one: with two or more host bridges in the inmate, give
 * each a distinct linux,pci-domain, keeping the numbers already there
 * (a grafted bridge yields when its number is taken). Grafted bridges get
 * the lowest free numbers first, so the virtual host ends up on domain 1
 * as in Jailhouse's own configurations.
 */
static int pci_domains(struct ho *h)
{
	struct cell__dt_node *n, *hosts[64];
	uint32_t dom[64], v;
	bool has[64];
	size_t cnt = 0, i, j, k;
	int err;

	for (n = h->it->root; n && cnt < 64; n = cell__dt_next(n))
		if (is_pci_host(n) && n->parent && !is_pci_host(n->parent))
			hosts[cnt++] = n;
	if (cnt < 2)
		return 0;
	/* Existing numbers: inmate bridges first, then grafted ones. */
	for (i = 0; i < cnt; i++)
		has[i] = false;
	for (int pass = 0; pass < 2; pass++)
		for (i = 0; i < cnt; i++) {
			if (is_copy(h, hosts[i]) != (pass == 1) ||
			    !cell__dt_u32(hosts[i], "linux,pci-domain", &v))
				continue;
			for (j = 0; j < cnt && !(has[j] && dom[j] == v); j++)
				;
			if (j < cnt)
				continue;	/* taken: renumbered below */
			has[i] = true;
			dom[i] = v;
		}
	for (k = 0; k < 2 * cnt; k++) {
		bool had;
		char detail[64];

		i = k % cnt;
		if (has[i] || is_copy(h, hosts[i]) != (k < cnt))
			continue;
		had = cell__dt_prop(hosts[i], "linux,pci-domain") != NULL;
		for (v = 0;; v++) {
			for (j = 0; j < cnt && !(has[j] && dom[j] == v); j++)
				;
			if (j == cnt)
				break;
		}
		has[i] = true;
		dom[i] = v;
		snprintf(detail, sizeof(detail), "PCI domain %u", v);
		if ((err = cell__dt_setprop_u32(hosts[i], "linux,pci-domain", v)) ||
		    (err = add_item(h, had ? CELL_HANDOFF_REWROTE_PROP : CELL_HANDOFF_ADDED_PROP,
				    CELL_HANDOFF_TREE_INMATE, hosts[i], "linux,pci-domain",
				    detail, 0)))
			return err;
	}
	return 0;
}

/* ---- references that stay behind ------------------------------------- */

struct inscan {
	struct ho *h;
	bool hit;
	int err;
};

static int inbound_cb(void *arg, const struct cell__dt_ref *r)
{
	struct inscan *s = arg;
	struct ho *h = s->h;
	const struct cell__dt_node *t = r->target, *top;
	uint32_t res = 0;
	char tgt[256];

	if (!t || !(t->mark & M_MOVED))
		return 0;
	for (top = t; !(top->mark & M_TOP); top = top->parent)
		;
	if (h->flags & (CELL_HANDOFF_DISABLE_HOST | CELL_HANDOFF_DROP_UNRESOLVED))
		res = 1;
	if ((top->mark & M_ITS) && (h->flags & CELL_HANDOFF_KEEP_SHARED_ITS)) {
		((struct cell__dt_node *)top)->mark |= M_KEEP;
		res = 1;
	}
	if (res && !(h->flags & (CELL_HANDOFF_DISABLE_HOST)) && !(top->mark & M_KEEP))
		s->hit = true;	/* dropped from the host */
	cell__dt_path(t, tgt, sizeof(tgt));
	s->err = add_item(h, CELL_HANDOFF_INBOUND, CELL_HANDOFF_TREE_HOST, r->node,
			  r->prop, tgt, res);
	return s->err ? 1 : 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The phandles of the moved nodes. A reference is a cell of its property
 * holding the target's phandle, so a property none of whose cells is one
 * of these cannot reach a moved node: most are settled without decoding.
 */
struct phset {
	uint32_t *v;			/* sorted */
	size_t n;
	uint64_t bits;			/* ph_bit() of each */
};

static unsigned int ph_bit(uint32_t v)
{
	return (v * 0x9e3779b1u) >> 26;
}

static int moved_phandles(const struct ho *h, struct phset *s)
{
	struct cell__dt_node *n;
	size_t i, cap = 0;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < h->ntops; i++)
		for (n = h->tops[i]; n; n = cell__dt_next_in(n, h->tops[i])) {
			uint32_t ph = cell__dt_phandle(n);

			if (!ph || ph == 0xffffffffu)
				continue;
			if (s->n == cap) {
				uint32_t *v = realloc(s->v, (cap = cap ? 2 * cap : 16) * sizeof(*v));

				if (!v)
					return -ENOMEM;
				s->v = v;
			}
			s->v[s->n++] = ph;
			s->bits |= 1ull << ph_bit(ph);
		}
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), cmp_u32);
	return 0;
}

static bool may_reach(const struct phset *s, const struct cell__dt_prop *p)
{
	uint32_t i;

	for (i = 0; i + 4 <= p->len; i += 4) {
		uint32_t v = cell__be32(p->val + i);

		if ((s->bits >> ph_bit(v) & 1) &&
		    bsearch(&v, s->v, s->n, sizeof(*s->v), cmp_u32))
			return true;
	}
	return false;
}

/* Host nodes that stay but reference moved ones (fsl-mc, SMMU, mbigen). */
static int scan_inbound(struct ho *h, bool apply)
{
	/* Without __local_fixups__ (and a scan never adds it) no property has
	 * fixup references: skip asking for each one. */
	bool lf = cell__dt_child(h->ht->root, "__local_fixups__") != NULL;
	struct cell__dt_node *n;
	struct phset ps;
	size_t k;
	int err = moved_phandles(h, &ps);

	if (err) {
		free(ps.v);
		return cell__err(h->ctx, err, "out of memory");
	}
	for (n = ps.n ? h->ht->root : NULL; n && !err; n = cell__dt_next(n)) {
		if ((n->mark & M_MOVED) || cell__dt_is_meta(n))
			continue;
		for (k = 0; k < n->nprops && !err; k++) {
			struct inscan s = { h, false, 0 };
			const char *why;

			/* Without fixups only whole cells are read. */
			if ((!lf && n->props[k].len % 4) || !may_reach(&ps, &n->props[k]))
				continue;
			cell__dt_prop_refs(h->ht, n, &n->props[k], inbound_cb, &s, &why);
			if (!s.err && lf)
				cell__dt_fixup_refs(h->ht, n, &n->props[k], inbound_cb, &s);
			err = s.err;
			if (!err && apply && s.hit && (h->flags & CELL_HANDOFF_DROP_UNRESOLVED)) {
				err = drop_prop(h, n, n, CELL_HANDOFF_TREE_HOST, n->props[k].name);
				k--;	/* the next property moved into slot k */
			}
		}
	}
	free(ps.v);
	return err;
}

/* ---- aliases, stdout-path, symbols ------------------------------------ */

/* Host node a path-valued string names (alias names resolved), or NULL. */
static struct cell__dt_node *resolve_path(struct cell__dt_tree *t, const char *s,
					  size_t len)
{
	char buf[512];
	size_t l = strnlen(s, len);
	struct cell__dt_node *al;
	const struct cell__dt_prop *p;

	if (l >= sizeof(buf))
		return NULL;
	memcpy(buf, s, l);
	buf[l] = 0;
	buf[strcspn(buf, ":")] = 0;	/* stdout-path options */
	if (buf[0] == '/')
		return cell__dt_lookup(t, buf);
	al = cell__dt_lookup(t, "/aliases");
	p = al ? cell__dt_prop(al, buf) : NULL;
	if (!p || !p->len || p->val[0] != '/')
		return NULL;
	return resolve_path(t, (const char *)p->val, p->len);
}

static bool removed_from_host(struct ho *h, const struct cell__dt_node *n)
{
	const struct cell__dt_node *top;

	if (!n || !(n->mark & M_MOVED))
		return false;
	for (top = n; !(top->mark & M_TOP); top = top->parent)
		;
	return !(h->flags & CELL_HANDOFF_DISABLE_HOST) && !(top->mark & M_KEEP);
}

/* Whether the path @s[0, @l) names the node of full path @tp or one below
 * it, reading it as cell__dt_lookup() does (a run of '/' is one). */
static bool path_within(const char *s, size_t l, const char *tp)
{
	size_t i = 0;

	for (;;) {
		while (i < l && s[i] == '/')
			i++;
		while (*tp == '/')
			tp++;
		if (!*tp)
			return true;
		for (; *tp && *tp != '/'; tp++, i++)
			if (i >= l || s[i] != *tp)
				return false;
		if (i < l && s[i] != '/')
			return false;
	}
}

/*
 * Whether the absolute path in @v[0, @len) may name a moved node: only a
 * path within a moved subtree's root can, so most entries of a large
 * __symbols__ are settled without a lookup. @tp: the roots' paths, NULL
 * when one did not fit (then every path may).
 */
static bool may_be_moved(char (*tp)[256], size_t ntp, const uint8_t *v, uint32_t len)
{
	const char *s = (const char *)v;
	size_t l = strnlen(s, len), i;
	const char *opt = memchr(s, ':', l);	/* as resolve_path() cuts */

	if (!tp)
		return true;
	if (opt)
		l = (size_t)(opt - s);
	for (i = 0; i < ntp; i++)
		if (path_within(s, l, tp[i]))
			return true;
	return false;
}

/* Path-valued properties of @src (host /aliases or /__symbols__) that point
 * into moved nodes: removed from the host when the node goes, and added to
 * the same node of the inmate when the inmate has no entry of that name. */
static int follow_paths(struct ho *h, const char *node, bool create)
{
	struct cell__dt_node *src = cell__dt_lookup(h->ht, node);
	struct cell__dt_node *dst = cell__dt_lookup(h->it, node);
	char (*tp)[256] = NULL;
	size_t k;
	int err;

	if (!src)
		return 0;
	if (h->ntops && !(tp = malloc(h->ntops * sizeof(*tp))))
		return cell__err(h->ctx, -ENOMEM, "out of memory");
	for (k = 0; tp && k < h->ntops; k++) {
		cell__dt_path(h->tops[k], tp[k], sizeof(tp[k]));
		if (strlen(tp[k]) >= sizeof(tp[k]) - 4) {	/* maybe cut */
			free(tp);
			tp = NULL;
		}
	}
	err = 0;
	for (k = 0; k < src->nprops && !err; k++) {
		struct cell__dt_prop *p = &src->props[k];
		struct cell__dt_node *o, *c;
		char np[256];

		o = p->len && p->val[0] == '/' && may_be_moved(tp, h->ntops, p->val, p->len) ?
			resolve_path(h->ht, (const char *)p->val, p->len) : NULL;
		if (!o || !(o->mark & M_MOVED) || !(c = copy_of(h, o)))
			continue;
		cell__dt_path(c, np, sizeof(np));
		if (!dst && create) {
			dst = cell__dt_new_child(h->it->root, node + 1);
			if (!dst) {
				err = cell__err(h->ctx, -ENOMEM, "out of memory");
				break;
			}
		}
		if (dst && !cell__dt_prop(dst, p->name)) {
			if ((err = cell__dt_setprop_str(dst, p->name, np)) ||
			    (err = add_item(h, CELL_HANDOFF_ADDED_ALIAS,
					    CELL_HANDOFF_TREE_INMATE, dst, p->name, np, 0)))
				break;
		}
		if (removed_from_host(h, o)) {
			/* Recorded first: the deletion frees the name. */
			cell__dt_path(o, np, sizeof(np));
			if ((err = add_item(h, CELL_HANDOFF_REMOVED_ALIAS,
					    CELL_HANDOFF_TREE_HOST, src, p->name, np, 0)))
				break;
			cell__dt_delprop(src, p->name);
			k--;
		}
	}
	free(tp);
	return err;
}

static int fix_chosen(struct ho *h)
{
	static const char *const props[] = { "stdout-path", "linux,stdout-path" };
	struct cell__dt_node *ch = cell__dt_lookup(h->ht, "/chosen");
	size_t k;
	int err;

	for (k = 0; ch && k < 2; k++) {
		struct cell__dt_prop *p = cell__dt_prop(ch, props[k]);
		struct cell__dt_node *o;
		char tgt[256];

		if (!p || !(o = resolve_path(h->ht, (const char *)p->val, p->len)) ||
		    !removed_from_host(h, o))
			continue;
		cell__dt_path(o, tgt, sizeof(tgt));
		cell__dt_delprop(ch, props[k]);
		if ((err = add_item(h, CELL_HANDOFF_REMOVED_ALIAS, CELL_HANDOFF_TREE_HOST,
				    ch, props[k], tgt, 0)))
			return err;
	}
	return 0;
}

/* ---- __fixups__ ------------------------------------------------------- */

/* Node the path @s (@len bytes, canonical: no empty component) names. */
static struct cell__dt_node *fx_node(struct cell__dt_tree *t, const char *s, size_t len)
{
	struct cell__dt_node *n = t->root;
	size_t pos = 1;

	if (!len || s[0] != '/')
		return NULL;
	while (n && pos < len + (len > 1)) {
		const char *c = s + pos, *e = memchr(c, '/', len - pos);
		size_t l = e ? (size_t)(e - c) : len - pos, k;
		struct cell__dt_node *kid = NULL;

		for (k = 0; l && k < n->nkids && !kid; k++)
			if (strlen(n->kids[k]->name) == l && !memcmp(n->kids[k]->name, c, l))
				kid = n->kids[k];
		n = kid;
		pos += l + 1;
	}
	return n;
}

/* Every /__fixups__ entry names a 32-bit cell of an existing property. */
static int check_fixups(struct ho *h, struct cell__dt_tree *t, const char *what)
{
	struct cell__dt_node *fx = cell__dt_child(t->root, "__fixups__");
	size_t k, pos, idx;

	for (k = 0; fx && k < fx->nprops; k++) {
		const struct cell__dt_prop *p = &fx->props[k];
		const char *v = (const char *)p->val;

		if (!p->len || p->val[p->len - 1])
			return cell__err(h->ctx, -EINVAL,
					 "%s blob: /__fixups__/%s is not a list of strings",
					 what, p->name);
		for (pos = 0, idx = 0; pos < p->len; pos += strlen(v + pos) + 1, idx++) {
			size_t l = strlen(v + pos), pl, po, prl;
			const struct cell__dt_prop *q = NULL;
			struct cell__dt_node *n = NULL;
			uint32_t off;
			char name[256];

			if (!cell__dt_fixup_entry(v + pos, l, &pl, &po, &prl, &off) ||
			    off % 4 || prl >= sizeof(name))
				return cell__err(h->ctx, -EINVAL,
						 "%s blob: /__fixups__/%s entry %zu \"%s\" is not \"/path:property:offset\" with a 4-byte aligned offset",
						 what, p->name, idx, v + pos);
			memcpy(name, v + pos + po, prl);
			name[prl] = 0;
			n = fx_node(t, v + pos, pl);
			if (n)
				q = cell__dt_prop(n, name);
			if (!q || q->len < 4 || off > q->len - 4)
				return cell__err(h->ctx, -EINVAL,
						 "%s blob: /__fixups__/%s entry %zu \"%s\": %s",
						 what, p->name, idx, v + pos,
						 !n ? "no such node" : !q ? "no such property" :
						 "offset past the end of the property");
		}
	}
	return 0;
}

/* "path:prop:offset" for @n (malloc'ed; exact at any depth), NULL on OOM. */
static char *fx_entry(const struct cell__dt_node *n, const char *prop, uint32_t off)
{
	const struct cell__dt_node *a;
	size_t len = 0, at;
	char *e;

	for (a = n; a->parent; a = a->parent)
		len += 1 + strlen(a->name);
	at = len ? len : 1;
	e = malloc(at + strlen(prop) + 16);
	if (!e)
		return NULL;
	e[0] = '/';
	for (a = n; a->parent; a = a->parent) {
		size_t l = strlen(a->name);

		len -= l;
		memcpy(e + len, a->name, l);
		e[--len] = '/';
	}
	sprintf(e + at, ":%s:%u", prop, off);
	return e;
}

/* True when the string list @p holds @s. */
static bool strlist_has(const struct cell__dt_prop *p, const char *s)
{
	size_t pos;

	for (pos = 0; p && pos < p->len;
	     pos += strnlen((const char *)p->val + pos, p->len - pos) + 1)
		if (!strncmp((const char *)p->val + pos, s, p->len - pos))
			return true;
	return false;
}

/* Append entry @s to label @label of the inmate's /__fixups__ (created on
 * demand), unless already there. */
static int fx_add(struct ho *h, const char *label, const char *s)
{
	struct cell__dt_node *fx = cell__dt_child(h->it->root, "__fixups__");
	const struct cell__dt_prop *p;
	size_t l = strlen(s) + 1;
	uint8_t *v;
	int err;

	if (!fx && !(fx = cell__dt_new_child(h->it->root, "__fixups__")))
		return cell__err(h->ctx, -ENOMEM, "out of memory");
	p = cell__dt_prop(fx, label);
	if (strlist_has(p, s))
		return 0;
	v = malloc((p ? p->len : 0) + l);
	if (!v)
		return cell__err(h->ctx, -ENOMEM, "out of memory");
	if (p)
		memcpy(v, p->val, p->len);
	memcpy(v + (p ? p->len : 0), s, l);
	err = cell__dt_setprop(fx, label, v, (uint32_t)((p ? p->len : 0) + l));
	free(v);
	if (err)
		return cell__err(h->ctx, err, "out of memory");
	h->fx_moved++;
	return add_item(h, CELL_HANDOFF_ADDED_ALIAS, CELL_HANDOFF_TREE_INMATE, fx, label, s, 0);
}

/*
 * Host entries whose placeholder moved with a node follow it into the
 * inmate's /__fixups__ under the node's new path (the copy's properties
 * keep their layout: placeholders are never re-encoded). Run after the
 * graft and before the host is edited, so both paths still resolve.
 */
static int move_fixups(struct ho *h)
{
	struct cell__dt_node *fx = cell__dt_child(h->ht->root, "__fixups__");
	size_t k, pos;
	int err;

	for (k = 0; fx && k < fx->nprops; k++) {
		const struct cell__dt_prop *p = &fx->props[k];
		const char *v = (const char *)p->val;

		for (pos = 0; pos < p->len; pos += strlen(v + pos) + 1) {
			size_t l = strlen(v + pos), pl, po, prl;
			struct cell__dt_node *o, *c;
			const struct cell__dt_prop *q;
			char name[256], *e;
			uint32_t off;

			/* Checked on load. */
			cell__dt_fixup_entry(v + pos, l, &pl, &po, &prl, &off);
			memcpy(name, v + pos + po, prl);
			name[prl] = 0;
			o = fx_node(h->ht, v + pos, pl);
			if (!o || !(o->mark & M_MOVED) || !(c = copy_of(h, o)))
				continue;
			/* Gone when the drop policy removed the property. */
			q = cell__dt_prop(c, name);
			if (!q || q->len < 4 || off > q->len - 4)
				continue;
			e = fx_entry(c, name, off);
			if (!e)
				return cell__err(h->ctx, -ENOMEM, "out of memory");
			err = fx_add(h, p->name, e);
			free(e);
			if (err)
				return err;
		}
	}
	return 0;
}

/* @n's mirror under @t's /__local_fixups__; created on demand with @make. */
static struct cell__dt_node *lf_node(struct cell__dt_tree *t, const struct cell__dt_node *n,
				     bool make)
{
	struct cell__dt_node *m;

	if (!n->parent) {
		m = cell__dt_child(t->root, "__local_fixups__");
		return m || !make ? m : cell__dt_new_child(t->root, "__local_fixups__");
	}
	m = lf_node(t, n->parent, make);
	if (!m || cell__dt_child(m, n->name) || !make)
		return m ? cell__dt_child(m, n->name) : NULL;
	return cell__dt_new_child(m, n->name);
}

/*
 * Grafted placeholders are bounded by the host's local phandle offsets
 * (see cell__dt_prop_refs): when placeholders moved, give the inmate's
 * mirror the moved nodes' entries (offsets hold: placeholder-bearing
 * properties are rewritten in place) before its __local_fixups__ is
 * rebuilt from a schema walk. Runs before the host nodes are deleted.
 */
static int move_local_fixups(struct ho *h)
{
	size_t i, k;
	int err;

	if (!h->fx_moved)
		return 0;
	for (i = 0; i < h->npairs; i++) {
		struct cell__dt_node *m = lf_node(h->ht, h->pairs[i].orig, false), *d;

		if (!m || !m->nprops)
			continue;
		d = lf_node(h->it, h->pairs[i].copy, true);
		if (!d)
			return cell__err(h->ctx, -ENOMEM, "out of memory");
		for (k = 0; k < m->nprops; k++)
			if (cell__dt_prop(h->pairs[i].copy, m->props[k].name) &&
			    (err = cell__dt_setprop(d, m->props[k].name, m->props[k].val,
						    m->props[k].len)))
				return cell__err(h->ctx, err, "out of memory");
	}
	return 0;
}

/*
 * After the host edits: entries whose node was deleted or whose property
 * was dropped go; a label left without entries loses its property, and a
 * /__fixups__ emptied that way goes too. Disabled nodes keep theirs.
 */
static int prune_fixups(struct ho *h)
{
	struct cell__dt_node *fx = cell__dt_child(h->ht->root, "__fixups__");
	bool removed = false;
	size_t k, pos;
	int err;

	for (k = 0; fx && k < fx->nprops; k++) {
		struct cell__dt_prop *p = &fx->props[k];
		const char *v = (const char *)p->val;
		uint8_t *keep = malloc(p->len);
		char *label = strdup(p->name);
		uint32_t klen = 0;

		if (!keep || !label) {
			free(keep);
			free(label);
			return cell__err(h->ctx, -ENOMEM, "out of memory");
		}
		for (pos = 0; pos < p->len; pos += strlen(v + pos) + 1) {
			size_t l = strlen(v + pos), pl, po, prl;
			const struct cell__dt_prop *q = NULL;
			struct cell__dt_node *n;
			char name[256];
			uint32_t off;

			cell__dt_fixup_entry(v + pos, l, &pl, &po, &prl, &off);
			memcpy(name, v + pos + po, prl);
			name[prl] = 0;
			n = fx_node(h->ht, v + pos, pl);
			if (n)
				q = cell__dt_prop(n, name);
			if (q && q->len >= 4 && off <= q->len - 4) {
				memcpy(keep + klen, v + pos, l + 1);
				klen += (uint32_t)(l + 1);
			} else if ((err = add_item(h, CELL_HANDOFF_REMOVED_ALIAS,
						   CELL_HANDOFF_TREE_HOST, fx, label, v + pos, 0))) {
				free(keep);
				free(label);
				return err;
			}
		}
		err = 0;
		if (klen == 0) {
			cell__dt_delprop(fx, label);
			k--;
			removed = true;
		} else if (klen != p->len) {
			err = cell__dt_setprop(fx, label, keep, klen);
			removed = true;
		}
		free(keep);
		free(label);
		if (err)
			return cell__err(h->ctx, err, "out of memory");
	}
	if (fx && removed && !fx->nprops && !fx->nkids)
		cell__dt_delete(fx);
	return 0;
}

/* ---- host edits -------------------------------------------------------- */

static int edit_host(struct ho *h)
{
	size_t i;
	int err;

	/* Paths are resolved against the unedited host tree. */
	if ((err = follow_paths(h, "/aliases", true)) ||
	    (err = follow_paths(h, "/__symbols__", false)) ||
	    (err = fix_chosen(h)) ||
	    (err = scan_inbound(h, true)))
		return err;
	for (i = 0; i < h->ntops; i++) {
		struct cell__dt_node *top = h->tops[i];

		if ((h->flags & CELL_HANDOFF_DISABLE_HOST) || (top->mark & M_KEEP)) {
			if ((err = cell__dt_setprop_str(top, "status", "disabled")) ||
			    (err = add_item(h, CELL_HANDOFF_DISABLED_NODE,
					    CELL_HANDOFF_TREE_HOST, top, "status",
					    "disabled", 0)))
				return err;
		} else {
			if ((err = add_item(h, CELL_HANDOFF_REMOVED_NODE,
					    CELL_HANDOFF_TREE_HOST, top, NULL, NULL, 0)))
				return err;
			cell__dt_delete(top);
			h->tops[i] = NULL;
		}
	}
	return 0;
}

struct win {
	uint64_t base, size;
};

/* CPU windows of a root-level node: reg entries and, for PCI hosts, the
 * parent side of ranges. Entries that do not decode are skipped. */
static size_t windows(const struct cell__dt_node *n, struct win *w, size_t max)
{
	const struct cell__dt_node *root = n->parent;
	uint32_t ac = cell__dt_ac(root), sc = cell__dt_sc(root), i, e;
	const struct cell__dt_prop *p = cell__dt_prop(n, "reg");
	size_t cnt = 0;

	for (i = 0; p && (i + ac + sc) <= p->len / 4 && cnt < max; i += ac + sc)
		if (rd_num(p->val + 4 * i, ac, &w[cnt].base) &&
		    rd_num(p->val + 4 * (i + ac), sc, &w[cnt].size))
			cnt++;
	p = cell__dt_prop(n, "ranges");
	if (!p || !is_pci_host(n))
		return cnt;
	e = cell__dt_ac(n) + ac + cell__dt_sc(n);
	for (i = 0; (i + e) <= p->len / 4 && cnt < max; i += e)
		if (rd_num(p->val + 4 * (i + cell__dt_ac(n)), ac, &w[cnt].base) &&
		    rd_num(p->val + 4 * (i + cell__dt_ac(n) + ac), cell__dt_sc(n),
			   &w[cnt].size))
			cnt++;
	return cnt;
}

/* Grafted host bridge windows that overlap an inmate node's (warnings: the
 * cell configuration decides what is really mapped, e.g. Jailhouse's
 * virtual PCI host). */
static int check_overlap(struct ho *h)
{
	struct cell__dt_node *root = h->it->root;
	struct win gw[32], ow[32];
	size_t i, j, a, b, ng, no;
	int err;

	for (i = 0; i < root->nkids; i++) {
		struct cell__dt_node *g = root->kids[i];

		if (!is_copy(h, g))
			continue;
		ng = windows(g, gw, 32);
		for (j = 0; j < root->nkids; j++) {
			struct cell__dt_node *o = root->kids[j];
			char tgt[256];

			if (is_copy(h, o))
				continue;
			no = windows(o, ow, 32);
			for (a = 0; a < ng; a++)
				for (b = 0; b < no; b++) {
					if (!(gw[a].base < ow[b].base + ow[b].size &&
					      ow[b].base < gw[a].base + gw[a].size))
						continue;
					snprintf(tgt, sizeof(tgt), "0x%llx+0x%llx overlaps ",
						 (unsigned long long)gw[a].base,
						 (unsigned long long)gw[a].size);
					cell__dt_path(o, tgt + strlen(tgt),
						      sizeof(tgt) - strlen(tgt));
					if ((err = add_item(h, CELL_HANDOFF_OVERLAP,
							    CELL_HANDOFF_TREE_INMATE, g,
							    NULL, tgt, 0)))
						return err;
				}
		}
	}
	return 0;
}

/* ---- entry point ------------------------------------------------------ */

static int refuse(struct ho *h)
{
	char msg[768];
	size_t i, shown = 0, off;

	off = (size_t)snprintf(msg, sizeof(msg),
			       "%zu reference(s) cannot follow the handoff:",
			       h->res->unresolved);
	for (i = 0; i < h->res->nitems && shown < HO_MSG_PROBLEMS; i++) {
		const struct cell_handoff_item *it = &h->res->items[i];

		if (it->kind < CELL_HANDOFF_UNRESOLVED || it->resolved)
			continue;
		if (off < sizeof(msg))
			off += (size_t)snprintf(msg + off, sizeof(msg) - off,
						"%s %s %s -> %s", shown ? ";" : "",
						it->path, it->prop, it->target);
		shown++;
	}
	if (h->res->unresolved > shown && off < sizeof(msg))
		snprintf(msg + off, sizeof(msg) - off, "; and %zu more",
			 h->res->unresolved - shown);
	return cell__err(h->ctx, -EBUSY,
			 "%s (refused; policy flags drop-unresolved / disable-host / keep-shared-its, or a dry run for the full report)",
			 msg);
}

/* Phandles identify nodes only when unique: refuse trees that reuse one. */
static int unique_phandles(struct ho *h, const struct cell__dt_tree *t,
			   const char *what)
{
	struct cell__dt_node *n;
	uint32_t *v = NULL, *nv;
	size_t cnt = 0, cap = 0, i;
	int err = 0;

	/* The index saw every phandle go in: only a clash needs the sort,
	 * which names the lowest repeated number. */
	if (t->indexed && !t->ph_clash)
		return 0;
	for (n = t->root; n; n = cell__dt_next(n)) {
		uint32_t ph = cell__dt_phandle(n);

		if (!ph || ph == 0xffffffffu)
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 256;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				return cell__err(h->ctx, -ENOMEM, "out of memory");
			}
			v = nv;
		}
		v[cnt++] = ph;
	}
	if (cnt)
		qsort(v, cnt, sizeof(*v), cmp_u32);
	for (i = 1; i < cnt; i++)
		if (v[i] == v[i - 1]) {
			char a[256];

			cell__dt_path(cell__dt_by_phandle(t, v[i]), a, sizeof(a));
			err = cell__err(h->ctx, -EINVAL,
					"%s blob: phandle 0x%x is used by %s and another node",
					what, v[i], a);
			break;
		}
	free(v);
	return err;
}

/*
 * Bound every "#...-cells" count before anything decodes with it: a hostile
 * #address-cells of 2^20 would otherwise cost a million-cell loop per use
 * (found by fuzz_dt_handoff as a timeout). Limits: libfdt's FDT_MAX_NCELLS
 * (4) for addresses and sizes, Linux's MAX_PHANDLE_ARGS (16) for specifiers.
 */
static int check_cell_counts(struct ho *h, const struct cell__dt_node *n,
			     const char *what)
{
	size_t i, len;
	uint32_t v, max;
	char path[256];

	for (i = 0; i < n->nprops; i++) {
		const struct cell__dt_prop *p = &n->props[i];

		len = strlen(p->name);
		if (p->name[0] != '#' || len < 7 || strcmp(p->name + len - 6, "-cells"))
			continue;
		max = !strcmp(p->name, "#address-cells") ||
		      !strcmp(p->name, "#size-cells") ? 4 : 16;
		v = p->len == 4 ? cell__be32(p->val) : UINT32_MAX;
		if (v <= max)
			continue;
		cell__dt_path(n, path, sizeof(path));
		if (p->len != 4)
			return cell__err(h->ctx, -EINVAL, "%s blob: %s: %s is %u bytes, not one cell",
					 what, path, p->name, p->len);
		return cell__err(h->ctx, -EINVAL, "%s blob: %s: %s = %u (at most %u)",
				 what, path, p->name, v, max);
	}
	return 0;
}

/* Parse and vet one input; @ix: its index, when it comes from a cell_dt
 * (checked already), else NULL. */
static int load(struct ho *h, const void *blob, size_t size,
		const struct cell__fdt_index *ix, const char *what,
		struct cell__dt_tree **out)
{
	struct cell__fdt_index own;
	struct cell__dt_node *n;
	int err;

	if (!blob || size < sizeof(struct fdt_header) || size > HO_MAX_BLOB)
		return cell__err(h->ctx, -EINVAL, "%s blob: missing or bad size %zu",
				 what, size);
	err = ix ? 0 : cell__fdt_check_blob(blob, size, &own);
	if (err)
		return cell__err(h->ctx, -EINVAL, "%s blob: not a valid device tree: %s",
				 what, fdt_strerror(err));
	err = cell__dt_parse(h->ctx, blob, ix ? ix : &own, what, out);
	if (!ix)
		cell__fdt_index_free(&own);
	if (err)
		return err;
	for (n = (*out)->root; n; n = cell__dt_next(n)) {
		n->mark = 0;
		if ((err = check_cell_counts(h, n, what)))
			return err;
	}
	if ((err = check_fixups(h, *out, what)))
		return err;
	return unique_phandles(h, *out, what);
}

/* Offsets of a grafted node's schema-less phandle property. */
static const struct cell__dt_prop *extra_offs(void *arg, const struct cell__dt_node *n,
					      const char *prop)
{
	struct ho *h = arg;
	size_t i;

	for (i = 0; i < h->nextras; i++)
		if (h->extras[i].copy == n && !strcmp(h->extras[i].offs->name, prop))
			return h->extras[i].offs;
	return NULL;
}

static int finish_blob(struct ho *h, struct cell__dt_tree *t, const char *what,
		       void **blob, size_t *size)
{
	int err = 0;

	/* The inmate first: its extras point into the host's old mirror. */
	if ((t == h->it && h->lf_inmate) || (t == h->ht && h->lf_host))
		err = cell__dt_local_fixups_rebuild(t, t == h->it ? extra_offs : NULL, h);
	if (err)
		return cell__err(h->ctx, err, "out of memory rebuilding __local_fixups__");
	err = cell__dt_build(h->ctx, t, blob, size);

	if (err)
		return err;
	/* Guards the writer against itself: what it writes from a model is
	 * valid by construction, and the tests and fuzz targets check every
	 * output in full, so release builds keep only the O(1) header check
	 * (a full check was 15% of a large handoff). */
#ifdef NDEBUG
	err = fdt_check_header(*blob);
#else
	err = fdt_check_full(*blob, *size);
#endif
	if (err)
		return cell__err(h->ctx, -EFAULT, "internal error: new %s blob fails its check: %s",
				 what, fdt_strerror(err));
	return 0;
}

/* The handoff; @hix, @iix: the blobs' indexes when they come from cell_dt
 * handles, else NULL. */
static int handoff(cell_ctx *ctx, const void *host, size_t host_size,
		   const void *inmate, size_t inmate_size,
		   const struct cell__fdt_index *hix, const struct cell__fdt_index *iix,
		   const char *const *pcie_paths, size_t npaths,
		   const struct cell_handoff_opts *opts, cell_handoff **out)
{
	struct ho h;
	size_t i;
	int err;

	memset(&h, 0, sizeof(h));
	h.ctx = ctx;
	if (!out || (npaths && !pcie_paths))
		return cell__err(ctx, -EINVAL, "cell_dt_handoff: NULL argument");
	if (opts) {
		if (opts->size < 8)
			return cell__err(ctx, -EINVAL, "cell_handoff_opts.size %u too small",
					 opts->size);
		h.flags = opts->flags;
		if (h.flags & ~0xfu)
			return cell__err(ctx, -EINVAL, "unknown handoff flags 0x%x",
					 h.flags & ~0xfu);
	}
	h.res = calloc(1, sizeof(*h.res));
	if (!h.res)
		return cell__err(ctx, -ENOMEM, "out of memory");
	if ((err = load(&h, host, host_size, hix, "host", &h.ht)) ||
	    (err = load(&h, inmate, inmate_size, iix, "inmate", &h.it)) ||
	    (err = select_hosts(&h, pcie_paths, npaths)) ||
	    (err = select_its(&h)) ||
	    (err = setup_dest_gic(&h)))
		goto out;
	{
		struct cell__dt_node *n, *g = NULL;

		/* Host GIC: the moved ITS's parent, else the first GICv3. Every
		 * host GICv3 maps onto the destination GIC. */
		for (i = 0; i < h.ntops && !g; i++)
			if (h.tops[i]->mark & M_ITS)
				g = h.tops[i]->parent;
		for (n = h.ht->root; n && !g; n = cell__dt_next(n))
			if (is_gic3(n))
				g = n;
		h.h_icells = h.d_icells;
		if (g && (!cell__dt_u32(g, "#interrupt-cells", &h.h_icells) ||
			  !h.h_icells || h.h_icells > 8)) {
			err = cell__err(ctx, -EINVAL, "host tree: %s: bad or missing #interrupt-cells",
					path_of(&h, g));
			goto out;
		}
		/* Fresh numbers for every moved node that has a phandle, in host
		 * document order so the result does not depend on path order. */
		for (n = h.ht->root; n; n = cell__dt_next(n)) {
			uint32_t old = cell__dt_phandle(n), nv = 0;

			if (!(n->mark & M_MOVED) || !old)
				continue;
			if ((err = alloc_ph(&h, &nv)) || (err = map_add(&h, old, nv)))
				goto out;
		}
	}
	if ((err = build_copies(&h)) || (err = scan_inbound(&h, false)))
		goto out;
	for (i = 0; i < h.nmap; i++) {
		struct cell__dt_node *n = cell__dt_by_phandle(h.ht, h.map[i].old);
		size_t before = h.res->nitems;

		if ((err = add_item(&h, CELL_HANDOFF_RENUMBERED, CELL_HANDOFF_TREE_HOST,
				    n, "phandle", NULL, 0)))
			goto out;
		if (h.res->nitems > before) {
			h.res->items[before].old_phandle = h.map[i].old;
			h.res->items[before].new_phandle = h.map[i].new;
		}
	}
	if (h.res->unresolved && !(h.flags & CELL_HANDOFF_DRY_RUN)) {
		err = refuse(&h);
		goto out;
	}
	if ((err = graft(&h)) || (err = pci_domains(&h)) || (err = move_fixups(&h)) ||
	    (err = move_local_fixups(&h)) || (err = edit_host(&h)) ||
	    (err = prune_fixups(&h)) || (err = check_overlap(&h)))
		goto out;
	h.lf_host = cell__dt_lookup(h.ht, "/__local_fixups__") != NULL;
	/* An inmate gaining placeholders also gains the exact phandle list
	 * (when the host had one) that bounds the entries around them. */
	h.lf_inmate = cell__dt_lookup(h.it, "/__local_fixups__") != NULL ||
		      (h.lf_host && h.fx_moved);
	if (!(h.flags & CELL_HANDOFF_DRY_RUN) &&
	    ((err = finish_blob(&h, h.it, "inmate", &h.res->inmate_blob,
				&h.res->inmate_size)) ||
	     (err = finish_blob(&h, h.ht, "host", &h.res->host_blob, &h.res->host_size))))
		goto out;
	*out = h.res;
	h.res = NULL;
out:
	/* Copies not grafted (refusal, error) are still owned by the pairs. */
	for (i = 0; i < h.npairs; i++)
		if (h.pairs[i].top && !h.pairs[i].copy->parent)
			cell__dt_node_free(h.pairs[i].copy);
	cell_handoff_free(h.res);
	cell__dt_free(h.ht);
	cell__dt_free(h.it);
	free(h.tops);
	free(h.map);
	free(h.pairs);
	free(h.extras);
	return err;
}

int cell_dt_handoff(cell_ctx *ctx, const void *host, size_t host_size,
		    const void *inmate, size_t inmate_size,
		    const char *const *pcie_paths, size_t npaths,
		    const struct cell_handoff_opts *opts, cell_handoff **out)
{
	return handoff(ctx, host, host_size, inmate, inmate_size, NULL, NULL,
		       pcie_paths, npaths, opts, out);
}

int cell_dt_handoff_trees(cell_ctx *ctx, const cell_dt *host, const cell_dt *inmate,
			  const char *const *pcie_paths, size_t npaths,
			  const struct cell_handoff_opts *opts, cell_handoff **out)
{
	if (!host || !inmate)
		return cell__err(ctx, -EINVAL, "cell_dt_handoff_trees: NULL argument");
	return handoff(ctx, host->blob, host->size, inmate->blob, inmate->size,
		       &host->ix, &inmate->ix, pcie_paths, npaths, opts, out);
}

/* ---- result accessors -------------------------------------------------- */

void cell_handoff_free(cell_handoff *h)
{
	if (!h)
		return;
	free(h->host_blob);
	free(h->inmate_blob);
	free(h->items);
	free(h);
}

const void *cell_handoff_host_blob(const cell_handoff *h, size_t *size)
{
	if (size)
		*size = h ? h->host_size : 0;
	return h ? h->host_blob : NULL;
}

const void *cell_handoff_inmate_blob(const cell_handoff *h, size_t *size)
{
	if (size)
		*size = h ? h->inmate_size : 0;
	return h ? h->inmate_blob : NULL;
}

size_t cell_handoff_count(const cell_handoff *h)
{
	return h ? h->nitems : 0;
}

size_t cell_handoff_unresolved(const cell_handoff *h)
{
	return h ? h->unresolved : 0;
}

int cell_handoff_get(const cell_handoff *h, size_t idx,
		     struct cell_handoff_item *out)
{
	if (!h || !out)
		return -EINVAL;
	if (idx >= h->nitems)
		return -ERANGE;
	*out = h->items[idx];
	return 0;
}

const char *cell_handoff_kind_name(uint32_t kind)
{
	switch (kind) {
	case CELL_HANDOFF_MOVED_NODE:
		return "moved-node";
	case CELL_HANDOFF_REMOVED_NODE:
		return "removed-node";
	case CELL_HANDOFF_DISABLED_NODE:
		return "disabled-node";
	case CELL_HANDOFF_REWROTE_PROP:
		return "rewrote-property";
	case CELL_HANDOFF_DROPPED_PROP:
		return "dropped-property";
	case CELL_HANDOFF_ADDED_PROP:
		return "added-property";
	case CELL_HANDOFF_RENUMBERED:
		return "renumbered-phandle";
	case CELL_HANDOFF_REMOVED_ALIAS:
		return "removed-path-reference";
	case CELL_HANDOFF_ADDED_ALIAS:
		return "added-path-reference";
	case CELL_HANDOFF_OVERLAP:
		return "window-overlap";
	case CELL_HANDOFF_UNRESOLVED:
		return "unresolved-reference";
	case CELL_HANDOFF_INBOUND:
		return "inbound-reference";
	case CELL_HANDOFF_UNDECODABLE:
		return "undecodable-property";
	default:
		return "unknown";
	}
}

int cell_handoff_report_json(cell_ctx *ctx, const cell_handoff *h, char **out)
{
	json_t *root, *acts, *probs;
	size_t i;
	char *txt;
	int err = 0;

	if (!h || !out)
		return cell__err(ctx, -EINVAL, "cell_handoff_report_json: NULL argument");
	root = json_object();
	acts = json_array();
	probs = json_array();
	if (!root || !acts || !probs) {
		json_decref(root);
		json_decref(acts);
		json_decref(probs);
		return cell__err(ctx, -ENOMEM, "out of memory");
	}
	json_object_set_new(root, "actions", acts);
	json_object_set_new(root, "problems", probs);
	json_object_set_new(root, "unresolved", json_integer((json_int_t)h->unresolved));
	for (i = 0; i < h->nitems && !err; i++) {
		const struct cell_handoff_item *it = &h->items[i];
		json_t *o = json_object();

		if (!o) {
			err = -ENOMEM;
			break;
		}
		json_object_set_new(o, "kind", json_string(cell_handoff_kind_name(it->kind)));
		json_object_set_new(o, "tree", json_string(it->tree == CELL_HANDOFF_TREE_HOST ?
							   "host" : "inmate"));
		json_object_set_new(o, "path", json_string(it->path));
		if (it->prop[0])
			json_object_set_new(o, "property", json_string(it->prop));
		if (it->target[0])
			json_object_set_new(o, it->kind == CELL_HANDOFF_MOVED_NODE ? "new_path" :
					       it->kind >= CELL_HANDOFF_UNRESOLVED ? "target" :
					       "detail", json_string(it->target));
		if (it->kind == CELL_HANDOFF_RENUMBERED) {
			json_object_set_new(o, "old", json_integer(it->old_phandle));
			json_object_set_new(o, "new", json_integer(it->new_phandle));
		}
		if (it->kind >= CELL_HANDOFF_UNRESOLVED)
			json_object_set_new(o, "resolved_by_policy", json_boolean(it->resolved));
		if (json_array_append_new(it->kind >= CELL_HANDOFF_UNRESOLVED ? probs : acts, o))
			err = -ENOMEM;
	}
	txt = err ? NULL : json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!txt)
		return cell__err(ctx, -ENOMEM, "out of memory");
	*out = txt;
	return 0;
}

int cell_handoff_save(cell_ctx *ctx, const cell_handoff *h,
		      const char *host_path, const char *inmate_path)
{
	int err = 0;

	if (!h || !h->host_blob)
		return cell__err(ctx, -EINVAL, "cell_handoff_save: no blobs (NULL or dry-run result)");
	if (host_path)
		err = cell__write_file_atomic(ctx, host_path, h->host_blob, h->host_size);
	if (!err && inmate_path)
		err = cell__write_file_atomic(ctx, inmate_path, h->inmate_blob,
					      h->inmate_size);
	return err;
}
