/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file check.h
 * @brief Consistency checks of one configuration or of a whole set
 *        (system configuration + non-root cells).
 *
 * The checker never fails because of what it finds: findings are data. A
 * call fails (negative return) only for bad arguments or lack of memory.
 * Every rule, its code, severity and rationale is listed in docs/checker.md.
 *
 * Messages start with the cell and the entry they concern, e.g.
 * `cell "linux" region 3 phys [0x70000000-0x77ffffff]: ...`; addresses are
 * hexadecimal and ranges inclusive.
 */
#ifndef LIBCELL_CHECK_H
#define LIBCELL_CHECK_H

#include <libcell/config.h>

CELL_BEGIN_DECL

/** @defgroup check Configuration checker
 *  @{ */

/** Finding severity: the set would be refused or break isolation. */
#define CELL_SEVERITY_ERROR	2u
/** Finding severity: legal but suspicious. */
#define CELL_SEVERITY_WARNING	1u
/** Finding severity: informational (e.g. a recognised legal sharing). */
#define CELL_SEVERITY_INFO	0u

/** @name Finding codes (struct cell_finding::code)
 *  @{ */
#define CELL_CHECK_MEM_OVERLAP_PHYS	1u  /**< two regions of a cell overlap (physical) */
#define CELL_CHECK_MEM_OVERLAP_VIRT	2u  /**< two regions of a cell overlap (guest) */
#define CELL_CHECK_MEM_UNALIGNED	3u  /**< RAM region not page aligned */
#define CELL_CHECK_MEM_ZERO_SIZE	4u  /**< region of size zero */
#define CELL_CHECK_MEM_HYPERVISOR	5u  /**< hypervisor memory mapped into a cell */
#define CELL_CHECK_MEM_NOT_IN_ROOT	6u  /**< non-root RAM not carved from root RAM */
#define CELL_CHECK_CPU_NOT_IN_ROOT	7u  /**< cell CPU the root does not own */
#define CELL_CHECK_CPU_SHARED		8u  /**< CPU in two non-root cells */
#define CELL_CHECK_ROOT_NO_CPU		9u  /**< the cells leave the root without CPU */
#define CELL_CHECK_IRQ_SHARED		10u /**< irqchip pin claimed by two non-root cells */
#define CELL_CHECK_IRQCHIP_NOT_GICD	11u /**< irqchip address is not the GICD */
#define CELL_CHECK_DMA_NOT_IDENTITY	12u /**< DMA memory not identity mapped, no IOMMU */
#define CELL_CHECK_GIC_AS_MEMORY	13u /**< GICD (or GICR without grant) mapped as memory */
#define CELL_CHECK_COMM_REGION		14u /**< COMM_REGION misuse */
#define CELL_CHECK_LOADABLE		15u /**< LOADABLE misuse */
#define CELL_CHECK_GICR_GRANT		16u /**< GICR shared root/cell as the S4 grant (info) */
#define CELL_CHECK_MEM_SHARED		17u /**< exclusive memory of two non-root cells overlaps */
#define CELL_CHECK_NAME			18u /**< empty or duplicate cell name */
#define CELL_CHECK_KIND			19u /**< wrong kind or architecture mix */
#define CELL_CHECK_IRQCHIP_BASE		20u /**< pin_base not a multiple of 32 */
#define CELL_CHECK_MEM_WRAP		21u /**< region runs past the 64-bit address space */
#define CELL_CHECK_CELL_NO_CPU		22u /**< non-root cell without any CPU (warning) */
#define CELL_CHECK_PCI_SHARED		23u /**< physical PCI function in two non-root cells */
#define CELL_CHECK_GICR_OWN_FRAMES	24u /**< cell maps exactly its own CPUs' GICR frames (info) */
#define CELL_CHECK_UNUSED_SLOT		25u /**< all-zero region or irqchip entry, ignored (info) */
#define CELL_CHECK_ITS_NOT_MAPPED	26u /**< an ITS the root's Linux uses is not mapped in the root (warning) */
/** @} */

/** Cell index of a finding about the system configuration / root cell. */
#define CELL_CHECK_ROOT		(-1)
/** Region index of a finding not tied to one entry. */
#define CELL_CHECK_NO_INDEX	(-1)

/** One finding. */
struct cell_finding {
	uint32_t severity;	/**< CELL_SEVERITY_* */
	uint32_t code;		/**< CELL_CHECK_* */
	int32_t cell;		/**< index into the cells passed, or CELL_CHECK_ROOT */
	int32_t region;		/**< index in that cell's memory regions (its
				     irqchips for IRQ and IRQCHIP codes, PCI
				     devices for PCI_SHARED), or
				     CELL_CHECK_NO_INDEX */
	char message[256];	/**< NUL-terminated English text */
};

