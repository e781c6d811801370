/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Device-tree discovery and handoff speed: cell_gic_discover() +
 * cell_pci_discover(), then cell_dt_handoff() of every enabled PCI host
 * bridge into the Jailhouse QEMU inmate tree (policies drop-unresolved and
 * keep-shared-ITS, so that most trees hand off), on the largest fixture DTB
 * (or the files given), on generated trees of 1k to 64k nodes (a GICv3 with
 * an ITS, a PCIe host, buses of devices with interrupts, clocks, phandles
 * and __symbols__) with the fitted growth exponent, each against a
 * `dtc -I dtb -O dtb` round trip of the same tree in the same run, and,
 * with --corpus, over every DTB of a directory tree (e.g. Debian's
 * usr/lib/linux-image-*-arm64).
 *
 * usage: bench_dt [--seconds S] [--smoke] [--malloc-default] [--corpus DIR]
 *                 [FILE.dtb ...]
 * Times are CPU time: the process's own, dtc's as its child's; each is the
 * fastest of several batches (a shared machine's neighbours slow whole
 * stretches of a run), and the corpus the fastest of three passes.
 *
 * glibc returns the top of its heap to the kernel whenever a free leaves
 * more than its trim threshold there, so a loop of handoffs whose peak
 * passes it faults every page in again on each call: on this project's VM
 * about 8 us a page, which would make the loop measure the allocator's
 * policy, not the library. The bench therefore tells glibc to keep freed
 * memory (as a long-running tool's heap soon does) and prints the page
 * faults per handoff; --malloc-default keeps glibc's defaults.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libfdt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <libcell/cell.h>

#ifndef CELL_FIXTURES
#define CELL_FIXTURES "../shared/fixtures"
#endif

struct blob {
	char *name;
	void *data;
	size_t size;
};

static struct blob *blobs;
static size_t nblobs;

static double now(void)
{
	struct timespec ts;

	/* CPU time: the machine is shared, wall time would measure the others. */
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Load @path into the list of blobs. */
static int load(const char *path)
{
	struct blob *nb;
	size_t size;
	void *data;
	FILE *f = fopen(path, "rb");
	long len;

	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return -EIO;
	}
	size = (size_t)len;
	data = malloc(size ? size : 1);
	if (!data || fread(data, 1, size, f) != size) {
		free(data);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	nb = realloc(blobs, (nblobs + 1) * sizeof(*blobs));
	if (!nb) {
		free(data);
		return -ENOMEM;
	}
	blobs = nb;
	blobs[nblobs].name = strdup(path);
	blobs[nblobs].data = data;
	blobs[nblobs].size = size;
	nblobs++;
	return 0;
}

static int walk_cb(const char *path, const struct stat *st, int type,
		   struct FTW *ftw)
{
	size_t n = strlen(path);

	(void)st;
	(void)ftw;
	if (type == FTW_F && n > 4 && !strcmp(path + n - 4, ".dtb"))
		return load(path) < 0;
	return 0;
}

/* One discovery of both kinds; returns 0 or the failing errno. */
static int discover(cell_ctx *ctx, const struct blob *b, size_t *gics,
		    size_t *hosts)
{
	cell_gic_list *gl;
	cell_pci_list *pl;
	int ret;

	ret = cell_gic_discover(ctx, b->data, b->size, &gl);
	if (ret)
		return ret;
	*gics += cell_gic_count(gl);
	cell_gic_list_free(gl);
	ret = cell_pci_discover(ctx, b->data, b->size, &pl);
	if (ret)
		return ret;
	*hosts += cell_pci_count(pl);
	cell_pci_list_free(pl);
	return 0;
}

static struct blob inmate;

/*
 * One handoff of every enabled host bridge; returns 0, or the errno of a
 * refusal (a tree without a PCI host, or one the policies cannot cover).
 */
static int handoff(cell_ctx *ctx, const struct blob *b)
{
	struct cell_handoff_opts o = CELL_HANDOFF_OPTS_INIT;
	cell_handoff *r;
	int ret;

	o.flags = CELL_HANDOFF_DROP_UNRESOLVED | CELL_HANDOFF_KEEP_SHARED_ITS;
	ret = cell_dt_handoff(ctx, b->data, b->size, inmate.data, inmate.size,
			      NULL, 0, &o, &r);
	if (!ret)
		cell_handoff_free(r);
	return ret;
}

/* The inmate tree opened once, as tooling handing off many hosts would. */
static cell_dt *inmate_dt;

/* The same work on a tree opened with cell_dt_new(). */
static int discover_dt(cell_ctx *ctx, const cell_dt *dt, size_t *gics, size_t *hosts)
{
	cell_gic_list *gl;
	cell_pci_list *pl;
	int ret;

	ret = cell_dt_gic_discover(ctx, dt, &gl);
	if (ret)
		return ret;
	*gics += cell_gic_count(gl);
	cell_gic_list_free(gl);
	ret = cell_dt_pci_discover(ctx, dt, &pl);
	if (ret)
		return ret;
	*hosts += cell_pci_count(pl);
	cell_pci_list_free(pl);
	return 0;
}

static int handoff_dt(cell_ctx *ctx, const cell_dt *dt)
{
	struct cell_handoff_opts o = CELL_HANDOFF_OPTS_INIT;
	cell_handoff *r;
	int ret;

	o.flags = CELL_HANDOFF_DROP_UNRESOLVED | CELL_HANDOFF_KEEP_SHARED_ITS;
	ret = cell_dt_handoff_trees(ctx, dt, inmate_dt, NULL, 0, &o, &r);
	if (!ret)
		cell_handoff_free(r);
	return ret;
}

/*
 * What a tool asking all three questions of a tree does: open it once,
 * discover both kinds, hand off. 0, or the errno of the first refusal
 * (a handoff refusal leaves *handed 0).
 */
static int pipeline(cell_ctx *ctx, const struct blob *b, size_t *gics, size_t *hosts,
		    int *handed)
{
	cell_dt *dt;
	int ret = cell_dt_new(ctx, b->data, b->size, &dt);

	if (ret)
		return ret;
	ret = discover_dt(ctx, dt, gics, hosts);
	if (!ret)
		*handed = handoff_dt(ctx, dt);
	cell_dt_free(dt);
	return ret;
}

/* What one timed run does; -errno stops the timing. */
enum op { OP_DISCOVER, OP_HANDOFF, OP_OPEN, OP_DISCOVER_DT, OP_HANDOFF_DT, OP_PIPELINE };

static int run_op(cell_ctx *ctx, enum op op, const struct blob *b, const cell_dt *dt)
{
	size_t g = 0, h = 0;
	cell_dt *ndt;
	int ret, handed = 0;

	switch (op) {
	case OP_DISCOVER:
		return discover(ctx, b, &g, &h);
	case OP_HANDOFF:
		return handoff(ctx, b);
	case OP_OPEN:
		ret = cell_dt_new(ctx, b->data, b->size, &ndt);
		if (!ret)
			cell_dt_free(ndt);
		return ret;
	case OP_DISCOVER_DT:
		return discover_dt(ctx, dt, &g, &h);
	case OP_HANDOFF_DT:
		return handoff_dt(ctx, dt);
	case OP_PIPELINE:
		ret = pipeline(ctx, b, &g, &h, &handed);
		return ret ? ret : handed;
	}
	return -EINVAL;
}

/* ---- generated trees ---------------------------------------------------- */

#define GIC_PH 1
#define ITS_PH 2
#define CLK_PH 3
#define DEVS_PER_BUS 64

static int prop_cells(void *fdt, const char *name, const uint32_t *v, size_t n)
{
	fdt32_t b[64];
	size_t i;

	if (n > sizeof(b) / sizeof(b[0]))
		return -FDT_ERR_BADVALUE;
	for (i = 0; i < n; i++)
		b[i] = cpu_to_fdt32(v[i]);
	return fdt_property(fdt, name, b, (int)(n * sizeof(b[0])));
}

#define CELLS(fdt, name, ...) \
	prop_cells(fdt, name, (const uint32_t[]){ __VA_ARGS__ }, \
		   sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t))

/* Fixed part: CPUs, the GICv3 and its ITS, a clock, an ECAM PCIe host. */
static int gen_fixed(void *f)
{
	char name[32];
	int err = 0, i;

	err |= fdt_begin_node(f, "cpus");
	err |= CELLS(f, "#address-cells", 1);
	err |= CELLS(f, "#size-cells", 0);
	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "cpu@%d", i);
		err |= fdt_begin_node(f, name);
		err |= fdt_property_string(f, "device_type", "cpu");
		err |= fdt_property_string(f, "compatible", "arm,cortex-a57");
		err |= CELLS(f, "reg", (uint32_t)i);
		err |= fdt_property_string(f, "enable-method", "psci");
		err |= fdt_end_node(f);
	}
	err |= fdt_end_node(f);
	err |= fdt_begin_node(f, "interrupt-controller@8000000");
	err |= fdt_property_string(f, "compatible", "arm,gic-v3");
	err |= CELLS(f, "#interrupt-cells", 3);
	err |= fdt_property(f, "interrupt-controller", NULL, 0);
	err |= CELLS(f, "#address-cells", 2);
	err |= CELLS(f, "#size-cells", 2);
	err |= fdt_property(f, "ranges", NULL, 0);
	err |= CELLS(f, "reg", 0, 0x8000000, 0, 0x10000, 0, 0x80a0000, 0, 0xf60000);
	err |= CELLS(f, "interrupts", 1, 9, 4);
	err |= CELLS(f, "phandle", GIC_PH);
	err |= fdt_begin_node(f, "msi-controller@8080000");
	err |= fdt_property_string(f, "compatible", "arm,gic-v3-its");
	err |= fdt_property(f, "msi-controller", NULL, 0);
	err |= CELLS(f, "#msi-cells", 1);
	err |= CELLS(f, "reg", 0, 0x8080000, 0, 0x20000);
	err |= CELLS(f, "phandle", ITS_PH);
	err |= fdt_end_node(f);
	err |= fdt_end_node(f);
	err |= fdt_begin_node(f, "clock");
	err |= fdt_property_string(f, "compatible", "fixed-clock");
	err |= CELLS(f, "#clock-cells", 0);
	err |= CELLS(f, "clock-frequency", 24000000);
	err |= CELLS(f, "phandle", CLK_PH);
	err |= fdt_end_node(f);
	err |= fdt_begin_node(f, "pcie@10000000");
	err |= fdt_property_string(f, "compatible", "pci-host-ecam-generic");
	err |= fdt_property_string(f, "device_type", "pci");
	err |= CELLS(f, "#address-cells", 3);
	err |= CELLS(f, "#size-cells", 2);
	err |= CELLS(f, "#interrupt-cells", 1);
	err |= CELLS(f, "bus-range", 0, 0xff);
	err |= CELLS(f, "reg", 0x40, 0x10000000, 0, 0x10000000);
	err |= CELLS(f, "ranges", 0x1000000, 0, 0, 0, 0x3eff0000, 0, 0x10000,
		     0x2000000, 0, 0x10000000, 0, 0x10000000, 0, 0x2eff0000);
	err |= CELLS(f, "msi-map", 0, ITS_PH, 0, 0x10000);
	err |= CELLS(f, "interrupt-map-mask", 0, 0, 0, 7);
	err |= CELLS(f, "interrupt-map",
		     0, 0, 0, 1, GIC_PH, 0, 0, 0, 3, 4,
		     0, 0, 0, 2, GIC_PH, 0, 0, 0, 4, 4,
		     0, 0, 0, 3, GIC_PH, 0, 0, 0, 5, 4,
		     0, 0, 0, 4, GIC_PH, 0, 0, 0, 6, 4);
	err |= fdt_property(f, "dma-coherent", NULL, 0);
	err |= fdt_end_node(f);
	return err;
}

