/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers shared by the device-tree tests. */
#ifndef DT_TEST_H
#define DT_TEST_H

#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

/* Read dtb/<name> of the shared fixtures; exit 77 when it is absent. */
static inline void *dt_fixture(cell_ctx *ctx, const char *name, size_t *size)
{
	char path[512];
	uint8_t *buf;

	snprintf(path, sizeof(path), "%s/dt/dtb/%s", CELL_FIXTURES, name);
	if (cell__read_file(ctx, path, 1 << 24, &buf, size)) {
		printf("SKIP: fixture missing: %s\n", path);
		exit(77);
	}
	return buf;
}

#endif /* DT_TEST_H */
