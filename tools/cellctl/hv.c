/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cellctl enable|disable|info|cell|console: the running hypervisor, through
 * libcell's cell_hv_* calls. The device and sysfs paths can be redirected
 * with LIBCELL_HV_DEVICE and LIBCELL_HV_SYSFS (tests, other drivers).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cellctl.h"

#define CONSOLE_MAX (1u << 20)
#define CELLS_MAX 256u
#define STATS_MAX 64u
#define IMAGE_MAX (1u << 30)	/* cell images: a kernel + initramfs fits */

int cellctl_open_hv(cell_ctx *ctx, cell_hv **hv)
{
	const char *sysfs = getenv("LIBCELL_HV_SYSFS");

	if (cell_hv_open(ctx, hv, getenv("LIBCELL_HV_DEVICE")) ||
	    (sysfs && *sysfs && cell_hv_set_sysfs_root(*hv, sysfs))) {
		cellctl_err("%s", cell_ctx_last_error(ctx));
		cell_hv_close(*hv);
		*hv = NULL;
		return CELLCTL_FAIL;
	}
	return CELLCTL_OK;
}

static int fail(cell_ctx *ctx)
{
	cellctl_err("%s", cell_ctx_last_error(ctx));
	return CELLCTL_FAIL;
}

static int read_input(cell_ctx *ctx, const char *path, uint8_t **data, size_t *size)
{
	if (cell_file_read(ctx, path, IMAGE_MAX, data, size)) {
		cellctl_err("%s", cell_ctx_last_error(ctx));
		return CELLCTL_FAIL;
	}
	return CELLCTL_OK;
}

/*
 * Upstream's QEMU root configs do not map the ITS (upstream boots QEMU with
 * its=off). On a board whose Linux drives an ITS, such a root enables, and a
 * CPU coming back online later faults on it. The module warns in the kernel
 * log; say it here too, where the user is looking. Best effort: no readable
 * tree or an undecodable config just skips the warning (enable reports the
 * latter).
 */
static void warn_unmapped_its(cell_ctx *ctx, const uint8_t *data, size_t size)
{
	const char *path = getenv("LIBCELL_HV_FDT");
	cell_findings *fl = NULL;
	struct cell_finding fd;
	cell_config *root;
	uint8_t *fdt;
	size_t fdt_size;

	if (!path || !*path)
		path = "/sys/firmware/fdt";
	if (cell_file_read(ctx, path, CELLCTL_DTB_MAX, &fdt, &fdt_size))
		return;
	if (!cell_config_decode(ctx, &root, data, size)) {
		if (!cell_check_set_dt(root, NULL, 0, fdt, fdt_size, &fl))
			for (size_t i = 0; !cell_findings_get(fl, i, &fd); i++)
				if (fd.code == CELL_CHECK_ITS_NOT_MAPPED)
					fprintf(stderr, "cellctl: warning: %s\n", fd.message);
		cell_findings_free(fl);
		cell_config_free(root);
	}
	cell_free(fdt);
}

int cellctl_enable(cell_ctx *ctx, int argc, char **argv)
{
	cell_hv *hv;
	uint8_t *data;
	size_t size;
	int ret;

	if (argc != 2) {
		cellctl_err("usage: cellctl enable SYSCONFIG.cell");
		return CELLCTL_USAGE;
	}
	if (read_input(ctx, argv[1], &data, &size))
		return CELLCTL_FAIL;
	if (cellctl_open_hv(ctx, &hv)) {
		cell_free(data);
		return CELLCTL_FAIL;
	}
	warn_unmapped_its(ctx, data, size);
	ret = CELLCTL_OK;
	if (cell_hv_enable(hv, data, size)) {
		cellctl_err("%s: %s", argv[1], cell_ctx_last_error(ctx));
		ret = CELLCTL_FAIL;
	}
	cell_hv_close(hv);
	cell_free(data);
	return ret;
}

/* The start of a command that takes no arguments: 0 with @hv open, or the
 * exit code. */
static int open_no_args(cell_ctx *ctx, int argc, char **argv, cell_hv **hv)
{
	if (argc != 1) {
		cellctl_err("usage: cellctl %s", argv[0]);
		return CELLCTL_USAGE;
	}
	return cellctl_open_hv(ctx, hv);
}

int cellctl_disable(cell_ctx *ctx, int argc, char **argv)
{
	cell_hv *hv;
	int ret;

	ret = open_no_args(ctx, argc, argv, &hv);
	if (ret)
		return ret;
	ret = cell_hv_disable(hv) ? fail(ctx) : CELLCTL_OK;
	cell_hv_close(hv);
	return ret;
}

