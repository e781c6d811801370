/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file config.h
 * @brief Cell configurations: decode, inspect, build, edit and encode
 *        Jailhouse-compatible `.cell` files (configuration revision 14, and
 *        revision 13 on input).
 *
 * A ::cell_config holds either a system configuration (hypervisor settings
 * plus the root cell) or a non-root cell configuration. The structures in this
 * header are plain, naturally aligned mirrors of the on-disk records; they
 * carry every on-disk bit so that decode followed by encode reproduces the
 * input byte for byte. The packed on-disk layout itself lives in
 * <libcell/abi/cell-abi.h>.
 *
 * Array accessors share one shape: `cell_config_<array>_count()`,
 * `_get(cfg, index, out)`, `_set(cfg, index, in)`, `_insert(cfg, index, in)`
 * (index == count appends) and `_remove(cfg, index)`. An index out of range
 * gives -ERANGE.
 */
#ifndef LIBCELL_CONFIG_H
#define LIBCELL_CONFIG_H

#include <libcell/common.h>

CELL_BEGIN_DECL

/** @defgroup config Cell configurations
 *  @{ */

/** Configuration kind: a system configuration (with the root cell). */
#define CELL_CONFIG_SYSTEM		1u
/** Configuration kind: a non-root cell configuration. */
#define CELL_CONFIG_CELL		2u

/** Architecture code of revision 14 files: x86. */
#define CELL_ARCH_X86			0u
/** Architecture code of revision 14 files: 32-bit ARM. */
#define CELL_ARCH_ARM			1u
/** Architecture code of revision 14 files: ARM64. */
#define CELL_ARCH_ARM64			2u
/** Architecture not recorded (revision 13 input); set one before encoding
 *  as revision 14. */
#define CELL_ARCH_UNKNOWN		0xffu

/** Current configuration revision, written by default. */
#define CELL_CONFIG_REVISION		14u
/** Older revision accepted on input (no architecture byte). */
#define CELL_CONFIG_REVISION_13		13u

/** Maximum length of a cell name, without the terminating NUL. */
#define CELL_NAME_MAX			31u

/** @name Memory region flags (struct cell_memory::flags)
 *  @{ */
#define CELL_MEM_READ			0x0001ull	/**< the cell may read the region */
#define CELL_MEM_WRITE			0x0002ull	/**< the cell may write the region */
#define CELL_MEM_EXECUTE		0x0004ull	/**< executable */
#define CELL_MEM_DMA			0x0008ull	/**< device DMA target */
#define CELL_MEM_IO			0x0010ull	/**< device memory (mapped uncached) */
#define CELL_MEM_COMM_REGION		0x0020ull	/**< comm page mapped here */
#define CELL_MEM_LOADABLE		0x0040ull	/**< root loads images here */
#define CELL_MEM_ROOTSHARED		0x0080ull	/**< shared with the root */
#define CELL_MEM_NO_HUGEPAGES		0x0100ull	/**< map with small pages only */
#define CELL_MEM_IO_UNALIGNED		0x8000ull	/**< sub-page: unaligned ok */
#define CELL_MEM_IO_8			0x10000ull	/**< sub-page: 8-bit ok */
#define CELL_MEM_IO_16			0x20000ull	/**< sub-page: 16-bit ok */
#define CELL_MEM_IO_32			0x40000ull	/**< sub-page: 32-bit ok */
#define CELL_MEM_IO_64			0x80000ull	/**< sub-page: 64-bit ok */
/** @} */

/** @name Cell flags (struct cell_desc::flags)
 *  @{ */
#define CELL_FLAG_PASSIVE_COMMREG		0x00000001u	/**< no comm replies */
#define CELL_FLAG_TEST_DEVICE			0x00000002u	/**< x86 test device */
#define CELL_FLAG_AARCH32			0x00000004u	/**< starts in AArch32 */
#define CELL_FLAG_VIRTUAL_CONSOLE_PERMITTED	0x40000000u	/**< may use hv console */
#define CELL_FLAG_VIRTUAL_CONSOLE_ACTIVE	0x80000000u	/**< uses hv console */
/** @} */

