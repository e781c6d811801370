/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cellctl config check: exit codes, text lines and --json output on the
 * reference set written to disk, and on broken variants.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "check_set.h"

#define CELLCTL CELL_BINARY_DIR "/tools/cellctl/cellctl"

extern char **environ;

static char dir[256];

static void path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

/*
 * Run argv with stdout and stderr into files of dir; return the exit
 * status and the outputs (static buffers, NUL-terminated).
 */
static int run(char *const argv[], char **out, char **err)
{
	static char obuf[65536], ebuf[4096];
	char opath[300], epath[300];
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status;
	FILE *f;
	size_t n;

	path(opath, sizeof(opath), "stdout");
	path(epath, sizeof(epath), "stderr");
	assert_int_equal(posix_spawn_file_actions_init(&fa), 0);
	assert_int_equal(posix_spawn_file_actions_addopen(&fa, 1, opath,
			 O_WRONLY | O_CREAT | O_TRUNC, 0644), 0);
	assert_int_equal(posix_spawn_file_actions_addopen(&fa, 2, epath,
			 O_WRONLY | O_CREAT | O_TRUNC, 0644), 0);
	assert_int_equal(posix_spawn(&pid, argv[0], &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	f = fopen(opath, "r");
	assert_non_null(f);
	n = fread(obuf, 1, sizeof(obuf) - 1, f);
	obuf[n] = '\0';
	fclose(f);
	f = fopen(epath, "r");
	assert_non_null(f);
	n = fread(ebuf, 1, sizeof(ebuf) - 1, f);
	ebuf[n] = '\0';
	fclose(f);
	if (out)
		*out = obuf;
	if (err)
		*err = ebuf;
	return WEXITSTATUS(status);
}

/* Run cellctl config check with up to 4 more arguments (NULL-terminated). */
static int check(char **out, char **err, ...)
{
	char *argv[10] = { CELLCTL, "config", "check" };
	int argc = 3;
	va_list ap;

	va_start(ap, err);
	while (argc < 9 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	return run(argv, out, err);
}

static char sys_cell[300], linux_cell[300], gic_cell[300], bad_cell[300],
	    quote_cell[300], json_out[300], root_dtb[300], bad_dtb[300];

static void write_file(const char *file, const void *data, size_t size)
{
	FILE *f = fopen(file, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, size, f), size);
	assert_int_equal(fclose(f), 0);
}

static void save(cell_config *cfg, const char *file)
{
	assert_int_equal(cell_config_save(cfg, file), 0);
}

static int setup(void **state)
{
	struct check_set s;
	cell_ctx *ctx;
	size_t dtb_size;
	void *dtb;

	(void)state;
	if (access(CELLCTL, X_OK)) {
		fprintf(stderr, "skip: %s not built\n", CELLCTL);
		exit(77);
	}
	snprintf(dir, sizeof(dir), "%s/test_check_cli.XXXXXX", CELL_BINARY_DIR);
	if (!mkdtemp(dir))
		return -1;
	path(sys_cell, sizeof(sys_cell), "system.cell");
	path(linux_cell, sizeof(linux_cell), "linux-demo.cell");
	path(gic_cell, sizeof(gic_cell), "gic-demo.cell");
	path(bad_cell, sizeof(bad_cell), "gic-bad.cell");
	path(quote_cell, sizeof(quote_cell), "gic-quote.cell");
	path(json_out, sizeof(json_out), "report.json");
	path(root_dtb, sizeof(root_dtb), "root.dtb");
	path(bad_dtb, sizeof(bad_dtb), "bad.dtb");
	dtb = check_set_dtb(NULL, &dtb_size);
	write_file(root_dtb, dtb, dtb_size);
	write_file(bad_dtb, dtb, 40);
	free(dtb);
	if (cell_ctx_new(&ctx))
		return -1;
	check_set_build(ctx, &s);
	save(s.sys, sys_cell);
	save(s.cells[CELL_LINUX], linux_cell);
	save(s.cells[CELL_GIC], gic_cell);
	/* gic-demo also takes CPU 3 of linux-demo. */
	assert_int_equal(cell_config_add_cpu(s.cells[CELL_GIC], 3), 0);
	save(s.cells[CELL_GIC], bad_cell);
	assert_int_equal(cell_config_remove_cpu(s.cells[CELL_GIC], 3), 0);
	/* A name JSON must escape, and an error to report. */
	assert_int_equal(cell_config_set_name(s.cells[CELL_GIC], "gic\"demo\\"), 0);
	assert_int_equal(cell_config_add_cpu(s.cells[CELL_GIC], 7), 0);
	save(s.cells[CELL_GIC], quote_cell);
	check_set_free(&s);
	cell_ctx_free(ctx);
	return 0;
}

static int teardown(void **state)
{
	const char *names[] = { "system.cell", "linux-demo.cell", "gic-demo.cell",
				"gic-bad.cell", "gic-quote.cell", "report.json",
				"root.dtb", "bad.dtb", "stdout", "stderr" };
	char p[300];

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		path(p, sizeof(p), names[i]);
		unlink(p);
	}
	rmdir(dir);
	return 0;
}

static void test_cli__valid_set(void **state)
{
	char *out;

	(void)state;
	assert_int_equal(check(&out, NULL, sys_cell, linux_cell, gic_cell, NULL), 0);
	assert_non_null(strstr(out, "info GICR_GRANT cell \"linux-demo\" region 4: GICR grant"));
	assert_non_null(strstr(out, "3 configurations checked: 0 errors, 0 warnings, 2 infos\n"));
	assert_null(strstr(out, "error "));
}

static void test_cli__one_file(void **state)
{
	char *out;

	(void)state;
	assert_int_equal(check(&out, NULL, sys_cell, NULL), 0);
	assert_non_null(strstr(out, "info GICR_GRANT cell \"qemu-arm64\" region 3:"));
	assert_non_null(strstr(out, "1 configuration checked: 0 errors"));
	assert_int_equal(check(&out, NULL, linux_cell, NULL), 0);
	assert_non_null(strstr(out, "1 configuration checked: 0 errors, 0 warnings, 0 infos"));
}

static void test_cli__broken_set(void **state)
{
	char *out;

	(void)state;
	assert_int_equal(check(&out, NULL, sys_cell, linux_cell, bad_cell, NULL), 1);
	assert_non_null(strstr(out, "error CPU_SHARED cell \"gic-demo\": CPU 3 is also "
			       "a CPU of cell \"linux-demo\"\n"));
	assert_non_null(strstr(out, "3 configurations checked: 1 error, 0 warnings"));
	/* The same file given as the system is a KIND error. */
	assert_int_equal(check(&out, NULL, linux_cell, gic_cell, NULL), 1);
	assert_non_null(strstr(out, "error KIND cell \"linux-demo\": a cell configuration"));
}

/* --dtb: the root's device tree enables an ITS the root does not map. */
static void test_cli__dtb(void **state)
{
	char *out, *err;

	(void)state;
	assert_int_equal(check(&out, NULL, "--dtb", root_dtb, sys_cell, linux_cell,
			       gic_cell, NULL), 0);
	assert_non_null(strstr(out, "warning ITS_NOT_MAPPED cell \"qemu-arm64\": the device "
			       "tree enables the ITS /intc@8000000/its@8080000 "
			       "[0x8080000-0x809ffff], but no root region maps it"));
	assert_non_null(strstr(out, "3 configurations checked: 0 errors, 1 warning, 2 infos\n"));
	assert_int_equal(check(&out, NULL, sys_cell, "--dtb", root_dtb, NULL), 0);
	assert_non_null(strstr(out, "1 configuration checked: 0 errors, 1 warning"));
	assert_int_equal(check(NULL, &err, "--dtb", bad_dtb, sys_cell, NULL), 1);
	assert_non_null(strstr(err, "bad.dtb"));
	assert_int_equal(check(NULL, &err, sys_cell, "--dtb", NULL), 2);
	assert_non_null(strstr(err, "--dtb needs a file"));
}

static void test_cli__usage(void **state)
{
	char *err;

	(void)state;
	assert_int_equal(check(NULL, &err, NULL), 2);
	assert_non_null(strstr(err, "no configuration given"));
	assert_int_equal(check(NULL, &err, "--jsn", sys_cell, NULL), 2);
	assert_non_null(strstr(err, "unknown option '--jsn'"));
	assert_int_equal(check(NULL, NULL, "--help", NULL), 0);
}

static void test_cli__unreadable(void **state)
{
	char missing[300], *err;

	(void)state;
	path(missing, sizeof(missing), "missing.cell");
	assert_int_equal(check(NULL, &err, sys_cell, missing, NULL), 1);
	assert_non_null(strstr(err, "missing.cell"));
	/* Not a configuration at all. */
	assert_int_equal(check(NULL, &err, sys_cell, CELLCTL, NULL), 1);
	assert_non_null(strstr(err, "cellctl: "));
}

/* Write out to report.json and let Python's json.tool validate it. */
static void json_valid(const char *out)
{
	char *argv[] = { "/usr/bin/python3", "-m", "json.tool", json_out, NULL };
	FILE *f = fopen(json_out, "w");

	assert_non_null(f);
	assert_int_equal(fputs(out, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(run(argv, NULL, NULL), 0);
}

static void test_cli__json(void **state)
{
	char *out;

	(void)state;
	if (access("/usr/bin/python3", X_OK)) {
		print_message("python3 not installed: JSON syntax not validated\n");
		skip();
	}
	assert_int_equal(check(&out, NULL, "--json", sys_cell, linux_cell, gic_cell,
			       NULL), 0);
	assert_non_null(strstr(out, "\"errors\": 0,"));
	assert_non_null(strstr(out, "\"code\": \"GICR_GRANT\", \"cell\": 0"));
	json_valid(out);

	assert_int_equal(check(&out, NULL, sys_cell, linux_cell, bad_cell, "--json",
			       NULL), 1);
	assert_non_null(strstr(out, "\"errors\": 1,"));
	assert_non_null(strstr(out, "\"severity\": \"error\", \"code\": \"CPU_SHARED\", "
			       "\"cell\": 1, \"file\": "));
	assert_non_null(strstr(out, "gic-bad.cell\", \"region\": null"));
	json_valid(out);

	/* Quotes and backslashes in a cell name. */
	assert_int_equal(check(&out, NULL, "--json", sys_cell, linux_cell, quote_cell,
			       NULL), 1);
	assert_non_null(strstr(out, "cell \\\"gic\\\"demo\\\\\\\": CPU 7"));
	json_valid(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli__valid_set),
		cmocka_unit_test(test_cli__one_file),
		cmocka_unit_test(test_cli__broken_set),
		cmocka_unit_test(test_cli__dtb),
		cmocka_unit_test(test_cli__usage),
		cmocka_unit_test(test_cli__unreadable),
		cmocka_unit_test(test_cli__json),
	};

	return cmocka_run_group_tests_name("check_cli", tests, setup, teardown);
}
