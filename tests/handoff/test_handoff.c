/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Device-tree handoff on the real fixture trees: every fixture host with a
 * PCIe host bridge into the Jailhouse inmate tree. Checks refusals and their
 * report, then the policy run's outputs: fdt_check_full, no dangling phandle
 * (schema walk of every phandle-bearing property), moved nodes present /
 * absent, interrupt-map widths and targets, determinism, untouched inputs,
 * __symbols__ / aliases coherence.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include <libcell/cell.h>

#include "dt/refs.h"
#include "dt/tree.h"
#include "internal.h"
#include "mutate.h"

#define DTB_DIR CELL_FIXTURES "/dt/dtb/"
#define INMATE "jailhouse-inmate-qemu-arm64"

struct blob {
	uint8_t *data;
	size_t size;
};

static struct blob load(const char *name, const char *suffix)
{
	char path[512];
	struct blob b = { NULL, 0 };
	cell_ctx *ctx;

	snprintf(path, sizeof(path), DTB_DIR "%s%s", name, suffix);
	assert_int_equal(cell_ctx_new(&ctx), 0);
	if (cell__read_file(ctx, path, 64u << 20, &b.data, &b.size))
		fail_msg("%s", cell_ctx_last_error(ctx));
	cell_ctx_free(ctx);
	return b;
}

/* A writable copy of @h with @room more bytes, for libfdt's edits. */
static struct blob with_room(const struct blob *h, size_t room)
{
	struct blob b = { malloc(h->size + room), h->size + room };

	assert_non_null(b.data);
	assert_int_equal(fdt_open_into(h->data, b.data, (int)b.size), 0);
	return b;
}

/* ---- the checker ------------------------------------------------------ */

/* Problems found, one "path prop" line each; a handoff may keep the ones
 * its input already had (lx2160a's extirq interrupt-map is parsed by its
 * driver with 0 parent address cells, against the generic rule), but must
 * add none. */
struct issues {
	char text[16384];
	size_t len;
};

struct dangling {
	const char *what;
	int bad;
	const struct issues *base;
	struct issues *out;
};

