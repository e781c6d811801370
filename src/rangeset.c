/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rangeset.h"

static uint64_t clip_end(uint64_t start, uint64_t size)
{
	return size > UINT64_MAX - start ? UINT64_MAX : start + size;
}

static int reserve(struct cell__rangeset *rs, size_t n)
{
	struct cell__range *r;
	size_t cap;

	if (n <= rs->cap)
		return 0;
	cap = rs->cap ? rs->cap * 2 : 16;
	while (cap < n)
		cap *= 2;
	r = realloc(rs->r, cap * sizeof(*r));
	if (!r)
		return -ENOMEM;
	rs->r = r;
	rs->cap = cap;
	return 0;
}

int cell__rs_add(struct cell__rangeset *rs, uint64_t start, uint64_t size)
{
	uint64_t end = clip_end(start, size);
	size_t i, j;

	if (end <= start)
		return 0;
	/* First range that ends at or after start (touching counts). */
	for (i = 0; i < rs->n && rs->r[i].end < start; i++)
		;
	/* Ranges i..j-1 overlap or touch the new one. */
	for (j = i; j < rs->n && rs->r[j].start <= end; j++) {
		if (rs->r[j].start < start)
			start = rs->r[j].start;
		if (rs->r[j].end > end)
			end = rs->r[j].end;
	}
	if (j == i) {
		if (reserve(rs, rs->n + 1))
			return -ENOMEM;
		memmove(&rs->r[i + 1], &rs->r[i], (rs->n - i) * sizeof(rs->r[0]));
		rs->n++;
	} else if (j > i + 1) {
		memmove(&rs->r[i + 1], &rs->r[j], (rs->n - j) * sizeof(rs->r[0]));
		rs->n -= j - i - 1;
	}
	rs->r[i].start = start;
	rs->r[i].end = end;
	return 0;
}

int cell__rs_sub(struct cell__rangeset *rs, uint64_t start, uint64_t size)
{
	uint64_t end = clip_end(start, size);
	size_t i = 0;

	if (end <= start)
		return 0;
	while (i < rs->n) {
		struct cell__range *r = &rs->r[i];

		if (r->end <= start || r->start >= end) {
			i++;
			continue;
		}
		if (r->start < start && r->end > end) {
			/* Split in two. */
			if (reserve(rs, rs->n + 1))
				return -ENOMEM;
			r = &rs->r[i];
			memmove(&rs->r[i + 1], r, (rs->n - i) * sizeof(*r));
			rs->n++;
			rs->r[i].end = start;
			rs->r[i + 1].start = end;
			return 0;
		}
		if (r->start < start) {
			r->end = start;
			i++;
		} else if (r->end > end) {
			r->start = end;
			i++;
		} else {
			memmove(r, r + 1, (rs->n - i - 1) * sizeof(*r));
			rs->n--;
		}
	}
	return 0;
}

int cell__rs_align(struct cell__rangeset *rs, uint64_t align)
{
	struct cell__rangeset out = { 0 };
	size_t i;

	for (i = 0; i < rs->n; i++) {
		uint64_t s = rs->r[i].start & ~(align - 1);
		uint64_t e = rs->r[i].end;

		e = e > UINT64_MAX - (align - 1) ? UINT64_MAX & ~(align - 1) :
						   (e + align - 1) & ~(align - 1);
		if (cell__rs_add(&out, s, e - s)) {
			cell__rs_free(&out);
			return -ENOMEM;
		}
	}
	cell__rs_free(rs);
	*rs = out;
	return 0;
}

int cell__rs_contains(const struct cell__rangeset *rs, uint64_t start,
		      uint64_t size)
{
	uint64_t end = clip_end(start, size);
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (rs->r[i].start <= start && rs->r[i].end >= end)
			return 1;
	return 0;
}

void cell__rs_free(struct cell__rangeset *rs)
{
	free(rs->r);
	rs->r = NULL;
	rs->n = rs->cap = 0;
}
