/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cell_linux_*: the Image header, the placement in the cell's RAM, the
 * device-tree edits and checks, the images and the dry-run record. Trees
 * and configurations are built here with libfdt and the config API, so
 * each test states the facts it depends on.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <libfdt.h>

#include <libcell/cell.h>

#define RAM		0x70000000ull
#define RAM_SIZE	0x08000000ull
#define MiB		0x100000ull
#define RAM_FLAGS	(CELL_MEM_READ | CELL_MEM_WRITE | CELL_MEM_EXECUTE | CELL_MEM_DMA | \
			 CELL_MEM_LOADABLE)

static const uint64_t mpidr_map[4] = { 0x0, 0x1, 0x100, 0x101 };	/* two clusters */

struct t {
	cell_ctx *ctx;
	cell_config *cell;
	uint8_t *image;
	size_t image_size;
	uint8_t dtb[4096];
	uint8_t *initrd;
	struct cell_linux_params p;
	cell_linux *l;
};

/* An Image: header (text_offset, image_size, flags 0xa) and a payload. */
static void make_image(struct t *t, size_t file, uint64_t text_offset, uint64_t span)
{
	free(t->image);
	t->image = calloc(1, file);
	assert_non_null(t->image);
	memcpy(t->image + 8, &text_offset, 8);
	memcpy(t->image + 16, &span, 8);
	t->image[24] = 0xa;
	memcpy(t->image + 56, "ARM\x64", 4);
	t->image_size = file;
	t->p.kernel = t->image;
	t->p.kernel_size = file;
}

static void prop_reg(void *fdt, uint64_t a, uint64_t s)
{
	fdt32_t r[4] = { cpu_to_fdt32(a >> 32), cpu_to_fdt32((uint32_t)a),
			 cpu_to_fdt32(s >> 32), cpu_to_fdt32((uint32_t)s) };

	assert_int_equal(fdt_property(fdt, "reg", r, sizeof(r)), 0);
}

