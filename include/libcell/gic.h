/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file gic.h
 * @brief Discovery of ARM GIC interrupt controllers (v2/v3), their ITS
 *        children and the CPUs from a flattened device tree (DTB).
 *
 * Every address reported is a CPU physical address: each `reg` entry is
 * decoded with the parent's \#address-cells / \#size-cells and translated
 * through the `ranges` of every ancestor. Node unit addresses are never
 * used. The blob is validated with fdt_check_full() first; malformed
 * properties (bad cell counts, truncated `reg`, dangling phandles) fail the
 * discovery with a message naming the node and property.
 *
 * A list keeps no pointer into the blob: the blob may be freed after
 * discovery. The list borrows the ::cell_ctx it was created with.
 */
#ifndef LIBCELL_GIC_H
#define LIBCELL_GIC_H

#include <libcell/common.h>

CELL_BEGIN_DECL

/** @defgroup gic GIC discovery
 *  @{ */

/** Size of every node-path buffer in the device-tree structs. */
#define CELL_DT_PATH_MAX	256
/** Size of every compatible-string buffer in the device-tree structs. */
#define CELL_DT_COMPAT_MAX	64

/** A CPU physical address range. */
struct cell_dt_region {
	uint64_t base;	/**< CPU physical address */
	uint64_t size;	/**< bytes */
};

/** Default GICv3 redistributor frame (RD_base + SGI_base: 2 x 64 KiB). */
#define CELL_GIC_FRAME_V3	0x20000u
/** GICv4 redistributor frame (adds VLPI_base + reserved: 4 x 64 KiB). */
#define CELL_GIC_FRAME_V4	0x40000u

/** One GIC node. Flags are 0/1. */
struct cell_gic {
	char path[CELL_DT_PATH_MAX];		/**< node path */
	char compatible[CELL_DT_COMPAT_MAX];	/**< first compatible string */
	uint32_t version;	/**< 2 or 3 (a DTB cannot tell GICv4 from v3: see cell_gic_redist_frame()) */
	uint32_t enabled;	/**< status absent, "okay" or "ok" */
	uint32_t phandle;	/**< 0 when the node has none */
	uint32_t interrupt_cells; /**< its \#interrupt-cells */
	struct cell_dt_region distributor;	/**< GICD */
	uint32_t redist_count;	/**< GICR regions (\#redistributor-regions; 0 on v2) */
	uint32_t its_count;	/**< "arm,gic-v3-its" children */
	uint32_t has_redist_stride; /**< redistributor-stride present */
	uint32_t has_cpu_interface; /**< GICC present */
	uint64_t redist_stride;	/**< bytes, valid when has_redist_stride */
	struct cell_dt_region cpu_interface;		/**< GICC */
	struct cell_dt_region hypervisor_interface;	/**< GICH */
	struct cell_dt_region virtual_interface;	/**< GICV */
	uint32_t has_hypervisor_interface;	/**< GICH present */
	uint32_t has_virtual_interface;		/**< GICV present */
	uint32_t has_maintenance_irq;	/**< `interrupts` present and decodable */
	uint32_t maintenance_irq;	/**< INTID (PPI n = 16 + n, SPI n = 32 + n) */
};

/** One ITS, a child of a GIC. */
struct cell_gic_its {
	char path[CELL_DT_PATH_MAX];	/**< node path */
	struct cell_dt_region frame;	/**< ITS control frame (reg entry 0) */
	uint32_t phandle;	/**< 0 when the node has none */
	uint32_t msi_cells;	/**< \#msi-cells (0 when absent) */
	uint32_t enabled;	/**< status absent, "okay" or "ok" */
	uint32_t reserved;	/**< always 0 */
};

/** One CPU node under /cpus (device_type "cpu"), in tree order. */
struct cell_dt_cpu {
	char path[CELL_DT_PATH_MAX];	/**< node path */
	uint64_t mpidr;		/**< `reg`: MPIDR affinity fields */
	uint32_t enabled;	/**< status absent, "okay" or "ok" */
	uint32_t reserved;	/**< always 0 */
};

/** Result of a GIC discovery. */
typedef struct cell_gic_list cell_gic_list;

