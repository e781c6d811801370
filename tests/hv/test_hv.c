/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cell_hv_* against a fake driver: a sysfs tree in a temporary directory, a
 * regular file as the device (refused for ioctls: not a character device;
 * read for the console) and /dev/null (the kernel answers ENOTTY).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <libcell/cell.h>

struct fixture {
	cell_ctx *ctx;
	cell_hv *hv;
	char dir[64];
	char sysfs[128];
	char device[128];
	uint8_t *sys;		/* a valid system configuration image */
	size_t sys_size;
	uint8_t *cell;		/* a valid cell configuration image */
	size_t cell_size;
};

static void put(const struct fixture *f, const char *rel, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", f->sysfs, rel);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void mkd(const struct fixture *f, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", f->sysfs, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void encode(cell_ctx *ctx, uint32_t kind, uint8_t **out, size_t *size)
{
	cell_config *cfg;

	assert_int_equal(cell_config_new(ctx, &cfg, kind, CELL_ARCH_ARM64), 0);
	assert_int_equal(cell_config_set_name(cfg, "t"), 0);
	assert_int_equal(cell_config_add_cpu(cfg, 0), 0);
	assert_int_equal(cell_config_encode_alloc(cfg, out, size), 0);
	cell_config_free(cfg);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || cell_ctx_new(&f->ctx))
		return -1;
	strcpy(f->dir, "/tmp/libcell-hv-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->sysfs, sizeof(f->sysfs), "%s/jailhouse", f->dir);
	snprintf(f->device, sizeof(f->device), "%s/dev", f->dir);
	if (mkdir(f->sysfs, 0755))
		return -1;
	/* Root cell 0 running on 0-3, cell 2 shut down; ids out of order on
	 * purpose (readdir order is arbitrary). */
	put(f, "enabled", "1\n");
	put(f, "mem_pool_size", "1003\n");
	put(f, "mem_pool_used", "211\n");
	put(f, "remap_pool_size", "4096\n");
	put(f, "remap_pool_used", "17\n");
	put(f, "console", "CPU 0 at EL2\nCPU 1 at EL2\n");
	mkd(f, "cells");
	mkd(f, "cells/2");
	put(f, "cells/2/name", "linux-inmate\n");
	put(f, "cells/2/state", "shut down\n");
	put(f, "cells/2/cpus_assigned_list", "2-3\n");
	put(f, "cells/2/cpus_failed_list", "\n");
	mkd(f, "cells/0");
	put(f, "cells/0/name", "qemu-virt\n");
	put(f, "cells/0/state", "running\n");
	put(f, "cells/0/cpus_assigned_list", "0-3\n");
	put(f, "cells/0/cpus_failed_list", "\n");
	mkd(f, "cells/0/statistics");
	put(f, "cells/0/statistics/vmexits_total", "12345\n");
	put(f, "cells/0/statistics/vmexits_mmio", "17\n");
	mkd(f, "cells/0/statistics/cpu1");
	put(f, "cells/0/statistics/cpu1/vmexits_total", "99\n");
	{
		FILE *fp = fopen(f->device, "w");

		if (!fp)
			return -1;
		fputs("console bytes", fp);
		fclose(fp);
	}
	encode(f->ctx, CELL_CONFIG_SYSTEM, &f->sys, &f->sys_size);
	encode(f->ctx, CELL_CONFIG_CELL, &f->cell, &f->cell_size);
	if (cell_hv_open(f->ctx, &f->hv, f->device) ||
	    cell_hv_set_sysfs_root(f->hv, f->sysfs))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[256];

	cell_hv_close(f->hv);
	cell_free(f->sys);
	cell_free(f->cell);
	cell_ctx_free(f->ctx);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void test_open_args(void **state)
{
	struct fixture *f = *state;
	cell_hv *hv = (cell_hv *)1;

	assert_int_equal(cell_hv_open(NULL, &hv, NULL), -EINVAL);
	assert_ptr_equal(hv, (cell_hv *)1);	/* untouched on failure */
	assert_int_equal(cell_hv_open(f->ctx, NULL, NULL), -EINVAL);
	assert_int_equal(cell_hv_set_sysfs_root(f->hv, NULL), -EINVAL);
	cell_hv_close(NULL);
	/* The default device is only opened on use. */
	assert_int_equal(cell_hv_open(f->ctx, &hv, NULL), 0);
	cell_hv_close(hv);
}

static void test_info(void **state)
{
	struct fixture *f = *state;
	struct cell_hv_info info;

	assert_int_equal(cell_hv_get_info(f->hv, &info), 0);
	assert_int_equal(info.enabled, 1);
	assert_int_equal(info.mem_pool_size, 1003);
	assert_int_equal(info.mem_pool_used, 211);
	assert_int_equal(info.remap_pool_size, 4096);
	assert_int_equal(info.remap_pool_used, 17);
	assert_int_equal(cell_hv_get_info(f->hv, NULL), -EINVAL);

	put(f, "mem_pool_used", "lots\n");
	memset(&info, 0xa5, sizeof(info));
	assert_int_equal(cell_hv_get_info(f->hv, &info), -EIO);
	assert_int_equal(info.enabled, 0xa5a5a5a5);	/* untouched */
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), "mem_pool_used"));
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), "'lots' is not a number"));
}