static void cpu_node(void *fdt, uint64_t mpidr, const char *status)
{
	fdt32_t r[2] = { cpu_to_fdt32(mpidr >> 32), cpu_to_fdt32((uint32_t)mpidr) };
	char name[32];

	snprintf(name, sizeof(name), "cpu@%llx", (unsigned long long)mpidr);
	assert_int_equal(fdt_begin_node(fdt, name), 0);
	assert_int_equal(fdt_property_string(fdt, "device_type", "cpu"), 0);
	assert_int_equal(fdt_property(fdt, "reg", r, sizeof(r)), 0);
	if (status)
		assert_int_equal(fdt_property_string(fdt, "status", status), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
}

static void device(void *fdt, const char *name, uint64_t a, uint64_t s, const char *compat,
		   const char *status)
{
	assert_int_equal(fdt_begin_node(fdt, name), 0);
	if (compat)
		assert_int_equal(fdt_property_string(fdt, "compatible", compat), 0);
	if (status)
		assert_int_equal(fdt_property_string(fdt, "status", status), 0);
	prop_reg(fdt, a, s);
	assert_int_equal(fdt_end_node(fdt), 0);
}

/*
 * The inmate tree: CPUs with the given MPIDRs (bit 63: disabled), two old
 * memory nodes, /chosen with bootargs and a stale initrd, a GIC, a mapped
 * UART, a disabled unmapped node, an unmapped timer block and a PCI host
 * whose child has a config-space reg.
 */
static void make_dtb(struct t *t, const uint64_t *cpus, int ncpus)
{
	void *fdt = t->dtb;
	fdt32_t two = cpu_to_fdt32(2), zero = cpu_to_fdt32(0), three = cpu_to_fdt32(3);
	fdt32_t child[5] = { cpu_to_fdt32(0x800), 0, 0, 0, 0 };
	int i;

	assert_int_equal(fdt_create(fdt, sizeof(t->dtb)), 0);
	assert_int_equal(fdt_finish_reservemap(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, ""), 0);
	assert_int_equal(fdt_property(fdt, "#address-cells", &two, 4), 0);
	assert_int_equal(fdt_property(fdt, "#size-cells", &two, 4), 0);
	assert_int_equal(fdt_begin_node(fdt, "cpus"), 0);
	assert_int_equal(fdt_property(fdt, "#address-cells", &two, 4), 0);
	assert_int_equal(fdt_property(fdt, "#size-cells", &zero, 4), 0);
	for (i = 0; i < ncpus; i++)
		cpu_node(fdt, cpus[i] & ~(1ull << 63), cpus[i] >> 63 ? "disabled" : NULL);
	assert_int_equal(fdt_end_node(fdt), 0);
	for (i = 0; i < 2; i++) {
		assert_int_equal(fdt_begin_node(fdt, i ? "memory@80000000" : "memory@0"), 0);
		assert_int_equal(fdt_property_string(fdt, "device_type", "memory"), 0);
		prop_reg(fdt, i ? 0x80000000ull : 0, 0x1000000);
		assert_int_equal(fdt_end_node(fdt), 0);
	}
	assert_int_equal(fdt_begin_node(fdt, "chosen"), 0);
	assert_int_equal(fdt_property_string(fdt, "bootargs", "from-the-tree"), 0);
	assert_int_equal(fdt_property_u64(fdt, "linux,initrd-start", 0x1234), 0);
	assert_int_equal(fdt_property_u64(fdt, "linux,initrd-end", 0x5678), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	device(fdt, "interrupt-controller@8000000", 0x08000000, 0x10000, "arm,gic-v3", NULL);
	device(fdt, "serial@9000000", 0x09000000, 0x1000, "arm,pl011", NULL);
	device(fdt, "gpio@9030000", 0x09030000, 0x1000, "arm,pl061", "disabled");
	device(fdt, "timer@9040000", 0x09040000, 0x2000, "vendor,timer", "okay");
	assert_int_equal(fdt_begin_node(fdt, "pcie@10000000"), 0);
	assert_int_equal(fdt_property_string(fdt, "device_type", "pci"), 0);
	assert_int_equal(fdt_property(fdt, "#address-cells", &three, 4), 0);
	assert_int_equal(fdt_property(fdt, "#size-cells", &two, 4), 0);
	prop_reg(fdt, 0x4010000000ull, 0x10000000);
	assert_int_equal(fdt_begin_node(fdt, "ethernet@1,0"), 0);
	assert_int_equal(fdt_property(fdt, "reg", child, sizeof(child)), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_finish(fdt), 0);
	t->p.dtb = fdt;
	t->p.dtb_size = fdt_totalsize(fdt);
}

static void add_mem(struct t *t, uint64_t phys, uint64_t virt, uint64_t size, uint64_t flags)
{
	struct cell_memory m = { phys, virt, size, flags };

	assert_int_equal(cell_config_memory_insert(t->cell, (uint32_t)cell_config_memory_count(t->cell),
						   &m), 0);
}

static void set_reset(struct t *t, uint64_t addr)
{
	struct cell_desc d;

	assert_int_equal(cell_config_get_desc(t->cell, &d), 0);
	d.cpu_reset_address = addr;
	assert_int_equal(cell_config_set_desc(t->cell, &d), 0);
}

/* linux-inmate on a board with 2 clusters: CPUs 2 and 3, RAM, UART, comm page. */
static int setup(void **state)
{
	static const uint64_t cpus[2] = { 0x100, 0x101 };
	struct t *t = calloc(1, sizeof(*t));

	if (!t || cell_ctx_new(&t->ctx) ||
	    cell_config_new(t->ctx, &t->cell, CELL_CONFIG_CELL, CELL_ARCH_ARM64))
		return -1;
	cell_config_set_name(t->cell, "linux-inmate");
	cell_config_add_cpu(t->cell, 2);
	cell_config_add_cpu(t->cell, 3);
	add_mem(t, 0x09000000, 0x09000000, 0x1000,
		CELL_MEM_READ | CELL_MEM_WRITE | CELL_MEM_IO | CELL_MEM_ROOTSHARED);
	add_mem(t, RAM, RAM, RAM_SIZE, RAM_FLAGS);
	add_mem(t, 0, 0x80000000, 0x1000, CELL_MEM_READ | CELL_MEM_WRITE | CELL_MEM_COMM_REGION);
	set_reset(t, RAM);
	make_image(t, 0x1000000, 0, 0x2010000);
	make_dtb(t, cpus, 2);
	t->initrd = calloc(1, 3 * MiB);
	t->p.initrd = t->initrd;
	t->p.initrd_size = 3 * MiB;
	t->p.cmdline = "console=none rdinit=/init";
	t->p.cpu_mpidr = mpidr_map;
	t->p.cpu_count = 4;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct t *t = *state;

	cell_linux_free(t->l);
	cell_config_free(t->cell);
	cell_ctx_free(t->ctx);
	free(t->image);
	free(t->initrd);
	free(t);
	return 0;
}

static void expect_fail(struct t *t, int err, const char *needle)
{
	int ret = cell_linux_new(t->ctx, &t->l, t->cell, &t->p);

	if (ret != err || !strstr(cell_ctx_last_error(t->ctx), needle))
		fail_msg("expected %d with \"%s\", got %d: %s", err, needle, ret,
			 cell_ctx_last_error(t->ctx));
	assert_null(t->l);
}

static bool overlap(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return a < b + bs && b < a + as;
}

static void test_image_header(void **state)
{
	struct t *t = *state;
	struct cell_linux_image_info info;
	uint8_t buf[128] = { 0 };

	assert_int_equal(cell_linux_image_parse(t->ctx, t->image, t->image_size, &info), 0);
	assert_int_equal(info.image_size, 0x2010000);
	assert_int_equal(info.flags, 0xa);
	assert_int_equal(info.file_size, 0x1000000);

	buf[0] = 0x1f, buf[1] = 0x8b;
	assert_int_equal(cell_linux_image_parse(t->ctx, buf, sizeof(buf), &info), -ENOEXEC);
	assert_non_null(strstr(cell_ctx_last_error(t->ctx), "gzip"));
	memset(buf, 0, sizeof(buf));
	memcpy(buf + 4, "zimg", 4);
	assert_int_equal(cell_linux_image_parse(t->ctx, buf, sizeof(buf), &info), -ENOEXEC);
	assert_non_null(strstr(cell_ctx_last_error(t->ctx), "zboot"));
	memset(buf, 0, sizeof(buf));
	buf[0x24] = 0x18, buf[0x25] = 0x28, buf[0x26] = 0x6f, buf[0x27] = 0x01;
	assert_int_equal(cell_linux_image_parse(t->ctx, buf, sizeof(buf), &info), -ENOEXEC);
	assert_non_null(strstr(cell_ctx_last_error(t->ctx), "32-bit ARM zImage"));
	memset(buf, 0, sizeof(buf));
	assert_int_equal(cell_linux_image_parse(t->ctx, buf, sizeof(buf), &info), -ENOEXEC);
	assert_non_null(strstr(cell_ctx_last_error(t->ctx), "magic"));
	assert_int_equal(cell_linux_image_parse(t->ctx, t->image, 40, &info), -ENOEXEC);
	assert_non_null(strstr(cell_ctx_last_error(t->ctx), "shorter"));
	memcpy(buf, t->image, 64);
	buf[24] |= 1;
	assert_int_equal(cell_linux_image_parse(t->ctx, buf, sizeof(buf), &info), -ENOEXEC);
	assert_non_null(strstr(cell_ctx_last_error(t->ctx), "big-endian"));
	memcpy(buf, t->image, 64);
	memset(buf + 16, 0, 8);
	assert_int_equal(cell_linux_image_parse(t->ctx, buf, sizeof(buf), &info), -ENOEXEC);
	assert_non_null(strstr(cell_ctx_last_error(t->ctx), "image_size is 0"));
}

static void test_layout(void **state)
{
	struct t *t = *state;
	struct cell_linux_layout y;

	make_image(t, 0x1000000, 0x80000, 0x2010000);
	assert_int_equal(cell_linux_new(t->ctx, &t->l, t->cell, &t->p), 0);
	assert_int_equal(cell_linux_get_layout(t->l, &y), 0);
	assert_int_equal(y.ram_start, RAM);
	assert_int_equal(y.ram_size, RAM_SIZE);
	assert_int_equal(y.stub_address, RAM);
	/* text_offset from the first 2 MiB boundary; the stub is below it */
	assert_int_equal(y.kernel_address, RAM + 0x80000);
	assert_int_equal(y.kernel_span, 0x2010000);
	assert_int_equal(y.kernel_size, 0x1000000);
	assert_int_equal(y.initrd_size, 3 * MiB);
	assert_int_equal(y.dtb_address % 0x1000, 0);
	assert_int_equal(y.initrd_address % 0x1000, 0);
	assert_true(y.dtb_size > 0 && y.dtb_size <= CELL_LINUX_DTB_MAX);
	/* nothing overlaps, everything inside the RAM region */
	assert_false(overlap(y.stub_address, CELL_LINUX_STUB_SIZE, y.kernel_address, y.kernel_span));
	assert_false(overlap(y.stub_address, CELL_LINUX_STUB_SIZE, y.dtb_address, y.dtb_size));
	assert_false(overlap(y.stub_address, CELL_LINUX_STUB_SIZE, y.initrd_address, y.initrd_size));
	assert_false(overlap(y.kernel_address, y.kernel_span, y.dtb_address, y.dtb_size));
	assert_false(overlap(y.kernel_address, y.kernel_span, y.initrd_address, y.initrd_size));
	assert_false(overlap(y.dtb_address, y.dtb_size, y.initrd_address, y.initrd_size));
	assert_true(y.initrd_address + y.initrd_size <= RAM + RAM_SIZE);
	assert_true(y.kernel_address + y.kernel_span <= RAM + RAM_SIZE);

	/* text_offset 0: the first slot holds the stub, so the kernel takes the next */
	cell_linux_free(t->l);
	make_image(t, 0x1000000, 0, 0x2010000);
	assert_int_equal(cell_linux_new(t->ctx, &t->l, t->cell, &t->p), 0);
	assert_int_equal(cell_linux_get_layout(t->l, &y), 0);
	assert_int_equal(y.kernel_address, RAM + 2 * MiB);
	/* the DTB and a 3 MiB initrd: DTB into the gap below the kernel, initrd above */
	assert_true(y.dtb_address > RAM && y.dtb_address + y.dtb_size <= RAM + 2 * MiB);
	assert_true(y.initrd_address >= RAM + 2 * MiB + 0x2010000);
}

static void test_dtb_edits(void **state)
{
	struct t *t = *state;
	struct cell_linux_layout y;
	const fdt32_t *reg;
	const void *fdt;
	const char *s;
	size_t size;
	int node, len, n = 0;

	assert_int_equal(cell_linux_new(t->ctx, &t->l, t->cell, &t->p), 0);
	assert_int_equal(cell_linux_get_layout(t->l, &y), 0);
	fdt = cell_linux_dtb(t->l, &size);
	assert_non_null(fdt);
	assert_int_equal(size, y.dtb_size);
	assert_int_equal(fdt_check_full(fdt, size), 0);

	/* one memory node: the cell's RAM only (not the UART, not the comm page) */
	for (node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", 7);
	     node >= 0; node = fdt_node_offset_by_prop_value(fdt, node, "device_type", "memory", 7))
		n++;
	assert_int_equal(n, 1);
	node = fdt_path_offset(fdt, "/memory@70000000");
	assert_true(node >= 0);
	reg = fdt_getprop(fdt, node, "reg", &len);
	assert_int_equal(len, 16);
	assert_int_equal(fdt32_to_cpu(reg[1]), (uint32_t)RAM);
	assert_int_equal(fdt32_to_cpu(reg[3]), (uint32_t)RAM_SIZE);
	assert_true(fdt_path_offset(fdt, "/memory@0") < 0);

	node = fdt_path_offset(fdt, "/chosen");
	s = fdt_getprop(fdt, node, "bootargs", NULL);
	assert_string_equal(s, "console=none rdinit=/init");
	reg = fdt_getprop(fdt, node, "linux,initrd-start", &len);
	assert_int_equal(len, 8);
	assert_int_equal(fdt64_ld((const fdt64_t *)(const void *)reg), y.initrd_address);
	reg = fdt_getprop(fdt, node, "linux,initrd-end", &len);
	assert_int_equal(fdt64_ld((const fdt64_t *)(const void *)reg),
			 y.initrd_address + y.initrd_size);
	/* the input stays as it was */
	assert_true(fdt_path_offset(t->p.dtb, "/memory@0") >= 0);
}

static void test_no_initrd_no_cmdline(void **state)
{
	struct t *t = *state;
	struct cell_hv_image img[4];
	const void *fdt;
	int node;

	t->p.initrd = NULL;
	t->p.initrd_size = 0;
	t->p.cmdline = NULL;
	assert_int_equal(cell_linux_new(t->ctx, &t->l, t->cell, &t->p), 0);
	fdt = cell_linux_dtb(t->l, NULL);
	node = fdt_path_offset(fdt, "/chosen");
	assert_string_equal(fdt_getprop(fdt, node, "bootargs", NULL), "from-the-tree");
	assert_null(fdt_getprop(fdt, node, "linux,initrd-start", NULL));
	assert_null(fdt_getprop(fdt, node, "linux,initrd-end", NULL));
	assert_int_equal(cell_linux_images(t->l, img, 4), 3);
}

static void test_images_and_stub(void **state)
{
	struct t *t = *state;
	struct cell_linux_layout y;
	struct cell_hv_image img[4];
	const uint8_t *stub;
	uint64_t lit;
	uint32_t insn;

	assert_int_equal(cell_linux_new(t->ctx, &t->l, t->cell, &t->p), 0);
	assert_int_equal(cell_linux_get_layout(t->l, &y), 0);
	assert_int_equal(cell_linux_images(t->l, img, 4), 4);
	assert_int_equal(img[0].target_address, y.stub_address);
	assert_int_equal(img[0].size, CELL_LINUX_STUB_SIZE);
	assert_ptr_equal(img[1].data, t->image);
	assert_int_equal(img[1].target_address, y.kernel_address);
	assert_int_equal(img[1].size, t->image_size);
	assert_int_equal(img[2].target_address, y.dtb_address);
	assert_ptr_equal(img[2].data, cell_linux_dtb(t->l, NULL));
	assert_ptr_equal(img[3].data, t->initrd);
	assert_int_equal(img[3].target_address, y.initrd_address);

	/* ldr x0, =dtb; ldr x4, =kernel: LDR (literal) 64-bit, offset imm19 * 4 */
	stub = img[0].data;
	memcpy(&insn, stub, 4);
	assert_int_equal(insn & 0xff00001f, 0x58000000);
	memcpy(&lit, stub + ((insn >> 5) & 0x7ffff) * 4, 8);
	assert_int_equal(lit, y.dtb_address);
	memcpy(&insn, stub + 4, 4);
	assert_int_equal(insn & 0xff00001f, 0x58000004);
	memcpy(&lit, stub + 4 + ((insn >> 5) & 0x7ffff) * 4, 8);
	assert_int_equal(lit, y.kernel_address);
	memcpy(&insn, stub + 20, 4);
	assert_int_equal(insn, 0xd61f0080);	/* br x4 */
	assert_int_equal(cell_linux_images(t->l, img, 1), 4);	/* count even when short */
}

static void test_second_region(void **state)
{
	struct t *t = *state;
	struct cell_linux_layout y;

	/* a 2 MiB region holds the stub; the kernel needs the big one behind it */
	cell_config_memory_remove(t->cell, 1);
	add_mem(t, 0x6fe00000, 0x6fe00000, 2 * MiB, RAM_FLAGS);
	add_mem(t, RAM, RAM, RAM_SIZE, RAM_FLAGS);
	set_reset(t, 0x6fe00000);
	assert_int_equal(cell_linux_new(t->ctx, &t->l, t->cell, &t->p), 0);
	assert_int_equal(cell_linux_get_layout(t->l, &y), 0);
	assert_int_equal(y.stub_address, 0x6fe00000);
	assert_int_equal(y.ram_start, RAM);
	assert_int_equal(y.kernel_address, RAM);
	/* /memory lists both RAM regions, sorted */
	{
		const void *fdt = cell_linux_dtb(t->l, NULL);
		int len, node = fdt_path_offset(fdt, "/memory@6fe00000");
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

		assert_int_equal(len, 32);
		assert_int_equal(fdt32_to_cpu(reg[1]), 0x6fe00000);
		assert_int_equal(fdt32_to_cpu(reg[5]), (uint32_t)RAM);
	}
}

static void test_warnings(void **state)
{
	struct t *t = *state;
	char *json;
	json_t *o;

	assert_int_equal(cell_linux_new(t->ctx, &t->l, t->cell, &t->p), 0);
	/* only the enabled, memory-mapped, unmapped, non-GIC nodes: timer and PCIe host */
	assert_int_equal(cell_linux_warning_count(t->l), 2);
	assert_non_null(strstr(cell_linux_warning(t->l, 0), "/timer@9040000: reg[0] 0x9040000-0x9041fff"));
	assert_non_null(strstr(cell_linux_warning(t->l, 1), "/pcie@10000000"));
	assert_null(cell_linux_warning(t->l, 2));

	assert_int_equal(cell_linux_layout_json(t->l, &json), 0);
	o = json_loads(json, 0, NULL);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "kernel"), "address")),
			    "0x70200000");
	assert_int_equal(json_array_size(json_object_get(o, "warnings")), 2);
	json_decref(o);
	cell_free(json);

	/* map half of the timer block: a partial warning; all of it: none */
	cell_linux_free(t->l);
	t->l = NULL;
	add_mem(t, 0x09040000, 0x09040000, 0x1000, CELL_MEM_READ | CELL_MEM_WRITE | CELL_MEM_IO);
	assert_int_equal(cell_linux_new(t->ctx, &t->l, t->cell, &t->p), 0);
	assert_int_equal(cell_linux_warning_count(t->l), 2);
	assert_non_null(strstr(cell_linux_warning(t->l, 0), "only partly mapped"));
	assert_non_null(strstr(cell_linux_warning(t->l, 0), "(0x9041000-0x9041fff is not)"));
	cell_config_memory_remove(t->cell, (uint32_t)cell_config_memory_count(t->cell) - 1);
	cell_linux_free(t->l);
	t->l = NULL;
	add_mem(t, 0x09040000, 0x09040000, 0x2000, CELL_MEM_READ | CELL_MEM_WRITE | CELL_MEM_IO);
	assert_int_equal(cell_linux_new(t->ctx, &t->l, t->cell, &t->p), 0);
	assert_int_equal(cell_linux_warning_count(t->l), 1);
}

