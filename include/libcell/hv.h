/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file hv.h
 * @brief Management of a running hypervisor through its Linux driver:
 *        enable/disable, cell create/load/start/shutdown/destroy, cell
 *        list and state, VM-exit statistics, hypervisor console.
 *
 * The calls use the driver ABI of include/libcell/abi/cell-abi.h: ioctls on
 * the device node (default `/dev/jailhouse`) and the sysfs tree (default
 * `/sys/devices/jailhouse`). They work with libcell's module and with
 * upstream Jailhouse's driver alike. Both paths can be replaced, which lets
 * tests run against a fake tree.
 *
 * A cell is named either by id (@p name NULL, @p id >= 0) or by name
 * (@p name non-NULL; @p id is then ignored).
 */
#ifndef LIBCELL_HV_H
#define LIBCELL_HV_H

#include <stddef.h>
#include <stdint.h>

#include <libcell/common.h>
#include <libcell/config.h>

CELL_BEGIN_DECL

/** @defgroup hv Hypervisor management
 *  @{ */

/** @brief Handle on the driver: device path, sysfs root, open descriptor. */
typedef struct cell_hv cell_hv;

/** @brief Cell state codes of struct cell_hv_cell::state. */
#define CELL_HV_STATE_RUNNING		0u	/**< "running" */
#define CELL_HV_STATE_RUNNING_LOCKED	1u	/**< "running/locked" */
#define CELL_HV_STATE_SHUT_DOWN		2u	/**< "shut down" */
#define CELL_HV_STATE_FAILED		3u	/**< "failed" */
#define CELL_HV_STATE_FAILED_COMM_REV	4u	/**< "Comm ABI mismatch" */
#define CELL_HV_STATE_UNKNOWN		255u	/**< anything else ("invalid") */

/** @brief cell_hv_console_read() flag: return 0 instead of waiting. */
#define CELL_HV_CONSOLE_NONBLOCK	1u

/** @brief Longest cell name, without the terminating NUL. */
#define CELL_HV_NAME_MAX		31u

/** @brief One cell as sysfs describes it (cells/\<id\>/). */
struct cell_hv_cell {
	int32_t id;			/**< cell id (0 = root cell) */
	uint32_t state;			/**< CELL_HV_STATE_* */
	char name[32];			/**< NUL-terminated name */
	char state_text[32];		/**< the sysfs text, e.g. "running" */
	char cpus_assigned[128];	/**< CPU list, e.g. "0-3" ("" = none) */
	char cpus_failed[128];		/**< CPU list of failed CPUs */
};

/** @brief Hypervisor-wide figures (sysfs; pools in pages). */
struct cell_hv_info {
	uint32_t enabled;		/**< 1 when the hypervisor runs */
	uint32_t reserved;		/**< zero */
	uint64_t mem_pool_size;		/**< pages in the memory pool */
	uint64_t mem_pool_used;		/**< of which in use */
	uint64_t remap_pool_size;	/**< pages in the remap pool */
	uint64_t remap_pool_used;	/**< of which in use */
};

/** @brief One statistics counter (sysfs statistics/ file). */
struct cell_hv_stat {
	char name[32];			/**< file name, e.g. "vmexits_total" */
	uint64_t value;			/**< its value */
};

/** @brief One image for cell_hv_cell_load(). */
struct cell_hv_image {
	const void *data;		/**< bytes to copy (borrowed) */
	uint64_t size;			/**< number of bytes */
	uint64_t target_address;	/**< cell guest-physical address */
};

/**
 * @brief Create a handle on the driver. The device is opened on first use,
 *        so cell listing works where the device is not accessible.
 * @param ctx context for error messages; must outlive the handle.
 * @param[out] out receives the handle, released with cell_hv_close().
 * @param device device node; NULL for `/dev/jailhouse`.
 * @return 0; -EINVAL for a NULL @p ctx or @p out; -ENOMEM.
 */
CELL_API int cell_hv_open(cell_ctx *ctx, cell_hv **out, const char *device);

/** @brief Close the device and free @p hv. NULL is a no-op. */
CELL_API void cell_hv_close(cell_hv *hv);

/**
 * @brief Use another sysfs root than `/sys/devices/jailhouse` (tests).
 * @return 0; -EINVAL for NULL; -ENOMEM.
 */
CELL_API int cell_hv_set_sysfs_root(cell_hv *hv, const char *root);