/* Opens a simple-bus node @name with 2 address and 2 size cells. */
static int gen_bus(void *f, const char *name)
{
	int err = fdt_begin_node(f, name);

	err |= fdt_property_string(f, "compatible", "simple-bus");
	err |= CELLS(f, "#address-cells", 2);
	err |= CELLS(f, "#size-cells", 2);
	err |= fdt_property(f, "ranges", NULL, 0);
	return err;
}

/* Tree of about @nodes nodes into @b; the buses fill the rest. */
static int gen_tree(size_t nodes, struct blob *b)
{
	size_t devs = nodes > 16 ? (nodes - 16) * DEVS_PER_BUS / (DEVS_PER_BUS + 1) : 1;
	size_t cap = 1024 + devs * 400, i;
	char name[64], path[96];
	void *f = calloc(1, cap);
	int err;

	if (!f)
		return -ENOMEM;
	err = fdt_create(f, (int)cap);
	err |= fdt_finish_reservemap(f);
	err |= fdt_begin_node(f, "");
	err |= fdt_property_string(f, "compatible", "libcell,bench");
	err |= CELLS(f, "#address-cells", 2);
	err |= CELLS(f, "#size-cells", 2);
	err |= CELLS(f, "interrupt-parent", GIC_PH);
	err |= gen_fixed(f);
	err |= gen_bus(f, "soc");
	for (i = 0; i < devs && !err; i++) {
		uint64_t addr = 0x100000000ull + (uint64_t)i * 0x1000;

		if (i % DEVS_PER_BUS == 0) {
			if (i)
				err |= fdt_end_node(f);
			snprintf(name, sizeof(name), "bus@%zx", i / DEVS_PER_BUS);
			err |= gen_bus(f, name);
		}
		snprintf(name, sizeof(name), "dev@%llx", (unsigned long long)addr);
		err |= fdt_begin_node(f, name);
		err |= fdt_property_string(f, "compatible", "libcell,bench-dev");
		err |= CELLS(f, "reg", (uint32_t)(addr >> 32), (uint32_t)addr, 0, 0x1000);
		err |= CELLS(f, "interrupts", 0, (uint32_t)(i % 900), 4);
		err |= CELLS(f, "clocks", CLK_PH);
		err |= fdt_property_string(f, "status", "okay");
		if (i % 4 == 0)
			err |= CELLS(f, "phandle", (uint32_t)(16 + i));
		err |= fdt_end_node(f);
	}
	err |= fdt_end_node(f);		/* last bus */
	err |= fdt_end_node(f);		/* soc */
	err |= fdt_begin_node(f, "__symbols__");
	err |= fdt_property_string(f, "gic", "/interrupt-controller@8000000");
	err |= fdt_property_string(f, "its", "/interrupt-controller@8000000/msi-controller@8080000");
	err |= fdt_property_string(f, "pcie", "/pcie@10000000");
	for (i = 0; i < devs && !err; i += 4) {
		snprintf(name, sizeof(name), "dev%zu", i);
		snprintf(path, sizeof(path), "/soc/bus@%zx/dev@%llx", i / DEVS_PER_BUS,
			 (unsigned long long)(0x100000000ull + (uint64_t)i * 0x1000));
		err |= fdt_property_string(f, name, path);
	}
	err |= fdt_end_node(f);
	err |= fdt_end_node(f);
	err |= fdt_finish(f);
	if (err) {
		free(f);
		return -EINVAL;
	}
	snprintf(name, sizeof(name), "generated %zu nodes", nodes);
	b->name = strdup(name);
	b->data = f;
	b->size = fdt_totalsize(f);
	return b->name ? 0 : -ENOMEM;
}

