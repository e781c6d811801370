/* SPDX-License-Identifier: BSD-2-Clause */
/* Schema of phandle-bearing properties (see dt_refs.h). */
#include <stdlib.h>
#include <string.h>

#include "refs.h"

/* Bound on interrupt-parent hops (catches loops in bad trees). */
#define DT_MAX_IRQ_HOPS 64

enum ref_kind {
	REF_LIST,	/* every cell is a phandle */
	REF_CELLS,	/* phandle + target's #<x>-cells arguments, repeated */
	REF_FIXED,	/* phandle + a fixed number of arguments, repeated */
	REF_FIRST,	/* first cell is a phandle, the rest are arguments */
	REF_MAP,	/* msi-map/iommu-map: (id, phandle, out-id, length) */
	REF_IMAP,	/* interrupt-map */
};

struct ref_rule {
	const char *name;	/* exact name, or suffix when it starts with '*' */
	size_t len;		/* strlen(name), compared before the bytes */
	enum ref_kind kind;
	const char *cells;	/* REF_CELLS: "#<x>-cells" on the target */
	uint32_t args;		/* REF_FIXED arguments; REF_CELLS default */
	bool has_default;	/* REF_CELLS: absent cells property = args */
};

/* Rules are matched against every property of a tree: lengths first. */
#define RULE(name, ...) { name, sizeof(name) - 1, __VA_ARGS__ }

static const struct ref_rule rules[] = {
	RULE("interrupt-parent", REF_LIST, NULL, 0, false),
	RULE("interrupts-extended", REF_CELLS, "#interrupt-cells", 0, false),
	RULE("interrupt-map", REF_IMAP, NULL, 0, false),
	RULE("msi-parent", REF_CELLS, "#msi-cells", 0, true),
	RULE("msi-map", REF_MAP, NULL, 0, false),
	RULE("iommu-map", REF_MAP, NULL, 0, false),
	RULE("iommus", REF_CELLS, "#iommu-cells", 0, false),
	RULE("clocks", REF_CELLS, "#clock-cells", 0, false),
	RULE("assigned-clocks", REF_CELLS, "#clock-cells", 0, false),
	RULE("assigned-clock-parents", REF_CELLS, "#clock-cells", 0, false),
	RULE("resets", REF_CELLS, "#reset-cells", 0, false),
	RULE("phys", REF_CELLS, "#phy-cells", 0, false),
	RULE("power-domains", REF_CELLS, "#power-domain-cells", 0, false),
	RULE("dmas", REF_CELLS, "#dma-cells", 0, false),
	RULE("mboxes", REF_CELLS, "#mbox-cells", 0, false),
	RULE("pwms", REF_CELLS, "#pwm-cells", 0, false),
	RULE("io-channels", REF_CELLS, "#io-channel-cells", 0, false),
	RULE("interconnects", REF_CELLS, "#interconnect-cells", 0, false),
	RULE("thermal-sensors", REF_CELLS, "#thermal-sensor-cells", 0, false),
	RULE("cooling-device", REF_CELLS, "#cooling-cells", 0, false),
	RULE("sound-dai", REF_CELLS, "#sound-dai-cells", 0, false),
	RULE("hwlocks", REF_CELLS, "#hwlock-cells", 0, false),
	RULE("gpios", REF_CELLS, "#gpio-cells", 0, false),
	RULE("*-gpios", REF_CELLS, "#gpio-cells", 0, false),
	RULE("*-gpio", REF_CELLS, "#gpio-cells", 0, false),
	RULE("gpio-ranges", REF_FIXED, NULL, 3, false),
	RULE("memory-region", REF_LIST, NULL, 0, false),
	RULE("nvmem-cells", REF_LIST, NULL, 0, false),
	RULE("interrupt-affinity", REF_LIST, NULL, 0, false),
	RULE("cpu", REF_LIST, NULL, 0, false),
	RULE("cpus", REF_LIST, NULL, 0, false),
	RULE("cpu-idle-states", REF_LIST, NULL, 0, false),
	RULE("operating-points-v2", REF_LIST, NULL, 0, false),
	RULE("next-level-cache", REF_LIST, NULL, 0, false),
	RULE("remote-endpoint", REF_LIST, NULL, 0, false),
	RULE("trip", REF_LIST, NULL, 0, false),
	RULE("sram", REF_LIST, NULL, 0, false),
	RULE("sfp", REF_LIST, NULL, 0, false),
	RULE("ethernet", REF_LIST, NULL, 0, false),
	RULE("phy", REF_LIST, NULL, 0, false),
	RULE("*-handle", REF_LIST, NULL, 0, false),
	RULE("*-supply", REF_LIST, NULL, 0, false),
	RULE("snps,axi-config", REF_LIST, NULL, 0, false),
	RULE("syscon", REF_FIRST, NULL, 0, false),
	RULE("*-syscon", REF_FIRST, NULL, 0, false),
	RULE("ti,syscon-pcie-ctrl", REF_FIRST, NULL, 0, false),
	RULE("*,grf", REF_FIRST, NULL, 0, false),
	RULE("*-grf", REF_FIRST, NULL, 0, false),
};

