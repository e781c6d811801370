/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Device-tree discovery fuzzer: arbitrary bytes given as a flattened device
 * tree to GIC and PCIe host discovery either fail with a message, or give
 * lists whose every entry can be read back with NUL-terminated strings;
 * and through a cell_dt handle they give exactly the same (the handle is
 * refused with the same message when the blob is).
 */
#include <stdint.h>

#include <libcell/dt.h>
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

/* Return code and message of the last call, to compare two calls. */
struct outcome {
	int ret;
	char msg[256];
};

static void outcome(cell_ctx *ctx, int ret, struct outcome *o)
{
	o->ret = ret;
	snprintf(o->msg, sizeof(o->msg), "%s", ret ? cell_ctx_last_error(ctx) : "");
}

static void same_outcome(const struct outcome *a, const struct outcome *b, const char *what)
{
	FUZZ_ASSERT(a->ret == b->ret && !strcmp(a->msg, b->msg),
		    "%s: blob %d \"%s\", handle %d \"%s\"", what, a->ret, a->msg, b->ret, b->msg);
}

static void same_on_handle(cell_ctx *ctx, const uint8_t *data, size_t size)
{
	cell_gic_list *gb = NULL, *gh = NULL;
	cell_pci_list *pb = NULL, *ph = NULL;
	struct outcome a, b;
	cell_dt *dt = NULL;
	size_t i;

	outcome(ctx, cell_dt_new(ctx, data, size, &dt), &b);
	outcome(ctx, cell_gic_discover(ctx, data, size, &gb), &a);
	if (b.ret) {
		FUZZ_ASSERT(dt == NULL, "out-param written on failure");
		same_outcome(&a, &b, "refused blob");
		cell_gic_list_free(gb);
		return;
	}
	outcome(ctx, cell_dt_gic_discover(ctx, dt, &gh), &b);
	same_outcome(&a, &b, "GIC discovery");
	FUZZ_ASSERT(cell_gic_count(gb) == cell_gic_count(gh), "GIC count");
	for (i = 0; i < cell_gic_count(gb); i++) {
		struct cell_gic x, y;

		memset(&x, 0, sizeof(x));
		memset(&y, 0, sizeof(y));
		cell_gic_get(gb, i, &x);
		cell_gic_get(gh, i, &y);
		FUZZ_ASSERT(!memcmp(&x, &y, sizeof(x)), "GIC %zu differs", i);
	}
	outcome(ctx, cell_pci_discover(ctx, data, size, &pb), &a);
	outcome(ctx, cell_dt_pci_discover(ctx, dt, &ph), &b);
	same_outcome(&a, &b, "PCI discovery");
	FUZZ_ASSERT(cell_pci_count(pb) == cell_pci_count(ph), "PCI host count");
	for (i = 0; i < cell_pci_count(pb); i++) {
		struct cell_pci_host x, y;

		memset(&x, 0, sizeof(x));
		memset(&y, 0, sizeof(y));
		cell_pci_host_get(pb, i, &x);
		cell_pci_host_get(ph, i, &y);
		FUZZ_ASSERT(!memcmp(&x, &y, sizeof(x)), "PCI host %zu differs", i);
	}
	cell_gic_list_free(gb);
	cell_gic_list_free(gh);
	cell_pci_list_free(pb);
	cell_pci_list_free(ph);
	cell_dt_free(dt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cell_ctx *ctx;

	if (cell_ctx_new(&ctx))
		return 0;
	walk_gics(ctx, data, size);
	cell_ctx_clear_error(ctx);
	walk_pci(ctx, data, size);
	cell_ctx_clear_error(ctx);
	same_on_handle(ctx, data, size);
	cell_ctx_free(ctx);
	return 0;
}