/* ---- dtc reference ------------------------------------------------------ */

static double child_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_CHILDREN, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/*
 * CPU seconds of one `dtc -I dtb -O dtb` of @b (averaged over at least
 * @seconds), or -1 when dtc is missing or fails.
 */
static double time_dtc(const struct blob *b, double seconds)
{
	char in[] = "/tmp/bench_dt.XXXXXX";
	double t0, t = 0;
	size_t runs;
	int fd = mkstemp(in), ok = fd >= 0;

	if (ok)
		ok = write(fd, b->data, b->size) == (ssize_t)b->size;
	if (fd >= 0)
		close(fd);
	t0 = child_cpu();
	for (runs = 0; ok && (!runs || (t = child_cpu()) - t0 < seconds); runs++) {
		int status;
		pid_t pid = fork();

		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);

			if (null >= 0) {
				dup2(null, 1);
				dup2(null, 2);
			}
			execlp("dtc", "dtc", "-I", "dtb", "-O", "dtb", "-o", "/dev/null", in,
			       (char *)NULL);
			_exit(127);
		}
		ok = pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		     !WEXITSTATUS(status);
	}
	unlink(in);
	return ok && runs ? (t - t0) / (double)runs : -1;
}

/* Slope of the least-squares line through (ln x, ln y). */
static double fit_exponent(const double *x, const double *y, size_t n)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		double lx = log(x[i]), ly = log(y[i]);

		sx += lx;
		sy += ly;
		sxx += lx * lx;
		sxy += lx * ly;
	}
	return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

