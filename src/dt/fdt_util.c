/* SPDX-License-Identifier: BSD-2-Clause */
/* Device-tree helpers on top of libfdt: cells, reg, ranges, phandles. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdt_util.h"

#define PATH(node, buf) cell__fdt_path(fdt, (node), (buf), sizeof(buf))

/* Scopes open on this thread, innermost first. */
static _Thread_local struct cell__fdt_scope *open_scope;

static uint64_t ph_hash(uint32_t ph)
{
	return cell__hmap_hash(&ph, sizeof(ph), 0);
}

void cell__fdt_index_free(struct cell__fdt_index *ix)
{
	free(ix->off);
	free(ix->parent);
	free(ix->depth);
	free(ix->sib);
	free(ix->hot);
	free(ix->pfirst);
	free(ix->poff);
	free(ix->pname);
	cell__hmap_free(&ix->by_ph);
	ix->off = ix->parent = ix->depth = ix->sib = NULL;
	ix->hot = NULL;
	ix->pfirst = ix->pname = NULL;
	ix->poff = NULL;
	ix->n = ix->np = 0;
	ix->active = false;
}

/* Every lookup asks this: the first byte and the length leave at most one
 * candidate, compared at a constant length the compiler inlines. */
static int hot_of(const char *name)
{
	size_t l = strlen(name);

#define IS(h, s) (l == sizeof(s) - 1 && !memcmp(name, s, sizeof(s) - 1) ? (h) : -1)
	switch (name[0]) {
	case 'c':
		return IS(CELL__FDT_HOT_COMPATIBLE, "compatible");
	case 's':
		return IS(CELL__FDT_HOT_STATUS, "status");
	case 'd':
		return IS(CELL__FDT_HOT_DEVICE_TYPE, "device_type");
	case 'p':
		return IS(CELL__FDT_HOT_PHANDLE, "phandle");
	case 'l':
		return IS(CELL__FDT_HOT_LINUX_PHANDLE, "linux,phandle");
	case 'r':
		return l == 3 ? IS(CELL__FDT_HOT_REG, "reg") : IS(CELL__FDT_HOT_RANGES, "ranges");
	case 'm':
		return IS(CELL__FDT_HOT_MSI_CONTROLLER, "msi-controller");
	case 'i':
		if (l == 16)
			return IS(CELL__FDT_HOT_INTERRUPT_PARENT, "interrupt-parent");
		if (l == 13)
			return IS(CELL__FDT_HOT_INTERRUPT_MAP, "interrupt-map");
		return IS(CELL__FDT_HOT_INTERRUPT_CONTROLLER, "interrupt-controller");
	case '#':
		if (l == 14)
			return IS(CELL__FDT_HOT_ADDRESS_CELLS, "#address-cells");
		if (l == 11)
			return IS(CELL__FDT_HOT_SIZE_CELLS, "#size-cells");
		return IS(CELL__FDT_HOT_INTERRUPT_CELLS, "#interrupt-cells");
	}
	return -1;
#undef IS
}

const void *cell__fdt_prop_value(const void *fdt, int off, const char **name, int *lenp)
{
	const struct fdt_property *p;

	/* Blobs before version 16 align long values; libfdt knows how. */
	if (fdt_version(fdt) < 0x10 ||
	    !(p = fdt_offset_ptr(fdt, off, sizeof(*p))))
		return fdt_getprop_by_offset(fdt, off, name, lenp);
	if (name && !(*name = fdt_string(fdt, (int)CELL__FDT_PROP32(p, nameoff))))
		return NULL;
	if (lenp)
		*lenp = (int)CELL__FDT_PROP32(p, len);
	return CELL__FDT_PROP_DATA(p);
}

const char *cell__fdt_ix_name(const struct cell__fdt_index *ix, size_t k)
{
	/* Before version 16 names are full paths, which libfdt cuts. */
	if (fdt_version(ix->fdt) < 0x10)
		return fdt_get_name(ix->fdt, ix->off[k], NULL);
	return (const char *)ix->fdt + fdt_off_dt_struct(ix->fdt) + ix->off[k] + FDT_TAGSIZE;
}

const void *cell__fdt_ix_prop(const struct cell__fdt_index *ix, size_t i,
			      const char **name, int *len)
{
	const char *p = (const char *)ix->fdt + fdt_off_dt_struct(ix->fdt) + ix->poff[i];

	*name = (const char *)ix->fdt + fdt_off_dt_strings(ix->fdt) + ix->pname[i];
	/* The index's offsets passed the check: from version 16 the header
	 * is read where it is. */
	if (fdt_version(ix->fdt) < 0x10)
		return cell__fdt_prop_value(ix->fdt, ix->poff[i], NULL, len);
	*len = (int)CELL__FDT_PROP32(p, len);
	return CELL__FDT_PROP_DATA(p);
}

/* fdt_get_phandle() of node @k from its located properties. */
uint32_t cell__fdt_ix_phandle(const struct cell__fdt_index *ix, size_t k)
{
	static const int which[] = { CELL__FDT_HOT_PHANDLE, CELL__FDT_HOT_LINUX_PHANDLE };
	size_t i;

	for (i = 0; i < 2; i++) {
		int len, off = ix->hot[k][which[i]];
		const fdt32_t *v = off < 0 ? NULL : cell__fdt_prop_value(ix->fdt, off, NULL, &len);

		if (v && len == (int)sizeof(*v))
			return fdt32_ld(v);
	}
	return 0;
}

static bool ix_has_ph(const struct cell__fdt_index *ix, uint32_t ph)
{
	struct cell__hmap_it it;
	void *v;

	for (v = cell__hmap_first(&ix->by_ph, ph_hash(ph), &it); v;
	     v = cell__hmap_next(&ix->by_ph, &it))
		if (cell__fdt_ix_phandle(ix, (uintptr_t)v - 1) == ph)
			return true;
	return false;
}

