/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file dt.h
 * @brief Device-tree handoff: move PCIe host bridges and the GICv3 ITS they
 *        use from a host (root cell) device tree into an inmate device tree.
 *
 * The selected host bridges and every ITS named by their `msi-parent` /
 * `msi-map` leave the host tree (deleted, or kept with status "disabled").
 * In the inmate tree each ITS becomes a child of the inmate's GICv3 (which
 * gains `#address-cells`, `#size-cells` and `ranges` when missing; every
 * `interrupt-map` targeting that GIC is re-encoded for the new parent
 * unit-address width) and each host bridge is placed at the root with its
 * `reg`, `ranges` and `dma-ranges` parent-address fields re-encoded from CPU
 * addresses. Phandles are mapped by identity: host GIC to inmate GIC, moved
 * nodes to fresh numbers unused in the inmate; every phandle-bearing property
 * is rewritten; GIC specifiers are converted between the two GICs'
 * `#interrupt-cells` (e.g. RK3588's 4 cells to 3). `dma-coherent` inherited
 * from the old parent bus is made explicit. `/aliases`,
 * `/chosen/stdout-path` and `/__symbols__` are kept coherent in both trees.
 * When the inmate ends up with several PCI host bridges (e.g. Jailhouse's
 * virtual one), each gets a distinct `linux,pci-domain`, grafted bridges
 * taking the lowest free numbers. Memory reservations stay with their tree.
 * A `__local_fixups__` tree (dtc -L) is used to find phandles in properties
 * the built-in schema does not know, and is rebuilt exactly in each output
 * whose input had one (and in an inmate that receives `__fixups__` entries
 * from a host that had one). `__fixups__` (dtc -@ on a plugin: references
 * to labels the tree does not define) is kept coherent: the placeholder
 * cells it lists are left untouched and never reported as dangling; entries
 * of moved nodes move to the inmate's `/__fixups__` under the new path
 * (merged per label, no duplicates), entries of deleted host nodes or
 * dropped properties leave the host (emptied labels and an emptied node
 * go); disabled host nodes keep theirs. A placeholder in a property that
 * would be re-encoded (interrupt-map, interrupts-extended, interrupts,
 * reg / ranges / dma-ranges of a moved root) is refused (-ENOTSUP).
 *
 * References that cannot follow (clocks, resets, PHYs, an SMMU the inmate
 * lacks, other users of a moved ITS left in the host, ...) are reported and
 * make the call fail with -EBUSY unless a policy flag resolves them.
 * Input buffers are never modified; equal inputs give byte-identical outputs.
 */
#ifndef LIBCELL_DT_H
#define LIBCELL_DT_H

#include <libcell/common.h>

CELL_BEGIN_DECL

/** @defgroup dt Device-tree handoff
 *  @{ */

/**
 * @brief Check a device tree once and index it for the calls that take a
 *        cell_dt: cell_dt_gic_discover(), cell_dt_pci_discover() and
 *        cell_dt_handoff_trees() then skip the check and the scans that
 *        the blob entry points (cell_gic_discover(), ...) repeat per call.
 *        Results are the same as those of the blob entry points.
 * @param ctx error context (not kept by the handle).
 * @param fdt the DTB; copied, so the caller may free or change it afterwards.
 * @param size bytes available at @p fdt.
 * @param[out] out the handle, released with cell_dt_free(); written only on
 *        success. A handle is only read by the calls that take it, so
 *        several threads may use one at once (each with its own context).
 * @return 0; -EINVAL NULL argument; -EBADMSG the blob fails
 *         fdt_check_full() or is shorter than a header (message names the
 *         libfdt error); -ENOMEM.
 */
CELL_API int cell_dt_new(cell_ctx *ctx, const void *fdt, size_t size, cell_dt **out);

/** @brief Free a handle. NULL is a no-op. */
CELL_API void cell_dt_free(cell_dt *dt);

/**
 * @brief The handle's copy of the blob.
 * @param dt handle. @param[out] size its size in bytes (may be NULL).
 * @return the blob, owned by @p dt; NULL for a NULL @p dt.
 */
CELL_API const void *cell_dt_blob(const cell_dt *dt, size_t *size);

/** Result of a handoff: two new blobs and a report. */
typedef struct cell_handoff cell_handoff;

/** @name Handoff flags (struct cell_handoff_opts::flags)
 *  @{ */
/** Keep removed host nodes with status = "disabled" instead of deleting them
 *  (references into them then stay valid). */
#define CELL_HANDOFF_DISABLE_HOST	0x1u
/** Drop properties whose references cannot follow (outward ones from the
 *  grafted copy, inward ones from the host) instead of refusing. */
#define CELL_HANDOFF_DROP_UNRESOLVED	0x2u
/** Keep a moved ITS in the host (status "disabled") when other host nodes
 *  still reference it, instead of refusing. */
#define CELL_HANDOFF_KEEP_SHARED_ITS	0x4u
/** Analyse only: always report, never refuse, produce no blobs. */
#define CELL_HANDOFF_DRY_RUN		0x8u
/** @} */

/** Options; initialise with CELL_HANDOFF_OPTS_INIT. */
struct cell_handoff_opts {
	uint32_t size;	/**< sizeof(struct cell_handoff_opts) of the caller */
	uint32_t flags;	/**< CELL_HANDOFF_* flags */
};

/* A C initialiser, not a constant: guarded so binding generators that read
 * only top-level constants skip it (they set .size themselves). */
#ifndef CELL_HANDOFF_OPTS_INIT
/** Initialiser of struct cell_handoff_opts. */
#define CELL_HANDOFF_OPTS_INIT { sizeof(struct cell_handoff_opts), 0 }
#endif

/** @name Report item kinds (struct cell_handoff_item::kind)
 *  Actions are below 100, problems from 100.
 *  @{ */
#define CELL_HANDOFF_MOVED_NODE		1u  /**< path (host) grafted at target (inmate) */
#define CELL_HANDOFF_REMOVED_NODE	2u  /**< host node deleted */
#define CELL_HANDOFF_DISABLED_NODE	3u  /**< host node kept, status "disabled" */
#define CELL_HANDOFF_REWROTE_PROP	4u  /**< property re-encoded */
#define CELL_HANDOFF_DROPPED_PROP	5u  /**< property removed */
#define CELL_HANDOFF_ADDED_PROP		6u  /**< property added */
#define CELL_HANDOFF_RENUMBERED		7u  /**< phandle old_phandle -> new_phandle */
#define CELL_HANDOFF_REMOVED_ALIAS	8u  /**< alias / symbol / stdout-path entry removed */
#define CELL_HANDOFF_ADDED_ALIAS	9u  /**< alias / symbol entry added */
#define CELL_HANDOFF_OVERLAP		10u /**< grafted window overlaps an inmate node (warning) */
#define CELL_HANDOFF_UNRESOLVED		100u /**< moved node references a node that stays */
#define CELL_HANDOFF_INBOUND		101u /**< staying host node references a moved node */
#define CELL_HANDOFF_UNDECODABLE	102u /**< property cannot be decoded or re-encoded */
/** @} */

/** Which tree a report item's path is in: the host tree. */
#define CELL_HANDOFF_TREE_HOST		0u
/** Which tree a report item's path is in: the inmate tree. */
#define CELL_HANDOFF_TREE_INMATE	1u

/**
 * One report item. Strings are NUL-terminated, truncated if longer.
 * Items about a moved node's properties name the node by its host path
 * (tree CELL_HANDOFF_TREE_HOST); its inmate path is the @c target of the
 * node's CELL_HANDOFF_MOVED_NODE item.
 */
struct cell_handoff_item {
	uint32_t kind;		/**< CELL_HANDOFF_* kind */
	uint32_t tree;		/**< CELL_HANDOFF_TREE_* of @c path */
	uint32_t old_phandle;	/**< RENUMBERED: number in the host tree */
	uint32_t new_phandle;	/**< RENUMBERED: number in the inmate tree */
	uint32_t resolved;	/**< problems: 1 when a policy flag handled it */
	char path[256];		/**< node */
	char prop[64];		/**< property, "" when none */
	char target[256];	/**< referenced node / new path / detail, "" when none */
};

/**
 * @brief Hand PCIe host bridges and their ITS from @p host to @p inmate.
 * @param ctx error context.
 * @param host host blob of @p host_size bytes (not modified).
 * @param host_size size of @p host in bytes.
 * @param inmate inmate blob of @p inmate_size bytes (not modified).
 * @param inmate_size size of @p inmate in bytes.
 * @param pcie_paths @p npaths absolute host paths of PCI host bridges
 *        (device_type "pci"); @p npaths 0 selects every enabled host bridge.
 * @param npaths number of entries in @p pcie_paths.
 * @param opts options (NULL = defaults); opts->size must be at least 8.
 * @param[out] out the result, released with cell_handoff_free(); written only
 *        on success.
 * @return 0; -EINVAL bad argument, malformed blob, path that is not a PCI
 *         host bridge; -ENOENT path absent or nothing to hand off (no enabled
 *         PCI host bridge); -ENODEV the inmate has no GICv3; -EEXIST the
 *         inmate already has a node of the grafted name; -ERANGE an address
 *         does not fit the destination cells or has no translation;
 *         -EINVAL also a `__fixups__` entry that is not
 *         "/path:property:offset" naming an aligned cell of an existing
 *         property; -ENOTSUP a `__fixups__` placeholder in a property the
 *         handoff re-encodes (message names node, property, byte, label);
 *         -EBUSY unresolved references (message names the first ones; use
 *         CELL_HANDOFF_DRY_RUN for the full report); -ENOMEM.
 */
CELL_API int cell_dt_handoff(cell_ctx *ctx, const void *host, size_t host_size,
			     const void *inmate, size_t inmate_size,
			     const char *const *pcie_paths, size_t npaths,
			     const struct cell_handoff_opts *opts,
			     cell_handoff **out);

/**
 * @brief cell_dt_handoff() on trees opened with cell_dt_new().
 *
 * Same result, report and errors as cell_dt_handoff() on the handles'
 * blobs, without checking them again; neither handle is changed, so both
 * can serve further calls.
 * @param ctx error context.
 * @param host host tree. @param inmate inmate tree.
 * @param pcie_paths as for cell_dt_handoff(). @param npaths likewise.
 * @param opts likewise. @param[out] out likewise.
 * @return as cell_dt_handoff(); -EINVAL also a NULL handle.
 */
CELL_API int cell_dt_handoff_trees(cell_ctx *ctx, const cell_dt *host,
				   const cell_dt *inmate,
				   const char *const *pcie_paths, size_t npaths,
				   const struct cell_handoff_opts *opts,
				   cell_handoff **out);

/** @brief Free a result. NULL is a no-op. */
CELL_API void cell_handoff_free(cell_handoff *h);

/**
 * @brief New host blob.
 * @param h result. @param[out] size its size in bytes (may be NULL).
 * @return the blob owned by @p h, NULL for a dry run.
 */
CELL_API const void *cell_handoff_host_blob(const cell_handoff *h, size_t *size);

/**
 * @brief New inmate blob.
 * @param h result. @param[out] size its size in bytes (may be NULL).
 * @return the blob owned by @p h, NULL for a dry run.
 */
CELL_API const void *cell_handoff_inmate_blob(const cell_handoff *h, size_t *size);

/** @brief Number of report items (actions and problems) in @p h. */
CELL_API size_t cell_handoff_count(const cell_handoff *h);

/**
 * @brief Copy report item @p idx into @p out.
 * @return 0; -EINVAL for NULL arguments; -ERANGE for @p idx out of range.
 */
CELL_API int cell_handoff_get(const cell_handoff *h, size_t idx,
			      struct cell_handoff_item *out);

/** @brief Number of problems in @p h not resolved by a policy flag. */
CELL_API size_t cell_handoff_unresolved(const cell_handoff *h);

/** @brief Short name of a report kind ("moved-node", ...); "unknown" otherwise. */
CELL_API const char *cell_handoff_kind_name(uint32_t kind);

/**
 * @brief The report as a JSON object {"actions": [...], "problems": [...]}.
 * @param ctx error context. @param h result.
 * @param[out] out NUL-terminated text, free with cell_free().
 * @return 0; -EINVAL for NULL arguments; -ENOMEM.
 */
CELL_API int cell_handoff_report_json(cell_ctx *ctx, const cell_handoff *h,
				      char **out);

/**
 * @brief Write the new blobs atomically (temporary file + rename).
 * @param ctx error context. @param h result (not a dry run).
 * @param host_path file for the host blob, NULL to skip.
 * @param inmate_path file for the inmate blob, NULL to skip.
 * @return 0; -EINVAL for NULL @p h or a dry-run result; errors of the file
 *         system (-EACCES, -ENOSPC, ...), the message naming the file.
 */
CELL_API int cell_handoff_save(cell_ctx *ctx, const cell_handoff *h,
			       const char *host_path, const char *inmate_path);

/** @} */

CELL_END_DECL

#endif /* LIBCELL_DT_H */