static void test_cpu_mismatch(void **state)
{
	struct t *t = *state;
	static const uint64_t foreign[2] = { 0x100, 0x1 };
	static const uint64_t missing[2] = { 0x100, 0x101 | 1ull << 63 };
	static const uint64_t twice[3] = { 0x100, 0x101, 0x101 };

	make_dtb(t, foreign, 2);
	expect_fail(t, -EINVAL, "/cpus/cpu@1 (MPIDR 0x1) is not a CPU of cell \"linux-inmate\"");
	make_dtb(t, missing, 2);
	expect_fail(t, -EINVAL, "CPU 3 of cell \"linux-inmate\" (MPIDR 0x101) has no enabled node");
	make_dtb(t, twice, 3);
	expect_fail(t, -EINVAL, "a second node for MPIDR 0x101");
	make_dtb(t, twice, 2);
	t->p.cpu_count = 3;
	expect_fail(t, -EINVAL, "CPU 3 of cell \"linux-inmate\" is not in the CPU map");
	t->p.cpu_mpidr = NULL;
	expect_fail(t, -EINVAL, "no CPU map");
}

static void test_refusals(void **state)
{
	struct t *t = *state;
	uint8_t *big;

	make_image(t, 0x1000000, 0, RAM_SIZE);	/* needs all 128 MiB, the stub is in the way */
	expect_fail(t, -ENOSPC, "the kernel needs 0x8000000 bytes");
	make_image(t, 0x1000000, 0, 0x2010000);
	big = calloc(1, 100 * MiB);
	assert_non_null(big);
	t->p.initrd = big;
	t->p.initrd_size = 100 * MiB;
	expect_fail(t, -ENOSPC, "the initrd (0x6400000 bytes) does not fit");
	free(big);
	t->p.initrd = t->initrd;
	t->p.initrd_size = 3 * MiB;
	set_reset(t, 0x80000000);	/* the comm page: not RAM */
	expect_fail(t, -EINVAL, "cpu_reset_address 0x80000000 is not in a loadable");
	set_reset(t, RAM);
	t->p.dtb_size = 20;
	expect_fail(t, -EBADMSG, "device tree");
	t->p.dtb_size = fdt_totalsize(t->dtb);
	t->image[0] = 0x1f, t->image[1] = 0x8b;
	assert_int_equal(cell_linux_new(t->ctx, &t->l, t->cell, &t->p), 0);	/* the magic decides */
	cell_linux_free(t->l);
	t->l = NULL;
	memset(t->image + 56, 0, 4);
	expect_fail(t, -ENOEXEC, "gzip");
}

