/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file pci.h
 * @brief Discovery of PCI host bridges in a flattened device tree (DTB):
 *        config space, windows, bus range, domain, MSI routing and INTx.
 *
 * A host bridge is a node with device_type "pci" (or "pciex") whose parent
 * is not itself a PCI bus, or a node compatible with
 * "pci-host-ecam-generic" / "pci-host-cam-generic". Every address is a CPU
 * physical address (decoded with the parent's cells and translated through
 * every ancestor's `ranges`). `interrupt-map` entries are decoded with EACH
 * target's own \#address-cells (absent = 0) and \#interrupt-cells.
 *
 * The list keeps no pointer into the blob and borrows its ::cell_ctx.
 */
#ifndef LIBCELL_PCI_H
#define LIBCELL_PCI_H

#include <libcell/gic.h>

CELL_BEGIN_DECL

/** @defgroup pci PCI host discovery
 *  @{ */

/** @name Window space types (struct cell_pci_window::space, phys.hi bits 25:24)
 *  @{ */
#define CELL_PCI_SPACE_CONFIG	0u /**< configuration space */
#define CELL_PCI_SPACE_IO	1u /**< I/O space */
#define CELL_PCI_SPACE_MEM32	2u /**< 32-bit memory space */
#define CELL_PCI_SPACE_MEM64	3u /**< 64-bit memory space */
/** @} */

/** Most specifier cells kept for a parent interrupt or MSI specifier. */
#define CELL_PCI_MAX_CELLS	8

/** One host bridge. Flags are 0/1. */
struct cell_pci_host {
	char path[CELL_DT_PATH_MAX];		/**< node path */
	char compatible[CELL_DT_COMPAT_MAX];	/**< first compatible string */
	uint32_t enabled;	/**< status absent, "okay" or "ok" */
	uint32_t reg_count;	/**< `reg` entries (cell_pci_reg_get()) */
	uint32_t window_count;	/**< `ranges` entries (cell_pci_window_get()) */
	uint32_t msi_parent_count; /**< `msi-parent` entries */
	uint32_t msi_map_count;	/**< `msi-map` entries */
	uint32_t intx_count;	/**< `interrupt-map` entries */
	uint32_t has_bus_range;	/**< `bus-range` present */
	uint32_t bus_start;	/**< first bus number, valid when has_bus_range */
	uint32_t bus_end;	/**< last bus number, valid when has_bus_range */
	uint32_t has_domain;	/**< `linux,pci-domain` present */
	uint32_t domain;	/**< valid when has_domain */
	uint32_t has_msi_map_mask; /**< `msi-map-mask` present */
	uint32_t msi_map_mask;	/**< 0xffffffff when absent */
	uint32_t has_intx_mask;	/**< `interrupt-map-mask` present */
	uint32_t intx_mask[4];	/**< child unit address (3 cells) + pin mask */
};

/** One `reg` entry. */
struct cell_pci_reg {
	struct cell_dt_region region;	/**< CPU physical range */
	char name[32];	/**< matching `reg-names` entry, "" when none */
};

/** One `ranges` window. */
struct cell_pci_window {
	uint32_t space;		/**< CELL_PCI_SPACE_* */
	uint32_t prefetchable;	/**< phys.hi bit 30 */
	uint32_t pci_hi;	/**< raw phys.hi cell */
	uint32_t reserved;	/**< always 0 */
	uint64_t pci_address;	/**< bus-side address (phys.mid:phys.lo) */
	uint64_t cpu_address;	/**< CPU physical address */
	uint64_t size;		/**< bytes */
};

/** One `msi-parent` entry. */
struct cell_pci_msi_parent {
	char path[CELL_DT_PATH_MAX];	/**< MSI controller node */
	uint32_t phandle;	/**< as found in the property */
	uint32_t cell_count;	/**< specifier cells (\#msi-cells of the target) */
	uint32_t cells[CELL_PCI_MAX_CELLS]; /**< specifier */
};

/** One `msi-map` entry: RIDs rid_base.. +length map to out_base.. on target. */
struct cell_pci_msi_map {
	char path[CELL_DT_PATH_MAX];	/**< MSI controller node */
	uint32_t rid_base;	/**< first requester ID (after msi-map-mask) */
	uint32_t phandle;	/**< as found in the property */
	uint32_t out_base;	/**< first MSI specifier (e.g. ITS DeviceID) */
	uint32_t length;	/**< number of IDs */
};

/** @name Upstream kinds for INTx routed through a non-GIC controller
 *  @{ */
#define CELL_PCI_UPSTREAM_NONE	0u /**< unknown: report the parent only */
#define CELL_PCI_UPSTREAM_SPI	1u /**< parent has ONE GIC interrupt: gic_intid */
#define CELL_PCI_UPSTREAM_MSI	2u /**< parent signals by MSI (msi-parent) */
/** @} */

/** One `interrupt-map` entry (an INTx route). */
struct cell_pci_intx {
	uint32_t child_address[3];	/**< PCI unit address (phys.hi mid lo) */
	uint32_t pin;			/**< child specifier: 1..4 = INTA..INTD */
	char parent[CELL_DT_PATH_MAX];	/**< interrupt parent node */
	uint32_t parent_phandle;	/**< as found in the property */
	uint32_t parent_address_cells;	/**< its \#address-cells (absent = 0) */
	uint32_t parent_address[4];	/**< its unit address cells */
	uint32_t parent_cell_count;	/**< its \#interrupt-cells */
	uint32_t parent_cells[CELL_PCI_MAX_CELLS]; /**< parent specifier */
	uint32_t parent_is_gic;		/**< parent is a GIC */
	uint32_t has_gic_intid;		/**< gic_intid is valid */
	uint32_t gic_intid;		/**< INTID at the GIC (SPI n = 32 + n) */
	uint32_t upstream_kind;		/**< CELL_PCI_UPSTREAM_*, non-GIC parents */
	char upstream[CELL_DT_PATH_MAX]; /**< GIC or MSI controller beyond parent */
};

/** Result of a PCI host discovery. */
typedef struct cell_pci_list cell_pci_list;

/**
 * @brief Find every PCI host bridge of a device tree.
 * @param ctx  error context, borrowed by the list.
 * @param fdt  the DTB; only read, not needed after the call.
 * @param size bytes available at @p fdt.
 * @param[out] out the list (possibly empty); free with cell_pci_list_free().
 * @return 0; -EINVAL for NULL arguments or a malformed property (message
 *         names node and property: bad cells, truncated reg/ranges/
 *         interrupt-map/msi-map, missing \#interrupt-cells); -EBADMSG when the
 *         blob fails fdt_check_full(); -ERANGE when an address cannot be
 *         translated to a CPU address; -ENOENT for a dangling phandle;
 *         -ELOOP for an interrupt-parent loop; -ENOMEM.
 */
CELL_API int cell_pci_discover(cell_ctx *ctx, const void *fdt, size_t size,
			       cell_pci_list **out);

/**
 * @brief cell_pci_discover() on a tree opened with cell_dt_new(): the same
 *        list and errors, without checking the blob again.
 * @param ctx error context, borrowed by the list.
 * @param dt the tree; only read, not needed after the call.
 * @param[out] out the list; free with cell_pci_list_free().
 * @return as cell_pci_discover(); -EINVAL also a NULL handle.
 */
CELL_API int cell_dt_pci_discover(cell_ctx *ctx, const cell_dt *dt,
				  cell_pci_list **out);

/** @brief Free a list. NULL is a no-op. */
CELL_API void cell_pci_list_free(cell_pci_list *list);

/** @brief Number of host bridges in @p list (0 for NULL). */
CELL_API size_t cell_pci_count(const cell_pci_list *list);

/**
 * @brief Copy host bridge @p idx.
 * @return 0; -EINVAL for NULL; -ENOENT when @p idx is out of range.
 */
CELL_API int cell_pci_host_get(const cell_pci_list *list, size_t idx,
			       struct cell_pci_host *out);

/**
 * @brief `reg` entry @p i of host @p idx.
 * @return 0; -EINVAL for NULL; -ENOENT when an index is out of range.
 */
CELL_API int cell_pci_reg_get(const cell_pci_list *list, size_t idx, size_t i,
			      struct cell_pci_reg *out);

/**
 * @brief `ranges` window @p i of host @p idx.
 * @return 0; -EINVAL for NULL; -ENOENT when an index is out of range.
 */
CELL_API int cell_pci_window_get(const cell_pci_list *list, size_t idx,
				 size_t i, struct cell_pci_window *out);

/**
 * @brief `msi-parent` entry @p i of host @p idx.
 * @return 0; -EINVAL for NULL; -ENOENT when an index is out of range.
 */
CELL_API int cell_pci_msi_parent_get(const cell_pci_list *list, size_t idx,
				     size_t i, struct cell_pci_msi_parent *out);

/**
 * @brief `msi-map` entry @p i of host @p idx.
 * @return 0; -EINVAL for NULL; -ENOENT when an index is out of range.
 */
CELL_API int cell_pci_msi_map_get(const cell_pci_list *list, size_t idx,
				  size_t i, struct cell_pci_msi_map *out);

/**
 * @brief `interrupt-map` entry @p i of host @p idx.
 * @return 0; -EINVAL for NULL; -ENOENT when an index is out of range.
 */
CELL_API int cell_pci_intx_get(const cell_pci_list *list, size_t idx, size_t i,
			       struct cell_pci_intx *out);

/** @} */

CELL_END_DECL

#endif /* LIBCELL_PCI_H */
