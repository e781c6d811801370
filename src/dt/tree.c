/* SPDX-License-Identifier: BSD-2-Clause */
/* In-memory device tree: parse, edit, serialise (see dt_tree.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "fdt_util.h"
#include "hmap.h"
#include "tree.h"

/* Nesting limit while parsing: deeper trees are refused, not recursed. */
#define DT_MAX_DEPTH 64

static void prop_release(struct cell__dt_prop *p)
{
	if (p->own & CELL__DT_OWN_NAME)
		free((char *)p->name);
	if (p->own & CELL__DT_OWN_VAL)
		free((uint8_t *)p->val);
}

void cell__dt_node_free(struct cell__dt_node *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->nkids; i++)
		cell__dt_node_free(n->kids[i]);
	for (i = 0; i < n->nprops; i++)
		prop_release(&n->props[i]);
	if (!(n->in_block & CELL__DT_IN_BLOCK_PROPS))
		free(n->props);
	if (!(n->in_block & CELL__DT_IN_BLOCK_KIDS))
		free(n->kids);
	if (n->own_name)
		free((char *)n->name);
	if (!(n->in_block & CELL__DT_IN_BLOCK_NODE))
		free(n);
}

void cell__dt_free(struct cell__dt_tree *t)
{
	if (!t)
		return;
	cell__dt_node_free(t->root);
	cell__hmap_free(&t->by_ph);
	cell__hmap_free(&t->by_name);
	free(t->block);
	free(t->rsv);
	free(t);
}

/*
 * Room for one more of the *@len elements of @size bytes in *@arr (of
 * capacity *@cap, doubled from @first): an array in a tree's block (@bit
 * in *@in_block) moves to the heap. 0 or -ENOMEM.
 */
static int grow_array(void **arr, uint32_t *len, uint32_t *cap, size_t size, uint32_t first,
		      uint8_t *in_block, uint8_t bit)
{
	uint32_t nc = *cap ? *cap * 2 : first;
	void *na;

	if (*len < *cap)
		return 0;
	if (*cap > UINT32_MAX / 2)
		return -ENOMEM;
	if (*in_block & bit) {
		na = malloc((size_t)nc * size);
		if (na && *len)
			memcpy(na, *arr, *len * size);
	} else {
		na = realloc(*arr, (size_t)nc * size);
	}
	if (!na)
		return -ENOMEM;
	*in_block &= (uint8_t)~bit;
	*arr = na;
	*cap = nc;
	return 0;
}

/* A node named @name: a copy, or @name itself when @borrow. */
static struct cell__dt_node *node_new(const char *name, bool borrow)
{
	struct cell__dt_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->name = borrow ? name : strdup(name);
	n->own_name = !borrow;
	if (!n->name) {
		free(n);
		return NULL;
	}
	return n;
}

int cell__dt_rename(struct cell__dt_node *n, const char *name)
{
	char *c = strdup(name);

	if (!c)
		return -ENOMEM;
	if (n->own_name)
		free((char *)n->name);
	n->name = c;
	n->own_name = true;
	return 0;
}

/* The tree @n is attached to, NULL for a detached subtree. */
static struct cell__dt_tree *tree_of(const struct cell__dt_node *n)
{
	while (n->parent)
		n = n->parent;
	return n->tree;
}

static bool valid_ph(uint32_t ph)
{
	return ph && ph != 0xffffffffu;
}

static uint64_t ph_hash(uint32_t ph)
{
	return cell__hmap_hash(&ph, sizeof(ph), 0);
}

static uint64_t name_hash(const struct cell__dt_node *parent, const char *name)
{
	return cell__hmap_hash(name, strlen(name), (uint64_t)(uintptr_t)parent);
}

static void index_drop(struct cell__dt_tree *t)
{
	t->indexed = false;
	cell__hmap_free(&t->by_ph);
	cell__hmap_free(&t->by_name);
}

/* More kids than this make a node wide (see tree.h). */
#define DT_NARROW 8

static void name_add(struct cell__dt_tree *t, struct cell__dt_node *n)
{
	if (cell__hmap_add(&t->by_name, name_hash(n->parent, n->name), n))
		index_drop(t);
}

/* Enter the subtree of @top (attached to @t) into @t's index; @ph_known:
 * each node's ph already holds its phandle. */