/*
 * First capacity of an index array: one entry per @per bytes of structure
 * block (about what real trees have per node, 128, and per property, 24),
 * so that most trees are indexed without growing an array.
 */
static size_t ix_guess(const void *fdt, size_t per)
{
	return fdt_size_dt_struct(fdt) / per + 64;
}

/* A new node at @off, child of position @parent, @depth below the root. */
static int ix_node(struct cell__fdt_index *ix, int off, int parent, int depth,
		   size_t *cap)
{
	int h;

	/* Separate arrays, not one of structs: lookups binary-search the
	 * offsets alone (an array of structs measured 40% slower). */
	if (ix->n == *cap) {
		size_t nc = *cap ? *cap * 2 : ix_guess(ix->fdt, 128);
		int *o = realloc(ix->off, nc * sizeof(*o));
		int32_t (*hot)[CELL__FDT_HOT_N];
		uint32_t *pf;

		if (!o)
			return -1;
		ix->off = o;
		o = realloc(ix->parent, nc * sizeof(*o));
		if (!o)
			return -1;
		ix->parent = o;
		o = realloc(ix->depth, nc * sizeof(*o));
		if (!o)
			return -1;
		ix->depth = o;
		o = realloc(ix->sib, nc * sizeof(*o));
		if (!o)
			return -1;
		ix->sib = o;
		hot = realloc(ix->hot, nc * sizeof(*hot));
		if (!hot)
			return -1;
		ix->hot = hot;
		/* One more: the end of the last node's properties. */
		pf = realloc(ix->pfirst, (nc + 1) * sizeof(*pf));
		if (!pf)
			return -1;
		ix->pfirst = pf;
		*cap = nc;
	}
	ix->pfirst[ix->n] = (uint32_t)ix->np;
	ix->off[ix->n] = off;
	ix->parent[ix->n] = parent;
	ix->depth[ix->n] = depth;
	ix->sib[ix->n] = -1;
	for (h = 0; h < CELL__FDT_HOT_N; h++)
		ix->hot[ix->n][h] = -1;
	ix->n++;
	return 0;
}

/* Another own property of the last node: at @off, named at string @no. */
static int ix_prop(struct cell__fdt_index *ix, int off, uint32_t no, size_t *cap)
{
	if (ix->np == *cap) {
		size_t nc = *cap ? *cap * 2 : ix_guess(ix->fdt, 24);
		int32_t *o = realloc(ix->poff, nc * sizeof(*o));
		uint32_t *nm;

		if (!o)
			return -1;
		ix->poff = o;
		nm = realloc(ix->pname, nc * sizeof(*nm));
		if (!nm)
			return -1;
		ix->pname = nm;
		*cap = nc;
	}
	ix->poff[ix->np] = off;
	ix->pname[ix->np++] = no;
	return 0;
}

/*
 * libfdt 1.6.1 (Debian 12) fdt_check_full() dereferences NULL when
 * fdt_get_name() fails on the root node (a version < 16 blob, whose node
 * names are full paths, with no '/' in it: found by fuzz_dt_discover), so
 * the node and property names are walked first with the bounded accessors;
 * structure errors are left for fdt_check_full() to name. It also loops for
 * ever on a tag that does not advance (a property length of -12 wraps the
 * offset back onto its own tag: found by fuzz_linux), so that is refused
 * here.
 *
 * With @ix the same walk indexes the blob: nodes, parents, siblings, each
 * node's own properties (the ones before its first subnode, which are all
 * libfdt's lookups see) and the first of each located one. Property names
 * are checked and classified once per string-table offset. Returns 0 or
 * the libfdt error of the names check; an index that cannot be built (out
 * of memory, too deep) is left inactive, which is not an error.
 */
static int walk(const void *fdt, struct cell__fdt_index *ix)
{
	int stack[CELL__FDT_MAX_DEPTH], depth = -1, off = 0, next, ret = 0, h;
	int last[CELL__FDT_MAX_DEPTH];	/* last node begun at each depth */
	uint32_t strsize = fdt_size_dt_strings(fdt), tag, no;
	/* per string offset: 0 unchecked, 1 other name, 2 + enum cell__fdt_hot */
	int8_t *cls = calloc(strsize + 1, 1);
	bool own = false;		/* still in the current node's properties */
	bool ok = ix && cls;		/* the index is still being built */
	size_t cap = 0, pcap = 0;

	if (ix) {
		memset(ix, 0, sizeof(*ix));
		ix->fdt = fdt;
	}
	for (;;) {
		tag = fdt_next_tag(fdt, off, &next);
		if (tag == FDT_END) {
			ok = ok && next >= 0 && depth == -1 && ix->n;
			break;
		}
		if (next <= off) {
			ret = -FDT_ERR_BADSTRUCTURE;
			break;
		}
		switch (tag) {
		case FDT_BEGIN_NODE:
			if (!fdt_get_name(fdt, off, NULL)) {
				ret = -FDT_ERR_BADSTRUCTURE;
				goto out;
			}
			if (!ok)
				break;
			if (++depth >= CELL__FDT_MAX_DEPTH || (depth == 0 && ix->n) ||
			    ix_node(ix, off, depth ? stack[depth - 1] : -1, depth, &cap)) {
				ok = false;
				break;
			}
			stack[depth] = (int)ix->n - 1;
			if (depth && last[depth] >= 0)
				ix->sib[last[depth]] = stack[depth];
			last[depth] = stack[depth];
			if (depth + 1 < CELL__FDT_MAX_DEPTH)
				last[depth + 1] = -1;
			own = true;
			break;
		case FDT_END_NODE:
			if (ok && depth-- < 0)
				ok = false;
			own = false;
			break;
		case FDT_PROP: {
			const struct fdt_property *p = fdt_offset_ptr(fdt, off, sizeof(*p));

			if (!p) {
				ret = -FDT_ERR_BADSTRUCTURE;
				goto out;
			}
			no = CELL__FDT_PROP32(p, nameoff);
			/* Before version 17 a name may lie past size_dt_strings
			 * (libfdt then bounds it by the blob): checked each time,
			 * and left to libfdt's lookups. */
			if (!cls || no >= strsize || !cls[no]) {
				const char *name = fdt_get_string(fdt, (int)no, NULL);

				if (!name) {
					ret = -FDT_ERR_BADSTRUCTURE;
					goto out;
				}
				if (cls && no < strsize) {
					h = hot_of(name);
					cls[no] = (int8_t)(h < 0 ? 1 : 2 + h);
				}
			}
			if (!ok || depth < 0 || no >= strsize) {
				ok = false;
				break;
			}
			if (!own)
				break;
			h = cls[no] - 2;
			if (h >= 0 && ix->hot[stack[depth]][h] < 0)
				ix->hot[stack[depth]][h] = off;
			if (ix_prop(ix, off, no, &pcap))
				ok = false;
			break;
		}
		case FDT_NOP:
			break;
		default:
			ok = false;
			break;
		}
		off = next;
	}
out:
	free(cls);
	if (ok && !ret)
		ix->pfirst[ix->n] = (uint32_t)ix->np;
	else if (ix)
		cell__fdt_index_free(ix);
	return ret;
}

