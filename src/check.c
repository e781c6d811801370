/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Configuration checker. Every rule, its code and severity is documented in
 * docs/checker.md. Overlap rules work on sorted copies of the regions, so a
 * set with n regions costs O(n log n) whatever the overlaps.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libcell/check.h>
#include <libcell/gic.h>

#include "internal.h"

#define PAGE_SIZE	0x1000ull
#define COMM_SIZE	0x1000ull
#define GICD_SIZE	0x10000ull
/* One GICv3 redistributor: RD_base + SGI_base frames. */
#define GICR_FRAME	0x20000ull

#define MEM_RWIO	(CELL_MEM_READ | CELL_MEM_WRITE | CELL_MEM_IO)

/* Ranges are printed inclusive, "[0x1000-0x1fff]". */
#define RANGE		"[0x%" PRIx64 "-0x%" PRIx64 "]"

struct cell_findings {
	struct cell_finding *v;
	size_t n, cap, errors;
};

/* One configuration copied into plain arrays. */
struct view {
	int32_t index;			/* CELL_CHECK_ROOT or index in cells[] */
	uint32_t kind, arch;
	char name[CELL_NAME_MAX + 1];
	struct cell_memory *mem;
	uint32_t nmem;
	struct cell_irqchip *chip;
	uint32_t nchip;
	struct cell_pci_device *pci;
	uint32_t npci;
	uint32_t *cpu;			/* sorted */
	uint32_t ncpu;
};

/* What the rules know about the system the cells run on. */
struct sysinfo {
	struct cell_system sys;
	const struct view *root;
	bool arm;
	bool has_iommu;
	bool gicd, gicr;
	uint64_t gicd_first, gicd_last, gicr_first, gicr_last;
};

struct state {
	struct cell_findings *f;
	int err;			/* sticky -ENOMEM */
};

/* A region (or one INTID) reduced to what the sorted sweeps compare. */
struct span {
	uint64_t first, last;
	int32_t cell;
	uint32_t idx;
};

static __attribute__((format(printf, 7, 8)))
void add(struct state *st, const struct view *v, uint32_t severity,
	 uint32_t code, const char *what, int32_t idx, const char *fmt, ...)
{
	struct cell_findings *f = st->f;
	struct cell_finding *fd;
	va_list ap;
	int n;

	if (st->err)
		return;
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		struct cell_finding *nv;

		if (cap > SIZE_MAX / sizeof(*nv) ||
		    !(nv = realloc(f->v, cap * sizeof(*nv)))) {
			st->err = -ENOMEM;
			return;
		}
		f->v = nv;
		f->cap = cap;
	}
	fd = &f->v[f->n];
	memset(fd, 0, sizeof(*fd));
	fd->severity = severity;
	fd->code = code;
	fd->cell = v->index;
	fd->region = what ? idx : CELL_CHECK_NO_INDEX;
	if (what)
		n = snprintf(fd->message, sizeof(fd->message),
			     "cell \"%s\" %s %" PRId32 ": ", v->name, what, idx);
	else
		n = snprintf(fd->message, sizeof(fd->message), "cell \"%s\": ",
			     v->name);
	if (n > 0 && (size_t)n < sizeof(fd->message)) {
		va_start(ap, fmt);
		vsnprintf(fd->message + n, sizeof(fd->message) - (size_t)n, fmt, ap);
		va_end(ap);
	}
	f->n++;
	if (severity == CELL_SEVERITY_ERROR)
		f->errors++;
}

/* Append "; s" (or s) to the reason list of one finding. */
static void reason(char *buf, size_t size, const char *s)
{
	size_t len = strlen(buf);

	snprintf(buf + len, size - len, "%s%s", len ? "; " : "", s);
}

static bool is_arm(uint32_t arch)
{
	return arch == CELL_ARCH_ARM || arch == CELL_ARCH_ARM64;
}

static bool wraps(uint64_t start, uint64_t size)
{
	return size && size - 1 > UINT64_MAX - start;
}

/* A region takes part in address comparisons only with a sane extent. */
/* All-zero entries are unused slots (upstream configs carry them). */
static bool mem_unused(const struct cell_memory *m)
{
	return !(m->phys_start | m->virt_start | m->size | m->flags);
}

static bool irqchip_unused(const struct cell_irqchip *c)
{
	return !(c->address | c->id | c->pin_base | c->pin_bitmap[0] |
		 c->pin_bitmap[1] | c->pin_bitmap[2] | c->pin_bitmap[3]);
}

static bool has_extent(const struct cell_memory *m)
{
	return m->size && !wraps(m->phys_start, m->size) &&
	       !wraps(m->virt_start, m->size);
}

static uint64_t plast(const struct cell_memory *m)
{
	return m->phys_start + m->size - 1;
}

static bool overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	return a0 <= b1 && b0 <= a1;
}

/* ---------------------------------------------------------------------- */

static void view_free(struct view *v)
{
	free(v->mem);
	free(v->chip);
	free(v->pci);
	free(v->cpu);
}

#define LOAD_ARRAY(cfg, field, nfield, kind)				\
	do {								\
		int cnt_ = cell_config_##kind##_count(cfg);		\
		if (cnt_ < 0)						\
			return cnt_;					\
		v->field = calloc(cnt_ ? (size_t)cnt_ : 1, sizeof(*v->field)); \
		if (!v->field)						\
			return -ENOMEM;					\
		for (int i_ = 0; i_ < cnt_; i_++) {			\
			int r_ = cell_config_##kind##_get(cfg, (uint32_t)i_, \
							  &v->field[i_]); \
			if (r_)						\
				return r_;				\
		}							\
		v->nfield = (uint32_t)cnt_;				\
	} while (0)

