/* SPDX-License-Identifier: BSD-2-Clause */
/* Configuration generation from real board device trees. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include <libcell/cell.h>

#define DTB(board) CELL_FIXTURES "/dt/dtb/" board ".dtb"

struct fixture {
	cell_ctx *ctx;
	uint8_t *fdt;
	size_t size;
};

static int load(struct fixture *f, const char *path)
{
	return cell_file_read(f->ctx, path, 16u << 20, &f->fdt, &f->size);
}

static int setup_ft2004(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || cell_ctx_new(&f->ctx))
		return -1;
	if (load(f, DTB("phytium-ft2004-devboard"))) {
		fprintf(stderr, "%s\n", cell_ctx_last_error(f->ctx));
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	cell_free(f->fdt);
	cell_ctx_free(f->ctx);
	free(f);
	return 0;
}

static bool overlaps_any(const cell_config *cfg, uint64_t base, uint64_t size)
{
	struct cell_memory m;
	int i;

	for (i = 0; i < cell_config_memory_count(cfg); i++) {
		assert_int_equal(cell_config_memory_get(cfg, (uint32_t)i, &m), 0);
		if (m.flags & CELL_MEM_COMM_REGION)
			continue;
		if (m.phys_start < base + size && base < m.phys_start + m.size)
			return true;
	}
	return false;
}

static bool has_region(const cell_config *cfg, uint64_t base, uint64_t size,
		       uint64_t flags)
{
	struct cell_memory m;
	int i;

	for (i = 0; i < cell_config_memory_count(cfg); i++) {
		assert_int_equal(cell_config_memory_get(cfg, (uint32_t)i, &m), 0);
		if (m.phys_start <= base && base + size <= m.phys_start + m.size &&
		    (m.flags & flags) == flags)
			return true;
	}
	return false;
}

static size_t check_errors(const cell_config *root, const cell_config *cell)
{
	const cell_config *cells[1] = { cell };
	cell_findings *fs;
	size_t n, i;

	assert_int_equal(cell_check_set(root, cells, cell ? 1 : 0, &fs), 0);
	n = cell_findings_errors(fs);
	for (i = 0; i < cell_findings_count(fs); i++) {
		struct cell_finding x;

		cell_findings_get(fs, i, &x);
		if (x.severity == CELL_SEVERITY_ERROR)
			fprintf(stderr, "  finding: %s %s\n", cell_check_code_name(x.code),
				x.message);
	}
	cell_findings_free(fs);
	return n;
}

static void test_create__ft2004_root(void **state)
{
	struct fixture *f = *state;
	struct cell_create_opts o = CELL_CREATE_OPTS_INIT;
	struct cell_system sys;
	cell_config *root;
	uint32_t cpus[8];

	o.hv_base = 0xb0000000;
	o.hv_size = 0x4000000;
	assert_int_equal(cell_create_root(f->ctx, &root, f->fdt, f->size, &o), 0);
	assert_int_equal(cell_config_get_system(root, &sys), 0);
	/* From the GIC reg: GICD 0x29900000, GICR 0x29980000 (the patent's
	 * "6th element"), GICC/GICH/GICV present but v3 records only GICR. */
	assert_int_equal(sys.platform.arm_gic_version, 3);
	assert_true(sys.platform.arm_gicd_base == 0x29900000);
	assert_true(sys.platform.arm_gicr_base == 0x29980000);
	assert_true(sys.hypervisor_memory.phys_start == 0xb0000000);
	/* stdout-path "uart1:115200n8" names a label without an alias: no
	 * console can be derived from the plain build... */
	assert_int_equal(sys.debug_console.type, CELL_CON_TYPE_NONE);
	assert_int_equal(sys.flags & CELL_SYS_VIRTUAL_DEBUG_CONSOLE, 0);
	assert_int_equal(cell_config_cpus(root, cpus, 8), 4);
	/* The hypervisor traps the GIC: no region may map GICD or GICR. */
	assert_false(overlaps_any(root, 0x29900000, 0x20000));
	assert_false(overlaps_any(root, 0x29980000, 0x80000));
	assert_false(overlaps_any(root, 0xb0000000, 0x4000000));
	/* /memreserve/ 0x80000000+0x10000 is not RAM for the root. */
	assert_false(overlaps_any(root, 0x80000000, 0x10000));
	assert_true(has_region(root, 0x80010000, 0x1000, CELL_MEM_READ | CELL_MEM_EXECUTE));
	assert_true(has_region(root, 0x2000000000, 0x100000000,
			       CELL_MEM_READ | CELL_MEM_WRITE));
	/* The ITS frame and every PCIe window stay with the root. */
	assert_true(has_region(root, 0x29920000, 0x20000, CELL_MEM_IO));
	assert_true(has_region(root, 0x40000000, 0x10000000, CELL_MEM_IO));
	assert_true(has_region(root, 0x50000000, 0xf00000, CELL_MEM_IO));
	assert_true(has_region(root, 0x58000000, 0x28000000, CELL_MEM_IO));
	assert_true(has_region(root, 0x1000000000, 0x1000000000, CELL_MEM_IO));
	assert_int_equal(check_errors(root, NULL), 0);
	cell_config_free(root);

	/* ...while the dtc -@ build resolves it through __symbols__ to
	 * uart@28001000, a PL011. */
	cell_free(f->fdt);
	assert_int_equal(load(f, DTB("phytium-ft2004-devboard.symbols")), 0);
	assert_int_equal(cell_create_root(f->ctx, &root, f->fdt, f->size, &o), 0);
	assert_int_equal(cell_config_get_system(root, &sys), 0);
	assert_int_equal(sys.debug_console.type, CELL_CON_TYPE_PL011);
	assert_true(sys.debug_console.address == 0x28001000);
	assert_int_equal(sys.flags & CELL_SYS_VIRTUAL_DEBUG_CONSOLE,
			 CELL_SYS_VIRTUAL_DEBUG_CONSOLE);
	cell_config_free(root);
}