/** System flag: the root cell may read the hypervisor console. */
#define CELL_SYS_VIRTUAL_DEBUG_CONSOLE		0x00000001u

/** @name PCI device types and MSI flags
 *  @{ */
#define CELL_PCI_TYPE_DEVICE		1u	/**< a PCI function */
#define CELL_PCI_TYPE_BRIDGE		2u	/**< a PCI bridge */
#define CELL_PCI_TYPE_IVSHMEM		3u	/**< a virtual shared-memory device */
#define CELL_PCI_MSI_64BITS		0x01u	/**< MSI capability with 64-bit addresses */
#define CELL_PCI_MSI_MASKABLE		0x02u	/**< MSI capability with per-vector masking */
#define CELL_PCI_EXT_CAP		0x8000u	/**< extended capability id */
#define CELL_PCICAPS_WRITE		0x0001u	/**< the cell may write the capability */
/** @} */

/** @name Console types and flags (struct cell_console)
 *  @{ */
#define CELL_CON_TYPE_NONE		0x0000u	/**< no console */
#define CELL_CON_TYPE_EFIFB		0x0001u	/**< EFI framebuffer */
#define CELL_CON_TYPE_8250		0x0002u	/**< 8250/16550 UART */
#define CELL_CON_TYPE_PL011		0x0003u	/**< ARM PL011 UART */
#define CELL_CON_TYPE_XUARTPS		0x0004u	/**< Xilinx PS UART */
#define CELL_CON_TYPE_MVEBU		0x0005u	/**< Marvell EBU UART */
#define CELL_CON_TYPE_HSCIF		0x0006u	/**< Renesas HSCIF */
#define CELL_CON_TYPE_SCIFA		0x0007u	/**< Renesas SCIFA */
#define CELL_CON_TYPE_IMX		0x0008u	/**< i.MX UART */
#define CELL_CON_TYPE_IMX_LPUART	0x0009u	/**< i.MX low-power UART */
#define CELL_CON_TYPE_SCIF		0x000au	/**< Renesas SCIF */
#define CELL_CON_ACCESS_MMIO		0x0001u	/**< MMIO (else port I/O) */
#define CELL_CON_REGDIST_4		0x0002u	/**< registers 4 bytes apart (else 1) */
#define CELL_CON_FB_1920x1080		0x0004u	/**< framebuffer of 1920x1080 (else 1024x768) */
#define CELL_CON_INVERTED_GATE		0x1000u	/**< clear (not set) the gate bit */
#define CELL_CON_MDR_QUIRK		0x2000u	/**< UART needs the MDR register quirk */
/** @} */

/** @name IOMMU types (struct cell_iommu::type)
 *  @{ */
#define CELL_IOMMU_AMD			1u	/**< AMD-Vi */
#define CELL_IOMMU_INTEL		2u	/**< Intel VT-d */
#define CELL_IOMMU_SMMUV3		3u	/**< ARM SMMUv3 */
#define CELL_IOMMU_PVU			4u	/**< TI peripheral virtualisation unit */
#define CELL_IOMMU_ARM_MMU500		5u	/**< ARM MMU-500 (SMMUv2) */
/** Number of IOMMU unit slots in a system configuration. */
#define CELL_IOMMU_MAX			8u
/** @} */

/** A memory region of a cell. */
struct cell_memory {
	uint64_t phys_start;	/**< host physical start (ignored for COMM_REGION) */
	uint64_t virt_start;	/**< guest physical start */
	uint64_t size;		/**< size in bytes */
	uint64_t flags;		/**< CELL_MEM_* bits; unknown bits are kept */
};

/** An x86 CAT cache partition. */
struct cell_cache {
	uint32_t start;		/**< first cache way or bit of the partition */
	uint32_t size;		/**< number of ways or bits */
	uint8_t type;		/**< 1 L3 code, 2 L3 data, 3 L3 */
	uint8_t padding;	/**< on-disk padding byte, kept for exact round trips */
	uint16_t flags;		/**< bit 0: ROOTSHARED */
};

