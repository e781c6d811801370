/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * isolate-nic --run: S5 on the target, through the public API only, from
 * the files S1-S4 wrote (what a user would run by hand with cellctl):
 *
 *   preflight  the running Linux no longer has the moved nodes (it was
 *              booted with host.dtb), so handing the NIC over takes it
 *              from nobody;
 *   prepare    the inmate's boot laid out (kernel, inmate.dtb, initrd,
 *              command line) without touching the machine;
 *   enable     the hypervisor with root.cell, unless it already runs;
 *   create     the cell from inmate.cell;
 *   boot       Linux loaded into the cell and started;
 *   running    the cell is still listed running a second later.
 *
 * A failed step is named with the library's message, and what this run
 * did is undone in reverse: the cell destroyed, the hypervisor disabled
 * if this run enabled it. run.json records every step's outcome.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "s5.h"

#define FILE_MAX	(512u << 20)
#define DTB_MAX		(64u << 20)
#define CPUS_MAX	256u
#define DT_ROOT		"/sys/firmware/devicetree/base"
#define SETTLE_MS	1000
#define SETTLE_TICK_MS	50

struct s5 {
	cell_ctx *ctx;
	const struct s5_opts *o;
	json_t *steps;		/* borrowed from report */
	json_t *report;
	cell_hv *hv;
	cell_config *root, *cell;
	uint8_t *kernel, *initrd, *dtb;
	size_t kernel_size, initrd_size, dtb_size;
	cell_linux *boot;
	bool enabled_here, created;
	char path[3][4096];	/* root.cell, inmate.cell, inmate.dtb */
};

enum { ROOT_CELL, INMATE_CELL, INMATE_DTB };

/* One progress line and one report entry per step. */
static void record(struct s5 *s, const char *step, const char *outcome, const char *detail)
{
	fprintf(s->o->progress, "isolate-nic: S5 %-9s %-8s %s\n", step, outcome, detail);
	fflush(s->o->progress);
	json_array_append_new(s->steps, json_pack("{s:s, s:s, s:s}", "step", step,
						  "outcome", outcome, "detail", detail));
}

static int failed(struct s5 *s, const char *step, int err, const char *what)
{
	char msg[1024];

	snprintf(msg, sizeof(msg), "%s: %s (%s)", what, cell_ctx_last_error(s->ctx),
		 cell_strerror(err));
	record(s, step, "failed", msg);
	json_object_set_new(s->report, "failed_step", json_string(step));
	return -1;
}

static int preflight(struct s5 *s)
{
	char p[4096], msg[4200];
	struct stat st;
	size_t i;

	for (i = 0; i < s->o->nmoved; i++) {
		snprintf(p, sizeof(p), DT_ROOT "%s", s->o->moved[i]);
		if (!stat(p, &st)) {
			snprintf(msg, sizeof(msg), "the running Linux's device tree still has %s: "
				 "boot it with %s/host.dtb first", s->o->moved[i], s->o->out_dir);
			record(s, "preflight", "failed", msg);
			json_object_set_new(s->report, "failed_step", json_string("preflight"));
			return -1;
		}
	}
	snprintf(msg, sizeof(msg), "the running Linux does not have the %zu moved node(s)",
		 s->o->nmoved);
	record(s, "preflight", "ok", msg);
	return 0;
}

