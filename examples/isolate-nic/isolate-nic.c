/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * isolate-nic: hand a PCIe root complex and its GICv3 ITS from the root cell
 * to a non-root cell in one step, on any board, using only the public
 * libcell API.
 *
 *   S1/S2  device trees: the host tree loses the host bridges and their ITS,
 *          the inmate tree gains them, every reference rewired;
 *   S3     GIC discovery from the host tree (every redistributor region);
 *   S4     root config gets each GICR region READ|WRITE|IO, the inmate config
 *          READ|WRITE|IO|ROOTSHARED (or, with --precise-gicr, each cell only
 *          the redistributor frames of its own CPUs);
 *   plus   ITS frame and bridge windows moved from root to inmate, INTx SPIs
 *          granted, identity-mapped inmate RAM required, the checker run.
 *
 *   S5     with --run, on the target: enable, create, boot Linux in the
 *          inmate from the files just written (s5.c).
 *
 * Outputs (host.dtb, inmate.dtb, root.cell, inmate.cell, report.json) are
 * written atomically; inputs are never modified. Running the tool on its own
 * outputs succeeds and reproduces them byte for byte.
 */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include <libcell/cell.h>

#include "s5.h"

#define MAX_DTB		(64u << 20)
#define MAX_HOSTS	16
#define PAGE		0x1000ull
#define GIC_SPI_MAX	1019u

#define RWIO	(CELL_MEM_READ | CELL_MEM_WRITE | CELL_MEM_IO)

struct opts {
	const char *host_dtb, *inmate_dtb, *root_cfg, *inmate_cfg, *out_dir;
	const char *pcie[MAX_HOSTS];
	size_t npcie;
	bool dry_run, json, precise_gicr, run;
	uint32_t handoff_flags;	/* CELL_HANDOFF_* policies */
	const char *kernel, *initrd, *cmdline;	/* --run */
};

struct run {
	cell_ctx *ctx;
	struct opts o;
	uint8_t *host, *inmate;
	size_t host_size, inmate_size;
	/* The same trees, checked and indexed once for all that is asked of
	 * them (opened on first use, so errors come in the order they did). */
	cell_dt *host_dt, *inmate_dt;
	cell_config *root, *cell;
	cell_gic_list *gics;		/* host tree: GIC, redistributors, CPUs */
	cell_gic_list *its_gics;	/* tree holding the bridges' ITS */
	struct cell_gic gic;
	size_t gic_idx;
	cell_pci_list *pci;		/* tree holding the selected bridges */
	size_t sel[MAX_HOSTS];		/* indices into pci */
	size_t nsel;
	bool already;			/* inputs are outputs of an earlier run */
	cell_handoff *handoff;
	json_t *report;			/* owned */
	json_t *changes;		/* borrowed from report */
};

static void die_usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "isolate-nic: %s\n", msg);
	fprintf(stderr,
		"usage: isolate-nic --host-dtb H.dtb --inmate-dtb I.dtb --root-config R.cell\n"
		"                   --inmate-config C.cell [--pcie PATH]... --out-dir DIR\n"
		"                   [--dry-run] [--json] [--precise-gicr]\n"
		"                   [--drop-unresolved] [--keep-shared-its] [--disable-host]\n"
		"                   [--run --kernel IMAGE [--initrd FILE] [--cmdline TEXT]]\n");
	exit(2);
}

static int fail(struct run *r, int err, const char *what)
{
	fprintf(stderr, "isolate-nic: %s: %s (%s)\n", what,
		cell_ctx_last_error(r->ctx), cell_strerror(err));
	return 1;
}

/* The host or the inmate tree as a cell_dt; NULL, once told why, when the
 * blob is no valid device tree. */