/** An interrupt-controller grant: 128 interrupt lines from pin_base. */
struct cell_irqchip {
	uint64_t address;	/**< GICD base on ARM, IOAPIC base on x86 */
	uint32_t id;		/**< IOAPIC id on x86; unused on ARM */
	uint32_t pin_base;	/**< first INTID covered (multiple of 32 on ARM) */
	uint32_t pin_bitmap[4];	/**< bit n of word w: INTID pin_base + 32 w + n */
};

/** An x86 port-I/O whitelist entry. */
struct cell_pio {
	uint16_t base;		/**< first port */
	uint16_t length;	/**< number of ports */
};

/** A PCI function assigned to the cell. */
struct cell_pci_device {
	uint8_t type;			/**< CELL_PCI_TYPE_* */
	uint8_t iommu;			/**< IOMMU unit index */
	uint16_t domain;	/**< PCI segment */
	uint16_t bdf;		/**< bus << 8 | device << 3 | function */
	uint16_t caps_start;		/**< first entry in the capability array */
	uint32_t bar_mask[6];	/**< writable bits of each BAR */
	uint16_t num_caps;	/**< number of capability entries from caps_start */
	uint8_t num_msi_vectors;	/**< MSI vectors, 0 without MSI */
	uint8_t msi_flags;		/**< CELL_PCI_MSI_* bits; other bits kept */
	uint16_t num_msix_vectors;	/**< MSI-X vectors, 0 without MSI-X */
	uint16_t msix_region_size;	/**< size of the MSI-X table region */
	uint64_t msix_address;	/**< physical address of the MSI-X table */
	uint32_t shmem_regions_start;	/**< ivshmem: first of its memory regions */
	uint8_t shmem_dev_id;	/**< ivshmem: this peer's id */
	uint8_t shmem_peers;	/**< ivshmem: maximum number of peers */
	uint16_t shmem_protocol;	/**< ivshmem: CELL_ABI_SHMEM_PROTO_* value */
};

/** A PCI capability the cell may access. */
struct cell_pci_capability {
	uint16_t id;		/**< capability id, | CELL_PCI_EXT_CAP for extended */
	uint16_t start;		/**< offset in configuration space */
	uint16_t len;		/**< length in bytes */
	uint16_t flags;		/**< CELL_PCICAPS_WRITE */
};

/** A UART or framebuffer console description. */
struct cell_console {
	uint64_t address;	/**< MMIO address or I/O port */
	uint32_t size;		/**< size of the register window */
	uint16_t type;		/**< CELL_CON_TYPE_* */
	uint16_t flags;		/**< CELL_CON_* flags */
	uint32_t divider;	/**< baud-rate divider, 0 to keep the firmware's */
	uint32_t gate_nr;	/**< clock gate bit in clock_reg */
	uint64_t clock_reg;	/**< clock gate register, 0 if none */
};

/**
 * An IOMMU unit of a system configuration. The on-disk record ends in a
 * union; both views are filled on decode, and on encode the view matching
 * @ref type is written (the TI PVU view for CELL_IOMMU_PVU, the AMD view
 * plus @ref tipvu_tlb_size for every other type), so round trips are exact.
 */
struct cell_iommu {
	uint32_t type;		/**< CELL_IOMMU_* */
	uint32_t size;		/**< size of the register window */
	uint64_t base;		/**< register base; 0 marks an unused slot */
	uint16_t amd_bdf;	/**< AMD: PCI address of the IOMMU function */
	uint8_t amd_base_cap;	/**< AMD: offset of the IOMMU capability */
	uint8_t amd_msi_cap;	/**< AMD: offset of the MSI capability */
	uint32_t amd_features;	/**< AMD: feature bits */
	uint64_t tipvu_tlb_base;	/**< TI PVU: TLB base address */
	uint32_t tipvu_tlb_size;	/**< TI PVU: TLB size (raw bytes otherwise) */
	uint32_t reserved;	/**< must be zero */
};

/** Descriptor fields of a cell (the root cell of a system configuration,
 *  or a non-root cell). */