/* On failure the caller still frees @v. */
static int view_load(const cell_config *cfg, int32_t index, struct view *v)
{
	const char *name = cell_config_name(cfg);
	size_t len = strnlen(name, CELL_NAME_MAX);
	int n;

	memset(v, 0, sizeof(*v));
	v->index = index;
	v->kind = cell_config_kind(cfg);
	v->arch = cell_config_arch(cfg);
	memcpy(v->name, name, len);
	v->name[len] = '\0';
	LOAD_ARRAY(cfg, mem, nmem, memory);
	LOAD_ARRAY(cfg, chip, nchip, irqchip);
	LOAD_ARRAY(cfg, pci, npci, pci_device);
	n = cell_config_cpus(cfg, NULL, 0);
	if (n < 0)
		return n;
	v->cpu = calloc(n ? (size_t)n : 1, sizeof(*v->cpu));
	if (!v->cpu)
		return -ENOMEM;
	if (n && cell_config_cpus(cfg, v->cpu, (uint32_t)n) != n)
		return -EINVAL;
	v->ncpu = (uint32_t)n;
	return 0;
}

static int sysinfo_load(const cell_config *cfg, const struct view *root,
			struct sysinfo *si)
{
	const struct cell_platform *p = &si->sys.platform;
	uint64_t frames;
	int err;