static bool suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a > b && !strcmp(s + a - b, suf);
}

#define NRULES (sizeof(rules) / sizeof(rules[0]))

/* pinctrl-0, pinctrl-1, ...: lists of pin configuration phandles. */
static const struct ref_rule pinctrl = RULE("pinctrl-N", REF_LIST, NULL, 0, false);

static const struct ref_rule *rule_for(const char *name)
{
	size_t i, len;

	if (!strncmp(name, "pinctrl-", 8) && name[8] &&
	    strspn(name + 8, "0123456789") == strlen(name + 8))
		return &pinctrl;
	/* GPIO counts, not references ("nr-gpios", "snps,nr-gpios"). */
	if (!strcmp(name, "nr-gpios") || suffix(name, ",nr-gpios"))
		return NULL;
	len = strlen(name);
	for (i = 0; i < NRULES; i++) {
		const struct ref_rule *r = &rules[i];

		if (r->name[0] == '*') {
			if (len >= r->len && name[len - 1] == r->name[r->len - 1] &&
			    !memcmp(name + len - (r->len - 1), r->name + 1, r->len - 1))
				return r;
		} else if (len == r->len && name[0] == r->name[0] &&
			   !memcmp(name, r->name, len)) {
			return r;
		}
	}
	return NULL;
}

/*
 * rule_for() of @p's name, remembered in @p and, for a name borrowed from
 * an input blob (so many properties share its pointer), in @t: caches,
 * so neither is really const.
 */
/* A rule as the model keeps it (struct cell__dt_prop's rule), and back. */
static uint16_t rule_num(const struct ref_rule *r)
{
	return !r ? 0 : r == &pinctrl ? (uint16_t)(NRULES + 1) : (uint16_t)(r - rules + 1);
}

static const struct ref_rule *rule_of(uint16_t num)
{
	return !num ? NULL : num > NRULES ? &pinctrl : &rules[num - 1];
}

static const struct ref_rule *prop_rule(const struct cell__dt_tree *t,
					const struct cell__dt_prop *p)
{
	struct cell__dt_prop *m = (struct cell__dt_prop *)p;
	struct cell__dt_rule_memo *e;

	if (p->rule_known)
		return rule_of(p->rule);
	if (p->own & CELL__DT_OWN_NAME) {
		m->rule = rule_num(rule_for(p->name));
	} else {
		e = (struct cell__dt_rule_memo *)
		    &t->rule_memo[((uintptr_t)p->name * 0x9e3779b97f4a7c15ull) >> 56];
		if (e->name != p->name) {
			e->rule = rule_num(rule_for(p->name));
			e->name = p->name;
		}
		m->rule = e->rule;
	}
	m->rule_known = true;
	return rule_of(p->rule);
}

bool cell__dt_is_ref_prop(const char *name)
{
	return rule_for(name) != NULL;
}

bool cell__dt_is_meta(const struct cell__dt_node *n)
{
	for (; n && n->parent; n = n->parent)
		if (!n->parent->parent && (n->name[0] == '_' || n->name[0] == 'a') &&
		    (!strcmp(n->name, "__symbols__") || !strcmp(n->name, "__fixups__") ||
		     !strcmp(n->name, "__local_fixups__") || !strcmp(n->name, "aliases")))
			return true;
	return false;
}

/* ---- __fixups__ ------------------------------------------------------- */

bool cell__dt_fixup_entry(const char *s, size_t len, size_t *path_len,
			  size_t *prop_off, size_t *prop_len, uint32_t *offset)
{
	const char *c1 = memchr(s, ':', len), *c2;
	uint64_t v = 0;
	size_t i;

	/* Node and property names cannot contain ':', so the first two
	 * colons delimit the fields. */
	if (!c1 || c1 == s || s[0] != '/')
		return false;
	c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - s));
	if (!c2 || c2 == c1 + 1 || c2 + 1 == s + len)
		return false;
	for (i = (size_t)(c2 + 1 - s); i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*path_len = (size_t)(c1 - s);
	*prop_off = *path_len + 1;
	*prop_len = (size_t)(c2 - c1 - 1);
	*offset = (uint32_t)v;
	return true;
}