static void issue(struct dangling *d, const struct cell__dt_node *n,
		  const char *prop, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void issue(struct dangling *d, const struct cell__dt_node *n,
		  const char *prop, const char *fmt, ...)
{
	char line[600], p[256];
	va_list ap;
	int w;

	w = snprintf(line, sizeof(line), "%s %s\n", cell__dt_path(n, p, sizeof(p)), prop);
	if (d->out && d->out->len + (size_t)w < sizeof(d->out->text)) {
		memcpy(d->out->text + d->out->len, line, (size_t)w + 1);
		d->out->len += (size_t)w;
	}
	if (d->out || (d->base && strstr(d->base->text, line)))
		return;	/* collecting a baseline, or already in the input */
	print_error("%s: %s %s: ", d->what, p, prop);
	va_start(ap, fmt);
	vprint_error(fmt, ap);
	va_end(ap);
	print_error("\n");
	d->bad++;
}

static int dangling_cb(void *arg, const struct cell__dt_ref *r)
{
	struct dangling *d = arg;

	if (!r->target)
		issue(d, r->node, r->prop, "cell %u: phandle 0x%x has no node", r->cell,
		      r->phandle);
	return 0;
}

/* Every phandle-bearing property decodes and every target exists; every
 * interrupt-map decodes with its parents' cells; GIC `interrupts` have a
 * multiple of the GIC's #interrupt-cells; every /__symbols__ and /aliases
 * path resolves. */
static void check_tree(const void *blob, size_t size, const char *what,
		       const struct issues *base, struct issues *out)
{
	struct cell__dt_tree *t;
	struct cell__dt_node *n, *meta;
	struct dangling d = { what, 0, base, out };
	cell_ctx *ctx;
	size_t k;

	assert_int_equal(fdt_check_full(blob, size), 0);
	assert_int_equal(cell_ctx_new(&ctx), 0);
	assert_int_equal(cell__dt_parse(ctx, blob, NULL, what, &t), 0);
	for (n = t->root; n; n = cell__dt_next(n)) {
		if (cell__dt_is_meta(n))
			continue;
		for (k = 0; k < n->nprops; k++) {
			const char *why = NULL;
			int r = cell__dt_prop_refs(t, n, &n->props[k], dangling_cb, &d, &why);

			if (r)
				issue(&d, n, n->props[k].name, "%s", why);
		}
		if (cell__dt_prop(n, "interrupts")) {
			struct cell__dt_node *par = cell__dt_irq_parent(t, n, NULL);
			uint32_t ic;

			if (par && cell__dt_u32(par, "#interrupt-cells", &ic) && ic &&
			    cell__dt_prop(n, "interrupts")->len % (4 * ic))
				issue(&d, n, "interrupts", "not a multiple of %u cells", ic);
		}
	}
	for (k = 0; k < 2; k++) {
		meta = cell__dt_lookup(t, k ? "/aliases" : "/__symbols__");
		for (size_t i = 0; meta && i < meta->nprops; i++) {
			const struct cell__dt_prop *p = &meta->props[i];
			char path[512];

			if (!p->len || p->val[0] != '/')
				continue;
			snprintf(path, sizeof(path), "%.*s", (int)p->len, (const char *)p->val);
			if (!cell__dt_lookup(t, path))
				issue(&d, meta, p->name, "-> %s does not exist", path);
		}
	}
	cell__dt_free(t);
	cell_ctx_free(ctx);
	assert_int_equal(d.bad, 0);
}

/* ---- cases ------------------------------------------------------------ */

struct hcase {
	const char *fixture;
	const char *pcie;		/* host bridge handed off */
	const char *dest;		/* its path in the inmate */
	const char *its;		/* host ITS path it uses */
	const char *problem_path;	/* one expected problem... */
	const char *problem_prop;
	uint32_t problem_kind;
	uint32_t flags;			/* policy that makes it succeed */
};

static const struct hcase cases[] = {
	{ "phytium-ft2004-devboard", "/soc/pcie", "/pcie@40000000",
	  "/interrupt-controller@29900000/gic-its@29920000", NULL, NULL, 0, 0 },
	{ "phytium-d2000-devboard", "/soc/pcie", "/pcie@40000000",
	  "/interrupt-controller@29900000/gic-its@29920000",
	  "/soc/pcie", "interrupt-map", CELL_HANDOFF_UNRESOLVED,
	  CELL_HANDOFF_DROP_UNRESOLVED },
	{ "arm-fvp-base-revc", "/pci@40000000", "/pci@40000000",
	  "/interrupt-controller@2f000000/msi-controller@2f020000",
	  "/iommu@2b400000", "msi-parent", CELL_HANDOFF_INBOUND,
	  CELL_HANDOFF_DROP_UNRESOLVED | CELL_HANDOFF_KEEP_SHARED_ITS },
	{ "nxp-lx2160a-clearfog-cx", "/soc/pcie@3600000", "/pcie@3600000",
	  "/interrupt-controller@6000000/msi-controller@6020000",
	  "/soc/fsl-mc@80c000000", "msi-parent", CELL_HANDOFF_INBOUND,
	  CELL_HANDOFF_DROP_UNRESOLVED | CELL_HANDOFF_KEEP_SHARED_ITS },
	{ "nxp-ls1028a-rdb", "/soc/pcie@1f0000000", "/pcie@1f0000000",
	  "/interrupt-controller@6000000/msi-controller@6020000",
	  "/soc/pcie@1f0000000", "iommu-map", CELL_HANDOFF_UNRESOLVED,
	  CELL_HANDOFF_DROP_UNRESOLVED | CELL_HANDOFF_DISABLE_HOST },
	{ "rockchip-rk3588-evb1", "/pcie@fe180000", "/pcie@fe180000",
	  "/interrupt-controller@fe600000/msi-controller@fe640000",
	  "/pcie@fe180000", "clocks", CELL_HANDOFF_UNRESOLVED,
	  CELL_HANDOFF_DROP_UNRESOLVED | CELL_HANDOFF_KEEP_SHARED_ITS },
	{ "rockchip-rk3568-rock-3a", "/pcie@fe260000", "/pcie@fe260000",
	  "/interrupt-controller@fd400000/msi-controller@fd440000",
	  "/pcie@fe260000", "vpcie3v3-supply", CELL_HANDOFF_UNRESOLVED,
	  CELL_HANDOFF_DROP_UNRESOLVED | CELL_HANDOFF_DISABLE_HOST },
	{ "ti-j721e-common-proc-board", "/bus@100000/pcie@2900000", "/pcie@2900000",
	  "/bus@100000/interrupt-controller@1800000/msi-controller@1820000",
	  "/bus@100000/pcie@2900000", "ti,syscon-pcie-ctrl", CELL_HANDOFF_UNRESOLVED,
	  CELL_HANDOFF_DROP_UNRESOLVED },
	{ "hisilicon-hip07-d05", "/soc/pcie@af800000", "/pcie@af800000",
	  "/interrupt-controller@4d000000/msi-controller@c6000000",
	  "/interrupt-controller@a0080000/intc_pcie2_a", "msi-parent",
	  CELL_HANDOFF_INBOUND, CELL_HANDOFF_DROP_UNRESOLVED },
};

static int run(const struct blob *h, const struct blob *i, const char *path,
	       uint32_t flags, cell_ctx *ctx, cell_handoff **out)
{
	struct cell_handoff_opts o = CELL_HANDOFF_OPTS_INIT;
	const char *paths[1] = { path };

	o.flags = flags;
	return cell_dt_handoff(ctx, h->data, h->size, i->data, i->size, paths,
			       path ? 1 : 0, &o, out);
}

static bool has_item(const cell_handoff *r, uint32_t kind, const char *path,
		     const char *prop)
{
	struct cell_handoff_item it;
	size_t k;

	for (k = 0; k < cell_handoff_count(r); k++) {
		assert_int_equal(cell_handoff_get(r, k, &it), 0);
		if (it.kind == kind && !strcmp(it.path, path) &&
		    (!prop || !strcmp(it.prop, prop)))
			return true;
	}
	return false;
}

/* The destination's GIC and what the grafted nodes must look like. */
static void check_inmate(const struct hcase *c, const void *blob, uint32_t flags)
{
	struct cell__dt_tree *t;
	struct cell__dt_node *gic, *br, *its = NULL, *vpci, *n;
	struct cell__dt_imap_ent *e;
	const char *why = NULL;
	size_t cnt, k;
	uint32_t v;
	cell_ctx *ctx;

	assert_int_equal(cell_ctx_new(&ctx), 0);
	assert_int_equal(cell__dt_parse(ctx, blob, NULL, "inmate", &t), 0);
	gic = cell__dt_lookup(t, "/interrupt-controller@d1d00000");
	assert_non_null(gic);
	assert_true(cell__dt_u32(gic, "#address-cells", &v));
	assert_int_equal(v, 2);
	assert_non_null(cell__dt_prop(gic, "ranges"));
	/* The ITS is the GIC's child, its reg in 2+2 cells. */
	for (k = 0; k < gic->nkids; k++)
		if (cell__dt_has_str(gic->kids[k], "compatible", "arm,gic-v3-its"))
			its = gic->kids[k];
	assert_non_null(its);
	assert_int_equal(cell__dt_prop(its, "reg")->len % 16, 0);
	/* The virtual PCI host's 8-cell entries are now 10 cells. */
	vpci = cell__dt_lookup(t, "/pci@7000000");
	assert_non_null(vpci);
	assert_int_equal(cell__dt_imap_parse(t, vpci, &e, &cnt, &why), 0);
	assert_int_equal(cnt, 4);
	for (k = 0; k < cnt; k++) {
		assert_ptr_equal(e[k].parent, gic);
		assert_int_equal(e[k].child + 1 + e[k].pa + e[k].pi, 10);
	}
	free(e);
	assert_int_equal(cell__dt_prop(vpci, "interrupt-map")->len, 4 * 10 * 4);
	/* The bridge is at the root; its MSIs go to the grafted ITS. */
	br = cell__dt_lookup(t, c->dest);
	assert_non_null(br);
	assert_ptr_equal(br->parent, t->root);
	assert_true(cell__dt_u32(br, "#address-cells", &v) && v == 3);
	if (cell__dt_prop(br, "msi-parent")) {
		n = cell__dt_by_phandle(t, cell__be32(cell__dt_prop(br, "msi-parent")->val));
		assert_ptr_equal(n, its);
	}
	if (cell__dt_prop(br, "msi-map")) {
		n = cell__dt_by_phandle(t, cell__be32(cell__dt_prop(br, "msi-map")->val + 4));
		assert_ptr_equal(n, its);
	}
	/* Every interrupt-map entry of the bridge targets the inmate GIC or a
	 * node of the bridge itself, with the destination GIC's widths. */
	if (cell__dt_prop(br, "interrupt-map")) {
		assert_int_equal(cell__dt_imap_parse(t, br, &e, &cnt, &why), 0);
		assert_true(cnt > 0);
		for (k = 0; k < cnt; k++) {
			assert_true(e[k].parent == gic || cell__dt_is_under(e[k].parent, br));
			if (e[k].parent == gic) {
				assert_int_equal(e[k].pa, 2);
				assert_int_equal(e[k].pi, 3);
			}
		}
		free(e);
	}
	/* Two host bridges now: distinct explicit PCI domains, the virtual
	 * host's not taken by the grafted one. */
	{
		uint32_t d1, d2;

		assert_true(cell__dt_u32(br, "linux,pci-domain", &d1));
		assert_true(cell__dt_u32(vpci, "linux,pci-domain", &d2));
		assert_int_not_equal(d1, d2);
	}
	/* Only the drop policy may remove the bridge's properties. */
	if (!(flags & CELL_HANDOFF_DROP_UNRESOLVED))
		assert_non_null(cell__dt_prop(br, "interrupt-map"));
	cell__dt_free(t);
	cell_ctx_free(ctx);
}

/* Some staying host node references @target. */
static bool inbound_to(const cell_handoff *r, const char *target)
{
	struct cell_handoff_item it;
	size_t k;

	for (k = 0; k < cell_handoff_count(r); k++) {
		assert_int_equal(cell_handoff_get(r, k, &it), 0);
		if (it.kind == CELL_HANDOFF_INBOUND && !strcmp(it.target, target))
			return true;
	}
	return false;
}

static void check_host(const struct hcase *c, const void *blob, uint32_t flags,
		       const cell_handoff *r)
{
	int br = fdt_path_offset(blob, c->pcie), its = fdt_path_offset(blob, c->its);
	bool keep_its = (flags & CELL_HANDOFF_DISABLE_HOST) ||
			((flags & CELL_HANDOFF_KEEP_SHARED_ITS) && inbound_to(r, c->its));

	if (flags & CELL_HANDOFF_DISABLE_HOST) {
		assert_true(br >= 0);
		assert_string_equal(fdt_getprop(blob, br, "status", NULL), "disabled");
	} else {
		assert_int_equal(br, -FDT_ERR_NOTFOUND);
	}
	if (keep_its) {
		assert_true(its >= 0);
		assert_string_equal(fdt_getprop(blob, its, "status", NULL), "disabled");
	} else {
		assert_int_equal(its, -FDT_ERR_NOTFOUND);
	}
}

static void one_case(const struct hcase *c, const char *suffix)
{
	struct blob h = load(c->fixture, suffix), i = load(INMATE, suffix);
	uint8_t *hcopy = malloc(h.size), *icopy = malloc(i.size);
	cell_handoff *r = NULL, *r2 = NULL;
	const void *b1, *b2;
	size_t s1, s2;
	cell_ctx *ctx;
	int ret;

	assert_non_null(hcopy);
	assert_non_null(icopy);
	memcpy(hcopy, h.data, h.size);
	memcpy(icopy, i.data, i.size);
	assert_int_equal(cell_ctx_new(&ctx), 0);

	/* Without a policy: success only for the easy case, else a refusal
	 * naming a problem, and a dry run reporting it. */
	ret = run(&h, &i, c->pcie, 0, ctx, &r);
	if (!c->problem_path) {
		assert_int_equal(ret, 0);
		assert_int_equal(cell_handoff_unresolved(r), 0);
	} else {
		assert_int_equal(ret, -EBUSY);
		assert_null(r);
		assert_non_null(strstr(cell_ctx_last_error(ctx), "cannot follow"));
		assert_int_equal(run(&h, &i, c->pcie, CELL_HANDOFF_DRY_RUN, ctx, &r), 0);
		assert_true(cell_handoff_unresolved(r) > 0);
		assert_null(cell_handoff_host_blob(r, NULL));
		if (!has_item(r, c->problem_kind, c->problem_path, c->problem_prop))
			fail_msg("%s: expected problem %s %s not reported", c->fixture,
				 c->problem_path, c->problem_prop);
		cell_handoff_free(r);
		r = NULL;
		assert_int_equal(run(&h, &i, c->pcie, c->flags, ctx, &r), 0);
		assert_int_equal(cell_handoff_unresolved(r), 0);
	}
	assert_true(has_item(r, CELL_HANDOFF_MOVED_NODE, c->pcie, NULL));
	assert_true(has_item(r, CELL_HANDOFF_MOVED_NODE, c->its, NULL));

	b1 = cell_handoff_inmate_blob(r, &s1);
	b2 = cell_handoff_host_blob(r, &s2);
	{
		static struct issues hbase, ibase;

		hbase.len = ibase.len = 0;
		hbase.text[0] = ibase.text[0] = 0;
		check_tree(h.data, h.size, "host input", NULL, &hbase);
		check_tree(i.data, i.size, "inmate input", NULL, &ibase);
		check_tree(b2, s2, "host", &hbase, NULL);
		check_tree(b1, s1, "inmate", &ibase, NULL);
	}
	check_inmate(c, b1, c->flags);
	check_host(c, cell_handoff_host_blob(r, NULL), c->flags, r);

	/* Deterministic: same inputs, same bytes. */
	assert_int_equal(run(&h, &i, c->pcie, c->problem_path ? c->flags : 0, ctx, &r2), 0);
	b2 = cell_handoff_inmate_blob(r2, &s2);
	assert_int_equal(s1, s2);
	assert_memory_equal(b1, b2, s1);
	b1 = cell_handoff_host_blob(r, &s1);
	b2 = cell_handoff_host_blob(r2, &s2);
	assert_int_equal(s1, s2);
	assert_memory_equal(b1, b2, s1);

	/* Inputs untouched. */
	assert_memory_equal(hcopy, h.data, h.size);
	assert_memory_equal(icopy, i.data, i.size);

	cell_handoff_free(r);
	cell_handoff_free(r2);
	cell_ctx_free(ctx);
	free(hcopy);
	free(icopy);
	free(h.data);
	free(i.data);
}

static void test_fixtures(void **state)
{
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		print_message("  %s %s\n", cases[k].fixture, cases[k].pcie);
		one_case(&cases[k], ".dtb");
	}
}

