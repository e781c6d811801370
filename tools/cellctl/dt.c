/* SPDX-License-Identifier: BSD-2-Clause */
/* cellctl gic / cellctl pci: device-tree discovery reports. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cellctl.h"

/* A DTB larger than this is not a device tree anyone boots. */

static int read_dtb(const char *path, void **buf, size_t *size)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 0, len = 0, n;
	const char *why = NULL;
	char *p = NULL, *np;

	if (!f) {
		cellctl_err("%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (len == cap) {
			if (cap >= CELLCTL_DTB_MAX) {
				why = "larger than 64 MiB";
				break;
			}
			cap = cap ? cap * 2 : 1 << 16;
			np = realloc(p, cap);
			if (!np) {
				why = "out of memory";
				break;
			}
			p = np;
		}
		n = fread(p + len, 1, cap - len, f);
		len += n;
		if (!n)
			break;
	}
	if (!why && ferror(f))
		why = "read error";
	fclose(f);
	if (why) {
		cellctl_err("%s: %s", path, why);
		free(p);
		return -1;
	}
	*buf = p;
	*size = len;
	return 0;
}

/* Parse "[--json] FILE"; returns the file or NULL after a usage message. */
static const char *parse_args(int argc, char **argv, int *json)
{
	const char *file = NULL;
	int i;

	*json = 0;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			*json = 1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			cellctl_err("%s: unknown option '%s'", argv[0], argv[i]);
			return NULL;
		} else if (file) {
			cellctl_err("%s: only one FILE.dtb", argv[0]);
			return NULL;
		} else {
			file = argv[i];
		}
	}
	if (!file)
		cellctl_err("usage: cellctl %s [--json] FILE.dtb", argv[0]);
	return file;
}

static json_t *jint(uint64_t v)
{
	return json_integer((json_int_t)v);
}

static json_t *jregion(const struct cell_dt_region *r)
{
	return json_pack("{s:o,s:o}", "base", jint(r->base), "size",
			 jint(r->size));
}

static json_t *jopt_region(uint32_t present, const struct cell_dt_region *r)
{
	return present ? jregion(r) : json_null();
}

static int print_json(json_t *root)
{
	int ret;

	if (!root) {
		cellctl_err("out of memory");
		return CELLCTL_FAIL;
	}
	ret = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (ret) {
		cellctl_err("cannot write JSON");
		return CELLCTL_FAIL;
	}
	putchar('\n');
	return CELLCTL_OK;
}

/*
 * What the commands differ in: discover one kind of list from @fdt, print it
 * (as JSON when @json) and free it. Returns an exit code, or -1 when the
 * discovery failed with its message in @ctx.
 */
typedef int (*report_fn)(cell_ctx *ctx, const void *fdt, size_t size, int json);

/* "cellctl gic|pci [--json] FILE.dtb"; returns the exit code. */
static int run_report(cell_ctx *ctx, int argc, char **argv, report_fn report)
{
	const char *file;
	size_t size;
	void *fdt;
	int json, ret;

	file = parse_args(argc, argv, &json);
	if (!file)
		return CELLCTL_USAGE;
	if (read_dtb(file, &fdt, &size))
		return CELLCTL_FAIL;
	ret = report(ctx, fdt, size, json);
	free(fdt);
	if (ret < 0) {
		cellctl_err("%s: %s", file, cell_ctx_last_error(ctx));
		return CELLCTL_FAIL;
	}
	return ret;
}