bool cell__dt_path_is(const struct cell__dt_node *n, const char *s, size_t len)
{
	if (!n->parent)
		return len == 1 && s[0] == '/';
	for (; n->parent; n = n->parent) {
		size_t l = strlen(n->name);

		if (len < l + 1 || s[len - l - 1] != '/' || memcmp(s + len - l, n->name, l))
			return false;
		len -= l + 1;
	}
	return len == 0;
}

int cell__dt_ext_cells(const struct cell__dt_tree *t, const struct cell__dt_node *n,
		       const char *prop, struct cell__dt_ext **out, size_t *count)
{
	const struct cell__dt_node *fx = cell__dt_child(t->root, "__fixups__");
	struct cell__dt_ext *e = NULL, *ne;
	size_t cnt = 0, k, pos, plen = strlen(prop);

	*out = NULL;
	*count = 0;
	for (k = 0; fx && k < fx->nprops; k++) {
		const struct cell__dt_prop *p = &fx->props[k];
		const char *v = (const char *)p->val;

		for (pos = 0; pos < p->len; pos += strnlen(v + pos, p->len - pos) + 1) {
			size_t l = strnlen(v + pos, p->len - pos), pl, po, prl;
			uint32_t off;

			if (!cell__dt_fixup_entry(v + pos, l, &pl, &po, &prl, &off) ||
			    off % 4 || prl != plen || memcmp(v + pos + po, prop, plen) ||
			    !cell__dt_path_is(n, v + pos, pl))
				continue;
			ne = realloc(e, (cnt + 1) * sizeof(*ne));
			if (!ne) {
				free(e);
				return -ENOMEM;
			}
			e = ne;
			e[cnt].cell = off / 4;
			e[cnt++].label = p->name;
		}
	}
	*out = e;
	*count = cnt;
	return 0;
}

/* Placeholder cells of the property being decoded. */
struct extset {
	struct cell__dt_ext *e;
	size_t n;
};

static bool ext_has(const struct extset *x, uint32_t cell)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		if (x->e[i].cell == cell)
			return true;
	return false;
}

/*
 * Arguments after the placeholder at cell @i of a phandle + #<x>-cells list:
 * the target (and its #<x>-cells) is outside the tree, so the entry ends at
 * the next cell known to be a phandle: another placeholder or, when the
 * tree has __local_fixups__ (then every local phandle is listed), a local
 * one. Without __local_fixups__ only a following placeholder or the end of
 * the property bounds it.
 */
static int ext_args(const struct cell__dt_tree *t, const struct cell__dt_node *n,
		    const struct cell__dt_prop *p, const struct extset *x, uint32_t i,
		    uint32_t ncells, uint32_t *args, const char **why)
{
	const struct cell__dt_prop *lf = NULL;
	bool exact = cell__dt_child(t->root, "__local_fixups__") != NULL;
	uint32_t next = ncells, k;

	for (k = 0; k < x->n; k++)
		if (x->e[k].cell > i && x->e[k].cell < next)
			next = x->e[k].cell;
	if (exact)
		lf = cell__dt_local_fixup(t, n, p->name);
	for (k = 0; lf && k + 4 <= lf->len; k += 4) {
		uint32_t off = cell__be32(lf->val + k);

		if (!(off % 4) && off / 4 > i && off / 4 < next)
			next = off / 4;
	}
	if (!exact && next != i + 1 && i + 1 != ncells) {
		*why = "entry width after an unresolved label reference (__fixups__) is unknown without __local_fixups__";
		return -EINVAL;
	}
	*args = next - i - 1;
	return 0;
}

static int emit(const struct cell__dt_tree *t, struct cell__dt_node *n,
		const struct cell__dt_prop *p, uint32_t cell,
		cell__dt_ref_fn fn, void *arg, struct cell__dt_node **target,
		const struct extset *x)
{
	struct cell__dt_ref r;

	/* A placeholder for a label outside the tree is not a phandle here. */
	if (ext_has(x, cell)) {
		*target = NULL;
		return 0;
	}
	r.node = n;
	r.prop = p->name;
	r.cell = cell;
	r.phandle = cell__be32(p->val + 4 * cell);
	r.target = cell__dt_by_phandle(t, r.phandle);
	*target = r.target;
	return fn(arg, &r);
}