static void index_add(struct cell__dt_tree *t, struct cell__dt_node *top, bool ph_known)
{
	struct cell__dt_node *n;

	for (n = top; n && t->indexed; n = cell__dt_next_in(n, top)) {
		if (!ph_known)
			n->ph = cell__dt_phandle(n);
		if (valid_ph(n->ph) && !t->ph_clash)
			t->ph_clash = cell__dt_by_phandle(t, n->ph) != NULL;
		if (valid_ph(n->ph) && cell__hmap_add(&t->by_ph, ph_hash(n->ph), n))
			index_drop(t);
		/* Pre-order: a node turns wide before its kids come. */
		n->wide = n->nkids > DT_NARROW;
		if (n->parent && n->parent->wide)
			name_add(t, n);
	}
}

/* Remove the subtree of @top, still attached, from @t's index. */
static void index_del(struct cell__dt_tree *t, struct cell__dt_node *top)
{
	struct cell__dt_node *n;

	for (n = top; n && t->indexed; n = cell__dt_next_in(n, top)) {
		if (valid_ph(n->ph))
			cell__hmap_del(&t->by_ph, ph_hash(n->ph), n);
		if (n->parent && n->parent->wide)
			cell__hmap_del(&t->by_name, name_hash(n->parent, n->name), n);
		n->ph = 0;
	}
}

/* After a write to @n's phandle or linux,phandle. */
static void index_ph(struct cell__dt_node *n)
{
	struct cell__dt_tree *t = tree_of(n);
	uint32_t ph = cell__dt_phandle(n);

	if (!t || !t->indexed || ph == n->ph)
		return;
	if (valid_ph(n->ph))
		cell__hmap_del(&t->by_ph, ph_hash(n->ph), n);
	n->ph = ph;
	if (valid_ph(ph) && cell__hmap_add(&t->by_ph, ph_hash(ph), n))
		index_drop(t);
}

static bool is_ph_prop(const char *name)
{
	return !strcmp(name, "phandle") || !strcmp(name, "linux,phandle");
}

/* True when @a comes before @b in document (depth-first pre-)order. */
static bool doc_before(const struct cell__dt_node *a, const struct cell__dt_node *b)
{
	const struct cell__dt_node *x;
	size_t da = 0, db = 0;

	for (x = a; x->parent; x = x->parent)
		da++;
	for (x = b; x->parent; x = x->parent)
		db++;
	for (; da > db; da--)
		a = a->parent;
	for (x = b; db > da; db--)
		x = x->parent;
	if (a == x)		/* one holds the other: the ancestor first */
		return a != b;
	while (a->parent != x->parent) {
		a = a->parent;
		x = x->parent;
	}
	return a->idx < x->idx;
}

int cell__dt_add_child(struct cell__dt_node *parent, struct cell__dt_node *kid)
{
	struct cell__dt_tree *t;

	if (grow_array((void **)&parent->kids, &parent->nkids, &parent->cap_kids,
		       sizeof(*parent->kids), 4, &parent->in_block, CELL__DT_IN_BLOCK_KIDS))
		return -ENOMEM;
	kid->idx = parent->nkids;
	parent->kids[parent->nkids++] = kid;
	kid->parent = parent;
	t = tree_of(parent);
	if (t && t->indexed && !parent->wide && parent->nkids > DT_NARROW) {
		size_t i;

		parent->wide = true;
		for (i = 0; i + 1 < parent->nkids && t->indexed; i++)
			name_add(t, parent->kids[i]);
	}
	if (t && t->indexed)
		index_add(t, kid, false);
	return 0;
}

struct cell__dt_node *cell__dt_new_child(struct cell__dt_node *parent,
					 const char *name)
{
	struct cell__dt_node *n = node_new(name, false);

	if (n && cell__dt_add_child(parent, n)) {
		cell__dt_node_free(n);
		return NULL;
	}
	return n;
}

void cell__dt_delete(struct cell__dt_node *n)
{
	struct cell__dt_node *p = n->parent;
	struct cell__dt_tree *t = tree_of(n);
	size_t i;

	if (t && t->indexed)
		index_del(t, n);
	if (p && n->idx < p->nkids && p->kids[n->idx] == n) {
		for (i = n->idx; i + 1 < p->nkids; i++) {
			p->kids[i] = p->kids[i + 1];
			p->kids[i]->idx = i;
		}
		p->nkids--;
	}
	cell__dt_node_free(n);
}