static void test_fixtures_symbols(void **state)
{
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
		one_case(&cases[k], ".symbols.dtb");
}

/* FT-2004 -@ build: labels follow the nodes. */
static void test_symbols_follow(void **state)
{
	struct blob h = load("phytium-ft2004-devboard", ".symbols.dtb");
	struct blob i = load(INMATE, ".symbols.dtb");
	cell_handoff *r;
	const void *hb, *ib;
	cell_ctx *ctx;
	int off;

	(void)state;
	assert_int_equal(cell_ctx_new(&ctx), 0);
	assert_int_equal(run(&h, &i, "/soc/pcie", 0, ctx, &r), 0);
	hb = cell_handoff_host_blob(r, NULL);
	ib = cell_handoff_inmate_blob(r, NULL);
	off = fdt_path_offset(ib, "/__symbols__");
	assert_true(off >= 0);
	assert_string_equal(fdt_getprop(ib, off, "pcie", NULL), "/pcie@40000000");
	assert_string_equal(fdt_getprop(ib, off, "its", NULL),
			    "/interrupt-controller@d1d00000/gic-its@29920000");
	/* The inmate's own labels are untouched. */
	assert_string_equal(fdt_getprop(ib, off, "gic", NULL), "/interrupt-controller@d1d00000");
	off = fdt_path_offset(hb, "/__symbols__");
	assert_true(off >= 0);
	assert_null(fdt_getprop(hb, off, "pcie", NULL));
	assert_null(fdt_getprop(hb, off, "its", NULL));
	assert_non_null(fdt_getprop(hb, off, "gic", NULL));
	cell_handoff_free(r);
	cell_ctx_free(ctx);
	free(h.data);
	free(i.data);
}