	memset(si, 0, sizeof(*si));
	err = cell_config_get_system(cfg, &si->sys);
	if (err)
		return err;
	si->root = root;
	si->arm = is_arm(root->arch);
	for (uint32_t i = 0; i < CELL_IOMMU_MAX; i++) {
		struct cell_iommu u;

		err = cell_config_iommu_get(cfg, i, &u);
		if (err)
			return err;
		if (u.type || u.base)
			si->has_iommu = true;
	}
	if (si->arm && p->arm_gicd_base) {
		si->gicd = true;
		si->gicd_first = p->arm_gicd_base;
		si->gicd_last = wraps(p->arm_gicd_base, GICD_SIZE) ?
				UINT64_MAX : p->arm_gicd_base + GICD_SIZE - 1;
	}
	/*
	 * The configuration does not record the GICR size. The hypervisor maps
	 * one 128 KiB frame per CPU of the root cell contiguously from
	 * gicr_base, so that is the range taken here (at least one frame).
	 */
	if (si->arm && p->arm_gicr_base && p->arm_gic_version != 2) {
		frames = root->ncpu ? root->ncpu : 1;
		si->gicr = true;
		si->gicr_first = p->arm_gicr_base;
		si->gicr_last = wraps(p->arm_gicr_base, frames * GICR_FRAME) ?
				UINT64_MAX : p->arm_gicr_base + frames * GICR_FRAME - 1;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	if (x->cell != y->cell)
		return x->cell < y->cell ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Regions of one cell overlapping on one side, by a sweep over the sorted
 * regions keeping the one reaching furthest. */
static void check_overlap(struct state *st, const struct view *v, bool guest)
{
	struct span *s, far;
	size_t n = 0;

	s = calloc(v->nmem ? v->nmem : 1, sizeof(*s));
	if (!s) {
		st->err = -ENOMEM;
		return;
	}
	for (uint32_t i = 0; i < v->nmem; i++) {
		const struct cell_memory *m = &v->mem[i];

		if (!has_extent(m) || (!guest && (m->flags & CELL_MEM_COMM_REGION)))
			continue;
		s[n].first = guest ? m->virt_start : m->phys_start;
		s[n].last = s[n].first + m->size - 1;
		s[n].idx = i;
		n++;
	}
	qsort(s, n, sizeof(*s), span_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i && s[i].first <= far.last) {
			/* Blame the entry listed later, naming the other. */
			const struct span *late = s[i].idx > far.idx ? &s[i] : &far;
			const struct span *early = late == &far ? &s[i] : &far;

			add(st, v, CELL_SEVERITY_ERROR,
			    guest ? CELL_CHECK_MEM_OVERLAP_VIRT : CELL_CHECK_MEM_OVERLAP_PHYS,
			    "region", (int32_t)late->idx,
			    "%s " RANGE " overlaps region %" PRIu32 " " RANGE,
			    guest ? "guest" : "phys", late->first, late->last,
			    early->idx, early->first, early->last);
		}
		if (!i || s[i].last > far.last)
			far = s[i];
	}
	free(s);
}

static void check_comm(struct state *st, const struct view *v, uint32_t i,
		       int32_t *first_comm)
{
	const struct cell_memory *m = &v->mem[i];
	char why[200] = "", buf[80];

	if (v->kind == CELL_CONFIG_SYSTEM)
		reason(why, sizeof(why), "COMM_REGION in the root cell");
	if (*first_comm >= 0) {
		snprintf(buf, sizeof(buf), "second COMM_REGION (first is region %" PRId32 ")",
			 *first_comm);
		reason(why, sizeof(why), buf);
	} else {
		*first_comm = (int32_t)i;
	}
	if (m->flags & CELL_MEM_LOADABLE)
		reason(why, sizeof(why), "COMM_REGION with LOADABLE");
	if (m->flags & CELL_MEM_DMA)
		reason(why, sizeof(why), "COMM_REGION with DMA");
	if (m->flags & CELL_MEM_ROOTSHARED)
		reason(why, sizeof(why), "COMM_REGION with ROOTSHARED");
	if (m->size != COMM_SIZE) {
		snprintf(buf, sizeof(buf), "size 0x%" PRIx64 " instead of 0x1000", m->size);
		reason(why, sizeof(why), buf);
	}
	if (why[0])
		add(st, v, CELL_SEVERITY_ERROR, CELL_CHECK_COMM_REGION, "region",
		    (int32_t)i, "%s, at guest 0x%" PRIx64, why, m->virt_start);
	if (m->virt_start & (PAGE_SIZE - 1))
		add(st, v, CELL_SEVERITY_ERROR, CELL_CHECK_MEM_UNALIGNED, "region",
		    (int32_t)i, "COMM_REGION guest address 0x%" PRIx64
		    " is not 4 KiB aligned", m->virt_start);
}

static void check_loadable(struct state *st, const struct view *v, uint32_t i)
{
	const struct cell_memory *m = &v->mem[i];
	char why[160] = "";

	if (!(m->flags & CELL_MEM_LOADABLE))
		return;
	if (v->kind == CELL_CONFIG_SYSTEM)
		reason(why, sizeof(why), "LOADABLE in the root cell");
	if (!(m->flags & CELL_MEM_WRITE))
		reason(why, sizeof(why), "LOADABLE without WRITE, images cannot be loaded");
	if (m->flags & CELL_MEM_IO)
		reason(why, sizeof(why), "LOADABLE on an IO region");
	if (why[0])
		add(st, v, CELL_SEVERITY_ERROR, CELL_CHECK_LOADABLE, "region",
		    (int32_t)i, "%s, phys " RANGE, why, m->phys_start, plast(m));
}

/* Whether the root cell maps [first, last] (any part, or all of it within
 * one READ|WRITE|IO region); returns the root region index or -1. */
static int32_t root_maps(const struct view *root, uint64_t first, uint64_t last,
			 bool rwio_whole)
{
	for (uint32_t i = 0; i < root->nmem; i++) {
		const struct cell_memory *r = &root->mem[i];

		if (!has_extent(r) || (r->flags & CELL_MEM_COMM_REGION))
			continue;
		if (!rwio_whole && overlaps(first, last, r->phys_start, plast(r)))
			return (int32_t)i;
		if (rwio_whole && (r->flags & MEM_RWIO) == MEM_RWIO &&
		    r->phys_start <= first && plast(r) >= last)
			return (int32_t)i;
	}
	return -1;
}

/*
 * The precise alternative to the grant: READ|WRITE|IO on whole frames of
 * the cell's own CPUs only. Frame n belongs to logical CPU n, the layout
 * firmware uses when CPU nodes follow the redistributor order.
 */
static bool own_frames(const struct view *v, const struct sysinfo *si,
		       const struct cell_memory *m)
{
	uint64_t off, frame;
	uint32_t k;

	if ((m->flags & (MEM_RWIO | CELL_MEM_ROOTSHARED)) != MEM_RWIO ||
	    m->phys_start < si->gicr_first || plast(m) > si->gicr_last ||
	    !m->size || m->size % GICR_FRAME)
		return false;
	off = m->phys_start - si->gicr_first;
	if (off % GICR_FRAME)
		return false;
	for (frame = off / GICR_FRAME; frame < (off + m->size) / GICR_FRAME; frame++) {
		for (k = 0; k < v->ncpu && v->cpu[k] != frame; k++)
			;
		if (k == v->ncpu)
			return false;
	}
	return true;
}

static void check_gicr(struct state *st, const struct view *v,
		       const struct sysinfo *si, uint32_t i)
{
	const struct cell_memory *m = &v->mem[i];
	uint64_t first = m->phys_start, last = plast(m);
	int32_t r;

	if (v->kind == CELL_CONFIG_SYSTEM) {
		if ((m->flags & MEM_RWIO) == MEM_RWIO)
			add(st, v, CELL_SEVERITY_INFO, CELL_CHECK_GICR_GRANT, "region",
			    (int32_t)i, "phys " RANGE " maps GICR " RANGE " READ|WRITE|IO, "
			    "the root side of a GICR grant (redistributor traps bypassed)",
			    first, last, si->gicr_first, si->gicr_last);
		else
			add(st, v, CELL_SEVERITY_ERROR, CELL_CHECK_GIC_AS_MEMORY, "region",
			    (int32_t)i, "phys " RANGE " maps GICR " RANGE " as memory "
			    "(only READ|WRITE|IO is accepted, as the root side of a grant)",
			    first, last, si->gicr_first, si->gicr_last);
		return;
	}
	if ((m->flags & (MEM_RWIO | CELL_MEM_ROOTSHARED)) ==
	    (MEM_RWIO | CELL_MEM_ROOTSHARED)) {
		r = root_maps(si->root, first, last, true);
		if (r >= 0) {
			add(st, v, CELL_SEVERITY_INFO, CELL_CHECK_GICR_GRANT, "region",
			    (int32_t)i, "GICR grant: phys " RANGE " READ|WRITE|IO|ROOTSHARED "
			    "shares root region %" PRId32, first, last, r);
			return;
		}
	}
	if (!(m->flags & CELL_MEM_ROOTSHARED) &&
	    (r = root_maps(si->root, first, last, false)) >= 0) {
		add(st, v, CELL_SEVERITY_ERROR, CELL_CHECK_GIC_AS_MEMORY, "region",
		    (int32_t)i, "phys " RANGE " maps GICR without ROOTSHARED while "
		    "root region %" PRId32 " maps it too", first, last, r);
		return;
	}
	if (own_frames(v, si, m)) {
		add(st, v, CELL_SEVERITY_INFO, CELL_CHECK_GICR_OWN_FRAMES, "region",
		    (int32_t)i, "phys " RANGE " maps the redistributor frames of the "
		    "cell's own CPUs (frame n = CPU n)", first, last);
		return;
	}
	add(st, v, CELL_SEVERITY_ERROR, CELL_CHECK_GIC_AS_MEMORY, "region", (int32_t)i,
	    "phys " RANGE " maps GICR " RANGE " as memory; only the grant "
	    "(root READ|WRITE|IO, cell READ|WRITE|IO|ROOTSHARED on the same range) "
	    "is accepted", first, last, si->gicr_first, si->gicr_last);
}

/* Rules on one region that need the system configuration. */
static void check_region_sys(struct state *st, const struct view *v,
			     const struct sysinfo *si, uint32_t i, bool dma_rule)
{
	const struct cell_memory *m = &v->mem[i];
	const struct cell_memory *hv = &si->sys.hypervisor_memory;
	uint64_t first = m->phys_start, last = plast(m);

	if (hv->size && !wraps(hv->phys_start, hv->size) &&
	    overlaps(first, last, hv->phys_start, plast(hv)))
		add(st, v, CELL_SEVERITY_ERROR, CELL_CHECK_MEM_HYPERVISOR, "region",
		    (int32_t)i, "phys " RANGE " overlaps the hypervisor memory " RANGE,
		    first, last, hv->phys_start, plast(hv));
	if (si->gicd && overlaps(first, last, si->gicd_first, si->gicd_last))
		add(st, v, CELL_SEVERITY_ERROR, CELL_CHECK_GIC_AS_MEMORY, "region",
		    (int32_t)i, "phys " RANGE " maps the GICD " RANGE " as memory, "
		    "bypassing its emulation", first, last, si->gicd_first, si->gicd_last);
	if (si->gicr && overlaps(first, last, si->gicr_first, si->gicr_last))
		check_gicr(st, v, si, i);
	if (dma_rule && (m->flags & CELL_MEM_DMA) && m->phys_start != m->virt_start)
		add(st, v, CELL_SEVERITY_ERROR, CELL_CHECK_DMA_NOT_IDENTITY, "region",
		    (int32_t)i, "DMA memory phys " RANGE " at guest 0x%" PRIx64 " is not "
		    "identity mapped, with PCI devices in the cell and no IOMMU in the system",
		    first, last, m->virt_start);
}

static void check_regions(struct state *st, const struct view *v,
			  const struct sysinfo *si)
{
	int32_t first_comm = -1;
	bool dma_rule = false;

	if (si && !si->has_iommu)
		for (uint32_t i = 0; i < v->npci; i++)
			if (v->pci[i].type == CELL_PCI_TYPE_DEVICE)
				dma_rule = true;

	for (uint32_t i = 0; i < v->nmem; i++) {
		const struct cell_memory *m = &v->mem[i];
		bool comm = m->flags & CELL_MEM_COMM_REGION;

		if (mem_unused(m)) {
			add(st, v, CELL_SEVERITY_INFO, CELL_CHECK_UNUSED_SLOT, "region",
			    (int32_t)i, "all zero: an unused slot, ignored");
			continue;
		}
		if (!m->size) {
			add(st, v, CELL_SEVERITY_ERROR, CELL_CHECK_MEM_ZERO_SIZE, "region",
			    (int32_t)i, "size 0 but phys 0x%" PRIx64 ", guest 0x%" PRIx64
			    ", flags 0x%" PRIx64 " (only an all-zero region is an unused slot)",
			    m->phys_start, m->virt_start, m->flags);
			continue;
		}
		if ((!comm && wraps(m->phys_start, m->size)) ||
		    wraps(m->virt_start, m->size)) {
			add(st, v, CELL_SEVERITY_ERROR, CELL_CHECK_MEM_WRAP, "region",
			    (int32_t)i, "phys 0x%" PRIx64 " guest 0x%" PRIx64 " size 0x%"
			    PRIx64 " runs past the end of the address space",
			    m->phys_start, m->virt_start, m->size);
			continue;
		}
		if (comm) {
			check_comm(st, v, i, &first_comm);
			continue;
		}
		if ((m->phys_start | m->virt_start | m->size) & (PAGE_SIZE - 1)) {
			if (m->flags & CELL_MEM_IO)
				add(st, v, CELL_SEVERITY_INFO, CELL_CHECK_MEM_UNALIGNED,
				    "region", (int32_t)i, "sub-page IO region phys " RANGE " (size 0x%"
				    PRIx64 "), every access is trapped and emulated",
				    m->phys_start, plast(m), m->size);
			else
				add(st, v, CELL_SEVERITY_ERROR, CELL_CHECK_MEM_UNALIGNED,
				    "region", (int32_t)i, "memory not 4 KiB aligned (phys 0x%"
				    PRIx64 ", guest 0x%" PRIx64 ", size 0x%" PRIx64 ")",
				    m->phys_start, m->virt_start, m->size);
		}
		check_loadable(st, v, i);
		if (si)
			check_region_sys(st, v, si, i, dma_rule);
	}
	check_overlap(st, v, false);
	check_overlap(st, v, true);
}

static void check_irqchips(struct state *st, const struct view *v,
			   const struct sysinfo *si)
{
	bool arm = si ? si->arm : is_arm(v->arch);

	if (!arm)
		return;
	for (uint32_t i = 0; i < v->nchip; i++) {
		const struct cell_irqchip *c = &v->chip[i];

		if (irqchip_unused(c)) {
			add(st, v, CELL_SEVERITY_INFO, CELL_CHECK_UNUSED_SLOT, "irqchip",
			    (int32_t)i, "all zero: an unused slot, ignored");
			continue;
		}
		if (c->pin_base % 32)
			add(st, v, CELL_SEVERITY_ERROR, CELL_CHECK_IRQCHIP_BASE, "irqchip",
			    (int32_t)i, "pin_base %" PRIu32 " is not a multiple of 32",
			    c->pin_base);
		if (si && si->gicd && c->address != si->gicd_first)
			add(st, v, CELL_SEVERITY_ERROR, CELL_CHECK_IRQCHIP_NOT_GICD, "irqchip",
			    (int32_t)i, "address 0x%" PRIx64 " is not the GICD base 0x%" PRIx64,
			    c->address, si->gicd_first);
	}
}

/* Rules on one configuration; @si is NULL when no system is known. */
static void check_one(struct state *st, const struct view *v,
		      const struct sysinfo *si)
{
	if (!v->name[0])
		add(st, v, CELL_SEVERITY_ERROR, CELL_CHECK_NAME, NULL, 0,
		    "empty name");
	if (v->arch == CELL_ARCH_UNKNOWN)
		add(st, v, CELL_SEVERITY_WARNING, CELL_CHECK_KIND, NULL, 0,
		    "no architecture recorded (revision 13): architecture rules "
		    "follow the system configuration or are skipped");
	if (v->kind == CELL_CONFIG_SYSTEM && !v->ncpu)
		add(st, v, CELL_SEVERITY_ERROR, CELL_CHECK_ROOT_NO_CPU, NULL, 0,
		    "root cell without CPU");
	if (v->kind == CELL_CONFIG_CELL && !v->ncpu)
		add(st, v, CELL_SEVERITY_WARNING, CELL_CHECK_CELL_NO_CPU, NULL, 0,
		    "no CPU, the cell can never run");
	check_regions(st, v, si);
	check_irqchips(st, v, si);
}

/* ---------------------------------------------------------------------- */
/* Rules across cells. */

static void check_names(struct state *st, const struct view *root,
			const struct view *cells, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct view *c = &cells[i];

		if (!c->name[0])
			continue;
		if (root && !strcmp(c->name, root->name)) {
			add(st, c, CELL_SEVERITY_ERROR, CELL_CHECK_NAME, NULL, 0,
			    "same name as the root cell");
			continue;
		}
		/* Cell counts are small: the quadratic loop is cheaper than sorting. */
		for (size_t j = 0; j < i; j++)
			if (!strcmp(c->name, cells[j].name)) {
				add(st, c, CELL_SEVERITY_ERROR, CELL_CHECK_NAME, NULL, 0,
				    "same name as cell %zu", j);
				break;
			}
	}
}