struct cell_desc {
	char name[32];			/**< NUL-terminated, at most 31 chars */
	uint32_t id;			/**< set by the driver; 0 for the root */
	uint32_t flags;			/**< CELL_FLAG_* bits; unknown bits kept */
	uint32_t vpci_irq_base;	/**< first SPI (ARM) or pin of the virtual PCI host */
	uint32_t reserved;		/**< must be zero */
	uint64_t cpu_reset_address;	/**< ARM: entry address of the first CPU */
	uint64_t msg_reply_timeout;	/**< comm-region reply timeout, 0 = wait forever */
	struct cell_console console;	/**< console the cell may use */
};

/** Platform information of a system configuration. Both the ARM and the x86
 *  members are present; the ones matching the architecture are encoded. */
struct cell_platform {
	uint64_t pci_mmconfig_base;	/**< ECAM base of the (virtual) PCI host, 0 if none */
	uint8_t pci_mmconfig_end_bus;	/**< last bus number of the ECAM window */
	uint8_t pci_is_virtual;	/**< 1 if the PCI host is emulated by the hypervisor */
	uint16_t pci_domain;		/**< 0xffff: no linux,pci-domain */
	uint8_t arm_maintenance_irq;	/**< ARM: GIC maintenance interrupt (PPI INTID) */
	uint8_t arm_gic_version;	/**< ARM: 2 or 3 */
	uint16_t x86_pm_timer_address;	/**< x86: ACPI PM timer port */
	uint64_t arm_gicd_base;	/**< ARM: GIC distributor */
	uint64_t arm_gicc_base;	/**< ARM: GICv2 CPU interface */
	uint64_t arm_gich_base;	/**< ARM: GICv2 hypervisor interface */
	uint64_t arm_gicv_base;	/**< ARM: GICv2 virtual CPU interface */
	uint64_t arm_gicr_base;	/**< ARM: GICv3 redistributors */
	uint8_t x86_apic_mode;	/**< x86: CELL_ABI_APIC_MODE_* */
	uint8_t reserved[3];		/**< must be zero */
	uint32_t x86_vtd_interrupt_limit;	/**< x86: VT-d interrupt remapping entries */
	uint32_t x86_tsc_khz;	/**< x86: TSC frequency */
	uint32_t x86_apic_khz;	/**< x86: APIC timer frequency */
};

/** Header fields of a system configuration. */
struct cell_system {
	uint32_t flags;			/**< CELL_SYS_* bits */
	uint32_t reserved;		/**< must be zero */
	struct cell_memory hypervisor_memory;	/**< memory reserved for the hypervisor */
	struct cell_console debug_console;	/**< console of the hypervisor */
	struct cell_platform platform;		/**< GIC, PCI and IOMMU description */
};

/** A decoded or built configuration. */
typedef struct cell_config cell_config;

/**
 * @brief Create an empty configuration to build with the setters.
 * @param ctx  error context; must outlive the configuration.
 * @param[out] out new configuration, owned by the caller (cell_config_free()).
 * @param kind CELL_CONFIG_SYSTEM or CELL_CONFIG_CELL.
 * @param arch CELL_ARCH_X86, CELL_ARCH_ARM or CELL_ARCH_ARM64.
 * @return 0; -EINVAL for a NULL argument, an unknown kind or architecture;
 *         -ENOMEM.
 *
 * The new configuration has revision 14, an 8-byte CPU set with no CPU,
 * empty arrays and zeroed fields.
 */
CELL_API int cell_config_new(cell_ctx *ctx, cell_config **out, uint32_t kind,
			     uint32_t arch);

/**
 * @brief Decode a `.cell` image from memory.
 * @param ctx  error context.
 * @param[out] out decoded configuration, owned by the caller.
 * @param data bytes of the image (not retained).
 * @param size number of bytes.
 * @return 0;
 *   -EINVAL for NULL arguments;
 *   -EBADMSG for a wrong signature, an unsupported revision or architecture,
 *            non-zero reserved bytes, a cpu_set_size of 0;
 *   -ENODATA for an empty or truncated header;
 *   -EOVERFLOW when an array runs past the end or the counts overflow;
 *   -E2BIG for trailing bytes after the last array;
 *   -ENOMEM.
 * The message in @p ctx names the field and byte offset.
 */
