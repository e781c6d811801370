/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Builds a fuzz_dt_handoff input: FLAGS byte, inmate size (LE32), inmate
 * blob, host blob.
 * usage: pack_handoff FLAGS INMATE.dtb HOST.dtb OUT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libcell/common.h>

int main(int argc, char **argv)
{
	uint8_t *inmate = NULL, *host = NULL, *out = NULL;
	size_t ilen, hlen;
	cell_ctx *ctx;
	int ret = 1;

	if (argc != 5) {
		fprintf(stderr, "usage: pack_handoff FLAGS INMATE.dtb HOST.dtb OUT\n");
		return 2;
	}
	if (cell_ctx_new(&ctx))
		return 1;
	if (cell_file_read(ctx, argv[2], 16u << 20, &inmate, &ilen) ||
	    cell_file_read(ctx, argv[3], 16u << 20, &host, &hlen))
		goto out;
	out = malloc(5 + ilen + hlen);
	if (!out) {
		fprintf(stderr, "pack_handoff: out of memory\n");
		goto done;
	}
	out[0] = (uint8_t)strtoul(argv[1], NULL, 0);
	out[1] = (uint8_t)ilen;
	out[2] = (uint8_t)(ilen >> 8);
	out[3] = (uint8_t)(ilen >> 16);
	out[4] = (uint8_t)(ilen >> 24);
	memcpy(out + 5, inmate, ilen);
	memcpy(out + 5 + ilen, host, hlen);
	ret = cell_file_write(ctx, argv[4], out, 5 + ilen + hlen) ? 1 : 0;
out:
	if (ret)
		fprintf(stderr, "pack_handoff: %s\n", cell_ctx_last_error(ctx));
done:
	free(out);
	cell_free(inmate);
	cell_free(host);
	cell_ctx_free(ctx);
	return ret;
}
