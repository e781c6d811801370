/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include "check_set.h"

static void add_mem(cell_config *cfg, uint64_t phys, uint64_t virt,
		    uint64_t size, uint64_t flags)
{
	struct cell_memory m = { phys, virt, size, flags };

	assert_int_equal(cell_config_memory_insert(cfg,
			 (uint32_t)cell_config_memory_count(cfg), &m), 0);
}

static void add_gicd(cell_config *cfg, const uint32_t bitmap[4])
{
	struct cell_irqchip c = { 0x08000000, 0, 32, { 0 } };

	memcpy(c.pin_bitmap, bitmap, sizeof(c.pin_bitmap));
	assert_int_equal(cell_config_irqchip_insert(cfg,
			 (uint32_t)cell_config_irqchip_count(cfg), &c), 0);
}

static cell_config *new_cell(cell_ctx *ctx, const char *name)
{
	cell_config *cfg;

	assert_int_equal(cell_config_new(ctx, &cfg, CELL_CONFIG_CELL,
					 CELL_ARCH_ARM64), 0);
	assert_int_equal(cell_config_set_name(cfg, name), 0);
	return cfg;
}

void check_set_build(cell_ctx *ctx, struct check_set *s)
{
	static const uint32_t all[4] = { ~0u, ~0u, ~0u, ~0u };
	/* INTID 33 (UART), 140 and 141 (vPCI INTx) */
	static const uint32_t linux_irqs[4] = { 1u << 1, 0, 0, 3u << 12 };
	static const uint32_t gic_irqs[4] = { 1u << 2, 0, 0, 0 };	/* INTID 34 */
	struct cell_system sys = { 0 };
	struct cell_pci_device dev = { 0 };
	cell_config *c;

	assert_int_equal(cell_config_new(ctx, &s->sys, CELL_CONFIG_SYSTEM,
					 CELL_ARCH_ARM64), 0);
	sys.hypervisor_memory.phys_start = 0x7fc00000;
	sys.hypervisor_memory.size = 0x400000;
	sys.debug_console.address = 0x09000000;
	sys.debug_console.size = 0x1000;
	sys.debug_console.type = CELL_CON_TYPE_PL011;
	sys.debug_console.flags = CELL_CON_ACCESS_MMIO | CELL_CON_REGDIST_4;
	sys.platform.pci_mmconfig_base = 0x08e00000;
	sys.platform.pci_is_virtual = 1;
	sys.platform.pci_domain = 1;
	sys.platform.arm_gic_version = 3;
	sys.platform.arm_maintenance_irq = 25;
	sys.platform.arm_gicd_base = 0x08000000;
	sys.platform.arm_gicr_base = 0x080a0000;
	assert_int_equal(cell_config_set_system(s->sys, &sys), 0);
	assert_int_equal(cell_config_set_name(s->sys, "qemu-arm64"), 0);
	for (uint32_t cpu = 0; cpu < 4; cpu++)
		assert_int_equal(cell_config_add_cpu(s->sys, cpu), 0);
	add_mem(s->sys, 0x09000000, 0x09000000, 0x37000000, RWIO);
	add_mem(s->sys, 0x40000000, 0x40000000, 0x3fa00000, RWX);
	add_mem(s->sys, 0x7fb00000, 0x7fb00000, 0x100000, RW);
	add_mem(s->sys, 0x080a0000, 0x080a0000, 0xf60000, RWIO);
	add_gicd(s->sys, all);

	c = s->cells[CELL_LINUX] = new_cell(ctx, "linux-demo");
	assert_int_equal(cell_config_add_cpu(c, 2), 0);
	assert_int_equal(cell_config_add_cpu(c, 3), 0);
	add_mem(c, 0x09000000, 0x09000000, 0x1000, RWIO | CELL_MEM_ROOTSHARED);
	add_mem(c, 0x7f900000, 0, 0x10000, RWX | CELL_MEM_LOADABLE);
	add_mem(c, 0x70000000, 0x70000000, 0x8000000,
		RWX | CELL_MEM_DMA | CELL_MEM_LOADABLE);
	add_mem(c, 0x7fb00000, 0x7fb00000, 0x100000, RW | CELL_MEM_ROOTSHARED);
	add_mem(c, 0x080a0000, 0x080a0000, 0xf60000, RWIO | CELL_MEM_ROOTSHARED);
	add_mem(c, 0, 0x80000000, 0x1000, RW | CELL_MEM_COMM_REGION);
	add_gicd(c, linux_irqs);
	dev.type = CELL_PCI_TYPE_DEVICE;
	dev.domain = 0;
	dev.bdf = 0x08;
	assert_int_equal(cell_config_pci_device_insert(c, 0, &dev), 0);

	c = s->cells[CELL_GIC] = new_cell(ctx, "gic-demo");
	assert_int_equal(cell_config_add_cpu(c, 1), 0);
	add_mem(c, 0x7f000000, 0, 0x100000, RWX | CELL_MEM_LOADABLE);
	add_mem(c, 0x09000000, 0x09000000, 0x1000, RWIO | CELL_MEM_ROOTSHARED);
	add_mem(c, 0, 0x80000000, 0x1000, RW | CELL_MEM_COMM_REGION);
	add_gicd(c, gic_irqs);
}