CELL_API int cell_config_decode(cell_ctx *ctx, cell_config **out,
				const void *data, size_t size);

/**
 * @brief Read and decode a `.cell` file.
 * @return as cell_config_decode(), plus the negative errno of a failed
 *         open/read (-ENOENT, -EACCES, -EISDIR, …) and -EFBIG for a file
 *         larger than 16 MiB. Messages name @p path.
 */
CELL_API int cell_config_load(cell_ctx *ctx, cell_config **out,
			      const char *path);

/** @brief Destroy a configuration. NULL is a no-op. */
CELL_API void cell_config_free(cell_config *cfg);

/**
 * @brief Deep copy.
 * @param cfg configuration to copy.
 * @param[out] out the copy, owned by the caller.
 * @return 0, -EINVAL, -ENOMEM.
 */
CELL_API int cell_config_clone(const cell_config *cfg, cell_config **out);

/**
 * @brief Size in bytes of the encoded image.
 * @return the size (> 0), or -EINVAL for NULL, -EOVERFLOW when the
 *         configuration does not fit the format (a count above 2^32-1).
 */
CELL_API int64_t cell_config_encoded_size(const cell_config *cfg);

/**
 * @brief Encode into a caller buffer.
 * @param cfg configuration.
 * @param buf destination, may be NULL when @p size is 0.
 * @param size capacity of @p buf.
 * @param[out] written receives the encoded size (also on -ENOSPC); may be NULL.
 * @return 0; -EINVAL for NULL arguments, or for a revision 13 system
 *         configuration that would read back as the other architecture
 *         (revision 13 has no architecture byte; the reader guesses from the
 *         GIC fields); -ENOSPC when @p size is too small (nothing written);
 *         -EOVERFLOW as cell_config_encoded_size(); -EBADMSG when revision
 *         14 is requested with CELL_ARCH_UNKNOWN.
 */
CELL_API int cell_config_encode(const cell_config *cfg, void *buf, size_t size,
				size_t *written);

/**
 * @brief Encode into a new buffer.
 * @param cfg configuration.
 * @param[out] out receives the bytes; free with cell_free().
 * @param[out] size receives their number.
 * @return as cell_config_encode() (never -ENOSPC), plus -ENOMEM.
 */
CELL_API int cell_config_encode_alloc(const cell_config *cfg, uint8_t **out,
				      size_t *size);

/**
 * @brief Encode and write to @p path atomically (temporary file in the same
 *        directory, fsync, rename): the file is either the old one or the
 *        complete new one.
 * @return as cell_config_encode_alloc(), plus the negative errno of the
 *         failed file operation; the message names the path.
 */
CELL_API int cell_config_save(const cell_config *cfg, const char *path);

/** @brief CELL_CONFIG_SYSTEM or CELL_CONFIG_CELL; 0 for NULL. */
CELL_API uint32_t cell_config_kind(const cell_config *cfg);
/** @brief Architecture code (CELL_ARCH_*); CELL_ARCH_UNKNOWN for NULL. */
CELL_API uint32_t cell_config_arch(const cell_config *cfg);
/**
 * @brief Set the architecture.
 * @return 0, -EINVAL for NULL or an unknown code.
 */
CELL_API int cell_config_set_arch(cell_config *cfg, uint32_t arch);
/** @brief Revision the configuration will be encoded as (14 or 13); 0 for NULL. */
CELL_API uint32_t cell_config_revision(const cell_config *cfg);
/**
 * @brief Choose the revision to encode (14, or 13 for old tools).
 * @return 0; -EINVAL for NULL or another revision.
 */
CELL_API int cell_config_set_revision(cell_config *cfg, uint32_t revision);
/** @brief The error context the configuration was created with. */
CELL_API cell_ctx *cell_config_ctx(const cell_config *cfg);

/**
 * @brief Whether the root cell descriptor embedded in a system configuration
 *        carries its own signature, architecture and revision (1) or zeros
 *        there, as upstream system configurations do (0).
 * @return 1 or 0; -EINVAL for NULL or a cell configuration.
 */