int cellctl_info(cell_ctx *ctx, int argc, char **argv)
{
	struct cell_hv_info info;
	cell_hv *hv;
	int ret;

	ret = open_no_args(ctx, argc, argv, &hv);
	if (ret)
		return ret;
	ret = cell_hv_get_info(hv, &info);
	if (!ret) {
		printf("enabled          %" PRIu32 "\n", info.enabled);
		printf("mem_pool_size    %" PRIu64 "\n", info.mem_pool_size);
		printf("mem_pool_used    %" PRIu64 "\n", info.mem_pool_used);
		printf("remap_pool_size  %" PRIu64 "\n", info.remap_pool_size);
		printf("remap_pool_used  %" PRIu64 "\n", info.remap_pool_used);
	}
	cell_hv_close(hv);
	return ret ? fail(ctx) : CELLCTL_OK;
}

/* "3" names cell id 3, anything else a cell name (the jailhouse tool's rule). */
static void parse_cell(const char *arg, int32_t *id, const char **name)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (*arg >= '0' && *arg <= '9' && !*end && !errno && v <= INT32_MAX) {
		*id = (int32_t)v;
		*name = NULL;
	} else {
		*id = -1;
		*name = arg;
	}
}

static int cell_list(cell_ctx *ctx, cell_hv *hv)
{
	struct cell_hv_cell *cells;
	int n, i;

	cells = calloc(CELLS_MAX, sizeof(*cells));
	if (!cells) {
		cellctl_err("out of memory");
		return CELLCTL_FAIL;
	}
	n = cell_hv_cell_list(hv, cells, CELLS_MAX);
	if (n < 0) {
		free(cells);
		return fail(ctx);
	}
	printf("%-8s%-24s%-18s%-24s%s\n", "ID", "Name", "State", "Assigned CPUs", "Failed CPUs");
	for (i = 0; i < n && (uint32_t)i < CELLS_MAX; i++)
		printf("%-8" PRId32 "%-24s%-18s%-24s%s\n", cells[i].id, cells[i].name,
		       cells[i].state_text, cells[i].cpus_assigned, cells[i].cpus_failed);
	free(cells);
	return CELLCTL_OK;
}

static int cell_stats(cell_ctx *ctx, cell_hv *hv, int32_t id, const char *name, int32_t cpu)
{
	struct cell_hv_stat st[STATS_MAX];
	int n, i;

	n = cell_hv_cell_stats(hv, id, name, cpu, st, STATS_MAX);
	if (n < 0)
		return fail(ctx);
	for (i = 0; i < n && (uint32_t)i < STATS_MAX; i++)
		printf("%-24s%" PRIu64 "\n", st[i].name, st[i].value);
	return CELLCTL_OK;
}

/* FILE[@ADDR]: the whole file, loaded at ADDR (default 0) in the cell. */
static int cell_load(cell_ctx *ctx, cell_hv *hv, int32_t id, const char *name, int argc,
		     char **argv)
{
	struct cell_hv_image *img;
	uint8_t **data;
	int i, ret = CELLCTL_OK;

	img = calloc((size_t)argc, sizeof(*img));
	data = calloc((size_t)argc, sizeof(*data));
	if (!img || !data) {
		free(img);
		free(data);
		cellctl_err("out of memory");
		return CELLCTL_FAIL;
	}
	for (i = 0; i < argc && !ret; i++) {
		char *at = strrchr(argv[i], '@'), *end;
		size_t size;

		if (at) {
			*at = '\0';
			errno = 0;
			img[i].target_address = strtoull(at + 1, &end, 0);
			if (!at[1] || *end || errno) {
				cellctl_err("cell load: '%s' is not an address", at + 1);
				ret = CELLCTL_USAGE;
				break;
			}
		}
		ret = read_input(ctx, argv[i], &data[i], &size);
		img[i].data = data[i];
		img[i].size = size;
	}
	if (!ret && cell_hv_cell_load(hv, id, name, img, (uint32_t)argc))
		ret = fail(ctx);
	for (i = 0; i < argc; i++)
		cell_free(data[i]);
	free(data);
	free(img);
	return ret;
}

static int cell_usage(void)
{
	cellctl_err("usage: cellctl cell list\n"
		    "       cellctl cell create CONFIG.cell\n"
		    "       cellctl cell load NAME|ID FILE[@ADDR]...\n"
		    "       cellctl cell start|shutdown|destroy NAME|ID\n"
		    "       cellctl cell stats NAME|ID [--cpu N]\n"
		    "       cellctl cell linux CELL.cell Image -d DTB [-i INITRD] [-c CMDLINE] [-w LAYOUT.json]");
	return CELLCTL_USAGE;
}