static cell_dt *tree(struct run *r, bool inmate)
{
	cell_dt **dt = inmate ? &r->inmate_dt : &r->host_dt;
	int err;

	if (*dt)
		return *dt;
	err = inmate ? cell_dt_new(r->ctx, r->inmate, r->inmate_size, dt)
		     : cell_dt_new(r->ctx, r->host, r->host_size, dt);
	if (err) {
		fail(r, err, inmate ? r->o.inmate_dtb : r->o.host_dtb);
		return NULL;
	}
	return *dt;
}

static void change(struct run *r, const char *step, const char *what,
		   const char *reason)
{
	json_array_append_new(r->changes,
			      json_pack("{s:s, s:s, s:s}", "step", step, "change", what,
					"reason", reason));
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	/* A few rotating buffers: one call's result may be another's argument. */
	static char buf[4][512];
	static unsigned int next;
	char *b = buf[next++ % 4];
	va_list ap;

	va_start(ap, f);
	vsnprintf(b, sizeof(buf[0]), f, ap);
	va_end(ap);
	return b;
}

/* "READ|WRITE|IO" for a flags word; unnamed bits in hex. */
static const char *flag_names(uint64_t flags)
{
	static char out[256];
	size_t len = 0;
	uint64_t bit, rest = 0;

	out[0] = '\0';
	for (bit = 1; bit; bit <<= 1) {
		const char *n;

		if (!(flags & bit))
			continue;
		n = cell_mem_flag_name(bit);
		if (!n) {
			rest |= bit;
			continue;
		}
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s",
					len ? "|" : "", n);
		if (len >= sizeof(out))
			break;
	}
	if (rest && len < sizeof(out))
		snprintf(out + len, sizeof(out) - len, "%s0x%llx", len ? "|" : "",
			 (unsigned long long)rest);
	return out;
}

/* ---- selection ---------------------------------------------------------- */

static bool has_msi(const cell_pci_list *pci, size_t i)
{
	struct cell_pci_host h;

	return !cell_pci_host_get(pci, i, &h) && (h.msi_parent_count || h.msi_map_count);
}

/*
 * Pick the host bridges. On the host tree: the --pcie paths, or the only
 * enabled bridge. If the host tree has none of them left but the inmate tree
 * holds bridges with an MSI controller, these are an earlier run's outputs.
 */
static int select_bridges(struct run *r)
{
	cell_pci_list *host_pci = NULL;
	struct cell_pci_host h;
	size_t i, j, enabled = 0;
	int err;

	if (!tree(r, false))
		return 1;
	err = cell_dt_pci_discover(r->ctx, r->host_dt, &host_pci);
	if (err)
		return fail(r, err, r->o.host_dtb);
	for (i = 0; i < cell_pci_count(host_pci); i++)
		if (!cell_pci_host_get(host_pci, i, &h) && h.enabled)
			enabled++;
	if (r->o.npcie) {
		size_t found = 0;

		for (j = 0; j < r->o.npcie; j++)
			for (i = 0; i < cell_pci_count(host_pci); i++)
				if (!cell_pci_host_get(host_pci, i, &h) &&
				    !strcmp(h.path, r->o.pcie[j]) && h.enabled)
					found++;
		if (found == r->o.npcie) {
			r->pci = host_pci;
			for (j = 0; j < r->o.npcie; j++)
				for (i = 0; i < cell_pci_count(host_pci); i++)
					if (!cell_pci_host_get(host_pci, i, &h) &&
					    !strcmp(h.path, r->o.pcie[j]))
						r->sel[r->nsel++] = i;
			return 0;
		}
		if (found) {
			fprintf(stderr, "isolate-nic: %s: only %zu of the %zu --pcie paths are enabled host bridges\n",
				r->o.host_dtb, found, r->o.npcie);
			cell_pci_list_free(host_pci);
			return 1;
		}
	} else if (enabled == 1) {
		r->pci = host_pci;
		for (i = 0; i < cell_pci_count(host_pci); i++)
			if (!cell_pci_host_get(host_pci, i, &h) && h.enabled)
				r->sel[r->nsel++] = i;
		return 0;
	} else if (enabled > 1) {
		fprintf(stderr, "isolate-nic: %s has %zu enabled PCI host bridges; choose with --pcie:\n",
			r->o.host_dtb, enabled);
		for (i = 0; i < cell_pci_count(host_pci); i++)
			if (!cell_pci_host_get(host_pci, i, &h) && h.enabled)
				fprintf(stderr, "  --pcie %s\n", h.path);
		cell_pci_list_free(host_pci);
		return 1;
	}
	cell_pci_list_free(host_pci);

	/* Nothing (left) in the host: look for an earlier run's result. */
	if (!tree(r, true))
		return 1;
	err = cell_dt_pci_discover(r->ctx, r->inmate_dt, &r->pci);
	if (err)
		return fail(r, err, r->o.inmate_dtb);
	for (i = 0; i < cell_pci_count(r->pci) && r->nsel < MAX_HOSTS; i++)
		if (has_msi(r->pci, i))
			r->sel[r->nsel++] = i;
	if (!r->nsel) {
		fprintf(stderr, "isolate-nic: %s: nothing to hand off: no enabled PCI host bridge%s\n",
			r->o.host_dtb, r->o.npcie ? " at the --pcie paths" : "");
		return 1;
	}
	r->already = true;
	return 0;
}

