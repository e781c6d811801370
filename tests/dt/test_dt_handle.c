/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cell_dt handles: on every fixture tree, discovery and handoff through a
 * handle give exactly what the blob entry points give (return code,
 * message, every list entry, both output blobs, the report); a bad blob is
 * refused at cell_dt_new() as discovery refuses it; the handle keeps its
 * own copy; and threads share one handle.
 */
#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include <libcell/dt.h>
#include <libcell/gic.h>
#include <libcell/pci.h>

#include "dt_test.h"
#include "dt/fdt_util.h"
#include "dt/tree.h"

#define INMATE "jailhouse-inmate-qemu-arm64.dtb"

/* A discovery outcome as comparable bytes: rc, message, every entry. */
struct out {
	int rc;
	char msg[512];
	uint8_t *data;
	size_t len;
};

static void put(struct out *o, const void *p, size_t n)
{
	o->data = realloc(o->data, o->len + n);
	assert_non_null(o->data);
	memcpy(o->data + o->len, p, n);
	o->len += n;
}

/* Getter @get(list, idx[, sub], &v) into @o; the library callocs its
 * arrays, so the structs compare with their padding. */
#define PUT(o, get, T, ...)						\
	do {								\
		T v_;							\
		memset(&v_, 0, sizeof(v_));				\
		assert_int_equal(get(__VA_ARGS__, &v_), 0);		\
		put(o, &v_, sizeof(v_));				\
	} while (0)

static void record(struct out *o, cell_ctx *ctx, int rc)
{
	memset(o, 0, sizeof(*o));
	o->rc = rc;
	if (rc)
		snprintf(o->msg, sizeof(o->msg), "%s", cell_ctx_last_error(ctx));
}

static void gic_out(struct out *o, cell_ctx *ctx, int rc, cell_gic_list *l)
{
	size_t i, k;

	record(o, ctx, rc);
	if (rc)
		return;
	for (i = 0; i < cell_gic_count(l); i++) {
		struct cell_gic g;

		assert_int_equal(cell_gic_get(l, i, &g), 0);
		PUT(o, cell_gic_get, struct cell_gic, l, i);
		for (k = 0; k < g.redist_count; k++)
			PUT(o, cell_gic_redist_get, struct cell_dt_region, l, i, k);
		for (k = 0; k < g.its_count; k++)
			PUT(o, cell_gic_its_get, struct cell_gic_its, l, i, k);
	}
	for (i = 0; i < cell_gic_cpu_count(l); i++)
		PUT(o, cell_gic_cpu_get, struct cell_dt_cpu, l, i);
	cell_gic_list_free(l);
}

static void pci_out(struct out *o, cell_ctx *ctx, int rc, cell_pci_list *l)
{
	size_t i, k;

	record(o, ctx, rc);
	if (rc)
		return;
	for (i = 0; i < cell_pci_count(l); i++) {
		struct cell_pci_host h;

		assert_int_equal(cell_pci_host_get(l, i, &h), 0);
		PUT(o, cell_pci_host_get, struct cell_pci_host, l, i);
		for (k = 0; k < h.reg_count; k++)
			PUT(o, cell_pci_reg_get, struct cell_pci_reg, l, i, k);
		for (k = 0; k < h.window_count; k++)
			PUT(o, cell_pci_window_get, struct cell_pci_window, l, i, k);
		for (k = 0; k < h.msi_parent_count; k++)
			PUT(o, cell_pci_msi_parent_get, struct cell_pci_msi_parent, l, i, k);
		for (k = 0; k < h.msi_map_count; k++)
			PUT(o, cell_pci_msi_map_get, struct cell_pci_msi_map, l, i, k);
		for (k = 0; k < h.intx_count; k++)
			PUT(o, cell_pci_intx_get, struct cell_pci_intx, l, i, k);
	}
	cell_pci_list_free(l);
}

static void handoff_out(struct out *o, cell_ctx *ctx, int rc, cell_handoff *h)
{
	const void *b;
	char *json;
	size_t n;

	record(o, ctx, rc);
	if (rc)
		return;
	b = cell_handoff_host_blob(h, &n);
	put(o, b, n);
	b = cell_handoff_inmate_blob(h, &n);
	put(o, b, n);
	assert_int_equal(cell_handoff_report_json(ctx, h, &json), 0);
	put(o, json, strlen(json));
	cell_free(json);
	cell_handoff_free(h);
}

static void assert_same(const struct out *a, const struct out *b, const char *what,
			const char *file)
{
	if (a->rc != b->rc || strcmp(a->msg, b->msg) || a->len != b->len ||
	    (a->len && memcmp(a->data, b->data, a->len)))
		fail_msg("%s: %s differs: blob %d \"%s\" (%zu bytes), handle %d \"%s\" (%zu bytes)",
			 file, what, a->rc, a->msg, a->len, b->rc, b->msg, b->len);
	free(a->data);
	free(b->data);
}