CELL_API int cell_config_root_stamped(const cell_config *cfg);
/** @brief Set what cell_config_root_stamped() reports.
 *  @return 0; -EINVAL for NULL or a cell configuration. */
CELL_API int cell_config_set_root_stamped(cell_config *cfg, int stamped);

/**
 * @brief Read the cell descriptor (the root cell of a system configuration).
 * @return 0, -EINVAL.
 */
CELL_API int cell_config_get_desc(const cell_config *cfg, struct cell_desc *out);
/**
 * @brief Replace the cell descriptor.
 * @return 0; -EINVAL for NULL, a name without NUL in its 32 bytes or longer
 *         than 31 characters, or a non-zero reserved field.
 */
CELL_API int cell_config_set_desc(cell_config *cfg, const struct cell_desc *in);
/** @brief Name of the cell, owned by @p cfg; "" for NULL. */
CELL_API const char *cell_config_name(const cell_config *cfg);
/** @brief Set the name. @return 0; -EINVAL for NULL; -ENAMETOOLONG above 31 chars. */
CELL_API int cell_config_set_name(cell_config *cfg, const char *name);

/**
 * @brief Read the system header.
 * @return 0; -EINVAL for NULL; -ENOTSUP on a cell configuration.
 */
CELL_API int cell_config_get_system(const cell_config *cfg, struct cell_system *out);
/**
 * @brief Replace the system header.
 * @return 0; -EINVAL for NULL or non-zero reserved fields; -ENOTSUP on a
 *         cell configuration.
 */
CELL_API int cell_config_set_system(cell_config *cfg, const struct cell_system *in);

/**
 * @brief Read IOMMU unit @p index (0..7) of a system configuration.
 * @return 0; -EINVAL; -ERANGE; -ENOTSUP on a cell configuration.
 */
CELL_API int cell_config_iommu_get(const cell_config *cfg, uint32_t index,
				   struct cell_iommu *out);
/** @brief Replace IOMMU unit @p index. @return as cell_config_iommu_get(). */
CELL_API int cell_config_iommu_set(cell_config *cfg, uint32_t index,
				   const struct cell_iommu *in);

/**
 * @brief Size of the CPU set bitmap in bytes, as encoded (usually 8).
 */
CELL_API uint32_t cell_config_cpu_set_size(const cell_config *cfg);
/**
 * @brief Resize the CPU set bitmap; CPUs beyond the new size are dropped.
 * @return 0; -EINVAL for NULL or 0; -E2BIG above 4096 bytes; -ENOMEM.
 */
CELL_API int cell_config_set_cpu_set_size(cell_config *cfg, uint32_t bytes);
/**
 * @brief The CPUs of the cell as a sorted list of CPU numbers.
 * @param cfg configuration.
 * @param[out] out receives up to @p max numbers; may be NULL when @p max is 0.
 * @param max capacity of @p out.
 * @return the total number of CPUs in the set (may exceed @p max), or -EINVAL.
 */
CELL_API int cell_config_cpus(const cell_config *cfg, uint32_t *out, uint32_t max);
/** @brief 1 if CPU @p cpu is in the set, 0 if not; -EINVAL for NULL. */
CELL_API int cell_config_has_cpu(const cell_config *cfg, uint32_t cpu);
/**
 * @brief Add a CPU, growing the bitmap in 8-byte steps when needed.
 * @return 0; -EINVAL; -E2BIG for a CPU at or above 32768; -ENOMEM.
 */
CELL_API int cell_config_add_cpu(cell_config *cfg, uint32_t cpu);
/** @brief Remove a CPU (absent is not an error). @return 0, -EINVAL. */
CELL_API int cell_config_remove_cpu(cell_config *cfg, uint32_t cpu);

/**
 * @name Arrays
 * One family per array: `_count` returns the number of entries or -EINVAL
 * for NULL; `_get`/`_set` read/replace entry @p index; `_insert` inserts
 * before @p index (index == count appends); `_remove` deletes it. They
 * return 0, -EINVAL for NULL arguments, -ERANGE for an index out of range;
 * `_insert` also -EOVERFLOW past 2^32-1 entries and -ENOMEM.
 * @{
 */