/* ---- S3: GIC ------------------------------------------------------------ */

static int find_gic(struct run *r, const cell_dt *dt, const char *name)
{
	size_t i;
	int err;

	err = cell_dt_gic_discover(r->ctx, dt, &r->gics);
	if (err)
		return fail(r, err, name);
	for (i = 0; i < cell_gic_count(r->gics); i++) {
		if (!cell_gic_get(r->gics, i, &r->gic) && r->gic.enabled &&
		    r->gic.version >= 3 && r->gic.redist_count) {
			r->gic_idx = i;
			return 0;
		}
	}
	fprintf(stderr, "isolate-nic: %s: no enabled GICv3 with redistributors\n", name);
	return 1;
}

/* ---- config edits ------------------------------------------------------- */

static int add_unique(struct run *r, cell_config *cfg, const char *which,
		      const struct cell_memory *m, const char *step,
		      const char *reason)
{
	int err;

	if (cell_config_memory_find(cfg, m) >= 0)
		return 0;
	err = cell_config_memory_insert(cfg, (uint32_t)cell_config_memory_count(cfg), m);
	if (err)
		return fail(r, err, which);
	change(r, step, fmt("%s: add region 0x%llx-0x%llx %s", which,
			    (unsigned long long)m->phys_start,
			    (unsigned long long)(m->phys_start + m->size - 1),
			    flag_names(m->flags)), reason);
	return 0;
}

/* Move [base, base + size) (page-rounded) from the root to the inmate. */
static int move_window(struct run *r, uint64_t base, uint64_t size,
		       const char *what)
{
	uint64_t start = base & ~(PAGE - 1);
	uint64_t end = (base + size + PAGE - 1) & ~(PAGE - 1);
	struct cell_memory m = { start, start, end - start, RWIO };
	int n;

	n = cell_config_memory_carve(r->root, start, end - start);
	if (n < 0)
		return fail(r, n, "root config");
	if (n > 0)
		change(r, "S4+", fmt("root: carve 0x%llx-0x%llx out of %d region(s)",
				     (unsigned long long)start,
				     (unsigned long long)(end - 1), n),
		       fmt("%s now belongs to the inmate", what));
	return add_unique(r, r->cell, "inmate", &m, "S4+",
			  fmt("%s must be reachable by the inmate", what));
}

