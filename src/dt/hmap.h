/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Open-addressing map from a 64-bit hash to a pointer, for the device-tree
 * indexes (phandle -> node, (parent, name) -> child, name -> string). Keys
 * are not stored: several values may share a hash, so a lookup walks the
 * probe sequence and the caller compares each candidate's real key.
 */
#ifndef LIBCELL_DT_HMAP_H
#define LIBCELL_DT_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cell__hmap {
	uint64_t *hash;		/* 0 marks an empty slot, CELL__HMAP_GONE a removed one */
	void **val;
	size_t cap;		/* power of two, 0 before the first insert */
	size_t used;		/* live + removed slots */
};

#define CELL__HMAP_GONE UINT64_MAX

/* Probe cursor: start with cell__hmap_first(), continue with _next(). */
struct cell__hmap_it {
	uint64_t hash;
	size_t slot, step;
};

/* FNV-1a of @len bytes, never 0 or CELL__HMAP_GONE (both are reserved). */
uint64_t cell__hmap_hash(const void *data, size_t len, uint64_t seed);

/* Room for @n more entries without growing. 0 or -ENOMEM. */
int cell__hmap_reserve(struct cell__hmap *m, size_t n);

/* Add @val under @hash (duplicates allowed). 0 or -ENOMEM. */
int cell__hmap_add(struct cell__hmap *m, uint64_t hash, void *val);

/* Values stored under @hash, one per call, NULL when exhausted. */
void *cell__hmap_first(const struct cell__hmap *m, uint64_t hash,
		       struct cell__hmap_it *it);
void *cell__hmap_next(const struct cell__hmap *m, struct cell__hmap_it *it);

/* Remove the entry of @hash holding @val; false when absent. */
bool cell__hmap_del(struct cell__hmap *m, uint64_t hash, const void *val);

void cell__hmap_free(struct cell__hmap *m);

#endif /* LIBCELL_DT_HMAP_H */
