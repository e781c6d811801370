/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * GIC discovery over every fixture tree (plain and -@ builds). Expected
 * values were read independently with fdtget from the fixture blobs and
 * checked against the dts sources (cells and ranges of every ancestor).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <libcell/gic.h>

#include "dt_test.h"
#include "dt/fdt_util.h"

struct exp_region {
	uint64_t base, size;
};

struct exp_its {
	const char *path;
	uint64_t base, size;
};

struct exp_gic {
	const char *board;
	const char *path;
	uint32_t interrupt_cells;
	struct exp_region gicd;
	unsigned int nredist;
	struct exp_region redist[4];
	uint64_t stride;		/* 0: absent */
	struct exp_region gicc, gich, gicv; /* size 0: absent */
	int maint;			/* -1: none */
	unsigned int nits;
	struct exp_its its[8];
	unsigned int ncpus;
};

#define GIC4D "/interrupt-controller@4d000000"

static const struct exp_gic expected[] = {
	{ "phytium-ft2004-devboard", "/interrupt-controller@29900000", 3,
	  { 0x29900000, 0x20000 }, 1, { { 0x29980000, 0x80000 } }, 0,
	  { 0x29c00000, 0x10000 }, { 0x29c10000, 0x10000 },
	  { 0x29c20000, 0x10000 }, 25, 1,
	  { { "/interrupt-controller@29900000/gic-its@29920000", 0x29920000,
	      0x20000 } }, 4 },
	/* Unit addresses say 29900000 / 29920000; reg says otherwise. */
	{ "phytium-d2000-devboard", "/interrupt-controller@29900000", 3,
	  { 0x29a00000, 0x20000 }, 1, { { 0x29b00000, 0x100000 } }, 0,
	  { 0x29c00000, 0x10000 }, { 0x29c10000, 0x10000 },
	  { 0x29c20000, 0x10000 }, 25, 1,
	  { { "/interrupt-controller@29900000/gic-its@29920000", 0x29a20000,
	      0x20000 } }, 8 },
	{ "arm-fvp-base-revc", "/interrupt-controller@2f000000", 3,
	  { 0x2f000000, 0x10000 }, 1, { { 0x2f100000, 0x200000 } }, 0,
	  { 0x2c000000, 0x2000 }, { 0x2c010000, 0x2000 }, { 0x2c02f000, 0x2000 },
	  25, 1,
	  { { "/interrupt-controller@2f000000/msi-controller@2f020000",
	      0x2f020000, 0x20000 } }, 8 },
	{ "nxp-lx2160a-clearfog-cx", "/interrupt-controller@6000000", 3,
	  { 0x6000000, 0x10000 }, 1, { { 0x6200000, 0x200000 } }, 0,
	  { 0xc0c0000, 0x2000 }, { 0xc0d0000, 0x1000 }, { 0xc0e0000, 0x20000 },
	  25, 1,
	  { { "/interrupt-controller@6000000/msi-controller@6020000",
	      0x6020000, 0x20000 } }, 16 },
	{ "nxp-ls1028a-rdb", "/interrupt-controller@6000000", 3,
	  { 0x6000000, 0x10000 }, 1, { { 0x6040000, 0x40000 } }, 0,
	  { 0, 0 }, { 0, 0 }, { 0, 0 }, 25, 1,
	  { { "/interrupt-controller@6000000/msi-controller@6020000",
	      0x6020000, 0x20000 } }, 2 },
	{ "rockchip-rk3588-evb1", "/interrupt-controller@fe600000", 4,
	  { 0xfe600000, 0x10000 }, 1, { { 0xfe680000, 0x100000 } }, 0,
	  { 0, 0 }, { 0, 0 }, { 0, 0 }, 25, 2,
	  { { "/interrupt-controller@fe600000/msi-controller@fe640000",
	      0xfe640000, 0x20000 },
	    { "/interrupt-controller@fe600000/msi-controller@fe660000",
	      0xfe660000, 0x20000 } }, 8 },
	{ "rockchip-rk3568-rock-3a", "/interrupt-controller@fd400000", 3,
	  { 0xfd400000, 0x10000 }, 1, { { 0xfd460000, 0x80000 } }, 0,
	  { 0, 0 }, { 0, 0 }, { 0, 0 }, 25, 1,
	  { { "/interrupt-controller@fd400000/msi-controller@fd440000",
	      0xfd440000, 0x20000 } }, 4 },
	{ "ti-j721e-common-proc-board", "/bus@100000/interrupt-controller@1800000",
	  3, { 0x1800000, 0x10000 }, 1, { { 0x1900000, 0x100000 } }, 0,
	  { 0x6f000000, 0x2000 }, { 0x6f010000, 0x1000 },
	  { 0x6f020000, 0x2000 }, 25, 1,
	  { { "/bus@100000/interrupt-controller@1800000/msi-controller@1820000",
	      0x1820000, 0x10000 } }, 2 },
	{ "hisilicon-hip07-d05", GIC4D, 3, { 0x4d000000, 0x10000 }, 4,
	  { { 0x4d100000, 0x400000 }, { 0x6d100000, 0x400000 },
	    { 0x4004d100000, 0x400000 }, { 0x4006d100000, 0x400000 } },
	  0x40000, { 0xfe000000, 0x10000 }, { 0xfe010000, 0x10000 },
	  { 0xfe020000, 0x10000 }, 25, 8,
	  { { GIC4D "/msi-controller@4c000000", 0x4c000000, 0x40000 },
	    { GIC4D "/msi-controller@6c000000", 0x6c000000, 0x40000 },
	    { GIC4D "/msi-controller@c6000000", 0xc6000000, 0x40000 },
	    { GIC4D "/msi-controller@8c6000000", 0x8c6000000, 0x40000 },
	    { GIC4D "/msi-controller@4004c000000", 0x4004c000000, 0x40000 },
	    { GIC4D "/msi-controller@4006c000000", 0x4006c000000, 0x40000 },
	    { GIC4D "/msi-controller@400c6000000", 0x400c6000000, 0x40000 },
	    { GIC4D "/msi-controller@408c6000000", 0x408c6000000, 0x40000 } },
	  64 },
	{ "cavium-thunder-88xx", "/soc/interrupt-controller@801000000000", 3,
	  { 0x801000000000, 0x10000 }, 1, { { 0x801080000000, 0x600000 } }, 0,
	  { 0, 0 }, { 0, 0 }, { 0, 0 }, 25, 1,
	  { { "/soc/interrupt-controller@801000000000/msi-controller@801000020000",
	      0x801000020000, 0x200000 } }, 48 },
	/* The inmate's GIC: no #address-cells, no ITS, no interrupts. */
	{ "jailhouse-inmate-qemu-arm64", "/interrupt-controller@d1d00000", 3,
	  { 0x8000000, 0x10000 }, 1, { { 0x80a0000, 0xf60000 } }, 0,
	  { 0, 0 }, { 0, 0 }, { 0, 0 }, -1, 0, { { NULL, 0, 0 } }, 2 },
};