static int grant_spi(struct run *r, uint32_t intid, const char *bridge)
{
	struct cell_irqchip chip;
	uint32_t base = 32 + ((intid - 32) / 128) * 128, bit = intid - base;
	int i, n = cell_config_irqchip_count(r->cell), err;

	for (i = 0; i < n; i++) {
		if (cell_config_irqchip_get(r->cell, (uint32_t)i, &chip))
			continue;
		if (chip.address == r->gic.distributor.base && chip.pin_base == base)
			break;
	}
	if (i == n) {
		memset(&chip, 0, sizeof(chip));
		chip.address = r->gic.distributor.base;
		chip.pin_base = base;
		err = cell_config_irqchip_insert(r->cell, (uint32_t)n, &chip);
		if (err)
			return fail(r, err, "inmate config");
	}
	if (chip.pin_bitmap[bit / 32] & (1u << (bit % 32)))
		return 0;
	chip.pin_bitmap[bit / 32] |= 1u << (bit % 32);
	err = cell_config_irqchip_set(r->cell, (uint32_t)i, &chip);
	if (err)
		return fail(r, err, "inmate config");
	change(r, "S4+", fmt("inmate: grant SPI INTID %u", intid),
	       fmt("INTx of %s routes there", bridge));
	return 0;
}

/* Inmate RAM must be identity-mapped: the NIC DMAs to guest-physical
 * addresses and there is no IOMMU between them. */
static int check_identity(struct run *r)
{
	struct cell_memory m;
	int i, n = cell_config_memory_count(r->cell);

	for (i = 0; i < n; i++) {
		if (cell_config_memory_get(r->cell, (uint32_t)i, &m))
			continue;
		if (m.flags & (CELL_MEM_IO | CELL_MEM_COMM_REGION) ||
		    !(m.flags & CELL_MEM_WRITE))
			continue;
		if (m.phys_start != m.virt_start) {
			fprintf(stderr,
				"isolate-nic: %s: memory region %d (phys 0x%llx -> guest 0x%llx, size 0x%llx) is not identity-mapped; the NIC would DMA to the wrong addresses without an IOMMU\n",
				r->o.inmate_cfg, i, (unsigned long long)m.phys_start,
				(unsigned long long)m.virt_start,
				(unsigned long long)m.size);
			return 1;
		}
	}
	return 0;
}

static int gicr_s4(struct run *r)
{
	struct cell_dt_region reg;
	size_t i;
	int err;

	for (i = 0; i < r->gic.redist_count; i++) {
		struct cell_memory root_m, cell_m;

		if (cell_gic_redist_get(r->gics, r->gic_idx, i, &reg))
			continue;
		root_m = (struct cell_memory){ reg.base, reg.base, reg.size, RWIO };
		cell_m = root_m;
		cell_m.flags |= CELL_MEM_ROOTSHARED;
		err = add_unique(r, r->root, "root", &root_m, "S4",
				 "redistributor region stays reachable by the root (patent S4)");
		if (err)
			return err;
		err = add_unique(r, r->cell, "inmate", &cell_m, "S4",
				 "redistributor region shared with the inmate (patent S4)");
		if (err)
			return err;
	}
	return 0;
}

/* Only the frames of each cell's own CPUs; logical CPU n is the n-th CPU
 * node of the host tree. */
static int gicr_precise(struct run *r)
{
	uint32_t cpus[256];
	int n, i, err;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		cell_config *cfg = pass ? r->cell : r->root;

		n = cell_config_cpus(cfg, cpus, 256);
		for (i = 0; i < n && i < 256; i++) {
			struct cell_dt_cpu cpu;
			struct cell_dt_region frame;
			struct cell_memory m;

			if (!pass && cell_config_has_cpu(r->cell, cpus[i]) == 1)
				continue;	/* the inmate takes this CPU */
			if (cell_gic_cpu_get(r->gics, cpus[i], &cpu)) {
				fprintf(stderr, "isolate-nic: CPU %u has no CPU node in the host tree\n",
					cpus[i]);
				return 1;
			}
			err = cell_gic_redist_frame(r->gics, r->gic_idx, cpu.mpidr, 0, &frame);
			if (err)
				return fail(r, err, fmt("redistributor frame of CPU %u", cpus[i]));
			m = (struct cell_memory){ frame.base, frame.base, frame.size, RWIO };
			err = add_unique(r, cfg, pass ? "inmate" : "root", &m, "S4",
					 fmt("redistributor frame of CPU %u (MPIDR 0x%llx)",
					     cpus[i], (unsigned long long)cpu.mpidr));
			if (err)
				return err;
		}
	}
	return 0;
}

