/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Layout tests, seen from an ordinary user-space program:
 *
 * - every field of the packed on-disk and hypervisor records in
 *   <libcell/abi/cell-abi.h> sits at the offset and has the size given by
 *   docs/reference/jailhouse-abi.md (the numbers below are transcribed from
 *   that document, not from the header, so the two are compared); the static
 *   asserts in the header pin only a subset of the fields;
 * - the public FFI structs of <libcell/config.h> and <libcell/check.h> have no
 *   implicit padding, so a ctypes or cffi declaration listing the same
 *   members in order reproduces them on every LP64 and ILP32 ABI.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include <libcell/abi/cell-abi.h>
#include <libcell/cell.h>

struct field {
	const char *name;
	size_t off, size;	/* as compiled */
	size_t ref_off, ref_size;	/* from the reference document */
};

#define MSIZE(type, m) sizeof(((type *)0)->m)
#define F(type, m, off, size) { #type "." #m, offsetof(type, m), MSIZE(type, m), off, size }

static const struct field abi_fields[] = {
	F(struct cell_abi_console, address, 0, 8),
	F(struct cell_abi_console, size, 8, 4),
	F(struct cell_abi_console, type, 12, 2),
	F(struct cell_abi_console, flags, 14, 2),
	F(struct cell_abi_console, divider, 16, 4),
	F(struct cell_abi_console, gate_nr, 20, 4),
	F(struct cell_abi_console, clock_reg, 24, 8),

	F(struct cell_abi_cell_desc, signature, 0, 5),
	F(struct cell_abi_cell_desc, architecture, 5, 1),
	F(struct cell_abi_cell_desc, revision, 6, 2),
	F(struct cell_abi_cell_desc, name, 8, 32),
	F(struct cell_abi_cell_desc, id, 40, 4),
	F(struct cell_abi_cell_desc, flags, 44, 4),
	F(struct cell_abi_cell_desc, cpu_set_size, 48, 4),
	F(struct cell_abi_cell_desc, num_memory_regions, 52, 4),
	F(struct cell_abi_cell_desc, num_cache_regions, 56, 4),
	F(struct cell_abi_cell_desc, num_irqchips, 60, 4),
	F(struct cell_abi_cell_desc, num_pio_regions, 64, 4),
	F(struct cell_abi_cell_desc, num_pci_devices, 68, 4),
	F(struct cell_abi_cell_desc, num_pci_caps, 72, 4),
	F(struct cell_abi_cell_desc, num_stream_ids, 76, 4),
	F(struct cell_abi_cell_desc, vpci_irq_base, 80, 4),
	F(struct cell_abi_cell_desc, cpu_reset_address, 84, 8),
	F(struct cell_abi_cell_desc, msg_reply_timeout, 92, 8),
	F(struct cell_abi_cell_desc, console, 100, 32),

	F(struct cell_abi_memory, phys_start, 0, 8),
	F(struct cell_abi_memory, virt_start, 8, 8),
	F(struct cell_abi_memory, size, 16, 8),
	F(struct cell_abi_memory, flags, 24, 8),

	F(struct cell_abi_cache, start, 0, 4),
	F(struct cell_abi_cache, size, 4, 4),
	F(struct cell_abi_cache, type, 8, 1),
	F(struct cell_abi_cache, padding, 9, 1),
	F(struct cell_abi_cache, flags, 10, 2),

	F(struct cell_abi_irqchip, address, 0, 8),
	F(struct cell_abi_irqchip, id, 8, 4),
	F(struct cell_abi_irqchip, pin_base, 12, 4),
	F(struct cell_abi_irqchip, pin_bitmap, 16, 16),

	F(struct cell_abi_pio, base, 0, 2),
	F(struct cell_abi_pio, length, 2, 2),

	F(struct cell_abi_pci_device, type, 0, 1),
	F(struct cell_abi_pci_device, iommu, 1, 1),
	F(struct cell_abi_pci_device, domain, 2, 2),
	F(struct cell_abi_pci_device, bdf, 4, 2),
	F(struct cell_abi_pci_device, bar_mask, 6, 24),
	F(struct cell_abi_pci_device, caps_start, 30, 2),
	F(struct cell_abi_pci_device, num_caps, 32, 2),
	F(struct cell_abi_pci_device, num_msi_vectors, 34, 1),
	F(struct cell_abi_pci_device, msi_flags, 35, 1),
	F(struct cell_abi_pci_device, num_msix_vectors, 36, 2),
	F(struct cell_abi_pci_device, msix_region_size, 38, 2),
	F(struct cell_abi_pci_device, msix_address, 40, 8),
	F(struct cell_abi_pci_device, shmem_regions_start, 48, 4),
	F(struct cell_abi_pci_device, shmem_dev_id, 52, 1),
	F(struct cell_abi_pci_device, shmem_peers, 53, 1),
	F(struct cell_abi_pci_device, shmem_protocol, 54, 2),

	F(struct cell_abi_pci_capability, id, 0, 2),
	F(struct cell_abi_pci_capability, start, 2, 2),
	F(struct cell_abi_pci_capability, len, 4, 2),
	F(struct cell_abi_pci_capability, flags, 6, 2),

	F(struct cell_abi_iommu, type, 0, 4),
	F(struct cell_abi_iommu, base, 4, 8),
	F(struct cell_abi_iommu, size, 12, 4),
	F(struct cell_abi_iommu, amd.bdf, 16, 2),
	F(struct cell_abi_iommu, amd.base_cap, 18, 1),
	F(struct cell_abi_iommu, amd.msi_cap, 19, 1),
	F(struct cell_abi_iommu, amd.features, 20, 4),
	F(struct cell_abi_iommu, tipvu.tlb_base, 16, 8),
	F(struct cell_abi_iommu, tipvu.tlb_size, 24, 4),

	F(struct cell_abi_system, signature, 0, 5),
	F(struct cell_abi_system, architecture, 5, 1),
	F(struct cell_abi_system, revision, 6, 2),
	F(struct cell_abi_system, flags, 8, 4),
	F(struct cell_abi_system, hypervisor_memory, 12, 32),
	F(struct cell_abi_system, debug_console, 44, 32),
	F(struct cell_abi_system, platform_info, 76, 280),
	F(struct cell_abi_system, platform_info.pci_mmconfig_base, 76, 8),
	F(struct cell_abi_system, platform_info.pci_mmconfig_end_bus, 84, 1),
	F(struct cell_abi_system, platform_info.pci_is_virtual, 85, 1),
	F(struct cell_abi_system, platform_info.pci_domain, 86, 2),
	F(struct cell_abi_system, platform_info.iommu_units, 88, 224),
	F(struct cell_abi_system, platform_info.x86.pm_timer_address, 312, 2),
	F(struct cell_abi_system, platform_info.x86.apic_mode, 314, 1),
	F(struct cell_abi_system, platform_info.x86.padding, 315, 1),
	F(struct cell_abi_system, platform_info.x86.vtd_interrupt_limit, 316, 4),
	F(struct cell_abi_system, platform_info.x86.tsc_khz, 320, 4),
	F(struct cell_abi_system, platform_info.x86.apic_khz, 324, 4),
	F(struct cell_abi_system, platform_info.arm.maintenance_irq, 312, 1),
	F(struct cell_abi_system, platform_info.arm.gic_version, 313, 1),
	F(struct cell_abi_system, platform_info.arm.padding, 314, 2),
	F(struct cell_abi_system, platform_info.arm.gicd_base, 316, 8),
	F(struct cell_abi_system, platform_info.arm.gicc_base, 324, 8),
	F(struct cell_abi_system, platform_info.arm.gich_base, 332, 8),
	F(struct cell_abi_system, platform_info.arm.gicv_base, 340, 8),
	F(struct cell_abi_system, platform_info.arm.gicr_base, 348, 8),
	F(struct cell_abi_system, root_cell, 356, 132),

	F(struct cell_abi_comm_region_arm, signature, 0, 6),
	F(struct cell_abi_comm_region_arm, revision, 6, 2),
	F(struct cell_abi_comm_region_arm, cell_state, 8, 4),
	F(struct cell_abi_comm_region_arm, msg_to_cell, 12, 4),
	F(struct cell_abi_comm_region_arm, reply_from_cell, 16, 4),
	F(struct cell_abi_comm_region_arm, flags, 20, 4),
	F(struct cell_abi_comm_region_arm, console, 24, 32),
	F(struct cell_abi_comm_region_arm, pci_mmconfig_base, 56, 8),
	F(struct cell_abi_comm_region_arm, gic_version, 64, 1),
	F(struct cell_abi_comm_region_arm, gicd_base, 72, 8),
	F(struct cell_abi_comm_region_arm, gicc_base, 80, 8),
	F(struct cell_abi_comm_region_arm, gicr_base, 88, 8),
	F(struct cell_abi_comm_region_arm, vpci_irq_base, 96, 4),

	F(struct cell_abi_hv_header, signature, 0, 8),
	F(struct cell_abi_hv_header, core_size, 8, 8),
	F(struct cell_abi_hv_header, percpu_size, 16, 8),
	F(struct cell_abi_hv_header, entry, 24, 8),
	F(struct cell_abi_hv_header, console_page, 32, 8),
	F(struct cell_abi_hv_header, gcov_info_head, 40, 8),
	F(struct cell_abi_hv_header, max_cpus, 48, 4),
	F(struct cell_abi_hv_header, online_cpus, 52, 4),
	F(struct cell_abi_hv_header, debug_console_base, 56, 8),
	F(struct cell_abi_hv_header, arm_linux_hyp_vectors, 64, 8),
	F(struct cell_abi_hv_header, arm_linux_hyp_abi, 72, 4),

	F(struct cell_abi_virt_console, busy, 0, 4),
	F(struct cell_abi_virt_console, tail, 4, 4),
	F(struct cell_abi_virt_console, content, 8, 2048),

	F(struct cell_abi_ioctl_cell_create, config_address, 0, 8),
	F(struct cell_abi_ioctl_cell_create, config_size, 8, 4),
	F(struct cell_abi_ioctl_cell_id, id, 0, 4),
	F(struct cell_abi_ioctl_cell_id, name, 8, 32),
	F(struct cell_abi_ioctl_preload_image, source_address, 0, 8),
	F(struct cell_abi_ioctl_preload_image, size, 8, 8),
	F(struct cell_abi_ioctl_preload_image, target_address, 16, 8),
	F(struct cell_abi_ioctl_cell_load, cell_id, 0, 40),
	F(struct cell_abi_ioctl_cell_load, num_preload_images, 40, 4),
};