/* ls1028a: nine aliases into the ECAM subtree move to the inmate. */
static void test_aliases(void **state)
{
	struct blob h = load("nxp-ls1028a-rdb", ".dtb"), i = load(INMATE, ".dtb");
	cell_handoff *r;
	const void *hb, *ib;
	cell_ctx *ctx;
	int off;

	(void)state;
	assert_int_equal(cell_ctx_new(&ctx), 0);
	assert_int_equal(run(&h, &i, "/soc/pcie@1f0000000", CELL_HANDOFF_DROP_UNRESOLVED,
			     ctx, &r), 0);
	hb = cell_handoff_host_blob(r, NULL);
	ib = cell_handoff_inmate_blob(r, NULL);
	off = fdt_path_offset(ib, "/aliases");
	assert_true(off >= 0);
	assert_string_equal(fdt_getprop(ib, off, "ethernet0", NULL),
			    "/pcie@1f0000000/ethernet@0,0");
	off = fdt_path_offset(hb, "/aliases");
	assert_true(off >= 0);
	assert_null(fdt_getprop(hb, off, "ethernet0", NULL));
	assert_non_null(fdt_getprop(hb, off, "serial0", NULL));
	/* Internal PHY links were renumbered with the subtree. */
	off = fdt_path_offset(ib, "/pcie@1f0000000");
	assert_true(off >= 0);
	cell_handoff_free(r);
	cell_ctx_free(ctx);
	free(h.data);
	free(i.data);
}

/*
 * Alias paths as cell__dt_lookup() reads them: runs of '/', a trailing '/'
 * and stdout-path options still name the moved node, so the alias moves
 * (the scan settles paths outside every moved subtree without a lookup:
 * these must not be taken for such); a name that only starts like the
 * moved node's, or continues it, stays in the host.
 */
static void test_odd_alias_paths(void **state)
{
	static const struct {
		const char *name, *path;
		bool moves;
	} a[] = {
		{ "slashes", "//soc//pcie@1f0000000///ethernet@0,0/", true },
		{ "options", "/soc/pcie@1f0000000/ethernet@0,0:115200n8", true },
		{ "top", "/soc/pcie@1f0000000", true },
		{ "longer", "/soc/pcie@1f0000000x/ethernet@0,0", false },
		{ "shorter", "/soc/pcie@1f00", false },
	};
	struct blob h = load("nxp-ls1028a-rdb", ".dtb"), i = load(INMATE, ".dtb");
	const void *hb, *ib;
	struct blob big;
	cell_handoff *r;
	cell_ctx *ctx;
	int ho, io;
	size_t k;

	(void)state;
	big = with_room(&h, 4096);
	ho = fdt_path_offset(big.data, "/aliases");
	assert_true(ho >= 0);
	for (k = 0; k < sizeof(a) / sizeof(a[0]); k++)
		assert_int_equal(fdt_setprop_string(big.data, ho, a[k].name, a[k].path), 0);

	assert_int_equal(cell_ctx_new(&ctx), 0);
	assert_int_equal(run(&big, &i, "/soc/pcie@1f0000000", CELL_HANDOFF_DROP_UNRESOLVED,
			     ctx, &r), 0);
	hb = cell_handoff_host_blob(r, NULL);
	ib = cell_handoff_inmate_blob(r, NULL);
	ho = fdt_path_offset(hb, "/aliases");
	io = fdt_path_offset(ib, "/aliases");
	assert_true(ho >= 0 && io >= 0);
	for (k = 0; k < sizeof(a) / sizeof(a[0]); k++) {
		const char *in = fdt_getprop(ib, io, a[k].name, NULL);
		const char *left = fdt_getprop(hb, ho, a[k].name, NULL);

		if (a[k].moves) {
			assert_non_null(in);
			assert_string_equal(in, k == 2 ? "/pcie@1f0000000" :
						"/pcie@1f0000000/ethernet@0,0");
			assert_null(left);
		} else {
			assert_null(in);
			assert_non_null(left);
			assert_string_equal(left, a[k].path);
		}
	}
	cell_handoff_free(r);
	cell_ctx_free(ctx);
	free(big.data);
	free(h.data);
	free(i.data);
}