static int move_bridges(struct run *r)
{
	size_t s, i, g;
	int err;

	for (s = 0; s < r->nsel; s++) {
		struct cell_pci_host h;
		struct cell_pci_reg reg;
		struct cell_pci_window w;
		struct cell_pci_intx ix;
		struct cell_pci_msi_map mm;
		struct cell_pci_msi_parent mp;
		size_t k = r->sel[s];

		if (cell_pci_host_get(r->pci, k, &h))
			continue;
		for (i = 0; i < h.reg_count; i++)
			if (!cell_pci_reg_get(r->pci, k, i, &reg) &&
			    (err = move_window(r, reg.region.base, reg.region.size,
					       fmt("config space of %s", h.path))))
				return err;
		for (i = 0; i < h.window_count; i++)
			if (!cell_pci_window_get(r->pci, k, i, &w) &&
			    (err = move_window(r, w.cpu_address, w.size,
					       fmt("bridge window of %s", h.path))))
				return err;
		for (i = 0; i < h.intx_count; i++)
			if (!cell_pci_intx_get(r->pci, k, i, &ix) && ix.has_gic_intid &&
			    ix.gic_intid >= 32 && ix.gic_intid <= GIC_SPI_MAX &&
			    (err = grant_spi(r, ix.gic_intid, h.path)))
				return err;
		/* The ITS frames this bridge's MSIs target. */
		for (i = 0; i < h.msi_map_count + h.msi_parent_count; i++) {
			const char *target;

			if (i < h.msi_map_count) {
				if (cell_pci_msi_map_get(r->pci, k, i, &mm))
					continue;
				target = mm.path;
			} else {
				if (cell_pci_msi_parent_get(r->pci, k, i - h.msi_map_count, &mp))
					continue;
				target = mp.path;
			}
			for (g = 0; g < cell_gic_count(r->its_gics); g++) {
				struct cell_gic_its its;
				struct cell_gic gic;
				size_t t;

				if (cell_gic_get(r->its_gics, g, &gic))
					continue;
				for (t = 0; t < gic.its_count; t++) {
					if (cell_gic_its_get(r->its_gics, g, t, &its) ||
					    strcmp(its.path, target))
						continue;
					err = move_window(r, its.frame.base, its.frame.size,
							  fmt("ITS %s used by %s", its.path,
							      h.path));
					if (err)
						return err;
				}
			}
		}
	}
	return 0;
}

static int run_check(struct run *r, json_t *out)
{
	const cell_config *cells[1] = { r->cell };
	cell_findings *f;
	size_t i, errors;
	int err;

	err = cell_check_set(r->root, cells, 1, &f);
	if (err)
		return fail(r, err, "checker");
	errors = cell_findings_errors(f);
	for (i = 0; i < cell_findings_count(f); i++) {
		struct cell_finding x;

		if (cell_findings_get(f, i, &x))
			continue;
		json_array_append_new(out, json_pack("{s:s, s:s, s:i, s:i, s:s}",
			"severity", x.severity == CELL_SEVERITY_ERROR ? "error" :
				    x.severity == CELL_SEVERITY_WARNING ? "warning" : "info",
			"code", cell_check_code_name(x.code), "cell", x.cell,
			"region", x.region, "message", x.message));
		if (x.severity == CELL_SEVERITY_ERROR)
			fprintf(stderr, "isolate-nic: check: %s: %s\n",
				cell_check_code_name(x.code), x.message);
	}
	cell_findings_free(f);
	if (errors) {
		fprintf(stderr, "isolate-nic: the resulting configurations fail the checker (%zu errors); nothing written\n",
			errors);
		return 1;
	}
	return 0;
}