static void test_list(void **state)
{
	struct fixture *f = *state;
	struct cell_hv_cell cells[4], one;

	assert_int_equal(cell_hv_cell_list(f->hv, cells, 4), 2);
	assert_int_equal(cells[0].id, 0);
	assert_string_equal(cells[0].name, "qemu-virt");
	assert_string_equal(cells[0].state_text, "running");
	assert_int_equal(cells[0].state, CELL_HV_STATE_RUNNING);
	assert_string_equal(cells[0].cpus_assigned, "0-3");
	assert_string_equal(cells[0].cpus_failed, "");
	assert_int_equal(cells[1].id, 2);
	assert_int_equal(cells[1].state, CELL_HV_STATE_SHUT_DOWN);
	assert_string_equal(cells[1].cpus_assigned, "2-3");

	/* Counting only, and a short array. */
	assert_int_equal(cell_hv_cell_list(f->hv, NULL, 0), 2);
	memset(cells, 0, sizeof(cells));
	assert_int_equal(cell_hv_cell_list(f->hv, cells, 1), 2);
	assert_string_equal(cells[0].name, "qemu-virt");
	assert_string_equal(cells[1].name, "");

	assert_int_equal(cell_hv_cell_get(f->hv, -1, "linux-inmate", &one), 0);
	assert_int_equal(one.id, 2);
	assert_int_equal(cell_hv_cell_get(f->hv, 0, NULL, &one), 0);
	assert_string_equal(one.name, "qemu-virt");
	assert_int_equal(cell_hv_cell_get(f->hv, -1, "nope", &one), -ENOENT);
	assert_string_equal(cell_ctx_last_error(f->ctx), "no cell named 'nope'");
	assert_int_equal(cell_hv_cell_get(f->hv, 7, NULL, &one), -ENOENT);
	assert_string_equal(cell_ctx_last_error(f->ctx), "no cell with id 7");
	assert_int_equal(cell_hv_cell_get(f->hv, -3, NULL, &one), -EINVAL);
}

static void test_list_disabled(void **state)
{
	struct fixture *f = *state;
	struct cell_hv_cell c;
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s/cells'", f->sysfs);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(cell_hv_cell_list(f->hv, &c, 1), -ENOENT);
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), "hypervisor not enabled"));
}

static void test_states(void **state)
{
	(void)state;
	assert_int_equal(cell_hv_state_code("running"), CELL_HV_STATE_RUNNING);
	assert_int_equal(cell_hv_state_code("running/locked"), CELL_HV_STATE_RUNNING_LOCKED);
	assert_int_equal(cell_hv_state_code("shut down"), CELL_HV_STATE_SHUT_DOWN);
	assert_int_equal(cell_hv_state_code("failed"), CELL_HV_STATE_FAILED);
	assert_int_equal(cell_hv_state_code("Comm ABI mismatch"), CELL_HV_STATE_FAILED_COMM_REV);
	assert_int_equal(cell_hv_state_code("invalid"), CELL_HV_STATE_UNKNOWN);
	assert_int_equal(cell_hv_state_code(NULL), CELL_HV_STATE_UNKNOWN);
}

static void test_stats(void **state)
{
	struct fixture *f = *state;
	struct cell_hv_stat st[8];

	/* Cell sums, sorted by name; the cpu1 directory is not a counter. */
	assert_int_equal(cell_hv_cell_stats(f->hv, 0, NULL, -1, st, 8), 2);
	assert_string_equal(st[0].name, "vmexits_mmio");
	assert_int_equal(st[0].value, 17);
	assert_string_equal(st[1].name, "vmexits_total");
	assert_int_equal(st[1].value, 12345);
	assert_int_equal(cell_hv_cell_stats(f->hv, -1, "qemu-virt", 1, st, 8), 1);
	assert_int_equal(st[0].value, 99);
	assert_int_equal(cell_hv_cell_stats(f->hv, 0, NULL, 3, st, 8), -ENOENT);
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), "CPU not in this cell"));
	assert_int_equal(cell_hv_cell_stats(f->hv, 0, NULL, -2, st, 8), -EINVAL);
	assert_int_equal(cell_hv_cell_stats(f->hv, -1, "nope", -1, st, 8), -ENOENT);
}

