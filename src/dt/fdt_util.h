/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private device-tree helpers on top of libfdt, shared by the GIC/PCI
 * discovery and the handoff code. Never installed.
 *
 * Conventions:
 *  - Every function that can fail takes a cell_ctx, returns 0 (or a count /
 *    presence flag where documented) or a negative errno, and records a
 *    message naming the node path and property. Out-params are written only
 *    on success.
 *  - The blob must have passed cell__fdt_check() first: later helpers trust
 *    the structure block and only validate property contents.
 *  - "Cells" follow the DT spec: a node's own `reg` is decoded with its
 *    PARENT's #address-cells (default 2) / #size-cells (default 1); addresses
 *    are 0..4 cells, sizes 0..4 cells whose value must fit in 64 bits.
 *  - A bus address becomes a CPU physical address by walking every ancestor's
 *    `ranges`: empty = identity, absent = the bus is not memory-mapped
 *    (error). On a PCI bus (device_type "pci"/"pciex", 3 address cells) the
 *    child address is phys.hi + 64-bit address: the 64-bit parts are compared
 *    and the space type must agree (I/O with I/O, memory with memory).
 *
 * Errors: -EINVAL malformed property (bad cell count, truncated, phandle 0),
 * -EBADMSG blob fails fdt_check_full, -ENOENT missing node/phandle target,
 * -ERANGE address or size not representable / no `ranges` window matches,
 * -ELOOP phandle chain too long.
 */
#ifndef LIBCELL_FDT_UTIL_H
#define LIBCELL_FDT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <libfdt.h>

#include "hmap.h"
#include "internal.h"

/* Field @f of the property header at @p, which need not be aligned (a
 * blob's structure block may start anywhere): read bytes, not members. */
#define CELL__FDT_PROP32(p, f)						\
	cell__fdt_rd32((const char *)(p) + offsetof(struct fdt_property, f))
#define CELL__FDT_PROP_DATA(p)						\
	((const void *)((const char *)(p) + offsetof(struct fdt_property, data)))

static inline uint32_t cell__fdt_rd32(const void *p)
{
	fdt32_t v;

	memcpy(&v, p, sizeof(v));
	return fdt32_to_cpu(v);
}

/* Largest #address-cells / #size-cells accepted (the libfdt limit). */
#define CELL__FDT_MAX_CELLS 4
/* Bound on interrupt-parent / nexus chains followed before giving up. */
#define CELL__FDT_MAX_CHAIN 32
/* Buffer size that holds any path cell__fdt_path() produces. */
#define CELL__FDT_PATH_MAX 256

/* A bus address of 0..4 cells, most significant cell first. */
struct cell__fdt_addr {
	uint32_t cells;
	uint32_t w[CELL__FDT_MAX_CELLS];
};

/* PCI phys.hi space codes (bits 25:24). */
#define CELL__PCI_SPACE_CONFIG 0u
#define CELL__PCI_SPACE_IO     1u
#define CELL__PCI_SPACE_MEM32  2u
#define CELL__PCI_SPACE_MEM64  3u
#define CELL__PCI_SPACE(hi)    (((hi) >> 24) & 3u)
#define CELL__PCI_PREFETCH(hi) (((hi) >> 30) & 1u)

/*
 * Validate a blob of @size bytes with fdt_check_full() (header, size fits,
 * structure, strings). Call before any other helper.
 */
int cell__fdt_check(cell_ctx *ctx, const void *fdt, size_t size);

struct cell__fdt_index;

/*
 * The check behind cell__fdt_check(): 0 or a negative libfdt error code.
 * Use it instead of fdt_check_full() on untrusted blobs (see fdt_util.c).
 * @ix, when not NULL, receives the blob's index as cell__fdt_check_indexed().
 */
int cell__fdt_check_blob(const void *fdt, size_t size, struct cell__fdt_index *ix);

/*
 * Index of one blob, built in one pass: the node offsets in document order,
 * each node's parent, where each node's common properties are (enum
 * cell__fdt_hot) and the first node of each phandle (as libfdt's scans
 * answer). While a scope holds it on this thread, cell__fdt_parent(),
 * cell__fdt_phandle(), cell__fdt_path() and the cell__fdt_getprop() family
 * on that blob answer from it
 * instead of scanning the blob from its start, which made discovery
 * quadratic. It only accelerates: a blob it cannot index (out of memory,
 * nested deeper than the helpers follow) is answered by the scans, with the
 * same results. The blob must have passed cell__fdt_check() and must not
 * change while the index exists; scopes nest and leave in reverse order.
 */
/* Properties the index locates in every node (see fdt_util.c). */
enum cell__fdt_hot {
	CELL__FDT_HOT_COMPATIBLE, CELL__FDT_HOT_STATUS, CELL__FDT_HOT_DEVICE_TYPE,
	CELL__FDT_HOT_PHANDLE, CELL__FDT_HOT_LINUX_PHANDLE,
	CELL__FDT_HOT_INTERRUPT_PARENT, CELL__FDT_HOT_ADDRESS_CELLS,
	CELL__FDT_HOT_SIZE_CELLS, CELL__FDT_HOT_INTERRUPT_CELLS, CELL__FDT_HOT_REG,
	CELL__FDT_HOT_RANGES, CELL__FDT_HOT_INTERRUPT_CONTROLLER,
	CELL__FDT_HOT_INTERRUPT_MAP, CELL__FDT_HOT_MSI_CONTROLLER,
	CELL__FDT_HOT_N
};

