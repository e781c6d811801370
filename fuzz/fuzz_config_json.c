/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * JSON -> binary fuzzer: arbitrary text either fails with a message naming
 * the problem, or yields a configuration whose binary form round-trips
 * (decode, encode, JSON) byte-exactly.
 */
#include <stdint.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cell_config *cfg = NULL;
	cell_ctx *ctx;
	uint8_t *bytes;
	char *text;
	size_t n;
	int ret;

	/* The API takes NUL-terminated text. */
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (cell_ctx_new(&ctx)) {
		free(text);
		return 0;
	}
	ret = cell_config_from_json(ctx, &cfg, text);
	if (ret) {
		fuzz_expect_message(ctx, ret);
		FUZZ_ASSERT(cfg == NULL, "out-param written on failure");
	} else {
		bytes = fuzz_check_valid(ctx, cfg, &n);
		cell_free(bytes);
		cell_config_free(cfg);
	}
	cell_ctx_free(ctx);
	free(text);
	return 0;
}