/* Minor page faults of this process so far. */
static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

#define BATCHES 5

/*
 * CPU seconds per @op on @b (@dt: @b opened): the fastest of BATCHES
 * batches filling @seconds, since neighbours on a shared machine slow
 * whole stretches of a run; -errno when it fails. *@faults, when not NULL:
 * the minor page faults per op.
 */
static double time_op(cell_ctx *ctx, enum op op, const struct blob *b, const cell_dt *dt,
		      double seconds, double *faults)
{
	double best = -1;
	long f0 = minflt();
	size_t total = 0, k;

	for (k = 0; k < BATCHES; k++) {
		double t0 = now(), t;
		size_t iters;
		int ret;

		for (iters = 0; (t = now()) - t0 < seconds / BATCHES || !iters; iters++)
			if ((ret = run_op(ctx, op, b, dt)))
				return ret;
		total += iters;
		if (best < 0 || (t - t0) / (double)iters < best)
			best = (t - t0) / (double)iters;
	}
	if (faults)
		*faults = (double)(minflt() - f0) / (double)total;
	return best;
}

/* The handle measures of @b: open, discovery and handoff on it (and its
 * page faults, when @faults is not NULL), and the three in a row; false
 * when one fails. */
static bool time_handle(cell_ctx *ctx, const struct blob *b, double seconds, double out[4],
			double *faults)
{
	cell_dt *dt;
	bool ok;

	if (cell_dt_new(ctx, b->data, b->size, &dt))
		return false;
	out[0] = time_op(ctx, OP_OPEN, b, NULL, seconds, NULL);
	out[1] = time_op(ctx, OP_DISCOVER_DT, b, dt, seconds, NULL);
	out[2] = time_op(ctx, OP_HANDOFF_DT, b, dt, seconds, faults);
	out[3] = time_op(ctx, OP_PIPELINE, b, NULL, seconds, NULL);
	cell_dt_free(dt);
	ok = out[0] >= 0 && out[1] >= 0 && out[2] >= 0 && out[3] >= 0;
	return ok;
}