static json_t *gic_json(const cell_gic_list *l)
{
	json_t *gics = json_array();
	size_t i, k;

	for (i = 0; i < cell_gic_count(l); i++) {
		json_t *redist = json_array(), *its = json_array(), *g;
		struct cell_dt_region r;
		struct cell_gic_its t;
		struct cell_gic gic;

		cell_gic_get(l, i, &gic);
		for (k = 0; k < gic.redist_count; k++) {
			cell_gic_redist_get(l, i, k, &r);
			json_array_append_new(redist, jregion(&r));
		}
		for (k = 0; k < gic.its_count; k++) {
			cell_gic_its_get(l, i, k, &t);
			json_array_append_new(its, json_pack(
				"{s:s,s:o,s:o}", "path", t.path, "base",
				jint(t.frame.base), "size", jint(t.frame.size)));
		}
		g = json_pack("{s:s,s:s,s:i,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
			      "path", gic.path, "compatible", gic.compatible,
			      "version", (int)gic.version,
			      "distributor", jregion(&gic.distributor),
			      "redistributors", redist,
			      "redistributor_stride",
			      gic.has_redist_stride ? jint(gic.redist_stride) :
						      json_null(),
			      "cpu_interface",
			      jopt_region(gic.has_cpu_interface, &gic.cpu_interface),
			      "hypervisor_interface",
			      jopt_region(gic.has_hypervisor_interface,
					  &gic.hypervisor_interface),
			      "virtual_interface",
			      jopt_region(gic.has_virtual_interface,
					  &gic.virtual_interface),
			      "maintenance_irq",
			      gic.has_maintenance_irq ? jint(gic.maintenance_irq) :
							json_null(),
			      "its", its);
		json_array_append_new(gics, g);
	}
	return json_pack("{s:o}", "gics", gics);
}

static void print_region(const char *name, uint32_t present,
			 const struct cell_dt_region *r)
{
	if (present)
		printf("  %-12s 0x%" PRIx64 " size 0x%" PRIx64 "\n", name, r->base,
		       r->size);
	else
		printf("  %-12s -\n", name);
}

static void gic_text(const cell_gic_list *l)
{
	struct cell_dt_region r;
	struct cell_gic_its t;
	struct cell_dt_cpu c;
	struct cell_gic gic;
	size_t i, k;
	char name[32];

	if (!cell_gic_count(l))
		printf("no GIC found\n");
	for (i = 0; i < cell_gic_count(l); i++) {
		cell_gic_get(l, i, &gic);
		printf("%s: %s, GICv%u%s\n", gic.path, gic.compatible,
		       gic.version, gic.enabled ? "" : " (disabled)");
		print_region("GICD", 1, &gic.distributor);
		for (k = 0; k < gic.redist_count; k++) {
			cell_gic_redist_get(l, i, k, &r);
			snprintf(name, sizeof(name), "GICR[%zu]", k);
			print_region(name, 1, &r);
		}
		if (gic.has_redist_stride)
			printf("  %-12s 0x%" PRIx64 "\n", "GICR stride",
			       gic.redist_stride);
		print_region("GICC", gic.has_cpu_interface, &gic.cpu_interface);
		print_region("GICH", gic.has_hypervisor_interface,
			     &gic.hypervisor_interface);
		print_region("GICV", gic.has_virtual_interface,
			     &gic.virtual_interface);
		if (gic.has_maintenance_irq)
			printf("  %-12s INTID %u\n", "maintenance",
			       gic.maintenance_irq);
		else
			printf("  %-12s -\n", "maintenance");
		for (k = 0; k < gic.its_count; k++) {
			cell_gic_its_get(l, i, k, &t);
			printf("  ITS %s: 0x%" PRIx64 " size 0x%" PRIx64
			       " phandle 0x%x\n", t.path, t.frame.base,
			       t.frame.size, t.phandle);
		}
		if (!gic.redist_count)
			continue;
		/* The per-CPU frames assume cpu-node order (see gic.h). */
		for (k = 0; k < cell_gic_cpu_count(l); k++) {
			cell_gic_cpu_get(l, k, &c);
			printf("  CPU %s MPIDR 0x%" PRIx64, c.path, c.mpidr);
			if (!cell_gic_redist_frame(l, i, c.mpidr, 0, &r))
				printf(" GICR frame 0x%" PRIx64, r.base);
			putchar('\n');
		}
	}
}

static int gic_report(cell_ctx *ctx, const void *fdt, size_t size, int json)
{
	cell_gic_list *l;
	int ret;

	if (cell_gic_discover(ctx, fdt, size, &l))
		return -1;
	if (json) {
		ret = print_json(gic_json(l));
	} else {
		gic_text(l);
		ret = CELLCTL_OK;
	}
	cell_gic_list_free(l);
	return ret;
}