struct cell__dt_prop *cell__dt_prop(const struct cell__dt_node *n,
				    const char *name)
{
	size_t i;

	/* The first byte rejects most names without a call. */
	for (i = 0; i < n->nprops; i++)
		if (n->props[i].name[0] == name[0] && !strcmp(n->props[i].name, name))
			return &n->props[i];
	return NULL;
}

/* A new last property of @n, its name and value as given (not copied). */
static struct cell__dt_prop *prop_append(struct cell__dt_node *n)
{
	if (grow_array((void **)&n->props, &n->nprops, &n->cap_props, sizeof(*n->props), 8,
		       &n->in_block, CELL__DT_IN_BLOCK_PROPS))
		return NULL;
	return &n->props[n->nprops++];
}

/* Set @n's property @name, @p when it exists, else a new last one. */
static int setprop_at(struct cell__dt_node *n, struct cell__dt_prop *p,
		      const char *name, const void *val, uint32_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	char *nm = NULL;

	if (!copy || (!p && !(nm = strdup(name)))) {
		free(copy);
		return -ENOMEM;
	}
	if (len)
		memcpy(copy, val, len);
	if (!p) {
		p = prop_append(n);
		if (!p) {
			free(copy);
			free(nm);
			return -ENOMEM;
		}
		p->name = nm;
		p->own = CELL__DT_OWN_NAME;
		p->rule_known = false;
	} else if (p->own & CELL__DT_OWN_VAL) {
		free((uint8_t *)p->val);
	}
	p->val = copy;
	p->len = len;
	p->own |= CELL__DT_OWN_VAL;
	if (is_ph_prop(name))
		index_ph(n);
	return 0;
}