static void test_ioctls_enotty(void **state)
{
	struct fixture *f = *state;
	struct cell_hv_image img = { f->sys, f->sys_size, 0x70000000 };

	/* A regular file is no driver: every ioctl says so, clearly. */
	assert_int_equal(cell_hv_enable(f->hv, f->sys, f->sys_size), -ENOTTY);
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), "enable:"));
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), f->device));
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), "not a hypervisor driver device"));
	assert_int_equal(cell_hv_disable(f->hv), -ENOTTY);
	assert_int_equal(cell_hv_cell_create(f->hv, f->cell, f->cell_size), -ENOTTY);
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), "cell create:"));
	assert_int_equal(cell_hv_cell_load(f->hv, 2, NULL, &img, 1), -ENOTTY);
	assert_int_equal(cell_hv_cell_shutdown(f->hv, -1, "linux-inmate"), -ENOTTY);
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), "cell shutdown:"));
	assert_int_equal(cell_hv_cell_start(f->hv, 2, NULL), -ENOTTY);
	assert_int_equal(cell_hv_cell_destroy(f->hv, 2, NULL), -ENOTTY);
}

static void test_chardev_enotty(void **state)
{
	struct fixture *f = *state;
	cell_hv *hv;

	/* A character device of another driver: the kernel's own ENOTTY. */
	assert_int_equal(cell_hv_open(f->ctx, &hv, "/dev/null"), 0);
	assert_int_equal(cell_hv_enable(hv, f->sys, f->sys_size), -ENOTTY);
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), "/dev/null: Inappropriate ioctl"));
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), "not a hypervisor driver device"));
	assert_int_equal(cell_hv_disable(hv), -ENOTTY);
	cell_hv_close(hv);
}

static void test_bad_inputs(void **state)
{
	struct fixture *f = *state;
	char longname[40];

	/* Refused before the device is involved. */
	assert_int_equal(cell_hv_enable(f->hv, f->sys, 100), -ENODATA);
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), "truncated"));
	assert_int_equal(cell_hv_enable(f->hv, f->sys, f->sys_size - 1), -EOVERFLOW);
	assert_int_equal(cell_hv_enable(f->hv, f->cell, f->cell_size), -EINVAL);
	assert_string_equal(cell_ctx_last_error(f->ctx),
			    "enable: this is a cell configuration, not a system one");
	assert_int_equal(cell_hv_cell_create(f->hv, f->sys, f->sys_size), -EINVAL);
	assert_int_equal(cell_hv_enable(f->hv, NULL, 10), -EINVAL);
	assert_int_equal(cell_hv_enable(NULL, f->sys, f->sys_size), -EINVAL);

	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(cell_hv_cell_start(f->hv, -1, longname), -EINVAL);
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), "1 to 31 characters"));
	assert_int_equal(cell_hv_cell_start(f->hv, -1, ""), -EINVAL);
	assert_int_equal(cell_hv_cell_destroy(f->hv, -5, NULL), -EINVAL);
	assert_int_equal(cell_hv_cell_load(f->hv, 2, NULL, NULL, 1), -EINVAL);
}

static void test_missing_device(void **state)
{
	struct fixture *f = *state;
	cell_hv *hv;
	char path[160];

	snprintf(path, sizeof(path), "%s/none", f->dir);
	assert_int_equal(cell_hv_open(f->ctx, &hv, path), 0);
	assert_int_equal(cell_hv_enable(hv, f->sys, f->sys_size), -ENOENT);
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), "module loaded"));
	cell_hv_close(hv);
}

static void test_console(void **state)
{
	struct fixture *f = *state;
	char buf[64];

	assert_int_equal(cell_hv_console_dump(f->hv, buf, sizeof(buf)), 26);
	assert_string_equal(buf, "CPU 0 at EL2\nCPU 1 at EL2\n");
	/* Truncated to fit, always NUL-terminated. */
	assert_int_equal(cell_hv_console_dump(f->hv, buf, 6), 5);
	assert_string_equal(buf, "CPU 0");
	/* Device reads keep a position per handle. */
	assert_int_equal(cell_hv_console_read(f->hv, buf, 8, CELL_HV_CONSOLE_NONBLOCK), 8);
	assert_memory_equal(buf, "console ", 8);
	assert_int_equal(cell_hv_console_read(f->hv, buf, sizeof(buf), 0), 5);
	assert_memory_equal(buf, "bytes", 5);
	assert_int_equal(cell_hv_console_read(f->hv, buf, sizeof(buf), 0), 0);
	assert_int_equal(cell_hv_console_read(f->hv, buf, sizeof(buf), 4), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_disabled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_states, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ioctls_enotty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chardev_enotty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_inputs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_device, setup, teardown),
		cmocka_unit_test_setup_teardown(test_console, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
