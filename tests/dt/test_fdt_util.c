/* SPDX-License-Identifier: BSD-2-Clause */
/* Private device-tree helpers: cells, reg, ranges, phandles, hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dt/fdt_util.h"

#define BUFSZ 8192

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

/* Sequential-write helpers: abort the test on any libfdt failure. */
static void u32s(void *fdt, const char *name, int n, ...)
{
	fdt32_t v[32];
	va_list ap;
	int i;

	assert_true(n <= 32);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		v[i] = cpu_to_fdt32(va_arg(ap, uint32_t));
	va_end(ap);
	assert_int_equal(fdt_property(fdt, name, v, sizeof(v[0]) * (size_t)n), 0);
}

static void *begin(void)
{
	void *fdt = malloc(BUFSZ);

	assert_non_null(fdt);
	assert_int_equal(fdt_create(fdt, BUFSZ), 0);
	assert_int_equal(fdt_finish_reservemap(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, ""), 0);
	u32s(fdt, "#address-cells", 1, 2);
	u32s(fdt, "#size-cells", 1, 2);
	return fdt;
}

static void finish(void *fdt)
{
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_finish(fdt), 0);
	assert_int_equal(cell__fdt_check(ctx, fdt, BUFSZ), 0);
}

static int node(const void *fdt, const char *path)
{
	int off = fdt_path_offset(fdt, path);

	assert_true(off >= 0);
	return off;
}

static void *load_fixture(const char *name, size_t *size)
{
	char path[512];
	uint8_t *buf;

	snprintf(path, sizeof(path), "%s/dt/dtb/%s", CELL_FIXTURES, name);
	if (cell__read_file(ctx, path, 1 << 24, &buf, size)) {
		print_message("fixture missing: %s\n", path);
		exit(77);
	}
	return buf;
}

static void test_ft2004_gic_reg(void **state)
{
	uint64_t base, size;
	struct cell__fdt_addr a;
	size_t len;
	void *fdt = load_fixture("phytium-ft2004-devboard.dtb", &len);
	int gic, its;

	(void)state;
	assert_int_equal(cell__fdt_check(ctx, fdt, len), 0);
	gic = node(fdt, "/interrupt-controller@29900000");
	its = node(fdt, "/interrupt-controller@29900000/gic-its@29920000");
	assert_int_equal(cell__fdt_reg_count(ctx, fdt, gic), 5);
	assert_int_equal(cell__fdt_reg(ctx, fdt, gic, 1, &a, &size), 0);
	assert_int_equal(a.cells, 2);
	assert_int_equal(a.w[0], 0);
	assert_int_equal(a.w[1], 0x29980000);
	assert_int_equal(size, 0x80000);
	assert_int_equal(cell__fdt_reg_cpu(ctx, fdt, gic, 1, &base, &size), 0);
	assert_int_equal(base, 0x29980000);
	assert_int_equal(cell__fdt_reg_cpu(ctx, fdt, its, 0, &base, &size), 0);
	assert_int_equal(base, 0x29920000);
	assert_int_equal(size, 0x20000);
	assert_int_equal(cell__fdt_reg(ctx, fdt, gic, 5, &a, &size), -ENOENT);
	free(fdt);
}

static void test_translate_nested(void **state)
{
	uint64_t base, size;
	void *fdt = begin();

	(void)state;
	assert_int_equal(fdt_begin_node(fdt, "soc"), 0);
	u32s(fdt, "#address-cells", 1, 1);
	u32s(fdt, "#size-cells", 1, 1);
	/* child 0x0 -> parent 0x8_1000_0000, 16 MiB */
	u32s(fdt, "ranges", 4, 0x0, 0x8, 0x10000000, 0x1000000);
	assert_int_equal(fdt_begin_node(fdt, "dev@100"), 0);
	u32s(fdt, "reg", 4, 0x100, 0x10, 0x2000, 0x20);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, "far@2000000"), 0);
	u32s(fdt, "reg", 2, 0x2000000, 0x10);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, "opaque"), 0);
	u32s(fdt, "#address-cells", 1, 1);
	u32s(fdt, "#size-cells", 1, 0);
	assert_int_equal(fdt_begin_node(fdt, "leaf@3"), 0);
	u32s(fdt, "reg", 1, 3);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	finish(fdt);

	assert_int_equal(cell__fdt_reg_cpu(ctx, fdt, node(fdt, "/soc/dev@100"), 1,
					   &base, &size), 0);
	assert_int_equal(base, 0x810002000ULL);
	assert_int_equal(size, 0x20);
	assert_int_equal(cell__fdt_reg_cpu(ctx, fdt, node(fdt, "/soc/far@2000000"),
					   0, &base, &size), -ERANGE);
	assert_non_null(strstr(cell_ctx_last_error(ctx), "/soc"));
	assert_non_null(strstr(cell_ctx_last_error(ctx), "outside every ranges"));
	assert_int_equal(cell__fdt_reg_cpu(ctx, fdt,
					   node(fdt, "/soc/opaque/leaf@3"), 0,
					   &base, &size), -ERANGE);
	assert_non_null(strstr(cell_ctx_last_error(ctx), "/soc/opaque: no ranges"));
	free(fdt);
}