static void check_cpus(struct state *st, const struct view *root,
		       const struct view *cells, const bool *use, size_t n)
{
	uint32_t max = 0, left = 0;
	int32_t *owner;
	uint8_t *in_root;

	if (root && root->ncpu)
		max = root->cpu[root->ncpu - 1];
	for (size_t i = 0; i < n; i++)
		if (use[i] && cells[i].ncpu && cells[i].cpu[cells[i].ncpu - 1] > max)
			max = cells[i].cpu[cells[i].ncpu - 1];
	owner = malloc(((size_t)max + 1) * sizeof(*owner));
	in_root = calloc((size_t)max + 1, 1);
	if (!owner || !in_root) {
		free(owner);
		free(in_root);
		st->err = -ENOMEM;
		return;
	}
	for (uint32_t c = 0; c <= max; c++)
		owner[c] = -1;
	for (uint32_t k = 0; root && k < root->ncpu; k++)
		in_root[root->cpu[k]] = 1;
	for (size_t i = 0; i < n; i++) {
		for (uint32_t k = 0; use[i] && k < cells[i].ncpu; k++) {
			uint32_t c = cells[i].cpu[k];

			if (root && !in_root[c])
				add(st, &cells[i], CELL_SEVERITY_ERROR, CELL_CHECK_CPU_NOT_IN_ROOT,
				    NULL, 0, "CPU %" PRIu32 " is not a CPU of the root cell", c);
			if (owner[c] >= 0)
				add(st, &cells[i], CELL_SEVERITY_ERROR, CELL_CHECK_CPU_SHARED,
				    NULL, 0, "CPU %" PRIu32 " is also a CPU of cell \"%s\"",
				    c, cells[owner[c]].name);
			else
				owner[c] = (int32_t)i;
		}
	}
	for (uint32_t k = 0; root && k < root->ncpu; k++)
		if (owner[root->cpu[k]] < 0)
			left++;
	if (root && root->ncpu && !left)
		add(st, root, CELL_SEVERITY_ERROR, CELL_CHECK_ROOT_NO_CPU, NULL, 0,
		    "root cell keeps none of its %" PRIu32 " CPUs, the non-root "
		    "cells take them all", root->ncpu);
	free(owner);
	free(in_root);
}

