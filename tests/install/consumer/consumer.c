/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Minimal libcell user: checks that the headers and the library it runs
 * against agree, and prints the path of the libcell it was loaded from so
 * the install test can tell the installed copy from the build tree's.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include <libcell/cell.h>

int main(void)
{
	cell_ctx *ctx = NULL;
	Dl_info info;

	if (cell_ctx_new(&ctx)) {
		fprintf(stderr, "consumer: cell_ctx_new failed\n");
		return 1;
	}
	cell_ctx_free(ctx);
	if (cell_version_number() != CELL_VERSION_NUMBER ||
	    strcmp(cell_version(), CELL_VERSION_STRING)) {
		fprintf(stderr, "consumer: headers %s, library %s\n", CELL_VERSION_STRING,
			cell_version());
		return 1;
	}
	if (!dladdr((void *)cell_version, &info) || !info.dli_fname) {
		fprintf(stderr, "consumer: cannot locate libcell\n");
		return 1;
	}
	printf("libcell %s from %s\n", cell_version(), info.dli_fname);
	return 0;
}