/* Generated trees: times, the dtc reference and the growth exponents. */
static int bench_generated(cell_ctx *ctx, double seconds, int smoke)
{
	static const size_t sizes[] = { 1024, 4096, 16384, 65536 };
	size_t n = smoke ? 2 : sizeof(sizes) / sizeof(sizes[0]), i, g, h;
	double x[4], td[4], th[4], hd[4][4], dtc[4], col[4];

	printf("generated trees (GICv3 + ITS + ECAM PCIe host + buses of devices):\n");
	printf("  blob entry points (each checks and indexes its input):\n");
	printf("  %7s %9s %12s %12s %12s %9s %9s\n", "nodes", "bytes", "discovery us",
	       "handoff us", "dtc -O dtb us", "disc/dtc", "hoff/dtc");
	for (i = 0; i < n; i++) {
		struct blob b;

		if (gen_tree(sizes[i], &b)) {
			fprintf(stderr, "bench_dt: cannot generate a tree of %zu nodes\n", sizes[i]);
			return 1;
		}
		x[i] = (double)sizes[i];
		g = h = 0;
		td[i] = discover(ctx, &b, &g, &h) ? -1 :
			time_op(ctx, OP_DISCOVER, &b, NULL, seconds / 4, NULL);
		th[i] = time_op(ctx, OP_HANDOFF, &b, NULL, seconds / 4, NULL);
		dtc[i] = time_dtc(&b, seconds / 4);
		if (td[i] < 0 || th[i] < 0 || g != 1 || h != 1 ||
		    !time_handle(ctx, &b, seconds / 8, hd[i], NULL)) {
			fprintf(stderr, "bench_dt: %s: %s (%zu GIC, %zu hosts)\n", b.name,
				cell_ctx_last_error(ctx), g, h);
			free(b.name);
			free(b.data);
			return 1;
		}
		if (dtc[i] > 0)
			printf("  %7zu %9zu %12.1f %12.1f %12.1f %9.2f %9.2f\n", sizes[i], b.size,
			       td[i] * 1e6, th[i] * 1e6, dtc[i] * 1e6, td[i] / dtc[i],
			       th[i] / dtc[i]);
		else
			printf("  %7zu %9zu %12.1f %12.1f %12s\n", sizes[i], b.size,
			       td[i] * 1e6, th[i] * 1e6, "(no dtc)");
		free(b.name);
		free(b.data);
	}
	printf("  growth exponent (time ~ nodes^k, least squares, %zu sizes): discovery %.2f, handoff %.2f\n",
	       n, fit_exponent(x, td, n), fit_exponent(x, th, n));
	printf("  one cell_dt per tree (cell_dt_new, then discovery and handoff on it):\n");
	printf("  %7s %12s %12s %12s %12s %9s\n", "nodes", "open us", "discovery us",
	       "handoff us", "all three us", "all/dtc");
	for (i = 0; i < n; i++) {
		printf("  %7zu %12.1f %12.1f %12.1f %12.1f", sizes[i], hd[i][0] * 1e6,
		       hd[i][1] * 1e6, hd[i][2] * 1e6, hd[i][3] * 1e6);
		if (dtc[i] > 0)
			printf(" %9.2f", hd[i][3] / dtc[i]);
		printf("\n");
	}
	printf("  growth exponent:");
	for (g = 0; g < 4; g++) {
		static const char *const what[] = { "open", "discovery", "handoff", "all three" };

		for (i = 0; i < n; i++)
			col[i] = hd[i][g];
		printf("%s %s %.2f", g ? "," : "", what[g], fit_exponent(x, col, n));
	}
	printf("\n");
	return 0;
}

