/* SPDX-License-Identifier: BSD-2-Clause */
/* In-memory device tree: parse, edit, serialise (see dt_tree.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "tree.h"

/* Nesting limit while parsing: deeper trees are refused, not recursed. */
#define DT_MAX_DEPTH 64

void cell__dt_node_free(struct cell__dt_node *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->nkids; i++)
		cell__dt_node_free(n->kids[i]);
	for (i = 0; i < n->nprops; i++) {
		free(n->props[i].name);
		free(n->props[i].val);
	}
	free(n->props);
	free(n->kids);
	free(n->name);
	free(n);
}

void cell__dt_free(struct cell__dt_tree *t)
{
	if (!t)
		return;
	cell__dt_node_free(t->root);
	free(t->rsv);
	free(t);
}

static struct cell__dt_node *node_new(const char *name)
{
	struct cell__dt_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->name = strdup(name);
	if (!n->name) {
		free(n);
		return NULL;
	}
	return n;
}

int cell__dt_add_child(struct cell__dt_node *parent, struct cell__dt_node *kid)
{
	if (parent->nkids == parent->cap_kids) {
		size_t cap = parent->cap_kids ? parent->cap_kids * 2 : 4;
		struct cell__dt_node **k = realloc(parent->kids, cap * sizeof(*k));

		if (!k)
			return -ENOMEM;
		parent->kids = k;
		parent->cap_kids = cap;
	}
	parent->kids[parent->nkids++] = kid;
	kid->parent = parent;
	return 0;
}

struct cell__dt_node *cell__dt_new_child(struct cell__dt_node *parent,
					 const char *name)
{
	struct cell__dt_node *n = node_new(name);

	if (n && cell__dt_add_child(parent, n)) {
		cell__dt_node_free(n);
		return NULL;
	}
	return n;
}

void cell__dt_delete(struct cell__dt_node *n)
{
	struct cell__dt_node *p = n->parent;
	size_t i;

	if (p) {
		for (i = 0; i < p->nkids && p->kids[i] != n; i++)
			;
		if (i < p->nkids) {
			memmove(&p->kids[i], &p->kids[i + 1],
				(p->nkids - i - 1) * sizeof(p->kids[0]));
			p->nkids--;
		}
	}
	cell__dt_node_free(n);
}

struct cell__dt_prop *cell__dt_prop(const struct cell__dt_node *n,
				    const char *name)
{
	size_t i;

	for (i = 0; i < n->nprops; i++)
		if (!strcmp(n->props[i].name, name))
			return &n->props[i];
	return NULL;
}

int cell__dt_setprop(struct cell__dt_node *n, const char *name,
		     const void *val, uint32_t len)
{
	struct cell__dt_prop *p = cell__dt_prop(n, name);
	uint8_t *copy = malloc(len ? len : 1);

	if (!copy)
		return -ENOMEM;
	if (len)
		memcpy(copy, val, len);
	if (!p) {
		if (n->nprops == n->cap_props) {
			size_t cap = n->cap_props ? n->cap_props * 2 : 8;
			struct cell__dt_prop *np = realloc(n->props, cap * sizeof(*np));

			if (!np) {
				free(copy);
				return -ENOMEM;
			}
			n->props = np;
			n->cap_props = cap;
		}
		p = &n->props[n->nprops];
		p->name = strdup(name);
		if (!p->name) {
			free(copy);
			return -ENOMEM;
		}
		n->nprops++;
	} else {
		free(p->val);
	}
	p->val = copy;
	p->len = len;
	return 0;
}

int cell__dt_setprop_u32(struct cell__dt_node *n, const char *name, uint32_t v)
{
	uint8_t b[4];

	cell__put_be32(b, v);
	return cell__dt_setprop(n, name, b, 4);
}

int cell__dt_setprop_str(struct cell__dt_node *n, const char *name,
			 const char *s)
{
	return cell__dt_setprop(n, name, s, (uint32_t)strlen(s) + 1);
}

bool cell__dt_delprop(struct cell__dt_node *n, const char *name)
{
	struct cell__dt_prop *p = cell__dt_prop(n, name);
	size_t i;

	if (!p)
		return false;
	i = (size_t)(p - n->props);
	free(p->name);
	free(p->val);
	memmove(&n->props[i], &n->props[i + 1],
		(n->nprops - i - 1) * sizeof(n->props[0]));
	n->nprops--;
	return true;
}

bool cell__dt_u32(const struct cell__dt_node *n, const char *name, uint32_t *v)
{
	const struct cell__dt_prop *p = cell__dt_prop(n, name);

	if (!p || p->len != 4)
		return false;
	*v = cell__be32(p->val);
	return true;
}

uint32_t cell__dt_ac(const struct cell__dt_node *n)
{
	uint32_t v;

	return cell__dt_u32(n, "#address-cells", &v) ? v : 2;
}

