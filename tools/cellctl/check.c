/* SPDX-License-Identifier: BSD-2-Clause */
/* cellctl config check: run the configuration checker over a set of files. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellctl.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: cellctl config check [--json] [--dtb ROOT.dtb] SYSTEM.cell [CELL.cell ...]\n"
		"       cellctl config check [--json] CONFIG.cell\n\n"
		"Checks a system configuration together with the non-root cells that\n"
		"will run on it, or one configuration alone. Each file is a .cell image\n"
		"or its JSON form. With --dtb, also against the device tree the root\n"
		"cell's Linux runs with (on the target /sys/firmware/fdt): an ITS it\n"
		"enables must be mapped in the root. Prints one line per finding and a\n"
		"summary, or with --json one JSON document.\n"
		"Exit status: 0 no errors (warnings allowed), 1 errors or unreadable\n"
		"input, 2 usage.\n");
}

/* A .cell image or its JSON form, told apart by the first character. */
static int load(cell_ctx *ctx, const char *path, cell_config **out)
{
	size_t size, i = 0;
	char *text;
	int ret;

	ret = cellctl_read_text(ctx, path, &text, &size);
	if (ret)
		return ret;
	while (i < size && text[i] && strchr(" \t\r\n", text[i]))
		i++;
	if (i < size && text[i] == '{') {
		if (strlen(text) != size) {
			cellctl_err("%s: JSON text with a NUL byte at offset %zu",
				    path, strlen(text));
			free(text);
			return -EBADMSG;
		}
		ret = cell_config_from_json(ctx, out, text);
	} else {
		ret = cell_config_decode(ctx, out, text, size);
	}
	free(text);
	if (ret)
		cellctl_err("%s: %s", path, cell_ctx_last_error(ctx));
	return ret;
}

/* JSON string: escapes quotes, backslashes and every byte outside printable
 * ASCII, so names with arbitrary bytes still give valid JSON. */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* The file a finding's cell index refers to. */
static const char *file_of(char **files, size_t nfiles, int32_t cell)
{
	if (nfiles == 1 || cell == CELL_CHECK_ROOT)
		return files[0];
	return (size_t)cell + 1 < nfiles ? files[cell + 1] : files[0];
}

static void print_json(const cell_findings *fl, char **files, size_t nfiles,
		       const size_t count[3])
{
	struct cell_finding fd;
	size_t n = cell_findings_count(fl);

	printf("{\n  \"files\": [");
	for (size_t i = 0; i < nfiles; i++) {
		printf("%s", i ? ", " : "");
		json_str(files[i]);
	}
	printf("],\n  \"errors\": %zu,\n  \"warnings\": %zu,\n  \"infos\": %zu,\n"
	       "  \"findings\": [", count[CELL_SEVERITY_ERROR],
	       count[CELL_SEVERITY_WARNING], count[CELL_SEVERITY_INFO]);
	for (size_t i = 0; i < n && !cell_findings_get(fl, i, &fd); i++) {
		printf("%s\n    {\"severity\": \"%s\", \"code\": \"%s\", \"cell\": %d, "
		       "\"file\": ", i ? "," : "", cell_check_severity_name(fd.severity),
		       cell_check_code_name(fd.code), (int)fd.cell);
		json_str(file_of(files, nfiles, fd.cell));
		if (fd.region == CELL_CHECK_NO_INDEX)
			printf(", \"region\": null, \"message\": ");
		else
			printf(", \"region\": %d, \"message\": ", (int)fd.region);
		json_str(fd.message);
		putchar('}');
	}
	printf("%s]\n}\n", n ? "\n  " : "");
}

