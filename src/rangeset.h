/* SPDX-License-Identifier: BSD-2-Clause */
/* Sorted sets of half-open physical address ranges. Private. */
#ifndef LIBCELL_RANGESET_H
#define LIBCELL_RANGESET_H

#include <stddef.h>
#include <stdint.h>

struct cell__range {
	uint64_t start;
	uint64_t end;	/* exclusive; end > start */
};

struct cell__rangeset {
	struct cell__range *r;
	size_t n;
	size_t cap;
};

/* Add [start, start + size), merging with overlapping or adjacent ranges.
 * A range reaching past 2^64 is clipped. -ENOMEM on allocation failure. */
int cell__rs_add(struct cell__rangeset *rs, uint64_t start, uint64_t size);
/* Remove [start, start + size), splitting ranges as needed. */
int cell__rs_sub(struct cell__rangeset *rs, uint64_t start, uint64_t size);
/* Round every range out to @align (a power of two) and re-merge. */
int cell__rs_align(struct cell__rangeset *rs, uint64_t align);
/* True when [start, start + size) lies entirely inside one range. */
int cell__rs_contains(const struct cell__rangeset *rs, uint64_t start,
		      uint64_t size);
void cell__rs_free(struct cell__rangeset *rs);

#endif /* LIBCELL_RANGESET_H */
