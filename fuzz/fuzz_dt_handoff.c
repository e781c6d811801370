/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Device-tree handoff fuzzer. Input layout (see pack_handoff.c, which builds
 * the seeds): one byte of CELL_HANDOFF_* flags, the inmate blob's size as
 * 4 bytes little-endian, the inmate blob, then the host blob. Every enabled
 * host bridge is handed off (no explicit paths).
 *
 * Invariants: a failure comes with a message and leaves the out-param
 * alone; a success gives two blobs that pass fdt_check_full(), strings in
 * the report are terminated, the JSON report builds, no problem is left
 * unresolved unless it was a dry run, and the same input gives the same
 * bytes again. Through cell_dt handles of both blobs the handoff gives the
 * same outcome, message and bytes; a blob a handle refuses is refused.
 */
#include <stdint.h>

#include <libfdt.h>
#include <libcell/dt.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_blob(const void *blob, size_t size, const char *which)
{
	int err;

	FUZZ_ASSERT(blob != NULL && size > 0, "no %s blob", which);
	FUZZ_ASSERT(fdt_totalsize(blob) <= size, "%s blob larger than its size", which);
	err = fdt_check_full(blob, size);
	FUZZ_ASSERT(err == 0, "%s blob fails fdt_check_full: %s", which, fdt_strerror(err));
}

/* cell_dt_handoff_trees() against the blob call's outcome @ret / @h. */
static void same_on_handles(cell_ctx *ctx, const void *host, size_t host_size,
			    const void *inmate, size_t inmate_size,
			    const struct cell_handoff_opts *opts, int ret, const cell_handoff *h)
{
	cell_dt *hd = NULL, *id = NULL;
	cell_handoff *t = NULL;
	char msg[256], msg2[256];	/* compared as far as both hold */
	size_t n1, n2;
	int r2;

	snprintf(msg, sizeof(msg), "%s", ret ? cell_ctx_last_error(ctx) : "");
	if (cell_dt_new(ctx, host, host_size, &hd) || cell_dt_new(ctx, inmate, inmate_size, &id)) {
		FUZZ_ASSERT(ret != 0, "a blob cell_dt_new refuses was handed off");
		goto out;
	}
	r2 = cell_dt_handoff_trees(ctx, hd, id, NULL, 0, opts, &t);
	snprintf(msg2, sizeof(msg2), "%s", r2 ? cell_ctx_last_error(ctx) : "");
	FUZZ_ASSERT(r2 == ret && !strcmp(msg, msg2), "blobs %d \"%s\", handles %d \"%s\"",
		    ret, msg, r2, msg2);
	if (!ret && !(opts->flags & CELL_HANDOFF_DRY_RUN)) {
		const void *a = cell_handoff_host_blob(h, &n1), *b = cell_handoff_host_blob(t, &n2);

		FUZZ_ASSERT(n1 == n2 && !memcmp(a, b, n1), "host output differs on handles");
		a = cell_handoff_inmate_blob(h, &n1);
		b = cell_handoff_inmate_blob(t, &n2);
		FUZZ_ASSERT(n1 == n2 && !memcmp(a, b, n1), "inmate output differs on handles");
	}
	cell_handoff_free(t);
out:
	cell_dt_free(hd);
	cell_dt_free(id);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cell_handoff_opts opts = CELL_HANDOFF_OPTS_INIT;
	cell_handoff *h = NULL, *again = NULL;
	uint8_t *inmate, *host;
	size_t inmate_size, host_size, i, n1, n2;
	const void *b1, *b2;
	cell_ctx *ctx;
	char *json;
	int ret;

	if (size < 5)
		return 0;
	opts.flags = data[0] & (CELL_HANDOFF_DISABLE_HOST | CELL_HANDOFF_DROP_UNRESOLVED |
				CELL_HANDOFF_KEEP_SHARED_ITS | CELL_HANDOFF_DRY_RUN);
	inmate_size = (size_t)data[1] | (size_t)data[2] << 8 | (size_t)data[3] << 16 |
		      (size_t)data[4] << 24;
	if (inmate_size > size - 5)
		return 0;
	host_size = size - 5 - inmate_size;
	/* Separate, aligned buffers, as callers have them: libfdt expects
	 * blobs 8-byte aligned, and ASan then bounds each one exactly. */
	inmate = malloc(inmate_size ? inmate_size : 1);
	host = malloc(host_size ? host_size : 1);
	if (!inmate || !host || cell_ctx_new(&ctx)) {
		free(inmate);
		free(host);
		return 0;
	}
	memcpy(inmate, data + 5, inmate_size);
	memcpy(host, data + 5 + inmate_size, host_size);

	ret = cell_dt_handoff(ctx, host, host_size, inmate, inmate_size, NULL, 0, &opts, &h);
	if (ret) {
		fuzz_expect_message(ctx, ret);
		FUZZ_ASSERT(h == NULL, "out-param written on failure");
		same_on_handles(ctx, host, host_size, inmate, inmate_size, &opts, ret, NULL);
		goto out;
	}
	same_on_handles(ctx, host, host_size, inmate, inmate_size, &opts, ret, h);
	for (i = 0; i < cell_handoff_count(h); i++) {
		struct cell_handoff_item item;

		FUZZ_ASSERT(cell_handoff_get(h, i, &item) == 0, "item %zu", i);
		FUZZ_ASSERT(memchr(item.path, '\0', sizeof(item.path)), "unterminated path");
		FUZZ_ASSERT(memchr(item.prop, '\0', sizeof(item.prop)), "unterminated prop");
		FUZZ_ASSERT(memchr(item.target, '\0', sizeof(item.target)), "unterminated target");
	}
	FUZZ_ASSERT(cell_handoff_report_json(ctx, h, &json) == 0, "report JSON: %s",
		    cell_ctx_last_error(ctx));
	cell_free(json);

	if (opts.flags & CELL_HANDOFF_DRY_RUN) {
		FUZZ_ASSERT(cell_handoff_host_blob(h, NULL) == NULL, "dry run produced a blob");
	} else {
		FUZZ_ASSERT(cell_handoff_unresolved(h) == 0, "success with unresolved problems");
		b1 = cell_handoff_host_blob(h, &n1);
		check_blob(b1, n1, "host");
		b2 = cell_handoff_inmate_blob(h, &n2);
		check_blob(b2, n2, "inmate");

		ret = cell_dt_handoff(ctx, host, host_size, inmate, inmate_size, NULL, 0, &opts,
				      &again);
		FUZZ_ASSERT(ret == 0, "second identical run failed: %s", cell_ctx_last_error(ctx));
		b1 = cell_handoff_host_blob(again, &n2);
		FUZZ_ASSERT(n1 == n2 && !memcmp(b1, cell_handoff_host_blob(h, NULL), n1),
			    "host output differs between identical runs");
		b2 = cell_handoff_inmate_blob(again, &n2);
		cell_handoff_inmate_blob(h, &n1);
		FUZZ_ASSERT(n1 == n2 && !memcmp(b2, cell_handoff_inmate_blob(h, NULL), n1),
			    "inmate output differs between identical runs");
		cell_handoff_free(again);
	}
	cell_handoff_free(h);
out:
	cell_ctx_free(ctx);
	free(inmate);
	free(host);
	return 0;
}
