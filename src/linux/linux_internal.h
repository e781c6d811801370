/* SPDX-License-Identifier: BSD-2-Clause */
/* Private parts of the Linux boot module (src/linux/). */
#ifndef LIBCELL_LINUX_INTERNAL_H
#define LIBCELL_LINUX_INTERNAL_H

#include <libcell/linux.h>

#define LINUX_PAGE		0x1000ull
#define LINUX_MAX_REGIONS	64

/* A RAM region of the cell in guest-physical terms. */
struct linux_ram {
	uint64_t start, size;
};

struct cell_linux {
	cell_ctx *ctx;
	struct cell_linux_layout layout;
	uint8_t stub[CELL_LINUX_STUB_SIZE];
	const void *kernel, *initrd;
	void *dtb;
	size_t dtb_size;
	char **warnings;
	uint32_t nwarnings;
};

/*
 * Place stub, kernel (span bytes at 2 MiB + text_offset), DTB and initrd
 * (sizes in @lay on entry) in the cell's memory; fills the addresses.
 */
int cell__linux_place(cell_ctx *ctx, const cell_config *cell,
		      const struct cell_linux_image_info *img,
		      struct cell_linux_layout *lay);

/*
 * Check p->dtb against the cell (CPUs; unmapped device ranges become
 * warnings in @l) and write the edited copy into l->dtb. The initrd range
 * in /chosen is a placeholder: the DTB's size must be known before the
 * initrd can be placed, so linux.c patches it in place afterwards.
 */
int cell__linux_edit_dtb(cell_linux *l, const cell_config *cell,
			 const struct cell_linux_params *p);

/* Append a printf-style warning to @l. */
int cell__linux_warn(cell_linux *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