/*
 * Decode an interrupt-map; on -EINVAL the entries before the bad one are
 * still returned and *@bad is the cell of the bad entry's phandle (or
 * UINT32_MAX when the failure is not about one entry's parent).
 */
static int imap_decode(const struct cell__dt_tree *t,
		       const struct cell__dt_node *n,
		       struct cell__dt_imap_ent **out, size_t *count,
		       const char **why, uint32_t *bad, const struct extset *x)
{
	const struct cell__dt_prop *p = cell__dt_prop(n, "interrupt-map");
	struct cell__dt_imap_ent *ents = NULL;
	uint32_t ncells, off = 0, ci, child;
	size_t cnt = 0, cap = 0;

	*out = NULL;
	*count = 0;
	*bad = UINT32_MAX;
	if (!p)
		return 0;
	if (p->len % 4) {
		*why = "length is not a multiple of 4";
		return -EINVAL;
	}
	if (!cell__dt_u32(n, "#interrupt-cells", &ci)) {
		*why = "node has no #interrupt-cells";
		return -EINVAL;
	}
	child = cell__dt_ac(n) + ci;
	ncells = p->len / 4;
	while (off < ncells) {
		struct cell__dt_imap_ent e;
		uint32_t v;

		if (off + child + 1 > ncells) {
			*why = "truncated entry";
			goto bad;
		}
		e.off = off;
		e.child = child;
		e.phandle = cell__be32(p->val + 4 * (off + child));
		e.parent = cell__dt_by_phandle(t, e.phandle);
		if (!e.parent) {
			*why = ext_has(x, off + child) ?
				"interrupt parent is an unresolved label reference (__fixups__)" :
				"entry names a phandle no node has";
			*bad = off + child;
			goto bad;
		}
		e.pa = cell__dt_u32(e.parent, "#address-cells", &v) ? v : 0;
		if (!cell__dt_u32(e.parent, "#interrupt-cells", &e.pi)) {
			*why = "interrupt parent has no #interrupt-cells";
			goto bad;
		}
		if (e.pa > 4 || e.pi > 8 || off + child + 1 + e.pa + e.pi > ncells) {
			*why = "truncated entry";
			goto bad;
		}
		if (cnt == cap) {
			size_t nc = cap ? cap * 2 : 8;
			struct cell__dt_imap_ent *ne = realloc(ents, nc * sizeof(*ne));

			if (!ne) {
				free(ents);
				return -ENOMEM;
			}
			ents = ne;
			cap = nc;
		}
		ents[cnt++] = e;
		off += child + 1 + e.pa + e.pi;
	}
	*out = ents;
	*count = cnt;
	return 0;
bad:
	*out = ents;
	*count = cnt;
	return -EINVAL;
}

int cell__dt_imap_parse(const struct cell__dt_tree *t,
			const struct cell__dt_node *n,
			struct cell__dt_imap_ent **out, size_t *count,
			const char **why)
{
	struct extset x = { NULL, 0 };
	uint32_t bad;
	int ret = cell__dt_ext_cells(t, n, "interrupt-map", &x.e, &x.n);

	if (ret) {
		*out = NULL;
		*count = 0;
		return ret;
	}
	ret = imap_decode(t, n, out, count, why, &bad, &x);
	free(x.e);
	if (ret) {
		free(*out);
		*out = NULL;
		*count = 0;
	}
	return ret;
}

static int prop_refs(const struct cell__dt_tree *t, struct cell__dt_node *n,
		     const struct cell__dt_prop *p, const struct ref_rule *r,
		     const struct extset *x, cell__dt_ref_fn fn, void *arg,
		     const char **why);

int cell__dt_prop_refs(const struct cell__dt_tree *t, struct cell__dt_node *n,
		       const struct cell__dt_prop *p, cell__dt_ref_fn fn,
		       void *arg, const char **why)
{
	const struct ref_rule *r = prop_rule(t, p);
	struct extset x = { NULL, 0 };
	int ret;

	if (!r)
		return 0;
	if (p->len % 4) {
		*why = "length is not a multiple of 4";
		return -EINVAL;
	}
	if (cell__dt_ext_cells(t, n, p->name, &x.e, &x.n))
		return -ENOMEM;
	ret = prop_refs(t, n, p, r, &x, fn, arg, why);
	free(x.e);
	return ret;
}