static int prepare(struct s5 *s)
{
	struct cell_linux_params p = { 0 };
	struct cell_linux_layout l;
	uint64_t mpidr[CPUS_MAX];
	char msg[1024];
	int err, n;

	if ((err = cell_config_load(s->ctx, &s->root, s->path[ROOT_CELL])) ||
	    (err = cell_config_load(s->ctx, &s->cell, s->path[INMATE_CELL])) ||
	    (err = cell_file_read(s->ctx, s->path[INMATE_DTB], DTB_MAX, &s->dtb, &s->dtb_size)) ||
	    (err = cell_file_read(s->ctx, s->o->kernel, FILE_MAX, &s->kernel, &s->kernel_size)) ||
	    (s->o->initrd && (err = cell_file_read(s->ctx, s->o->initrd, FILE_MAX, &s->initrd,
						   &s->initrd_size))))
		return failed(s, "prepare", err, "reading the inputs");
	n = cell_linux_host_mpidrs(s->ctx, NULL, mpidr, CPUS_MAX);
	if (n < 0)
		return failed(s, "prepare", n, "the CPUs of the running Linux");
	p.kernel = s->kernel;
	p.kernel_size = s->kernel_size;
	p.dtb = s->dtb;
	p.dtb_size = s->dtb_size;
	p.initrd = s->initrd;
	p.initrd_size = s->initrd_size;
	p.cmdline = s->o->cmdline;
	p.cpu_mpidr = mpidr;
	p.cpu_count = (uint32_t)n < CPUS_MAX ? (uint32_t)n : CPUS_MAX;
	err = cell_linux_new(s->ctx, &s->boot, s->cell, &p);
	if (err)
		return failed(s, "prepare", err, "laying out the inmate's Linux");
	cell_linux_get_layout(s->boot, &l);
	snprintf(msg, sizeof(msg), "kernel at 0x%" PRIx64 ", inmate.dtb at 0x%" PRIx64
		 ", initrd at 0x%" PRIx64 " in RAM 0x%" PRIx64 "+0x%" PRIx64 " of %s",
		 l.kernel_address, l.dtb_address, l.initrd_address, l.ram_start, l.ram_size,
		 cell_config_name(s->cell));
	record(s, "prepare", "ok", msg);
	return 0;
}

static int enable(struct s5 *s)
{
	struct cell_hv_info info;
	char msg[4200];
	int err;

	if ((err = cell_hv_open(s->ctx, &s->hv, NULL)))
		return failed(s, "enable", err, "the driver");
	if (!cell_hv_get_info(s->hv, &info) && info.enabled) {
		record(s, "enable", "skipped", "the hypervisor already runs (this run will not "
		       "disable it)");
		return 0;
	}
	if ((err = cell_hv_enable_config(s->hv, s->root)))
		return failed(s, "enable", err, s->path[ROOT_CELL]);
	s->enabled_here = true;
	snprintf(msg, sizeof(msg), "hypervisor enabled with %s", s->path[ROOT_CELL]);
	record(s, "enable", "ok", msg);
	return 0;
}

static int create(struct s5 *s)
{
	char msg[4200];
	int err;

	if ((err = cell_hv_cell_create_config(s->hv, s->cell)))
		return failed(s, "create", err, s->path[INMATE_CELL]);
	s->created = true;
	snprintf(msg, sizeof(msg), "cell %s created from %s", cell_config_name(s->cell),
		 s->path[INMATE_CELL]);
	record(s, "create", "ok", msg);
	return 0;
}

static int boot(struct s5 *s)
{
	char msg[4200];
	int err;

	if ((err = cell_linux_boot(s->hv, s->boot, s->cell)))
		return failed(s, "boot", err, "loading and starting the inmate's Linux");
	snprintf(msg, sizeof(msg), "%s, %s%s%s loaded, cell started", s->o->kernel,
		 s->path[INMATE_DTB], s->o->initrd ? ", " : "", s->o->initrd ? s->o->initrd : "");
	record(s, "boot", "ok", msg);
	return 0;
}

/*
 * A cell that dies right after the start (an early fault, a kernel that
 * powers off) still reads running for a moment: watch it for SETTLE_MS.
 */