static cell_ctx *ctx;

static int setup(void **state)
{
	(void)state;
	return cell_ctx_new(&ctx);
}

static int teardown(void **state)
{
	(void)state;
	cell_ctx_free(ctx);
	return 0;
}

static void check_opt(uint32_t has, const struct cell_dt_region *got,
		      const struct exp_region *want)
{
	assert_int_equal(has, want->size != 0);
	if (has) {
		assert_int_equal(got->base, want->base);
		assert_int_equal(got->size, want->size);
	}
}

static void check_board(const struct exp_gic *e, const char *suffix)
{
	struct cell_dt_region r;
	struct cell_gic_its its;
	struct cell_gic_list *l;
	struct cell_gic g;
	char name[128];
	unsigned int i;
	size_t size;
	void *fdt;

	snprintf(name, sizeof(name), "%s%s.dtb", e->board, suffix);
	print_message("%s\n", name);
	fdt = dt_fixture(ctx, name, &size);
	assert_int_equal(cell_gic_discover(ctx, fdt, size, &l), 0);
	free(fdt); /* the list must not point into the blob */
	assert_int_equal(cell_gic_count(l), 1);
	assert_int_equal(cell_gic_get(l, 0, &g), 0);
	assert_string_equal(g.path, e->path);
	assert_string_equal(g.compatible, "arm,gic-v3");
	assert_int_equal(g.version, 3);
	assert_int_equal(g.enabled, 1);
	assert_int_equal(g.interrupt_cells, e->interrupt_cells);
	assert_int_equal(g.distributor.base, e->gicd.base);
	assert_int_equal(g.distributor.size, e->gicd.size);
	assert_int_equal(g.redist_count, e->nredist);
	for (i = 0; i < e->nredist; i++) {
		assert_int_equal(cell_gic_redist_get(l, 0, i, &r), 0);
		assert_int_equal(r.base, e->redist[i].base);
		assert_int_equal(r.size, e->redist[i].size);
	}
	assert_int_equal(cell_gic_redist_get(l, 0, e->nredist, &r), -ENOENT);
	assert_int_equal(g.has_redist_stride, e->stride != 0);
	if (e->stride)
		assert_int_equal(g.redist_stride, e->stride);
	check_opt(g.has_cpu_interface, &g.cpu_interface, &e->gicc);
	check_opt(g.has_hypervisor_interface, &g.hypervisor_interface, &e->gich);
	check_opt(g.has_virtual_interface, &g.virtual_interface, &e->gicv);
	assert_int_equal(g.has_maintenance_irq, e->maint >= 0);
	if (e->maint >= 0)
		assert_int_equal(g.maintenance_irq, e->maint);
	assert_int_equal(g.its_count, e->nits);
	for (i = 0; i < e->nits; i++) {
		assert_int_equal(cell_gic_its_get(l, 0, i, &its), 0);
		assert_string_equal(its.path, e->its[i].path);
		assert_int_equal(its.frame.base, e->its[i].base);
		assert_int_equal(its.frame.size, e->its[i].size);
	}
	assert_int_equal(cell_gic_its_get(l, 0, e->nits, &its), -ENOENT);
	assert_int_equal(cell_gic_cpu_count(l), e->ncpus);
	cell_gic_list_free(l);
}