/*
 * Property names longer than the report's prop field: an alias into the
 * moved subtree and an inbound "-supply" reference to it. Both must go
 * from the host whole (a truncated name once matched nothing and the
 * walk never ended) and the alias must reach the inmate under its name.
 */
static void test_long_property_names(void **state)
{
	struct blob h = load("nxp-ls1028a-rdb", ".dtb"), i = load(INMATE, ".dtb");
	char alias[96], supply[96];
	struct blob big;
	cell_handoff *r;
	const void *hb, *ib;
	cell_ctx *ctx;
	uint32_t ph;
	int off;

	(void)state;
	memset(alias, 'a', sizeof(alias) - 1);
	alias[sizeof(alias) - 1] = 0;
	memset(supply, 'v', sizeof(supply) - 1);
	strcpy(supply + sizeof(supply) - 8, "-supply");
	big = with_room(&h, 4096);
	assert_int_equal(fdt_find_max_phandle(big.data, &ph), 0);
	ph++;
	off = fdt_path_offset(big.data, "/soc/pcie@1f0000000/ethernet@0,0");
	assert_true(off >= 0);
	assert_int_equal(fdt_setprop_u32(big.data, off, "phandle", ph), 0);
	off = fdt_path_offset(big.data, "/aliases");
	assert_true(off >= 0);
	assert_int_equal(fdt_setprop_string(big.data, off, alias,
					    "/soc/pcie@1f0000000/ethernet@0,0"), 0);
	off = fdt_path_offset(big.data, "/soc");
	assert_true(off >= 0);
	assert_int_equal(fdt_setprop_u32(big.data, off, supply, ph), 0);

	assert_int_equal(cell_ctx_new(&ctx), 0);
	assert_int_equal(run(&big, &i, "/soc/pcie@1f0000000", CELL_HANDOFF_DROP_UNRESOLVED,
			     ctx, &r), 0);
	hb = cell_handoff_host_blob(r, NULL);
	ib = cell_handoff_inmate_blob(r, NULL);
	off = fdt_path_offset(ib, "/aliases");
	assert_true(off >= 0);
	assert_string_equal(fdt_getprop(ib, off, alias, NULL), "/pcie@1f0000000/ethernet@0,0");
	off = fdt_path_offset(hb, "/aliases");
	assert_true(off >= 0);
	assert_null(fdt_getprop(hb, off, alias, NULL));
	assert_non_null(fdt_getprop(hb, off, "serial0", NULL));
	off = fdt_path_offset(hb, "/soc");
	assert_true(off >= 0);
	assert_null(fdt_getprop(hb, off, supply, NULL));
	assert_true(has_item(r, CELL_HANDOFF_DROPPED_PROP, "/soc", NULL));
	cell_handoff_free(r);
	cell_ctx_free(ctx);
	free(big.data);
	free(h.data);
	free(i.data);
}

static void test_nothing_to_hand_off(void **state)
{
	struct blob h = load("cavium-thunder-88xx", ".dtb"), i = load(INMATE, ".dtb");
	cell_handoff *r = NULL;
	cell_ctx *ctx;

	(void)state;
	assert_int_equal(cell_ctx_new(&ctx), 0);
	assert_int_equal(run(&h, &i, NULL, 0, ctx, &r), -ENOENT);
	assert_non_null(strstr(cell_ctx_last_error(ctx), "nothing to hand off"));
	assert_int_equal(run(&h, &i, "/soc", 0, ctx, &r), -EINVAL);
	assert_non_null(strstr(cell_ctx_last_error(ctx), "not a PCI host bridge"));
	assert_int_equal(run(&h, &i, "/soc/nope", 0, ctx, &r), -ENOENT);
	assert_non_null(strstr(cell_ctx_last_error(ctx), "/soc/nope"));
	assert_null(r);
	cell_ctx_free(ctx);
	free(h.data);
	free(i.data);
}