int cellctl_gic(cell_ctx *ctx, int argc, char **argv)
{
	return run_report(ctx, argc, argv, gic_report);
}

static const char *space_name(uint32_t space)
{
	static const char *const names[] = { "config", "io", "mem32", "mem64" };

	return names[space & 3];
}

static json_t *jcells(const uint32_t *c, uint32_t n)
{
	json_t *a = json_array();
	uint32_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, jint(c[i]));
	return a;
}

static json_t *intx_json(const struct cell_pci_intx *x)
{
	static const char *const kinds[] = { NULL, "spi", "msi" };
	json_t *o;

	o = json_pack("{s:o,s:i,s:s,s:o,s:o,s:b,s:o}",
		      "child_address", jcells(x->child_address, 3),
		      "pin", (int)x->pin, "parent", x->parent,
		      "parent_address",
		      jcells(x->parent_address, x->parent_address_cells),
		      "parent_specifier",
		      jcells(x->parent_cells, x->parent_cell_count),
		      "parent_is_gic", (int)x->parent_is_gic,
		      "gic_intid", x->has_gic_intid ? jint(x->gic_intid) :
						      json_null());
	if (o && x->upstream_kind && x->upstream_kind < 3)
		json_object_set_new(o, "upstream",
				    json_pack("{s:s,s:s}", "kind",
					      kinds[x->upstream_kind], "path",
					      x->upstream));
	return o;
}

static json_t *pci_json(const cell_pci_list *l)
{
	json_t *hosts = json_array();
	size_t i, k;

	for (i = 0; i < cell_pci_count(l); i++) {
		json_t *reg = json_array(), *win = json_array();
		json_t *msi = json_array(), *map = json_array();
		json_t *intx = json_array(), *h;
		struct cell_pci_msi_parent mp;
		struct cell_pci_msi_map mm;
		struct cell_pci_window w;
		struct cell_pci_intx x;
		struct cell_pci_host host;
		struct cell_pci_reg r;

		cell_pci_host_get(l, i, &host);
		for (k = 0; k < host.reg_count; k++) {
			cell_pci_reg_get(l, i, k, &r);
			json_array_append_new(reg, json_pack(
				"{s:o,s:o,s:o}", "name",
				r.name[0] ? json_string(r.name) : json_null(),
				"base", jint(r.region.base), "size",
				jint(r.region.size)));
		}
		for (k = 0; k < host.window_count; k++) {
			cell_pci_window_get(l, i, k, &w);
			json_array_append_new(win, json_pack(
				"{s:s,s:b,s:o,s:o,s:o}", "type",
				space_name(w.space), "prefetchable",
				(int)w.prefetchable, "pci_address",
				jint(w.pci_address), "cpu_address",
				jint(w.cpu_address), "size", jint(w.size)));
		}
		for (k = 0; k < host.msi_parent_count; k++) {
			cell_pci_msi_parent_get(l, i, k, &mp);
			json_array_append_new(msi, json_pack(
				"{s:s,s:o,s:o}", "path", mp.path, "phandle",
				jint(mp.phandle), "cells",
				jcells(mp.cells, mp.cell_count)));
		}
		for (k = 0; k < host.msi_map_count; k++) {
			cell_pci_msi_map_get(l, i, k, &mm);
			json_array_append_new(map, json_pack(
				"{s:o,s:s,s:o,s:o,s:o}", "rid_base",
				jint(mm.rid_base), "path", mm.path, "phandle",
				jint(mm.phandle), "out_base", jint(mm.out_base),
				"length", jint(mm.length)));
		}
		for (k = 0; k < host.intx_count; k++) {
			cell_pci_intx_get(l, i, k, &x);
			json_array_append_new(intx, intx_json(&x));
		}
		h = json_pack("{s:s,s:s,s:b,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
			      "path", host.path, "compatible", host.compatible,
			      "enabled", (int)host.enabled, "reg", reg,
			      "windows", win, "bus_range",
			      host.has_bus_range ?
				json_pack("[i,i]", (int)host.bus_start,
					  (int)host.bus_end) : json_null(),
			      "domain", host.has_domain ? jint(host.domain) :
							  json_null(),
			      "msi_parent", msi, "msi_map", map,
			      "msi_map_mask", host.has_msi_map_mask ?
				jint(host.msi_map_mask) : json_null(),
			      "interrupt_map_mask", host.has_intx_mask ?
				jcells(host.intx_mask, 4) : json_null(),
			      "intx", intx);
		json_array_append_new(hosts, h);
	}
	return json_pack("{s:o}", "hosts", hosts);
}

