/* SPDX-License-Identifier: BSD-2-Clause */
/* cellctl config create: root and inmate configurations from a host DTB. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellctl.h"

#define MAX_DEVICES	64

static void create_usage(FILE *f)
{
	fprintf(f,
		"usage: cellctl config create --dtb HOST.dtb [--mem-hv ADDR,SIZE]\n"
		"           [--mem-inmates ADDR,SIZE] [--cpus LIST] -o ROOT.cell|ROOT.json\n"
		"       cellctl config create --dtb HOST.dtb --inmate NAME --cpus LIST\n"
		"           --mem-inmates ADDR,SIZE [--devices PATH]... -o CELL.cell|CELL.json\n"
		"           [--dtb-out INMATE.dtb]\n"
		"LIST is CPU numbers and ranges (\"2-3\", \"0,2\"); an output ending in .json\n"
		"gets the JSON form.\n");
}

static int parse_pair(const char *s, uint64_t *a, uint64_t *b)
{
	char *end;

	errno = 0;
	*a = strtoull(s, &end, 0);
	if (errno || end == s || *end != ',')
		return -1;
	s = end + 1;
	*b = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		return -1;
	return 0;
}

static int parse_cpus(const char *s, uint64_t *mask)
{
	char *end;

	*mask = 0;
	while (*s) {
		unsigned long lo, hi;

		errno = 0;
		lo = strtoul(s, &end, 0);
		if (errno || end == s)
			return -1;
		hi = lo;
		if (*end == '-') {
			s = end + 1;
			hi = strtoul(s, &end, 0);
			if (errno || end == s || hi < lo)
				return -1;
		}
		if (hi > 63)
			return -1;
		for (; lo <= hi; lo++)
			*mask |= 1ull << lo;
		if (*end == ',')
			end++;
		else if (*end)
			return -1;
		s = end;
	}
	return *mask ? 0 : -1;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

static int save_any(cell_ctx *ctx, const cell_config *cfg, const char *path)
{
	char *json;
	int err;

	if (!ends_with(path, ".json")) {
		err = cell_config_save(cfg, path);
	} else {
		err = cell_config_to_json(cfg, &json);
		if (!err) {
			err = cell_file_write(ctx, path, json, strlen(json));
			cell_free(json);
		}
	}
	if (err)
		cellctl_err("%s", cell_ctx_last_error(ctx));
	return err;
}

int cellctl_config_create(cell_ctx *ctx, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dtb", required_argument, NULL, 'd' },
		{ "mem-hv", required_argument, NULL, 'h' },
		{ "mem-inmates", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "inmate", required_argument, NULL, 'i' },
		{ "devices", required_argument, NULL, 'D' },
		{ "dtb-out", required_argument, NULL, 'O' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	struct cell_create_opts opts = CELL_CREATE_OPTS_INIT;
	const char *dtb_path = NULL, *out = NULL, *inmate = NULL, *dtb_out = NULL;
	const char *devices[MAX_DEVICES];
	size_t ndev = 0, size;
	cell_config *cfg = NULL;
	uint8_t *fdt = NULL;
	int c, err;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:", lo, NULL)) != -1) {
		switch (c) {
		case 'd': dtb_path = optarg; break;
		case 'o': out = optarg; break;
		case 'i': inmate = optarg; break;
		case 'O': dtb_out = optarg; break;
		case 'h':
			if (parse_pair(optarg, &opts.hv_base, &opts.hv_size)) {
				cellctl_err("--mem-hv: expected ADDR,SIZE, got '%s'", optarg);
				return CELLCTL_USAGE;
			}
			break;
		case 'm':
			if (parse_pair(optarg, &opts.inmate_base, &opts.inmate_size)) {
				cellctl_err("--mem-inmates: expected ADDR,SIZE, got '%s'", optarg);
				return CELLCTL_USAGE;
			}
			break;
		case 'c':
			if (parse_cpus(optarg, &opts.cpu_mask)) {
				cellctl_err("--cpus: expected a list of CPUs 0-63, got '%s'", optarg);
				return CELLCTL_USAGE;
			}
			break;
		case 'D':
			if (ndev == MAX_DEVICES) {
				cellctl_err("--devices: at most %d", MAX_DEVICES);
				return CELLCTL_USAGE;
			}
			devices[ndev++] = optarg;
			break;
		case 'H':
			create_usage(stdout);
			return CELLCTL_OK;
		default:
			create_usage(stderr);
			return CELLCTL_USAGE;
		}
	}
	if (optind != argc || !dtb_path || !out || (dtb_out && !inmate) ||
	    (ndev && !inmate)) {
		create_usage(stderr);
		return CELLCTL_USAGE;
	}
	if (cell_file_read(ctx, dtb_path, CELLCTL_DTB_MAX, &fdt, &size)) {
		cellctl_err("%s", cell_ctx_last_error(ctx));
		return CELLCTL_FAIL;
	}
	if (inmate) {
		uint8_t *skel = NULL;
		size_t skel_size = 0;

		err = cell_create_inmate(ctx, &cfg, &skel, &skel_size, fdt, size,
					 inmate, devices, ndev, &opts);
		if (!err && dtb_out) {
			err = cell_file_write(ctx, dtb_out, skel, skel_size);
		}
		cell_free(skel);
	} else {
		err = cell_create_root(ctx, &cfg, fdt, size, &opts);
	}
	cell_free(fdt);
	if (err) {
		cellctl_err("%s: %s", dtb_path, cell_ctx_last_error(ctx));
		cell_config_free(cfg);
		return CELLCTL_FAIL;
	}
	err = save_any(ctx, cfg, out);
	cell_config_free(cfg);
	return err ? CELLCTL_FAIL : CELLCTL_OK;
}
