/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Builds a fuzz_dt_handoff input: FLAGS byte, inmate size (LE32), inmate
 * blob, host blob.
 * usage: pack_handoff FLAGS INMATE.dtb HOST.dtb OUT
 */
#include <stdio.h>
#include <stdlib.h>

static unsigned char *slurp(const char *path, long *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;

	if (f && !fseek(f, 0, SEEK_END) && (*len = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET)) {
		buf = malloc((size_t)*len + 1);
		if (buf && fread(buf, 1, (size_t)*len, f) != (size_t)*len) {
			free(buf);
			buf = NULL;
		}
	}
	if (f)
		fclose(f);
	if (!buf)
		fprintf(stderr, "pack_handoff: cannot read %s\n", path);
	return buf;
}

int main(int argc, char **argv)
{
	unsigned char hdr[5], *inmate, *host;
	long ilen, hlen;
	FILE *out;
	int ok;

	if (argc != 5) {
		fprintf(stderr, "usage: pack_handoff FLAGS INMATE.dtb HOST.dtb OUT\n");
		return 2;
	}
	inmate = slurp(argv[2], &ilen);
	host = slurp(argv[3], &hlen);
	if (!inmate || !host)
		return 1;
	hdr[0] = (unsigned char)strtoul(argv[1], NULL, 0);
	hdr[1] = (unsigned char)ilen;
	hdr[2] = (unsigned char)(ilen >> 8);
	hdr[3] = (unsigned char)(ilen >> 16);
	hdr[4] = (unsigned char)(ilen >> 24);
	out = fopen(argv[4], "wb");
	ok = out && fwrite(hdr, 1, 5, out) == 5 &&
	     fwrite(inmate, 1, (size_t)ilen, out) == (size_t)ilen &&
	     fwrite(host, 1, (size_t)hlen, out) == (size_t)hlen;
	if (out && fclose(out))
		ok = 0;
	if (!ok)
		fprintf(stderr, "pack_handoff: cannot write %s\n", argv[4]);
	free(inmate);
	free(host);
	return ok ? 0 : 1;
}
