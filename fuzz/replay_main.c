/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Runs a fuzz target's LLVMFuzzerTestOneInput() over files, without
 * libFuzzer: this is how every build (gcc, ASan) replays the regression
 * inputs in fuzz/regressions/ and the example configurations. A broken
 * invariant aborts.
 *
 * usage: replay FILE|DIR ...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libcell/common.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	uint8_t *buf;
	size_t len;
	cell_ctx *ctx;
	int ret;

	if (cell_ctx_new(&ctx))
		return -1;
	ret = cell_file_read(ctx, path, 64u << 20, &buf, &len);
	if (ret) {
		fprintf(stderr, "%s\n", cell_ctx_last_error(ctx));
	} else {
		printf("replay %s (%zu bytes)\n", path, len);
		LLVMFuzzerTestOneInput(buf, len);
		cell_free(buf);
	}
	cell_ctx_free(ctx);
	return ret;
}

/* A file, or every file below a directory (sorted, recursively). */
static int replay_path(const char *path, int *count)
{
	struct dirent **names;
	struct stat st;
	int n, j, ret = 0;

	if (stat(path, &st)) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return replay_file(path);
	}
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0) {
		perror(path);
		return -1;
	}
	for (j = 0; j < n; j++) {
		char sub[4096];

		if (!ret && names[j]->d_name[0] != '.') {
			snprintf(sub, sizeof(sub), "%s/%s", path, names[j]->d_name);
			ret = replay_path(sub, count);
		}
		free(names[j]);
	}
	free(names);
	return ret;
}

int main(int argc, char **argv)
{
	int i, count = 0;

	for (i = 1; i < argc; i++)
		if (replay_path(argv[i], &count))
			return 1;
	printf("%d inputs replayed, all invariants held\n", count);
	return count ? 0 : 1;
}