static int prop_refs(const struct cell__dt_tree *t, struct cell__dt_node *n,
		     const struct cell__dt_prop *p, const struct ref_rule *r,
		     const struct extset *x, cell__dt_ref_fn fn, void *arg,
		     const char **why)
{
	struct cell__dt_node *tgt;
	uint32_t ncells = p->len / 4, i, args;
	int ret;

	switch (r->kind) {
	case REF_LIST:
		for (i = 0; i < ncells; i++)
			if ((ret = emit(t, n, p, i, fn, arg, &tgt, x)))
				return ret;
		return 0;
	case REF_FIRST:
		return ncells ? emit(t, n, p, 0, fn, arg, &tgt, x) : 0;
	case REF_MAP:
		if (ncells % 4) {
			*why = "entries are not 4 cells";
			return -EINVAL;
		}
		for (i = 0; i < ncells; i += 4)
			if ((ret = emit(t, n, p, i + 1, fn, arg, &tgt, x)))
				return ret;
		return 0;
	case REF_FIXED:
		for (i = 0; i < ncells; i += 1 + r->args) {
			if (i + 1 + r->args > ncells) {
				*why = "truncated entry";
				return -EINVAL;
			}
			if ((ret = emit(t, n, p, i, fn, arg, &tgt, x)))
				return ret;
		}
		return 0;
	case REF_CELLS:
		for (i = 0; i < ncells; i += 1 + args) {
			/* Phandle 0 is an empty slot (e.g. an unused GPIO). */
			if (!cell__be32(p->val + 4 * i)) {
				args = 0;
				continue;
			}
			if (ext_has(x, i)) {
				if ((ret = ext_args(t, n, p, x, i, ncells, &args, why)))
					return ret;
				continue;
			}
			if ((ret = emit(t, n, p, i, fn, arg, &tgt, x)))
				return ret;
			if (!tgt) {
				*why = "target missing, entry width unknown";
				return -EINVAL;
			}
			if (!cell__dt_u32(tgt, r->cells, &args)) {
				if (!r->has_default) {
					*why = "target lacks its #<x>-cells property";
					return -EINVAL;
				}
				args = r->args;
			}
			if (args > 16 || i + 1 + args > ncells) {
				*why = "truncated entry";
				return -EINVAL;
			}
		}
		return 0;
	case REF_IMAP: {
		struct cell__dt_imap_ent *e;
		size_t cnt, k;
		uint32_t bad;
		int err = imap_decode(t, n, &e, &cnt, why, &bad, x);

		if (err == -ENOMEM)
			return err;
		/* Entries before a bad one, and the bad one's phandle, are
		 * still reported so a missing parent is named. */
		for (k = 0, ret = 0; k < cnt && !ret; k++)
			ret = emit(t, n, p, e[k].off + e[k].child, fn, arg, &tgt, x);
		free(e);
		if (!ret && bad != UINT32_MAX)
			ret = emit(t, n, p, bad, fn, arg, &tgt, x);
		return ret ? ret : err;
	}
	}
	return 0;
}

struct cell__dt_node *cell__dt_irq_parent(const struct cell__dt_tree *t,
					  const struct cell__dt_node *n,
					  uint32_t *phandle)
{
	const struct cell__dt_node *c = n;
	struct cell__dt_node *p;
	uint32_t ph = 0, hops;

	for (hops = 0; hops < DT_MAX_IRQ_HOPS; hops++) {
		if (cell__dt_u32(c, "interrupt-parent", &ph))
			p = cell__dt_by_phandle(t, ph);
		else
			p = c->parent;
		if (!p)
			break;
		if (cell__dt_prop(p, "#interrupt-cells")) {
			if (phandle)
				*phandle = cell__dt_phandle(p);
			return p;
		}
		c = p;
	}
	if (phandle)
		*phandle = ph;
	return NULL;
}

/* ---- __local_fixups__ ------------------------------------------------- */

/* Mirror of @n under /__local_fixups__ in @t, NULL when none. */
static struct cell__dt_node *lf_mirror(const struct cell__dt_tree *t,
				       const struct cell__dt_node *n)
{
	const struct cell__dt_node *chain[64];
	struct cell__dt_node *m = cell__dt_child(t->root, "__local_fixups__");
	size_t depth = 0;

	for (; n && n->parent && depth < 64; n = n->parent)
		chain[depth++] = n;
	while (m && depth--)
		m = cell__dt_child(m, chain[depth]->name);
	return m;
}

