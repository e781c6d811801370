/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Device-tree discovery and handoff speed: cell_gic_discover() +
 * cell_pci_discover(), then cell_dt_handoff() of every enabled PCI host
 * bridge into the Jailhouse QEMU inmate tree (policies drop-unresolved and
 * keep-shared-ITS, so that most trees hand off), on the largest fixture DTB
 * (or the files given) and, with --corpus, over every DTB of a directory
 * tree that contains "arm,gic-v3" (e.g. Debian's usr/lib/linux-image-*-arm64).
 *
 * usage: bench_dt [--seconds S] [--smoke] [--corpus DIR] [FILE.dtb ...]
 * Times are process CPU time.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static int contains(const void *data, size_t size, const char *needle)
{
	size_t n = strlen(needle), i;
	const char *d = data;

	for (i = 0; i + n <= size; i++)
		if (d[i] == needle[0] && !memcmp(d + i, needle, n))
			return 1;
	return 0;
}

static double now(void)
{
	struct timespec ts;

	/* CPU time: the machine is shared, wall time would measure the others. */
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Load @path; with @need_gic3, keep it only when it mentions arm,gic-v3. */
static int load(const char *path, int need_gic3)
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
	if (need_gic3 && !contains(data, size, "arm,gic-v3")) {
		free(data);
		return 0;
	}
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
		return load(path, 1) < 0;
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

/* CPU seconds per handoff of @b, over at least @seconds; -errno if refused. */
static double time_handoff(cell_ctx *ctx, const struct blob *b, double seconds,
			   size_t *runs)
{
	double t0 = now(), t;
	size_t iters;
	int ret;

	for (iters = 0; (t = now()) - t0 < seconds || !iters; iters++)
		if ((ret = handoff(ctx, b)))
			return ret;
	*runs = iters;
	return (t - t0) / (double)iters;
}

int main(int argc, char **argv)
{
	const char *corpus = NULL;
	double seconds = 2.0, t0, t;
	size_t i, iters, gics, hosts, bytes, failed, handed, none;
	const char *slow_name;
	double slowest;
	int smoke = 0, files = 0;
	cell_ctx *ctx;

	for (i = 1; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "--smoke")) {
			smoke = 1;
		} else if (!strcmp(argv[i], "--seconds") && i + 1 < (size_t)argc) {
			seconds = atof(argv[++i]);
		} else if (!strcmp(argv[i], "--corpus") && i + 1 < (size_t)argc) {
			corpus = argv[++i];
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "usage: bench_dt [--seconds S] [--smoke] [--corpus DIR] [FILE.dtb ...]\n");
			return 2;
		} else {
			if (load(argv[i], 0)) {
				fprintf(stderr, "bench_dt: cannot read %s\n", argv[i]);
				return 1;
			}
			files = 1;
		}
	}
	if (!files &&
	    load(CELL_FIXTURES "/dt/dtb/rockchip-rk3588-evb1.symbols.dtb", 0)) {
		printf("SKIP: fixture %s/dt/dtb/rockchip-rk3588-evb1.symbols.dtb missing\n",
		       CELL_FIXTURES);
		return 77;
	}
	if (smoke)
		seconds = 0.05;
	if (load(CELL_FIXTURES "/dt/dtb/jailhouse-inmate-qemu-arm64.dtb", 0)) {
		printf("SKIP: fixture %s/dt/dtb/jailhouse-inmate-qemu-arm64.dtb missing\n",
		       CELL_FIXTURES);
		return 77;
	}
	inmate = blobs[--nblobs];
	if (cell_ctx_new(&ctx))
		return 1;

	for (i = 0; i < nblobs; i++) {
		gics = hosts = 0;
		t0 = now();
		for (iters = 0; (t = now()) - t0 < seconds || !iters; iters++)
			if (discover(ctx, &blobs[i], &gics, &hosts)) {
				fprintf(stderr, "bench_dt: %s: %s\n", blobs[i].name,
					cell_ctx_last_error(ctx));
				return 1;
			}
		printf("%s (%zu bytes): %zu GIC, %zu PCI hosts; %.1f us CPU per gic+pci discovery (%zu runs)\n",
		       blobs[i].name, blobs[i].size, gics / iters, hosts / iters,
		       (t - t0) * 1e6 / (double)iters, iters);
		t = time_handoff(ctx, &blobs[i], seconds, &iters);
		if (t < 0)
			printf("  handoff refused: %s\n", cell_ctx_last_error(ctx));
		else
			printf("  %.1f us CPU per handoff of every enabled host bridge (%zu runs)\n",
			       t * 1e6, iters);
	}
	if (corpus) {
		size_t first = nblobs;

		if (nftw(corpus, walk_cb, 16, FTW_PHYS)) {
			fprintf(stderr, "bench_dt: cannot walk %s\n", corpus);
			return 1;
		}
		gics = hosts = bytes = failed = 0;
		t0 = now();
		for (i = first; i < nblobs; i++) {
			bytes += blobs[i].size;
			if (discover(ctx, &blobs[i], &gics, &hosts))
				failed++;
		}
		t = now();
		printf("corpus %s: %zu DTBs with arm,gic-v3 (%.1f MB), %zu GICs, %zu PCI hosts, %zu refused; %.1f ms CPU total, %.1f us per DTB\n",
		       corpus, nblobs - first, (double)bytes / 1e6, gics, hosts,
		       failed, (t - t0) * 1e3,
		       nblobs > first ? (t - t0) * 1e6 / (double)(nblobs - first) : 0.0);
		handed = failed = none = 0;
		slowest = 0;
		slow_name = NULL;
		t0 = now();
		for (i = first; i < nblobs; i++) {
			double t1 = now(), dt;
			int ret = handoff(ctx, &blobs[i]);

			if (!ret)
				handed++;
			else if (ret == -ENOENT)
				none++;
			else
				failed++;
			dt = now() - t1;
			if (dt > slowest) {
				slowest = dt;
				slow_name = blobs[i].name;
			}
		}
		t = now();
		printf("corpus handoff: %zu handed off, %zu without an enabled host bridge, %zu refused; %.1f ms CPU total, slowest %.1f ms (%s)\n",
		       handed, none, failed, (t - t0) * 1e3, slowest * 1e3,
		       slow_name ? slow_name : "-");
	}
	for (i = 0; i < nblobs; i++) {
		free(blobs[i].name);
		free(blobs[i].data);
	}
	free(blobs);
	free(inmate.name);
	free(inmate.data);
	cell_ctx_free(ctx);
	return 0;
}