struct cell__fdt_index {
	const void *fdt;
	int *off;			/* node offsets, ascending */
	int *parent;			/* position of each node's parent, -1 for the root */
	int *depth;			/* levels below the root */
	int *sib;			/* position of the next sibling, -1 for the last */
	int32_t (*hot)[CELL__FDT_HOT_N];	/* offset of each located property, -1 */
	uint32_t *pfirst;		/* each node's own properties: [pfirst[k], pfirst[k + 1]) */
	int32_t *poff;			/* per own property: its offset */
	uint32_t *pname;		/* per own property: its name's string offset */
	size_t n, np;
	struct cell__hmap by_ph;	/* phandle -> position + 1 */
	bool active;			/* built; false: answer by scans */
};

/*
 * An index in use on this thread. The index itself is only read, so one
 * (a cell_dt's) may serve several threads; what a walk remembers lives here.
 */
struct cell__fdt_scope {
	const struct cell__fdt_index *ix;
	size_t last;			/* position last looked up */
	struct cell__fdt_scope *prev;
};

/*
 * cell__fdt_check(), indexing the blob into @ix in the same walk. On
 * failure @ix is empty; a blob that passes but cannot be indexed (out of
 * memory, nested too deep) leaves @ix inactive, so lookups scan.
 */
int cell__fdt_check_indexed(cell_ctx *ctx, const void *fdt, size_t size,
			    struct cell__fdt_index *ix);
void cell__fdt_index_free(struct cell__fdt_index *ix);

/* Answer lookups on @ix->fdt from @ix on this thread until the leave. */
void cell__fdt_scope_enter(struct cell__fdt_scope *s, const struct cell__fdt_index *ix);
void cell__fdt_scope_leave(struct cell__fdt_scope *s);

/*
 * fdt_getprop_by_offset() (@name may be NULL) of a blob that passed
 * fdt_check_full(), which bounds every property: from version 16 (values
 * unaligned) the header is read directly instead of walking the tag again.
 */
const void *cell__fdt_prop_value(const void *fdt, int off, const char **name, int *lenp);

/* fdt_get_name() of node @k of an active index: from version 16 a node's
 * tag holds its name, read directly. */
const char *cell__fdt_ix_name(const struct cell__fdt_index *ix, size_t k);

/* fdt_get_phandle() of node @k of an active index. */
uint32_t cell__fdt_ix_phandle(const struct cell__fdt_index *ix, size_t k);

/* Own property @i of an active index (see pfirst): its name and value. */
const void *cell__fdt_ix_prop(const struct cell__fdt_index *ix, size_t i,
			      const char **name, int *len);

/* cell__fdt_check() @fdt, then @fn(ctx, fdt, out) with its index open. */
int cell__fdt_run_indexed(cell_ctx *ctx, const void *fdt, size_t size,
			  int (*fn)(cell_ctx *ctx, const void *fdt, void *out), void *out);

/* @fn(ctx, ix->fdt, out) on an index built earlier (a checked blob). */
int cell__fdt_run_on(cell_ctx *ctx, const struct cell__fdt_index *ix,
		     int (*fn)(cell_ctx *ctx, const void *fdt, void *out), void *out);

/* The public cell_dt: a private copy of a checked blob and its index. */
struct cell_dt {
	void *blob;
	size_t size;			/* fdt_totalsize() of the blob */
	struct cell__fdt_index ix;
};

/*
 * Path of @node into @buf (always NUL-terminated); on failure (path too
 * long) "<node at offset N>". Returns @buf, for use in messages.
 */
const char *cell__fdt_path(const void *fdt, int node, char *buf, size_t len);

/* Deepest node nesting the helpers follow (libfdt's own limit is lower). */
#define CELL__FDT_MAX_DEPTH 64

/*
 * Parent of @node like fdt_parent_offset() (negative libfdt error for the
 * root or a bad offset), in one scan instead of two.
 */
int cell__fdt_parent(const void *fdt, int node);

/* Value of @n big-endian cells at @p (n <= 2). */
uint64_t cell__fdt_read64(const void *p, unsigned int n);

/*
 * Cells a node declares for its children: #address-cells (default 2, 0..4)
 * and #size-cells (default 1, 0..4).
 */
int cell__fdt_cells(cell_ctx *ctx, const void *fdt, int node,
		    uint32_t *ac, uint32_t *sc);

/* Cells the parent of @node declares, i.e. the ones @node's `reg` uses. */
int cell__fdt_parent_cells(cell_ctx *ctx, const void *fdt, int node,
			   uint32_t *ac, uint32_t *sc);

