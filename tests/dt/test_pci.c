/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PCI host discovery over every fixture tree (plain and -@ builds).
 * Expected values were read independently with fdtget / dtc -O dts from the
 * fixture blobs (raw reg, ranges, interrupt-map and msi-map cells) and
 * decoded by hand with each parent's cells.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <libcell/pci.h>

#include "dt_test.h"
#include "dt/fdt_util.h"

static cell_ctx *ctx;

static int setup(void **state)
{
	(void)state;
	return cell_ctx_new(&ctx);
}

static int teardown(void **state)
{
	(void)state;
	cell_ctx_free(ctx);
	return 0;
}

struct exp_win {
	uint32_t space, pref;
	uint64_t pci, cpu, size;
};

struct exp_reg {
	const char *name;
	uint64_t base, size;
};

struct exp_intx {
	const char *parent;
	uint32_t is_gic, addr_cells, ncells;
	int intid;		/* -1: none */
	uint32_t upstream_kind;
	const char *upstream;	/* NULL: "" */
};

struct exp_host {
	const char *board, *path;
	uint32_t enabled;
	int bus_start, bus_end;	/* -1: no bus-range */
	int domain;		/* -1: none */
	unsigned int nreg;
	struct exp_reg reg[4];
	unsigned int nwin;
	struct exp_win win[4];
	const char *msi_parent;	/* NULL: none */
	int msi_parent_cell;	/* -1: no specifier cell */
	unsigned int nmap;
	uint32_t map_rid, map_out, map_len;
	const char *map_target;
	int map_mask;		/* -1: none */
	unsigned int nintx;
	struct exp_intx intx;	/* entry 0 */
	int last_intid;		/* entry nintx - 1, -1: none */
};

#define FT_ITS "/interrupt-controller@29900000/gic-its@29920000"
#define PHYTIUM_WIN							\
	{ { 1, 0, 0, 0x50000000, 0xf00000 },				\
	  { 2, 0, 0x58000000, 0x58000000, 0x28000000 },			\
	  { 3, 0, 0x1000000000, 0x1000000000, 0x1000000000 } }