/* The first node of each phandle, as fdt_node_offset_by_phandle() finds
 * it; the blob has passed fdt_check_full(). */
static void index_phandles(struct cell__fdt_index *ix)
{
	size_t k;

	for (k = 0; k < ix->n; k++) {
		uint32_t ph = cell__fdt_ix_phandle(ix, k);

		if (ph && ph != (uint32_t)-1 && !ix_has_ph(ix, ph) &&
		    cell__hmap_add(&ix->by_ph, ph_hash(ph), (void *)(uintptr_t)(k + 1))) {
			cell__fdt_index_free(ix);
			return;
		}
	}
	ix->active = true;
}

int cell__fdt_check_blob(const void *fdt, size_t size, struct cell__fdt_index *ix)
{
	int ret;

	if (ix)
		memset(ix, 0, sizeof(*ix));
	if (size < sizeof(struct fdt_header))
		return -FDT_ERR_TRUNCATED;
	ret = fdt_check_header(fdt);
	if (ret)
		return ret;
	if (fdt_totalsize(fdt) > size)
		return -FDT_ERR_TRUNCATED;
	ret = walk(fdt, ix);
	if (!ret)
		ret = fdt_check_full(fdt, size);
	if (ret && ix)
		cell__fdt_index_free(ix);
	else if (ix && ix->n)
		index_phandles(ix);
	return ret;
}

int cell__fdt_check_indexed(cell_ctx *ctx, const void *fdt, size_t size,
			    struct cell__fdt_index *ix)
{
	int ret;

	if (ix)
		memset(ix, 0, sizeof(*ix));
	if (!fdt)
		return cell__err(ctx, -EINVAL, "device tree: no blob given");
	if (size < sizeof(struct fdt_header))
		return cell__err(ctx, -EBADMSG,
				 "device tree: %zu bytes is shorter than a header",
				 size);
	ret = cell__fdt_check_blob(fdt, size, ix);
	if (ret)
		return cell__err(ctx, -EBADMSG,
				 "device tree: invalid blob: %s",
				 fdt_strerror(ret));
	return 0;
}

int cell__fdt_check(cell_ctx *ctx, const void *fdt, size_t size)
{
	return cell__fdt_check_indexed(ctx, fdt, size, NULL);
}

void cell__fdt_scope_enter(struct cell__fdt_scope *s, const struct cell__fdt_index *ix)
{
	s->ix = ix;
	s->last = 0;
	s->prev = open_scope;
	open_scope = s;
}

void cell__fdt_scope_leave(struct cell__fdt_scope *s)
{
	open_scope = s->prev;
}

int cell__fdt_run_on(cell_ctx *ctx, const struct cell__fdt_index *ix,
		     int (*fn)(cell_ctx *ctx, const void *fdt, void *out), void *out)
{
	struct cell__fdt_scope s;
	int ret;

	cell__fdt_scope_enter(&s, ix);
	ret = fn(ctx, ix->fdt, out);
	cell__fdt_scope_leave(&s);
	return ret;
}

int cell__fdt_run_indexed(cell_ctx *ctx, const void *fdt, size_t size,
			  int (*fn)(cell_ctx *ctx, const void *fdt, void *out), void *out)
{
	struct cell__fdt_index ix;
	int ret = cell__fdt_check_indexed(ctx, fdt, size, &ix);

	if (ret)
		return ret;
	ret = cell__fdt_run_on(ctx, &ix, fn, out);
	cell__fdt_index_free(&ix);
	return ret;
}

/* The innermost scope on @fdt, NULL when none or its index is not built. */
static struct cell__fdt_scope *ix_of(const void *fdt)
{
	struct cell__fdt_scope *s;

	for (s = open_scope; s; s = s->prev)
		if (s->ix->fdt == fdt)
			return s->ix->active ? s : NULL;
	return NULL;
}

/* Position of the node at @node in @s's index, -1 when no node starts
 * there. Walks ask for the node after the last one, lookups for the same one. */