/*
 * A 32-bit cell property such as "#interrupt-cells": returns 1 and sets
 * *out when present, 0 when absent (*out = @dflt), negative when not
 * exactly 4 bytes or larger than @max.
 */
int cell__fdt_u32(cell_ctx *ctx, const void *fdt, int node, const char *name,
		  uint32_t dflt, uint32_t max, uint32_t *out);

/* #interrupt-cells of @node (required: -ENOENT when absent; 0..8). */
int cell__fdt_interrupt_cells(cell_ctx *ctx, const void *fdt, int node,
			      uint32_t *out);

/* #msi-cells of @node (0 when absent; 0..8). */
int cell__fdt_msi_cells(cell_ctx *ctx, const void *fdt, int node,
			uint32_t *out);

/*
 * Number of entries in @node's `reg` (0 when absent); -EINVAL when the
 * length is not a multiple of the parent's entry size ("truncated").
 */
int cell__fdt_reg_count(cell_ctx *ctx, const void *fdt, int node);

/* Entry @idx of @node's `reg` as a bus address (parent's cells) + size. */
int cell__fdt_reg(cell_ctx *ctx, const void *fdt, int node, int idx,
		  struct cell__fdt_addr *addr, uint64_t *size);

/* Entry @idx of @node's `reg` translated to a CPU physical address. */
int cell__fdt_reg_cpu(cell_ctx *ctx, const void *fdt, int node, int idx,
		      uint64_t *cpu, uint64_t *size);

/*
 * Translate @addr, an address in the child address space of @bus (so its
 * cells are @bus's #address-cells), to a CPU physical address through the
 * `ranges` of @bus and every ancestor of it.
 */
int cell__fdt_translate(cell_ctx *ctx, const void *fdt, int bus,
			const struct cell__fdt_addr *addr, uint64_t *cpu);

/* True when @node is a PCI bus: device_type "pci" or "pciex". */
int cell__fdt_is_pci_bus(const void *fdt, int node);

/* fdt_getprop(), fdt_stringlist_search() and fdt_get_phandle(), from the
 * open index when there is one and the property is one it locates. */
const void *cell__fdt_getprop(const void *fdt, int node, const char *name, int *lenp);
int cell__fdt_stringlist_search(const void *fdt, int node, const char *prop,
				const char *s);
uint32_t cell__fdt_get_phandle(const void *fdt, int node);
/* fdt_next_node() (with its @depth counting), from the open index. */
int cell__fdt_next_node(const void *fdt, int node, int *depth);
/* fdt_first_subnode() and fdt_next_subnode(), from the open index. */
int cell__fdt_first_subnode(const void *fdt, int node);
int cell__fdt_next_subnode(const void *fdt, int node);
#define cell__fdt_for_each_subnode(node, fdt, parent)			\
	for ((node) = cell__fdt_first_subnode((fdt), (parent)); (node) >= 0; \
	     (node) = cell__fdt_next_subnode((fdt), (node)))
/* fdt_stringlist_get() without its length, from the open index. */
const char *cell__fdt_stringlist_get(const void *fdt, int node, const char *prop, int idx);

/* fdt_node_offset_by_phandle(), from the open index when there is one. */
int cell__fdt_by_phandle(const void *fdt, uint32_t phandle);

/*
 * Node of @phandle. @user/@prop name the referencing node and property in
 * the message. -EINVAL for phandle 0 / 0xffffffff, -ENOENT when no node has it.
 */
int cell__fdt_phandle(cell_ctx *ctx, const void *fdt, uint32_t phandle,
		      int user, const char *prop, int *out);

/*
 * Interrupt parent of @node: `interrupt-parent` of the node or its nearest
 * ancestor that has one, resolved; a target that is neither an
 * interrupt-controller nor an interrupt nexus (interrupt-map) is followed
 * through its own interrupt parent, at most CELL__FDT_MAX_CHAIN steps
 * (-ELOOP beyond, which catches phandle loops). -ENOENT when none.
 */
int cell__fdt_interrupt_parent(cell_ctx *ctx, const void *fdt, int node,
			       int *out);

/* Node enabled: status absent, "okay" or "ok". */
int cell__fdt_enabled(const void *fdt, int node);

/* First `compatible` string of @node into @buf ("" when none). */
void cell__fdt_compat(const void *fdt, int node, char *buf, size_t len);

/*
 * GIC architecture version from @node's compatible: 3 (GICv3/v4), 2
 * (GICv1/v2 family), 0 when @node is not a GIC.
 */
int cell__fdt_gic_version(const void *fdt, int node);

/*
 * INTID of a GIC interrupt specifier <type number flags [...]>: SPI n ->
 * 32 + n, PPI n -> 16 + n, extended SPI n -> 4096 + n, extended PPI n ->
 * 1056 + n. -EINVAL (no message) for fewer than 2 cells, an unknown type or
 * a number outside the type's range.
 */
int cell__fdt_gic_intid(const uint32_t *spec, uint32_t ncells,
			uint32_t *intid);

#endif /* LIBCELL_FDT_UTIL_H */