uint32_t cell__dt_sc(const struct cell__dt_node *n)
{
	uint32_t v;

	return cell__dt_u32(n, "#size-cells", &v) ? v : 1;
}

bool cell__dt_has_str(const struct cell__dt_node *n, const char *name,
		      const char *s)
{
	const struct cell__dt_prop *p = cell__dt_prop(n, name);
	size_t off = 0, l;

	if (!p)
		return false;
	while (off < p->len) {
		const char *c = (const char *)p->val + off;

		l = strnlen(c, p->len - off);
		if (l == strlen(s) && !memcmp(c, s, l))
			return true;
		off += l + 1;
	}
	return false;
}

uint32_t cell__dt_phandle(const struct cell__dt_node *n)
{
	uint32_t v;

	if (cell__dt_u32(n, "phandle", &v) || cell__dt_u32(n, "linux,phandle", &v))
		return v;
	return 0;
}

struct cell__dt_node *cell__dt_next_in(const struct cell__dt_node *n,
				       const struct cell__dt_node *top)
{
	const struct cell__dt_node *c = n;

	if (n->nkids)
		return n->kids[0];
	while (c != top && c->parent) {
		const struct cell__dt_node *p = c->parent;
		size_t i;

		for (i = 0; i < p->nkids && p->kids[i] != c; i++)
			;
		if (i + 1 < p->nkids)
			return p->kids[i + 1];
		c = p;
	}
	return NULL;
}

struct cell__dt_node *cell__dt_next(const struct cell__dt_node *n)
{
	return cell__dt_next_in(n, NULL);
}

struct cell__dt_node *cell__dt_by_phandle(const struct cell__dt_tree *t,
					  uint32_t ph)
{
	struct cell__dt_node *n;

	if (!ph || ph == 0xffffffffu)
		return NULL;
	for (n = t->root; n; n = cell__dt_next(n))
		if (cell__dt_phandle(n) == ph)
			return n;
	return NULL;
}

uint32_t cell__dt_max_phandle(const struct cell__dt_tree *t)
{
	struct cell__dt_node *n;
	uint32_t max = 0, v;

	for (n = t->root; n; n = cell__dt_next(n)) {
		v = cell__dt_phandle(n);
		if (v != 0xffffffffu && v > max)
			max = v;
	}
	return max;
}

struct cell__dt_node *cell__dt_child(const struct cell__dt_node *n,
				     const char *name)
{
	size_t i;

	for (i = 0; i < n->nkids; i++)
		if (!strcmp(n->kids[i]->name, name))
			return n->kids[i];
	return NULL;
}

struct cell__dt_node *cell__dt_lookup(const struct cell__dt_tree *t,
				      const char *path)
{
	struct cell__dt_node *n = t->root;
	char comp[256];

	if (!path || path[0] != '/')
		return NULL;
	while (n && *path) {
		size_t l;

		while (*path == '/')
			path++;
		if (!*path)
			break;
		l = strcspn(path, "/");
		if (l >= sizeof(comp))
			return NULL;
		memcpy(comp, path, l);
		comp[l] = 0;
		n = cell__dt_child(n, comp);
		path += l;
	}
	return n;
}

const char *cell__dt_path(const struct cell__dt_node *n, char *buf, size_t len)
{
	const struct cell__dt_node *chain[DT_MAX_DEPTH + 1];
	size_t depth = 0, off = 0;

	if (!n->parent) {
		snprintf(buf, len, "/");
		return buf;
	}
	for (; n->parent && depth < DT_MAX_DEPTH + 1; n = n->parent)
		chain[depth++] = n;
	buf[0] = 0;
	while (depth--) {
		int w = snprintf(buf + off, len - off, "/%s", chain[depth]->name);

		if (w < 0 || (size_t)w >= len - off) {
			if (len > 4)
				memcpy(buf + len - 4, "...", 4);
			break;
		}
		off += (size_t)w;
	}
	return buf;
}

bool cell__dt_is_under(const struct cell__dt_node *n,
		       const struct cell__dt_node *anc)
{
	for (; n; n = n->parent)
		if (n == anc)
			return true;
	return false;
}

struct cell__dt_node *cell__dt_clone(const struct cell__dt_node *n)
{
	struct cell__dt_node *c = node_new(n->name);
	size_t i;

	if (!c)
		return NULL;
	for (i = 0; i < n->nprops; i++)
		if (cell__dt_setprop(c, n->props[i].name, n->props[i].val,
				     n->props[i].len))
			goto fail;
	for (i = 0; i < n->nkids; i++) {
		struct cell__dt_node *k = cell__dt_clone(n->kids[i]);

		if (!k)
			goto fail;
		if (cell__dt_add_child(c, k)) {
			cell__dt_node_free(k);
			goto fail;
		}
	}
	c->mark = n->mark;
	return c;
fail:
	cell__dt_node_free(c);
	return NULL;
}

