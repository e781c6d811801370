/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * __fixups__ through the device-tree handoff. The trees are compiled here
 * with `dtc -@` from /plugin/ sources whose nodes reference labels they do
 * not define, so each reference is a 0xffffffff placeholder listed in
 * /__fixups__ as "path:property:offset". Checks: placeholders are neither
 * renumbered nor reported as dangling, entries of moved nodes follow them
 * into the inmate (merged with its own entries), entries of deleted host
 * nodes leave the host, staying and disabled nodes keep theirs, and a
 * placeholder in a re-encoded property is refused. Skips (77) without dtc.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <libfdt.h>

#include <libcell/cell.h>

#include "dt/refs.h"
#include "dt/tree.h"
#include "internal.h"
#include "mutate.h"

#define PH_EXT 0xffffffffu	/* dtc's placeholder value */

static const char host_dts[] =
	"/dts-v1/;\n/plugin/;\n"
	"/ {\n"
	"	#address-cells = <2>;\n	#size-cells = <2>;\n"
	"	interrupt-parent = <&gic>;\n"
	"	gic: interrupt-controller@8000000 {\n"
	"		compatible = \"arm,gic-v3\";\n"
	"		#interrupt-cells = <3>;\n		interrupt-controller;\n"
	"		#address-cells = <2>;\n		#size-cells = <2>;\n		ranges;\n"
	"		reg = <0 0x8000000 0 0x10000>, <0 0x80a0000 0 0xf60000>;\n"
	"		its: msi-controller@8080000 {\n"
	"			compatible = \"arm,gic-v3-its\";\n"
	"			msi-controller;\n"
	"			reg = <0 0x8080000 0 0x20000>;\n"
	"		};\n"
	"	};\n"
	"	ethernet@9000000 {\n"
	"		compatible = \"vendor,eth\";\n"
	"		reg = <0 0x9000000 0 0x1000>;\n"
	"		clocks = <&ext_clk 7>;\n"
	"	};\n"
	"	pcie@10000000 {\n"
	"		compatible = \"pci-host-ecam-generic\";\n"
	"		device_type = \"pci\";\n"
	"		#address-cells = <3>;\n		#size-cells = <2>;\n"
	"		reg = <0 0x10000000 0 0x1000000>;\n"
	"		bus-range = <0 0xf>;\n"
	"		ranges = <0x02000000 0 0x20000000 0 0x20000000 0 0x10000000>;\n"
	"		msi-parent = <&ext_msi 0x10 &its>;\n"
	"		resets = <&ext_rst 3>;\n"
	"		vendor,ext = <&ext_pwr>;\n"
	"%s"
	"		dev@0,0 {\n"
	"			reg = <0 0 0 0 0>;\n"
	"			clocks = <&ext_clk 1>, <&ext_clk 2>;\n"
	"		};\n"
	"	};\n"
	"};\n";

/* Extra bridge properties for the refusal case. */
static const char imap_ext[] =
	"		#interrupt-cells = <1>;\n"
	"		interrupt-map-mask = <0 0 0 7>;\n"
	"		interrupt-map = <0 0 0 1 &ext_intc 0 0 0 3 4>;\n";

static const char inmate_dts[] =
	"/dts-v1/;\n/plugin/;\n"
	"/ {\n"
	"	#address-cells = <2>;\n	#size-cells = <2>;\n"
	"	interrupt-parent = <&gic>;\n"
	"	gic: interrupt-controller@d1d00000 {\n"
	"		compatible = \"arm,gic-v3\";\n"
	"		#interrupt-cells = <3>;\n		interrupt-controller;\n"
	"		#address-cells = <2>;\n		#size-cells = <2>;\n		ranges;\n"
	"		reg = <0 0xd1d00000 0 0x10000>, <0 0xd1e00000 0 0x100000>;\n"
	"	};\n"
	"	serial@9100000 {\n"
	"		compatible = \"vendor,uart\";\n"
	"		reg = <0 0x9100000 0 0x1000>;\n"
	"		clocks = <&ext_clk 5>;\n"
	"		resets = <&ext_rst 3>;\n"
	"	};\n"
	"};\n";

struct blob {
	uint8_t *data;
	size_t size;
};

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* dtc -@ @dts into a blob. */
static struct blob compile(const char *name, const char *dts)
{
	char src[512], dtb[512], cmd[1600];
	struct blob b = { NULL, 0 };
	cell_ctx *ctx;

