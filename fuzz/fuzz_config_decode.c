/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Decoder fuzzer: arbitrary bytes either fail with a message, or decode
 * into a configuration that encodes back to exactly the same bytes (the
 * byte-exact round-trip promise), survives decode/encode again, the checker
 * and the JSON round trip.
 */
#include <stdint.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cell_config *cfg = NULL;
	cell_ctx *ctx;
	uint8_t *bytes;
	size_t n;
	int ret;

	if (cell_ctx_new(&ctx))
		return 0;
	ret = cell_config_decode(ctx, &cfg, data, size);
	if (ret) {
		fuzz_expect_message(ctx, ret);
		FUZZ_ASSERT(cfg == NULL, "out-param written on failure");
	} else {
		bytes = fuzz_check_valid(ctx, cfg, &n);
		FUZZ_ASSERT(n == size && !memcmp(bytes, data, size),
			    "decode+encode is not byte-exact (%zu -> %zu bytes)", size, n);
		cell_free(bytes);
		cell_config_free(cfg);
	}
	cell_ctx_free(ctx);
	return 0;
}