static const struct exp_host hosts[] = {
	{ "phytium-ft2004-devboard", "/soc/pcie", 1, 0, 0xff, -1,
	  1, { { "", 0x40000000, 0x10000000 } }, 3, PHYTIUM_WIN,
	  FT_ITS, -1, 0, 0, 0, 0, NULL, -1,
	  4, { "/interrupt-controller@29900000", 1, 2, 3, 60, 0, NULL }, 63 },
	/* INTx through the ixic: no `interrupts` of its own, not followed. */
	{ "phytium-d2000-devboard", "/soc/pcie", 1, 0, 0xff, -1,
	  1, { { "", 0x40000000, 0x10000000 } }, 3, PHYTIUM_WIN,
	  FT_ITS, -1, 0, 0, 0, 0, NULL, -1,
	  4, { "/soc/interrupt-controller@29000000", 0, 0, 3, -1, 0, NULL }, -1 },
	/* INTx through an mbigen that signals by MSI to an ITS. */
	{ "hisilicon-hip07-d05", "/soc/pcie@af800000", 1, 0xf8, 0xff, -1,
	  2, { { "", 0xaf800000, 0x800000 }, { "", 0xa00a0000, 0x10000 } },
	  2, { { 2, 0, 0xa8000000, 0xa8000000, 0x77f0000 },
	       { 1, 0, 0, 0xaf7f0000, 0x10000 } },
	  NULL, -1, 1, 0xf800, 0xf800, 0x800,
	  "/interrupt-controller@4d000000/msi-controller@c6000000", 0xffff,
	  4, { "/interrupt-controller@a0080000/intc_pcie2_a", 0, 0, 2, -1,
	       CELL_PCI_UPSTREAM_MSI,
	       "/interrupt-controller@4d000000/msi-controller@c6000000" }, -1 },
	/* GIC #interrupt-cells = 4; legacy controller with one SPI 0x104. */
	{ "rockchip-rk3588-evb1", "/pcie@fe150000", 1, 0, 0xf, 0,
	  3, { { "dbi", 0xa40000000, 0x400000 }, { "apb", 0xfe150000, 0x10000 },
	       { "config", 0xf0000000, 0x100000 } },
	  3, { { 1, 0, 0xf0100000, 0xf0100000, 0x100000 },
	       { 2, 0, 0xf0200000, 0xf0200000, 0xe00000 },
	       { 3, 0, 0x900000000, 0x900000000, 0x40000000 } },
	  NULL, -1, 1, 0, 0, 0x1000,
	  "/interrupt-controller@fe600000/msi-controller@fe660000", -1,
	  4, { "/pcie@fe150000/legacy-interrupt-controller", 0, 0, 1, 292,
	       CELL_PCI_UPSTREAM_SPI, "/interrupt-controller@fe600000" }, 292 },
	{ "rockchip-rk3588-evb1", "/pcie@fe170000", 1, 0x20, 0x2f, 2,
	  3, { { "dbi", 0xa40800000, 0x400000 }, { "apb", 0xfe170000, 0x10000 },
	       { "config", 0xf2000000, 0x100000 } },
	  3, { { 1, 0, 0xf2100000, 0xf2100000, 0x100000 },
	       { 2, 0, 0xf2200000, 0xf2200000, 0xe00000 },
	       { 3, 0, 0x980000000, 0x980000000, 0x40000000 } },
	  NULL, -1, 1, 0x2000, 0x2000, 0x1000,
	  "/interrupt-controller@fe600000/msi-controller@fe640000", -1,
	  4, { "/pcie@fe170000/legacy-interrupt-controller", 0, 0, 1, 272,
	       CELL_PCI_UPSTREAM_SPI, "/interrupt-controller@fe600000" }, 272 },
	/* Registers above 4 GiB. */
	{ "rockchip-rk3568-rock-3a", "/pcie@fe260000", 1, 0, 0xf, 0,
	  3, { { "dbi", 0x3c0000000, 0x400000 }, { "apb", 0xfe260000, 0x10000 },
	       { "config", 0xf4000000, 0x100000 } },
	  3, { { 1, 0, 0xf4100000, 0xf4100000, 0x100000 },
	       { 2, 0, 0xf4200000, 0xf4200000, 0x1e00000 },
	       { 3, 0, 0x300000000, 0x300000000, 0x40000000 } },
	  NULL, -1, 1, 0, 0, 0x1000,
	  "/interrupt-controller@fd400000/msi-controller@fd440000", -1,
	  4, { "/pcie@fe260000/legacy-interrupt-controller", 0, 0, 1, 32 + 0x48,
	       CELL_PCI_UPSTREAM_SPI, "/interrupt-controller@fd400000" },
	  32 + 0x48 },
	/* Under /bus@100000 (ranges), no interrupt-map. */
	{ "ti-j721e-common-proc-board", "/bus@100000/pcie@2900000", 1, 0, 0xff,
	  -1, 4, { { "intd_cfg", 0x2900000, 0x1000 },
		   { "user_cfg", 0x2907000, 0x400 },
		   { "reg", 0xd000000, 0x800000 },
		   { "cfg", 0x4000000000, 0x1000 } },
	  2, { { 1, 0, 0x1000, 0x4000001000, 0x100000 },
	       { 2, 0, 0x101000, 0x4000101000, 0xffeff000 } },
	  NULL, -1, 1, 0, 0, 0x10000,
	  "/bus@100000/interrupt-controller@1800000/msi-controller@1820000", -1,
	  0, { NULL, 0, 0, 0, -1, 0, NULL }, -1 },
	/* The inmate's GIC has no #address-cells: 0 parent address cells. */
	{ "jailhouse-inmate-qemu-arm64", "/pci@7000000", 1, 0, 0, -1,
	  1, { { "", 0x8e00000, 0x100000 } },
	  1, { { 2, 0, 0x10000000, 0x10000000, 0x10000 } },
	  NULL, -1, 0, 0, 0, 0, NULL, -1,
	  4, { "/interrupt-controller@d1d00000", 1, 0, 3, 32 + 108, 0, NULL },
	  32 + 111 },
	{ "arm-fvp-base-revc", "/pci@40000000", 1, 0, 0xff, -1,
	  1, { { "", 0x40000000, 0x10000000 } },
	  1, { { 2, 0, 0x50000000, 0x50000000, 0x10000000 } },
	  NULL, -1, 1, 0, 0, 0x10000,
	  "/interrupt-controller@2f000000/msi-controller@2f020000", -1,
	  4, { "/interrupt-controller@2f000000", 1, 2, 3, 32 + 0xa8, 0, NULL },
	  32 + 0xab },
	/* 40-bit windows through /soc; msi-parent = <&its 0>. */
	{ "nxp-lx2160a-clearfog-cx", "/soc/pcie@3600000", 1, 0, 0xff, -1,
	  2, { { "csr_axi_slave", 0x3600000, 0x100000 },
	       { "config_axi_slave", 0x9000000000, 0x2000 } },
	  1, { { 2, 0, 0x40000000, 0x9040000000, 0x40000000 } },
	  "/interrupt-controller@6000000/msi-controller@6020000", 0,
	  0, 0, 0, 0, NULL, -1,
	  4, { "/interrupt-controller@6000000", 1, 2, 3, 32 + 0x77, 0, NULL },
	  32 + 0x7a },
	{ "nxp-lx2160a-clearfog-cx", "/soc/pcie@3400000", 0, 0, 0xff, -1,
	  2, { { "csr_axi_slave", 0x3400000, 0x100000 },
	       { "config_axi_slave", 0x8000000000, 0x2000 } },
	  1, { { 2, 0, 0x40000000, 0x8040000000, 0x40000000 } },
	  "/interrupt-controller@6000000/msi-controller@6020000", 0,
	  0, 0, 0, 0, NULL, -1,
	  4, { "/interrupt-controller@6000000", 1, 2, 3, 32 + 0x6d, 0, NULL },
	  32 + 0x70 },
	/* Both msi-parent and msi-map. */
	{ "nxp-ls1028a-rdb", "/soc/pcie@1f0000000", 1, 0, 0, -1,
	  1, { { "", 0x1f0000000, 0x100000 } },
	  7, { { 2, 0, 0x1f8000000, 0x1f8000000, 0x160000 },
	       { 2, 1, 0x1f8160000, 0x1f8160000, 0x70000 },
	       { 2, 0, 0x1f81d0000, 0x1f81d0000, 0x20000 },
	       { 2, 1, 0x1f81f0000, 0x1f81f0000, 0x20000 } },
	  "/interrupt-controller@6000000/msi-controller@6020000", 0,
	  1, 0x0, 0x17, 0xe,
	  "/interrupt-controller@6000000/msi-controller@6020000", -1,
	  2, { "/interrupt-controller@6000000", 1, 2, 3, 32 + 0x5e, 0, NULL },
	  32 + 0x5f },
};