/**
 * @brief Enable the hypervisor with a system configuration image.
 *
 * The bytes are decoded first, so a truncated or malformed image is refused
 * with the decoder's message (field and offset) before the driver sees it.
 * @param hv handle.
 * @param config the system configuration (.cell bytes), borrowed.
 * @param size its size.
 * @return 0; -EINVAL (NULL, not a system configuration); the decoder's
 *         -EBADMSG, -ENODATA (truncated header), -EOVERFLOW (arrays past the
 *         end: truncated), -E2BIG (trailing bytes); from the driver: -EBUSY (already enabled, or the hypervisor memory
 *         is in use, e.g. by Linux RAM), -ENOENT (firmware file missing),
 *         -EINVAL (config refused), -ENOMEM, -EPERM (not root), -ENODEV
 *         (no EL2 or hyp-stub), -ENOTTY (not a hypervisor device), or the
 *         errno of opening the device. The message says which.
 */
CELL_API int cell_hv_enable(cell_hv *hv, const void *config, size_t size);

/**
 * @brief Enable with a configuration object (encoded, then as
 *        cell_hv_enable()).
 * @return as cell_hv_enable(), plus the errors of cell_config_encode_alloc().
 */
CELL_API int cell_hv_enable_config(cell_hv *hv, const cell_config *cfg);

/**
 * @brief Disable the hypervisor; Linux continues without it.
 * @return 0; -EINVAL (NULL; not enabled: the driver's answer), -EBUSY
 *         (non-root cells, CPUs offline), -EPERM, -ENOTTY, open errors.
 */
CELL_API int cell_hv_disable(cell_hv *hv);

/**
 * @brief Read the hypervisor-wide figures from sysfs.
 * @param hv handle.
 * @param[out] out written on success only.
 * @return 0; -EINVAL for NULL; -ENOENT when the sysfs tree is absent (driver
 *         not loaded); -EIO for an unparsable file (named in the message).
 */
CELL_API int cell_hv_get_info(cell_hv *hv, struct cell_hv_info *out);

/**
 * @brief Create a non-root cell from its configuration image.
 * @return 0; -EINVAL (NULL, not a cell configuration); the decoder's
 *         errors as for cell_hv_enable();
 *         driver errors: -EEXIST (name taken), -EBUSY (CPUs or devices in
 *         use), -ENOMEM, -E2BIG, -EPERM, -ENOSYS (not supported by the
 *         driver), -ENOTTY.
 */
CELL_API int cell_hv_cell_create(cell_hv *hv, const void *config, size_t size);

/** @brief cell_hv_cell_create() with a configuration object. */
CELL_API int cell_hv_cell_create_config(cell_hv *hv, const cell_config *cfg);

/**
 * @brief Stop a cell and load images into its loadable memory.
 *
 * The driver checks every image first, then makes the cell loadable (its
 * LOADABLE regions go back to the root, state "shut down") and copies the
 * images in order, so a later image overwrites an earlier one. A running
 * cell is stopped first: one that is not passive (no PASSIVE_COMMREG) is
 * asked through its comm region and may deny; one that does not answer in
 * its msg_reply_timeout is marked failed and stopped anyway.
 * @param hv handle.
 * @param id cell id (when @p name is NULL).
 * @param name cell name, or NULL.
 * @param count number of images.
 * @param images @p count images (borrowed); @p count 0 only stops the cell
 *        (that is cell_hv_cell_shutdown()).
 * @return 0; -EINVAL (NULL, bad id/name, image without data); driver
 *         errors: -ENOENT (no such cell), -EINVAL (the root cell; a target
 *         in no LOADABLE region, or an image running past its end),
 *         -EFBIG (an image larger than its region), -EPERM (the cell denied
 *         the shutdown request, or a running/locked cell vetoes changes),
 *         -EIO (a CPU of the cell did not stop), -E2BIG (more than 256
 *         images), -ENOSYS, -ENOTTY; -ENOMEM.
 */
CELL_API int cell_hv_cell_load(cell_hv *hv, int32_t id, const char *name,
			       const struct cell_hv_image *images, uint32_t count);