/* ---- corpus ------------------------------------------------------------- */

enum pass { PASS_DISCOVER, PASS_HANDOFF, PASS_PIPELINE };

struct corpus_stats {
	size_t gics, hosts, failed, handed, none;
	double slowest;
	const char *slow_name;
};

/* One pass of @what over blobs[@first..]; CPU seconds, and what it found. */
static double corpus_once(cell_ctx *ctx, size_t first, enum pass what,
			  struct corpus_stats *cs)
{
	double t0 = now();
	size_t i;

	memset(cs, 0, sizeof(*cs));
	for (i = first; i < nblobs; i++) {
		double t1 = now(), dt;
		int ret, h = 0;

		switch (what) {
		case PASS_DISCOVER:
			cs->failed += discover(ctx, &blobs[i], &cs->gics, &cs->hosts) != 0;
			break;
		case PASS_HANDOFF:
			ret = handoff(ctx, &blobs[i]);
			if (!ret)
				cs->handed++;
			else if (ret == -ENOENT)
				cs->none++;
			else
				cs->failed++;
			break;
		case PASS_PIPELINE:
			if (pipeline(ctx, &blobs[i], &cs->gics, &cs->hosts, &h))
				cs->failed++;
			else if (!h)
				cs->handed++;
			break;
		}
		dt = now() - t1;
		if (dt > cs->slowest) {
			cs->slowest = dt;
			cs->slow_name = blobs[i].name;
		}
	}
	return now() - t0;
}