static const struct {
	const char *board;
	size_t hosts, enabled;
} counts[] = {
	{ "phytium-ft2004-devboard", 1, 1 },
	{ "phytium-d2000-devboard", 1, 1 },
	{ "arm-fvp-base-revc", 1, 1 },
	{ "nxp-lx2160a-clearfog-cx", 6, 2 },
	{ "nxp-ls1028a-rdb", 3, 1 },
	{ "rockchip-rk3588-evb1", 5, 3 },
	{ "rockchip-rk3568-rock-3a", 3, 2 },
	{ "ti-j721e-common-proc-board", 4, 3 },
	{ "hisilicon-hip07-d05", 1, 1 },
	{ "cavium-thunder-88xx", 0, 0 },
	{ "jailhouse-inmate-qemu-arm64", 1, 1 },
};

static cell_pci_list *discover(const char *board, const char *suffix)
{
	cell_pci_list *l = NULL;
	char name[128];
	size_t size;
	void *fdt;

	snprintf(name, sizeof(name), "%s%s.dtb", board, suffix);
	fdt = dt_fixture(ctx, name, &size);
	if (cell_pci_discover(ctx, fdt, size, &l))
		print_message("%s: %s\n", name, cell_ctx_last_error(ctx));
	free(fdt);
	assert_non_null(l);
	return l;
}