static void test_pci_ranges(void **state)
{
	struct cell__fdt_addr a = { .cells = 3 };
	uint64_t cpu;
	void *fdt = begin();
	int pci;

	(void)state;
	assert_int_equal(fdt_begin_node(fdt, "pcie@10000000"), 0);
	assert_int_equal(fdt_property_string(fdt, "device_type", "pci"), 0);
	u32s(fdt, "#address-cells", 1, 3);
	u32s(fdt, "#size-cells", 1, 2);
	u32s(fdt, "ranges", 14,
	     0x01000000, 0, 0, 0, 0x3eff0000, 0, 0x10000,
	     0x02000000, 0, 0x10000000, 0, 0x10000000, 0, 0x2eff0000);
	assert_int_equal(fdt_end_node(fdt), 0);
	finish(fdt);
	pci = node(fdt, "/pcie@10000000");
	assert_true(cell__fdt_is_pci_bus(fdt, pci));

	a.w[0] = 0x01000000; a.w[2] = 0x100;
	assert_int_equal(cell__fdt_translate(ctx, fdt, pci, &a, &cpu), 0);
	assert_int_equal(cpu, 0x3eff0100);
	a.w[0] = 0x02000000; a.w[2] = 0x10001000;
	assert_int_equal(cell__fdt_translate(ctx, fdt, pci, &a, &cpu), 0);
	assert_int_equal(cpu, 0x10001000);
	/* 64-bit memory matches a 32-bit memory window (both are memory). */
	a.w[0] = 0x43000000;
	assert_int_equal(cell__fdt_translate(ctx, fdt, pci, &a, &cpu), 0);
	assert_int_equal(cpu, 0x10001000);
	/* Same offset, I/O space: outside the 64 KiB I/O window. */
	a.w[0] = 0x01000000;
	assert_int_equal(cell__fdt_translate(ctx, fdt, pci, &a, &cpu), -ERANGE);
	/* Config space has no window. */
	a.w[0] = 0x00000000; a.w[2] = 0x100;
	assert_int_equal(cell__fdt_translate(ctx, fdt, pci, &a, &cpu), -ERANGE);
	free(fdt);
}

static void test_hostile_cells(void **state)
{
	struct cell__fdt_addr a;
	uint64_t size;
	uint32_t ac, sc;
	void *fdt = begin();

	(void)state;
	assert_int_equal(fdt_begin_node(fdt, "bad"), 0);
	u32s(fdt, "#address-cells", 1, 5);
	u32s(fdt, "#size-cells", 1, 1);
	assert_int_equal(fdt_begin_node(fdt, "dev@0"), 0);
	u32s(fdt, "reg", 6, 0, 0, 0, 0, 0, 0x10);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, "short@0"), 0);
	u32s(fdt, "reg", 3, 0, 0x1000, 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, "oddcells"), 0);
	assert_int_equal(fdt_property(fdt, "#address-cells", "\0\0\1", 3), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	finish(fdt);

	assert_int_equal(cell__fdt_reg(ctx, fdt, node(fdt, "/bad/dev@0"), 0, &a,
				       &size), -EINVAL);
	assert_non_null(strstr(cell_ctx_last_error(ctx),
			       "/bad: #address-cells = 5 is not supported"));
	assert_int_equal(cell__fdt_reg_count(ctx, fdt, node(fdt, "/short@0")),
			 -EINVAL);
	assert_non_null(strstr(cell_ctx_last_error(ctx), "/short@0: reg is 12 bytes"));
	assert_non_null(strstr(cell_ctx_last_error(ctx), "truncated"));
	assert_int_equal(cell__fdt_cells(ctx, fdt, node(fdt, "/oddcells"), &ac,
					 &sc), -EINVAL);
	assert_non_null(strstr(cell_ctx_last_error(ctx), "3 bytes"));
	free(fdt);
}