static long ix_find(struct cell__fdt_scope *s, int node)
{
	const struct cell__fdt_index *ix = s->ix;
	size_t lo = 0, hi = ix->n, last = s->last;

	if (last < ix->n && ix->off[last] == node)
		return (long)last;
	if (last + 1 < ix->n && ix->off[last + 1] == node) {
		s->last = last + 1;
		return (long)last + 1;
	}

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->off[mid] < node)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= ix->n || ix->off[lo] != node)
		return -1;
	s->last = lo;
	return (long)lo;
}

/* Position of @node in the index in use on @fdt (*@ixp, NULL when none);
 * -1 when there is none or no node starts there: ask libfdt then. */
static long ix_at(const void *fdt, int node, const struct cell__fdt_index **ixp)
{
	struct cell__fdt_scope *sc = ix_of(fdt);

	*ixp = sc ? sc->ix : NULL;
	return sc ? ix_find(sc, node) : -1;
}

const void *cell__fdt_getprop(const void *fdt, int node, const char *name, int *lenp)
{
	const struct cell__fdt_index *ix;
	int h, off;
	long k;

	if ((k = ix_at(fdt, node, &ix)) < 0)
		return fdt_getprop(fdt, node, name, lenp);
	if ((h = hot_of(name)) >= 0) {
		off = ix->hot[k][h];
	} else {
		/* The first own property of that name, as libfdt's scan. */
		const char *strings = (const char *)fdt + fdt_off_dt_strings(fdt);
		uint32_t i;

		for (i = ix->pfirst[k], off = -1; i < ix->pfirst[k + 1] && off < 0; i++)
			if (!strcmp(strings + ix->pname[i], name))
				off = ix->poff[i];
	}
	if (off < 0) {
		if (lenp)
			*lenp = -FDT_ERR_NOTFOUND;
		return NULL;
	}
	return cell__fdt_prop_value(fdt, off, NULL, lenp);
}

int cell__fdt_stringlist_search(const void *fdt, int node, const char *prop,
				const char *s)
{
	size_t want = strlen(s) + 1;
	const char *list, *end;
	int len, idx = 0;

	list = cell__fdt_getprop(fdt, node, prop, &len);
	if (!list)
		return len;
	for (end = list + len; list < end; list += len, idx++) {
		len = (int)strnlen(list, (size_t)(end - list)) + 1;
		if (list + len > end)
			return -FDT_ERR_BADVALUE;
		if ((size_t)len == want && !memcmp(list, s, want))
			return idx;
	}
	return -FDT_ERR_NOTFOUND;
}

int cell__fdt_next_node(const void *fdt, int node, int *depth)
{
	const struct cell__fdt_index *ix;
	long k;

	k = ix_at(fdt, node, &ix);
	if (!ix || (node >= 0 && k < 0))
		return fdt_next_node(fdt, node, depth);
	if (node < 0) {
		if (depth)
			(*depth)++;
		return ix->off[0];
	}
	if ((size_t)k + 1 >= ix->n)
		return -FDT_ERR_NOTFOUND;
	if (depth)
		*depth += ix->depth[k + 1] - ix->depth[k];
	return ix->off[k + 1];
}

int cell__fdt_first_subnode(const void *fdt, int node)
{
	const struct cell__fdt_index *ix;
	long k;

	if ((k = ix_at(fdt, node, &ix)) < 0)
		return fdt_first_subnode(fdt, node);
	if ((size_t)k + 1 < ix->n && ix->parent[k + 1] == k)
		return ix->off[k + 1];
	return -FDT_ERR_NOTFOUND;
}

int cell__fdt_next_subnode(const void *fdt, int node)
{
	const struct cell__fdt_index *ix;
	long k;

	if ((k = ix_at(fdt, node, &ix)) < 0)
		return fdt_next_subnode(fdt, node);
	return ix->sib[k] >= 0 ? ix->off[ix->sib[k]] : -FDT_ERR_NOTFOUND;
}

const char *cell__fdt_stringlist_get(const void *fdt, int node, const char *prop, int idx)
{
	const char *list, *end;
	int len;

	list = cell__fdt_getprop(fdt, node, prop, &len);
	if (!list || idx < 0)
		return NULL;
	for (end = list + len; list < end; list += len) {
		len = (int)strnlen(list, (size_t)(end - list)) + 1;
		if (list + len > end)
			return NULL;
		if (!idx--)
			return list;
	}
	return NULL;
}

uint32_t cell__fdt_get_phandle(const void *fdt, int node)
{
	const struct cell__fdt_index *ix;
	long k;

	if ((k = ix_at(fdt, node, &ix)) < 0)
		return fdt_get_phandle(fdt, node);
	return cell__fdt_ix_phandle(ix, (size_t)k);
}

/* fdt_get_path() from the index: 0, or -1 to leave it to libfdt. */
static int ix_path(struct cell__fdt_scope *sc, int node, char *buf, size_t len)
{
	const struct cell__fdt_index *ix = sc->ix;
	int chain[CELL__FDT_MAX_DEPTH];
	size_t depth = 0, need = 1, off = 0;
	long k = ix_find(sc, node);

	if (k < 0)
		return -1;
	for (; ix->parent[k] >= 0; k = ix->parent[k]) {
		int l;

		if (!fdt_get_name(ix->fdt, ix->off[k], &l) || depth == CELL__FDT_MAX_DEPTH)
			return -1;
		chain[depth++] = ix->off[k];
		need += 1 + (size_t)l;
	}
	if (!depth)
		need = 2;
	/* libfdt wants room for the whole path and its NUL. */
	if (need > len)
		return -1;
	buf[0] = '/';
	buf[1] = 0;
	while (depth--) {
		int l;
		const char *name = fdt_get_name(ix->fdt, chain[depth], &l);

		buf[off++] = '/';
		memcpy(buf + off, name, (size_t)l);
		off += (size_t)l;
		buf[off] = 0;
	}
	return 0;
}