static int find_host(const cell_pci_list *l, const char *path,
		     struct cell_pci_host *h)
{
	size_t i;

	for (i = 0; i < cell_pci_count(l); i++) {
		assert_int_equal(cell_pci_host_get(l, i, h), 0);
		if (!strcmp(h->path, path))
			return (int)i;
	}
	fail_msg("host %s not found", path);
	return -1;
}

static void check_host(const struct exp_host *e, const char *suffix)
{
	struct cell_pci_msi_parent mp;
	struct cell_pci_msi_map mm;
	struct cell_pci_window w;
	struct cell_pci_intx x;
	struct cell_pci_host h;
	struct cell_pci_reg r;
	cell_pci_list *l = discover(e->board, suffix);
	unsigned int i;
	int idx;

	print_message("%s%s %s\n", e->board, suffix, e->path);
	idx = find_host(l, e->path, &h);
	assert_int_equal(h.enabled, e->enabled);
	assert_int_equal(h.has_bus_range, e->bus_start >= 0);
	if (e->bus_start >= 0) {
		assert_int_equal(h.bus_start, e->bus_start);
		assert_int_equal(h.bus_end, e->bus_end);
	}
	assert_int_equal(h.has_domain, e->domain >= 0);
	if (e->domain >= 0)
		assert_int_equal(h.domain, e->domain);
	assert_int_equal(h.reg_count, e->nreg);
	for (i = 0; i < e->nreg; i++) {
		assert_int_equal(cell_pci_reg_get(l, (size_t)idx, i, &r), 0);
		assert_string_equal(r.name, e->reg[i].name);
		assert_int_equal(r.region.base, e->reg[i].base);
		assert_int_equal(r.region.size, e->reg[i].size);
	}
	assert_int_equal(h.window_count, e->nwin);
	for (i = 0; i < e->nwin && i < 4; i++) {
		assert_int_equal(cell_pci_window_get(l, (size_t)idx, i, &w), 0);
		assert_int_equal(w.space, e->win[i].space);
		assert_int_equal(w.prefetchable, e->win[i].pref);
		assert_int_equal(w.pci_address, e->win[i].pci);
		assert_int_equal(w.cpu_address, e->win[i].cpu);
		assert_int_equal(w.size, e->win[i].size);
	}
	assert_int_equal(h.msi_parent_count, e->msi_parent ? 1 : 0);
	if (e->msi_parent) {
		assert_int_equal(cell_pci_msi_parent_get(l, (size_t)idx, 0, &mp), 0);
		assert_string_equal(mp.path, e->msi_parent);
		assert_int_equal(mp.cell_count, e->msi_parent_cell >= 0);
		if (e->msi_parent_cell >= 0)
			assert_int_equal(mp.cells[0], e->msi_parent_cell);
	}
	assert_int_equal(h.msi_map_count, e->nmap);
	if (e->nmap) {
		assert_int_equal(cell_pci_msi_map_get(l, (size_t)idx, 0, &mm), 0);
		assert_int_equal(mm.rid_base, e->map_rid);
		assert_int_equal(mm.out_base, e->map_out);
		assert_int_equal(mm.length, e->map_len);
		assert_string_equal(mm.path, e->map_target);
	}
	assert_int_equal(h.has_msi_map_mask, e->map_mask >= 0);
	if (e->map_mask >= 0)
		assert_int_equal(h.msi_map_mask, e->map_mask);
	assert_int_equal(h.intx_count, e->nintx);
	if (e->nintx) {
		assert_int_equal(cell_pci_intx_get(l, (size_t)idx, 0, &x), 0);
		assert_int_equal(x.pin, 1);
		assert_string_equal(x.parent, e->intx.parent);
		assert_int_equal(x.parent_is_gic, e->intx.is_gic);
		assert_int_equal(x.parent_address_cells, e->intx.addr_cells);
		assert_int_equal(x.parent_cell_count, e->intx.ncells);
		assert_int_equal(x.has_gic_intid, e->intx.intid >= 0);
		if (e->intx.intid >= 0)
			assert_int_equal(x.gic_intid, e->intx.intid);
		assert_int_equal(x.upstream_kind, e->intx.upstream_kind);
		assert_string_equal(x.upstream,
				    e->intx.upstream ? e->intx.upstream : "");
		assert_int_equal(cell_pci_intx_get(l, (size_t)idx, e->nintx - 1,
						   &x), 0);
		assert_int_equal(x.pin, e->nintx);
		assert_int_equal(x.has_gic_intid, e->last_intid >= 0);
		if (e->last_intid >= 0)
			assert_int_equal(x.gic_intid, e->last_intid);
	}
	assert_int_equal(cell_pci_intx_get(l, (size_t)idx, e->nintx, &x), -ENOENT);
	cell_pci_list_free(l);
}