/* ---- outputs ------------------------------------------------------------ */

static int write_outputs(struct run *r)
{
	const void *host = r->host, *inmate = r->inmate;
	size_t host_size = r->host_size, inmate_size = r->inmate_size;
	char path[4096];
	char *text;
	int err;

	if (r->handoff) {
		host = cell_handoff_host_blob(r->handoff, &host_size);
		inmate = cell_handoff_inmate_blob(r->handoff, &inmate_size);
	}
	if (mkdir(r->o.out_dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "isolate-nic: %s: %s\n", r->o.out_dir, strerror(errno));
		return 1;
	}
#define OUT(name) (snprintf(path, sizeof(path), "%s/%s", r->o.out_dir, name), path)
	err = cell_file_write(r->ctx, OUT("host.dtb"), host, host_size);
	if (!err)
		err = cell_file_write(r->ctx, OUT("inmate.dtb"), inmate, inmate_size);
	if (!err)
		err = cell_config_save(r->root, OUT("root.cell"));
	if (!err)
		err = cell_config_save(r->cell, OUT("inmate.cell"));
	if (err)
		return fail(r, err, "writing outputs");
	text = json_dumps(r->report, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (!text) {
		fprintf(stderr, "isolate-nic: out of memory\n");
		return 1;
	}
	err = cell_file_write(r->ctx, OUT("report.json"), text, strlen(text));
	free(text);
#undef OUT
	if (err)
		return fail(r, err, "writing outputs");
	return 0;
}

static void s5_commands(struct run *r)
{
	json_t *cmds = json_array();

	json_array_append_new(cmds, json_string("insmod jailhouse.ko"));
	json_array_append_new(cmds, json_string("cellctl enable root.cell"));
	json_array_append_new(cmds, json_string("cellctl cell create inmate.cell"));
	json_array_append_new(cmds, json_string(fmt(
		"cellctl cell load %s Image@<kernel address> inmate.dtb@<dtb address>",
		cell_config_name(r->cell))));
	json_array_append_new(cmds, json_string(fmt("cellctl cell start %s",
						     cell_config_name(r->cell))));
	json_object_set_new(r->report, "s5_commands", cmds);
}

/* S5 from the outputs just written: the bridges are what left the host. */
static int run_s5(struct run *r)
{
	static struct cell_pci_host h[MAX_HOSTS];
	const char *moved[MAX_HOSTS];
	struct s5_opts o = { 0 };
	size_t i;

	for (i = 0; i < r->nsel; i++) {
		cell_pci_host_get(r->pci, r->sel[i], &h[i]);
		moved[i] = h[i].path;
	}
	o.out_dir = r->o.out_dir;
	o.kernel = r->o.kernel;
	o.initrd = r->o.initrd;
	o.cmdline = r->o.cmdline;
	o.moved = moved;
	o.nmoved = r->nsel;
	o.dry_run = r->o.dry_run;
	/* --json keeps stdout for the report */
	o.progress = r->o.json ? stderr : stdout;
	return s5_run(r->ctx, &o);
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "host-dtb", required_argument, NULL, 'H' },
		{ "inmate-dtb", required_argument, NULL, 'I' },
		{ "root-config", required_argument, NULL, 'R' },
		{ "inmate-config", required_argument, NULL, 'C' },
		{ "pcie", required_argument, NULL, 'p' },
		{ "out-dir", required_argument, NULL, 'o' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "precise-gicr", no_argument, NULL, 'g' },
		{ "drop-unresolved", no_argument, NULL, 'D' },
		{ "keep-shared-its", no_argument, NULL, 'K' },
		{ "disable-host", no_argument, NULL, 'S' },
		{ "run", no_argument, NULL, 'r' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'H': o->host_dtb = optarg; break;
		case 'I': o->inmate_dtb = optarg; break;
		case 'R': o->root_cfg = optarg; break;
		case 'C': o->inmate_cfg = optarg; break;
		case 'o': o->out_dir = optarg; break;
		case 'n': o->dry_run = true; break;
		case 'j': o->json = true; break;
		case 'g': o->precise_gicr = true; break;
		case 'D': o->handoff_flags |= CELL_HANDOFF_DROP_UNRESOLVED; break;
		case 'K': o->handoff_flags |= CELL_HANDOFF_KEEP_SHARED_ITS; break;
		case 'S': o->handoff_flags |= CELL_HANDOFF_DISABLE_HOST; break;
		case 'r': o->run = true; break;
		case 'k': o->kernel = optarg; break;
		case 'i': o->initrd = optarg; break;
		case 'c': o->cmdline = optarg; break;
		case 'p':
			if (o->npcie == MAX_HOSTS)
				die_usage("too many --pcie paths");
			o->pcie[o->npcie++] = optarg;
			break;
		case 'h':
			die_usage(NULL);
			break;
		default:
			die_usage(NULL);
		}
	}
	if (optind != argc)
		die_usage("unexpected argument");
	if (!o->host_dtb || !o->inmate_dtb || !o->root_cfg || !o->inmate_cfg ||
	    (!o->out_dir && !o->dry_run))
		die_usage("--host-dtb, --inmate-dtb, --root-config, --inmate-config and --out-dir are required");
	if (o->run != !!o->kernel || (!o->run && (o->initrd || o->cmdline)))
		die_usage("--run needs --kernel; --kernel, --initrd and --cmdline need --run");
	if (o->run && !o->out_dir)
		die_usage("--run needs --out-dir (S5 runs from the files S1-S4 write)");
	return 0;
}