/** @brief Number of memory regions. */
CELL_API int cell_config_memory_count(const cell_config *cfg);
/** @brief Copy entry @p index of the memory regions to @p out. */
CELL_API int cell_config_memory_get(const cell_config *cfg, uint32_t index,
				      struct cell_memory *out);
/** @brief Replace entry @p index of the memory regions. */
CELL_API int cell_config_memory_set(cell_config *cfg, uint32_t index,
				      const struct cell_memory *in);
/** @brief Insert into the memory regions before @p index (count appends). */
CELL_API int cell_config_memory_insert(cell_config *cfg, uint32_t index,
				         const struct cell_memory *in);
/** @brief Remove entry @p index of the memory regions. */
CELL_API int cell_config_memory_remove(cell_config *cfg, uint32_t index);

/** @brief Number of cache regions. */
CELL_API int cell_config_cache_count(const cell_config *cfg);
/** @brief Copy entry @p index of the cache regions to @p out. */
CELL_API int cell_config_cache_get(const cell_config *cfg, uint32_t index,
				     struct cell_cache *out);
/** @brief Replace entry @p index of the cache regions. */
CELL_API int cell_config_cache_set(cell_config *cfg, uint32_t index,
				     const struct cell_cache *in);
/** @brief Insert into the cache regions before @p index (count appends). */
CELL_API int cell_config_cache_insert(cell_config *cfg, uint32_t index,
				        const struct cell_cache *in);
/** @brief Remove entry @p index of the cache regions. */
CELL_API int cell_config_cache_remove(cell_config *cfg, uint32_t index);

/** @brief Number of irqchips. */
CELL_API int cell_config_irqchip_count(const cell_config *cfg);
/** @brief Copy entry @p index of the irqchips to @p out. */
CELL_API int cell_config_irqchip_get(const cell_config *cfg, uint32_t index,
				       struct cell_irqchip *out);
/** @brief Replace entry @p index of the irqchips. */
CELL_API int cell_config_irqchip_set(cell_config *cfg, uint32_t index,
				       const struct cell_irqchip *in);
/** @brief Insert into the irqchips before @p index (count appends). */
CELL_API int cell_config_irqchip_insert(cell_config *cfg, uint32_t index,
				          const struct cell_irqchip *in);
/** @brief Remove entry @p index of the irqchips. */
CELL_API int cell_config_irqchip_remove(cell_config *cfg, uint32_t index);

/** @brief Number of port-I/O regions. */
CELL_API int cell_config_pio_count(const cell_config *cfg);
/** @brief Copy entry @p index of the port-I/O regions to @p out. */
CELL_API int cell_config_pio_get(const cell_config *cfg, uint32_t index,
				   struct cell_pio *out);
/** @brief Replace entry @p index of the port-I/O regions. */
CELL_API int cell_config_pio_set(cell_config *cfg, uint32_t index,
				   const struct cell_pio *in);
/** @brief Insert into the port-I/O regions before @p index (count appends). */
CELL_API int cell_config_pio_insert(cell_config *cfg, uint32_t index,
				      const struct cell_pio *in);
/** @brief Remove entry @p index of the port-I/O regions. */
CELL_API int cell_config_pio_remove(cell_config *cfg, uint32_t index);

/** @brief Number of PCI devices. */
CELL_API int cell_config_pci_device_count(const cell_config *cfg);
/** @brief Copy entry @p index of the PCI devices to @p out. */
CELL_API int cell_config_pci_device_get(const cell_config *cfg, uint32_t index,
				          struct cell_pci_device *out);
/** @brief Replace entry @p index of the PCI devices. */
CELL_API int cell_config_pci_device_set(cell_config *cfg, uint32_t index,
				          const struct cell_pci_device *in);
/** @brief Insert into the PCI devices before @p index (count appends). */
CELL_API int cell_config_pci_device_insert(cell_config *cfg, uint32_t index,
				             const struct cell_pci_device *in);
/** @brief Remove entry @p index of the PCI devices. */
CELL_API int cell_config_pci_device_remove(cell_config *cfg, uint32_t index);