static void pci_text(const cell_pci_list *l)
{
	struct cell_pci_msi_parent mp;
	struct cell_pci_msi_map mm;
	struct cell_pci_window w;
	struct cell_pci_intx x;
	struct cell_pci_host h;
	struct cell_pci_reg r;
	size_t i, k;
	uint32_t c;

	if (!cell_pci_count(l))
		printf("no PCI host bridge found\n");
	for (i = 0; i < cell_pci_count(l); i++) {
		cell_pci_host_get(l, i, &h);
		printf("%s: %s%s\n", h.path, h.compatible,
		       h.enabled ? "" : " (disabled)");
		if (h.has_bus_range)
			printf("  buses        0x%02x-0x%02x\n", h.bus_start,
			       h.bus_end);
		if (h.has_domain)
			printf("  domain       %u\n", h.domain);
		for (k = 0; k < h.reg_count; k++) {
			cell_pci_reg_get(l, i, k, &r);
			printf("  reg %-8s 0x%" PRIx64 " size 0x%" PRIx64 "\n",
			       r.name, r.region.base, r.region.size);
		}
		for (k = 0; k < h.window_count; k++) {
			cell_pci_window_get(l, i, k, &w);
			printf("  %-6s%-6s pci 0x%" PRIx64 " cpu 0x%" PRIx64
			       " size 0x%" PRIx64 "\n", space_name(w.space),
			       w.prefetchable ? " pref" : "", w.pci_address,
			       w.cpu_address, w.size);
		}
		for (k = 0; k < h.msi_parent_count; k++) {
			cell_pci_msi_parent_get(l, i, k, &mp);
			printf("  msi-parent   %s", mp.path);
			for (c = 0; c < mp.cell_count; c++)
				printf(" 0x%x", mp.cells[c]);
			putchar('\n');
		}
		for (k = 0; k < h.msi_map_count; k++) {
			cell_pci_msi_map_get(l, i, k, &mm);
			printf("  msi-map      rid 0x%x -> %s 0x%x, 0x%x ids\n",
			       mm.rid_base, mm.path, mm.out_base, mm.length);
		}
		if (h.has_msi_map_mask)
			printf("  msi-map-mask 0x%x\n", h.msi_map_mask);
		for (k = 0; k < h.intx_count; k++) {
			cell_pci_intx_get(l, i, k, &x);
			printf("  INT%c dev 0x%x -> %s", 'A' + (char)((x.pin - 1) & 3),
			       x.child_address[0] >> 11 & 0x1f, x.parent);
			for (c = 0; c < x.parent_cell_count; c++)
				printf(" 0x%x", x.parent_cells[c]);
			if (x.has_gic_intid)
				printf(" = INTID %u", x.gic_intid);
			if (x.upstream_kind)
				printf(" (via %s)", x.upstream);
			putchar('\n');
		}
	}
}

static int pci_report(cell_ctx *ctx, const void *fdt, size_t size, int json)
{
	cell_pci_list *l;
	int ret;

	if (cell_pci_discover(ctx, fdt, size, &l))
		return -1;
	if (json) {
		ret = print_json(pci_json(l));
	} else {
		pci_text(l);
		ret = CELLCTL_OK;
	}
	cell_pci_list_free(l);
	return ret;
}

int cellctl_pci(cell_ctx *ctx, int argc, char **argv)
{
	return run_report(ctx, argc, argv, pci_report);
}