const char *cell__fdt_path(const void *fdt, int node, char *buf, size_t len)
{
	struct cell__fdt_scope *sc = ix_of(fdt);

	if (!len)
		return buf;
	if (sc && !ix_path(sc, node, buf, len))
		return buf;
	if (fdt_get_path(fdt, node, buf, len > INT32_MAX ? INT32_MAX : (int)len))
		snprintf(buf, len, "<node at offset %d>", node);
	return buf;
}

uint64_t cell__fdt_read64(const void *p, unsigned int n)
{
	const uint8_t *b = p;
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		v = v << 32 | fdt32_ld((const fdt32_t *)(const void *)(b + 4 * i));
	return v;
}

int cell__fdt_parent(const void *fdt, int node)
{
	const struct cell__fdt_index *ix;
	int stack[CELL__FDT_MAX_DEPTH], cur, depth = 0;
	long k;

	if (node <= 0)
		return node == 0 ? -FDT_ERR_NOTFOUND : -FDT_ERR_BADOFFSET;
	if ((k = ix_at(fdt, node, &ix)) >= 0)
		return ix->parent[k] >= 0 ? ix->off[ix->parent[k]] : -FDT_ERR_NOTFOUND;
	/* One forward scan (libfdt's fdt_parent_offset() makes two). */
	for (cur = fdt_next_node(fdt, -1, &depth); cur >= 0 && cur <= node;
	     cur = fdt_next_node(fdt, cur, &depth)) {
		if (depth < 0 || depth >= CELL__FDT_MAX_DEPTH)
			return fdt_parent_offset(fdt, node);
		stack[depth] = cur;
		if (cur == node)
			return depth ? stack[depth - 1] : -FDT_ERR_NOTFOUND;
	}
	return -FDT_ERR_BADOFFSET;
}

int cell__fdt_u32(cell_ctx *ctx, const void *fdt, int node, const char *name,
		  uint32_t dflt, uint32_t max, uint32_t *out)
{
	char path[CELL__FDT_PATH_MAX];
	const void *p;
	uint32_t v;
	int len;

	p = cell__fdt_getprop(fdt, node, name, &len);
	if (!p) {
		if (len != -FDT_ERR_NOTFOUND)
			return cell__err(ctx, -EINVAL, "%s: cannot read %s: %s",
					 PATH(node, path), name,
					 fdt_strerror(len));
		*out = dflt;
		return 0;
	}
	if (len != 4)
		return cell__err(ctx, -EINVAL,
				 "%s: %s is %d bytes, expected one cell (4)",
				 PATH(node, path), name, len);
	v = fdt32_ld(p);
	if (v > max)
		return cell__err(ctx, -EINVAL,
				 "%s: %s = %u is not supported (0..%u)",
				 PATH(node, path), name, v, max);
	*out = v;
	return 1;
}

int cell__fdt_cells(cell_ctx *ctx, const void *fdt, int node,
		    uint32_t *ac, uint32_t *sc)
{
	uint32_t a = 0, s = 0;
	int ret;

	ret = cell__fdt_u32(ctx, fdt, node, "#address-cells", 2,
			    CELL__FDT_MAX_CELLS, &a);
	if (ret < 0)
		return ret;
	ret = cell__fdt_u32(ctx, fdt, node, "#size-cells", 1,
			    CELL__FDT_MAX_CELLS, &s);
	if (ret < 0)
		return ret;
	*ac = a;
	*sc = s;
	return 0;
}

int cell__fdt_parent_cells(cell_ctx *ctx, const void *fdt, int node,
			   uint32_t *ac, uint32_t *sc)
{
	char path[CELL__FDT_PATH_MAX];
	int parent = cell__fdt_parent(fdt, node);

	if (parent < 0)
		return cell__err(ctx, -EINVAL, "%s: node has no parent bus",
				 PATH(node, path));
	return cell__fdt_cells(ctx, fdt, parent, ac, sc);
}

int cell__fdt_interrupt_cells(cell_ctx *ctx, const void *fdt, int node,
			      uint32_t *out)
{
	char path[CELL__FDT_PATH_MAX];
	uint32_t v;
	int ret;

	ret = cell__fdt_u32(ctx, fdt, node, "#interrupt-cells", 0, 8, &v);
	if (ret < 0)
		return ret;
	if (ret == 0)
		return cell__err(ctx, -ENOENT, "%s: no #interrupt-cells",
				 PATH(node, path));
	*out = v;
	return 0;
}

int cell__fdt_msi_cells(cell_ctx *ctx, const void *fdt, int node,
			uint32_t *out)
{
	int ret = cell__fdt_u32(ctx, fdt, node, "#msi-cells", 0, 8, out);

	return ret < 0 ? ret : 0;
}

/* Size in bytes of one `reg` entry of @node; sets the parent's cells. */
static int reg_layout(cell_ctx *ctx, const void *fdt, int node, int parent,
		      uint32_t *ac, uint32_t *sc, const void **prop, int *count)
{
	char path[CELL__FDT_PATH_MAX];
	const void *p;
	int len, ret;
	uint32_t entry;

	if (parent < 0)
		return cell__err(ctx, -EINVAL, "%s: node has no parent bus",
				 PATH(node, path));
	ret = cell__fdt_cells(ctx, fdt, parent, ac, sc);
	if (ret)
		return ret;
	p = cell__fdt_getprop(fdt, node, "reg", &len);
	if (!p) {
		if (len != -FDT_ERR_NOTFOUND)
			return cell__err(ctx, -EINVAL, "%s: cannot read reg: %s",
					 PATH(node, path), fdt_strerror(len));
		*prop = NULL;
		*count = 0;
		return 0;
	}
	entry = 4 * (*ac + *sc);
	if (!entry)
		return cell__err(ctx, -EINVAL,
				 "%s: reg present but parent has #address-cells = #size-cells = 0",
				 PATH(node, path));
	if (len % entry)
		return cell__err(ctx, -EINVAL,
				 "%s: reg is %d bytes, not a multiple of %u (%u address + %u size cells): truncated",
				 PATH(node, path), len, entry, *ac, *sc);
	*prop = p;
	*count = len / (int)entry;
	return 0;
}