/**
 * @brief Find every GIC (v2 and v3 compatibles), its ITS children and the
 *        CPUs of a device tree.
 * @param ctx  error context, borrowed by the list.
 * @param fdt  the DTB; only read, not needed after the call.
 * @param size bytes available at @p fdt.
 * @param[out] out the list (possibly with zero GICs); free with
 *             cell_gic_list_free().
 * @return 0; -EINVAL for NULL arguments or a malformed property (the
 *         message names node and property: bad \#address-cells, truncated
 *         reg, missing GICD/GICR entries, bad phandle); -EBADMSG when the blob
 *         fails fdt_check_full(); -ERANGE when a `reg` cannot be translated
 *         to a CPU address (an ancestor without `ranges`, or no window
 *         matches); -ENOENT for a dangling phandle; -ENOMEM.
 */
CELL_API int cell_gic_discover(cell_ctx *ctx, const void *fdt, size_t size,
			       cell_gic_list **out);

/**
 * @brief cell_gic_discover() on a tree opened with cell_dt_new(): the same
 *        list and errors, without checking the blob again.
 * @param ctx error context, borrowed by the list.
 * @param dt the tree; only read, not needed after the call.
 * @param[out] out the list; free with cell_gic_list_free().
 * @return as cell_gic_discover(); -EINVAL also a NULL handle.
 */
CELL_API int cell_dt_gic_discover(cell_ctx *ctx, const cell_dt *dt,
				  cell_gic_list **out);

/** @brief Free a list. NULL is a no-op. */
CELL_API void cell_gic_list_free(cell_gic_list *list);

/** @brief Number of GICs in @p list (0 for NULL). */
CELL_API size_t cell_gic_count(const cell_gic_list *list);

/**
 * @brief Copy GIC @p idx.
 * @param list a discovery result.
 * @param idx  0 .. cell_gic_count() - 1.
 * @param[out] out filled on success.
 * @return 0; -EINVAL for NULL; -ENOENT when @p idx is out of range.
 */
CELL_API int cell_gic_get(const cell_gic_list *list, size_t idx,
			  struct cell_gic *out);

/**
 * @brief Redistributor region @p region of GIC @p idx.
 * @return 0; -EINVAL for NULL; -ENOENT when an index is out of range.
 */
CELL_API int cell_gic_redist_get(const cell_gic_list *list, size_t idx,
				 size_t region, struct cell_dt_region *out);

/**
 * @brief ITS @p its of GIC @p idx.
 * @return 0; -EINVAL for NULL; -ENOENT when an index is out of range.
 */
CELL_API int cell_gic_its_get(const cell_gic_list *list, size_t idx,
			      size_t its, struct cell_gic_its *out);

/** @brief Number of CPU nodes found (0 for NULL). */
CELL_API size_t cell_gic_cpu_count(const cell_gic_list *list);

/**
 * @brief CPU @p idx, in tree order.
 * @return 0; -EINVAL for NULL; -ENOENT when @p idx is out of range.
 */
CELL_API int cell_gic_cpu_get(const cell_gic_list *list, size_t idx,
			      struct cell_dt_cpu *out);

/**
 * @brief The redistributor frame of the CPU whose MPIDR is @p mpidr.
 *
 * Hardware describes itself through GICR_TYPER, which a DTB does not carry;
 * this computes the frame under the layout firmware normally uses: one frame
 * per CPU node, in the order of the CPU nodes in the tree, packed from the
 * start of the first redistributor region, continuing into the next region
 * when one is full (a region holds size / step frames). The step is
 * `redistributor-stride` when present, else @p frame_size, else
 * ::CELL_GIC_FRAME_V3 (pass ::CELL_GIC_FRAME_V4 for GICv4 hardware).
 *
 * @param list a discovery result.
 * @param idx  GIC index (a GICv3).
 * @param mpidr affinity value as in a CPU node's `reg`.
 * @param frame_size 0 for the default described above.
 * @param[out] out base and size (the step) of the frame.
 * @return 0; -EINVAL for NULL or a GIC without redistributors (v2);
 *         -ENOENT when no CPU node has @p mpidr or @p idx is out of range;
 *         -ERANGE when the regions hold fewer frames than the CPU's position.
 */
CELL_API int cell_gic_redist_frame(const cell_gic_list *list, size_t idx,
				   uint64_t mpidr, uint64_t frame_size,
				   struct cell_dt_region *out);

/** @} */

CELL_END_DECL

#endif /* LIBCELL_GIC_H */