static void test_bad_input(void **state)
{
	struct blob h = load("phytium-ft2004-devboard", ".dtb"), i = load(INMATE, ".dtb");
	struct cell_handoff_opts o = CELL_HANDOFF_OPTS_INIT;
	const char *p[1] = { "/soc/pcie" };
	uint8_t junk[256];
	cell_handoff *r = NULL;
	cell_ctx *ctx;

	(void)state;
	memset(junk, 0xa5, sizeof(junk));
	assert_int_equal(cell_ctx_new(&ctx), 0);
	assert_int_equal(cell_dt_handoff(ctx, junk, sizeof(junk), i.data, i.size, p, 1,
					 NULL, &r), -EINVAL);
	assert_non_null(strstr(cell_ctx_last_error(ctx), "host blob"));
	/* Truncated inmate. */
	assert_int_equal(cell_dt_handoff(ctx, h.data, h.size, i.data, i.size / 2, p, 1,
					 NULL, &r), -EINVAL);
	assert_non_null(strstr(cell_ctx_last_error(ctx), "inmate blob"));
	/* Unknown flags, too small an options struct, no out-param. */
	o.flags = 0x100;
	assert_int_equal(cell_dt_handoff(ctx, h.data, h.size, i.data, i.size, p, 1,
					 &o, &r), -EINVAL);
	o.flags = 0;
	o.size = 4;
	assert_int_equal(cell_dt_handoff(ctx, h.data, h.size, i.data, i.size, p, 1,
					 &o, &r), -EINVAL);
	assert_int_equal(cell_dt_handoff(ctx, h.data, h.size, i.data, i.size, p, 1,
					 NULL, NULL), -EINVAL);
	/* The same bridge twice. */
	{
		const char *two[2] = { "/soc/pcie", "/soc/pcie" };

		assert_int_equal(cell_dt_handoff(ctx, h.data, h.size, i.data, i.size,
						 two, 2, NULL, &r), -EINVAL);
	}
	/* Two nodes with one phandle: identity is ambiguous. */
	{
		size_t sz = h.size + 64;
		uint8_t *dup = malloc(sz);

		assert_non_null(dup);
		assert_int_equal(fdt_open_into(h.data, dup, (int)sz), 0);
		assert_int_equal(fdt_setprop_u32(dup, fdt_path_offset(dup, "/soc/pcie"),
						 "phandle", 1), 0);
		assert_int_equal(cell_dt_handoff(ctx, dup, sz, i.data, i.size, p, 1, NULL, &r),
				 -EINVAL);
		assert_non_null(strstr(cell_ctx_last_error(ctx), "phandle 0x1 is used by"));
		/* Cell counts are bounded before anything decodes with them. */
		assert_int_equal(fdt_open_into(h.data, dup, (int)sz), 0);
		assert_int_equal(fdt_setprop_u32(dup, fdt_path_offset(dup, "/soc"),
						 "#address-cells", 1u << 20), 0);
		assert_int_equal(cell_dt_handoff(ctx, dup, sz, i.data, i.size, p, 1, NULL, &r),
				 -EINVAL);
		assert_non_null(strstr(cell_ctx_last_error(ctx),
				       "host blob: /soc: #address-cells = 1048576 (at most 4)"));
		assert_int_equal(fdt_open_into(h.data, dup, (int)sz), 0);
		assert_int_equal(fdt_setprop_u32(dup, fdt_path_offset(dup, "/soc/pcie"),
						 "#interrupt-cells", 17), 0);
		assert_int_equal(cell_dt_handoff(ctx, dup, sz, i.data, i.size, p, 1, NULL, &r),
				 -EINVAL);
		assert_non_null(strstr(cell_ctx_last_error(ctx), "#interrupt-cells = 17 (at most 16)"));
		free(dup);
	}
	/* An inmate without a GICv3. */
	{
		uint8_t empty[256];

		assert_int_equal(fdt_create_empty_tree(empty, sizeof(empty)), 0);
		assert_int_equal(cell_dt_handoff(ctx, h.data, h.size, empty,
						 fdt_totalsize(empty), p, 1, NULL, &r),
				 -ENODEV);
		/* Version 15, root name without '/': libfdt 1.6.1 would crash. */
		fdt_set_version(empty, 15);
		fdt_set_last_comp_version(empty, 2);
		assert_int_equal(cell_dt_handoff(ctx, h.data, h.size, empty,
						 fdt_totalsize(empty), p, 1, NULL, &r),
				 -EINVAL);
		assert_non_null(strstr(cell_ctx_last_error(ctx), "FDT_ERR_BADSTRUCTURE"));
	}
	assert_null(r);
	cell_handoff_free(NULL);
	cell_ctx_free(ctx);
	free(h.data);
	free(i.data);
}

/* A second handoff into the result: names clash, phandles stay unique. */
static void test_collision(void **state)
{
	struct blob h = load("phytium-ft2004-devboard", ".dtb"), i = load(INMATE, ".dtb");
	struct blob d = load("phytium-d2000-devboard", ".dtb");
	cell_handoff *r, *r2 = NULL;
	const void *ib;
	size_t is;
	cell_ctx *ctx;

	(void)state;
	assert_int_equal(cell_ctx_new(&ctx), 0);
	assert_int_equal(run(&h, &i, "/soc/pcie", 0, ctx, &r), 0);
	ib = cell_handoff_inmate_blob(r, &is);
	{
		struct blob i2 = { (uint8_t *)ib, is };

		/* D2000's host is also pcie@40000000: refused by name. */
		assert_int_equal(run(&d, &i2, "/soc/pcie", CELL_HANDOFF_DROP_UNRESOLVED,
				     ctx, &r2), -EEXIST);
		assert_non_null(strstr(cell_ctx_last_error(ctx), "pcie@40000000"));
	}
	assert_null(r2);
	cell_handoff_free(r);
	cell_ctx_free(ctx);
	free(h.data);
	free(i.data);
	free(d.data);
}

/* A translating dma-ranges on the old parent bus cannot follow silently. */
static void test_parent_dma_ranges(void **state)
{
	struct blob h = load("phytium-ft2004-devboard", ".dtb"), i = load(INMATE, ".dtb");
	/* /soc: bus 0 is CPU 0x80000000, 4 GiB (2+2+2 cells). */
	const fdt32_t dr[6] = { 0, 0, 0, cpu_to_fdt32(0x80000000u), cpu_to_fdt32(1), 0 };
	size_t sz = h.size + 256;
	uint8_t *buf = malloc(sz);
	struct blob m = { buf, sz };
	cell_handoff *r = NULL;
	cell_ctx *ctx;

	(void)state;
	assert_non_null(buf);
	assert_int_equal(fdt_open_into(h.data, buf, (int)sz), 0);
	assert_int_equal(fdt_setprop(buf, fdt_path_offset(buf, "/soc"), "dma-ranges",
				     dr, sizeof(dr)), 0);
	assert_int_equal(cell_ctx_new(&ctx), 0);
	assert_int_equal(run(&m, &i, "/soc/pcie", 0, ctx, &r), -EBUSY);
	assert_non_null(strstr(cell_ctx_last_error(ctx), "dma-ranges"));
	assert_int_equal(run(&m, &i, "/soc/pcie", CELL_HANDOFF_DRY_RUN, ctx, &r), 0);
	assert_true(has_item(r, CELL_HANDOFF_UNDECODABLE, "/soc/pcie", "dma-ranges"));
	cell_handoff_free(r);
	cell_ctx_free(ctx);
	free(buf);
	free(h.data);
	free(i.data);
}

/* Corrupted inputs: a clean error or a valid result, never a crash (run
 * under -DCELL_SANITIZE=ON to catch memory errors). Deterministic PRNG. */