	snprintf(src, sizeof(src), CELL_FX_DIR "/%s.dts", name);
	snprintf(dtb, sizeof(dtb), CELL_FX_DIR "/%s.dtb", name);
	write_file(src, dts, strlen(dts));
	snprintf(cmd, sizeof(cmd), "'%s' -q -@ -I dts -O dtb -o '%s' '%s'", CELL_DTC, dtb, src);
	if (system(cmd))
		fail_msg("dtc failed on %s", src);
	assert_int_equal(cell_ctx_new(&ctx), 0);
	if (cell__read_file(ctx, dtb, 1u << 20, &b.data, &b.size))
		fail_msg("%s", cell_ctx_last_error(ctx));
	cell_ctx_free(ctx);
	return b;
}

static struct blob host_blob(const char *name, const char *extra)
{
	char dts[sizeof(host_dts) + sizeof(imap_ext)];

	snprintf(dts, sizeof(dts), host_dts, extra);
	return compile(name, dts);
}

/* dtc's warnings about @blob, each cut to "Warning (check): /path[:prop]"
 * (dtc misreads the cells after a placeholder, and the message names what
 * it took for a phandle, which differs between trees). */
static void dtc_warnings(const void *blob, size_t size, const char *name, char *out,
			 size_t len)
{
	char path[512], cmd[1200], line[1024];
	size_t off = 0;
	FILE *p;

	snprintf(path, sizeof(path), CELL_FX_DIR "/%s.dtb", name);
	write_file(path, blob, size);
	snprintf(cmd, sizeof(cmd), "'%s' -I dtb -O dts -o /dev/null '%s' 2>&1", CELL_DTC, path);
	p = popen(cmd, "r");
	assert_non_null(p);
	out[0] = 0;
	while (fgets(line, sizeof(line), p)) {
		char *w = strstr(line, "Warning ("), *end;

		if (!w)
			continue;
		end = strstr(w, "): ");
		end = end ? strstr(end + 3, ": ") : NULL;
		if (end)
			*end = 0;
		if (off + strlen(w) + 2 < len)
			off += (size_t)snprintf(out + off, len - off, "%s\n", w);
	}
	assert_int_equal(pclose(p), 0);
}