static void test_host_mpidrs(void **state)
{
	struct t *t = *state;
	char dir[] = "/tmp/libcell-sysfs-XXXXXX", path[256];
	static const uint8_t reg0[8] = { 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t reg1[8] = { 0, 0, 0, 0, 0, 0, 0x01, 0x01 };
	uint64_t out[4];
	FILE *f;
	int i;

	assert_non_null(mkdtemp(dir));
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu%d/of_node", dir, i);
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "mkdir -p %s", path);
		assert_int_equal(system(cmd), 0);
		strcat(path, "/reg");
		f = fopen(path, "wb");
		assert_non_null(f);
		fwrite(i ? reg1 : reg0, 1, 8, f);
		fclose(f);
	}
	assert_int_equal(cell_linux_host_mpidrs(t->ctx, dir, out, 4), 2);
	assert_int_equal(out[0], 0);
	assert_int_equal(out[1], 0x101);
	snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu1/of_node/reg", dir);
	f = fopen(path, "wb");
	fwrite(reg1, 1, 3, f);
	fclose(f);
	assert_int_equal(cell_linux_host_mpidrs(t->ctx, dir, out, 4), -EIO);
	assert_non_null(strstr(cell_ctx_last_error(t->ctx), "3 bytes"));
	snprintf(path, sizeof(path), "rm -r %s", dir);
	assert_int_equal(system(path), 0);
	assert_int_equal(cell_linux_host_mpidrs(t->ctx, dir, out, 4), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_image_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dtb_edits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_initrd_no_cmdline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_images_and_stub, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_region, setup, teardown),
		cmocka_unit_test_setup_teardown(test_warnings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpu_mismatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_mpidrs, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
