// SPDX-License-Identifier: BSD-2-Clause
/*
 * Parameters: "key=value" words separated by blanks, NUL-terminated, in
 * the block at image offset INMATE_PARAMS_OFFSET (cellctl cell load
 * NAME image.bin@0 params.txt@0x1000).
 */
#include "inmate.h"

/* The value of 'key' (up to the next blank or NUL), or NULL. */
const char *inmate_param(const char *key)
{
	const char *p = inmate_params, *end = inmate_params + INMATE_PARAMS_SIZE;
	unsigned int n;

	inmate_params[INMATE_PARAMS_SIZE - 1] = 0;	/* whatever was loaded */
	while (p < end && *p) {
		while (p < end && (*p == ' ' || *p == '\n' || *p == '\t'))
			p++;
		for (n = 0; key[n] && p + n < end && p[n] == key[n]; n++)
			;
		if (!key[n] && p + n < end && p[n] == '=')
			return p + n + 1;
		while (p < end && *p && *p != ' ' && *p != '\n' && *p != '\t')
			p++;
	}
	return NULL;
}

bool inmate_param_is(const char *key, const char *value)
{
	const char *v = inmate_param(key);
	unsigned int n;

	if (!v)
		return false;
	for (n = 0; value[n] && v[n] == value[n]; n++)
		;
	return !value[n] && (!v[n] || v[n] == ' ' || v[n] == '\n' || v[n] == '\t');
}

/* A decimal or 0x-prefixed number, or def when absent or malformed. */
uint64_t inmate_param_u64(const char *key, uint64_t def)
{
	const char *v = inmate_param(key);
	unsigned int base = 10, d;
	uint64_t x = 0;

	if (!v)
		return def;
	if (v[0] == '0' && v[1] == 'x') {
		base = 16;
		v += 2;
	}
	if (!*v || *v == ' ')
		return def;
	for (; *v && *v != ' ' && *v != '\n' && *v != '\t'; v++) {
		if (*v >= '0' && *v <= '9')
			d = *v - '0';
		else if (base == 16 && (*v | 0x20) >= 'a' && (*v | 0x20) <= 'f')
			d = (*v | 0x20) - 'a' + 10;
		else
			return def;
		x = x * base + d;
	}
	return x;
}
