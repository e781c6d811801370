/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Hostile property contents: every fixture gets thousands of seeded random
 * edits of the properties discovery reads (cells, reg, ranges, phandles,
 * interrupt-map, msi-map, ...). Discovery must either succeed or fail with
 * a negative errno and a message; run under -DCELL_SANITIZE=ON to catch
 * memory errors. The structure block itself is covered by fdt_check_full().
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

#define ROUNDS 80
#define SLACK 4096

static const char *const boards[] = {
	"phytium-ft2004-devboard", "phytium-d2000-devboard", "arm-fvp-base-revc",
	"nxp-lx2160a-clearfog-cx", "nxp-ls1028a-rdb", "rockchip-rk3588-evb1",
	"rockchip-rk3568-rock-3a", "ti-j721e-common-proc-board",
	"hisilicon-hip07-d05", "cavium-thunder-88xx",
	"jailhouse-inmate-qemu-arm64",
};

static const char *const props[] = {
	"reg", "ranges", "#address-cells", "#size-cells", "interrupt-map",
	"interrupt-map-mask", "msi-map", "msi-map-mask", "msi-parent",
	"interrupts", "interrupts-extended", "interrupt-parent", "phandle",
	"#interrupt-cells", "#msi-cells", "#redistributor-regions",
	"redistributor-stride", "bus-range", "linux,pci-domain", "device_type",
	"status", "reg-names", "interrupt-controller",
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

/* A cell value that is likely to matter: small counts, phandles, extremes. */
static uint32_t interesting(uint32_t max_phandle)
{
	switch (rnd() % 6) {
	case 0: return rnd() % 6;
	case 1: return 1 + rnd() % (max_phandle ? max_phandle : 1);
	case 2: return 0xffffffffu;
	case 3: return 0x80000000u >> (rnd() % 32);
	default: return rnd();
	}
}

/* Nodes discovery looks at: buses, controllers, PCI hosts, CPUs. */
static int relevant(const void *fdt, int node)
{
	int depth = 0, len;
	const char *t = fdt_getprop(fdt, node, "device_type", &len);

	for (int p = node; p > 0; p = fdt_parent_offset(fdt, p))
		depth++;
	return depth <= 1 || fdt_getprop(fdt, node, "ranges", NULL) ||
	       fdt_getprop(fdt, node, "interrupt-controller", NULL) ||
	       fdt_getprop(fdt, node, "msi-controller", NULL) ||
	       (t && (!strcmp(t, "pci") || !strcmp(t, "cpu")));
}

static void mutate_once(cell_ctx *ctx, const void *orig, size_t len,
			uint8_t *buf, const int *idx, int nidx)
{
	cell_gic_list *gl = NULL;
	cell_pci_list *pl = NULL;
	uint32_t cells[24], maxph;
	int node, n, ret, k, edits = 1 + (int)(rnd() % 3);

	assert_int_equal(fdt_open_into(orig, buf, (int)(len + SLACK)), 0);
	assert_int_equal(fdt_find_max_phandle(buf, &maxph), 0);
	while (edits--) {
		const char *name = props[rnd() % (sizeof(props) / sizeof(props[0]))];

		/* Earlier edits moved the offsets: walk to the k-th node again. */
		for (k = idx[rnd() % (uint32_t)nidx],
		     node = fdt_next_node(buf, -1, NULL); k-- > 0 && node >= 0;)
			node = fdt_next_node(buf, node, NULL);
		assert_true(node >= 0);
		n = (int)(rnd() % 24);
		for (k = 0; k < n; k++)
			cells[k] = cpu_to_fdt32(interesting(maxph));
		/* Sometimes an odd byte length (truncated cell). */
		ret = fdt_setprop(buf, node, name, cells,
				  4 * n - (n && rnd() % 4 == 0 ? (int)(rnd() % 4) : 0));
		if (ret == -FDT_ERR_NOSPACE)
			break;
		assert_int_equal(ret, 0);
	}
	ret = cell_gic_discover(ctx, buf, len + SLACK, &gl);
	if (ret) {
		assert_true(ret < 0);
		assert_null(gl);
		assert_true(cell_ctx_last_error(ctx)[0] != '\0');
	}
	cell_gic_list_free(gl);
	ret = cell_pci_discover(ctx, buf, len + SLACK, &pl);
	if (ret) {
		assert_true(ret < 0);
		assert_null(pl);
		assert_true(cell_ctx_last_error(ctx)[0] != '\0');
	}
	cell_pci_list_free(pl);
}

static void test_mutations(void **state)
{
	size_t b, len;
	cell_ctx *ctx;
	unsigned int round, failures = 0, total = 0;

	(void)state;
	assert_int_equal(cell_ctx_new(&ctx), 0);
	for (b = 0; b < sizeof(boards) / sizeof(boards[0]); b++) {
		char name[128];
		void *orig;
		uint8_t *buf;
		int *idx, nidx = 0, k = 0, node;

		snprintf(name, sizeof(name), "%s.dtb", boards[b]);
		orig = dt_fixture(ctx, name, &len);
		buf = malloc(len + SLACK);
		assert_non_null(buf);
		idx = calloc(len / 8 + 1, sizeof(*idx));
		assert_non_null(idx);
		for (node = fdt_next_node(orig, -1, NULL); node >= 0;
		     node = fdt_next_node(orig, node, NULL), k++)
			if (relevant(orig, node))
				idx[nidx++] = k;
		assert_true(nidx > 0);
		for (round = 0; round < ROUNDS; round++) {
			cell_ctx_clear_error(ctx);
			mutate_once(ctx, orig, len, buf, idx, nidx);
			failures += cell_ctx_last_errno(ctx) != 0;
			total++;
		}
		free(idx);
		free(buf);
		free(orig);
	}
	print_message("%u mutated trees, %u refused with an error\n", total,
		      failures);
	/* The edits must reach the decoders: some trees are refused. */
	assert_true(failures > total / 20);
	cell_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