static void test_mutations(void **state)
{
	static const char *const hosts[] = { "phytium-ft2004-devboard",
					     "rockchip-rk3588-evb1", "nxp-ls1028a-rdb" };
	struct blob i = load(INMATE, ".dtb");
	uint64_t x = 0x9e3779b97f4a7c15ull;
	size_t hi, n, k, ok = 0, refused = 0;
	cell_ctx *ctx;

	(void)state;
	assert_int_equal(cell_ctx_new(&ctx), 0);
	for (hi = 0; hi < 3; hi++) {
		struct blob h = load(hosts[hi], ".dtb");
		uint8_t *mh = malloc(h.size), *mi = malloc(i.size);

		assert_non_null(mh);
		assert_non_null(mi);
		for (n = 0; n < 150; n++) {
			struct blob a = { mh, h.size }, b = { mi, i.size };
			struct cell_handoff_opts o = CELL_HANDOFF_OPTS_INIT;
			cell_handoff *r = NULL;
			int ret;

			memcpy(mh, h.data, h.size);
			memcpy(mi, i.data, i.size);
			for (k = 0; k < 1 + n % 4; k++) {
				if (n % 3)
					mutate_flip(&x, mh, h.size);
				else
					mutate_flip(&x, mi, i.size);
			}
			o.flags = (uint32_t)(n % 4 == 3 ? CELL_HANDOFF_DRY_RUN :
					     CELL_HANDOFF_DROP_UNRESOLVED |
					     CELL_HANDOFF_KEEP_SHARED_ITS);
			ret = cell_dt_handoff(ctx, a.data, a.size, b.data, b.size, NULL, 0, &o, &r);
			if (ret) {
				assert_true(ret < 0);
				assert_null(r);
				assert_true(strlen(cell_ctx_last_error(ctx)) > 0);
				refused++;
				continue;
			}
			ok++;
			if (!(o.flags & CELL_HANDOFF_DRY_RUN)) {
				size_t s1, s2;
				const void *b1 = cell_handoff_host_blob(r, &s1);
				const void *b2 = cell_handoff_inmate_blob(r, &s2);

				assert_int_equal(fdt_check_full(b1, s1), 0);
				assert_int_equal(fdt_check_full(b2, s2), 0);
			}
			cell_handoff_free(r);
		}
		free(mh);
		free(mi);
		free(h.data);
	}
	print_message("  mutations: %zu handed off, %zu refused\n", ok, refused);
	assert_true(ok > 0 && refused > 0);
	cell_ctx_free(ctx);
	free(i.data);
}

/* RK3588: two bridges on two different ITS; each msi-map follows its own. */
static void test_two_its(void **state)
{
	struct blob h = load("rockchip-rk3588-evb1", ".dtb"), i = load(INMATE, ".dtb");
	struct cell_handoff_opts o = CELL_HANDOFF_OPTS_INIT;
	const char *paths[2] = { "/pcie@fe180000", "/pcie@fe150000" };
	static const char *const its[2] = {
		"/interrupt-controller@d1d00000/msi-controller@fe640000",
		"/interrupt-controller@d1d00000/msi-controller@fe660000" };
	cell_handoff *r;
	const void *ib;
	size_t is, k;
	cell_ctx *ctx;

	(void)state;
	assert_int_equal(cell_ctx_new(&ctx), 0);
	o.flags = CELL_HANDOFF_DROP_UNRESOLVED;
	assert_int_equal(cell_dt_handoff(ctx, h.data, h.size, i.data, i.size, paths, 2, &o,
					 &r), 0);
	ib = cell_handoff_inmate_blob(r, &is);
	check_tree(ib, is, "inmate", NULL, NULL);
	for (k = 0; k < 2; k++) {
		int br = fdt_path_offset(ib, paths[k]), it = fdt_path_offset(ib, its[k]);
		const fdt32_t *mm = fdt_getprop(ib, br, "msi-map", NULL);

		assert_true(br >= 0 && it >= 0 && mm);
		assert_int_equal(fdt32_to_cpu(mm[1]), fdt_get_phandle(ib, it));
	}
	/* Both host ITS left the host; the other bridges' msi-map went too. */
	assert_int_equal(fdt_path_offset(cell_handoff_host_blob(r, NULL),
					 "/interrupt-controller@fe600000/msi-controller@fe660000"),
			 -FDT_ERR_NOTFOUND);
	assert_true(has_item(r, CELL_HANDOFF_DROPPED_PROP, "/pcie@fe160000", "msi-map"));
	cell_handoff_free(r);
	cell_ctx_free(ctx);
	free(h.data);
	free(i.data);
}

/* Every __local_fixups__ offset of @blob points at a phandle some node has. */
static size_t check_local_fixups(const void *blob, bool *ok)
{
	struct cell__dt_tree *t;
	struct cell__dt_node *m, *lf, *n;
	size_t cnt = 0, k;
	cell_ctx *ctx;
	char path[512];

	*ok = true;
	assert_int_equal(cell_ctx_new(&ctx), 0);
	assert_int_equal(cell__dt_parse(ctx, blob, NULL, "blob", &t), 0);
	lf = cell__dt_lookup(t, "/__local_fixups__");
	assert_non_null(lf);
	for (m = lf; m; m = cell__dt_next_in(m, lf)) {
		cell__dt_path(m, path, sizeof(path));
		n = cell__dt_lookup(t, path + strlen("/__local_fixups__"));
		if (m != lf && !n) {
			print_error("mirror %s has no node\n", path);
			*ok = false;
			continue;
		}
		if (m == lf)
			n = t->root;
		for (k = 0; k < m->nprops; k++) {
			const struct cell__dt_prop *f = &m->props[k], *p = cell__dt_prop(n, f->name);
			uint32_t i;

			for (i = 0; i < f->len / 4; i++, cnt++) {
				uint32_t off = cell__be32(f->val + 4 * i);

				if (!p || off + 4 > p->len ||
				    !cell__dt_by_phandle(t, cell__be32(p->val + off))) {
					print_error("%s %s offset %u: no phandle there\n", path,
						    f->name, off);
					*ok = false;
				}
			}
		}
	}
	cell__dt_free(t);
	cell_ctx_free(ctx);
	return cnt;
}