int cellctl_cell(cell_ctx *ctx, int argc, char **argv)
{
	const char *sub, *name = NULL;
	int32_t id = -1, cpu = -1;
	cell_hv *hv;
	uint8_t *data;
	size_t size;
	int ret;

	if (argc < 2)
		return cell_usage();
	sub = argv[1];
	if (!strcmp(sub, "linux"))
		return cellctl_cell_linux(ctx, argc - 1, argv + 1);
	if (!strcmp(sub, "list")) {
		if (argc != 2)
			return cell_usage();
	} else if (!strcmp(sub, "create")) {
		if (argc != 3)
			return cell_usage();
	} else if (!strcmp(sub, "load")) {
		if (argc < 4)
			return cell_usage();
	} else if (!strcmp(sub, "start") || !strcmp(sub, "shutdown") ||
		   !strcmp(sub, "destroy")) {
		if (argc != 3)
			return cell_usage();
	} else if (!strcmp(sub, "stats")) {
		if (argc == 5 && !strcmp(argv[3], "--cpu")) {
			char *end;
			long v;

			errno = 0;
			v = strtol(argv[4], &end, 10);
			if (!*argv[4] || *end || errno || v < 0 || v > INT32_MAX) {
				cellctl_err("cell stats: bad CPU number '%s'", argv[4]);
				return CELLCTL_USAGE;
			}
			cpu = (int32_t)v;
		} else if (argc != 3) {
			return cell_usage();
		}
	} else {
		cellctl_err("cell: unknown subcommand '%s'", sub);
		return cell_usage();
	}
	if (argc >= 3 && strcmp(sub, "create"))
		parse_cell(argv[2], &id, &name);
	if (cellctl_open_hv(ctx, &hv))
		return CELLCTL_FAIL;
	ret = CELLCTL_OK;
	if (!strcmp(sub, "list")) {
		ret = cell_list(ctx, hv);
	} else if (!strcmp(sub, "create")) {
		ret = read_input(ctx, argv[2], &data, &size);
		if (!ret) {
			if (cell_hv_cell_create(hv, data, size)) {
				cellctl_err("%s: %s", argv[2], cell_ctx_last_error(ctx));
				ret = CELLCTL_FAIL;
			}
			cell_free(data);
		}
	} else if (!strcmp(sub, "load")) {
		ret = cell_load(ctx, hv, id, name, argc - 3, argv + 3);
	} else if (!strcmp(sub, "start")) {
		ret = cell_hv_cell_start(hv, id, name) ? fail(ctx) : CELLCTL_OK;
	} else if (!strcmp(sub, "shutdown")) {
		ret = cell_hv_cell_shutdown(hv, id, name) ? fail(ctx) : CELLCTL_OK;
	} else if (!strcmp(sub, "destroy")) {
		ret = cell_hv_cell_destroy(hv, id, name) ? fail(ctx) : CELLCTL_OK;
	} else {
		ret = cell_stats(ctx, hv, id, name, cpu);
	}
	cell_hv_close(hv);
	return ret;
}

int cellctl_console(cell_ctx *ctx, int argc, char **argv)
{
	char *buf;
	cell_hv *hv;
	int64_t n;
	int follow = argc == 2 && (!strcmp(argv[1], "-f") || !strcmp(argv[1], "--follow"));
	int ret = CELLCTL_OK;

	if (argc > 2 || (argc == 2 && !follow)) {
		cellctl_err("usage: cellctl console [-f|--follow]");
		return CELLCTL_USAGE;
	}
	buf = malloc(CONSOLE_MAX);
	if (!buf) {
		cellctl_err("out of memory");
		return CELLCTL_FAIL;
	}
	if (cellctl_open_hv(ctx, &hv)) {
		free(buf);
		return CELLCTL_FAIL;
	}
	if (!follow) {
		/* The buffer as it is now (sysfs), like `cat .../console`. */
		n = cell_hv_console_dump(hv, buf, CONSOLE_MAX);
		if (n < 0)
			ret = fail(ctx);
		else
			fwrite(buf, 1, (size_t)n, stdout);
	} else {
		/* Stream new output from the device until interrupted. */
		setvbuf(stdout, NULL, _IONBF, 0);
		for (;;) {
			n = cell_hv_console_read(hv, buf, CONSOLE_MAX, 0);
			if (n == -EINTR)
				continue;
			if (n <= 0) {
				if (n < 0)
					ret = fail(ctx);
				break;
			}
			fwrite(buf, 1, (size_t)n, stdout);
		}
	}
	cell_hv_close(hv);
	free(buf);
	return ret;
}