static bool exclusive_ram(const struct cell_memory *m)
{
	return has_extent(m) && !(m->flags & (CELL_MEM_ROOTSHARED | CELL_MEM_IO |
					      CELL_MEM_COMM_REGION));
}

/* Non-root RAM must lie inside the root's RAM (the union of its non-IO
 * regions, so adjacent root regions count as one). */
static void check_carved(struct state *st, const struct view *root,
			 const struct view *cells, const bool *use, size_t n)
{
	struct span *s;
	size_t ns = 0, nm = 0;

	s = calloc(root->nmem ? root->nmem : 1, sizeof(*s));
	if (!s) {
		st->err = -ENOMEM;
		return;
	}
	for (uint32_t i = 0; i < root->nmem; i++) {
		const struct cell_memory *m = &root->mem[i];

		if (!has_extent(m) || (m->flags & (CELL_MEM_IO | CELL_MEM_COMM_REGION)))
			continue;
		s[ns].first = m->phys_start;
		s[ns].last = plast(m);
		s[ns].idx = i;
		ns++;
	}
	qsort(s, ns, sizeof(*s), span_cmp);
	for (size_t i = 0; i < ns; i++) {
		if (nm && (s[nm - 1].last == UINT64_MAX || s[i].first <= s[nm - 1].last + 1)) {
			if (s[i].last > s[nm - 1].last)
				s[nm - 1].last = s[i].last;
		} else {
			s[nm++] = s[i];
		}
	}
	for (size_t c = 0; c < n; c++) {
		for (uint32_t i = 0; use[c] && i < cells[c].nmem; i++) {
			const struct cell_memory *m = &cells[c].mem[i];
			size_t lo = 0, hi = nm;

			if (!exclusive_ram(m))
				continue;
			/* Last merged range starting at or below the region. */
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;

				if (s[mid].first <= m->phys_start)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo && s[lo - 1].last >= plast(m))
				continue;
			add(st, &cells[c], CELL_SEVERITY_ERROR, CELL_CHECK_MEM_NOT_IN_ROOT,
			    "region", (int32_t)i, "RAM phys " RANGE " is not inside the "
			    "root cell's RAM", m->phys_start, plast(m));
		}
	}
	free(s);
}

/* Exclusive (not ROOTSHARED, not COMM_REGION) memory of two non-root cells
 * overlapping. The sweep keeps the furthest-reaching span and the
 * furthest-reaching one of any other cell, so each span meets a partner
 * from another cell whenever one exists. */