static void print_text(const cell_findings *fl, size_t nfiles, const size_t count[3])
{
	struct cell_finding fd;

	for (size_t i = 0; !cell_findings_get(fl, i, &fd); i++)
		printf("%s %s %s\n", cell_check_severity_name(fd.severity),
		       cell_check_code_name(fd.code), fd.message);
	printf("%zu configuration%s checked: %zu error%s, %zu warning%s, %zu info%s\n",
	       nfiles, nfiles == 1 ? "" : "s",
	       count[CELL_SEVERITY_ERROR], count[CELL_SEVERITY_ERROR] == 1 ? "" : "s",
	       count[CELL_SEVERITY_WARNING], count[CELL_SEVERITY_WARNING] == 1 ? "" : "s",
	       count[CELL_SEVERITY_INFO], count[CELL_SEVERITY_INFO] == 1 ? "" : "s");
}

int cellctl_config_check(cell_ctx *ctx, int argc, char **argv)
{
	cell_config **cfgs = NULL;
	cell_findings *fl = NULL;
	struct cell_finding fd;
	size_t nfiles = 0, count[3] = { 0 };
	char **files;
	const char *dtb = NULL;
	uint8_t *fdt = NULL;
	size_t fdt_size = 0;
	bool json = false, opts = true;
	int ret = CELLCTL_FAIL, err;

	files = calloc((size_t)argc, sizeof(*files));
	if (!files) {
		cellctl_err("out of memory");
		return CELLCTL_FAIL;
	}
	for (int i = 1; i < argc; i++) {
		if (opts && !strcmp(argv[i], "--json")) {
			json = true;
		} else if (opts && !strcmp(argv[i], "--dtb")) {
			if (i + 1 == argc) {
				cellctl_err("config check: --dtb needs a file");
				usage(stderr);
				free(files);
				return CELLCTL_USAGE;
			}
			dtb = argv[++i];
		} else if (opts && (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))) {
			usage(stdout);
			free(files);
			return CELLCTL_OK;
		} else if (opts && !strcmp(argv[i], "--")) {
			opts = false;
		} else if (opts && argv[i][0] == '-' && argv[i][1]) {
			cellctl_err("config check: unknown option '%s'", argv[i]);
			usage(stderr);
			free(files);
			return CELLCTL_USAGE;
		} else {
			files[nfiles++] = argv[i];
		}
	}
	if (!nfiles) {
		cellctl_err("config check: no configuration given");
		usage(stderr);
		free(files);
		return CELLCTL_USAGE;
	}
	cfgs = calloc(nfiles, sizeof(*cfgs));
	if (!cfgs) {
		cellctl_err("out of memory");
		goto out;
	}
	for (size_t i = 0; i < nfiles; i++)
		if (load(ctx, files[i], &cfgs[i]))
			goto out;
	if (dtb && cell_file_read(ctx, dtb, CELLCTL_DTB_MAX, &fdt, &fdt_size)) {
		cellctl_err("%s", cell_ctx_last_error(ctx));
		goto out;
	}
	if (dtb)
		err = cell_check_set_dt(cfgs[0], (const cell_config *const *)(cfgs + 1),
					nfiles - 1, fdt, fdt_size, &fl);
	else if (nfiles == 1)
		err = cell_check_config(cfgs[0], &fl);
	else
		err = cell_check_set(cfgs[0], (const cell_config *const *)(cfgs + 1),
				     nfiles - 1, &fl);
	if (err) {
		if (dtb)
			cellctl_err("config check: %s: %s", dtb, cell_ctx_last_error(ctx));
		else
			cellctl_err("config check: %s", cell_ctx_last_error(ctx));
		goto out;
	}
	for (size_t i = 0; !cell_findings_get(fl, i, &fd); i++)
		if (fd.severity <= CELL_SEVERITY_ERROR)
			count[fd.severity]++;
	if (json)
		print_json(fl, files, nfiles, count);
	else
		print_text(fl, nfiles, count);
	if (fflush(stdout) || ferror(stdout)) {
		cellctl_err("config check: cannot write the report");
		goto out;
	}
	ret = count[CELL_SEVERITY_ERROR] ? CELLCTL_FAIL : CELLCTL_OK;
out:
	cell_free(fdt);
	cell_findings_free(fl);
	for (size_t i = 0; cfgs && i < nfiles; i++)
		cell_config_free(cfgs[i]);
	free(cfgs);
	free(files);
	return ret;
}