/* The fastest of three passes (their findings are the same). */
static double corpus_pass(cell_ctx *ctx, size_t first, enum pass what,
			  struct corpus_stats *cs)
{
	struct corpus_stats c;
	double best = -1;
	int k;

	for (k = 0; k < 3; k++) {
		double t = corpus_once(ctx, first, what, &c);

		if (best < 0 || t < best) {
			best = t;
			*cs = c;
		}
	}
	return best;
}

int main(int argc, char **argv)
{
	const char *corpus = NULL;
	double seconds = 2.0, t, th[4], faults, c_disc, c_hoff, c_pipe;
	struct corpus_stats cs[3];
	size_t i, gics, hosts, bytes;
	int smoke = 0, files = 0, keep = 1;
	cell_ctx *ctx;

	for (i = 1; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "--smoke")) {
			smoke = 1;
		} else if (!strcmp(argv[i], "--malloc-default")) {
			keep = 0;
		} else if (!strcmp(argv[i], "--seconds") && i + 1 < (size_t)argc) {
			seconds = atof(argv[++i]);
		} else if (!strcmp(argv[i], "--corpus") && i + 1 < (size_t)argc) {
			corpus = argv[++i];
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "usage: bench_dt [--seconds S] [--smoke] [--malloc-default] [--corpus DIR] [FILE.dtb ...]\n");
			return 2;
		} else {
			if (load(argv[i])) {
				fprintf(stderr, "bench_dt: cannot read %s\n", argv[i]);
				return 1;
			}
			files = 1;
		}
	}
	if (!files &&
	    load(CELL_FIXTURES "/dt/dtb/rockchip-rk3588-evb1.symbols.dtb")) {
		printf("SKIP: fixture %s/dt/dtb/rockchip-rk3588-evb1.symbols.dtb missing\n",
		       CELL_FIXTURES);
		return 77;
	}
	if (smoke)
		seconds = 0.05;
#ifdef __GLIBC__
	/* See the top of this file. 32 MiB is glibc's largest mmap threshold. */
	if (keep && (!mallopt(M_MMAP_THRESHOLD, 32 << 20) ||
		     !mallopt(M_TRIM_THRESHOLD, 1 << 30)))
		keep = 0;
	printf("allocator: %s\n", keep ? "glibc keeping freed memory (see --malloc-default)"
				       : "glibc defaults");
#else
	(void)keep;
	printf("allocator: the C library's defaults\n");
