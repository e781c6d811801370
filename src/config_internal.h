/* SPDX-License-Identifier: BSD-2-Clause */
/* Representation of struct cell_config, shared by the codec, JSON and checker. */
#ifndef LIBCELL_CONFIG_INTERNAL_H
#define LIBCELL_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <libcell/config.h>

/* The arrays, in on-disk order. */
enum cfg_array {
	CFG_MEM,
	CFG_CACHE,
	CFG_IRQCHIP,
	CFG_PIO,
	CFG_PCIDEV,
	CFG_PCICAP,
	CFG_STREAMID,
	CFG_NARRAYS
};

struct cfg_arr {
	void *items;		/* count elements of elsize bytes (public structs) */
	size_t count;
	size_t cap;
	size_t elsize;
};

struct cell_config {
	cell_ctx *ctx;
	uint32_t kind;
	uint32_t arch;
	uint32_t revision;
	bool root_stamped;
	struct cell_system sys;
	struct cell_iommu iommu[CELL_IOMMU_MAX];
	struct cell_desc desc;
	uint8_t *cpu_set;
	uint32_t cpu_set_size;
	struct cfg_arr arr[CFG_NARRAYS];
};

const char *cell__config_array_name(enum cfg_array a);
int cell__config_array_count(const cell_config *cfg, enum cfg_array a);
/* Direct read-only view of an array, for bulk users such as the checker. */
const void *cell__config_array_items(const cell_config *cfg, enum cfg_array a);
int cell__config_array_get(const cell_config *cfg, enum cfg_array a,
			   uint32_t index, void *out);
int cell__config_array_set(cell_config *cfg, enum cfg_array a, uint32_t index,
			   const void *in);
int cell__config_array_insert(cell_config *cfg, enum cfg_array a,
			      uint32_t index, const void *in);
int cell__config_array_remove(cell_config *cfg, enum cfg_array a,
			      uint32_t index);
/* -EINVAL when a revision 13 system configuration would read back as another architecture. */
int cell__config_check_rev13(const cell_config *cfg);

#endif /* LIBCELL_CONFIG_INTERNAL_H */