static void print_text_report(struct run *r)
{
	size_t i;

	printf("isolate-nic: %s\n", r->already ?
	       "inputs are already isolated; configurations re-checked" :
	       "PCIe host bridge(s) and ITS handed to the inmate");
	for (i = 0; i < json_array_size(r->changes); i++) {
		json_t *c = json_array_get(r->changes, i);

		printf("  [%s] %s  (%s)\n", json_string_value(json_object_get(c, "step")),
		       json_string_value(json_object_get(c, "change")),
		       json_string_value(json_object_get(c, "reason")));
	}
}

int main(int argc, char **argv)
{
	struct run r;
	json_t *findings, *bridges;
	size_t i;
	int err, ret = 1;

	memset(&r, 0, sizeof(r));
	parse(argc, argv, &r.o);
	if (cell_ctx_new(&r.ctx))
		return 1;
	r.report = json_object();
	r.changes = json_array();
	json_object_set_new(r.report, "changes", r.changes);
	findings = json_array();
	json_object_set_new(r.report, "check", findings);
	bridges = json_array();
	json_object_set_new(r.report, "host_bridges", bridges);

	if ((err = cell_file_read(r.ctx, r.o.host_dtb, MAX_DTB, &r.host, &r.host_size)) ||
	    (err = cell_file_read(r.ctx, r.o.inmate_dtb, MAX_DTB, &r.inmate, &r.inmate_size))) {
		ret = fail(&r, err, "reading device trees");
		goto out;
	}
	if ((err = cell_config_load(r.ctx, &r.root, r.o.root_cfg))) {
		ret = fail(&r, err, "root config");
		goto out;
	}
	if ((err = cell_config_load(r.ctx, &r.cell, r.o.inmate_cfg))) {
		ret = fail(&r, err, "inmate config");
		goto out;
	}
	if (cell_config_kind(r.root) != CELL_CONFIG_SYSTEM ||
	    cell_config_kind(r.cell) != CELL_CONFIG_CELL) {
		fprintf(stderr, "isolate-nic: %s must be a system configuration and %s a cell configuration\n",
			r.o.root_cfg, r.o.inmate_cfg);
		goto out;
	}
	if (check_identity(&r) || select_bridges(&r))
		goto out;
	for (i = 0; i < r.nsel; i++) {
		struct cell_pci_host h;

		if (!cell_pci_host_get(r.pci, r.sel[i], &h))
			json_array_append_new(bridges, json_string(h.path));
	}
	json_object_set_new(r.report, "already_isolated", json_boolean(r.already));

	/* S3 reads the GIC from the host tree; on a re-run the ITS already
	 * lives in the inmate tree. */
	if (find_gic(&r, r.host_dt, r.o.host_dtb))
		goto out;
	if (!r.already) {
		r.its_gics = r.gics;
	} else if ((err = cell_dt_gic_discover(r.ctx, r.inmate_dt, &r.its_gics))) {
		ret = fail(&r, err, r.o.inmate_dtb);
		goto out;
	}
	json_object_set_new(r.report, "gic", json_pack("{s:s, s:i, s:I, s:I}",
		"path", r.gic.path, "version", (int)r.gic.version,
		"gicd_base", (json_int_t)r.gic.distributor.base,
		"redistributor_regions", (json_int_t)r.gic.redist_count));

	if (!r.already) {
		struct cell_handoff_opts ho = CELL_HANDOFF_OPTS_INIT;
		const char *paths[MAX_HOSTS];
		char *rep;

		ho.flags = r.o.handoff_flags;
		for (i = 0; i < r.nsel; i++) {
			struct cell_pci_host h;

			cell_pci_host_get(r.pci, r.sel[i], &h);
			paths[i] = strdup(h.path);
		}
		/* An inmate blob that is no tree goes to the blob call, which
		 * refuses it with the handoff's own message. */
		if (!r.inmate_dt)
			cell_dt_new(r.ctx, r.inmate, r.inmate_size, &r.inmate_dt);
		err = r.inmate_dt ?
			cell_dt_handoff_trees(r.ctx, r.host_dt, r.inmate_dt, paths, r.nsel,
					      &ho, &r.handoff) :
			cell_dt_handoff(r.ctx, r.host, r.host_size, r.inmate, r.inmate_size,
					paths, r.nsel, &ho, &r.handoff);
		for (i = 0; i < r.nsel; i++)
			free((void *)paths[i]);
		if (err) {
			ret = fail(&r, err, "device-tree handoff (S1/S2)");
			goto out;
		}
		if (!cell_handoff_report_json(r.ctx, r.handoff, &rep)) {
			json_object_set_new(r.report, "devicetree",
					    json_loads(rep, 0, NULL));
			cell_free(rep);
		}
		change(&r, "S1", fmt("host tree: %zu bridge(s) and their ITS removed", r.nsel),
		       "the root must not drive the NIC or its ITS any more");
		change(&r, "S2", "inmate tree: bridges and ITS grafted, references rewired",
		       "the inmate's Linux probes the NIC with MSIs through its own ITS");
	}

	err = r.o.precise_gicr ? gicr_precise(&r) : gicr_s4(&r);
	if (err || move_bridges(&r) || run_check(&r, findings))
		goto out;
	s5_commands(&r);

	if (r.o.json) {
		char *text = json_dumps(r.report, JSON_INDENT(2) | JSON_SORT_KEYS);

		if (text)
			puts(text);
		free(text);
	} else if (r.o.dry_run) {
		print_text_report(&r);
	}
	ret = r.o.dry_run ? 0 : write_outputs(&r);
	if (!ret && r.o.run)
		ret = run_s5(&r);
out:
	json_decref(r.report);
	cell_handoff_free(r.handoff);
	if (r.its_gics != r.gics)
		cell_gic_list_free(r.its_gics);
	cell_gic_list_free(r.gics);
	cell_pci_list_free(r.pci);
	cell_config_free(r.root);
	cell_config_free(r.cell);
	cell_dt_free(r.host_dt);
	cell_dt_free(r.inmate_dt);
	cell_free(r.host);
	cell_free(r.inmate);
	cell_ctx_free(r.ctx);
	return ret;
}
