// SPDX-License-Identifier: BSD-2-Clause
/*
 * Placement of the loader stub, kernel, DTB and initrd in a cell's RAM.
 *
 * The stub sits where the configuration starts the cell. Everything else
 * goes into the first loadable region that takes all three, so a cell with
 * a small low region and a big high one still boots: first fit, lowest
 * address first, which keeps the layout predictable for the dry run.
 */
#include <inttypes.h>

#include "internal.h"
#include "linux_internal.h"

#define RAM_NEED	(CELL_MEM_READ | CELL_MEM_WRITE | CELL_MEM_EXECUTE | CELL_MEM_LOADABLE)
#define RAM_REFUSE	(CELL_MEM_IO | CELL_MEM_COMM_REGION | CELL_MEM_ROOTSHARED)

struct range {
	uint64_t start, end;
};

/* Smallest x >= v with x % align == offset (offset < align, align a power of 2). */
static uint64_t next_slot(uint64_t v, uint64_t align, uint64_t offset)
{
	if (v <= offset)
		return offset;
	return ((v - offset + align - 1) & ~(align - 1)) + offset;
}

/*
 * First x in [start, end) on the (align, offset) grid where [x, x + size)
 * misses every taken range; 0 and -ENOSPC when none.
 */
static int fit(uint64_t start, uint64_t end, const struct range *taken, int ntaken,
	       uint64_t size, uint64_t align, uint64_t offset, uint64_t *out)
{
	uint64_t x = next_slot(start, align, offset);
	int i;

	while (x >= start && x < end && size <= end - x) {
		for (i = 0; i < ntaken; i++)
			if (x < taken[i].end && taken[i].start < x + size)
				break;
		if (i == ntaken) {
			*out = x;
			return 0;
		}
		x = next_slot(taken[i].end, align, offset);
	}
	return -ENOSPC;
}

static bool is_loadable_ram(const struct cell_memory *m)
{
	return (m->flags & RAM_NEED) == RAM_NEED && !(m->flags & RAM_REFUSE) && m->size &&
	       m->virt_start + m->size > m->virt_start;
}

/* Which of the three did not fit, for the message: 0 kernel, 1 DTB, 2 initrd. */
static int place_in(const struct cell_memory *m, const struct range *stub,
		    const struct cell_linux_image_info *img, struct cell_linux_layout *lay)
{
	struct range taken[3];
	uint64_t start = m->virt_start, end = m->virt_start + m->size;
	int n = 0;

	if (stub->start >= start && stub->end <= end)
		taken[n++] = *stub;
	if (fit(start, end, taken, n, lay->kernel_span, CELL_LINUX_KERNEL_ALIGN,
		img->text_offset, &lay->kernel_address))
		return 0;
	taken[n++] = (struct range){ lay->kernel_address, lay->kernel_address + lay->kernel_span };
	if (fit(start, end, taken, n, lay->dtb_size, LINUX_PAGE, 0, &lay->dtb_address))
		return 1;
	taken[n++] = (struct range){ lay->dtb_address, lay->dtb_address + lay->dtb_size };
	if (lay->initrd_size &&
	    fit(start, end, taken, n, lay->initrd_size, LINUX_PAGE, 0, &lay->initrd_address))
		return 2;
	lay->ram_start = start;
	lay->ram_size = m->size;
	return 3;
}

int cell__linux_place(cell_ctx *ctx, const cell_config *cell,
		      const struct cell_linux_image_info *img,
		      struct cell_linux_layout *lay)
{
	static const char *const what[] = { "the kernel", "the device tree", "the initrd" };
	const char *name = cell_config_name(cell);
	struct cell_desc desc;
	struct cell_memory m;
	struct range stub;
	int count, i, best = -1, got;
	bool stub_ok = false;
	uint64_t need[3];

	cell_config_get_desc(cell, &desc);
	count = cell_config_memory_count(cell);
	stub.start = desc.cpu_reset_address;
	stub.end = stub.start + CELL_LINUX_STUB_SIZE;
	for (i = 0; i < count; i++) {
		cell_config_memory_get(cell, i, &m);
		if (is_loadable_ram(&m) && stub.start >= m.virt_start &&
		    stub.end <= m.virt_start + m.size && stub.end > stub.start)
			stub_ok = true;
	}
	if (!stub_ok || (stub.start & 3))
		return cell__err(ctx, -EINVAL,
				 "cell \"%s\": cpu_reset_address 0x%" PRIx64 " is not in a loadable read/write/execute RAM region (or not 4-byte aligned): the %u-byte loader stub goes there; set cpu_reset_address inside the cell's RAM",
				 name, stub.start, CELL_LINUX_STUB_SIZE);
	lay->stub_address = stub.start;
	lay->kernel_span = img->image_size > img->file_size ? img->image_size : img->file_size;

	for (i = 0; i < count; i++) {
		cell_config_memory_get(cell, i, &m);
		if (!is_loadable_ram(&m))
			continue;
		got = place_in(&m, &stub, img, lay);
		if (got == 3)
			return 0;
		if (got > best)
			best = got;
	}
	if (best < 0)
		return cell__err(ctx, -ENOSPC,
				 "cell \"%s\": no loadable read/write/execute RAM region for the kernel",
				 name);
	need[0] = lay->kernel_span;
	need[1] = lay->dtb_size;
	need[2] = lay->initrd_size;
	if (best == 0)
		return cell__err(ctx, -ENOSPC,
				 "cell \"%s\": the kernel needs 0x%" PRIx64 " bytes (image_size) at a 2 MiB boundary + text_offset 0x%" PRIx64 ", more than any loadable RAM region of the cell offers beside the loader stub",
				 name, need[0], img->text_offset);
	return cell__err(ctx, -ENOSPC,
			 "cell \"%s\": %s (0x%" PRIx64 " bytes) does not fit in the loadable RAM beside the kernel (0x%" PRIx64 " bytes)%s",
			 name, what[best], need[best], need[0],
			 best == 2 ? " and the device tree" : "");
}
