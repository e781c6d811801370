/* SPDX-License-Identifier: BSD-2-Clause */
/* Hash map of the device-tree indexes (see hmap.h). */
#include <errno.h>
#include <stdlib.h>

#include "hmap.h"

uint64_t cell__hmap_hash(const void *data, size_t len, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ull ^ seed;

	while (len--)
		h = (h ^ *p++) * 0x100000001b3ull;
	/* Finalise so that small integer keys spread over the table. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h == 0 || h == CELL__HMAP_GONE ? 1 : h;
}

/* Rehash into a table at most half full with the live entries and @more
 * others, dropping removed slots: the maps are sized to their trees, and
 * memory a call touches costs page faults. */
static int grow(struct cell__hmap *m, size_t more)
{
	size_t cap = 64, live = 0, i, j;
	uint64_t *hash;
	void **val;

	for (i = 0; i < m->cap; i++)
		live += m->hash[i] && m->hash[i] != CELL__HMAP_GONE;
	while (cap < (live + more + 1) * 2)
		cap *= 2;
	hash = calloc(cap, sizeof(*hash));
	val = calloc(cap, sizeof(*val));

	if (!hash || !val) {
		free(hash);
		free(val);
		return -ENOMEM;
	}
	m->used = 0;
	for (i = 0; i < m->cap; i++) {
		if (!m->hash[i] || m->hash[i] == CELL__HMAP_GONE)
			continue;
		for (j = m->hash[i] & (cap - 1); hash[j]; j = (j + 1) & (cap - 1))
			;
		hash[j] = m->hash[i];
		val[j] = m->val[i];
		m->used++;
	}
	free(m->hash);
	free(m->val);
	m->hash = hash;
	m->val = val;
	m->cap = cap;
	return 0;
}

int cell__hmap_reserve(struct cell__hmap *m, size_t n)
{
	return (m->used + n + 1) * 2 > m->cap ? grow(m, n) : 0;
}

int cell__hmap_add(struct cell__hmap *m, uint64_t hash, void *val)
{
	size_t i;

	/* At most half full, counting removed slots, keeps probes short. */
	if ((m->used + 1) * 2 > m->cap && grow(m, 0))
		return -ENOMEM;
	for (i = hash & (m->cap - 1); m->hash[i] && m->hash[i] != CELL__HMAP_GONE;
	     i = (i + 1) & (m->cap - 1))
		;
	if (!m->hash[i])
		m->used++;
	m->hash[i] = hash;
	m->val[i] = val;
	return 0;
}

void *cell__hmap_next(const struct cell__hmap *m, struct cell__hmap_it *it)
{
	while (m->cap && it->step < m->cap) {
		size_t i = it->slot;

		it->slot = (it->slot + 1) & (m->cap - 1);
		it->step++;
		if (!m->hash[i])
			break;
		if (m->hash[i] == it->hash)
			return m->val[i];
	}
	return NULL;
}

void *cell__hmap_first(const struct cell__hmap *m, uint64_t hash,
		       struct cell__hmap_it *it)
{
	it->hash = hash;
	it->slot = m->cap ? hash & (m->cap - 1) : 0;
	it->step = 0;
	return cell__hmap_next(m, it);
}

/* Slot of (@hash, @val), or m->cap when absent. */
static size_t find(const struct cell__hmap *m, uint64_t hash, const void *val)
{
	size_t i, step;

	if (!m->cap)
		return 0;
	for (i = hash & (m->cap - 1), step = 0; m->hash[i] && step < m->cap;
	     i = (i + 1) & (m->cap - 1), step++)
		if (m->hash[i] == hash && m->val[i] == val)
			return i;
	return m->cap;
}

bool cell__hmap_del(struct cell__hmap *m, uint64_t hash, const void *val)
{
	size_t i = find(m, hash, val);

	if (i == m->cap)
		return false;
	m->hash[i] = CELL__HMAP_GONE;
	m->val[i] = NULL;
	return true;
}

void cell__hmap_free(struct cell__hmap *m)
{
	free(m->hash);
	free(m->val);
	m->hash = NULL;
	m->val = NULL;
	m->cap = m->used = 0;
}