static void test_fixtures(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		check_board(&expected[i], "");
		check_board(&expected[i], ".symbols");
	}
}

/* Phandle numbers differ between builds; ITS phandles must still resolve. */
static void test_its_phandles(void **state)
{
	struct cell_gic_list *l;
	struct cell_gic_its its;
	size_t size;
	void *fdt = dt_fixture(ctx, "rockchip-rk3588-evb1.dtb", &size);
	int node;

	(void)state;
	assert_int_equal(cell_gic_discover(ctx, fdt, size, &l), 0);
	assert_int_equal(cell_gic_its_get(l, 0, 1, &its), 0);
	assert_int_equal(its.msi_cells, 1);
	node = fdt_node_offset_by_phandle(fdt, its.phandle);
	assert_true(node >= 0);
	assert_int_equal(node, fdt_path_offset(fdt, its.path));
	cell_gic_list_free(l);
	free(fdt);
}

static void test_cpus_and_frames(void **state)
{
	struct cell_dt_region r;
	struct cell_gic_list *l;
	struct cell_dt_cpu c;
	size_t size;
	void *fdt = dt_fixture(ctx, "hisilicon-hip07-d05.dtb", &size);

	(void)state;
	assert_int_equal(cell_gic_discover(ctx, fdt, size, &l), 0);
	free(fdt);
	assert_int_equal(cell_gic_cpu_get(l, 16, &c), 0);
	assert_string_equal(c.path, "/cpus/cpu@30000");
	assert_int_equal(c.mpidr, 0x30000);
	/* 16 frames of 0x40000 fill region 0; CPU 16 opens region 1. */
	assert_int_equal(cell_gic_redist_frame(l, 0, 0x30000, 0, &r), 0);
	assert_int_equal(r.base, 0x6d100000);
	assert_int_equal(r.size, 0x40000);
	assert_int_equal(cell_gic_redist_frame(l, 0, 0x10001, 0, &r), 0);
	assert_int_equal(r.base, 0x4d140000);
	assert_int_equal(cell_gic_redist_frame(l, 0, 0x70303, 0, &r), 0);
	assert_int_equal(r.base, 0x4006d4c0000);
	assert_int_equal(cell_gic_redist_frame(l, 0, 0x12345, 0, &r), -ENOENT);
	assert_non_null(strstr(cell_ctx_last_error(ctx), "0x12345"));
	assert_int_equal(cell_gic_redist_frame(l, 1, 0x30000, 0, &r), -ENOENT);
	cell_gic_list_free(l);

	fdt = dt_fixture(ctx, "phytium-ft2004-devboard.dtb", &size);
	assert_int_equal(cell_gic_discover(ctx, fdt, size, &l), 0);
	free(fdt);
	assert_int_equal(cell_gic_cpu_get(l, 3, &c), 0);
	assert_int_equal(c.mpidr, 0x101);
	/* No stride: v3 frames of 0x20000 in cpu-node order. */
	assert_int_equal(cell_gic_redist_frame(l, 0, 0x101, 0, &r), 0);
	assert_int_equal(r.base, 0x29980000 + 3 * 0x20000);
	assert_int_equal(r.size, 0x20000);
	/* GICv4-sized frames overflow the 0x80000 region at the 3rd CPU. */
	assert_int_equal(cell_gic_redist_frame(l, 0, 0x100, CELL_GIC_FRAME_V4,
					       &r), -ERANGE);
	assert_int_equal(cell_gic_redist_frame(l, 0, 0x1, CELL_GIC_FRAME_V4,
					       &r), 0);
	assert_int_equal(r.base, 0x299c0000);
	cell_gic_list_free(l);
}