const struct cell__dt_prop *cell__dt_local_fixup(const struct cell__dt_tree *t,
						 const struct cell__dt_node *n,
						 const char *prop)
{
	struct cell__dt_node *m = lf_mirror(t, n);

	return m ? cell__dt_prop(m, prop) : NULL;
}

int cell__dt_fixup_refs(const struct cell__dt_tree *t, struct cell__dt_node *n,
			const struct cell__dt_prop *p, cell__dt_ref_fn fn, void *arg)
{
	const struct cell__dt_prop *f;
	struct cell__dt_node *tgt;
	struct extset x = { NULL, 0 };
	uint32_t i;
	int ret = 0;

	if (prop_rule(t, p) || !(f = cell__dt_local_fixup(t, n, p->name)))
		return 0;
	if (f->len % 4)
		return -EINVAL;
	if (cell__dt_ext_cells(t, n, p->name, &x.e, &x.n))
		return -ENOMEM;
	for (i = 0; i < f->len / 4 && !ret; i++) {
		uint32_t off = cell__be32(f->val + 4 * i);

		if (off % 4 || off + 4 > p->len)
			ret = -EINVAL;
		else
			ret = emit(t, n, p, off / 4, fn, arg, &tgt, &x);
	}
	free(x.e);
	return ret;
}

struct lf_build {
	struct cell__dt_node *root;	/* new __local_fixups__ */
	uint8_t *offs;
	uint32_t len, cap;
	bool oom;
};

static int lf_cb(void *arg, const struct cell__dt_ref *r)
{
	struct lf_build *b = arg;

	if (!r->target)
		return 0;
	if (b->len + 4 > b->cap) {
		uint32_t cap = b->cap ? b->cap * 2 : 64;
		uint8_t *n = realloc(b->offs, cap);

		if (!n) {
			b->oom = true;
			return 1;
		}
		b->offs = n;
		b->cap = cap;
	}
	cell__put_be32(b->offs + b->len, 4 * r->cell);
	b->len += 4;
	return 0;
}

/* Mirror of @n under @root, created on demand. */
static struct cell__dt_node *lf_make(struct cell__dt_node *root,
				     const struct cell__dt_node *n)
{
	struct cell__dt_node *p, *m;

	if (!n->parent)
		return root;
	p = lf_make(root, n->parent);
	if (!p)
		return NULL;
	m = cell__dt_child(p, n->name);
	return m ? m : cell__dt_new_child(p, n->name);
}

int cell__dt_local_fixups_rebuild(struct cell__dt_tree *t, cell__dt_extra_fn extra,
				  void *arg)
{
	struct cell__dt_node *old = cell__dt_child(t->root, "__local_fixups__");
	struct cell__dt_node proto = { 0 };
	struct lf_build b = { 0 };
	struct cell__dt_node *n;
	size_t k;
	int err = 0;

	proto.name = (char *)"__local_fixups__";
	b.root = cell__dt_clone(&proto);
	if (!b.root)
		return -ENOMEM;
	for (n = t->root; n && !err; n = cell__dt_next(n)) {
		if (cell__dt_is_meta(n))
			continue;
		for (k = 0; k < n->nprops && !err; k++) {
			const struct cell__dt_prop *p = &n->props[k], *x;
			const char *why;

			b.len = 0;
			if (prop_rule(t, p)) {
				cell__dt_prop_refs(t, n, p, lf_cb, &b, &why);
			} else {
				x = extra ? extra(arg, n, p->name) : NULL;
				if (!x)
					x = cell__dt_local_fixup(t, n, p->name);
				if (x && x->len) {
					if (x->len > b.cap) {
						uint8_t *nb = realloc(b.offs, x->len);

						if (!nb) {
							err = -ENOMEM;
							break;
						}
						b.offs = nb;
						b.cap = x->len;
					}
					memcpy(b.offs, x->val, x->len);
					b.len = x->len;
				}
			}
			if (b.oom) {
				err = -ENOMEM;
			} else if (b.len) {
				struct cell__dt_node *m = lf_make(b.root, n);

				err = m ? cell__dt_setprop(m, p->name, b.offs, b.len) : -ENOMEM;
			}
		}
	}
	free(b.offs);
	if (err) {
		cell__dt_node_free(b.root);
		return err;
	}
	if (old)
		cell__dt_delete(old);
	err = cell__dt_add_child(t->root, b.root);
	if (err)
		cell__dt_node_free(b.root);
	return err;
}