int cell__fdt_reg_count(cell_ctx *ctx, const void *fdt, int node)
{
	const void *p;
	uint32_t ac = 0, sc = 0;
	int count = 0, ret;

	ret = reg_layout(ctx, fdt, node, cell__fdt_parent(fdt, node), &ac, &sc,
			 &p, &count);
	return ret ? ret : count;
}

/* Decode @sc size cells at @p, refusing values above 64 bits. */
static int read_size(cell_ctx *ctx, const void *fdt, int node,
		     const char *prop, const uint8_t *p, uint32_t sc,
		     uint64_t *out)
{
	char path[CELL__FDT_PATH_MAX];
	uint32_t i;

	for (i = 0; i + 2 < sc; i++)
		if (fdt32_ld((const fdt32_t *)(const void *)(p + 4 * i)))
			return cell__err(ctx, -ERANGE,
					 "%s: %s size does not fit in 64 bits",
					 PATH(node, path), prop);
	*out = sc > 2 ? cell__fdt_read64(p + 4 * (sc - 2), 2)
		      : cell__fdt_read64(p, sc);
	return 0;
}

static void read_addr(const uint8_t *p, uint32_t ac, struct cell__fdt_addr *a)
{
	uint32_t i;

	memset(a, 0, sizeof(*a));
	a->cells = ac;
	for (i = 0; i < ac; i++)
		a->w[i] = fdt32_ld((const fdt32_t *)(const void *)(p + 4 * i));
}

/* cell__fdt_reg() with @node's parent already known. */
static int reg_at(cell_ctx *ctx, const void *fdt, int node, int parent,
		  int idx, struct cell__fdt_addr *addr, uint64_t *size)
{
	char path[CELL__FDT_PATH_MAX];
	struct cell__fdt_addr a;
	const uint8_t *p;
	const void *prop = NULL;
	uint32_t ac = 0, sc = 0;
	uint64_t s;
	int count = 0, ret;

	ret = reg_layout(ctx, fdt, node, parent, &ac, &sc, &prop, &count);
	if (ret)
		return ret;
	if (idx < 0 || idx >= count)
		return cell__err(ctx, -ENOENT, "%s: reg has %d entries, no entry %d",
				 PATH(node, path), count, idx);
	p = (const uint8_t *)prop + (size_t)idx * 4 * (ac + sc);
	read_addr(p, ac, &a);
	ret = read_size(ctx, fdt, node, "reg", p + 4 * ac, sc, &s);
	if (ret)
		return ret;
	*addr = a;
	*size = s;
	return 0;
}

int cell__fdt_reg(cell_ctx *ctx, const void *fdt, int node, int idx,
		  struct cell__fdt_addr *addr, uint64_t *size)
{
	return reg_at(ctx, fdt, node, cell__fdt_parent(fdt, node), idx, addr,
		      size);
}

int cell__fdt_is_pci_bus(const void *fdt, int node)
{
	const char *t;
	int len;

	t = cell__fdt_getprop(fdt, node, "device_type", &len);
	if (!t || len < 1 || t[len - 1] != '\0')
		return 0;
	return !strcmp(t, "pci") || !strcmp(t, "pciex");
}

/* Low 64 bits of an address; sets *hi_nonzero when cells above are set. */
static uint64_t addr_low64(const struct cell__fdt_addr *a, int skip_first,
			   int *hi_nonzero)
{
	uint32_t i, top = a->cells > 2 ? a->cells - 2 : 0;
	uint64_t v = 0;

	*hi_nonzero = 0;
	for (i = skip_first ? 1 : 0; i < top; i++)
		if (a->w[i])
			*hi_nonzero = 1;
	for (i = top; i < a->cells; i++)
		v = v << 32 | a->w[i];
	return v;
}

/*
 * Map @a (child space of @bus) into the space of @bus's parent through one
 * `ranges` property. Returns 0 and fills *out, or a negative errno.
 */