static void test_hosts(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		check_host(&hosts[i], "");
		check_host(&hosts[i], ".symbols");
	}
}

static void test_counts(void **state)
{
	struct cell_pci_host h;
	size_t i, k, enabled;

	(void)state;
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		cell_pci_list *l = discover(counts[i].board, "");

		assert_int_equal(cell_pci_count(l), counts[i].hosts);
		for (k = enabled = 0; k < cell_pci_count(l); k++) {
			assert_int_equal(cell_pci_host_get(l, k, &h), 0);
			enabled += h.enabled;
			/* Every host found really is a bridge at the top. */
			assert_true(h.reg_count > 0);
		}
		assert_int_equal(enabled, counts[i].enabled);
		assert_int_equal(cell_pci_host_get(l, k, &h), -ENOENT);
		cell_pci_list_free(l);
	}
}

/* Copy a fixture into a buffer with room to edit. */
static void *editable(const char *name, size_t *size)
{
	size_t len;
	void *fdt = dt_fixture(ctx, name, &len);
	void *big = malloc(len + 4096);

	assert_non_null(big);
	assert_int_equal(fdt_open_into(fdt, big, (int)len + 4096), 0);
	free(fdt);
	*size = len + 4096;
	return big;
}

static void expect_fail(void *fdt, size_t size, int err, const char *msg)
{
	cell_pci_list *l = NULL;

	if (cell_pci_discover(ctx, fdt, size, &l) != err)
		fail_msg("expected %d (%s), got: %s", err, msg,
			 cell_ctx_last_error(ctx));
	assert_null(l);
	if (!strstr(cell_ctx_last_error(ctx), msg))
		fail_msg("error '%s' lacks '%s'", cell_ctx_last_error(ctx), msg);
}