/** @brief Number of PCI capabilities. */
CELL_API int cell_config_pci_cap_count(const cell_config *cfg);
/** @brief Copy entry @p index of the PCI capabilities to @p out. */
CELL_API int cell_config_pci_cap_get(const cell_config *cfg, uint32_t index,
				       struct cell_pci_capability *out);
/** @brief Replace entry @p index of the PCI capabilities. */
CELL_API int cell_config_pci_cap_set(cell_config *cfg, uint32_t index,
				       const struct cell_pci_capability *in);
/** @brief Insert into the PCI capabilities before @p index (count appends). */
CELL_API int cell_config_pci_cap_insert(cell_config *cfg, uint32_t index,
				          const struct cell_pci_capability *in);
/** @brief Remove entry @p index of the PCI capabilities. */
CELL_API int cell_config_pci_cap_remove(cell_config *cfg, uint32_t index);

/** @brief Number of IOMMU stream ids. */
CELL_API int cell_config_stream_id_count(const cell_config *cfg);
/** @brief Copy entry @p index of the IOMMU stream ids to @p out. */
CELL_API int cell_config_stream_id_get(const cell_config *cfg, uint32_t index,
				         uint32_t *out);
/** @brief Replace entry @p index of the IOMMU stream ids. */
CELL_API int cell_config_stream_id_set(cell_config *cfg, uint32_t index,
				         const uint32_t *in);
/** @brief Insert into the IOMMU stream ids before @p index (count appends). */
CELL_API int cell_config_stream_id_insert(cell_config *cfg, uint32_t index,
				            const uint32_t *in);
/** @brief Remove entry @p index of the IOMMU stream ids. */
CELL_API int cell_config_stream_id_remove(cell_config *cfg, uint32_t index);

/** @} */

/**
 * @brief Carve a physical range out of every memory region.
 *
 * Each region whose physical side overlaps [@p base, @p base + @p size) is
 * shrunk or split so that no region maps the range any more; the guest side
 * of a split piece keeps its offset to the physical side. COMM_REGION
 * regions have no physical side and are left alone. Used to hand an MMIO
 * window from the root cell to another cell.
 *
 * @return the number of regions removed, shrunk or split (0 when none
 *         overlapped); -EINVAL for NULL or a range wrapping past 2^64;
 *         -EOVERFLOW or -ENOMEM when a split cannot be inserted.
 */
CELL_API int cell_config_memory_carve(cell_config *cfg, uint64_t base,
				      uint64_t size);

/**
 * @brief Index of the first memory region equal to @p m in every field.
 * @return the index; -ENOENT when there is none; -EINVAL for NULL.
 */
CELL_API int cell_config_memory_find(const cell_config *cfg,
				     const struct cell_memory *m);

/**
 * @brief Lossless JSON form of a configuration (see docs/config-json.md).
 * @param cfg configuration.
 * @param[out] out NUL-terminated JSON text; free with cell_free().
 * @return 0; -EINVAL; -ENOMEM.
 */
CELL_API int cell_config_to_json(const cell_config *cfg, char **out);

/**
 * @brief Build a configuration from its JSON form.
 * @param ctx  error context; must outlive the configuration.
 * @param[out] out new configuration, owned by the caller.
 * @param json NUL-terminated JSON text.
 * @return 0; -EINVAL for NULL; -EBADMSG for invalid JSON, a missing or
 *         mistyped key, an unknown flag name, a value out of range (the
 *         message names the JSON path, e.g. "memory_regions[3].flags"), a
 *         revision 13 system configuration that would read back as the
 *         other architecture (see cell_config_encode()); -ENOMEM.
 */
CELL_API int cell_config_from_json(cell_ctx *ctx, cell_config **out,
				   const char *json);

/**
 * @brief Symbolic name of one memory flag bit (e.g. "ROOTSHARED").
 * @return a static string, or NULL for a bit without a name.
 */
CELL_API const char *cell_mem_flag_name(uint64_t bit);

/** @} */

CELL_END_DECL

#endif /* LIBCELL_CONFIG_H */