static int running(struct s5 *s)
{
	struct timespec tick = { 0, SETTLE_TICK_MS * 1000000L };
	struct cell_hv_cell c;
	unsigned int ms;
	char msg[512];
	int err;

	for (ms = 0;; ms += SETTLE_TICK_MS) {
		if ((err = cell_hv_cell_get(s->hv, -1, cell_config_name(s->cell), &c)))
			return failed(s, "running", err, "the cell's state");
		if (c.state != CELL_HV_STATE_RUNNING && c.state != CELL_HV_STATE_RUNNING_LOCKED)
			break;
		if (ms >= SETTLE_MS) {
			snprintf(msg, sizeof(msg), "cell %s (id %" PRId32 ") %s on CPUs %s",
				 c.name, c.id, c.state_text, c.cpus_assigned);
			record(s, "running", "ok", msg);
			return 0;
		}
		nanosleep(&tick, NULL);
	}
	snprintf(msg, sizeof(msg), "cell %s is %s %u ms after its start (the hypervisor "
		 "console says why: cellctl console)", c.name, c.state_text, ms);
	record(s, "running", "failed", msg);
	json_object_set_new(s->report, "failed_step", json_string("running"));
	return -1;
}

/* What this run did, undone in reverse order. */
static void undo(struct s5 *s)
{
	int err;

	if (s->created) {
		err = cell_hv_cell_destroy(s->hv, -1, cell_config_name(s->cell));
		record(s, "undo", err ? "failed" : "ok", err ? cell_ctx_last_error(s->ctx) :
		       "cell destroyed");
	}
	if (s->enabled_here) {
		err = cell_hv_disable(s->hv);
		record(s, "undo", err ? "failed" : "ok", err ? cell_ctx_last_error(s->ctx) :
		       "hypervisor disabled");
	}
}

static void plan(struct s5 *s)
{
	char msg[4200];

	snprintf(msg, sizeof(msg), "check that the running Linux lacks the %zu moved node(s)",
		 s->o->nmoved);
	record(s, "preflight", "planned", msg);
	snprintf(msg, sizeof(msg), "lay out %s, %s%s%s%s%s", s->o->kernel, s->path[INMATE_DTB],
		 s->o->initrd ? ", " : "", s->o->initrd ? s->o->initrd : "",
		 s->o->cmdline ? ", command line " : "", s->o->cmdline ? s->o->cmdline : "");
	record(s, "prepare", "planned", msg);
	snprintf(msg, sizeof(msg), "enable the hypervisor with %s unless it runs",
		 s->path[ROOT_CELL]);
	record(s, "enable", "planned", msg);
	snprintf(msg, sizeof(msg), "create the cell from %s", s->path[INMATE_CELL]);
	record(s, "create", "planned", msg);
	record(s, "boot", "planned", "load the images into the cell and start it");
	record(s, "running", "planned", "check that the cell still runs a second later");
}

int s5_run(cell_ctx *ctx, const struct s5_opts *o)
{
	static const char *const names[] = { "root.cell", "inmate.cell", "inmate.dtb" };
	struct s5 s = { .ctx = ctx, .o = o };
	int (*const steps[])(struct s5 *) = { preflight, prepare, enable, create, boot, running };
	char path[4200], *text;
	size_t i;
	int ret = 0;

	for (i = 0; i < 3; i++)
		snprintf(s.path[i], sizeof(s.path[i]), "%s/%s", o->out_dir, names[i]);
	s.report = json_object();
	s.steps = json_array();
	json_object_set_new(s.report, "steps", s.steps);
	if (o->dry_run) {
		plan(&s);
	} else {
		for (i = 0; i < sizeof(steps) / sizeof(steps[0]) && !ret; i++)
			ret = steps[i](&s);
		if (ret)
			undo(&s);
	}
	json_object_set_new(s.report, "result", json_string(o->dry_run ? "planned" :
							    ret ? "failed" : "ok"));
	text = json_dumps(s.report, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (text && !o->dry_run) {
		snprintf(path, sizeof(path), "%s/run.json", o->out_dir);
		if (cell_file_write(ctx, path, text, strlen(text))) {
			fprintf(stderr, "isolate-nic: %s\n", cell_ctx_last_error(ctx));
			ret = -1;
		}
	}
	free(text);
	json_decref(s.report);
	cell_linux_free(s.boot);
	cell_hv_close(s.hv);
	cell_config_free(s.root);
	cell_config_free(s.cell);
	cell_free(s.kernel);
	cell_free(s.initrd);
	cell_free(s.dtb);
	return ret ? 1 : 0;
}
