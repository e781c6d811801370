/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Where the phandles are: a plain DTB does not mark which cells are
 * phandles, so references are found through a schema of phandle-bearing
 * properties (interrupt-parent, interrupts-extended, interrupt-map, msi-parent,
 * msi-map, iommu-map, clocks, resets, phys, power-domains, pinctrl-N,
 * *-gpios, *-supply, ...), decoding variable-width entries with the target's
 * #<x>-cells. Shared by the handoff and its tests' dangling-reference checker.
 */
#ifndef LIBCELL_DT_REFS_H
#define LIBCELL_DT_REFS_H

#include "tree.h"

/* One phandle cell found in a property. */
struct cell__dt_ref {
	struct cell__dt_node *node;	/* node holding the property */
	const char *prop;		/* property name */
	uint32_t cell;			/* index of the phandle cell */
	uint32_t phandle;
	struct cell__dt_node *target;	/* NULL when no node has it */
};

/* Return non-zero to stop the walk (the value is passed back). */
typedef int (*cell__dt_ref_fn)(void *arg, const struct cell__dt_ref *r);

/* True when @name is a phandle-bearing property of the schema. */
bool cell__dt_is_ref_prop(const char *name);

/*
 * Call @fn for every phandle in property @p of node @n (placeholders listed
 * by /__fixups__ excepted). Returns 0 when all were decoded, the callback's
 * value when it stopped the walk, -ENOMEM, or -EINVAL
 * with *@why set when the value could not be decoded (truncated entries,
 * a target without its #<x>-cells, or a missing target after which the
 * entry width is unknown; the missing target itself is still reported).
 */
int cell__dt_prop_refs(const struct cell__dt_tree *t, struct cell__dt_node *n,
		       const struct cell__dt_prop *p, cell__dt_ref_fn fn,
		       void *arg, const char **why);

/* True for nodes whose properties are not device properties (/__symbols__,
 * /__fixups__, /__local_fixups__ and below, /aliases). */
bool cell__dt_is_meta(const struct cell__dt_node *n);

/* One decoded interrupt-map entry; offsets and widths in cells. */
struct cell__dt_imap_ent {
	uint32_t off;		/* first cell of the entry */
	uint32_t child;		/* child unit address + child specifier cells */
	uint32_t phandle;
	struct cell__dt_node *parent;
	uint32_t pa, pi;	/* parent unit address / specifier cells */
};

/*
 * Decode @n's interrupt-map (child #address-cells default 2, parent
 * #address-cells default 0, #interrupt-cells required). *@out is malloc'ed
 * (NULL when empty). -EINVAL with *@why on malformed maps or missing parents,
 * -ENOMEM.
 */
int cell__dt_imap_parse(const struct cell__dt_tree *t,
			const struct cell__dt_node *n,
			struct cell__dt_imap_ent **out, size_t *count,
			const char **why);

/* Effective interrupt parent of @n (own or inherited interrupt-parent). */
struct cell__dt_node *cell__dt_irq_parent(const struct cell__dt_tree *t,
					  const struct cell__dt_node *n,
					  uint32_t *phandle);

/*
 * __local_fixups__ (dtc -L, overlays): a mirror tree whose properties list
 * the byte offsets of every phandle cell. It is exact, so it locates
 * phandles in properties the schema does not know.
 */

/* Offsets listed for property @prop of @n in @t's mirror, NULL when none. */
const struct cell__dt_prop *cell__dt_local_fixup(const struct cell__dt_tree *t,
						 const struct cell__dt_node *n,
						 const char *prop);

/* Like cell__dt_prop_refs for a property the schema does not cover, from
 * @t's __local_fixups__ (nothing when not listed). -EINVAL on bad offsets. */
int cell__dt_fixup_refs(const struct cell__dt_tree *t, struct cell__dt_node *n,
			const struct cell__dt_prop *p, cell__dt_ref_fn fn, void *arg);

/* Offsets for a property the schema does not cover (e.g. of a node grafted
 * from another tree), NULL to use @t's current mirror. */
typedef const struct cell__dt_prop *(*cell__dt_extra_fn)(void *arg,
							  const struct cell__dt_node *n,
							  const char *prop);

/* Replace @t's /__local_fixups__ by one describing its current content:
 * schema properties from a schema walk (resolved phandles only), the others
 * from @extra or the old mirror. 0 or -ENOMEM. */
int cell__dt_local_fixups_rebuild(struct cell__dt_tree *t, cell__dt_extra_fn extra,
				  void *arg);

/*
 * __fixups__ (dtc -@ on a /plugin/ source): one property per label the tree
 * references but does not define, listing "path:property:offset" strings;
 * each names a 32-bit placeholder cell (byte offset) that an overlay loader
 * fills in. Those cells are not phandles of the tree: every walk above
 * skips them.
 */

/* One placeholder cell of a property. */
struct cell__dt_ext {
	uint32_t cell;		/* index of the cell in the property */
	const char *label;	/* the __fixups__ property listing it */
};

/* Split entry @s (@len bytes, no NUL) into its path (s[0, *path_len)),
 * property (s[*prop_off, +*prop_len)) and decimal byte offset; false when
 * it is not of that form. */
bool cell__dt_fixup_entry(const char *s, size_t len, size_t *path_len,
			  size_t *prop_off, size_t *prop_len, uint32_t *offset);

/* True when @s (@len bytes) is exactly @n's absolute path. */
bool cell__dt_path_is(const struct cell__dt_node *n, const char *s, size_t len);

/* Placeholder cells @t's /__fixups__ lists for property @prop of @n, in
 * __fixups__ order; *@out is malloc'ed (NULL when none). Malformed entries
 * are ignored (the handoff validates them on load). 0 or -ENOMEM. */
int cell__dt_ext_cells(const struct cell__dt_tree *t, const struct cell__dt_node *n,
		       const char *prop, struct cell__dt_ext **out, size_t *count);

#endif /* LIBCELL_DT_REFS_H */