/* Both ways on one tree: discovery, then handoffs under two policies. */
static void compare(cell_ctx *ctx, const char *name, const void *blob, size_t size,
		    const void *inm, size_t inm_size, const cell_dt *inm_dt)
{
	static const uint32_t flags[] = {
		0, CELL_HANDOFF_DROP_UNRESOLVED | CELL_HANDOFF_KEEP_SHARED_ITS,
	};
	struct cell_handoff_opts opts = CELL_HANDOFF_OPTS_INIT;
	struct out a, b;
	cell_gic_list *gl = NULL;
	cell_pci_list *pl = NULL;
	cell_handoff *h = NULL;
	cell_dt *dt;
	size_t i;
	int rc;

	assert_int_equal(cell_dt_new(ctx, blob, size, &dt), 0);
	rc = cell_gic_discover(ctx, blob, size, &gl);
	gic_out(&a, ctx, rc, gl);
	rc = cell_dt_gic_discover(ctx, dt, &gl);
	gic_out(&b, ctx, rc, gl);
	assert_same(&a, &b, "GIC discovery", name);
	rc = cell_pci_discover(ctx, blob, size, &pl);
	pci_out(&a, ctx, rc, pl);
	rc = cell_dt_pci_discover(ctx, dt, &pl);
	pci_out(&b, ctx, rc, pl);
	assert_same(&a, &b, "PCI discovery", name);
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		opts.flags = flags[i];
		rc = cell_dt_handoff(ctx, blob, size, inm, inm_size, NULL, 0, &opts, &h);
		handoff_out(&a, ctx, rc, h);
		rc = cell_dt_handoff_trees(ctx, dt, inm_dt, NULL, 0, &opts, &h);
		handoff_out(&b, ctx, rc, h);
		assert_same(&a, &b, "handoff", name);
	}
	cell_dt_free(dt);
}