static int map_one(cell_ctx *ctx, const void *fdt, int bus, int parent,
		   const struct cell__fdt_addr *a, struct cell__fdt_addr *out)
{
	char path[CELL__FDT_PATH_MAX];
	uint32_t ac, sc, pac, psc, i, n, entry;
	const uint8_t *r;
	int len, ret, pci, hi;
	uint64_t lo;

	ret = cell__fdt_cells(ctx, fdt, bus, &ac, &sc);
	if (ret)
		return ret;
	ret = cell__fdt_cells(ctx, fdt, parent, &pac, &psc);
	if (ret)
		return ret;
	if (a->cells != ac)
		return cell__err(ctx, -EINVAL,
				 "%s: address of %u cells in a bus of #address-cells = %u",
				 PATH(bus, path), a->cells, ac);
	pci = ac == 3 && cell__fdt_is_pci_bus(fdt, bus);
	lo = addr_low64(a, pci, &hi);
	r = cell__fdt_getprop(fdt, bus, "ranges", &len);
	if (!r) {
		if (len != -FDT_ERR_NOTFOUND)
			return cell__err(ctx, -EINVAL, "%s: cannot read ranges: %s",
					 PATH(bus, path), fdt_strerror(len));
		return cell__err(ctx, -ERANGE,
				 "%s: no ranges property: its child addresses are not CPU-addressable",
				 PATH(bus, path));
	}
	if (len == 0) {
		/* Identity: same value, re-expressed in the parent's cells. */
		if (pac < 2 && lo >> (32 * pac))
			hi = 1;
		if (hi && pac <= 2)
			return cell__err(ctx, -ERANGE,
					 "%s: address does not fit the parent's %u address cells",
					 PATH(bus, path), pac);
		memset(out, 0, sizeof(*out));
		out->cells = pac;
		for (i = 0; i < pac && i < 2; i++)
			out->w[pac - 1 - i] = (uint32_t)(lo >> (32 * i));
		if (pac > 2 && !pci)
			for (i = 0; i + 2 < pac && i + 2 < a->cells; i++)
				out->w[pac - 3 - i] = a->w[a->cells - 3 - i];
		return 0;
	}
	entry = 4 * (ac + pac + sc);
	if (!entry || len % entry)
		return cell__err(ctx, -EINVAL,
				 "%s: ranges is %d bytes, not a multiple of %u (%u child + %u parent + %u size cells): truncated",
				 PATH(bus, path), len, entry, ac, pac, sc);
	n = (uint32_t)len / entry;
	for (i = 0; i < n; i++, r += entry) {
		struct cell__fdt_addr c, p;
		uint64_t clo, plo, size;
		int chi, phi, match = 1;
		uint32_t k;

		read_addr(r, ac, &c);
		read_addr(r + 4 * ac, pac, &p);
		ret = read_size(ctx, fdt, bus, "ranges", r + 4 * (ac + pac), sc,
				&size);
		if (ret)
			return ret;
		clo = addr_low64(&c, pci, &chi);
		if (pci) {
			uint32_t as = CELL__PCI_SPACE(a->w[0]);
			uint32_t cs = CELL__PCI_SPACE(c.w[0]);

			/* MEM32 and MEM64 windows are both memory. */
			if ((as >= 2) != (cs >= 2) || (as < 2 && as != cs))
				match = 0;
		} else {
			for (k = 0; k + 2 < ac; k++)
				if (a->w[k] != c.w[k])
					match = 0;
		}
		if (!match || lo < clo || lo - clo >= size)
			continue;
		plo = addr_low64(&p, 0, &phi);
		if (plo + (lo - clo) < plo)
			return cell__err(ctx, -ERANGE,
					 "%s: translated address overflows 64 bits",
					 PATH(bus, path));
		plo += lo - clo;
		if (pac < 2 && plo >> (32 * pac))
			return cell__err(ctx, -ERANGE,
					 "%s: translated address 0x%llx does not fit the parent's %u address cells",
					 PATH(bus, path), (unsigned long long)plo, pac);
		*out = p;
		for (k = 0; k < pac && k < 2; k++)
			out->w[pac - 1 - k] = (uint32_t)(plo >> (32 * k));
		return 0;
	}
	return cell__err(ctx, -ERANGE,
			 "%s: address 0x%llx is outside every ranges window",
			 PATH(bus, path), (unsigned long long)lo);
}

int cell__fdt_translate(cell_ctx *ctx, const void *fdt, int bus,
			const struct cell__fdt_addr *addr, uint64_t *cpu)
{
	char path[CELL__FDT_PATH_MAX];
	struct cell__fdt_addr a = *addr, next;
	int depth = 0, ret, hi;
	uint64_t v;

	if (a.cells > CELL__FDT_MAX_CELLS)
		return cell__err(ctx, -EINVAL, "%s: address of %u cells",
				 PATH(bus, path), a.cells);
	while (bus > 0) {
		int parent = cell__fdt_parent(fdt, bus);

		/* libfdt bounds the depth, this only guards against misuse. */
		if (++depth > CELL__FDT_MAX_DEPTH)
			return cell__err(ctx, -ELOOP, "%s: tree too deep",
					 PATH(bus, path));
		if (parent < 0)
			return cell__err(ctx, -EINVAL,
					 "%s: cannot find the parent node: %s",
					 PATH(bus, path), fdt_strerror(parent));
		ret = map_one(ctx, fdt, bus, parent, &a, &next);
		if (ret)
			return ret;
		a = next;
		bus = parent;
	}
	v = addr_low64(&a, 0, &hi);
	if (hi)
		return cell__err(ctx, -ERANGE,
				 "%s: CPU address wider than 64 bits",
				 PATH(bus, path));
	*cpu = v;
	return 0;
}

int cell__fdt_reg_cpu(cell_ctx *ctx, const void *fdt, int node, int idx,
		      uint64_t *cpu, uint64_t *size)
{
	int ret, parent = cell__fdt_parent(fdt, node);
	struct cell__fdt_addr a;
	uint64_t s, c;

	ret = reg_at(ctx, fdt, node, parent, idx, &a, &s);
	if (ret)
		return ret;
	ret = cell__fdt_translate(ctx, fdt, parent, &a, &c);
	if (ret)
		return ret;
	*cpu = c;
	*size = s;
	return 0;
}

int cell__fdt_by_phandle(const void *fdt, uint32_t phandle)
{
	struct cell__fdt_scope *sc = ix_of(fdt);
	const struct cell__fdt_index *ix = sc ? sc->ix : NULL;
	struct cell__hmap_it it;
	void *v;

	if (!ix)
		return fdt_node_offset_by_phandle(fdt, phandle);
	if (phandle == 0 || phandle == (uint32_t)-1)
		return -FDT_ERR_BADPHANDLE;
	for (v = cell__hmap_first(&ix->by_ph, ph_hash(phandle), &it); v;
	     v = cell__hmap_next(&ix->by_ph, &it))
		if (cell__fdt_ix_phandle(ix, (uintptr_t)v - 1) == phandle)
			return ix->off[(uintptr_t)v - 1];
	return -FDT_ERR_NOTFOUND;
}