void check_set_free(struct check_set *s)
{
	cell_config_free(s->sys);
	for (int i = 0; i < NCELLS; i++)
		cell_config_free(s->cells[i]);
	memset(s, 0, sizeof(*s));
}

static void reg(void *fdt, uint64_t base, uint64_t size)
{
	fdt64_t r[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };

	assert_int_equal(fdt_property(fdt, "reg", r, sizeof(r)), 0);
}

void *check_set_dtb(const char *its_status, size_t *size)
{
	const int room = 4096;
	void *fdt = malloc(room);
	fdt64_t gic_reg[4] = { cpu_to_fdt64(0x08000000), cpu_to_fdt64(0x10000),
			       cpu_to_fdt64(0x080a0000), cpu_to_fdt64(0xf60000) };

	assert_non_null(fdt);
	assert_int_equal(fdt_create(fdt, room), 0);
	assert_int_equal(fdt_finish_reservemap(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, ""), 0);
	assert_int_equal(fdt_property_u32(fdt, "#address-cells", 2), 0);
	assert_int_equal(fdt_property_u32(fdt, "#size-cells", 2), 0);
	assert_int_equal(fdt_begin_node(fdt, "intc@8000000"), 0);
	assert_int_equal(fdt_property_string(fdt, "compatible", "arm,gic-v3"), 0);
	assert_int_equal(fdt_property(fdt, "reg", gic_reg, sizeof(gic_reg)), 0);
	assert_int_equal(fdt_property(fdt, "interrupt-controller", NULL, 0), 0);
	assert_int_equal(fdt_property_u32(fdt, "#interrupt-cells", 3), 0);
	assert_int_equal(fdt_property_u32(fdt, "#address-cells", 2), 0);
	assert_int_equal(fdt_property_u32(fdt, "#size-cells", 2), 0);
	assert_int_equal(fdt_property(fdt, "ranges", NULL, 0), 0);
	assert_int_equal(fdt_begin_node(fdt, "its@8080000"), 0);
	assert_int_equal(fdt_property_string(fdt, "compatible", "arm,gic-v3-its"), 0);
	assert_int_equal(fdt_property(fdt, "msi-controller", NULL, 0), 0);
	assert_int_equal(fdt_property_u32(fdt, "#msi-cells", 1), 0);
	reg(fdt, CHECK_ITS_BASE, CHECK_ITS_SIZE);
	if (its_status)
		assert_int_equal(fdt_property_string(fdt, "status", its_status), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_finish(fdt), 0);
	*size = fdt_totalsize(fdt);
	return fdt;
}
