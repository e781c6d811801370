/* SPDX-License-Identifier: BSD-2-Clause */
/* cellctl dt handoff: move PCIe host bridges + their ITS between DTs. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellctl.h"

/* Device trees are small; anything larger is not one. */
#define DT_MAX_FILE (64u << 20)

static int read_blob(cell_ctx *ctx, const char *path, void **out, size_t *size)
{
	uint8_t *buf;

	if (cell_file_read(ctx, path, DT_MAX_FILE, &buf, size)) {
		cellctl_err("%s", cell_ctx_last_error(ctx));
		return -1;
	}
	*out = buf;
	return 0;
}

static void print_text(const cell_handoff *h)
{
	struct cell_handoff_item it;
	size_t i;

	for (i = 0; i < cell_handoff_count(h); i++) {
		if (cell_handoff_get(h, i, &it))
			continue;
		printf("%s%s: %s [%s]", it.kind >= CELL_HANDOFF_UNRESOLVED ?
		       (it.resolved ? "problem (handled by policy) " : "PROBLEM ") : "",
		       cell_handoff_kind_name(it.kind), it.path,
		       it.tree == CELL_HANDOFF_TREE_HOST ? "host" : "inmate");
		if (it.prop[0])
			printf(" %s", it.prop);
		if (it.kind == CELL_HANDOFF_RENUMBERED)
			printf(" 0x%x -> 0x%x", it.old_phandle, it.new_phandle);
		if (it.target[0])
			printf(" -> %s", it.target);
		putchar('\n');
	}
}

static int print_report(cell_ctx *ctx, const cell_handoff *h, int json)
{
	char *txt;

	if (!json) {
		print_text(h);
		return 0;
	}
	if (cell_handoff_report_json(ctx, h, &txt)) {
		cellctl_err("%s", cell_ctx_last_error(ctx));
		return -1;
	}
	printf("%s\n", txt);
	cell_free(txt);
	return 0;
}

static void handoff_usage(FILE *f)
{
	fprintf(f,
		"usage: cellctl dt handoff --host H.dtb --inmate I.dtb [--pcie PATH]...\n"
		"                          [--host-out H2.dtb] [--inmate-out I2.dtb] [--json]\n"
		"                          [--disable-host] [--drop-unresolved] [--keep-shared-its]\n"
		"                          [--dry-run]\n"
		"Moves the PCIe host bridges at PATH (all enabled ones when no --pcie) and\n"
		"the GICv3 ITS they use from the host tree into the inmate tree.\n");
}

static int dt_handoff(cell_ctx *ctx, int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "inmate", required_argument, NULL, 'I' },
		{ "pcie", required_argument, NULL, 'p' },
		{ "host-out", required_argument, NULL, 'h' },
		{ "inmate-out", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ "disable-host", no_argument, NULL, 'd' },
		{ "drop-unresolved", no_argument, NULL, 'u' },
		{ "keep-shared-its", no_argument, NULL, 'k' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, '?' },
		{ NULL, 0, NULL, 0 },
	};
	struct cell_handoff_opts opts = CELL_HANDOFF_OPTS_INIT;
	const char *host = NULL, *inmate = NULL, *host_out = NULL, *inmate_out = NULL;
	const char **paths = NULL;
	size_t npaths = 0, hs = 0, is = 0;
	void *hb = NULL, *ib = NULL;
	cell_handoff *res = NULL;
	int c, json = 0, ret = CELLCTL_FAIL, err;

	paths = calloc((size_t)argc, sizeof(*paths));
	if (!paths) {
		cellctl_err("out of memory");
		return CELLCTL_FAIL;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (c) {
		case 'H': host = optarg; break;
		case 'I': inmate = optarg; break;
		case 'p': paths[npaths++] = optarg; break;
		case 'h': host_out = optarg; break;
		case 'i': inmate_out = optarg; break;
		case 'j': json = 1; break;
		case 'd': opts.flags |= CELL_HANDOFF_DISABLE_HOST; break;
		case 'u': opts.flags |= CELL_HANDOFF_DROP_UNRESOLVED; break;
		case 'k': opts.flags |= CELL_HANDOFF_KEEP_SHARED_ITS; break;
		case 'n': opts.flags |= CELL_HANDOFF_DRY_RUN; break;
		default:
			handoff_usage(stderr);
			free(paths);
			return CELLCTL_USAGE;
		}
	}
	if (optind != argc || !host || !inmate ||
	    (!(opts.flags & CELL_HANDOFF_DRY_RUN) && !host_out && !inmate_out)) {
		if (optind != argc)
			cellctl_err("unexpected argument '%s'", argv[optind]);
		else
			cellctl_err("--host and --inmate are required, and --host-out or --inmate-out unless --dry-run");
		handoff_usage(stderr);
		free(paths);
		return CELLCTL_USAGE;
	}
	if (read_blob(ctx, host, &hb, &hs) || read_blob(ctx, inmate, &ib, &is))
		goto out;
	err = cell_dt_handoff(ctx, hb, hs, ib, is, paths, npaths, &opts, &res);
	if (err == -EBUSY) {
		/* Show every problem, not only the ones the message names. */
		cellctl_err("%s", cell_ctx_last_error(ctx));
		opts.flags |= CELL_HANDOFF_DRY_RUN;
		if (!cell_dt_handoff(ctx, hb, hs, ib, is, paths, npaths, &opts, &res))
			print_report(ctx, res, json);
		goto out;
	}
	if (err) {
		cellctl_err("%s", cell_ctx_last_error(ctx));
		goto out;
	}
	if (!(opts.flags & CELL_HANDOFF_DRY_RUN) &&
	    cell_handoff_save(ctx, res, host_out, inmate_out)) {
		cellctl_err("%s", cell_ctx_last_error(ctx));
		goto out;
	}
	if (print_report(ctx, res, json))
		goto out;
	ret = cell_handoff_unresolved(res) ? CELLCTL_FAIL : CELLCTL_OK;
out:
	cell_handoff_free(res);
	cell_free(hb);
	cell_free(ib);
	free(paths);
	return ret;
}

int cellctl_dt(cell_ctx *ctx, int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		handoff_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CELLCTL_USAGE : CELLCTL_OK;
	}
	if (!strcmp(argv[1], "handoff"))
		return dt_handoff(ctx, argc - 1, argv + 1);
	cellctl_err("dt: unknown subcommand '%s'", argv[1]);
	handoff_usage(stderr);
	return CELLCTL_USAGE;
}
