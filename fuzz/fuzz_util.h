/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared checks of the libFuzzer targets: a broken invariant aborts, which
 * libFuzzer reports as a crash and saves the input. */
#ifndef CELL_FUZZ_UTIL_H
#define CELL_FUZZ_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libcell/cell.h>

#define FUZZ_ASSERT(cond, ...)                                                 \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "invariant broken at %s:%d: %s: ",     \
				__FILE__, __LINE__, #cond);                    \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			abort();                                               \
		}                                                              \
	} while (0)

/*
 * Failures must come with a message naming what was wrong; an empty
 * message would leave the user of cellctl without a clue.
 */
static inline void fuzz_expect_message(const cell_ctx *ctx, int ret)
{
	FUZZ_ASSERT(ret < 0, "unexpected return %d", ret);
	FUZZ_ASSERT(cell_ctx_last_error(ctx)[0] != '\0', "error %d without a message", ret);
}

/*
 * Properties every valid configuration has: it encodes, the encoding
 * decodes, the checker runs, and JSON -> configuration -> bytes is exact.
 * Returns the encoded bytes (free with cell_free()).
 */
static inline uint8_t *fuzz_check_valid(cell_ctx *ctx, const cell_config *cfg, size_t *size)
{
	cell_config *again = NULL, *from_json = NULL;
	cell_findings *findings = NULL;
	uint8_t *bytes = NULL, *bytes2 = NULL;
	size_t size2 = 0, i;
	char *json = NULL;
	int ret;

	ret = cell_config_encode_alloc(cfg, &bytes, size);
	FUZZ_ASSERT(ret == 0, "encode of a valid configuration: %d %s", ret,
		    cell_ctx_last_error(ctx));
	FUZZ_ASSERT((int64_t)*size == cell_config_encoded_size(cfg), "encoded size mismatch");

	ret = cell_config_decode(ctx, &again, bytes, *size);
	FUZZ_ASSERT(ret == 0, "decode of our own encoding: %d %s", ret, cell_ctx_last_error(ctx));
	ret = cell_config_encode_alloc(again, &bytes2, &size2);
	FUZZ_ASSERT(ret == 0, "second encode: %d", ret);
	FUZZ_ASSERT(size2 == *size && !memcmp(bytes, bytes2, *size),
		    "decode(encode(x)) encodes differently");
	cell_free(bytes2);
	cell_config_free(again);

	ret = cell_check_config(cfg, &findings);
	FUZZ_ASSERT(ret == 0, "checker failed: %d", ret);
	for (i = 0; i < cell_findings_count(findings); i++) {
		struct cell_finding f;

		FUZZ_ASSERT(cell_findings_get(findings, i, &f) == 0, "finding %zu", i);
		FUZZ_ASSERT(memchr(f.message, '\0', sizeof(f.message)), "unterminated finding");
	}
	cell_findings_free(findings);

	ret = cell_config_to_json(cfg, &json);
	FUZZ_ASSERT(ret == 0, "to_json: %d %s", ret, cell_ctx_last_error(ctx));
	ret = cell_config_from_json(ctx, &from_json, json);
	FUZZ_ASSERT(ret == 0, "our own JSON does not parse: %d %s\n%s", ret,
		    cell_ctx_last_error(ctx), json);
	ret = cell_config_encode_alloc(from_json, &bytes2, &size2);
	FUZZ_ASSERT(ret == 0, "encode after JSON: %d %s", ret, cell_ctx_last_error(ctx));
	FUZZ_ASSERT(size2 == *size && !memcmp(bytes, bytes2, *size),
		    "binary -> JSON -> binary is not byte-exact");
	cell_free(bytes2);
	cell_config_free(from_json);
	cell_free(json);
	return bytes;
}

#endif /* CELL_FUZZ_UTIL_H */