static void test_phandles(void **state)
{
	void *fdt = begin();
	int out = -1;

	(void)state;
	assert_int_equal(fdt_begin_node(fdt, "a"), 0);
	u32s(fdt, "phandle", 1, 1);
	u32s(fdt, "interrupt-parent", 1, 2);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, "b"), 0);
	u32s(fdt, "phandle", 1, 2);
	u32s(fdt, "interrupt-parent", 1, 1);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, "self"), 0);
	u32s(fdt, "phandle", 1, 3);
	u32s(fdt, "interrupt-parent", 1, 3);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, "dangling"), 0);
	u32s(fdt, "interrupt-parent", 1, 0x77);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, "zero"), 0);
	u32s(fdt, "interrupt-parent", 1, 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, "gic"), 0);
	u32s(fdt, "phandle", 1, 4);
	assert_int_equal(fdt_property(fdt, "interrupt-controller", NULL, 0), 0);
	u32s(fdt, "#interrupt-cells", 1, 3);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, "dev"), 0);
	u32s(fdt, "interrupt-parent", 1, 5);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, "forward"), 0);
	u32s(fdt, "phandle", 1, 5);
	u32s(fdt, "interrupt-parent", 1, 4);
	assert_int_equal(fdt_end_node(fdt), 0);
	finish(fdt);

	assert_int_equal(cell__fdt_interrupt_parent(ctx, fdt, node(fdt, "/a"), &out),
			 -ELOOP);
	assert_non_null(strstr(cell_ctx_last_error(ctx), "/a: interrupt-parent chain"));
	assert_int_equal(cell__fdt_interrupt_parent(ctx, fdt, node(fdt, "/self"),
						    &out), -ELOOP);
	assert_int_equal(cell__fdt_interrupt_parent(ctx, fdt, node(fdt, "/dangling"),
						    &out), -ENOENT);
	assert_non_null(strstr(cell_ctx_last_error(ctx), "phandle 0x77"));
	assert_int_equal(cell__fdt_interrupt_parent(ctx, fdt, node(fdt, "/zero"),
						    &out), -EINVAL);
	assert_int_equal(out, -1);
	/* A non-controller in between is followed to the controller. */
	assert_int_equal(cell__fdt_interrupt_parent(ctx, fdt, node(fdt, "/dev"),
						    &out), 0);
	assert_int_equal(out, node(fdt, "/gic"));
	free(fdt);
}

static void test_bad_blobs(void **state)
{
	uint8_t junk[256];
	size_t len;
	void *fdt = load_fixture("phytium-ft2004-devboard.dtb", &len);

	(void)state;
	memset(junk, 0xd0, sizeof(junk));
	assert_int_equal(cell__fdt_check(ctx, junk, sizeof(junk)), -EBADMSG);
	assert_int_equal(cell__fdt_check(ctx, junk, 8), -EBADMSG);
	assert_int_equal(cell__fdt_check(ctx, NULL, 0), -EINVAL);
	/* The header claims more bytes than the buffer holds. */
	assert_int_equal(cell__fdt_check(ctx, fdt, len / 2), -EBADMSG);
	assert_non_null(strstr(cell_ctx_last_error(ctx), "invalid blob"));
	free(fdt);

	/*
	 * A version 15 blob stores full paths as node names; an empty root
	 * name makes libfdt 1.6.1's fdt_check_full() dereference NULL.
	 */
	fdt = begin();
	finish(fdt);
	fdt_set_version(fdt, 15);
	fdt_set_last_comp_version(fdt, 2);
	assert_int_equal(cell__fdt_check(ctx, fdt, BUFSZ), -EBADMSG);
	assert_non_null(strstr(cell_ctx_last_error(ctx), "FDT_ERR_BADSTRUCTURE"));
	free(fdt);

	/*
	 * A property length of -12 brings the next tag back to this one;
	 * libfdt 1.6.1's fdt_check_full() would loop for ever.
	 */
	fdt = begin();
	finish(fdt);
	{
		char *prop = (char *)fdt + fdt_off_dt_struct(fdt) + 8;
		fdt32_t wrap = cpu_to_fdt32(0xfffffff4u);

		assert_int_equal(fdt32_to_cpu(*(fdt32_t *)prop), FDT_PROP);
		memcpy(prop + 4, &wrap, sizeof(wrap));
	}
	assert_int_equal(cell__fdt_check(ctx, fdt, BUFSZ), -EBADMSG);
	assert_non_null(strstr(cell_ctx_last_error(ctx), "FDT_ERR_BADSTRUCTURE"));
	free(fdt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ft2004_gic_reg),
		cmocka_unit_test(test_translate_nested),
		cmocka_unit_test(test_pci_ranges),
		cmocka_unit_test(test_hostile_cells),
		cmocka_unit_test(test_phandles),
		cmocka_unit_test(test_bad_blobs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
