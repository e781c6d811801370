/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file linux.h
 * @brief Boot Linux in a non-root cell: the arm64 Image header, the layout
 *        of loader stub, kernel, device tree and initrd in the cell's RAM,
 *        the device-tree edits (`/memory`, `/chosen`) and the checks that
 *        catch a tree made for other CPUs or devices, then create, load and
 *        start through the hypervisor API.
 *
 * The cell starts its lowest CPU at the configuration's cpu_reset_address
 * with x0 = 0. A 40-byte loader stub placed there enters the kernel with
 * the arm64 boot protocol: x0 = the device tree's guest-physical address,
 * x1-x3 = 0, MMU off. All addresses here are guest-physical (a memory
 * region's virt_start side).
 *
 * Typical use: cell_linux_image_parse() to inspect a file, cell_linux_new()
 * to compute everything without touching the machine (a dry run stops
 * there), cell_linux_boot() to run it.
 */
#ifndef LIBCELL_LINUX_H
#define LIBCELL_LINUX_H

#include <stddef.h>
#include <stdint.h>

#include <libcell/common.h>
#include <libcell/config.h>
#include <libcell/hv.h>

CELL_BEGIN_DECL

/** @defgroup linux Linux in a cell
 *  @{ */

/** @brief The kernel is placed at a multiple of this plus text_offset. */
#define CELL_LINUX_KERNEL_ALIGN		0x200000ull
/** @brief Largest device tree the arm64 boot protocol accepts. */
#define CELL_LINUX_DTB_MAX		0x200000ull
/** @brief Size of the loader stub at cpu_reset_address. */
#define CELL_LINUX_STUB_SIZE		40u

/** @brief Image header flags (struct cell_linux_image_info::flags). */
#define CELL_LINUX_IMAGE_BE		0x1ull	/**< big-endian kernel */
#define CELL_LINUX_IMAGE_PAGE_MASK	0x6ull	/**< page size: 1=4K, 2=16K, 3=64K */
#define CELL_LINUX_IMAGE_ANYWHERE	0x8ull	/**< physical placement unrestricted */

/** @brief What the arm64 Image header says. */
struct cell_linux_image_info {
	uint64_t text_offset;	/**< load offset from a 2 MiB-aligned base */
	uint64_t image_size;	/**< bytes the kernel occupies from its load address, bss included */
	uint64_t flags;		/**< CELL_LINUX_IMAGE_* bits */
	uint64_t file_size;	/**< bytes of the file (what is copied) */
};

/**
 * @brief Read and check the header of an arm64 Linux Image.
 * @param ctx context for the error message.
 * @param image the file's bytes (borrowed).
 * @param size their number.
 * @param[out] out written on success only.
 * @return 0; -EINVAL for NULL arguments; -ENOEXEC for a file that is not an
 *         uncompressed little-endian arm64 Image: the message says what it
 *         looks like instead (gzip, xz, zstd, lz4, bzip2 or lzma data, an
 *         EFI zboot image, a 32-bit ARM zImage, too short, no magic, a
 *         big-endian kernel, image_size 0 of a kernel older than 3.17).
 */
CELL_API int cell_linux_image_parse(cell_ctx *ctx, const void *image, size_t size,
				    struct cell_linux_image_info *out);

/** @brief Inputs of cell_linux_new(); every buffer is borrowed. */
struct cell_linux_params {
	const void *kernel;		/**< arm64 Image */
	uint64_t kernel_size;		/**< its size */
	const void *dtb;		/**< the inmate's device tree (not modified) */
	uint64_t dtb_size;		/**< its size */
	const void *initrd;		/**< initramfs, or NULL */
	uint64_t initrd_size;		/**< its size (0 without) */
	const char *cmdline;		/**< kernel command line; NULL keeps /chosen/bootargs */
	const uint64_t *cpu_mpidr;	/**< MPIDR affinity of logical CPU n at index n */
	uint32_t cpu_count;		/**< entries in @ref cpu_mpidr */
	uint32_t reserved;		/**< zero */
};

/** @brief Where everything goes (guest-physical addresses). */
struct cell_linux_layout {
	uint64_t ram_start;		/**< RAM region holding kernel, DTB and initrd */
	uint64_t ram_size;		/**< its size */
	uint64_t stub_address;		/**< loader stub = the cell's cpu_reset_address */
	uint64_t kernel_address;	/**< entry: 2 MiB-aligned base + text_offset */
	uint64_t kernel_size;		/**< bytes copied (the file) */
	uint64_t kernel_span;		/**< bytes reserved from @ref kernel_address (image_size) */
	uint64_t dtb_address;		/**< the edited device tree */
	uint64_t dtb_size;		/**< its size */
	uint64_t initrd_address;	/**< initrd, 0 without */
	uint64_t initrd_size;		/**< its size, 0 without */
};

/** @brief A prepared Linux boot: layout, edited device tree, images. */
typedef struct cell_linux cell_linux;

/**
 * @brief Lay out and prepare a Linux boot for a cell; touches no machine.
 *
 * Checks the Image header; finds the first LOADABLE read/write/execute RAM
 * region (not IO, not COMM_REGION, not ROOTSHARED) that takes kernel, DTB
 * and initrd without overlap and outside the stub, which must lie in such
 * a region at cpu_reset_address; kernel at the lowest free 2 MiB boundary +
 * text_offset, then DTB and initrd first-fit, page-aligned. Edits a copy of
 * the tree: every `/memory` node is replaced by one listing the cell's RAM
 * regions (read/write, not IO, COMM_REGION or ROOTSHARED), `/chosen` gets
 * `bootargs` (when @p p->cmdline is set) and `linux,initrd-start`/`-end`
 * (removed without an initrd). The enabled CPU nodes under `/cpus` must be
 * exactly the cell's CPUs, compared by MPIDR. Every enabled node with a
 * `reg` range the cell does not map gives a warning (the GIC's own ranges
 * are emulated and skipped; nodes under a PCI bus carry config-space
 * addresses and are skipped).
 * @param ctx context for the error message; must outlive the handle.
 * @param[out] out receives the handle, released with cell_linux_free().
 * @param cell the cell's configuration (read only now, not kept).
 * @param p inputs; the buffers are copied or read only during the call.
 * @return 0; -EINVAL (NULL arguments, not a cell configuration, no CPU map,
 *         a CPU of the cell beyond @p p->cpu_count, cpu_reset_address not in
 *         a loadable executable RAM region, /cpus not matching the cell:
 *         the message names the node or CPU); -ENOEXEC (Image, as
 *         cell_linux_image_parse()); the tree's -EBADMSG/-EINVAL (malformed,
 *         offset named); -E2BIG (more than 64 RAM regions); -ENOSPC (kernel, DTB or initrd does not fit: the
 *         message says which and how much room there was); -EFBIG (edited
 *         tree above 2 MiB); -ENOMEM.
 */
CELL_API int cell_linux_new(cell_ctx *ctx, cell_linux **out, const cell_config *cell,
			    const struct cell_linux_params *p);

/** @brief Free @p l and its images. NULL is a no-op. */
CELL_API void cell_linux_free(cell_linux *l);

/**
 * @brief The computed layout.
 * @return 0; -EINVAL for NULL.
 */
CELL_API int cell_linux_get_layout(const cell_linux *l, struct cell_linux_layout *out);

/**
 * @brief The edited device tree, owned by @p l.
 * @param l handle.
 * @param[out] size its size (may be NULL).
 * @return the blob; NULL for a NULL @p l.
 */
CELL_API const void *cell_linux_dtb(const cell_linux *l, size_t *size);

/**
 * @brief The images to load, in load order: stub, kernel, DTB, initrd.
 * @param l handle.
 * @param[out] out array of @p max entries; its data pointers stay owned by
 *             @p l (the kernel and initrd point into the caller's buffers
 *             given to cell_linux_new(), which must still be alive).
 * @param max room in @p out.
 * @return the number of images (3 or 4; only the first @p max written);
 *         -EINVAL for NULL.
 */
CELL_API int cell_linux_images(const cell_linux *l, struct cell_hv_image *out, uint32_t max);

/** @brief Number of warnings cell_linux_new() left (unmapped device ranges). */
CELL_API uint32_t cell_linux_warning_count(const cell_linux *l);

/** @brief Warning @p idx, or NULL when out of range; owned by @p l. */
CELL_API const char *cell_linux_warning(const cell_linux *l, uint32_t idx);

/**
 * @brief The layout and warnings as a JSON object (a dry run's record).
 * @param l handle.
 * @param[out] out malloc'ed NUL-terminated text; free with cell_free().
 * @return 0; -EINVAL; -ENOMEM.
 */
CELL_API int cell_linux_layout_json(const cell_linux *l, char **out);

/**
 * @brief Boot the prepared Linux: create the cell from @p cell unless a cell
 *        of that name exists (then it is reloaded), load the images, start.
 *
 * A cell this call created is destroyed again when load or start fails, so
 * a refused boot leaves the machine as it was.
 * @param hv driver handle.
 * @param l prepared boot (its kernel and initrd buffers still alive).
 * @param cell the configuration @p l was prepared for.
 * @return 0; -EINVAL for NULL; the errors of cell_hv_cell_create(),
 *         cell_hv_cell_load() (-EBUSY: the existing cell still runs) and
 *         cell_hv_cell_start(); the message says which step failed.
 */
CELL_API int cell_linux_boot(cell_hv *hv, const cell_linux *l, const cell_config *cell);

/**
 * @brief MPIDR affinity of each logical CPU of the running Linux, from the
 *        device-tree node sysfs links to each CPU
 *        (`SYSFS/devices/system/cpu/cpuN/of_node/reg`).
 * @param ctx context for the error message.
 * @param sysfs sysfs mount point; NULL for `/sys`.
 * @param[out] out @p max entries; CPU n's affinity at index n.
 * @param max room in @p out.
 * @return the number of CPUs found (entries written up to @p max; CPUs
 *         numbered 0..n-1 without gaps); -EINVAL for NULL; -ENOENT when
 *         cpu0 has no of_node (not a device-tree system); -EIO for an
 *         unreadable or malformed reg (file named).
 */
CELL_API int cell_linux_host_mpidrs(cell_ctx *ctx, const char *sysfs, uint64_t *out,
				    uint32_t max);

/** @} */

CELL_END_DECL

#endif /* LIBCELL_LINUX_H */