int cell__dt_setprop(struct cell__dt_node *n, const char *name,
		     const void *val, uint32_t len)
{
	return setprop_at(n, cell__dt_prop(n, name), name, val, len);
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
	bool ph;
	size_t i;

	if (!p)
		return false;
	/* @name may be the property's own, freed below. */
	ph = is_ph_prop(p->name);
	i = (size_t)(p - n->props);
	prop_release(p);
	memmove(&n->props[i], &n->props[i + 1],
		(n->nprops - i - 1) * sizeof(n->props[0]));
	n->nprops--;
	if (ph)
		index_ph(n);
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

		if (c->idx + 1 < p->nkids)
			return p->kids[c->idx + 1];
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
	struct cell__dt_node *n, *best = NULL;
	struct cell__hmap_it it;

	if (!valid_ph(ph))
		return NULL;
	if (!t->indexed) {
		for (n = t->root; n; n = cell__dt_next(n))
			if (cell__dt_phandle(n) == ph)
				return n;
		return NULL;
	}
	/* A duplicate number resolves to the first node, as a scan would. */
	for (n = cell__hmap_first(&t->by_ph, ph_hash(ph), &it); n;
	     n = cell__hmap_next(&t->by_ph, &it))
		if (n->ph == ph && (!best || doc_before(n, best)))
			best = n;
	return best;
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
	struct cell__dt_tree *t = tree_of(n);
	struct cell__dt_node *k, *best = NULL;
	struct cell__hmap_it it;
	size_t i;

	if (!t || !t->indexed || !n->wide) {
		for (i = 0; i < n->nkids; i++)
			if (n->kids[i]->name[0] == name[0] && !strcmp(n->kids[i]->name, name))
				return n->kids[i];
		return NULL;
	}
	for (k = cell__hmap_first(&t->by_name, name_hash(n, name), &it); k;
	     k = cell__hmap_next(&t->by_name, &it))
		if (k->parent == n && !strcmp(k->name, name) && (!best || k->idx < best->idx))
			best = k;
	return best;
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
		const char *nm = chain[depth]->name;
		size_t l = strlen(nm), room = len - off;

		if (l + 1 >= room) {
			/* As much of "/name" as fits, then "..." at the end. */
			if (room > 1) {
				buf[off] = '/';
				memcpy(buf + off + 1, nm, room - 2);
			}
			buf[len - 1] = 0;
			if (len > 4)
				memcpy(buf + len - 4, "...", 4);
			break;
		}
		buf[off] = '/';
		memcpy(buf + off + 1, nm, l + 1);
		off += l + 1;
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

/* Copy of @p into @c, detached (so not indexed yet): what @p borrows is
 * shared, what it owns copied. */
static int clone_prop(struct cell__dt_node *c, const struct cell__dt_prop *p)
{
	struct cell__dt_prop *q;
	char *nm = NULL;
	uint8_t *v = NULL;

	if (((p->own & CELL__DT_OWN_NAME) && !(nm = strdup(p->name))) ||
	    ((p->own & CELL__DT_OWN_VAL) && !(v = malloc(p->len ? p->len : 1))) ||
	    !(q = prop_append(c))) {
		free(nm);
		free(v);
		return -ENOMEM;
	}
	if (v && p->len)
		memcpy(v, p->val, p->len);
	q->name = nm ? nm : p->name;
	q->val = v ? v : p->val;
	q->len = p->len;
	q->own = p->own;
	q->rule_known = p->rule_known;
	q->rule = p->rule;
	return 0;
}

struct cell__dt_node *cell__dt_clone(const struct cell__dt_node *n)
{
	struct cell__dt_node *c = node_new(n->name, !n->own_name);
	size_t i;

	if (!c)
		return NULL;
	for (i = 0; i < n->nprops; i++)
		if (clone_prop(c, &n->props[i]))
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

/* A hash of @s from its length and at most 16 of its bytes: names that
 * share it are compared in full. */
static uint64_t quick_hash(const char *s)
{
	size_t l = strlen(s);
	uint64_t a = 0, b = 0;

	if (l >= 8) {
		memcpy(&a, s, 8);
		memcpy(&b, s + l - 8, 8);
	} else {
		memcpy(&a, s, l);
	}
	a = (a ^ (b * 0x9e3779b97f4a7c15ull) ^ l) * 0xff51afd7ed558ccdull;
	a ^= a >> 32;
	return a == 0 || a == CELL__HMAP_GONE ? 1 : a;
}

/* Hash set of the property names of one large node. */
static int has_dup_names(const struct cell__dt_node *n, bool *dup)
{
	struct cell__hmap set = { 0 };
	size_t i;

	*dup = false;
	if (cell__hmap_reserve(&set, n->nprops))
		return -ENOMEM;
	for (i = 0; i < n->nprops && !*dup; i++) {
		const char *nm = n->props[i].name;
		uint64_t h = quick_hash(nm);
		struct cell__hmap_it it;
		const char *o;

		for (o = cell__hmap_first(&set, h, &it); o && !*dup;
		     o = cell__hmap_next(&set, &it))
			*dup = !strcmp(o, nm);
		if (cell__hmap_add(&set, h, (void *)nm)) {
			cell__hmap_free(&set);
			return -ENOMEM;
		}
	}
	cell__hmap_free(&set);
	return 0;
}

/*
 * Whether @n may have two properties of one name: true for small nodes,
 * which are scanned pairwise anyway; large ones (__symbols__ has one
 * property per label) go through a hash set first, so that the pairwise
 * scan only runs when it will find a repeat.
 */
static int has_dup_props(const struct cell__dt_node *n, bool *dup)
{
	*dup = n->nprops > 1;
	return n->nprops > 16 ? has_dup_names(n, dup) : 0;
}

/* @n's properties are all read: refuse a name it has twice. */
static int props_done(cell_ctx *ctx, const struct cell__dt_node *n, const char *what)
{
	size_t i, j;
	bool dup;

	if (has_dup_props(n, &dup))
		return cell__err(ctx, -ENOMEM, "%s: out of memory", what);
	if (!dup)
		return 0;
	/* Name the first repeat in blob order, as the message always did. */
	for (i = 1; i < n->nprops; i++)
		for (j = 0; j < i; j++)
			if (n->props[j].name[0] == n->props[i].name[0] &&
			    !strcmp(n->props[j].name, n->props[i].name))
				return cell__err(ctx, -EINVAL,
						 "%s: node '%s' has property '%s' twice",
						 what, n->name, n->props[i].name);
	return 0;
}

/*
 * One walk of the structure block into the model under @root, seeing what
 * libfdt's iterators from offset 0 see: nothing unless a node starts there,
 * then that node's subtree, and in each node the properties before its
 * first subnode. A recursion over fdt_for_each_subnode() would walk every
 * tag once per level above it.
 */
static int parse_walk(cell_ctx *ctx, const void *fdt, struct cell__dt_node *root,
		      const char *what)
{
	struct cell__dt_node *stack[DT_MAX_DEPTH + 1], *k;
	int depth = -1, off = 0, next, len, err;
	bool own = false;		/* still in the top node's properties */
	const char *name;
	const void *val;
	uint32_t tag;

	if (fdt_next_tag(fdt, 0, &next) != FDT_BEGIN_NODE)
		return 0;
	do {
		tag = fdt_next_tag(fdt, off, &next);
		switch (tag) {
		case FDT_BEGIN_NODE:
			if (own && (err = props_done(ctx, stack[depth], what)))
				return err;
			own = true;
			if (depth < 0) {
				stack[++depth] = root;
				break;
			}
			if (!(name = fdt_get_name(fdt, off, NULL)))
				return cell__err(ctx, -EINVAL, "%s: unnamed node at offset %d",
						 what, off);
			k = node_new(name, true);
			if (k && cell__dt_add_child(stack[depth], k)) {
				cell__dt_node_free(k);
				k = NULL;
			}
			if (!k)
				return cell__err(ctx, -ENOMEM, "%s: out of memory", what);
			if (depth + 1 > DT_MAX_DEPTH)
				return cell__err(ctx, -EINVAL, "%s: nodes nested deeper than %d",
						 what, DT_MAX_DEPTH);
			stack[++depth] = k;
			break;
		case FDT_END_NODE:
			if (own && (err = props_done(ctx, stack[depth], what)))
				return err;
			own = false;
			depth--;
			break;
		case FDT_PROP: {
			struct cell__dt_prop *p;

			if (!own)
				break;
			val = cell__fdt_prop_value(fdt, off, &name, &len);
			if (!val || len < 0)
				return cell__err(ctx, -EINVAL, "%s: unreadable property at offset %d",
						 what, off);
			if (!(p = prop_append(stack[depth])))
				return cell__err(ctx, -ENOMEM, "%s: out of memory", what);
			p->name = name;
			p->val = val;
			p->len = (uint32_t)len;
			p->own = 0;
			p->rule_known = false;
			break;
		}
		default:
			break;
		}
		off = next;
	} while (tag != FDT_END && depth >= 0 && next >= 0);
	return 0;
}

/*
 * parse_walk() from an index of the blob: the same nodes and properties
 * (the index keeps each node's own properties), found without walking the
 * structure block again, and allocated in one block for the tree @t: each
 * node's properties and kids (counted first) in place.
 */
static int parse_index(cell_ctx *ctx, const struct cell__fdt_index *ix,
		       struct cell__dt_tree *t, const char *what)
{
	struct cell__dt_node *nodes, **kids, *root = t->root;
	struct cell__dt_prop *props;
	size_t k, i, *kfirst;
	int err = 0, len;

	/* Nodes, then properties, then kid pointers: all pointer-aligned. */
	t->block = malloc(ix->n * sizeof(*nodes) + ix->np * sizeof(*props) +
			  ix->n * sizeof(*kids));
	kfirst = calloc(ix->n + 1, sizeof(*kfirst));
	if (!t->block || !kfirst) {
		free(kfirst);
		return cell__err(ctx, -ENOMEM, "%s: out of memory", what);
	}
	nodes = t->block;
	props = (struct cell__dt_prop *)(nodes + ix->n);
	kids = (struct cell__dt_node **)(props + ix->np);
	memset(nodes, 0, ix->n * sizeof(*nodes));
	for (k = 1; k < ix->n; k++)
		kfirst[ix->parent[k] + 1]++;
	for (k = 0; k < ix->n; k++)
		kfirst[k + 1] += kfirst[k];
	for (k = 0; k < ix->n && !err; k++) {
		struct cell__dt_node *n = k ? &nodes[k] : root;

		if (k) {
			const char *name = cell__fdt_ix_name(ix, k);

			if (!name) {
				err = cell__err(ctx, -EINVAL, "%s: unnamed node at offset %d",
						what, ix->off[k]);
				break;
			}
			n->name = name;
			n->in_block = CELL__DT_IN_BLOCK_NODE;
		}
		n->in_block |= CELL__DT_IN_BLOCK_PROPS | CELL__DT_IN_BLOCK_KIDS;
		n->ph = cell__fdt_ix_phandle(ix, k);
		n->props = props + ix->pfirst[k];
		n->cap_props = ix->pfirst[k + 1] - ix->pfirst[k];
		n->kids = kids + kfirst[k];
		n->cap_kids = kfirst[k + 1] - kfirst[k];
		/* The parent's room was counted: this cannot fail. */
		if (k)
			cell__dt_add_child(ix->parent[k] ? &nodes[ix->parent[k]] : root, n);
		for (i = ix->pfirst[k]; i < ix->pfirst[k + 1]; i++) {
			struct cell__dt_prop *p = &n->props[n->nprops];
			const char *name;
			const void *val = cell__fdt_ix_prop(ix, i, &name, &len);

			if (!val || len < 0) {
				err = cell__err(ctx, -EINVAL, "%s: unreadable property at offset %d",
						what, ix->poff[i]);
				break;
			}
			p->name = name;
			p->val = val;
			p->len = (uint32_t)len;
			p->own = 0;
			p->rule_known = false;
			n->nprops++;
		}
		if (!err)
			err = props_done(ctx, n, what);
	}
	free(kfirst);
	return err;
}

int cell__dt_parse(cell_ctx *ctx, const void *fdt, const struct cell__fdt_index *ix,
		   const char *what, struct cell__dt_tree **out)
{
	struct cell__dt_tree *t = calloc(1, sizeof(*t));
	bool index_parsed;
	int i, n, err;

	if (!t)
		return cell__err(ctx, -ENOMEM, "%s: out of memory", what);
	t->root = node_new("", true);
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
	/* The index's root is the node at offset 0 when the walk's would be. */
	index_parsed = ix && ix->active && ix->fdt == fdt && ix->n && ix->off[0] == 0;
	if (index_parsed)
		err = parse_index(ctx, ix, t, what);
	else
		err = parse_walk(ctx, fdt, t->root, what);
	if (err) {
		cell__dt_free(t);
		return err;
	}
	t->root->tree = t;
	t->indexed = true;
	if (index_parsed && cell__hmap_reserve(&t->by_ph, ix->by_ph.used))
		index_drop(t);
	index_add(t, t->root, index_parsed);
	*out = t;
	return 0;
}

/*
 * Property names of a blob being written. libfdt's sequential writer
 * de-duplicates names by scanning its whole string table for every
 * property, which is quadratic in the size of the tree. The blob is written
 * with every property named "" instead (stored once) and its names are
 * packed afterwards, to the table libfdt's scan gives: a name reuses the newest
 * stored string it is a suffix of (the scan runs newest first and matches
 * the NUL too), otherwise it is stored, and the table lists the strings
 * newest first. All names are known before the first is placed, so storing
 * a string updates, for each distinct name that is a suffix of it, which
 * stored string is now the newest to end with it.
 */
struct strtab {
	struct cell__hmap map;		/* suffix_hash(name) -> index in name + 1 */
	struct name {
		const char *s;
		size_t len;		/* with the NUL */
		bool hosted;		/* a stored string ends with it: */
		uint32_t host, pos;	/* the newest, from byte @pos */
	} *name;			/* distinct names */
	size_t nname, cap_name;
	uint32_t *prop;			/* per property in blob order: its name */
	size_t nprop;
	size_t *end;			/* per stored string: bytes up to its end */
	uint32_t *str;			/* per stored string: its name */
	size_t nstr;
	struct ref {
		uint32_t str, pos;	/* where its name is */
		uint32_t off;		/* its header, in the structure block */
	} *ref;				/* per property in blob order */
	/* Name pointer -> distinct name, direct-mapped: names parsed from
	 * one blob share pointers, so most properties skip the hashing. */
	struct memo {
		const char *s;
		uint32_t name;
	} memo[512];
	/* One bit per suffix_key() of a distinct name: storing a string asks
	 * whether each of its suffixes is a name, and almost none is. */
	uint64_t bloom[512];
};

static size_t bloom_bit(uint64_t key)
{
	return (size_t)(key >> 49);	/* 15 bits, apart from the map's slot bits */
}

/* Hash of @s[0, @len) built from its last byte, so that every suffix of a
 * string is hashed in one backward pass (see strtab_store). */
static uint64_t suffix_step(uint64_t h, unsigned char c)
{
	return (h ^ c) * 0x100000001b3ull;
}

static uint64_t suffix_key(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h == 0 || h == CELL__HMAP_GONE ? 1 : h;
}

static uint64_t suffix_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (len--)
		h = suffix_step(h, (unsigned char)s[len]);
	return suffix_key(h);
}

/* Distinct name equal to @s[0, @len) (no NUL), or NULL. */
static struct name *strtab_find(const struct strtab *st, const char *s, size_t len,
				uint64_t key)
{
	struct cell__hmap_it it;
	void *v;

	for (v = cell__hmap_first(&st->map, key, &it); v;
	     v = cell__hmap_next(&st->map, &it)) {
		struct name *n = &st->name[(uintptr_t)v - 1];

		if (n->len == len + 1 && !memcmp(n->s, s, len))
			return n;
	}
	return NULL;
}

/* Pass 1: the distinct name of each property, in blob order. */
static int strtab_add(struct strtab *st, const char *s)
{
	struct memo *m = &st->memo[((uintptr_t)s * 0x9e3779b97f4a7c15ull) >> 55];
	size_t len;
	uint64_t key;
	struct name *n;

	if (m->s == s) {
		st->prop[st->nprop++] = m->name;
		return 0;
	}
	len = strlen(s);
	key = suffix_hash(s, len);
	n = strtab_find(st, s, len, key);
	if (!n) {
		if (st->nname == st->cap_name) {
			size_t cap = st->cap_name ? st->cap_name * 2 : 128;
			struct name *nn = realloc(st->name, cap * sizeof(*nn));

			if (!nn)
				return -ENOMEM;
			st->name = nn;
			st->cap_name = cap;
		}
		n = &st->name[st->nname];
		n->s = s;
		n->len = len + 1;
		n->hosted = false;
		if (cell__hmap_add(&st->map, key, (void *)(uintptr_t)(st->nname + 1)))
			return -ENOMEM;
		st->bloom[bloom_bit(key) / 64] |= 1ull << (bloom_bit(key) % 64);
		st->nname++;
	}
	m->s = s;
	m->name = (uint32_t)(n - st->name);
	st->prop[st->nprop++] = m->name;
	return 0;
}

/* Store @n as the newest string; it now hosts each name that ends it. */
static void strtab_store(struct strtab *st, const struct name *n)
{
	uint32_t id = (uint32_t)st->nstr;
	uint64_t h = 0xcbf29ce484222325ull;
	size_t pos = n->len - 1;

	st->end[id] = (id ? st->end[id - 1] : 0) + n->len;
	st->str[id] = (uint32_t)(n - st->name);
	st->nstr++;
	for (;;) {
		uint64_t key = suffix_key(h);
		size_t b = bloom_bit(key);
		struct name *d = st->bloom[b / 64] & (1ull << (b % 64)) ?
			strtab_find(st, n->s + pos, n->len - 1 - pos, key) : NULL;

		if (d) {
			d->hosted = true;
			d->host = id;
			d->pos = (uint32_t)pos;
		}
		if (!pos--)
			break;
		h = suffix_step(h, (unsigned char)n->s[pos]);
	}
}

/* Pass 2: place every property's name, in blob order. */
static int strtab_place(struct strtab *st)
{
	size_t k;

	st->end = malloc((st->nname + 1) * sizeof(*st->end));
	st->str = malloc((st->nname + 1) * sizeof(*st->str));
	st->ref = malloc((st->nprop + 1) * sizeof(*st->ref));
	if (!st->end || !st->str || !st->ref)
		return -ENOMEM;
	for (k = 0; k < st->nprop; k++) {
		struct name *n = &st->name[st->prop[k]];

		if (!n->hosted)
			strtab_store(st, n);
		st->ref[k].str = n->host;
		st->ref[k].pos = n->pos;
	}
	return 0;
}

static void strtab_free(struct strtab *st)
{
	cell__hmap_free(&st->map);
	free(st->name);
	free(st->prop);
	free(st->end);
	free(st->str);
	free(st->ref);
	free(st);
}

static size_t tagalign(size_t x)
{
	return (x + FDT_TAGSIZE - 1) & ~(size_t)(FDT_TAGSIZE - 1);
}

/* Names of @n's subtree into @st, struct and unpacked string sizes. */
static int size_node(struct strtab *st, const struct cell__dt_node *n, size_t *structs)
{
	size_t i;
	int err;

	*structs += 8 + tagalign(strlen(n->name) + 1);
	for (i = 0; i < n->nprops; i++) {
		*structs += sizeof(struct fdt_property) + tagalign(n->props[i].len);
		if ((err = strtab_add(st, n->props[i].name)))
			return err;
	}
	for (i = 0; i < n->nkids; i++)
		if ((err = size_node(st, n->kids[i], structs)))
			return err;
	return 0;
}

static size_t count_props(const struct cell__dt_node *n)
{
	size_t c = n->nprops, i;

	for (i = 0; i < n->nkids; i++)
		c += count_props(n->kids[i]);
	return c;
}

/* Write @n's subtree; property *@k (in blob order) is the next one, and
 * where its header lands is recorded for pack_names(). */
static int build_node(void *buf, const struct cell__dt_node *n,
		      struct strtab *st, size_t *k)
{
	size_t i;
	int err;

	err = fdt_begin_node(buf, n->name);
	for (i = 0; !err && i < n->nprops; i++) {
		if (*k >= st->nprop)
			return -FDT_ERR_INTERNAL;
		/* While writing, the structure block's size is where the
		 * next tag goes; fdt_finish() does not move the block. */
		st->ref[(*k)++].off = fdt_size_dt_struct(buf);
		/* Named "" (libfdt stores that string once): pack_names()
		 * gives every property its packed name. */
		err = fdt_property(buf, "", n->props[i].val, (int)n->props[i].len);
	}
	for (i = 0; !err && i < n->nkids; i++)
		err = build_node(buf, n->kids[i], st, k);
	return err ? err : fdt_end_node(buf);
}

/* Point every property of the finished blob @buf at its packed name, at
 * the headers build_node() recorded: no walk of the written blob. */
static int pack_names(void *buf, const struct strtab *st)
{
	size_t total = st->nstr ? st->end[st->nstr - 1] : 0, k, i;
	char *structs = (char *)buf + fdt_off_dt_struct(buf);
	char *strings = (char *)buf + fdt_off_dt_strings(buf);

	for (k = 0; k < st->nprop; k++) {
		const struct ref *r = &st->ref[k];
		fdt32_t v = cpu_to_fdt32((uint32_t)(total - st->end[r->str] + r->pos));

		memcpy(structs + r->off + offsetof(struct fdt_property, nameoff), &v,
		       sizeof(v));
	}
	for (i = 0; i < st->nstr; i++) {
		const struct name *n = &st->name[st->str[i]];

		memcpy(strings + total - st->end[i], n->s, n->len);
	}
	fdt_set_size_dt_strings(buf, (uint32_t)total);
	fdt_set_totalsize(buf, fdt_off_dt_strings(buf) + (uint32_t)total);
	return 0;
}

int cell__dt_build(cell_ctx *ctx, const struct cell__dt_tree *t,
		   void **out, size_t *size)
{
	static const struct strtab empty;
	struct strtab *st = malloc(sizeof(*st));
	size_t structs = 4, cap, i, k = 0;
	void *buf = NULL;
	int err;

	if (!st)
		return cell__err(ctx, -ENOMEM, "out of memory building a blob");
	*st = empty;
	st->prop = malloc((count_props(t->root) + 1) * sizeof(*st->prop));
	err = st->prop ? size_node(st, t->root, &structs) : -ENOMEM;
	if (!err)
		err = strtab_place(st);
	/* Header, reservation map with its terminator, both blocks: while
	 * writing, the strings block holds "", then the packed names. */
	cap = sizeof(struct fdt_header) + 8 + (t->nrsv + 1) * sizeof(struct fdt_reserve_entry) +
	      structs + (st->nstr ? st->end[st->nstr - 1] : 1);
	/* fdt_create() zeroes it. */
	if (!err && cap <= INT32_MAX)
		buf = malloc(cap);
	if (!buf) {
		strtab_free(st);
		return cell__err(ctx, -ENOMEM, "out of memory building a blob");
	}
	err = fdt_create(buf, (int)cap);
	for (i = 0; !err && i < t->nrsv; i++)
		err = fdt_add_reservemap_entry(buf, t->rsv[i].addr, t->rsv[i].size);
	if (!err)
		err = fdt_finish_reservemap(buf);
	if (!err)
		err = build_node(buf, t->root, st, &k);
	if (!err && k != st->nprop)
		err = -FDT_ERR_INTERNAL;
	if (!err)
		err = fdt_finish(buf);
	if (!err)
		err = pack_names(buf, st);
	strtab_free(st);
	if (err) {
		free(buf);
		return cell__err(ctx, -EINVAL, "cannot build blob: %s", fdt_strerror(err));
	}
	fdt_set_boot_cpuid_phys(buf, t->boot_cpuid);
	*size = fdt_totalsize(buf);
	*out = buf;
	return 0;
}