struct record {
	const char *name;
	size_t size, ref_size;
};

#define R(type, size) { #type, sizeof(type), size }

static const struct record abi_records[] = {
	R(struct cell_abi_console, 32),
	R(struct cell_abi_cell_desc, 132),
	R(struct cell_abi_memory, 32),
	R(struct cell_abi_cache, 12),
	R(struct cell_abi_irqchip, 32),
	R(struct cell_abi_pio, 4),
	R(struct cell_abi_pci_device, 56),
	R(struct cell_abi_pci_capability, 8),
	R(struct cell_abi_iommu, 28),
	R(struct cell_abi_platform_info, 280),
	R(struct cell_abi_system, 488),
	R(struct cell_abi_comm_region_arm, 100),
	R(struct cell_abi_hv_header, 80),
	R(struct cell_abi_virt_console, 2056),
	R(struct cell_abi_ioctl_cell_create, 16),
	R(struct cell_abi_ioctl_cell_id, 40),
	R(struct cell_abi_ioctl_preload_image, 32),
	R(struct cell_abi_ioctl_cell_load, 48),	/* the image[] array starts at 48 */
};

static void test_abi__field_offsets(void **state)
{
	size_t i, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(abi_fields) / sizeof(abi_fields[0]); i++) {
		const struct field *f = &abi_fields[i];

		if (f->off == f->ref_off && f->size == f->ref_size)
			continue;
		print_error("%s: offset %zu size %zu, reference says offset %zu size %zu\n",
			    f->name, f->off, f->size, f->ref_off, f->ref_size);
		bad++;
	}
	assert_int_equal(bad, 0);
}