static void test_hostile(void **state)
{
	const fdt32_t *p;
	fdt32_t tmp[64];
	size_t size;
	void *fdt = editable("jailhouse-inmate-qemu-arm64.dtb", &size);
	int host, len, node, gic;

	(void)state;
	host = fdt_path_offset(fdt, "/pci@7000000");
	p = fdt_getprop(fdt, host, "interrupt-map", &len);
	assert_non_null(p);
	assert_true(len <= (int)sizeof(tmp));
	memcpy(tmp, p, (size_t)len);

	/* interrupt-map cut in the middle of an entry. */
	assert_int_equal(fdt_setprop(fdt, host, "interrupt-map", tmp, len - 4), 0);
	expect_fail(fdt, size, -EINVAL, "/pci@7000000: interrupt-map entry 3");
	/* A GIC that gains #address-cells widens every entry by 2 cells. */
	assert_int_equal(fdt_setprop(fdt, host, "interrupt-map", tmp, len), 0);
	gic = fdt_path_offset(fdt, "/interrupt-controller@d1d00000");
	assert_int_equal(fdt_setprop_u32(fdt, gic, "#address-cells", 2), 0);
	expect_fail(fdt, size, -ENOENT, "interrupt-map: phandle 0x6d refers to no node");
	assert_int_equal(fdt_delprop(fdt, gic, "#address-cells"), 0);

	/* Dangling phandle in interrupt-map. */
	tmp[4] = cpu_to_fdt32(0x4242);
	assert_int_equal(fdt_setprop(fdt, host, "interrupt-map", tmp, len), 0);
	expect_fail(fdt, size, -ENOENT, "phandle 0x4242");

	/* Intermediate controller whose interrupt parent chain loops. */
	gic = fdt_path_offset(fdt, "/");
	node = fdt_add_subnode(fdt, gic, "intc");
	assert_true(node >= 0);
	assert_int_equal(fdt_setprop(fdt, node, "interrupt-controller", NULL, 0), 0);
	assert_int_equal(fdt_setprop_u32(fdt, node, "#interrupt-cells", 3), 0);
	assert_int_equal(fdt_setprop_u32(fdt, node, "phandle", 0x4242), 0);
	assert_int_equal(fdt_setprop_u32(fdt, node, "interrupt-parent", 0x4343), 0);
	assert_int_equal(fdt_setprop_u32(fdt, node, "interrupts", 5), 0);
	node = fdt_add_subnode(fdt, gic, "loop");
	assert_true(node >= 0);
	assert_int_equal(fdt_setprop_u32(fdt, node, "phandle", 0x4343), 0);
	assert_int_equal(fdt_setprop_u32(fdt, node, "interrupt-parent", 0x4343), 0);
	expect_fail(fdt, size, -ELOOP, "/intc: interrupt-parent chain");

	/* msi-map of 5 cells; dangling msi-parent. */
	host = fdt_path_offset(fdt, "/pci@7000000");
	assert_int_equal(fdt_delprop(fdt, host, "interrupt-map"), 0);
	assert_int_equal(fdt_setprop(fdt, host, "msi-map", tmp, 20), 0);
	expect_fail(fdt, size, -EINVAL, "msi-map has 5 cells");
	assert_int_equal(fdt_delprop(fdt, host, "msi-map"), 0);
	assert_int_equal(fdt_setprop_u32(fdt, host, "msi-parent", 0x7777), 0);
	expect_fail(fdt, size, -ENOENT, "msi-parent: phandle 0x7777");
	assert_int_equal(fdt_delprop(fdt, host, "msi-parent"), 0);

	/* bus-range must be exactly two cells. */
	assert_int_equal(fdt_setprop_u32(fdt, host, "bus-range", 1), 0);
	expect_fail(fdt, size, -EINVAL, "bus-range has 1 cells");
	free(fdt);

	fdt = editable("phytium-ft2004-devboard.dtb", &size);
	node = fdt_path_offset(fdt, "/soc");
	{
		/* /soc maps only 0..0x1000 1:1: the PCIe windows fall outside. */
		fdt32_t r[6] = { 0, 0, 0, 0, 0, cpu_to_fdt32(0x1000) };

		assert_int_equal(fdt_setprop(fdt, node, "ranges", r, sizeof(r)), 0);
	}
	expect_fail(fdt, size, -ERANGE, "outside every ranges window");
	assert_int_equal(fdt_delprop(fdt, node, "ranges"), 0);
	expect_fail(fdt, size, -ERANGE, "/soc: no ranges property");
	free(fdt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
