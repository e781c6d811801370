/* SPDX-License-Identifier: BSD-2-Clause */
/* isolate-nic --run: step S5 on the target, from the files S1-S4 wrote. */
#ifndef ISOLATE_NIC_S5_H
#define ISOLATE_NIC_S5_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <libcell/cell.h>

struct s5_opts {
	const char *out_dir;		/* root.cell, inmate.cell, inmate.dtb; run.json */
	const char *kernel;		/* arm64 Image */
	const char *initrd;		/* or NULL */
	const char *cmdline;		/* or NULL: the inmate tree's bootargs */
	const char *const *moved;	/* host-tree paths that went to the inmate */
	size_t nmoved;
	bool dry_run;			/* print the plan, run nothing */
	FILE *progress;			/* where the progress lines go */
};

/*
 * Enable the hypervisor with root.cell (unless it runs), create the cell
 * from inmate.cell and boot Linux in it with inmate.dtb, one progress line
 * per step. A failed step is named and what this run did is undone: the
 * cell destroyed, the hypervisor disabled if this run enabled it. Writes
 * run.json (every step's outcome) into out_dir. Returns 0 or 1.
 */
int s5_run(cell_ctx *ctx, const struct s5_opts *o);

#endif