static void check_shared_mem(struct state *st, const struct view *cells,
			     const bool *use, size_t n)
{
	struct span *s, b1, b2;
	size_t total = 0, ns = 0;
	bool have1 = false, have2 = false;

	for (size_t c = 0; c < n; c++)
		if (use[c])
			total += cells[c].nmem;
	s = calloc(total ? total : 1, sizeof(*s));
	if (!s) {
		st->err = -ENOMEM;
		return;
	}
	for (size_t c = 0; c < n; c++) {
		for (uint32_t i = 0; use[c] && i < cells[c].nmem; i++) {
			const struct cell_memory *m = &cells[c].mem[i];

			if (!has_extent(m) ||
			    (m->flags & (CELL_MEM_ROOTSHARED | CELL_MEM_COMM_REGION)))
				continue;
			s[ns].first = m->phys_start;
			s[ns].last = plast(m);
			s[ns].cell = (int32_t)c;
			s[ns].idx = i;
			ns++;
		}
	}
	qsort(s, ns, sizeof(*s), span_cmp);
	for (size_t i = 0; i < ns; i++) {
		const struct span *e = &s[i], *p = NULL;

		if (have1 && b1.cell != e->cell && b1.last >= e->first)
			p = &b1;
		else if (have2 && b2.cell != e->cell && b2.last >= e->first)
			p = &b2;
		if (p) {
			const struct span *late = e->cell > p->cell ? e : p;
			const struct span *early = late == e ? p : e;

			add(st, &cells[late->cell], CELL_SEVERITY_ERROR, CELL_CHECK_MEM_SHARED,
			    "region", (int32_t)late->idx, "phys " RANGE " overlaps region %"
			    PRIu32 " " RANGE " of cell \"%s\" (neither is ROOTSHARED)",
			    late->first, late->last, early->idx, early->first, early->last,
			    cells[early->cell].name);
		}
		if (!have1) {
			b1 = *e;
			have1 = true;
		} else if (e->cell == b1.cell) {
			if (e->last > b1.last)
				b1 = *e;
		} else if (e->last > b1.last) {
			b2 = b1;
			b1 = *e;
			have2 = true;
		} else if (!have2 || e->last > b2.last) {
			b2 = *e;
			have2 = true;
		}
	}
	free(s);
}

struct pin {
	uint64_t chip_addr;
	uint32_t intid;
	int32_t cell;
	uint32_t chip;
};

struct clash {
	int32_t cell, other;
	uint32_t chip, intid;
};

static int pin_cmp(const void *a, const void *b)
{
	const struct pin *x = a, *y = b;

	if (x->chip_addr != y->chip_addr)
		return x->chip_addr < y->chip_addr ? -1 : 1;
	if (x->intid != y->intid)
		return x->intid < y->intid ? -1 : 1;
	if (x->cell != y->cell)
		return x->cell < y->cell ? -1 : 1;
	return x->chip < y->chip ? -1 : x->chip > y->chip;
}

static int clash_cmp(const void *a, const void *b)
{
	const struct clash *x = a, *y = b;

	if (x->cell != y->cell)
		return x->cell < y->cell ? -1 : 1;
	if (x->chip != y->chip)
		return x->chip < y->chip ? -1 : 1;
	if (x->other != y->other)
		return x->other < y->other ? -1 : 1;
	return x->intid < y->intid ? -1 : x->intid > y->intid;
}

/* Interrupt lines granted to two non-root cells. On ARM every irqchip is the
 * one GICD, so lines are compared by INTID alone; elsewhere by chip address
 * and pin. One finding per irqchip and other cell. */
static void check_shared_irqs(struct state *st, const struct view *cells,
			      const bool *use, size_t n, bool arm)
{
	struct pin *p;
	struct clash *cl;
	size_t total = 0, np = 0, nc = 0;

	for (size_t c = 0; c < n; c++)
		if (use[c])
			total += (size_t)cells[c].nchip * 128;
	p = calloc(total ? total : 1, sizeof(*p));
	cl = calloc(total ? total : 1, sizeof(*cl));
	if (!p || !cl) {
		free(p);
		free(cl);
		st->err = -ENOMEM;
		return;
	}
	for (size_t c = 0; c < n; c++) {
		for (uint32_t i = 0; use[c] && i < cells[c].nchip; i++) {
			const struct cell_irqchip *ch = &cells[c].chip[i];

			for (uint32_t b = 0; b < 128; b++) {
				if (!(ch->pin_bitmap[b / 32] & (1u << (b % 32))))
					continue;
				p[np].chip_addr = arm ? 0 : ch->address;
				p[np].intid = ch->pin_base + b;
				p[np].cell = (int32_t)c;
				p[np].chip = i;
				np++;
			}
		}
	}
	qsort(p, np, sizeof(*p), pin_cmp);
	for (size_t i = 0, run = 0; i < np; i++) {
		if (p[i].chip_addr != p[run].chip_addr || p[i].intid != p[run].intid)
			run = i;
		else if (p[i].cell != p[run].cell)
			cl[nc++] = (struct clash){ p[i].cell, p[run].cell, p[i].chip,
						   p[i].intid };
	}
	qsort(cl, nc, sizeof(*cl), clash_cmp);
	for (size_t i = 0, j; i < nc; i = j) {
		for (j = i + 1; j < nc && cl[j].cell == cl[i].cell &&
		     cl[j].chip == cl[i].chip && cl[j].other == cl[i].other; j++)
			;
		add(st, &cells[cl[i].cell], CELL_SEVERITY_ERROR, CELL_CHECK_IRQ_SHARED,
		    "irqchip", (int32_t)cl[i].chip, "%s %" PRIu32 "%s also granted to "
		    "cell \"%s\" (%zu line%s in common)", arm ? "INTID" : "pin",
		    cl[i].intid, j - i > 1 ? " and more" : "", cells[cl[i].other].name,
		    j - i, j - i > 1 ? "s" : "");
	}
	free(p);
	free(cl);
}

/* A physical PCI function (not an ivshmem device, whose virtual BDF every
 * peer repeats) assigned to two non-root cells. */
