/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Device-tree discovery fuzzer: arbitrary bytes given as a flattened device
 * tree to GIC and PCIe host discovery either fail with a message, or give
 * lists whose every entry can be read back with NUL-terminated strings.
 */
#include <stdint.h>

#include <libcell/gic.h>
#include <libcell/pci.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TERMINATED(s) FUZZ_ASSERT(memchr((s), '\0', sizeof(s)) != NULL, "unterminated " #s)

static void walk_gics(cell_ctx *ctx, const uint8_t *data, size_t size)
{
	cell_gic_list *list = NULL;
	size_t i, j;
	int ret;

	ret = cell_gic_discover(ctx, data, size, &list);
	if (ret) {
		fuzz_expect_message(ctx, ret);
		FUZZ_ASSERT(list == NULL, "out-param written on failure");
		return;
	}
	for (i = 0; i < cell_gic_count(list); i++) {
		struct cell_gic gic;
		struct cell_gic_its its;
		struct cell_dt_region r;

		FUZZ_ASSERT(cell_gic_get(list, i, &gic) == 0, "gic %zu", i);
		TERMINATED(gic.path);
		TERMINATED(gic.compatible);
		for (j = 0; j < gic.redist_count; j++)
			FUZZ_ASSERT(cell_gic_redist_get(list, i, j, &r) == 0, "redist %zu", j);
		FUZZ_ASSERT(cell_gic_redist_get(list, i, gic.redist_count, &r) < 0,
			    "redist index past the count accepted");
		for (j = 0; j < gic.its_count; j++) {
			FUZZ_ASSERT(cell_gic_its_get(list, i, j, &its) == 0, "its %zu", j);
			TERMINATED(its.path);
		}
		for (j = 0; j < cell_gic_cpu_count(list); j++) {
			struct cell_dt_cpu cpu;

			FUZZ_ASSERT(cell_gic_cpu_get(list, j, &cpu) == 0, "cpu %zu", j);
			TERMINATED(cpu.path);
			/* May legitimately fail (no frame for that CPU); must not crash. */
			(void)cell_gic_redist_frame(list, i, cpu.mpidr, CELL_GIC_FRAME_V3, &r);
		}
	}
	cell_gic_list_free(list);
}

static void walk_pci(cell_ctx *ctx, const uint8_t *data, size_t size)
{
	cell_pci_list *list = NULL;
	size_t i, j;
	int ret;

	ret = cell_pci_discover(ctx, data, size, &list);
	if (ret) {
		fuzz_expect_message(ctx, ret);
		FUZZ_ASSERT(list == NULL, "out-param written on failure");
		return;
	}
	for (i = 0; i < cell_pci_count(list); i++) {
		struct cell_pci_host host;
		struct cell_pci_reg reg;
		struct cell_pci_window win;
		struct cell_pci_msi_parent msi;
		struct cell_pci_msi_map map;
		struct cell_pci_intx intx;

		FUZZ_ASSERT(cell_pci_host_get(list, i, &host) == 0, "host %zu", i);
		TERMINATED(host.path);
		TERMINATED(host.compatible);
		for (j = 0; j < host.reg_count; j++) {
			FUZZ_ASSERT(cell_pci_reg_get(list, i, j, &reg) == 0, "reg %zu", j);
			TERMINATED(reg.name);
		}
		for (j = 0; j < host.window_count; j++)
			FUZZ_ASSERT(cell_pci_window_get(list, i, j, &win) == 0, "window %zu", j);
		for (j = 0; j < host.msi_parent_count; j++) {
			FUZZ_ASSERT(cell_pci_msi_parent_get(list, i, j, &msi) == 0, "msi %zu", j);
			TERMINATED(msi.path);
		}
		for (j = 0; j < host.msi_map_count; j++) {
			FUZZ_ASSERT(cell_pci_msi_map_get(list, i, j, &map) == 0, "msi-map %zu", j);
			TERMINATED(map.path);
		}
		for (j = 0; j < host.intx_count; j++) {
			FUZZ_ASSERT(cell_pci_intx_get(list, i, j, &intx) == 0, "intx %zu", j);
			TERMINATED(intx.parent);
		}
	}
	cell_pci_list_free(list);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cell_ctx *ctx;

	if (cell_ctx_new(&ctx))
		return 0;
	walk_gics(ctx, data, size);
	cell_ctx_clear_error(ctx);
	walk_pci(ctx, data, size);
	cell_ctx_free(ctx);
	return 0;
}