int cell__fdt_phandle(cell_ctx *ctx, const void *fdt, uint32_t phandle,
		      int user, const char *prop, int *out)
{
	char path[CELL__FDT_PATH_MAX];
	int node;

	if (phandle == 0 || phandle == (uint32_t)-1)
		return cell__err(ctx, -EINVAL, "%s: %s: invalid phandle 0x%x",
				 PATH(user, path), prop, phandle);
	node = cell__fdt_by_phandle(fdt, phandle);
	if (node < 0)
		return cell__err(ctx, -ENOENT,
				 "%s: %s: phandle 0x%x refers to no node",
				 PATH(user, path), prop, phandle);
	*out = node;
	return 0;
}

int cell__fdt_interrupt_parent(cell_ctx *ctx, const void *fdt, int node,
			       int *out)
{
	char path[CELL__FDT_PATH_MAX];
	int cur = node, steps, ret, len;
	const void *p;

	for (steps = 0; steps < CELL__FDT_MAX_CHAIN; steps++) {
		int holder = cur, target = -1;	/* set by cell__fdt_phandle() on success */

		/* The nearest ancestor (or self) carrying interrupt-parent. */
		while (holder >= 0 &&
		       !(p = cell__fdt_getprop(fdt, holder, "interrupt-parent", &len)))
			holder = cell__fdt_parent(fdt, holder);
		if (holder < 0)
			return cell__err(ctx, -ENOENT,
					 "%s: no interrupt-parent in the node or its ancestors",
					 PATH(node, path));
		if (len != 4)
			return cell__err(ctx, -EINVAL,
					 "%s: interrupt-parent is %d bytes, expected 4",
					 PATH(holder, path), len);
		ret = cell__fdt_phandle(ctx, fdt, fdt32_ld(p), holder,
					"interrupt-parent", &target);
		if (ret)
			return ret;
		if (cell__fdt_getprop(fdt, target, "interrupt-controller", NULL) ||
		    cell__fdt_getprop(fdt, target, "interrupt-map", NULL)) {
			*out = target;
			return 0;
		}
		cur = target;
	}
	return cell__err(ctx, -ELOOP,
			 "%s: interrupt-parent chain longer than %d (loop?)",
			 PATH(node, path), CELL__FDT_MAX_CHAIN);
}

int cell__fdt_enabled(const void *fdt, int node)
{
	const char *s;
	int len;

	s = cell__fdt_getprop(fdt, node, "status", &len);
	if (!s)
		return 1;
	if (len < 1 || s[len - 1] != '\0')
		return 0;
	return !strcmp(s, "okay") || !strcmp(s, "ok");
}

void cell__fdt_compat(const void *fdt, int node, char *buf, size_t len)
{
	const char *s;
	int plen;

	if (!len)
		return;
	buf[0] = '\0';
	s = cell__fdt_getprop(fdt, node, "compatible", &plen);
	if (s && plen > 0)
		snprintf(buf, len, "%.*s", (int)strnlen(s, (size_t)plen), s);
}

int cell__fdt_gic_version(const void *fdt, int node)
{
#define GIC(s, v) { s, sizeof(s) - 1, v }
	static const struct {
		const char *name;
		size_t len;
		int version;
	} gics[] = {
		GIC("arm,gic-v3", 3), GIC("qcom,msm8996-gic-v3", 3),
		GIC("arm,gic-400", 2), GIC("arm,cortex-a15-gic", 2),
		GIC("arm,cortex-a9-gic", 2), GIC("arm,cortex-a7-gic", 2),
		GIC("arm,cortex-a5-gic", 2), GIC("arm,arm11mp-gic", 2),
		GIC("arm,arm1176jzf-devchip-gic", 2), GIC("arm,eb11mp-gic", 2),
		GIC("arm,pl390", 2), GIC("arm,tc11mp-gic", 2),
		GIC("qcom,msm-8660-qgic", 2), GIC("qcom,msm-qgic2", 2),
	};
#undef GIC
	const char *c, *end;
	size_t i, l;
	int len;

	/* One property lookup per node: this runs on every node of a tree.
	 * The first listed string that names a GIC decides. */
	c = cell__fdt_getprop(fdt, node, "compatible", &len);
	if (!c || len <= 0)
		return 0;
	for (end = c + len; c < end; c += l + 1) {
		l = strnlen(c, (size_t)(end - c));
		if (l == (size_t)(end - c))
			break; /* unterminated: not a string */
		for (i = 0; i < sizeof(gics) / sizeof(gics[0]); i++)
			if (gics[i].len == l && !memcmp(c, gics[i].name, l))
				return gics[i].version;
	}
	return 0;
}

int cell__fdt_gic_intid(const uint32_t *spec, uint32_t ncells,
			uint32_t *intid)
{
	uint32_t n;

	if (ncells < 2)
		return -EINVAL;
	n = spec[1];
	switch (spec[0]) {
	case 0: /* SPI */
		if (n >= 988)
			return -EINVAL;
		*intid = 32 + n;
		return 0;
	case 1: /* PPI */
		if (n >= 16)
			return -EINVAL;
		*intid = 16 + n;
		return 0;
	case 2: /* extended SPI */
		if (n >= 1024)
			return -EINVAL;
		*intid = 4096 + n;
		return 0;
	case 3: /* extended PPI */
		if (n >= 64)
			return -EINVAL;
		*intid = 1056 + n;
		return 0;
	}
	return -EINVAL;
}