/**
 * @brief Start (or restart) a loaded cell.
 *
 * A running cell is stopped first, as cell_hv_cell_load() says. Its
 * lowest CPU starts at the config's cpu_reset_address in EL1 with the MMU
 * off; the comm region is filled anew.
 * @return 0; -ENOENT (no such cell); -EINVAL (the root cell, or a
 *         cpu_reset_address outside the cell's RAM); -EPERM (a running cell
 *         denied the shutdown request); -EIO, -ENOSYS, -ENOTTY.
 */
CELL_API int cell_hv_cell_start(cell_hv *hv, int32_t id, const char *name);

/**
 * @brief Stop a cell, keeping it (CELL_LOAD with no image): at any point
 *        of its life, as cell_hv_cell_load() says.
 * @return as cell_hv_cell_load().
 */
CELL_API int cell_hv_cell_shutdown(cell_hv *hv, int32_t id, const char *name);

/**
 * @brief Destroy a non-root cell, giving its resources back to the root.
 *
 * A running cell is stopped first, as cell_hv_cell_load() says; its CPUs
 * come back online in Linux.
 * @return 0; -ENOENT (no such cell); -EINVAL (the root cell); -EPERM (the
 *         cell denied the shutdown request, or a running/locked cell vetoes
 *         changes); -EIO, -ENOSYS, -ENOTTY.
 */
CELL_API int cell_hv_cell_destroy(cell_hv *hv, int32_t id, const char *name);

/**
 * @brief List the cells (sysfs cells/), ordered by id.
 * @param hv handle.
 * @param max number of entries @p out has room for.
 * @param[out] out array of @p max entries (may be NULL when @p max is 0).
 * @return the number of cells (may exceed @p max: only @p max are written);
 *         -EINVAL for NULL; -ENOENT when the hypervisor is not enabled or the
 *         driver not loaded (no cells directory); -EIO for unreadable files.
 */
CELL_API int cell_hv_cell_list(cell_hv *hv, struct cell_hv_cell *out, uint32_t max);

/**
 * @brief Look one cell up by id or name.
 * @return 0; -ENOENT (no such cell; message names it); as cell_hv_cell_list().
 */
CELL_API int cell_hv_cell_get(cell_hv *hv, int32_t id, const char *name,
			      struct cell_hv_cell *out);

/**
 * @brief VM-exit statistics of a cell (sums over its CPUs) or of one CPU.
 * @param hv handle.
 * @param id cell id (when @p name is NULL).
 * @param name cell name, or NULL.
 * @param cpu -1 for the cell sums (statistics/), else the CPU number
 *        (statistics/cpu\<n\>/).
 * @param max number of entries @p out has room for.
 * @param[out] out array of @p max counters, ordered by name.
 * @return the number of counters (may exceed @p max); -EINVAL; -ENOENT (no
 *         such cell or CPU); -EIO.
 */
CELL_API int cell_hv_cell_stats(cell_hv *hv, int32_t id, const char *name, int32_t cpu,
				struct cell_hv_stat *out, uint32_t max);

/**
 * @brief Read hypervisor console output from the device (follow mode).
 *        Each handle has its own read position; the driver reports lost
 *        bytes in-band. Waiting depends on the file's O_NONBLOCK, which this
 *        call sets according to @p flags.
 * @param hv handle.
 * @param[out] buf receives the bytes (not NUL-terminated).
 * @param size room in @p buf.
 * @param flags CELL_HV_CONSOLE_NONBLOCK or 0 (wait for output).
 * @return the number of bytes read; 0 when nonblocking and nothing is new;
 *         -EINVAL; -EINTR; -EPERM; open and read errors.
 */
CELL_API int64_t cell_hv_console_read(cell_hv *hv, void *buf, size_t size, uint32_t flags);

/**
 * @brief Snapshot of the hypervisor console buffer (sysfs `console`).
 * @param hv handle.
 * @param[out] buf receives the text, NUL-terminated (truncated to fit).
 * @param size size of @p buf, at least 1.
 * @return the number of bytes stored (without the NUL); -EINVAL; -ENOENT
 *         (driver not loaded); read errors.
 */
CELL_API int64_t cell_hv_console_dump(cell_hv *hv, char *buf, size_t size);

/**
 * @brief The CELL_HV_STATE_* code for a sysfs state text.
 * @return the code; CELL_HV_STATE_UNKNOWN for NULL or an unknown text.
 */
CELL_API uint32_t cell_hv_state_code(const char *text);

/** @} */

CELL_END_DECL

#endif /* LIBCELL_HV_H */