static void check_shared_pci(struct state *st, const struct view *cells,
			     const bool *use, size_t n)
{
	struct span *s;
	size_t total = 0, ns = 0;

	for (size_t c = 0; c < n; c++)
		if (use[c])
			total += cells[c].npci;
	s = calloc(total ? total : 1, sizeof(*s));
	if (!s) {
		st->err = -ENOMEM;
		return;
	}
	for (size_t c = 0; c < n; c++) {
		for (uint32_t i = 0; use[c] && i < cells[c].npci; i++) {
			const struct cell_pci_device *d = &cells[c].pci[i];

			if (d->type == CELL_PCI_TYPE_IVSHMEM)
				continue;
			s[ns].first = (uint64_t)d->domain << 16 | d->bdf;
			s[ns].cell = (int32_t)c;
			s[ns].idx = i;
			ns++;
		}
	}
	qsort(s, ns, sizeof(*s), span_cmp);
	for (size_t i = 1, run = 0; i < ns; i++) {
		if (s[i].first != s[run].first)
			run = i;
		else if (s[i].cell != s[run].cell)
			add(st, &cells[s[i].cell], CELL_SEVERITY_ERROR, CELL_CHECK_PCI_SHARED,
			    "pci device", (int32_t)s[i].idx, "%04x:%02x:%02x.%x is also "
			    "assigned to cell \"%s\"", (unsigned)(s[i].first >> 16),
			    (unsigned)(s[i].first >> 8) & 0xff, (unsigned)(s[i].first >> 3) & 0x1f,
			    (unsigned)s[i].first & 7, cells[s[run].cell].name);
	}
	free(s);
}

/* ---------------------------------------------------------------------- */

