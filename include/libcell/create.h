/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file create.h
 * @brief Generate cell configurations from a host device tree.
 *
 * Jailhouse ships a configuration generator only for x86; on ARM users copy
 * addresses out of datasheets. These calls derive them from the board's DTB:
 * a root system configuration (RAM, device MMIO, GIC platform information,
 * debug console, interrupt lines) and non-root cell configurations with an
 * inmate DTB skeleton. The output passes cell_check_set() when the inputs
 * are consistent; what could not be derived is reported in the context
 * message of a failure, never guessed silently.
 */
#ifndef LIBCELL_CREATE_H
#define LIBCELL_CREATE_H

#include <libcell/config.h>

CELL_BEGIN_DECL

/** @defgroup create Configuration generation from a device tree
 *  @{ */

/**
 * Options of cell_create_root() and cell_create_inmate(). Initialise with
 * #CELL_CREATE_OPTS_INIT; @ref size lets later versions add fields.
 */
struct cell_create_opts {
	uint32_t size;		/**< sizeof(struct cell_create_opts) */
	uint32_t flags;		/**< reserved, must be 0 */
	uint64_t hv_base;	/**< hypervisor memory base (see cell_create_root()) */
	uint64_t hv_size;	/**< size of the hypervisor memory */
	uint64_t inmate_base;	/**< RAM carved out for non-root cells (0: none) */
	uint64_t inmate_size;	/**< its size */
	uint64_t cpu_mask;	/**< CPUs (logical numbers, bit n = CPU n); 0: all */
};

/** Initialiser for struct cell_create_opts. */
#define CELL_CREATE_OPTS_INIT { sizeof(struct cell_create_opts), 0, 0, 0, 0, 0, 0 }

/**
 * @brief Generate a root system configuration for the board described by
 *        a host DTB.
 *
 * - RAM: every `/memory` `reg` range minus `/memreserve/` entries, no-map
 *   `/reserved-memory` children and the hypervisor memory; READ|WRITE|EXECUTE.
 *   Inmate RAM (@ref cell_create_opts.inmate_base) stays part of the root's
 *   RAM, as non-root RAM must be carved from it.
 * - MMIO: the `reg` ranges (translated to CPU addresses, page-rounded,
 *   merged) of every enabled device node outside PCI buses, plus each PCI
 *   host's `ranges` windows; READ|WRITE|IO. The GIC's own frames are never
 *   mapped (the hypervisor traps them); ITS frames are.
 * - Platform: GIC version, GICD/GICR (and GICC/GICH/GICV on GICv2) bases,
 *   maintenance interrupt; virtual PCI off.
 * - Debug console from `/chosen/stdout-path` (PL011 and 8250-compatible UARTs).
 * - irqchips: the GICD with every SPI used by an enabled device.
 * - Hypervisor memory from @p opts; when hv_size is 0, the last 4 MiB of the
 *   highest RAM bank.
 *
 * @param ctx error context.
 * @param[out] out new configuration, owned by the caller.
 * @param fdt host DTB (not modified, not retained).
 * @param size its size.
 * @param opts options, NULL for defaults.
 * @return 0; -EINVAL for NULL arguments, an options size larger than known
 *   with non-zero tail, or non-zero flags; -EBADMSG for a malformed tree;
 *   -ENOENT when the tree has no `/memory`, no GIC or no CPU; -ERANGE when
 *   the hypervisor memory lies outside RAM; -ENOMEM.
 */
CELL_API int cell_create_root(cell_ctx *ctx, cell_config **out, const void *fdt,
			      size_t size, const struct cell_create_opts *opts);

/**
 * @brief Generate a non-root cell configuration and its inmate DTB skeleton.
 *
 * The cell gets the CPUs of @ref cell_create_opts.cpu_mask (required), the
 * inmate RAM identity-mapped (READ|WRITE|EXECUTE|DMA|LOADABLE), a
 * communication region at IPA 0x80000000, the MMIO frames and SPIs of each
 * device in @p devices, and the first UART among them as console. The
 * skeleton DTB holds `/cpus` (host MPIDRs), `psci` (SMC), the architected
 * timer, the GIC (distributor and redistributors), `hypervisor`
 * ("jailhouse,cell"), a `/memory` node and `/chosen/stdout-path` when a
 * console exists. Devices themselves are added by the caller, e.g. with
 * cell_dt_handoff() for PCIe hosts.
 *
 * @param ctx error context.
 * @param[out] out new cell configuration, owned by the caller.
 * @param[out] dtb inmate DTB skeleton; free with cell_free().
 * @param[out] dtb_size its size.
 * @param fdt host DTB.
 * @param size its size.
 * @param name cell name (1..31 characters).
 * @param devices DT paths of devices to give to the cell (may be NULL if 0).
 * @param ndevices number of paths.
 * @param opts options; cpu_mask and inmate_base/size are required.
 * @return 0; -EINVAL for NULL or missing options; -ENAMETOOLONG;
 *   -ENOENT for a device path that does not exist; -EBADMSG for a malformed
 *   tree; -ENOMEM.
 */
CELL_API int cell_create_inmate(cell_ctx *ctx, cell_config **out,
				uint8_t **dtb, size_t *dtb_size,
				const void *fdt, size_t size, const char *name,
				const char *const *devices, size_t ndevices,
				const struct cell_create_opts *opts);

/** @} */

CELL_END_DECL

#endif /* LIBCELL_CREATE_H */