static void test_abi__record_sizes(void **state)
{
	size_t i, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(abi_records) / sizeof(abi_records[0]); i++) {
		if (abi_records[i].size == abi_records[i].ref_size)
			continue;
		print_error("%s: %zu bytes, reference says %zu\n", abi_records[i].name,
			    abi_records[i].size, abi_records[i].ref_size);
		bad++;
	}
	assert_int_equal(bad, 0);
}

/*
 * The ioctl numbers are _IOW(0, nr, T) = 1 << 30 | sizeof(T) << 16 | nr on
 * Linux (arm64, x86-64); recompute them from the argument structs.
 */
static void test_abi__ioctl_numbers(void **state)
{
	(void)state;
#define IOW0(nr, size) ((1u << 30) | ((uint32_t)(size) << 16) | (nr))
	assert_int_equal(CELL_ABI_IOCTL_ENABLE, IOW0(0, sizeof(void *)));
	assert_int_equal(CELL_ABI_IOCTL_DISABLE, 1u);
	assert_int_equal(CELL_ABI_IOCTL_CELL_CREATE,
			 IOW0(2, sizeof(struct cell_abi_ioctl_cell_create)));
	assert_int_equal(CELL_ABI_IOCTL_CELL_LOAD,
			 IOW0(3, sizeof(struct cell_abi_ioctl_cell_load)));
	assert_int_equal(CELL_ABI_IOCTL_CELL_START,
			 IOW0(4, sizeof(struct cell_abi_ioctl_cell_id)));
	assert_int_equal(CELL_ABI_IOCTL_CELL_DESTROY,
			 IOW0(5, sizeof(struct cell_abi_ioctl_cell_id)));
#undef IOW0
}

