/* SPDX-License-Identifier: BSD-2-Clause */
/* Private helpers shared by the library's modules; never installed. */
#ifndef LIBCELL_INTERNAL_H
#define LIBCELL_INTERNAL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libcell/common.h>

#define CELL_ERRMSG_MAX 512

struct cell_ctx {
	int last_errno;
	char last_error[CELL_ERRMSG_MAX];
};

/*
 * Record a failure in @ctx and return @err (a negative errno) so call sites
 * read "return cell__err(ctx, -EINVAL, "...", ...);". A NULL ctx only
 * returns the code.
 */
int cell__err(cell_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int cell__verr(cell_ctx *ctx, int err, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* Checked arithmetic: true on overflow. */
static inline bool cell__mul_overflow(size_t a, size_t b, size_t *out)
{
	return __builtin_mul_overflow(a, b, out);
}

static inline bool cell__add_overflow(size_t a, size_t b, size_t *out)
{
	return __builtin_add_overflow(a, b, out);
}

/* Little-endian field access on unaligned bytes. */
static inline uint16_t cell__le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t cell__le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t cell__le64(const uint8_t *p)
{
	return (uint64_t)cell__le32(p) | (uint64_t)cell__le32(p + 4) << 32;
}

static inline void cell__put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void cell__put32(uint8_t *p, uint32_t v)
{
	cell__put16(p, (uint16_t)v);
	cell__put16(p + 2, (uint16_t)(v >> 16));
}

static inline void cell__put64(uint8_t *p, uint64_t v)
{
	cell__put32(p, (uint32_t)v);
	cell__put32(p + 4, (uint32_t)(v >> 32));
}

/*
 * Read a whole regular file of at most @max bytes into a malloc'ed buffer.
 * Errors name @path in @ctx.
 */
int cell__read_file(cell_ctx *ctx, const char *path, size_t max,
		    uint8_t **out, size_t *size);

/*
 * Write @size bytes to @path atomically: a temporary file next to it,
 * fsync, rename, fsync of the directory. On failure nothing is left behind.
 */
int cell__write_file_atomic(cell_ctx *ctx, const char *path,
			    const void *data, size_t size);

/* The context of a driver handle (src/hv.c), for modules built on it. */
struct cell_hv;
cell_ctx *cell__hv_ctx(struct cell_hv *hv);

#endif /* LIBCELL_INTERNAL_H */