static void same_results_on_fixtures(void **state)
{
	char dir[512], path[1024];
	size_t inm_size, size, n = 0;
	cell_dt *inm_dt;
	struct dirent *e;
	cell_ctx *ctx;
	void *inm;
	DIR *d;

	(void)state;
	assert_int_equal(cell_ctx_new(&ctx), 0);
	inm = dt_fixture(ctx, INMATE, &inm_size);
	assert_int_equal(cell_dt_new(ctx, inm, inm_size, &inm_dt), 0);
	snprintf(dir, sizeof(dir), "%s/dt/dtb", CELL_FIXTURES);
	d = opendir(dir);
	assert_non_null(d);
	while ((e = readdir(d))) {
		uint8_t *blob;
		size_t len = strlen(e->d_name);

		if (len < 4 || strcmp(e->d_name + len - 4, ".dtb"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		assert_int_equal(cell__read_file(ctx, path, 1 << 24, &blob, &size), 0);
		compare(ctx, e->d_name, blob, size, inm, inm_size, inm_dt);
		free(blob);
		n++;
	}
	closedir(d);
	/* The fixture set has about twenty trees; an empty walk proves nothing. */
	assert_true(n >= 10);
	cell_dt_free(inm_dt);
	free(inm);
	cell_ctx_free(ctx);
}

/* The handoff's model parsed from a blob's index equals the one its walk
 * parses: both serialise to the same bytes. */
static void parse_from_index_equals_walk(void **state)
{
	char dir[512], path[1024];
	struct dirent *e;
	cell_ctx *ctx;
	size_t n = 0;
	DIR *d;

	(void)state;
	assert_int_equal(cell_ctx_new(&ctx), 0);
	snprintf(dir, sizeof(dir), "%s/dt/dtb", CELL_FIXTURES);
	d = opendir(dir);
	assert_non_null(d);
	while ((e = readdir(d))) {
		struct cell__dt_tree *tw, *ti;
		struct cell__fdt_index ix;
		size_t len = strlen(e->d_name), size, sw, si;
		void *bw, *bi;
		uint8_t *blob;

		if (len < 4 || strcmp(e->d_name + len - 4, ".dtb"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		assert_int_equal(cell__read_file(ctx, path, 1 << 24, &blob, &size), 0);
		assert_int_equal(cell__fdt_check_blob(blob, size, &ix), 0);
		assert_true(ix.active);
		assert_int_equal(cell__dt_parse(ctx, blob, NULL, "walk", &tw), 0);
		assert_int_equal(cell__dt_parse(ctx, blob, &ix, "index", &ti), 0);
		assert_int_equal(cell__dt_build(ctx, tw, &bw, &sw), 0);
		assert_int_equal(cell__dt_build(ctx, ti, &bi, &si), 0);
		if (sw != si || memcmp(bw, bi, sw))
			fail_msg("%s: parsed from the index differs from the walk", e->d_name);
		free(bw);
		free(bi);
		cell__dt_free(tw);
		cell__dt_free(ti);
		cell__fdt_index_free(&ix);
		free(blob);
		n++;
	}
	closedir(d);
	assert_true(n >= 10);
	cell_ctx_free(ctx);
}

static void bad_blobs_refused_like_discovery(void **state)
{
	static char sentinel;
	cell_gic_list *gl;
	cell_dt *dt = (cell_dt *)&sentinel;
	char msg[512];
	size_t size;
	cell_ctx *ctx;
	uint8_t *blob;

	(void)state;
	assert_int_equal(cell_ctx_new(&ctx), 0);
	blob = dt_fixture(ctx, INMATE, &size);
	/* Truncated: the header's totalsize is beyond the buffer. */
	assert_int_equal(cell_gic_discover(ctx, blob, size - 1, &gl), -EBADMSG);
	snprintf(msg, sizeof(msg), "%s", cell_ctx_last_error(ctx));
	assert_int_equal(cell_dt_new(ctx, blob, size - 1, &dt), -EBADMSG);
	assert_string_equal(cell_ctx_last_error(ctx), msg);
	assert_ptr_equal(dt, &sentinel);	/* out untouched on failure */
	/* Shorter than a header. */
	assert_int_equal(cell_dt_new(ctx, blob, 8, &dt), -EBADMSG);
	assert_non_null(strstr(cell_ctx_last_error(ctx), "shorter than a header"));
	/* A broken structure block. */
	blob[fdt_off_dt_struct(blob)] ^= 0xff;
	assert_int_equal(cell_dt_new(ctx, blob, size, &dt), -EBADMSG);
	assert_non_null(strstr(cell_ctx_last_error(ctx), "invalid blob"));
	assert_int_equal(cell_dt_new(ctx, NULL, size, &dt), -EINVAL);
	assert_int_equal(cell_dt_new(ctx, blob, size, NULL), -EINVAL);
	assert_int_equal(cell_dt_gic_discover(ctx, NULL, &gl), -EINVAL);
	assert_int_equal(cell_dt_pci_discover(ctx, NULL, NULL), -EINVAL);
	assert_int_equal(cell_dt_handoff_trees(ctx, NULL, NULL, NULL, 0, NULL, NULL),
			 -EINVAL);
	assert_null(cell_dt_blob(NULL, &size));
	cell_dt_free(NULL);
	free(blob);
	cell_ctx_free(ctx);
}

static void handle_owns_its_copy(void **state)
{
	size_t size, got = 0;
	cell_gic_list *gl;
	const void *copy;
	cell_ctx *ctx;
	uint8_t *blob, *orig;
	cell_dt *dt;

	(void)state;
	assert_int_equal(cell_ctx_new(&ctx), 0);
	blob = dt_fixture(ctx, "nxp-ls1028a-rdb.dtb", &size);
	orig = malloc(size);
	assert_non_null(orig);
	memcpy(orig, blob, size);
	assert_int_equal(cell_dt_new(ctx, blob, size, &dt), 0);
	/* The caller's buffer goes; the handle must not need it (ASan). */
	memset(blob, 0xa5, size);
	free(blob);
	copy = cell_dt_blob(dt, &got);
	assert_int_equal(got, fdt_totalsize(orig));
	assert_memory_equal(copy, orig, got);
	assert_int_equal(cell_dt_gic_discover(ctx, dt, &gl), 0);
	assert_int_equal(cell_gic_count(gl), 1);
	cell_gic_list_free(gl);
	cell_dt_free(dt);
	free(orig);
	cell_ctx_free(ctx);
}

struct worker {
	const cell_dt *dt;
	struct out expect;
	int mismatches;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	cell_ctx *ctx;
	int i, rc;

	if (cell_ctx_new(&ctx))
		return NULL;
	for (i = 0; i < 50; i++) {
		cell_pci_list *pl = NULL;
		struct out o;

		rc = cell_dt_pci_discover(ctx, w->dt, &pl);
		pci_out(&o, ctx, rc, pl);
		if (o.len != w->expect.len || memcmp(o.data, w->expect.data, o.len))
			w->mismatches++;
		free(o.data);
	}
	cell_ctx_free(ctx);
	return NULL;
}

/* One handle, four threads discovering at once: each walk keeps its own
 * place (the handle is only read). */
static void threads_share_a_handle(void **state)
{
	struct worker w[4];
	pthread_t t[4];
	cell_pci_list *pl;
	cell_ctx *ctx;
	size_t size, i;
	uint8_t *blob;
	cell_dt *dt;
	int rc;

	(void)state;
	assert_int_equal(cell_ctx_new(&ctx), 0);
	blob = dt_fixture(ctx, "rockchip-rk3588-evb1.dtb", &size);
	assert_int_equal(cell_dt_new(ctx, blob, size, &dt), 0);
	for (i = 0; i < 4; i++) {
		w[i].dt = dt;
		w[i].mismatches = 0;
		rc = cell_pci_discover(ctx, blob, size, &pl);
		pci_out(&w[i].expect, ctx, rc, pl);
		assert_int_equal(w[i].expect.rc, 0);
		assert_true(w[i].expect.len > 0);
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(w[i].mismatches, 0);
		free(w[i].expect.data);
	}
	cell_dt_free(dt);
	free(blob);
	cell_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_results_on_fixtures),
		cmocka_unit_test(parse_from_index_equals_walk),
		cmocka_unit_test(bad_blobs_refused_like_discovery),
		cmocka_unit_test(handle_owns_its_copy),
		cmocka_unit_test(threads_share_a_handle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