/* Sum of the member sizes must equal the struct size: no hidden padding. */
#define PUBLIC_STRUCT(type, ...) { #type, sizeof(type), __VA_ARGS__ }

struct public_struct {
	const char *name;
	size_t size, members;
};

#define S1(t, a) MSIZE(t, a)
#define SUM2(t, a, b) (MSIZE(t, a) + MSIZE(t, b))
#define SUM4(t, a, b, c, d) (SUM2(t, a, b) + SUM2(t, c, d))

static const struct public_struct public_structs[] = {
	{ "cell_memory", sizeof(struct cell_memory),
	  SUM4(struct cell_memory, phys_start, virt_start, size, flags) },
	{ "cell_cache", sizeof(struct cell_cache),
	  SUM4(struct cell_cache, start, size, type, padding) + S1(struct cell_cache, flags) },
	{ "cell_irqchip", sizeof(struct cell_irqchip),
	  SUM4(struct cell_irqchip, address, id, pin_base, pin_bitmap) },
	{ "cell_pio", sizeof(struct cell_pio), SUM2(struct cell_pio, base, length) },
	{ "cell_pci_device", sizeof(struct cell_pci_device),
	  SUM4(struct cell_pci_device, type, iommu, domain, bdf) +
	  SUM4(struct cell_pci_device, caps_start, bar_mask, num_caps, num_msi_vectors) +
	  SUM4(struct cell_pci_device, msi_flags, num_msix_vectors, msix_region_size,
	       msix_address) +
	  SUM4(struct cell_pci_device, shmem_regions_start, shmem_dev_id, shmem_peers,
	       shmem_protocol) },
	{ "cell_pci_capability", sizeof(struct cell_pci_capability),
	  SUM4(struct cell_pci_capability, id, start, len, flags) },
	{ "cell_console", sizeof(struct cell_console),
	  SUM4(struct cell_console, address, size, type, flags) +
	  SUM2(struct cell_console, divider, gate_nr) + S1(struct cell_console, clock_reg) },
	{ "cell_iommu", sizeof(struct cell_iommu),
	  SUM4(struct cell_iommu, type, size, base, amd_bdf) +
	  SUM4(struct cell_iommu, amd_base_cap, amd_msi_cap, amd_features, tipvu_tlb_base) +
	  SUM2(struct cell_iommu, tipvu_tlb_size, reserved) },
	{ "cell_desc", sizeof(struct cell_desc),
	  SUM4(struct cell_desc, name, id, flags, vpci_irq_base) +
	  SUM4(struct cell_desc, reserved, cpu_reset_address, msg_reply_timeout, console) },
	{ "cell_platform", sizeof(struct cell_platform),
	  SUM4(struct cell_platform, pci_mmconfig_base, pci_mmconfig_end_bus, pci_is_virtual,
	       pci_domain) +
	  SUM4(struct cell_platform, arm_maintenance_irq, arm_gic_version, x86_pm_timer_address,
	       arm_gicd_base) +
	  SUM4(struct cell_platform, arm_gicc_base, arm_gich_base, arm_gicv_base, arm_gicr_base) +
	  SUM4(struct cell_platform, x86_apic_mode, reserved, x86_vtd_interrupt_limit,
	       x86_tsc_khz) +
	  S1(struct cell_platform, x86_apic_khz) },
	{ "cell_system", sizeof(struct cell_system),
	  SUM4(struct cell_system, flags, reserved, hypervisor_memory, debug_console) +
	  S1(struct cell_system, platform) },
	{ "cell_finding", sizeof(struct cell_finding),
	  SUM4(struct cell_finding, severity, code, cell, region) +
	  S1(struct cell_finding, message) },
};

static void test_abi__public_structs_unpadded(void **state)
{
	size_t i, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(public_structs) / sizeof(public_structs[0]); i++) {
		if (public_structs[i].size == public_structs[i].members)
			continue;
		print_error("struct %s: %zu bytes but its members add up to %zu: "
			    "implicit padding breaks FFI mirrors\n",
			    public_structs[i].name, public_structs[i].size,
			    public_structs[i].members);
		bad++;
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_abi__field_offsets),
		cmocka_unit_test(test_abi__record_sizes),
		cmocka_unit_test(test_abi__ioctl_numbers),
		cmocka_unit_test(test_abi__public_structs_unpadded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