static void test_create__ft2004_inmate(void **state)
{
	struct fixture *f = *state;
	struct cell_create_opts o = CELL_CREATE_OPTS_INIT;
	const char *devs[] = { "/soc/uart@28000000" };
	struct cell_irqchip chip;
	struct cell_desc desc;
	cell_config *root, *cell;
	uint8_t *dtb;
	size_t dtb_size;
	int node, len;
	const void *reg;
	fdt64_t cells[4];

	o.hv_base = 0xb0000000;
	o.hv_size = 0x4000000;
	o.inmate_base = 0xc0000000;
	o.inmate_size = 0x10000000;
	assert_int_equal(cell_create_root(f->ctx, &root, f->fdt, f->size, &o), 0);
	o.cpu_mask = 0xc;
	assert_int_equal(cell_create_inmate(f->ctx, &cell, &dtb, &dtb_size, f->fdt,
					    f->size, "linux", devs, 1, &o), 0);
	assert_string_equal(cell_config_name(cell), "linux");
	assert_int_equal(cell_config_has_cpu(cell, 2), 1);
	assert_int_equal(cell_config_has_cpu(cell, 3), 1);
	assert_int_equal(cell_config_has_cpu(cell, 0), 0);
	assert_true(has_region(cell, 0xc0000000, 0x10000000,
			       CELL_MEM_DMA | CELL_MEM_LOADABLE));
	assert_true(has_region(cell, 0x28000000, 0x1000, CELL_MEM_IO));
	assert_int_equal(cell_config_get_desc(cell, &desc), 0);
	assert_int_equal(desc.console.type, CELL_CON_TYPE_PL011);
	/* uart@28000000 raises SPI 6 -> INTID 38. */
	assert_int_equal(cell_config_irqchip_count(cell), 1);
	assert_int_equal(cell_config_irqchip_get(cell, 0, &chip), 0);
	assert_true(chip.address == 0x29900000 && chip.pin_base == 32);
	assert_true(chip.pin_bitmap[0] & (1u << 6));
	assert_int_equal(check_errors(root, cell), 0);

	/* The skeleton names the cluster-1 CPUs by MPIDR 0x100/0x101. */
	assert_int_equal(fdt_check_full(dtb, dtb_size), 0);
	assert_true(fdt_path_offset(dtb, "/cpus/cpu@100") >= 0);
	assert_true(fdt_path_offset(dtb, "/cpus/cpu@101") >= 0);
	assert_true(fdt_path_offset(dtb, "/cpus/cpu@0") < 0);
	node = fdt_path_offset(dtb, "/interrupt-controller@29900000");
	assert_true(node >= 0);
	reg = fdt_getprop(dtb, node, "reg", &len);
	assert_non_null(reg);
	assert_true(len >= 32);
	memcpy(cells, reg, sizeof(cells));	/* property data is only 4-byte aligned */
	assert_true(fdt64_to_cpu(cells[2]) == 0x29980000 && fdt64_to_cpu(cells[3]) == 0x80000);
	assert_string_equal(fdt_getprop(dtb, fdt_path_offset(dtb, "/chosen"),
					"stdout-path", NULL), "/serial@28000000");
	assert_true(fdt_path_offset(dtb, "/memory@c0000000") >= 0);
	cell_free(dtb);
	cell_config_free(cell);
	cell_config_free(root);
}