/* No dtc warning in @out that neither input had. */
static void no_new_warnings(const struct blob *h, const struct blob *i, const void *out,
			    size_t size, const char *name)
{
	static char before[16384], after[8192], hw[8192];
	char *line, *save = NULL;

	dtc_warnings(h->data, h->size, "w-host", hw, sizeof(hw));
	dtc_warnings(i->data, i->size, "w-inmate", before, sizeof(before) / 2);
	strcat(before, hw);
	dtc_warnings(out, size, name, after, sizeof(after));
	for (line = strtok_r(after, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (!strstr(before, line))
			fail_msg("%s: new dtc warning: %s", name, line);
}

/* Placeholders are skipped, everything else resolves. */
static int dangling_cb(void *arg, const struct cell__dt_ref *r)
{
	char p[256];

	if (!r->target) {
		print_error("%s %s cell %u: phandle 0x%x has no node\n",
			    cell__dt_path(r->node, p, sizeof(p)), r->prop, r->cell, r->phandle);
		++*(int *)arg;
	}
	return 0;
}

static void check_tree(const void *blob, size_t size)
{
	struct cell__dt_tree *t;
	struct cell__dt_node *n;
	cell_ctx *ctx;
	int bad = 0;
	size_t k;

	assert_int_equal(fdt_check_full(blob, size), 0);
	assert_int_equal(cell_ctx_new(&ctx), 0);
	assert_int_equal(cell__dt_parse(ctx, blob, NULL, "tree", &t), 0);
	for (n = t->root; n; n = cell__dt_next(n)) {
		if (cell__dt_is_meta(n))
			continue;
		for (k = 0; k < n->nprops; k++) {
			const char *why = NULL;

			if (cell__dt_prop_refs(t, n, &n->props[k], dangling_cb, &bad, &why)) {
				print_error("%s: %s\n", n->props[k].name, why);
				bad++;
			}
		}
	}
	cell__dt_free(t);
	cell_ctx_free(ctx);
	assert_int_equal(bad, 0);
}

/* Property @prop of /__fixups__ is exactly the @n strings given. */
static void fixups_are(const void *blob, const char *label, size_t n, ...)
{
	int fx = fdt_path_offset(blob, "/__fixups__"), len = 0;
	const char *v = fx >= 0 ? fdt_getprop(blob, fx, label, &len) : NULL;
	char want[1024];
	size_t off = 0, i;
	va_list ap;

	va_start(ap, n);
	for (i = 0; i < n; i++) {
		const char *s = va_arg(ap, const char *);

		memcpy(want + off, s, strlen(s) + 1);
		off += strlen(s) + 1;
	}
	va_end(ap);
	if (!n) {
		assert_null(v);
		return;
	}
	if (!v)
		fail_msg("/__fixups__/%s missing", label);
	assert_int_equal((size_t)len, off);
	assert_memory_equal(v, want, off);
}

static uint32_t cell_at(const void *blob, const char *path, const char *prop, int i)
{
	int off = fdt_path_offset(blob, path), len = 0;
	const fdt32_t *v = off >= 0 ? fdt_getprop(blob, off, prop, &len) : NULL;

	if (!v || len < 4 * (i + 1))
		fail_msg("%s %s has no cell %d", path, prop, i);
	return fdt32_to_cpu(v[i]);
}

static int run(const struct blob *h, const struct blob *i, uint32_t flags, cell_ctx *ctx,
	       cell_handoff **out)
{
	struct cell_handoff_opts o = CELL_HANDOFF_OPTS_INIT;
	const char *paths[1] = { "/pcie@10000000" };

	o.flags = flags;
	return cell_dt_handoff(ctx, h->data, h->size, i->data, i->size, paths, 1, &o, out);
}

/* Moved entries follow their node; the staying node's entry stays. */
static void test_fixups_follow(void **state)
{
	struct blob h = host_blob("host", ""), i = compile("inmate", inmate_dts);
	cell_handoff *r = NULL, *r2 = NULL;
	const void *hb, *ib;
	size_t hs, is, s2;
	cell_ctx *ctx;

	(void)state;
	assert_int_equal(cell_ctx_new(&ctx), 0);
	/* The inputs as dtc built them. */
	fixups_are(h.data, "ext_clk", 3, "/ethernet@9000000:clocks:0",
		   "/pcie@10000000/dev@0,0:clocks:0", "/pcie@10000000/dev@0,0:clocks:8");
	fixups_are(i.data, "ext_clk", 1, "/serial@9100000:clocks:0");
	check_tree(h.data, h.size);
	check_tree(i.data, i.size);

	if (run(&h, &i, 0, ctx, &r))
		fail_msg("%s", cell_ctx_last_error(ctx));
	assert_int_equal(cell_handoff_unresolved(r), 0);
	hb = cell_handoff_host_blob(r, &hs);
	ib = cell_handoff_inmate_blob(r, &is);
	check_tree(hb, hs);
	check_tree(ib, is);

	/* Inmate: merged into its own labels, new labels added. */
	fixups_are(ib, "ext_clk", 3, "/serial@9100000:clocks:0",
		   "/pcie@10000000/dev@0,0:clocks:0", "/pcie@10000000/dev@0,0:clocks:8");
	fixups_are(ib, "ext_rst", 2, "/serial@9100000:resets:0", "/pcie@10000000:resets:0");
	fixups_are(ib, "ext_msi", 1, "/pcie@10000000:msi-parent:0");
	fixups_are(ib, "ext_pwr", 1, "/pcie@10000000:vendor,ext:0");
	/* Placeholders kept; the ITS after one renumbered to the grafted ITS. */
	assert_int_equal(cell_at(ib, "/pcie@10000000", "msi-parent", 0), PH_EXT);
	assert_int_equal(cell_at(ib, "/pcie@10000000", "msi-parent", 1), 0x10);
	assert_int_equal(cell_at(ib, "/pcie@10000000", "msi-parent", 2),
			 fdt_get_phandle(ib, fdt_path_offset(ib,
				"/interrupt-controller@d1d00000/msi-controller@8080000")));
	assert_int_equal(cell_at(ib, "/pcie@10000000", "resets", 0), PH_EXT);
	assert_int_equal(cell_at(ib, "/pcie@10000000", "vendor,ext", 0), PH_EXT);
	assert_int_equal(cell_at(ib, "/pcie@10000000/dev@0,0", "clocks", 0), PH_EXT);
	assert_int_equal(cell_at(ib, "/pcie@10000000/dev@0,0", "clocks", 1), 1);
	assert_int_equal(cell_at(ib, "/pcie@10000000/dev@0,0", "clocks", 2), PH_EXT);
	/* The ITS cell after the placeholder is listed in __local_fixups__. */
	assert_int_equal(cell_at(ib, "/__local_fixups__/pcie@10000000", "msi-parent", 0), 8);

	/* Host: the deleted bridge's entries and emptied labels gone; the
	 * staying node's entry and placeholder as they were. */
	fixups_are(hb, "ext_clk", 1, "/ethernet@9000000:clocks:0");
	fixups_are(hb, "ext_rst", 0);
	fixups_are(hb, "ext_msi", 0);
	fixups_are(hb, "ext_pwr", 0);
	assert_int_equal(cell_at(hb, "/ethernet@9000000", "clocks", 0), PH_EXT);
	assert_int_equal(cell_at(hb, "/ethernet@9000000", "clocks", 1), 7);

	no_new_warnings(&h, &i, hb, hs, "out-host");
	no_new_warnings(&h, &i, ib, is, "out-inmate");

	/* Deterministic. */
	assert_int_equal(run(&h, &i, 0, ctx, &r2), 0);
	assert_memory_equal(cell_handoff_inmate_blob(r2, &s2), ib, is);
	assert_int_equal(s2, is);
	assert_memory_equal(cell_handoff_host_blob(r2, &s2), hb, hs);
	assert_int_equal(s2, hs);
	cell_handoff_free(r2);
	cell_handoff_free(r);
	cell_ctx_free(ctx);
	free(h.data);
	free(i.data);
}

/* The last host entry of the only label: the host's __fixups__ goes. */
static void test_fixups_emptied(void **state)
{
	static const char solo[] =
		"/dts-v1/;\n/plugin/;\n"
		"/ {\n"
		"	#address-cells = <2>;\n	#size-cells = <2>;\n"
		"	gic: interrupt-controller@8000000 {\n"
		"		compatible = \"arm,gic-v3\";\n"
		"		#interrupt-cells = <3>;\n		interrupt-controller;\n"
		"		reg = <0 0x8000000 0 0x10000>;\n"
		"	};\n"
		"	pcie@10000000 {\n"
		"		device_type = \"pci\";\n"
		"		#address-cells = <3>;\n		#size-cells = <2>;\n"
		"		reg = <0 0x10000000 0 0x1000000>;\n"
		"		ranges = <0x02000000 0 0x20000000 0 0x20000000 0 0x10000000>;\n"
		"		msi-parent = <&external_its>;\n"
		"	};\n"
		"};\n";
	struct blob h = compile("solo", solo), i = compile("inmate", inmate_dts);
	cell_handoff *r = NULL;
	const void *hb, *ib;
	size_t is;
	cell_ctx *ctx;

	(void)state;
	assert_int_equal(cell_ctx_new(&ctx), 0);
	if (run(&h, &i, 0, ctx, &r))
		fail_msg("%s", cell_ctx_last_error(ctx));
	hb = cell_handoff_host_blob(r, NULL);
	ib = cell_handoff_inmate_blob(r, &is);
	assert_int_equal(fdt_path_offset(hb, "/__fixups__"), -FDT_ERR_NOTFOUND);
	fixups_are(ib, "external_its", 1, "/pcie@10000000:msi-parent:0");
	assert_int_equal(cell_at(ib, "/pcie@10000000", "msi-parent", 0), PH_EXT);
	check_tree(ib, is);
	cell_handoff_free(r);
	cell_ctx_free(ctx);
	free(h.data);
	free(i.data);
}

/* disable-host: the host keeps the bridge, so it keeps its entries. */
static void test_fixups_disable_host(void **state)
{
	struct blob h = host_blob("host", ""), i = compile("inmate", inmate_dts);
	cell_handoff *r = NULL;
	const void *hb, *ib;
	int a, b, la, lb;
	cell_ctx *ctx;

	(void)state;
	assert_int_equal(cell_ctx_new(&ctx), 0);
	if (run(&h, &i, CELL_HANDOFF_DISABLE_HOST, ctx, &r))
		fail_msg("%s", cell_ctx_last_error(ctx));
	hb = cell_handoff_host_blob(r, NULL);
	ib = cell_handoff_inmate_blob(r, NULL);
	a = fdt_path_offset(h.data, "/__fixups__");
	b = fdt_path_offset(hb, "/__fixups__");
	assert_true(a >= 0 && b >= 0);
	for (a = fdt_first_property_offset(h.data, a), b = fdt_first_property_offset(hb, b);
	     a >= 0 && b >= 0;
	     a = fdt_next_property_offset(h.data, a), b = fdt_next_property_offset(hb, b)) {
		const char *na, *nb;
		const void *va = fdt_getprop_by_offset(h.data, a, &na, &la);
		const void *vb = fdt_getprop_by_offset(hb, b, &nb, &lb);

		assert_string_equal(na, nb);
		assert_int_equal(la, lb);
		assert_memory_equal(va, vb, (size_t)la);
	}
	assert_true(a < 0 && b < 0);
	assert_string_equal(fdt_getprop(hb, fdt_path_offset(hb, "/pcie@10000000"), "status",
					NULL), "disabled");
	fixups_are(ib, "ext_rst", 2, "/serial@9100000:resets:0", "/pcie@10000000:resets:0");
	cell_handoff_free(r);
	cell_ctx_free(ctx);
	free(h.data);
	free(i.data);
}

/* A placeholder in a re-encoded property: refused, naming it. */
static void test_fixups_reencoded_refused(void **state)
{
	struct blob h = host_blob("host-imap", imap_ext), i = compile("inmate", inmate_dts);
	cell_handoff *r = NULL;
	const char *msg;
	cell_ctx *ctx;

	(void)state;
	assert_int_equal(cell_ctx_new(&ctx), 0);
	assert_int_equal(run(&h, &i, 0, ctx, &r), -ENOTSUP);
	assert_null(r);
	msg = cell_ctx_last_error(ctx);
	assert_non_null(strstr(msg, "/pcie@10000000: interrupt-map: byte 16"));
	assert_non_null(strstr(msg, "'ext_intc'"));
	/* Not something a policy works around. */
	assert_int_equal(run(&h, &i, CELL_HANDOFF_DROP_UNRESOLVED, ctx, &r), -ENOTSUP);
	assert_null(r);
	cell_ctx_free(ctx);
	free(h.data);
	free(i.data);
}

/* Without __local_fixups__ the width of an entry after a placeholder is
 * unknown: msi-parent cannot be decoded (its ITS cell could be an argument),
 * so the handoff refuses it instead of guessing. */
static void test_fixups_width_unknown(void **state)
{
	struct blob h = host_blob("host", ""), i = compile("inmate", inmate_dts);
	size_t sz = h.size;
	uint8_t *buf = malloc(sz);
	struct blob m = { buf, sz };
	cell_handoff *r = NULL;
	cell_ctx *ctx;

	(void)state;
	assert_non_null(buf);
	assert_int_equal(fdt_open_into(h.data, buf, (int)sz), 0);
	assert_int_equal(fdt_del_node(buf, fdt_path_offset(buf, "/__local_fixups__")), 0);
	assert_int_equal(cell_ctx_new(&ctx), 0);
	assert_int_equal(run(&m, &i, 0, ctx, &r), -EBUSY);
	assert_non_null(strstr(cell_ctx_last_error(ctx), "/pcie@10000000 msi-parent"));
	assert_int_equal(run(&m, &i, CELL_HANDOFF_DRY_RUN, ctx, &r), 0);
	{
		struct cell_handoff_item it;
		bool found = false;
		size_t k;

		for (k = 0; k < cell_handoff_count(r); k++) {
			assert_int_equal(cell_handoff_get(r, k, &it), 0);
			if (it.kind == CELL_HANDOFF_UNDECODABLE && !strcmp(it.prop, "msi-parent"))
				found = strstr(it.target, "__local_fixups__") != NULL;
			/* The placeholders themselves are not problems. */
			assert_false(it.kind == CELL_HANDOFF_UNRESOLVED &&
				     strstr(it.target, "0xffffffff"));
		}
		assert_true(found);
	}
	cell_handoff_free(r);
	cell_ctx_free(ctx);
	free(buf);
	free(h.data);
	free(i.data);
}

/* Malformed __fixups__ entries: a clear error naming the entry. */
static void test_fixups_malformed(void **state)
{
	static const struct {
		const char *entry, *msg;
	} bad[] = {
		{ "/pcie@10000000:resets", "is not \"/path:property:offset\"" },
		{ "/pcie@10000000:resets:2", "4-byte aligned" },
		{ "/nope:resets:0", "no such node" },
		{ "/pcie@10000000:nope:0", "no such property" },
		{ "/pcie@10000000:resets:8", "offset past the end" },
	};
	struct blob h = host_blob("host", ""), i = compile("inmate", inmate_dts);
	size_t sz = h.size + 512, k;
	uint8_t *buf = malloc(sz);
	cell_ctx *ctx;

	(void)state;
	assert_non_null(buf);
	assert_int_equal(cell_ctx_new(&ctx), 0);
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		struct blob m = { buf, sz };
		cell_handoff *r = NULL;

		assert_int_equal(fdt_open_into(h.data, buf, (int)sz), 0);
		assert_int_equal(fdt_setprop_string(buf, fdt_path_offset(buf, "/__fixups__"),
						    "ext_rst", bad[k].entry), 0);
		assert_int_equal(run(&m, &i, 0, ctx, &r), -EINVAL);
		assert_null(r);
		if (!strstr(cell_ctx_last_error(ctx), bad[k].msg) ||
		    !strstr(cell_ctx_last_error(ctx), "host blob: /__fixups__/ext_rst entry 0"))
			fail_msg("%s: unexpected error: %s", bad[k].entry,
				 cell_ctx_last_error(ctx));
	}
	cell_ctx_free(ctx);
	free(buf);
	free(h.data);
	free(i.data);
}

/* Corrupted fixups trees: a clean error or valid outputs, never a crash
 * (run under -DCELL_SANITIZE=ON). Deterministic PRNG. */
static void test_fixups_mutations(void **state)
{
	struct blob h = host_blob("host", ""), i = compile("inmate", inmate_dts);
	uint8_t *mh = malloc(h.size), *mi = malloc(i.size);
	uint64_t x = 0x2545f4914f6cdd1dull;
	size_t n, k, ok = 0, refused = 0;
	cell_ctx *ctx;

	(void)state;
	assert_non_null(mh);
	assert_non_null(mi);
	assert_int_equal(cell_ctx_new(&ctx), 0);
	for (n = 0; n < 400; n++) {
		struct blob a = { mh, h.size }, b = { mi, i.size };
		cell_handoff *r = NULL;
		int ret;

		memcpy(mh, h.data, h.size);
		memcpy(mi, i.data, i.size);
		for (k = 0; k < 1 + n % 3; k++) {
			if (n % 4)
				mutate_flip(&x, mh, h.size);
			else
				mutate_flip(&x, mi, i.size);
		}
		ret = run(&a, &b, n % 5 == 4 ? CELL_HANDOFF_DISABLE_HOST :
				  CELL_HANDOFF_DROP_UNRESOLVED, ctx, &r);
		if (ret) {
			assert_true(ret < 0);
			assert_null(r);
			assert_true(strlen(cell_ctx_last_error(ctx)) > 0);
			refused++;
			continue;
		}
		ok++;
		{
			size_t s1, s2;
			const void *b1 = cell_handoff_host_blob(r, &s1);
			const void *b2 = cell_handoff_inmate_blob(r, &s2);

			assert_int_equal(fdt_check_full(b1, s1), 0);
			assert_int_equal(fdt_check_full(b2, s2), 0);
		}
		cell_handoff_free(r);
	}
	print_message("  mutations: %zu handed off, %zu refused\n", ok, refused);
	assert_true(ok > 0 && refused > 0);
	cell_ctx_free(ctx);
	free(mh);
	free(mi);
	free(h.data);
	free(i.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixups_follow),
		cmocka_unit_test(test_fixups_emptied),
		cmocka_unit_test(test_fixups_disable_host),
		cmocka_unit_test(test_fixups_reencoded_refused),
		cmocka_unit_test(test_fixups_width_unknown),
		cmocka_unit_test(test_fixups_malformed),
		cmocka_unit_test(test_fixups_mutations),
	};

	if (access(CELL_DTC, X_OK)) {
		printf("SKIP: dtc not found (needed to build the test trees)\n");
		return 77;
	}
	if (mkdir(CELL_FX_DIR, 0755) && access(CELL_FX_DIR, W_OK)) {
		printf("cannot create %s\n", CELL_FX_DIR);
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
