/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cellctl cell linux: boot a Linux Image in a cell, the way users of
 * `jailhouse cell linux` are used to, on libcell's cell_linux_* calls.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libcell/linux.h>

#include "cellctl.h"

#define FILE_MAX	(1u << 30)
#define DTB_MAX		(16u << 20)
#define CPUS_MAX	4096u

static int usage(void)
{
	cellctl_err("usage: cellctl cell linux CELL.cell Image -d DTB [-i INITRD] [-c CMDLINE]\n"
		    "                          [-w LAYOUT.json] [-o OUT.dtb] [--host-dtb HOST.dtb]");
	return CELLCTL_USAGE;
}

/* Logical CPU n = the n-th enabled CPU node of the host tree (Linux's numbering). */
static int mpidrs_from_dtb(cell_ctx *ctx, const uint8_t *dtb, size_t size, uint64_t *out,
			   uint32_t *count)
{
	cell_gic_list *gics;
	struct cell_dt_cpu cpu;
	size_t i, n;

	if (cell_gic_discover(ctx, dtb, size, &gics))
		return -1;
	n = cell_gic_cpu_count(gics);
	*count = 0;
	for (i = 0; i < n && *count < CPUS_MAX; i++)
		if (!cell_gic_cpu_get(gics, i, &cpu) && cpu.enabled)
			out[(*count)++] = cpu.mpidr;
	cell_gic_list_free(gics);
	return 0;
}

struct files {
	uint8_t *cfg, *kernel, *dtb, *initrd, *host;
	size_t cfg_size, kernel_size, dtb_size, initrd_size, host_size;
};

static int report(cell_ctx *ctx, const cell_linux *l, const char *layout_out,
		  const char *dtb_out)
{
	struct cell_linux_layout y;
	const void *dtb;
	size_t dtb_size;
	uint32_t i;
	char *json;
	int err;

	for (i = 0; i < cell_linux_warning_count(l); i++)
		fprintf(stderr, "cellctl: warning: %s\n", cell_linux_warning(l, i));
	cell_linux_get_layout(l, &y);
	printf("kernel 0x%" PRIx64 " (0x%" PRIx64 " bytes, span 0x%" PRIx64 "), dtb 0x%" PRIx64
	       " (0x%" PRIx64 " bytes)", y.kernel_address, y.kernel_size, y.kernel_span,
	       y.dtb_address, y.dtb_size);
	if (y.initrd_size)
		printf(", initrd 0x%" PRIx64 " (0x%" PRIx64 " bytes)", y.initrd_address,
		       y.initrd_size);
	printf(", stub 0x%" PRIx64 "\n", y.stub_address);
	if (dtb_out) {
		dtb = cell_linux_dtb(l, &dtb_size);
		if (cell_file_write(ctx, dtb_out, dtb, dtb_size)) {
			cellctl_err("%s", cell_ctx_last_error(ctx));
			return CELLCTL_FAIL;
		}
	}
	if (layout_out) {
		if (cell_linux_layout_json(l, &json)) {
			cellctl_err("%s", cell_ctx_last_error(ctx));
			return CELLCTL_FAIL;
		}
		err = cell_file_write(ctx, layout_out, json, strlen(json));
		cell_free(json);
		if (err) {
			cellctl_err("%s", cell_ctx_last_error(ctx));
			return CELLCTL_FAIL;
		}
	}
	return CELLCTL_OK;
}

static int run(cell_ctx *ctx, struct files *f, const char *const *path, const char *cmdline,
	       const char *layout_out, const char *dtb_out)
{
	static uint64_t mpidr[CPUS_MAX];
	struct cell_linux_params p = { 0 };
	cell_config *cfg = NULL;
	cell_linux *l = NULL;
	cell_hv *hv = NULL;
	uint32_t ncpus = 0;
	int n, ret = CELLCTL_FAIL;

	if (cell_config_decode(ctx, &cfg, f->cfg, f->cfg_size)) {
		cellctl_err("%s: %s", path[0], cell_ctx_last_error(ctx));
		return CELLCTL_FAIL;
	}
	if (f->host) {
		if (mpidrs_from_dtb(ctx, f->host, f->host_size, mpidr, &ncpus)) {
			cellctl_err("%s: %s", path[4], cell_ctx_last_error(ctx));
			goto out;
		}
	} else {
		n = cell_linux_host_mpidrs(ctx, NULL, mpidr, CPUS_MAX);
		if (n < 0) {
			cellctl_err("%s (give the root's tree with --host-dtb)",
				    cell_ctx_last_error(ctx));
			goto out;
		}
		ncpus = (uint32_t)n < CPUS_MAX ? (uint32_t)n : CPUS_MAX;
	}
	p.kernel = f->kernel;
	p.kernel_size = f->kernel_size;
	p.dtb = f->dtb;
	p.dtb_size = f->dtb_size;
	p.initrd = f->initrd;
	p.initrd_size = f->initrd_size;
	p.cmdline = cmdline;
	p.cpu_mpidr = mpidr;
	p.cpu_count = ncpus;
	n = cell_linux_new(ctx, &l, cfg, &p);
	if (n) {
		/* name the file the message is about when the library cannot */
		cellctl_err("%s%s%s", n == -ENOEXEC ? path[1] : "", n == -ENOEXEC ? ": " : "",
			    cell_ctx_last_error(ctx));
		goto out;
	}
	ret = report(ctx, l, layout_out, dtb_out);
	if (ret || layout_out)
		goto out;	/* -w: a dry run */
	if (cellctl_open_hv(ctx, &hv)) {
		ret = CELLCTL_FAIL;
	} else if (cell_linux_boot(hv, l, cfg)) {
		cellctl_err("%s", cell_ctx_last_error(ctx));
		ret = CELLCTL_FAIL;
	}
out:
	cell_hv_close(hv);
	cell_linux_free(l);
	cell_config_free(cfg);
	return ret;
}

int cellctl_cell_linux(cell_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dtb", required_argument, NULL, 'd' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "write-params", required_argument, NULL, 'w' },
		{ "dtb-out", required_argument, NULL, 'o' },
		{ "host-dtb", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path[5] = { NULL }, *cmdline = NULL, *layout_out = NULL, *dtb_out = NULL;
	struct files f = { 0 };
	int c, ret = CELLCTL_FAIL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "d:i:c:w:o:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': path[2] = optarg; break;
		case 'i': path[3] = optarg; break;
		case 'c': cmdline = optarg; break;
		case 'w': layout_out = optarg; break;
		case 'o': dtb_out = optarg; break;
		case 'H': path[4] = optarg; break;
		default: return usage();
		}
	}
	if (argc - optind != 2 || !path[2])
		return usage();
	path[0] = argv[optind];
	path[1] = argv[optind + 1];
	if (cell_file_read(ctx, path[0], DTB_MAX, &f.cfg, &f.cfg_size) ||
	    cell_file_read(ctx, path[1], FILE_MAX, &f.kernel, &f.kernel_size) ||
	    cell_file_read(ctx, path[2], DTB_MAX, &f.dtb, &f.dtb_size) ||
	    (path[3] && cell_file_read(ctx, path[3], FILE_MAX, &f.initrd, &f.initrd_size)) ||
	    (path[4] && cell_file_read(ctx, path[4], DTB_MAX, &f.host, &f.host_size)))
		cellctl_err("%s", cell_ctx_last_error(ctx));
	else
		ret = run(ctx, &f, path, cmdline, layout_out, dtb_out);
	cell_free(f.cfg);
	cell_free(f.kernel);
	cell_free(f.dtb);
	cell_free(f.initrd);
	cell_free(f.host);
	return ret;
}
