/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Discovery on the DTB QEMU generates for the lab's virt machine (GICv3 +
 * ITS, EL2). Known layout of QEMU's virt board: GICD 0x08000000, GICR
 * 0x080a0000 (0xf60000), ITS 0x08080000, high ECAM 0x4010000000, INTx
 * swizzled over SPI 3..6. Skips (77) without qemu-system-aarch64.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <libcell/pci.h>

#include "dt_test.h"

#define VIRT_DTB CELL_BINARY_DIR "/tests/dt/qemu-virt.dtb"

static cell_ctx *ctx;
static uint8_t *fdt;
static size_t fdt_size;

static int setup(void **state)
{
	(void)state;
	if (cell_ctx_new(&ctx))
		return -1;
	return cell__read_file(ctx, VIRT_DTB, 1 << 24, &fdt, &fdt_size);
}

static int teardown(void **state)
{
	(void)state;
	free(fdt);
	cell_ctx_free(ctx);
	return 0;
}

static void test_gic(void **state)
{
	struct cell_dt_region r;
	struct cell_gic_list *l;
	struct cell_gic_its its;
	struct cell_gic g;

	(void)state;
	assert_int_equal(cell_gic_discover(ctx, fdt, fdt_size, &l), 0);
	assert_int_equal(cell_gic_count(l), 1);
	assert_int_equal(cell_gic_get(l, 0, &g), 0);
	assert_int_equal(g.version, 3);
	assert_int_equal(g.distributor.base, 0x08000000);
	assert_int_equal(g.distributor.size, 0x10000);
	assert_int_equal(g.redist_count, 1);
	assert_int_equal(cell_gic_redist_get(l, 0, 0, &r), 0);
	assert_int_equal(r.base, 0x080a0000);
	assert_int_equal(r.size, 0xf60000);
	assert_int_equal(g.has_maintenance_irq, 1);
	assert_int_equal(g.maintenance_irq, 25);
	assert_int_equal(g.its_count, 1);
	assert_int_equal(cell_gic_its_get(l, 0, 0, &its), 0);
	assert_int_equal(its.frame.base, 0x08080000);
	assert_int_equal(its.frame.size, 0x20000);
	assert_int_equal(cell_gic_cpu_count(l), 4);
	assert_int_equal(cell_gic_redist_frame(l, 0, 3, 0, &r), 0);
	assert_int_equal(r.base, 0x080a0000 + 3 * 0x20000);
	cell_gic_list_free(l);
}

static void test_pci(void **state)
{
	struct cell_gic_list *gl;
	struct cell_pci_msi_map mm;
	struct cell_pci_reg reg;
	struct cell_pci_intx x;
	struct cell_pci_host h;
	struct cell_gic_its its;
	cell_pci_list *l;
	uint32_t seen = 0;
	unsigned int i;

	(void)state;
	assert_int_equal(cell_pci_discover(ctx, fdt, fdt_size, &l), 0);
	assert_int_equal(cell_pci_count(l), 1);
	assert_int_equal(cell_pci_host_get(l, 0, &h), 0);
	assert_string_equal(h.compatible, "pci-host-ecam-generic");
	assert_int_equal(cell_pci_reg_get(l, 0, 0, &reg), 0);
	assert_int_equal(reg.region.base, 0x4010000000);
	assert_int_equal(reg.region.size, 0x10000000);
	assert_int_equal(h.msi_map_count, 1);
	assert_int_equal(cell_pci_msi_map_get(l, 0, 0, &mm), 0);
	assert_int_equal(cell_gic_discover(ctx, fdt, fdt_size, &gl), 0);
	assert_int_equal(cell_gic_its_get(gl, 0, 0, &its), 0);
	assert_string_equal(mm.path, its.path);
	assert_int_equal(mm.phandle, its.phandle);
	cell_gic_list_free(gl);
	assert_int_equal(h.intx_count, 16);
	for (i = 0; i < 16; i++) {
		assert_int_equal(cell_pci_intx_get(l, 0, i, &x), 0);
		assert_int_equal(x.parent_is_gic, 1);
		assert_int_equal(x.has_gic_intid, 1);
		assert_in_range(x.gic_intid, 32 + 3, 32 + 6);
		/* Standard swizzle: device d, pin p -> SPI 3 + (d + p - 1) % 4. */
		assert_int_equal(x.gic_intid,
				 32 + 3 + ((x.child_address[0] >> 11) + x.pin - 1) % 4);
		seen |= 1u << (x.gic_intid - 35);
	}
	assert_int_equal(seen, 0xf);
	cell_pci_list_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gic),
		cmocka_unit_test(test_pci),
	};
	FILE *f = fopen(VIRT_DTB, "rb");

	if (!f) {
		printf("SKIP: %s not generated (qemu-system-aarch64 missing?)\n",
		       VIRT_DTB);
		return 77;
	}
	fclose(f);
	return cmocka_run_group_tests(tests, setup, teardown);
}