static int findings_new(struct cell_findings **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

int cell_check_config(const cell_config *cfg, cell_findings **out)
{
	struct state st = { 0 };
	struct sysinfo si;
	struct view v;
	bool sys;
	int err;

	if (!cfg || !out)
		return -EINVAL;
	sys = cell_config_kind(cfg) == CELL_CONFIG_SYSTEM;
	err = findings_new(&st.f);
	if (err)
		return cell__err(cell_config_ctx(cfg), err, "check: out of memory");
	err = view_load(cfg, sys ? CELL_CHECK_ROOT : 0, &v);
	if (!err && sys)
		err = sysinfo_load(cfg, &v, &si);
	if (!err) {
		check_one(&st, &v, sys ? &si : NULL);
		err = st.err;
	}
	view_free(&v);
	if (err) {
		cell_findings_free(st.f);
		return cell__err(cell_config_ctx(cfg), err, "check of \"%s\": %s",
				 cell_config_name(cfg), cell_strerror(err));
	}
	*out = st.f;
	return 0;
}

/*
 * Every ITS the device tree enables is driven by the root's Linux: the root
 * must map its control frame, or Linux's next ITS command faults. Errors
 * come back with cell_gic_discover()'s message in @ctx.
 */
static int check_dt_its(struct state *st, const struct view *root, cell_ctx *ctx,
			const void *fdt, size_t size)
{
	cell_gic_list *gl = NULL;
	struct cell_gic gic;
	struct cell_gic_its its;
	int err = cell_gic_discover(ctx, fdt, size, &gl);

	for (size_t g = 0; !err && g < cell_gic_count(gl); g++) {
		err = cell_gic_get(gl, g, &gic);
		for (size_t k = 0; !err && k < gic.its_count; k++) {
			err = cell_gic_its_get(gl, g, k, &its);
			if (err || !gic.enabled || !its.enabled || !its.frame.size)
				continue;
			if (wraps(its.frame.base, its.frame.size) ||
			    root_maps(root, its.frame.base,
				      its.frame.base + its.frame.size - 1, true) >= 0)
				continue;
			add(st, root, CELL_SEVERITY_WARNING, CELL_CHECK_ITS_NOT_MAPPED, NULL,
			    CELL_CHECK_NO_INDEX, "the device tree enables the ITS %s "
			    RANGE ", but no root region maps it: the root's Linux drives "
			    "it, and its next ITS command after enable faults", its.path,
			    its.frame.base, its.frame.base + its.frame.size - 1);
		}
	}
	cell_gic_list_free(gl);
	return err;
}

static int check_set(const cell_config *system, const cell_config *const *cells,
		     size_t ncells, const void *fdt, size_t fdt_size,
		     cell_findings **out)
{
	struct state st = { 0 };
	struct sysinfo si;
	struct view root, *cv = NULL;
	bool *use = NULL, sys_ok, arm, dt_err = false;
	size_t loaded = 0;
	int err;

	if (!system || !out || (ncells && !cells))
		return -EINVAL;
	for (size_t i = 0; i < ncells; i++)
		if (!cells[i])
			return cell__err(cell_config_ctx(system), -EINVAL,
					 "check: cell %zu is NULL", i);
	err = findings_new(&st.f);
	if (err)
		return cell__err(cell_config_ctx(system), err, "check: out of memory");
	sys_ok = cell_config_kind(system) == CELL_CONFIG_SYSTEM;
	err = view_load(system, CELL_CHECK_ROOT, &root);
	cv = calloc(ncells ? ncells : 1, sizeof(*cv));
	use = calloc(ncells ? ncells : 1, sizeof(*use));
	if (!err && (!cv || !use))
		err = -ENOMEM;
	for (; !err && loaded < ncells; loaded++)
		err = view_load(cells[loaded], (int32_t)loaded, &cv[loaded]);
	if (!err && sys_ok)
		err = sysinfo_load(system, &root, &si);
	if (err)
		goto out;

	if (!sys_ok)
		add(&st, &root, CELL_SEVERITY_ERROR, CELL_CHECK_KIND, NULL, 0,
		    "a cell configuration where the system configuration is "
		    "expected; rules needing the system are skipped");
	check_one(&st, &root, sys_ok ? &si : NULL);
	arm = sys_ok ? si.arm : is_arm(root.arch);
	for (size_t i = 0; i < ncells; i++) {
		struct view *c = &cv[i];

		use[i] = c->kind == CELL_CONFIG_CELL;
		if (!use[i])
			add(&st, c, CELL_SEVERITY_ERROR, CELL_CHECK_KIND, NULL, 0,
			    "a system configuration where a non-root cell is expected");
		else if (c->arch != root.arch && c->arch != CELL_ARCH_UNKNOWN &&
			 root.arch != CELL_ARCH_UNKNOWN)
			add(&st, c, CELL_SEVERITY_ERROR, CELL_CHECK_KIND, NULL, 0,
			    "architecture %" PRIu32 " differs from the system's %" PRIu32,
			    c->arch, root.arch);
		check_one(&st, c, sys_ok && use[i] ? &si : NULL);
	}
	check_names(&st, &root, cv, ncells);
	check_cpus(&st, sys_ok ? &root : NULL, cv, use, ncells);
	if (sys_ok)
		check_carved(&st, &root, cv, use, ncells);
	check_shared_mem(&st, cv, use, ncells);
	check_shared_irqs(&st, cv, use, ncells, arm);
	check_shared_pci(&st, cv, use, ncells);
	err = st.err;
	if (!err && fdt) {
		err = check_dt_its(&st, &root, cell_config_ctx(system), fdt, fdt_size);
		if (err) {
			dt_err = true;
			goto out;
		}
	}
out:
	view_free(&root);
	for (size_t i = 0; cv && i < ncells; i++)
		view_free(&cv[i]);
	free(cv);
	free(use);
	if (err) {
		cell_findings_free(st.f);
		if (dt_err)
			return err;
		return cell__err(cell_config_ctx(system), err, "check of \"%s\": %s",
				 cell_config_name(system), cell_strerror(err));
	}
	*out = st.f;
	return 0;
}

int cell_check_set(const cell_config *system, const cell_config *const *cells,
		   size_t ncells, cell_findings **out)
{
	return check_set(system, cells, ncells, NULL, 0, out);
}

int cell_check_set_dt(const cell_config *system, const cell_config *const *cells,
		      size_t ncells, const void *fdt, size_t fdt_size,
		      cell_findings **out)
{
	if (!fdt)
		return system ? cell__err(cell_config_ctx(system), -EINVAL,
					  "check: no device tree") : -EINVAL;
	return check_set(system, cells, ncells, fdt, fdt_size, out);
}

void cell_findings_free(cell_findings *f)
{
	if (!f)
		return;
	free(f->v);
	free(f);
}

size_t cell_findings_count(const cell_findings *f)
{
	return f ? f->n : 0;
}

size_t cell_findings_errors(const cell_findings *f)
{
	return f ? f->errors : 0;
}

int cell_findings_get(const cell_findings *f, size_t index,
		      struct cell_finding *out)
{
	if (!f || !out)
		return -EINVAL;
	if (index >= f->n)
		return -ERANGE;
	*out = f->v[index];
	return 0;
}

const char *cell_check_code_name(uint32_t code)
{
	static const char *const names[] = {
		[CELL_CHECK_MEM_OVERLAP_PHYS] = "MEM_OVERLAP_PHYS",
		[CELL_CHECK_MEM_OVERLAP_VIRT] = "MEM_OVERLAP_VIRT",
		[CELL_CHECK_MEM_UNALIGNED] = "MEM_UNALIGNED",
		[CELL_CHECK_MEM_ZERO_SIZE] = "MEM_ZERO_SIZE",
		[CELL_CHECK_MEM_HYPERVISOR] = "MEM_HYPERVISOR",
		[CELL_CHECK_MEM_NOT_IN_ROOT] = "MEM_NOT_IN_ROOT",
		[CELL_CHECK_CPU_NOT_IN_ROOT] = "CPU_NOT_IN_ROOT",
		[CELL_CHECK_CPU_SHARED] = "CPU_SHARED",
		[CELL_CHECK_ROOT_NO_CPU] = "ROOT_NO_CPU",
		[CELL_CHECK_IRQ_SHARED] = "IRQ_SHARED",
		[CELL_CHECK_IRQCHIP_NOT_GICD] = "IRQCHIP_NOT_GICD",
		[CELL_CHECK_DMA_NOT_IDENTITY] = "DMA_NOT_IDENTITY",
		[CELL_CHECK_GIC_AS_MEMORY] = "GIC_AS_MEMORY",
		[CELL_CHECK_COMM_REGION] = "COMM_REGION",
		[CELL_CHECK_LOADABLE] = "LOADABLE",
		[CELL_CHECK_GICR_GRANT] = "GICR_GRANT",
		[CELL_CHECK_MEM_SHARED] = "MEM_SHARED",
		[CELL_CHECK_NAME] = "NAME",
		[CELL_CHECK_KIND] = "KIND",
		[CELL_CHECK_IRQCHIP_BASE] = "IRQCHIP_BASE",
		[CELL_CHECK_MEM_WRAP] = "MEM_WRAP",
		[CELL_CHECK_CELL_NO_CPU] = "CELL_NO_CPU",
		[CELL_CHECK_PCI_SHARED] = "PCI_SHARED",
		[CELL_CHECK_GICR_OWN_FRAMES] = "GICR_OWN_FRAMES",
		[CELL_CHECK_UNUSED_SLOT] = "UNUSED_SLOT",
		[CELL_CHECK_ITS_NOT_MAPPED] = "ITS_NOT_MAPPED",
	};

	if (code >= sizeof(names) / sizeof(names[0]) || !names[code])
		return "UNKNOWN";
	return names[code];
}

const char *cell_check_severity_name(uint32_t severity)
{
	switch (severity) {
	case CELL_SEVERITY_ERROR:
		return "error";
	case CELL_SEVERITY_WARNING:
		return "warning";
	case CELL_SEVERITY_INFO:
		return "info";
	default:
		return "unknown";
	}
}
