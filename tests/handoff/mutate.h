/* SPDX-License-Identifier: BSD-2-Clause */
/* Deterministic bit flips for the handoff mutation tests. */
#ifndef LIBCELL_TEST_MUTATE_H
#define LIBCELL_TEST_MUTATE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Flip one bit of @buf (@size bytes, more than 64) past the 64-byte header,
 * which only gates the parse; @x is the xorshift64 state the caller keeps
 * so that runs are reproducible.
 */
static inline void mutate_flip(uint64_t *x, uint8_t *buf, size_t size)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	buf[64 + *x % (size - 64)] ^= (uint8_t)(1u << (*x >> 32) % 8);
}

#endif /* LIBCELL_TEST_MUTATE_H */