static void test_hostile(void **state)
{
	struct cell_gic_list *l = NULL;
	uint8_t junk[64] = { 0xd0, 0x0d, 0xfe, 0xed };
	size_t size;
	uint8_t *fdt = dt_fixture(ctx, "phytium-ft2004-devboard.dtb", &size);
	int gic;

	(void)state;
	assert_int_equal(cell_gic_discover(ctx, junk, sizeof(junk), &l), -EBADMSG);
	assert_null(l);
	assert_int_equal(cell_gic_discover(ctx, fdt, size - 1, &l), -EBADMSG);
	assert_int_equal(cell_gic_discover(ctx, fdt, size, NULL), -EINVAL);
	assert_int_equal(cell_gic_count(NULL), 0);
	cell_gic_list_free(NULL);

	/* #redistributor-regions larger than the reg entries. */
	{
		uint8_t *big = malloc(size + 256);

		assert_non_null(big);
		assert_int_equal(fdt_open_into(fdt, big, (int)size + 256), 0);
		gic = fdt_path_offset(big, "/interrupt-controller@29900000");
		assert_int_equal(fdt_setprop_u32(big, gic, "#redistributor-regions", 5), 0);
		assert_int_equal(cell_gic_discover(ctx, big, size + 256, &l), -EINVAL);
		assert_non_null(strstr(cell_ctx_last_error(ctx),
				       "/interrupt-controller@29900000: reg has 5 entries"));
		/* Parent cells of 5: the root is the GIC's parent. */
		assert_int_equal(fdt_setprop_u32(big, gic, "#redistributor-regions", 1), 0);
		assert_int_equal(fdt_setprop_u32(big, 0, "#address-cells", 5), 0);
		assert_int_equal(cell_gic_discover(ctx, big, size + 256, &l), -EINVAL);
		assert_non_null(strstr(cell_ctx_last_error(ctx),
				       "#address-cells = 5 is not supported"));
		assert_int_equal(fdt_setprop_u32(big, 0, "#address-cells", 2), 0);
		/* Truncated reg: drop one cell. */
		{
			const void *p;
			uint8_t tmp[256];
			int len;

			p = fdt_getprop(big, gic, "reg", &len);
			assert_non_null(p);
			assert_true(len <= (int)sizeof(tmp));
			memcpy(tmp, p, (size_t)len);
			assert_int_equal(fdt_setprop(big, gic, "reg", tmp, len - 4), 0);
		}
		assert_int_equal(cell_gic_discover(ctx, big, size + 256, &l), -EINVAL);
		assert_non_null(strstr(cell_ctx_last_error(ctx), "truncated"));
		assert_null(l);
		free(big);
	}
	free(fdt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_its_phandles),
		cmocka_unit_test(test_cpus_and_frames),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