/** A list of findings, owned by the caller. */
typedef struct cell_findings cell_findings;

/**
 * @brief Check one configuration on its own.
 *
 * Rules that need the system configuration (hypervisor memory, GIC
 * addresses, IOMMUs) are applied to the root cell of a system configuration
 * and skipped for a lone cell configuration. Findings about a system
 * configuration carry the cell index CELL_CHECK_ROOT, those about a cell
 * configuration the index 0.
 * @param cfg a system or cell configuration.
 * @param[out] out the findings (possibly none); free with cell_findings_free().
 * @return 0; -EINVAL for NULL; -ENOMEM.
 */
CELL_API int cell_check_config(const cell_config *cfg, cell_findings **out);

/**
 * @brief Check a system configuration together with the non-root cells that
 *        will run on it: every per-config rule, plus the rules across cells.
 *
 * A configuration of the wrong kind (a cell configuration passed as
 * @p system, a system configuration among @p cells) or of another
 * architecture than @p system is reported as a CELL_CHECK_KIND error, not
 * refused; the rules needing a system configuration are then skipped.
 * @param system the system configuration (CELL_CONFIG_SYSTEM expected).
 * @param cells  @p ncells non-root cell configurations (may be NULL if 0).
 * @param ncells number of entries of @p cells.
 * @param[out] out the findings; free with cell_findings_free().
 * @return 0; -EINVAL for a NULL @p system, @p out, @p cells with
 *         @p ncells > 0, or a NULL entry of @p cells; -ENOMEM.
 */
CELL_API int cell_check_set(const cell_config *system,
			    const cell_config *const *cells, size_t ncells,
			    cell_findings **out);

/**
 * @brief cell_check_set(), plus the rules that need the device tree the
 *        root cell's Linux runs with (on the target: /sys/firmware/fdt).
 *
 * Adds CELL_CHECK_ITS_NOT_MAPPED (warning, cell CELL_CHECK_ROOT, entry
 * CELL_CHECK_NO_INDEX) for every enabled "arm,gic-v3-its" node whose control
 * frame no root memory region covers: Linux drives that ITS, and its next
 * command after enable faults.
 * @param system the system configuration.
 * @param cells  @p ncells non-root cell configurations (may be NULL if 0).
 * @param ncells number of entries of @p cells.
 * @param fdt    the device tree blob; only read.
 * @param fdt_size bytes at @p fdt.
 * @param[out] out the findings; free with cell_findings_free().
 * @return 0; -EINVAL as cell_check_set() or for a NULL @p fdt; the errors of
 *         cell_gic_discover() for a malformed tree (message in the system
 *         configuration's context); -ENOMEM.
 */
CELL_API int cell_check_set_dt(const cell_config *system,
			       const cell_config *const *cells, size_t ncells,
			       const void *fdt, size_t fdt_size,
			       cell_findings **out);

/** @brief Destroy a findings list. NULL is a no-op.
 *  @param f the list. */
CELL_API void cell_findings_free(cell_findings *f);
/** @brief Number of findings.
 *  @param f the list. @return the count, 0 for NULL. */
CELL_API size_t cell_findings_count(const cell_findings *f);
/** @brief Number of findings of severity CELL_SEVERITY_ERROR.
 *  @param f the list. @return the count, 0 for NULL. */
CELL_API size_t cell_findings_errors(const cell_findings *f);
/**
 * @brief Copy finding @p index.
 * @param f the list.
 * @param index 0 .. cell_findings_count() - 1.
 * @param[out] out receives the finding.
 * @return 0; -EINVAL for NULL; -ERANGE for an index out of range.
 */
CELL_API int cell_findings_get(const cell_findings *f, size_t index,
			       struct cell_finding *out);
/** @brief Symbolic name of a finding code.
 *  @param code a CELL_CHECK_* value.
 *  @return a static string such as "MEM_OVERLAP_PHYS"; "UNKNOWN" for an
 *          unknown code. */
CELL_API const char *cell_check_code_name(uint32_t code);
/** @brief Name of a severity.
 *  @param severity a CELL_SEVERITY_* value.
 *  @return "error", "warning" or "info", a static string; "unknown" else. */
CELL_API const char *cell_check_severity_name(uint32_t severity);

/** @} */

CELL_END_DECL

#endif /* LIBCELL_CHECK_H */