static int parse_node(cell_ctx *ctx, const void *fdt, int off,
		      struct cell__dt_node *n, int depth, const char *what)
{
	int po, sub, len, err;

	if (depth > DT_MAX_DEPTH)
		return cell__err(ctx, -EINVAL, "%s: nodes nested deeper than %d",
				 what, DT_MAX_DEPTH);
	fdt_for_each_property_offset(po, fdt, off) {
		const char *name;
		const void *val = fdt_getprop_by_offset(fdt, po, &name, &len);

		if (!val || len < 0)
			return cell__err(ctx, -EINVAL, "%s: unreadable property at offset %d",
					 what, po);
		if (cell__dt_prop(n, name))
			return cell__err(ctx, -EINVAL, "%s: node '%s' has property '%s' twice",
					 what, n->name, name);
		if (cell__dt_setprop(n, name, val, (uint32_t)len))
			return cell__err(ctx, -ENOMEM, "%s: out of memory", what);
	}
	fdt_for_each_subnode(sub, fdt, off) {
		const char *name = fdt_get_name(fdt, sub, NULL);
		struct cell__dt_node *k;

		if (!name)
			return cell__err(ctx, -EINVAL, "%s: unnamed node at offset %d",
					 what, sub);
		k = cell__dt_new_child(n, name);
		if (!k)
			return cell__err(ctx, -ENOMEM, "%s: out of memory", what);
		err = parse_node(ctx, fdt, sub, k, depth + 1, what);
		if (err)
			return err;
	}
	return 0;
}

int cell__dt_parse(cell_ctx *ctx, const void *fdt, const char *what,
		   struct cell__dt_tree **out)
{
	struct cell__dt_tree *t = calloc(1, sizeof(*t));
	int i, n, err;

	if (!t)
		return cell__err(ctx, -ENOMEM, "%s: out of memory", what);
	t->root = node_new("");
	n = fdt_num_mem_rsv(fdt);
	if (!t->root || n < 0) {
		cell__dt_free(t);
		return n < 0 ? cell__err(ctx, -EINVAL, "%s: bad memory reservation map", what)
			     : cell__err(ctx, -ENOMEM, "%s: out of memory", what);
	}
	if (n) {
		t->rsv = calloc((size_t)n, sizeof(*t->rsv));
		if (!t->rsv) {
			cell__dt_free(t);
			return cell__err(ctx, -ENOMEM, "%s: out of memory", what);
		}
	}
	for (i = 0; i < n; i++)
		fdt_get_mem_rsv(fdt, i, &t->rsv[i].addr, &t->rsv[i].size);
	t->nrsv = (size_t)n;
	t->boot_cpuid = fdt_boot_cpuid_phys(fdt);
	err = parse_node(ctx, fdt, 0, t->root, 0, what);
	if (err) {
		cell__dt_free(t);
		return err;
	}
	*out = t;
	return 0;
}

static int build_node(void *buf, const struct cell__dt_node *n)
{
	size_t i;
	int err;

	err = fdt_begin_node(buf, n->name);
	for (i = 0; !err && i < n->nprops; i++)
		err = fdt_property(buf, n->props[i].name, n->props[i].val,
				   (int)n->props[i].len);
	for (i = 0; !err && i < n->nkids; i++)
		err = build_node(buf, n->kids[i]);
	return err ? err : fdt_end_node(buf);
}

int cell__dt_build(cell_ctx *ctx, const struct cell__dt_tree *t,
		   void **out, size_t *size)
{
	size_t cap = 64 * 1024, i;
	void *buf = NULL;
	int err;

	for (;;) {
		free(buf);
		buf = cap > INT32_MAX ? NULL : malloc(cap);
		if (!buf)
			return cell__err(ctx, -ENOMEM, "out of memory building a blob");
		memset(buf, 0, cap);
		err = fdt_create(buf, (int)cap);
		for (i = 0; !err && i < t->nrsv; i++)
			err = fdt_add_reservemap_entry(buf, t->rsv[i].addr,
						       t->rsv[i].size);
		if (!err)
			err = fdt_finish_reservemap(buf);
		if (!err)
			err = build_node(buf, t->root);
		if (!err)
			err = fdt_finish(buf);
		if (err != -FDT_ERR_NOSPACE)
			break;
		cap *= 2;
	}
	if (err) {
		free(buf);
		return cell__err(ctx, -EINVAL, "cannot build blob: %s", fdt_strerror(err));
	}
	fdt_set_boot_cpuid_phys(buf, t->boot_cpuid);
	*size = fdt_totalsize(buf);
	*out = buf;
	return 0;
}