/* A blob with __local_fixups__ built from @name, plus a property the schema
 * does not know ("vendor,its-ref" = <phandle of @its_path>) on @user. */
static struct blob with_fixups(const char *name, const char *user, const char *its_path)
{
	struct blob in = load(name, ".dtb"), out;
	struct cell__dt_tree *t;
	struct cell__dt_node *n, *lf, *m;
	cell_ctx *ctx;
	void *b;

	assert_int_equal(cell_ctx_new(&ctx), 0);
	assert_int_equal(cell__dt_parse(ctx, in.data, NULL, name, &t), 0);
	if (user) {
		n = cell__dt_lookup(t, user);
		assert_non_null(n);
		assert_int_equal(cell__dt_setprop_u32(n, "vendor,its-ref",
			cell__dt_phandle(cell__dt_lookup(t, its_path))), 0);
		/* Only __local_fixups__ says that cell is a phandle. */
		{
			char full[512], *c, *save = NULL;

			cell__dt_path(n, full, sizeof(full));
			m = lf = cell__dt_new_child(t->root, "__local_fixups__");
			for (c = strtok_r(full, "/", &save); c && m;
			     c = strtok_r(NULL, "/", &save))
				m = cell__dt_child(m, c) ? cell__dt_child(m, c)
							 : cell__dt_new_child(m, c);
		}
		assert_non_null(m);
		assert_int_equal(cell__dt_setprop_u32(m, "vendor,its-ref", 0), 0);
	}
	assert_int_equal(cell__dt_local_fixups_rebuild(t, NULL, NULL), 0);
	assert_int_equal(cell__dt_build(ctx, t, &b, &out.size), 0);
	out.data = b;
	cell__dt_free(t);
	cell_ctx_free(ctx);
	free(in.data);
	return out;
}

/* __local_fixups__ is used (a phandle the schema cannot see follows the
 * ITS) and kept exact in both outputs. */
static void test_local_fixups(void **state)
{
	struct blob h = with_fixups("phytium-ft2004-devboard", "/soc/pcie",
				    "/interrupt-controller@29900000/gic-its@29920000");
	struct blob i = with_fixups(INMATE, NULL, NULL);
	struct blob h2 = with_fixups("phytium-ft2004-devboard", "/soc/eth@2820c000",
				     "/interrupt-controller@29900000/gic-its@29920000");
	cell_handoff *r = NULL;
	const void *ib, *hb;
	const fdt32_t *v;
	cell_ctx *ctx;
	bool ok;
	int br, its, lf;

	(void)state;
	assert_int_equal(cell_ctx_new(&ctx), 0);
	if (run(&h, &i, "/soc/pcie", 0, ctx, &r))
		fail_msg("%s", cell_ctx_last_error(ctx));
	ib = cell_handoff_inmate_blob(r, NULL);
	hb = cell_handoff_host_blob(r, NULL);
	br = fdt_path_offset(ib, "/pcie@40000000");
	its = fdt_path_offset(ib, "/interrupt-controller@d1d00000/gic-its@29920000");
	v = fdt_getprop(ib, br, "vendor,its-ref", NULL);
	assert_non_null(v);
	assert_int_equal(fdt32_to_cpu(*v), fdt_get_phandle(ib, its));
	/* Both outputs describe their phandles exactly. */
	assert_true(check_local_fixups(ib, &ok) > 0);
	assert_true(ok);
	assert_true(check_local_fixups(hb, &ok) > 0);
	assert_true(ok);
	lf = fdt_path_offset(ib, "/__local_fixups__/pcie@40000000");
	assert_true(lf >= 0);
	assert_non_null(fdt_getprop(ib, lf, "vendor,its-ref", NULL));
	assert_non_null(fdt_getprop(ib, lf, "msi-parent", NULL));
	/* The virtual host's re-encoded map: phandles at cells 4, 14, 24, 34. */
	lf = fdt_path_offset(ib, "/__local_fixups__/pci@7000000");
	v = fdt_getprop(ib, lf, "interrupt-map", NULL);
	assert_non_null(v);
	assert_int_equal(fdt32_to_cpu(v[1]), 14 * 4);
	assert_int_equal(fdt_path_offset(hb, "/__local_fixups__/soc/pcie"), -FDT_ERR_NOTFOUND);
	cell_handoff_free(r);
	r = NULL;

	/* A staying node referencing the ITS only through __local_fixups__. */
	assert_int_equal(run(&h2, &i, "/soc/pcie", 0, ctx, &r), -EBUSY);
	assert_int_equal(run(&h2, &i, "/soc/pcie", CELL_HANDOFF_DRY_RUN, ctx, &r), 0);
	assert_true(has_item(r, CELL_HANDOFF_INBOUND, "/soc/eth@2820c000", "vendor,its-ref"));
	cell_handoff_free(r);
	cell_ctx_free(ctx);
	free(h.data);
	free(h2.data);
	free(i.data);
}

/* Negative control: the checker sees a naive copy's dangling msi-parent. */
static void test_checker_detects(void **state)
{
	struct blob i = load(INMATE, ".dtb");
	static struct issues found;
	size_t sz = i.size + 256;
	uint8_t *buf = malloc(sz);

	(void)state;
	assert_non_null(buf);
	assert_int_equal(fdt_open_into(i.data, buf, (int)sz), 0);
	assert_int_equal(fdt_setprop_u32(buf, fdt_path_offset(buf, "/pci@7000000"),
					 "msi-parent", 0x55), 0);
	found.len = 0;
	found.text[0] = 0;
	check_tree(buf, sz, "mutated", NULL, &found);
	assert_non_null(strstr(found.text, "/pci@7000000 msi-parent\n"));
	free(buf);
	free(i.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_fixtures_symbols),
		cmocka_unit_test(test_symbols_follow),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_odd_alias_paths),
		cmocka_unit_test(test_long_property_names),
		cmocka_unit_test(test_nothing_to_hand_off),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_collision),
		cmocka_unit_test(test_checker_detects),
		cmocka_unit_test(test_parent_dma_ranges),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_two_its),
		cmocka_unit_test(test_local_fixups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