static void test_create__refusals(void **state)
{
	struct fixture *f = *state;
	struct cell_create_opts o = CELL_CREATE_OPTS_INIT;
	const char *bad[] = { "/soc/no-such-device" };
	cell_config *cfg = NULL;
	uint8_t *dtb = NULL;
	size_t n;

	o.hv_base = 0x10000000;	/* MMIO, not RAM */
	o.hv_size = 0x400000;
	assert_int_equal(cell_create_root(f->ctx, &cfg, f->fdt, f->size, &o), -ERANGE);
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), "0x10000000"));
	assert_null(cfg);
	o.hv_size = 0;
	assert_int_equal(cell_create_inmate(f->ctx, &cfg, &dtb, &n, f->fdt, f->size,
					    "x", NULL, 0, &o), -EINVAL);
	o.cpu_mask = 4;
	o.inmate_base = 0xc0000000;
	o.inmate_size = 0x100000;
	assert_int_equal(cell_create_inmate(f->ctx, &cfg, &dtb, &n, f->fdt, f->size,
					    "x", bad, 1, &o), -ENOENT);
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), "/soc/no-such-device"));
	o.cpu_mask = 1ull << 40;
	assert_int_equal(cell_create_inmate(f->ctx, &cfg, &dtb, &n, f->fdt, f->size,
					    "x", NULL, 0, &o), -ENOENT);
	o.flags = 1;
	assert_int_equal(cell_create_root(f->ctx, &cfg, f->fdt, f->size, &o), -EINVAL);
	assert_int_equal(cell_create_root(f->ctx, &cfg, "garbage", 7, NULL), -EBADMSG);
	assert_null(cfg);
	assert_null(dtb);
}

/* Every fixture board: a root configuration or a precise refusal, and a
 * generated configuration always passes the checker. */
static void test_create__all_fixtures(void **state)
{
	static const char *const boards[] = {
		"arm-fvp-base-revc", "cavium-thunder-88xx", "hisilicon-hip07-d05",
		"nxp-ls1028a-rdb", "nxp-lx2160a-clearfog-cx", "phytium-d2000-devboard",
		"phytium-ft2004-devboard", "rockchip-rk3568-rock-3a",
		"rockchip-rk3588-evb1", "ti-j721e-common-proc-board",
	};
	struct fixture *f = *state;
	size_t i, made = 0;

	for (i = 0; i < sizeof(boards) / sizeof(boards[0]); i++) {
		char path[512];
		struct fixture g = { f->ctx, NULL, 0 };
		cell_config *root = NULL;
		int err;

		snprintf(path, sizeof(path), "%s/dt/dtb/%s.dtb", CELL_FIXTURES, boards[i]);
		assert_int_equal(load(&g, path), 0);
		err = cell_create_root(f->ctx, &root, g.fdt, g.size, NULL);
		if (err) {
			/* A refusal must say why. */
			fprintf(stderr, "  %s: %s\n", boards[i], cell_ctx_last_error(f->ctx));
			assert_true(strlen(cell_ctx_last_error(f->ctx)) > 10);
		} else {
			struct cell_system sys;

			made++;
			assert_int_equal(cell_config_get_system(root, &sys), 0);
			assert_false(overlaps_any(root, sys.platform.arm_gicd_base, 0x10000));
			assert_int_equal(check_errors(root, NULL), 0);
		}
		cell_config_free(root);
		cell_free(g.fdt);
	}
	assert_true(made >= 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create__ft2004_root, setup_ft2004, teardown),
		cmocka_unit_test_setup_teardown(test_create__ft2004_inmate, setup_ft2004, teardown),
		cmocka_unit_test_setup_teardown(test_create__refusals, setup_ft2004, teardown),
		cmocka_unit_test_setup_teardown(test_create__all_fixtures, setup_ft2004, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
