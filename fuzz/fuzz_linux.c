/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Linux boot preparation fuzzer: arbitrary bytes as the inmate's device
 * tree for cell_linux_new() on a fixed cell (CPUs 2-3, 128 MiB of RAM at
 * 0x70000000, a UART page, the comm page). It fails with a message, or
 * gives a layout whose pieces lie in the RAM without overlap, an edited
 * tree that libfdt accepts with one /memory node, and 3-4 images.
 * The input's size chooses an initrd size and whether a command line is
 * given (the bytes stay a whole tree, so real trees are useful seeds), so
 * both /chosen paths run.
 */
#include <stdint.h>

#include <libfdt.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RAM		0x70000000ull
#define RAM_SIZE	0x08000000ull

static const uint64_t mpidr[4] = { 0, 1, 2, 3 };
static uint8_t image[4096];
static uint8_t initrd[64 * 4096];

static cell_config *make_cell(cell_ctx *ctx)
{
	static const struct cell_memory mem[] = {
		{ 0x09000000, 0x09000000, 0x1000,
		  CELL_MEM_READ | CELL_MEM_WRITE | CELL_MEM_IO | CELL_MEM_ROOTSHARED },
		{ RAM, RAM, RAM_SIZE, CELL_MEM_READ | CELL_MEM_WRITE | CELL_MEM_EXECUTE |
				      CELL_MEM_DMA | CELL_MEM_LOADABLE },
		{ 0, 0x80000000, 0x1000, CELL_MEM_READ | CELL_MEM_WRITE | CELL_MEM_COMM_REGION },
	};
	struct cell_desc d;
	cell_config *c;
	uint32_t i;

	FUZZ_ASSERT(!cell_config_new(ctx, &c, CELL_CONFIG_CELL, CELL_ARCH_ARM64), "config");
	FUZZ_ASSERT(!cell_config_set_name(c, "linux-inmate"), "name");
	FUZZ_ASSERT(!cell_config_add_cpu(c, 2) && !cell_config_add_cpu(c, 3), "cpus");
	for (i = 0; i < 3; i++)
		FUZZ_ASSERT(!cell_config_memory_insert(c, i, &mem[i]), "memory %u", i);
	FUZZ_ASSERT(!cell_config_get_desc(c, &d), "desc");
	d.cpu_reset_address = RAM;
	FUZZ_ASSERT(!cell_config_set_desc(c, &d), "desc");
	return c;
}

static int overlap(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return as && bs && a < b + bs && b < a + as;
}

static void check_layout(const cell_linux *l, int with_initrd)
{
	struct cell_linux_layout y;
	struct cell_hv_image img[4];
	const void *fdt;
	size_t dsize;
	uint32_t i;
	int n, node, count = 0;

	FUZZ_ASSERT(!cell_linux_get_layout(l, &y), "layout");
	FUZZ_ASSERT(y.ram_start == RAM && y.ram_size == RAM_SIZE, "region");
	FUZZ_ASSERT(y.stub_address == RAM, "stub");
	FUZZ_ASSERT(y.kernel_address % CELL_LINUX_KERNEL_ALIGN == 0, "kernel alignment");
	FUZZ_ASSERT(!overlap(y.stub_address, CELL_LINUX_STUB_SIZE, y.kernel_address, y.kernel_span) &&
		    !overlap(y.stub_address, CELL_LINUX_STUB_SIZE, y.dtb_address, y.dtb_size) &&
		    !overlap(y.stub_address, CELL_LINUX_STUB_SIZE, y.initrd_address, y.initrd_size) &&
		    !overlap(y.kernel_address, y.kernel_span, y.dtb_address, y.dtb_size) &&
		    !overlap(y.kernel_address, y.kernel_span, y.initrd_address, y.initrd_size) &&
		    !overlap(y.dtb_address, y.dtb_size, y.initrd_address, y.initrd_size), "overlap");
	FUZZ_ASSERT(y.dtb_address >= RAM && y.dtb_address + y.dtb_size <= RAM + RAM_SIZE &&
		    y.kernel_address + y.kernel_span <= RAM + RAM_SIZE &&
		    (!y.initrd_size || y.initrd_address + y.initrd_size <= RAM + RAM_SIZE),
		    "outside the RAM");
	fdt = cell_linux_dtb(l, &dsize);
	FUZZ_ASSERT(fdt && dsize == y.dtb_size && dsize <= CELL_LINUX_DTB_MAX, "dtb size");
	FUZZ_ASSERT(fdt_check_full(fdt, dsize) == 0, "edited tree invalid");
	for (node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", 7); node >= 0;
	     node = fdt_node_offset_by_prop_value(fdt, node, "device_type", "memory", 7))
		count++;
	FUZZ_ASSERT(count == 1, "%d memory nodes", count);
	n = cell_linux_images(l, img, 4);
	FUZZ_ASSERT(n == (with_initrd ? 4 : 3), "%d images", n);
	for (i = 0; i < cell_linux_warning_count(l); i++)
		FUZZ_ASSERT(cell_linux_warning(l, i) && cell_linux_warning(l, i)[0], "warning %u", i);
	FUZZ_ASSERT(!cell_linux_warning(l, i), "warning past the count");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cell_linux_params p = { 0 };
	cell_linux *l = (cell_linux *)1;
	cell_config *cell;
	cell_ctx *ctx;
	uint8_t sel;
	int ret;

	sel = (uint8_t)(size ^ size >> 8);
	/* a minimal Image: image_size 64 MiB, flags 0xa */
	image[18] = 0x00, image[19] = 0x04, image[24] = 0xa;
	memcpy(image + 56, "ARM\x64", 4);
	FUZZ_ASSERT(!cell_ctx_new(&ctx), "context");
	cell = make_cell(ctx);
	p.kernel = image;
	p.kernel_size = sizeof(image);
	p.dtb = data;
	p.dtb_size = size;
	if (sel & 0x3f) {
		p.initrd = initrd;
		p.initrd_size = (uint64_t)(sel & 0x3f) * 4096;
	}
	p.cmdline = sel & 0x40 ? "console=ttyAMA0 rdinit=/init" : NULL;
	p.cpu_mpidr = mpidr;
	p.cpu_count = 4;
	ret = cell_linux_new(ctx, &l, cell, &p);
	if (ret) {
		fuzz_expect_message(ctx, ret);
		FUZZ_ASSERT(l == NULL, "out-param not cleared on failure");
	} else {
		check_layout(l, p.initrd != NULL);
		cell_linux_free(l);
	}
	cell_config_free(cell);
	cell_ctx_free(ctx);
	return 0;
}
