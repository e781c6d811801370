/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cell_dt: a device tree checked and indexed once. The blob entry points
 * (cell_gic_discover(), cell_dt_handoff(), ...) check their input with
 * fdt_check_full() and index it on every call, which is most of their time
 * on a large tree; tooling that asks several questions of one tree pays
 * that once here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libcell/dt.h>

#include "fdt_util.h"

int cell_dt_new(cell_ctx *ctx, const void *fdt, size_t size, cell_dt **out)
{
	cell_dt *dt;
	int err;

	if (!out)
		return cell__err(ctx, -EINVAL, "cell_dt_new: out is NULL");
	dt = calloc(1, sizeof(*dt));
	if (!dt)
		return cell__err(ctx, -ENOMEM, "out of memory");
	if ((err = cell__fdt_check_indexed(ctx, fdt, size, &dt->ix))) {
		free(dt);
		return err;
	}
	/* Our own copy, so the caller's buffer may change or go (and need
	 * not be aligned); the index holds offsets, so it moves with it. */
	dt->size = fdt_totalsize(fdt);
	dt->blob = malloc(dt->size);
	if (!dt->blob) {
		cell_dt_free(dt);
		return cell__err(ctx, -ENOMEM, "out of memory");
	}
	memcpy(dt->blob, fdt, dt->size);
	dt->ix.fdt = dt->blob;
	*out = dt;
	return 0;
}

void cell_dt_free(cell_dt *dt)
{
	if (!dt)
		return;
	cell__fdt_index_free(&dt->ix);
	free(dt->blob);
	free(dt);
}

const void *cell_dt_blob(const cell_dt *dt, size_t *size)
{
	if (!dt)
		return NULL;
	if (size)
		*size = dt->size;
	return dt->blob;
}