#endif
	if (load(CELL_FIXTURES "/dt/dtb/jailhouse-inmate-qemu-arm64.dtb")) {
		printf("SKIP: fixture %s/dt/dtb/jailhouse-inmate-qemu-arm64.dtb missing\n",
		       CELL_FIXTURES);
		return 77;
	}
	inmate = blobs[--nblobs];
	if (cell_ctx_new(&ctx))
		return 1;
	if (cell_dt_new(ctx, inmate.data, inmate.size, &inmate_dt)) {
		fprintf(stderr, "bench_dt: %s: %s\n", inmate.name, cell_ctx_last_error(ctx));
		return 1;
	}

	for (i = 0; i < nblobs; i++) {
		gics = hosts = 0;
		t = discover(ctx, &blobs[i], &gics, &hosts) ? -1 :
			time_op(ctx, OP_DISCOVER, &blobs[i], NULL, seconds, NULL);
		if (t < 0) {
			fprintf(stderr, "bench_dt: %s: %s\n", blobs[i].name,
				cell_ctx_last_error(ctx));
			return 1;
		}
		printf("%s (%zu bytes): %zu GIC, %zu PCI hosts; %.1f us CPU per gic+pci discovery\n",
		       blobs[i].name, blobs[i].size, gics, hosts, t * 1e6);
		t = time_op(ctx, OP_HANDOFF, &blobs[i], NULL, seconds, NULL);
		if (t < 0)
			printf("  handoff refused: %s\n", cell_ctx_last_error(ctx));
		else
			printf("  %.1f us CPU per handoff of every enabled host bridge\n", t * 1e6);
		if (time_handle(ctx, &blobs[i], seconds / 2, th, &faults))
			printf("  one cell_dt: %.1f us to open (check + index), then %.1f us per gic+pci discovery and %.1f us per handoff on it (%.0f page faults each); %.1f us for the three\n",
			       th[0] * 1e6, th[1] * 1e6, th[2] * 1e6, faults, th[3] * 1e6);
		else
			printf("  on a cell_dt: %s\n", cell_ctx_last_error(ctx));
		t = time_dtc(&blobs[i], seconds / 4);
		if (t > 0)
			printf("  %.1f us CPU per dtc -I dtb -O dtb (reference)\n", t * 1e6);
	}
	if (!files && bench_generated(ctx, seconds, smoke))
		return 1;
	if (corpus) {
		size_t first = nblobs;

		if (nftw(corpus, walk_cb, 16, FTW_PHYS)) {
			fprintf(stderr, "bench_dt: cannot walk %s\n", corpus);
			return 1;
		}
		for (i = first, bytes = 0; i < nblobs; i++)
			bytes += blobs[i].size;
		c_disc = corpus_pass(ctx, first, PASS_DISCOVER, &cs[0]);
		c_hoff = corpus_pass(ctx, first, PASS_HANDOFF, &cs[1]);
		c_pipe = corpus_pass(ctx, first, PASS_PIPELINE, &cs[2]);
		printf("corpus %s: %zu DTBs (%.1f MB), %zu GICs, %zu PCI hosts, %zu refused; %.1f ms CPU total, %.1f us per DTB\n",
		       corpus, nblobs - first, (double)bytes / 1e6, cs[0].gics, cs[0].hosts,
		       cs[0].failed, c_disc * 1e3,
		       nblobs > first ? c_disc * 1e6 / (double)(nblobs - first) : 0.0);
		printf("corpus handoff: %zu handed off, %zu without an enabled host bridge, %zu refused; %.1f ms CPU total, slowest %.1f ms (%s)\n",
		       cs[1].handed, cs[1].none, cs[1].failed, c_hoff * 1e3, cs[1].slowest * 1e3,
		       cs[1].slow_name ? cs[1].slow_name : "-");
		printf("corpus discovery + handoff: %.1f ms CPU for %zu DTBs\n",
		       (c_disc + c_hoff) * 1e3, nblobs - first);
		printf("corpus through one cell_dt per DTB (open, discovery, handoff): %zu GICs, %zu PCI hosts, %zu handed off, %zu refused discovery; %.1f ms CPU\n",
		       cs[2].gics, cs[2].hosts, cs[2].handed, cs[2].failed, c_pipe * 1e3);
	}
	for (i = 0; i < nblobs; i++) {
		free(blobs[i].name);
		free(blobs[i].data);
	}
	free(blobs);
	cell_dt_free(inmate_dt);
	free(inmate.name);
	free(inmate.data);
	cell_ctx_free(ctx);
	return 0;
}
