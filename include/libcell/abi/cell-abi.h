/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libcell: the one description of every binary layout libcell shares with a
 * Jailhouse-compatible driver and hypervisor (configuration revision 14,
 * hypercalls, communication region, /dev/jailhouse ioctls, image header).
 *
 * This header is included by the user-space library, by the kernel module
 * (kmod/) and by the freestanding hypervisor (hypervisor/). It therefore
 * depends on nothing but fixed-width integer types and must stay
 * self-contained. The public libcell API never exposes these packed
 * structures: see <libcell/config.h> for the FFI-friendly mirrors.
 *
 * Every size and offset below is pinned with a static assertion, so a change
 * that moves a field fails to compile in all three consumers at once.
 */
#ifndef LIBCELL_ABI_CELL_ABI_H
#define LIBCELL_ABI_CELL_ABI_H

#if defined(__KERNEL__)
#include <linux/types.h>
#include <linux/stddef.h>
#else
#include <stddef.h>
#include <stdint.h>
#endif

#define CELL_ABI_PACKED __attribute__((packed))

#ifdef __cplusplus
#define CELL_ABI_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define CELL_ABI_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif
#define CELL_ABI_SIZE(type, size) \
	CELL_ABI_ASSERT(sizeof(type) == (size), #type " must be " #size " bytes")
#define CELL_ABI_OFFSET(type, field, off) \
	CELL_ABI_ASSERT(offsetof(type, field) == (off), \
			#type "." #field " must be at offset " #off)

/* ---------------------------------------------------------------------------
 * Configuration format
 */
#define CELL_ABI_CONFIG_REVISION	14
#define CELL_ABI_CONFIG_REVISION_13	13
#define CELL_ABI_SYSTEM_SIGNATURE	"JHSYS"
#define CELL_ABI_CELL_SIGNATURE		"JHCLL"
#define CELL_ABI_SIGNATURE_LEN		5
/* Revision <= 13 used six-byte signatures and had no architecture byte. */
#define CELL_ABI_SYSTEM_SIGNATURE_13	"JHSYST"
#define CELL_ABI_CELL_SIGNATURE_13	"JHCELL"
#define CELL_ABI_SIGNATURE_LEN_13	6

#define CELL_ABI_ARCH_X86		0
#define CELL_ABI_ARCH_ARM		1
#define CELL_ABI_ARCH_ARM64		2

#define CELL_ABI_NAME_LEN		32	/* including the NUL */

/* Cell descriptor flags */
#define CELL_ABI_CELL_PASSIVE_COMMREG		0x00000001u
#define CELL_ABI_CELL_TEST_DEVICE		0x00000002u
#define CELL_ABI_CELL_AARCH32			0x00000004u
#define CELL_ABI_CELL_VIRTUAL_CONSOLE_PERMITTED	0x40000000u
#define CELL_ABI_CELL_VIRTUAL_CONSOLE_ACTIVE	0x80000000u

/* Memory region flags */
#define CELL_ABI_MEM_READ		0x0001ull
#define CELL_ABI_MEM_WRITE		0x0002ull
#define CELL_ABI_MEM_EXECUTE		0x0004ull
#define CELL_ABI_MEM_DMA		0x0008ull
#define CELL_ABI_MEM_IO			0x0010ull
#define CELL_ABI_MEM_COMM_REGION	0x0020ull
#define CELL_ABI_MEM_LOADABLE		0x0040ull
#define CELL_ABI_MEM_ROOTSHARED		0x0080ull
#define CELL_ABI_MEM_NO_HUGEPAGES	0x0100ull
#define CELL_ABI_MEM_IO_UNALIGNED	0x8000ull
#define CELL_ABI_MEM_IO_8		0x10000ull
#define CELL_ABI_MEM_IO_16		0x20000ull
#define CELL_ABI_MEM_IO_32		0x40000ull
#define CELL_ABI_MEM_IO_64		0x80000ull

/* Cache region */
#define CELL_ABI_CACHE_L3_CODE		1
#define CELL_ABI_CACHE_L3_DATA		2
#define CELL_ABI_CACHE_L3		3
#define CELL_ABI_CACHE_ROOTSHARED	0x0001

/* PCI */
#define CELL_ABI_PCI_TYPE_DEVICE	1
#define CELL_ABI_PCI_TYPE_BRIDGE	2
#define CELL_ABI_PCI_TYPE_IVSHMEM	3
#define CELL_ABI_PCI_MSI_64BITS		0x01	/* bit 0 of the MSI byte @35 */
#define CELL_ABI_PCI_MSI_MASKABLE	0x02	/* bit 1 of the MSI byte @35 */
#define CELL_ABI_PCI_EXT_CAP		0x8000
#define CELL_ABI_PCICAPS_WRITE		0x0001
#define CELL_ABI_SHMEM_PROTO_UNDEFINED	0x0000
#define CELL_ABI_SHMEM_PROTO_VETH	0x0001

/* Console */
#define CELL_ABI_CON_TYPE_NONE		0x0000
#define CELL_ABI_CON_TYPE_EFIFB		0x0001
#define CELL_ABI_CON_TYPE_8250		0x0002
#define CELL_ABI_CON_TYPE_PL011		0x0003
#define CELL_ABI_CON_TYPE_XUARTPS	0x0004
#define CELL_ABI_CON_TYPE_MVEBU		0x0005
#define CELL_ABI_CON_TYPE_HSCIF		0x0006
#define CELL_ABI_CON_TYPE_SCIFA		0x0007
#define CELL_ABI_CON_TYPE_IMX		0x0008
#define CELL_ABI_CON_TYPE_IMX_LPUART	0x0009
#define CELL_ABI_CON_TYPE_SCIF		0x000a
#define CELL_ABI_CON_ACCESS_MMIO	0x0001
#define CELL_ABI_CON_REGDIST_4		0x0002
#define CELL_ABI_CON_FB_1920x1080	0x0004
#define CELL_ABI_CON_INVERTED_GATE	0x1000
#define CELL_ABI_CON_MDR_QUIRK		0x2000

/* IOMMU */
#define CELL_ABI_IOMMU_MAX		8
#define CELL_ABI_IOMMU_AMD		1
#define CELL_ABI_IOMMU_INTEL		2
#define CELL_ABI_IOMMU_SMMUV3		3
#define CELL_ABI_IOMMU_PVU		4
#define CELL_ABI_IOMMU_ARM_MMU500	5

/* System flags */
#define CELL_ABI_SYS_VIRTUAL_DEBUG_CONSOLE	0x0001u

#define CELL_ABI_APIC_MODE_AUTO		0
#define CELL_ABI_APIC_MODE_XAPIC	1
#define CELL_ABI_APIC_MODE_X2APIC	2

#define CELL_ABI_PCI_DOMAIN_OMIT	0xffff

struct cell_abi_console {
	uint64_t address;
	uint32_t size;
	uint16_t type;
	uint16_t flags;
	uint32_t divider;
	uint32_t gate_nr;
	uint64_t clock_reg;
} CELL_ABI_PACKED;

struct cell_abi_cell_desc {
	char signature[5];
	uint8_t architecture;
	uint16_t revision;
	char name[CELL_ABI_NAME_LEN];
	uint32_t id;
	uint32_t flags;
	uint32_t cpu_set_size;
	uint32_t num_memory_regions;
	uint32_t num_cache_regions;
	uint32_t num_irqchips;
	uint32_t num_pio_regions;
	uint32_t num_pci_devices;
	uint32_t num_pci_caps;
	uint32_t num_stream_ids;
	uint32_t vpci_irq_base;
	uint64_t cpu_reset_address;
	uint64_t msg_reply_timeout;
	struct cell_abi_console console;
} CELL_ABI_PACKED;

struct cell_abi_memory {
	uint64_t phys_start;
	uint64_t virt_start;
	uint64_t size;
	uint64_t flags;
} CELL_ABI_PACKED;

struct cell_abi_cache {
	uint32_t start;
	uint32_t size;
	uint8_t type;
	uint8_t padding;
	uint16_t flags;
} CELL_ABI_PACKED;

struct cell_abi_irqchip {
	uint64_t address;
	uint32_t id;
	uint32_t pin_base;
	uint32_t pin_bitmap[4];
} CELL_ABI_PACKED;

struct cell_abi_pio {
	uint16_t base;
	uint16_t length;
} CELL_ABI_PACKED;

/*
 * Upstream declares msi_64bits/msi_maskable as bitfields; the ABI is simply a
 * flags byte at offset 35, which is how it is spelled here.
 */
struct cell_abi_pci_device {
	uint8_t type;
	uint8_t iommu;
	uint16_t domain;
	uint16_t bdf;
	uint32_t bar_mask[6];
	uint16_t caps_start;
	uint16_t num_caps;
	uint8_t num_msi_vectors;
	uint8_t msi_flags;
	uint16_t num_msix_vectors;
	uint16_t msix_region_size;
	uint64_t msix_address;
	uint32_t shmem_regions_start;
	uint8_t shmem_dev_id;
	uint8_t shmem_peers;
	uint16_t shmem_protocol;
} CELL_ABI_PACKED;

struct cell_abi_pci_capability {
	uint16_t id;
	uint16_t start;
	uint16_t len;
	uint16_t flags;
} CELL_ABI_PACKED;

struct cell_abi_iommu {
	uint32_t type;
	uint64_t base;
	uint32_t size;
	union {
		struct {
			uint16_t bdf;
			uint8_t base_cap;
			uint8_t msi_cap;
			uint32_t features;
		} CELL_ABI_PACKED amd;
		struct {
			uint64_t tlb_base;
			uint32_t tlb_size;
		} CELL_ABI_PACKED tipvu;
	} CELL_ABI_PACKED;
} CELL_ABI_PACKED;

struct cell_abi_platform_info {
	uint64_t pci_mmconfig_base;
	uint8_t pci_mmconfig_end_bus;
	uint8_t pci_is_virtual;
	uint16_t pci_domain;
	struct cell_abi_iommu iommu_units[CELL_ABI_IOMMU_MAX];
	union {
		struct {
			uint16_t pm_timer_address;
			uint8_t apic_mode;
			uint8_t padding;
			uint32_t vtd_interrupt_limit;
			uint32_t tsc_khz;
			uint32_t apic_khz;
		} CELL_ABI_PACKED x86;
		struct {
			uint8_t maintenance_irq;
			uint8_t gic_version;
			uint8_t padding[2];
			uint64_t gicd_base;
			uint64_t gicc_base;
			uint64_t gich_base;
			uint64_t gicv_base;
			uint64_t gicr_base;
		} CELL_ABI_PACKED arm;
	} CELL_ABI_PACKED;
} CELL_ABI_PACKED;

struct cell_abi_system {
	char signature[5];
	uint8_t architecture;
	uint16_t revision;
	uint32_t flags;
	struct cell_abi_memory hypervisor_memory;
	struct cell_abi_console debug_console;
	struct cell_abi_platform_info platform_info;
	struct cell_abi_cell_desc root_cell;
} CELL_ABI_PACKED;

CELL_ABI_SIZE(struct cell_abi_console, 32);
CELL_ABI_OFFSET(struct cell_abi_console, size, 8);
CELL_ABI_OFFSET(struct cell_abi_console, type, 12);
CELL_ABI_OFFSET(struct cell_abi_console, flags, 14);
CELL_ABI_OFFSET(struct cell_abi_console, divider, 16);
CELL_ABI_OFFSET(struct cell_abi_console, gate_nr, 20);
CELL_ABI_OFFSET(struct cell_abi_console, clock_reg, 24);

CELL_ABI_SIZE(struct cell_abi_cell_desc, 132);
CELL_ABI_OFFSET(struct cell_abi_cell_desc, architecture, 5);
CELL_ABI_OFFSET(struct cell_abi_cell_desc, revision, 6);
CELL_ABI_OFFSET(struct cell_abi_cell_desc, name, 8);
CELL_ABI_OFFSET(struct cell_abi_cell_desc, id, 40);
CELL_ABI_OFFSET(struct cell_abi_cell_desc, flags, 44);
CELL_ABI_OFFSET(struct cell_abi_cell_desc, cpu_set_size, 48);
CELL_ABI_OFFSET(struct cell_abi_cell_desc, num_memory_regions, 52);
CELL_ABI_OFFSET(struct cell_abi_cell_desc, num_stream_ids, 76);
CELL_ABI_OFFSET(struct cell_abi_cell_desc, vpci_irq_base, 80);
CELL_ABI_OFFSET(struct cell_abi_cell_desc, cpu_reset_address, 84);
CELL_ABI_OFFSET(struct cell_abi_cell_desc, msg_reply_timeout, 92);
CELL_ABI_OFFSET(struct cell_abi_cell_desc, console, 100);

CELL_ABI_SIZE(struct cell_abi_memory, 32);
CELL_ABI_OFFSET(struct cell_abi_memory, virt_start, 8);
CELL_ABI_OFFSET(struct cell_abi_memory, size, 16);
CELL_ABI_OFFSET(struct cell_abi_memory, flags, 24);

CELL_ABI_SIZE(struct cell_abi_cache, 12);
CELL_ABI_OFFSET(struct cell_abi_cache, type, 8);
CELL_ABI_OFFSET(struct cell_abi_cache, flags, 10);

CELL_ABI_SIZE(struct cell_abi_irqchip, 32);
CELL_ABI_OFFSET(struct cell_abi_irqchip, id, 8);
CELL_ABI_OFFSET(struct cell_abi_irqchip, pin_base, 12);
CELL_ABI_OFFSET(struct cell_abi_irqchip, pin_bitmap, 16);

CELL_ABI_SIZE(struct cell_abi_pio, 4);

CELL_ABI_SIZE(struct cell_abi_pci_device, 56);
CELL_ABI_OFFSET(struct cell_abi_pci_device, iommu, 1);
CELL_ABI_OFFSET(struct cell_abi_pci_device, domain, 2);
CELL_ABI_OFFSET(struct cell_abi_pci_device, bdf, 4);
CELL_ABI_OFFSET(struct cell_abi_pci_device, bar_mask, 6);
CELL_ABI_OFFSET(struct cell_abi_pci_device, caps_start, 30);
CELL_ABI_OFFSET(struct cell_abi_pci_device, num_caps, 32);
CELL_ABI_OFFSET(struct cell_abi_pci_device, num_msi_vectors, 34);
CELL_ABI_OFFSET(struct cell_abi_pci_device, msi_flags, 35);
CELL_ABI_OFFSET(struct cell_abi_pci_device, num_msix_vectors, 36);
CELL_ABI_OFFSET(struct cell_abi_pci_device, msix_region_size, 38);
CELL_ABI_OFFSET(struct cell_abi_pci_device, msix_address, 40);
CELL_ABI_OFFSET(struct cell_abi_pci_device, shmem_regions_start, 48);
CELL_ABI_OFFSET(struct cell_abi_pci_device, shmem_dev_id, 52);
CELL_ABI_OFFSET(struct cell_abi_pci_device, shmem_peers, 53);
CELL_ABI_OFFSET(struct cell_abi_pci_device, shmem_protocol, 54);

CELL_ABI_SIZE(struct cell_abi_pci_capability, 8);

CELL_ABI_SIZE(struct cell_abi_iommu, 28);
CELL_ABI_OFFSET(struct cell_abi_iommu, base, 4);
CELL_ABI_OFFSET(struct cell_abi_iommu, size, 12);
CELL_ABI_OFFSET(struct cell_abi_iommu, amd.bdf, 16);
CELL_ABI_OFFSET(struct cell_abi_iommu, amd.base_cap, 18);
CELL_ABI_OFFSET(struct cell_abi_iommu, amd.msi_cap, 19);
CELL_ABI_OFFSET(struct cell_abi_iommu, amd.features, 20);
CELL_ABI_OFFSET(struct cell_abi_iommu, tipvu.tlb_base, 16);
CELL_ABI_OFFSET(struct cell_abi_iommu, tipvu.tlb_size, 24);

CELL_ABI_SIZE(struct cell_abi_platform_info, 280);
CELL_ABI_SIZE(struct cell_abi_system, 488);
CELL_ABI_OFFSET(struct cell_abi_system, architecture, 5);
CELL_ABI_OFFSET(struct cell_abi_system, revision, 6);
CELL_ABI_OFFSET(struct cell_abi_system, flags, 8);
CELL_ABI_OFFSET(struct cell_abi_system, hypervisor_memory, 12);
CELL_ABI_OFFSET(struct cell_abi_system, debug_console, 44);
CELL_ABI_OFFSET(struct cell_abi_system, platform_info, 76);
CELL_ABI_OFFSET(struct cell_abi_system, platform_info.pci_mmconfig_end_bus, 84);
CELL_ABI_OFFSET(struct cell_abi_system, platform_info.pci_is_virtual, 85);
CELL_ABI_OFFSET(struct cell_abi_system, platform_info.pci_domain, 86);
CELL_ABI_OFFSET(struct cell_abi_system, platform_info.iommu_units, 88);
CELL_ABI_OFFSET(struct cell_abi_system, platform_info.x86.pm_timer_address, 312);
CELL_ABI_OFFSET(struct cell_abi_system, platform_info.x86.apic_mode, 314);
CELL_ABI_OFFSET(struct cell_abi_system, platform_info.x86.vtd_interrupt_limit, 316);
CELL_ABI_OFFSET(struct cell_abi_system, platform_info.x86.tsc_khz, 320);
CELL_ABI_OFFSET(struct cell_abi_system, platform_info.x86.apic_khz, 324);
CELL_ABI_OFFSET(struct cell_abi_system, platform_info.arm.maintenance_irq, 312);
CELL_ABI_OFFSET(struct cell_abi_system, platform_info.arm.gic_version, 313);
CELL_ABI_OFFSET(struct cell_abi_system, platform_info.arm.gicd_base, 316);
CELL_ABI_OFFSET(struct cell_abi_system, platform_info.arm.gicc_base, 324);
CELL_ABI_OFFSET(struct cell_abi_system, platform_info.arm.gich_base, 332);
CELL_ABI_OFFSET(struct cell_abi_system, platform_info.arm.gicv_base, 340);
CELL_ABI_OFFSET(struct cell_abi_system, platform_info.arm.gicr_base, 348);
CELL_ABI_OFFSET(struct cell_abi_system, root_cell, 356);

/*
 * An all-zero memory region is an unused slot (upstream's shared-memory
 * network macro emits one): every consumer skips it. A size-0 region with
 * any other field set is still a mistake.
 */
static inline int cell_abi_mem_unused(const struct cell_abi_memory *m)
{
	return !(m->phys_start | m->virt_start | m->size | m->flags);
}

/* An all-zero irqchip entry is an unused slot as well. */
static inline int cell_abi_irqchip_unused(const struct cell_abi_irqchip *c)
{
	return !(c->address | c->id | c->pin_base | c->pin_bitmap[0] |
		 c->pin_bitmap[1] | c->pin_bitmap[2] | c->pin_bitmap[3]);
}

/*
 * Bytes of a cell config: the descriptor and the arrays that follow it in
 * this order. 64-bit arithmetic: 32-bit counts cannot overflow it, so the
 * kmod and the hypervisor can compare it with the size they were given.
 */
static inline uint64_t cell_abi_cell_config_size(const struct cell_abi_cell_desc *c)
{
	return sizeof(*c) + (uint64_t)c->cpu_set_size +
	       (uint64_t)c->num_memory_regions * sizeof(struct cell_abi_memory) +
	       (uint64_t)c->num_cache_regions * sizeof(struct cell_abi_cache) +
	       (uint64_t)c->num_irqchips * sizeof(struct cell_abi_irqchip) +
	       (uint64_t)c->num_pio_regions * sizeof(struct cell_abi_pio) +
	       (uint64_t)c->num_pci_devices * sizeof(struct cell_abi_pci_device) +
	       (uint64_t)c->num_pci_caps * sizeof(struct cell_abi_pci_capability) +
	       (uint64_t)c->num_stream_ids * sizeof(uint32_t);
}

/* ---------------------------------------------------------------------------
 * Hypercalls (arm64: hvc #CELL_ABI_HVC_IMM, x0 = code/result, x1/x2 = args)
 */
#define CELL_ABI_HVC_IMM			0x4a48

#define CELL_ABI_HC_DISABLE			0
#define CELL_ABI_HC_CELL_CREATE			1
#define CELL_ABI_HC_CELL_START			2
#define CELL_ABI_HC_CELL_SET_LOADABLE		3
#define CELL_ABI_HC_CELL_DESTROY		4
#define CELL_ABI_HC_HYPERVISOR_GET_INFO		5
#define CELL_ABI_HC_CELL_GET_STATE		6
#define CELL_ABI_HC_CPU_GET_INFO		7
#define CELL_ABI_HC_DEBUG_CONSOLE_PUTC		8

#define CELL_ABI_INFO_MEM_POOL_SIZE		0
#define CELL_ABI_INFO_MEM_POOL_USED		1
#define CELL_ABI_INFO_REMAP_POOL_SIZE		2
#define CELL_ABI_INFO_REMAP_POOL_USED		3
#define CELL_ABI_INFO_NUM_CELLS			4

#define CELL_ABI_CPU_INFO_STATE			0
#define CELL_ABI_CPU_INFO_STAT_BASE		1000
#define CELL_ABI_CPU_RUNNING			0
#define CELL_ABI_CPU_FAILED			2

/* VM-exit statistics indices (generic, then arm/arm64) */
#define CELL_ABI_STAT_TOTAL			0
#define CELL_ABI_STAT_MMIO			1
#define CELL_ABI_STAT_MANAGEMENT		2
#define CELL_ABI_STAT_HYPERCALL			3
#define CELL_ABI_STAT_MAINTENANCE		4
#define CELL_ABI_STAT_VIRQ			5
#define CELL_ABI_STAT_VSGI			6
#define CELL_ABI_STAT_PSCI			7
#define CELL_ABI_STAT_SMCCC			8
#define CELL_ABI_STAT_NUM_ARM64			9

/* Cell states */
#define CELL_ABI_CELL_RUNNING			0
#define CELL_ABI_CELL_RUNNING_LOCKED		1
#define CELL_ABI_CELL_SHUT_DOWN			2
#define CELL_ABI_CELL_FAILED			3
#define CELL_ABI_CELL_FAILED_COMM_REV		4

/* ---------------------------------------------------------------------------
 * Communication region (one page per cell)
 */
#define CELL_ABI_COMM_SIGNATURE			"JHCOMM"
#define CELL_ABI_COMM_REVISION			2
#define CELL_ABI_COMM_IPA_ARM			0x80000000ull

#define CELL_ABI_MSG_NONE			0
#define CELL_ABI_MSG_SHUTDOWN_REQUEST		1
#define CELL_ABI_MSG_RECONFIG_COMPLETED		2

#define CELL_ABI_REPLY_UNKNOWN			1
#define CELL_ABI_REPLY_DENIED			2
#define CELL_ABI_REPLY_APPROVED			3
#define CELL_ABI_REPLY_RECEIVED			4

#define CELL_ABI_COMM_FLAG_DBG_PUTC_PERMITTED	0x0001
#define CELL_ABI_COMM_FLAG_DBG_PUTC_ACTIVE	0x0002

struct cell_abi_comm_region_arm {
	char signature[6];
	uint16_t revision;
	volatile uint32_t cell_state;
	volatile uint32_t msg_to_cell;
	volatile uint32_t reply_from_cell;
	uint32_t flags;
	struct cell_abi_console console;
	uint64_t pci_mmconfig_base;
	uint8_t gic_version;
	uint8_t padding[7];
	uint64_t gicd_base;
	uint64_t gicc_base;
	uint64_t gicr_base;
	uint32_t vpci_irq_base;
} CELL_ABI_PACKED;

CELL_ABI_SIZE(struct cell_abi_comm_region_arm, 100);
CELL_ABI_OFFSET(struct cell_abi_comm_region_arm, cell_state, 8);
CELL_ABI_OFFSET(struct cell_abi_comm_region_arm, flags, 20);
CELL_ABI_OFFSET(struct cell_abi_comm_region_arm, console, 24);
CELL_ABI_OFFSET(struct cell_abi_comm_region_arm, pci_mmconfig_base, 56);
CELL_ABI_OFFSET(struct cell_abi_comm_region_arm, gic_version, 64);
CELL_ABI_OFFSET(struct cell_abi_comm_region_arm, gicd_base, 72);
CELL_ABI_OFFSET(struct cell_abi_comm_region_arm, gicr_base, 88);
CELL_ABI_OFFSET(struct cell_abi_comm_region_arm, vpci_irq_base, 96);

/* ---------------------------------------------------------------------------
 * Hypervisor image header (not packed; LP64 layout, filled by build + driver)
 */
#define CELL_ABI_HV_SIGNATURE			"JAILHOUS"
#define CELL_ABI_HV_SIGNATURE_LEN		8
#define CELL_ABI_HYP_STUB_ABI_LEGACY		0
#define CELL_ABI_HYP_STUB_ABI_OPCODE		1

struct cell_abi_hv_header {
	char signature[CELL_ABI_HV_SIGNATURE_LEN];
	uint64_t core_size;
	uint64_t percpu_size;
	uint64_t entry;
	uint64_t console_page;
	uint64_t gcov_info_head;
	uint32_t max_cpus;
	uint32_t online_cpus;
	uint64_t debug_console_base;
	uint64_t arm_linux_hyp_vectors;
	uint32_t arm_linux_hyp_abi;
	uint32_t padding;
};

CELL_ABI_SIZE(struct cell_abi_hv_header, 80);
CELL_ABI_OFFSET(struct cell_abi_hv_header, core_size, 8);
CELL_ABI_OFFSET(struct cell_abi_hv_header, entry, 24);
CELL_ABI_OFFSET(struct cell_abi_hv_header, console_page, 32);
CELL_ABI_OFFSET(struct cell_abi_hv_header, max_cpus, 48);
CELL_ABI_OFFSET(struct cell_abi_hv_header, online_cpus, 52);
CELL_ABI_OFFSET(struct cell_abi_hv_header, debug_console_base, 56);
CELL_ABI_OFFSET(struct cell_abi_hv_header, arm_linux_hyp_vectors, 64);
CELL_ABI_OFFSET(struct cell_abi_hv_header, arm_linux_hyp_abi, 72);

#define CELL_ABI_CONSOLE_CONTENT_SIZE		2048

struct cell_abi_virt_console {
	uint32_t busy;
	uint32_t tail;
	char content[CELL_ABI_CONSOLE_CONTENT_SIZE];
};

CELL_ABI_SIZE(struct cell_abi_virt_console, 2056);

/* ---------------------------------------------------------------------------
 * /dev/jailhouse ioctls (type 0; argument structs naturally aligned)
 */
#define CELL_ABI_DEVICE_PATH			"/dev/jailhouse"
#define CELL_ABI_SYSFS_ROOT			"/sys/devices/jailhouse"
#define CELL_ABI_FIRMWARE_NAME			"jailhouse.bin"
#define CELL_ABI_CELL_ID_UNUSED			(-1)
#define CELL_ABI_CELL_ID_NAMELEN		32

struct cell_abi_ioctl_cell_create {
	uint64_t config_address;
	uint32_t config_size;
	uint32_t padding;
};

struct cell_abi_ioctl_cell_id {
	int32_t id;
	uint32_t padding;
	char name[CELL_ABI_CELL_ID_NAMELEN];
};

struct cell_abi_ioctl_preload_image {
	uint64_t source_address;
	uint64_t size;
	uint64_t target_address;
	uint64_t padding;
};

struct cell_abi_ioctl_cell_load {
	struct cell_abi_ioctl_cell_id cell_id;
	uint32_t num_preload_images;
	uint32_t padding;
	struct cell_abi_ioctl_preload_image image[];
};

CELL_ABI_SIZE(struct cell_abi_ioctl_cell_create, 16);
CELL_ABI_SIZE(struct cell_abi_ioctl_cell_id, 40);
CELL_ABI_SIZE(struct cell_abi_ioctl_preload_image, 32);
CELL_ABI_SIZE(struct cell_abi_ioctl_cell_load, 48);
CELL_ABI_OFFSET(struct cell_abi_ioctl_cell_load, num_preload_images, 40);

/*
 * The numbers are those _IOW(0, nr, T) produces on LP64 Linux, spelled out
 * so that user space, the module and tests agree without <linux/ioctl.h>;
 * the module asserts they equal its own _IOW() expansion.
 */
#define CELL_ABI_IOCTL_ENABLE			0x40080000u
#define CELL_ABI_IOCTL_DISABLE			0x00000001u
#define CELL_ABI_IOCTL_CELL_CREATE		0x40100002u
#define CELL_ABI_IOCTL_CELL_LOAD		0x40300003u
#define CELL_ABI_IOCTL_CELL_START		0x40280004u
#define CELL_ABI_IOCTL_CELL_DESTROY		0x40280005u

#endif /* LIBCELL_ABI_CELL_ABI_H */
