/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private in-memory device tree used by the handoff: libfdt offsets are
 * invalidated by every write, and the handoff moves subtrees between blobs
 * and rewrites many properties, so it parses each blob once into this model,
 * edits pointers, and serialises with libfdt's sequential-write API. Output
 * order is the model's order, so equal inputs give byte-identical blobs.
 *
 * A parsed tree is indexed (phandle -> node, (parent, name) -> child, each
 * node's place among its siblings), so that lookups and walks cost O(1) per
 * step instead of a scan of the tree. A node's kids enter the name index
 * once it has more than a few (it becomes wide); a few are scanned faster
 * than hashed. The tree functions below keep the index current; rename a
 * node only while it is detached.
 */
#ifndef LIBCELL_DT_TREE_H
#define LIBCELL_DT_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmap.h"
#include "internal.h"

/*
 * Names and values parsed from a blob point into it (the blob outlives the
 * tree: both live within one handoff call); what an edit sets is a copy the
 * tree owns. A clone shares what its original borrowed.
 */
#define CELL__DT_OWN_NAME 1u
#define CELL__DT_OWN_VAL  2u

/*
 * A parse allocates its nodes, their property arrays and their kid arrays
 * in one block, freed with the tree: what of a node lives there. An array
 * that outgrows its place moves to the heap.
 */
#define CELL__DT_IN_BLOCK_NODE  1u
#define CELL__DT_IN_BLOCK_PROPS 2u
#define CELL__DT_IN_BLOCK_KIDS  4u

struct cell__dt_prop {
	const char *name;
	const uint8_t *val;
	uint32_t len;
	uint8_t own;			/* CELL__DT_OWN_* */
	/* The reference schema's rule for the name, once refs.c looked it
	 * up (a pure function of the name, asked several times per pass):
	 * refs.c's number for it, 0 for none. */
	bool rule_known;
	uint16_t rule;
};

/* Counts are 32-bit (a blob's size bounds them), so that a node of a
 * large tree takes 72 bytes. */
struct cell__dt_node {
	const char *name;		/* "" for the root */
	struct cell__dt_node *parent;
	struct cell__dt_prop *props;
	struct cell__dt_node **kids;
	struct cell__dt_tree *tree;	/* the tree, on its root only */
	uint32_t nprops, cap_props;
	uint32_t nkids, cap_kids;
	uint32_t idx;			/* place in parent->kids */
	uint32_t ph;			/* phandle in the index, 0 when none */
	uint32_t mark;			/* scratch for algorithms */
	bool own_name;
	bool wide;			/* its kids are in the index's by_name */
	uint8_t in_block;		/* CELL__DT_IN_BLOCK_* */
};

struct cell__dt_rsv {
	uint64_t addr, size;
};

struct cell__dt_tree {
	struct cell__dt_node *root;
	void *block;			/* the parse's nodes and arrays */
	struct cell__dt_rsv *rsv;
	size_t nrsv;
	uint32_t boot_cpuid;
	/* Accelerators: when one could not grow (out of memory) both are
	 * dropped and lookups scan the tree as before. */
	bool indexed;
	struct cell__hmap by_ph;	/* phandle -> node */
	struct cell__hmap by_name;	/* (parent, name) -> node, for the kids
					 * of wide nodes: narrow ones are scanned */
	bool ph_clash;			/* two indexed nodes had one phandle */
	/* Reference rule by name pointer, for borrowed names only: those
	 * point into an input blob, unchanged while the tree lives. */
	struct cell__dt_rule_memo {
		const char *name;
		uint16_t rule;
	} rule_memo[256];
};

struct cell__fdt_index;

/* Parse a blob that passed fdt_check_full(); @what names it in errors. The
 * tree borrows names and values from @fdt, which must outlive it. @ix, when
 * not NULL, is an index of @fdt (used when active, instead of a walk). */
int cell__dt_parse(cell_ctx *ctx, const void *fdt, const struct cell__fdt_index *ix,
		   const char *what, struct cell__dt_tree **out);
void cell__dt_free(struct cell__dt_tree *t);
/* Serialise to a compact blob (malloc'ed). */
int cell__dt_build(cell_ctx *ctx, const struct cell__dt_tree *t,
		   void **out, size_t *size);

/* Deep copy of @n and its subtree, detached (parent NULL). */
struct cell__dt_node *cell__dt_clone(const struct cell__dt_node *n);
void cell__dt_node_free(struct cell__dt_node *n);
/* Append @kid (detached) to @parent. */
int cell__dt_add_child(struct cell__dt_node *parent, struct cell__dt_node *kid);
/* New empty child named @name. */
struct cell__dt_node *cell__dt_new_child(struct cell__dt_node *parent,
					 const char *name);
/* Rename a detached node. */
int cell__dt_rename(struct cell__dt_node *n, const char *name);
/* Detach @n from its parent and free it with its subtree. */
void cell__dt_delete(struct cell__dt_node *n);

struct cell__dt_prop *cell__dt_prop(const struct cell__dt_node *n,
				    const char *name);
/* Set (replace or append) a property; @val may be NULL when @len is 0. */
int cell__dt_setprop(struct cell__dt_node *n, const char *name,
		     const void *val, uint32_t len);
int cell__dt_setprop_u32(struct cell__dt_node *n, const char *name, uint32_t v);
int cell__dt_setprop_str(struct cell__dt_node *n, const char *name,
			 const char *s);
/* Remove a property; false when absent. */
bool cell__dt_delprop(struct cell__dt_node *n, const char *name);

/* u32 property: true and *v when exactly 4 bytes, else false. */
bool cell__dt_u32(const struct cell__dt_node *n, const char *name, uint32_t *v);
/* #address-cells / #size-cells a node gives its children (defaults 2 / 1). */
uint32_t cell__dt_ac(const struct cell__dt_node *n);
uint32_t cell__dt_sc(const struct cell__dt_node *n);
/* True when the string-list property @name contains @s. */
bool cell__dt_has_str(const struct cell__dt_node *n, const char *name,
		      const char *s);
/* The node's phandle (phandle or linux,phandle), 0 when none. */
uint32_t cell__dt_phandle(const struct cell__dt_node *n);
/* Node of @ph anywhere in @t, NULL when none. */
struct cell__dt_node *cell__dt_by_phandle(const struct cell__dt_tree *t,
					  uint32_t ph);
/* Highest phandle used in @t (0 when none). */
uint32_t cell__dt_max_phandle(const struct cell__dt_tree *t);
/* Node at absolute @path (no aliases), NULL when none. */
struct cell__dt_node *cell__dt_lookup(const struct cell__dt_tree *t,
				      const char *path);
/* Full path of @n into @buf (truncated with "..." if too long). */
const char *cell__dt_path(const struct cell__dt_node *n, char *buf, size_t len);
/* True when @n is @anc or below it. */
bool cell__dt_is_under(const struct cell__dt_node *n,
		       const struct cell__dt_node *anc);
/* Child of @n named exactly @name. */
struct cell__dt_node *cell__dt_child(const struct cell__dt_node *n,
				     const char *name);

/* Depth-first pre-order walk: next node after @n (NULL at the end). */
struct cell__dt_node *cell__dt_next(const struct cell__dt_node *n);
/* Same but never leaves the subtree of @top. */
struct cell__dt_node *cell__dt_next_in(const struct cell__dt_node *n,
				       const struct cell__dt_node *top);

/* Big-endian cell access. */
static inline uint32_t cell__be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void cell__put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif /* LIBCELL_DT_TREE_H */
