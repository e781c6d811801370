/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Configuration generation from a host device tree: a root system
 * configuration and non-root cells with an inmate DTB skeleton.
 *
 * Addresses come from the GIC/PCI discovery and the private fdt_util
 * helpers, so they are CPU physical addresses decoded with each parent's
 * cells and translated through every `ranges`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libcell/config.h>
#include <libcell/create.h>
#include <libcell/gic.h>
#include <libcell/pci.h>

#include "dt/fdt_util.h"
#include "internal.h"
#include "rangeset.h"

#define PAGE		0x1000ull
#define MAX_DEPTH	64
#define MAX_SPI_INTID	1019u
#define COMM_IPA	0x80000000ull
#define HV_DEFAULT_SIZE	(4ull << 20)

struct gen {
	cell_ctx *ctx;
	const void *fdt;
	cell_gic_list *gics;
	struct cell_gic gic;	/* the first enabled GIC */
	int gic_node;
	cell_pci_list *pci;
};

static int gen_open(struct gen *g, cell_ctx *ctx, const void *fdt, size_t size)
{
	size_t i;
	int err;

	memset(g, 0, sizeof(*g));
	g->ctx = ctx;
	g->fdt = fdt;
	g->gic_node = -1;
	err = cell_gic_discover(ctx, fdt, size, &g->gics);
	if (err)
		return err;
	for (i = 0; i < cell_gic_count(g->gics); i++) {
		if (cell_gic_get(g->gics, i, &g->gic) == 0 && g->gic.enabled) {
			g->gic_node = fdt_path_offset(fdt, g->gic.path);
			break;
		}
	}
	if (g->gic_node < 0)
		return cell__err(ctx, -ENOENT, "the device tree has no enabled GIC");
	return cell_pci_discover(ctx, fdt, size, &g->pci);
}

static void gen_close(struct gen *g)
{
	cell_gic_list_free(g->gics);
	cell_pci_list_free(g->pci);
}

static int node_enabled(const void *fdt, int node)
{
	const char *s = fdt_getprop(fdt, node, "status", NULL);

	return !s || !strcmp(s, "okay") || !strcmp(s, "ok");
}

/* Mark the SPI of one GIC specifier (type, number, ...) in @spis. */
static void note_spi(uint8_t *spis, const fdt32_t *spec, uint32_t cells)
{
	uint32_t intid;

	if (cells < 2 || fdt32_to_cpu(spec[0]) != 0)
		return;	/* not an SPI (PPIs/LPIs/extended ranges stay out) */
	intid = 32 + fdt32_to_cpu(spec[1]);
	if (intid <= MAX_SPI_INTID)
		spis[intid / 8] |= (uint8_t)(1u << (intid % 8));
}

/*
 * SPIs a node raises at the GIC through `interrupts` (with the GIC as its
 * interrupt parent) or `interrupts-extended`.
 */
static int node_spis(struct gen *g, int node, uint8_t *spis)
{
	const fdt32_t *p;
	uint32_t cells = g->gic.interrupt_cells;
	int len, parent, err;

	p = fdt_getprop(g->fdt, node, "interrupts", &len);
	if (p && len > 0) {
		err = cell__fdt_interrupt_parent(g->ctx, g->fdt, node, &parent);
		if (!err && parent == g->gic_node && cells) {
			int i, n = len / (int)(4 * cells);

			for (i = 0; i < n; i++)
				note_spi(spis, p + i * cells, cells);
		}
	}
	p = fdt_getprop(g->fdt, node, "interrupts-extended", &len);
	if (p && len > 0) {
		int i = 0, total = len / 4;

		while (i < total) {
			uint32_t tcells;
			int target;

			err = cell__fdt_phandle(g->ctx, g->fdt, fdt32_to_cpu(p[i]),
						node, "interrupts-extended", &target);
			if (err)
				return err;
			err = cell__fdt_interrupt_cells(g->ctx, g->fdt, target, &tcells);
			if (err)
				return err;
			if (i + 1 + (int)tcells > total)
				break;
			if (target == g->gic_node)
				note_spi(spis, p + i + 1, tcells);
			i += 1 + (int)tcells;
		}
	}
	return 0;
}

static int add_region(cell_config *cfg, uint64_t phys, uint64_t virt,
		      uint64_t size, uint64_t flags)
{
	struct cell_memory m = { phys, virt, size, flags };

	return cell_config_memory_insert(cfg, (uint32_t)cell_config_memory_count(cfg),
					 &m);
}

/* Irqchip entries (128 INTIDs each from pin_base 32) for the marked SPIs. */
static int add_irqchips(cell_config *cfg, const struct cell_gic *gic,
			const uint8_t *spis)
{
	uint32_t base;
	int err;

	for (base = 32; base <= MAX_SPI_INTID; base += 128) {
		struct cell_irqchip chip = { gic->distributor.base, 0, base, { 0 } };
		uint32_t intid, any = 0;

		for (intid = base; intid < base + 128 && intid <= MAX_SPI_INTID; intid++) {
			if (!(spis[intid / 8] & (1u << (intid % 8))))
				continue;
			chip.pin_bitmap[(intid - base) / 32] |= 1u << ((intid - base) % 32);
			any = 1;
		}
		if (!any)
			continue;
		err = cell_config_irqchip_insert(cfg, (uint32_t)cell_config_irqchip_count(cfg),
						 &chip);
		if (err)
			return err;
	}
	return 0;
}

/* GIC frames the hypervisor owns and no cell may map as memory. */
static int sub_gic_frames(struct gen *g, struct cell__rangeset *rs)
{
	struct cell_dt_region r;
	size_t i;
	int err = 0;

	err |= cell__rs_sub(rs, g->gic.distributor.base, g->gic.distributor.size);
	for (i = 0; i < g->gic.redist_count; i++)
		if (!cell_gic_redist_get(g->gics, 0, i, &r))
			err |= cell__rs_sub(rs, r.base, r.size);
	if (g->gic.has_cpu_interface)
		err |= cell__rs_sub(rs, g->gic.cpu_interface.base, g->gic.cpu_interface.size);
	if (g->gic.has_hypervisor_interface)
		err |= cell__rs_sub(rs, g->gic.hypervisor_interface.base,
				    g->gic.hypervisor_interface.size);
	if (g->gic.has_virtual_interface)
		err |= cell__rs_sub(rs, g->gic.virtual_interface.base,
				    g->gic.virtual_interface.size);
	return err ? -ENOMEM : 0;
}

static bool skip_subtree(const char *name, int depth)
{
	static const char *const top[] = { "cpus", "chosen", "aliases",
		"reserved-memory", "__symbols__", "__fixups__",
		"__local_fixups__", "memory", NULL };
	size_t i, len;

	if (depth != 2)	/* children of the root */
		return false;
	for (i = 0; top[i]; i++) {
		len = strlen(top[i]);
		if (!strncmp(name, top[i], len) && (name[len] == '\0' || name[len] == '@'))
			return true;
	}
	return false;
}

/* MMIO of every enabled device, page-rounded and merged. */
static int collect_mmio(struct gen *g, struct cell__rangeset *mmio, uint8_t *spis)
{
	const void *fdt = g->fdt;
	bool off[MAX_DEPTH + 1] = { false };
	int node, depth = 0, err;	/* fdt_next_node() gives the root depth 1 */
	size_t h;

	for (node = fdt_next_node(fdt, -1, &depth); node >= 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		const char *name = fdt_get_name(fdt, node, NULL);
		int parent, n, i;

		if (depth < 1)
			break;
		if (depth > MAX_DEPTH)
			return cell__err(g->ctx, -EBADMSG,
					 "device tree nested deeper than %d levels", MAX_DEPTH);
		off[depth] = off[depth - 1] || skip_subtree(name ? name : "", depth) ||
			     !node_enabled(fdt, node);
		if (off[depth] || depth == 1)
			continue;
		parent = fdt_parent_offset(fdt, node);
		if (parent >= 0 && cell__fdt_is_pci_bus(fdt, parent))
			continue;	/* `reg` of a PCI function is config space */
		err = node_spis(g, node, spis);
		if (err)
			return err;
		n = cell__fdt_reg_count(g->ctx, fdt, node);
		for (i = 0; i < n; i++) {
			uint64_t cpu, size;

			/* Buses that are not memory-mapped (I2C, SPI, ...) fail to
			 * translate: their children are no MMIO. */
			if (cell__fdt_reg_cpu(g->ctx, fdt, node, i, &cpu, &size) || !size)
				continue;
			if (cell__rs_add(mmio, cpu, size))
				return cell__err(g->ctx, -ENOMEM, "out of memory");
		}
	}
	cell_ctx_clear_error(g->ctx);
	for (h = 0; h < cell_pci_count(g->pci); h++) {
		struct cell_pci_host host;
		struct cell_pci_window w;
		struct cell_pci_intx ix;
		size_t i;

		if (cell_pci_host_get(g->pci, h, &host) || !host.enabled)
			continue;
		for (i = 0; i < host.window_count; i++)
			if (!cell_pci_window_get(g->pci, h, i, &w) &&
			    cell__rs_add(mmio, w.cpu_address, w.size))
				return cell__err(g->ctx, -ENOMEM, "out of memory");
		for (i = 0; i < host.intx_count; i++)
			if (!cell_pci_intx_get(g->pci, h, i, &ix) && ix.has_gic_intid &&
			    ix.gic_intid >= 32 && ix.gic_intid <= MAX_SPI_INTID)
				spis[ix.gic_intid / 8] |= (uint8_t)(1u << (ix.gic_intid % 8));
	}
	if (cell__rs_align(mmio, PAGE))
		return cell__err(g->ctx, -ENOMEM, "out of memory");
	return sub_gic_frames(g, mmio);
}

/* RAM from /memory minus reservations that Linux may not use. */
static int collect_ram(struct gen *g, struct cell__rangeset *ram)
{
	const void *fdt = g->fdt;
	int node, child, n, i, rsv;

	for (node = fdt_first_subnode(fdt, 0); node >= 0;
	     node = fdt_next_subnode(fdt, node)) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);

		if (!type || strcmp(type, "memory") || !node_enabled(fdt, node))
			continue;
		n = cell__fdt_reg_count(g->ctx, fdt, node);
		if (n < 0)
			return n;
		for (i = 0; i < n; i++) {
			uint64_t cpu, size;
			int err = cell__fdt_reg_cpu(g->ctx, fdt, node, i, &cpu, &size);

			if (err)
				return err;
			if (cell__rs_add(ram, cpu, size))
				return -ENOMEM;
		}
	}
	if (!ram->n)
		return cell__err(g->ctx, -ENOENT,
				 "the device tree has no /memory node with a reg");
	rsv = fdt_num_mem_rsv(fdt);
	for (i = 0; i < rsv; i++) {
		uint64_t a, s;

		if (!fdt_get_mem_rsv(fdt, i, &a, &s) && cell__rs_sub(ram, a, s))
			return -ENOMEM;
	}
	node = fdt_path_offset(fdt, "/reserved-memory");
	if (node >= 0) {
		fdt_for_each_subnode(child, fdt, node) {
			if (!fdt_getprop(fdt, child, "no-map", NULL) ||
			    !node_enabled(fdt, child))
				continue;
			n = cell__fdt_reg_count(g->ctx, fdt, child);
			for (i = 0; i < n; i++) {
				uint64_t cpu, size;

				if (!cell__fdt_reg_cpu(g->ctx, fdt, child, i, &cpu, &size) &&
				    cell__rs_sub(ram, cpu, size))
					return -ENOMEM;
			}
		}
	}
	/* RAM regions must be page-granular: drop partial pages at the edges. */
	for (i = 0; i < (int)ram->n; i++) {
		ram->r[i].start = (ram->r[i].start + PAGE - 1) & ~(PAGE - 1);
		ram->r[i].end &= ~(PAGE - 1);
	}
	return 0;
}

/* The console node named by /chosen/stdout-path, or -1. */
static int stdout_node(const void *fdt)
{
	const char *path, *colon;
	char buf[CELL__FDT_PATH_MAX];
	int chosen, len;

	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen < 0)
		return -1;
	path = fdt_getprop(fdt, chosen, "stdout-path", &len);
	if (!path || len <= 1)
		path = fdt_getprop(fdt, chosen, "linux,stdout-path", &len);
	if (!path || len <= 1 || memchr(path, '\0', (size_t)len) == NULL)
		return -1;
	colon = strchr(path, ':');
	len = colon ? (int)(colon - path) : (int)strlen(path);
	if (len <= 0 || (size_t)len >= sizeof(buf))
		return -1;
	memcpy(buf, path, (size_t)len);
	buf[len] = '\0';
	if (buf[0] != '/') {
		int sym;

		path = fdt_get_alias(fdt, buf);
		/* Trees built with dtc -@ may name a label that has no alias. */
		if (!path && (sym = fdt_path_offset(fdt, "/__symbols__")) >= 0)
			path = fdt_getprop(fdt, sym, buf, NULL);
		return path ? fdt_path_offset(fdt, path) : -1;
	}
	return fdt_path_offset(fdt, buf);
}

/* Fill @con from a UART node; 0 when its type is known, -ENOTSUP if not. */
static int uart_console(struct gen *g, int node, struct cell_console *con)
{
	uint64_t cpu, size;
	uint32_t shift = 0;

	memset(con, 0, sizeof(*con));
	if (cell__fdt_reg_cpu(g->ctx, g->fdt, node, 0, &cpu, &size))
		return -ENOTSUP;
	if (!fdt_node_check_compatible(g->fdt, node, "arm,pl011")) {
		con->type = CELL_CON_TYPE_PL011;
		con->flags = CELL_CON_ACCESS_MMIO | CELL_CON_REGDIST_4;
	} else if (!fdt_node_check_compatible(g->fdt, node, "ns16550a") ||
		   !fdt_node_check_compatible(g->fdt, node, "ns16550") ||
		   !fdt_node_check_compatible(g->fdt, node, "snps,dw-apb-uart")) {
		con->type = CELL_CON_TYPE_8250;
		con->flags = CELL_CON_ACCESS_MMIO;
		cell__fdt_u32(g->ctx, g->fdt, node, "reg-shift", 0, 3, &shift);
		if (shift == 2)
			con->flags |= CELL_CON_REGDIST_4;
	} else {
		return -ENOTSUP;
	}
	con->address = cpu;
	con->size = (uint32_t)((size + PAGE - 1) & ~(PAGE - 1));
	return 0;
}

static int check_opts(cell_ctx *ctx, const struct cell_create_opts *opts,
		      struct cell_create_opts *o)
{
	struct cell_create_opts dflt = CELL_CREATE_OPTS_INIT;
	size_t i;

	*o = dflt;
	if (!opts)
		return 0;
	if (opts->size < offsetof(struct cell_create_opts, cpu_mask) + 8) {
		/* Older, shorter structs: take what they carry. */
		memcpy(o, opts, opts->size < sizeof(*o) ? opts->size : sizeof(*o));
	} else {
		/* Newer, longer structs are fine if the unknown tail is zero. */
		for (i = sizeof(*o); i < opts->size; i++)
			if (((const uint8_t *)opts)[i])
				return cell__err(ctx, -EINVAL,
						 "cell_create_opts: unknown non-zero field at byte %zu",
						 i);
		memcpy(o, opts, sizeof(*o));
	}
	o->size = sizeof(*o);
	if (o->flags)
		return cell__err(ctx, -EINVAL, "cell_create_opts.flags must be 0");
	return 0;
}

int cell_create_root(cell_ctx *ctx, cell_config **out, const void *fdt,
		     size_t size, const struct cell_create_opts *opts)
{
	struct cell__rangeset ram = { 0 }, mmio = { 0 };
	uint8_t spis[(MAX_SPI_INTID + 8) / 8] = { 0 };
	struct cell_create_opts o;
	struct cell_system sys;
	struct cell_desc desc;
	cell_config *cfg = NULL;
	struct gen g;
	uint64_t hv_base, hv_size;
	size_t i;
	int err, con;

	if (!ctx || !out || !fdt)
		return cell__err(ctx, -EINVAL, "cell_create_root: NULL argument");
	err = check_opts(ctx, opts, &o);
	if (err)
		return err;
	err = gen_open(&g, ctx, fdt, size);
	if (err)
		goto out;
	err = collect_ram(&g, &ram);
	if (err)
		goto out;
	err = collect_mmio(&g, &mmio, spis);
	if (err)
		goto out;

	hv_size = o.hv_size;
	hv_base = o.hv_base;
	if (!hv_size) {
		struct cell__range *top = &ram.r[ram.n - 1];

		hv_size = HV_DEFAULT_SIZE;
		if (top->end - top->start < 2 * hv_size) {
			err = cell__err(ctx, -ERANGE,
					"highest RAM bank 0x%llx-0x%llx too small for default hypervisor memory",
					(unsigned long long)top->start,
					(unsigned long long)top->end);
			goto out;
		}
		hv_base = top->end - hv_size;
	}
	if (!cell__rs_contains(&ram, hv_base, hv_size)) {
		err = cell__err(ctx, -ERANGE,
				"hypervisor memory 0x%llx+0x%llx is not inside usable RAM",
				(unsigned long long)hv_base, (unsigned long long)hv_size);
		goto out;
	}
	if (o.inmate_size && !cell__rs_contains(&ram, o.inmate_base, o.inmate_size)) {
		err = cell__err(ctx, -ERANGE,
				"inmate memory 0x%llx+0x%llx is not inside usable RAM",
				(unsigned long long)o.inmate_base,
				(unsigned long long)o.inmate_size);
		goto out;
	}
	if (cell__rs_sub(&ram, hv_base, hv_size) ||
	    cell__rs_sub(&mmio, hv_base, hv_size)) {
		err = cell__err(ctx, -ENOMEM, "out of memory");
		goto out;
	}
	/* A device window overlapping RAM (e.g. a shared-memory carve-out) stays RAM. */
	for (i = 0; i < ram.n; i++)
		if (cell__rs_sub(&mmio, ram.r[i].start, ram.r[i].end - ram.r[i].start)) {
			err = cell__err(ctx, -ENOMEM, "out of memory");
			goto out;
		}

	err = cell_config_new(ctx, &cfg, CELL_CONFIG_SYSTEM, CELL_ARCH_ARM64);
	if (err)
		goto out;
	memset(&sys, 0, sizeof(sys));
	sys.hypervisor_memory.phys_start = hv_base;
	sys.hypervisor_memory.size = hv_size;
	sys.platform.pci_domain = 0xffff;
	sys.platform.arm_gic_version = (uint8_t)g.gic.version;
	sys.platform.arm_gicd_base = g.gic.distributor.base;
	if (g.gic.redist_count) {
		struct cell_dt_region r;

		if (!cell_gic_redist_get(g.gics, 0, 0, &r))
			sys.platform.arm_gicr_base = r.base;
	}
	if (g.gic.version == 2) {
		sys.platform.arm_gicc_base = g.gic.cpu_interface.base;
		sys.platform.arm_gich_base = g.gic.hypervisor_interface.base;
		sys.platform.arm_gicv_base = g.gic.virtual_interface.base;
	}
	if (g.gic.has_maintenance_irq && g.gic.maintenance_irq < 256)
		sys.platform.arm_maintenance_irq = (uint8_t)g.gic.maintenance_irq;
	con = stdout_node(fdt);
	if (con >= 0 && !uart_console(&g, con, &sys.debug_console))
		sys.flags |= CELL_SYS_VIRTUAL_DEBUG_CONSOLE;
	err = cell_config_set_system(cfg, &sys);
	if (err)
		goto out;

	memset(&desc, 0, sizeof(desc));
	strcpy(desc.name, "root");
	err = cell_config_set_desc(cfg, &desc);
	if (err)
		goto out;
	for (i = 0; i < cell_gic_cpu_count(g.gics) && i < 64; i++) {
		if (o.cpu_mask && !(o.cpu_mask & (1ull << i)))
			continue;
		err = cell_config_add_cpu(cfg, (uint32_t)i);
		if (err)
			goto out;
	}
	if (!cell_config_cpus(cfg, NULL, 0)) {
		err = cell__err(ctx, -ENOENT, "no CPU node selected under /cpus");
		goto out;
	}
	for (i = 0; i < mmio.n; i++) {
		err = add_region(cfg, mmio.r[i].start, mmio.r[i].start,
				 mmio.r[i].end - mmio.r[i].start,
				 CELL_MEM_READ | CELL_MEM_WRITE | CELL_MEM_IO);
		if (err)
			goto out;
	}
	for (i = 0; i < ram.n; i++) {
		if (ram.r[i].end <= ram.r[i].start)
			continue;
		err = add_region(cfg, ram.r[i].start, ram.r[i].start,
				 ram.r[i].end - ram.r[i].start,
				 CELL_MEM_READ | CELL_MEM_WRITE | CELL_MEM_EXECUTE);
		if (err)
			goto out;
	}
	err = add_irqchips(cfg, &g.gic, spis);
	if (err)
		goto out;
	*out = cfg;
	cfg = NULL;
out:
	cell_config_free(cfg);
	cell__rs_free(&ram);
	cell__rs_free(&mmio);
	gen_close(&g);
	return err;
}

/* ---- inmate ------------------------------------------------------------- */

#define TRY(expr)				\
	do {					\
		int _e = (expr);		\
		if (_e < 0)			\
			return _e;		\
	} while (0)

static int prop_u64x2(void *fdt, const char *name, uint64_t a, uint64_t b)
{
	fdt64_t v[2] = { cpu_to_fdt64(a), cpu_to_fdt64(b) };

	return fdt_property(fdt, name, v, sizeof(v));
}

/* Copy property @name of host node @node, if present. */
static int copy_prop(void *dtb, const void *host, int node, const char *name)
{
	const void *p;
	int len;

	if (node < 0)
		return 0;
	p = fdt_getprop(host, node, name, &len);
	return p ? fdt_property(dtb, name, p, len) : 0;
}

/*
 * Build the skeleton with libfdt's sequential-write API, which keeps nodes
 * and properties in the order written. libfdt errors are returned as
 * -FDT_ERR_*.
 */
static int build_skeleton(struct gen *g, void *dtb, int cap,
			  const struct cell_config *cfg,
			  const struct cell_create_opts *o, int con_node)
{
	const void *host = g->fdt;
	const uint32_t gic_ph = 1, clk_ph = 2;
	struct cell_console con;
	bool have_con = con_node >= 0 && !uart_console(g, con_node, &con);
	char name[64];
	int timer;
	size_t i;

	TRY(fdt_create(dtb, cap));
	TRY(fdt_finish_reservemap(dtb));
	TRY(fdt_begin_node(dtb, ""));
	TRY(fdt_property_string(dtb, "model", "libcell inmate"));
	TRY(copy_prop(dtb, host, 0, "compatible"));
	TRY(fdt_property_u32(dtb, "#address-cells", 2));
	TRY(fdt_property_u32(dtb, "#size-cells", 2));
	TRY(fdt_property_u32(dtb, "interrupt-parent", gic_ph));

	TRY(fdt_begin_node(dtb, "hypervisor"));
	TRY(fdt_property_string(dtb, "compatible", "jailhouse,cell"));
	TRY(fdt_end_node(dtb));

	TRY(fdt_begin_node(dtb, "cpus"));
	TRY(fdt_property_u32(dtb, "#address-cells", 2));
	TRY(fdt_property_u32(dtb, "#size-cells", 0));
	for (i = 0; i < cell_gic_cpu_count(g->gics); i++) {
		struct cell_dt_cpu c;
		fdt64_t mpidr;

		if (cell_config_has_cpu(cfg, (uint32_t)i) != 1 ||
		    cell_gic_cpu_get(g->gics, i, &c))
			continue;
		snprintf(name, sizeof(name), "cpu@%llx", (unsigned long long)c.mpidr);
		TRY(fdt_begin_node(dtb, name));
		TRY(fdt_property_string(dtb, "device_type", "cpu"));
		TRY(copy_prop(dtb, host, fdt_path_offset(host, c.path), "compatible"));
		mpidr = cpu_to_fdt64(c.mpidr);
		TRY(fdt_property(dtb, "reg", &mpidr, sizeof(mpidr)));
		TRY(fdt_property_string(dtb, "enable-method", "psci"));
		TRY(fdt_end_node(dtb));
	}
	TRY(fdt_end_node(dtb));

	TRY(fdt_begin_node(dtb, "psci"));
	TRY(fdt_property_string(dtb, "compatible", "arm,psci-0.2"));
	TRY(fdt_property_string(dtb, "method", "smc"));
	TRY(fdt_end_node(dtb));

	/* The architected timer's PPIs are the host's. */
	timer = fdt_node_offset_by_compatible(host, -1, "arm,armv8-timer");
	TRY(fdt_begin_node(dtb, "timer"));
	TRY(fdt_property_string(dtb, "compatible", "arm,armv8-timer"));
	TRY(copy_prop(dtb, host, timer, "interrupts"));
	TRY(fdt_end_node(dtb));

	{
		fdt64_t reg[2 * 18];
		size_t nreg = 0;
		struct cell_dt_region r;

		snprintf(name, sizeof(name), "interrupt-controller@%llx",
			 (unsigned long long)g->gic.distributor.base);
		TRY(fdt_begin_node(dtb, name));
		TRY(fdt_property_string(dtb, "compatible",
					g->gic.version == 2 ? "arm,gic-400" : "arm,gic-v3"));
		TRY(fdt_property_u32(dtb, "#interrupt-cells", g->gic.interrupt_cells));
		/* Cells and ranges let an ITS be grafted below without re-encoding. */
		TRY(fdt_property_u32(dtb, "#address-cells", 2));
		TRY(fdt_property_u32(dtb, "#size-cells", 2));
		TRY(fdt_property(dtb, "ranges", NULL, 0));
		TRY(fdt_property(dtb, "interrupt-controller", NULL, 0));
		reg[nreg++] = cpu_to_fdt64(g->gic.distributor.base);
		reg[nreg++] = cpu_to_fdt64(g->gic.distributor.size);
		for (i = 0; i < g->gic.redist_count && nreg + 2 <= 2 * 17; i++) {
			if (cell_gic_redist_get(g->gics, 0, i, &r))
				continue;
			reg[nreg++] = cpu_to_fdt64(r.base);
			reg[nreg++] = cpu_to_fdt64(r.size);
		}
		if (g->gic.version == 2) {
			reg[nreg++] = cpu_to_fdt64(g->gic.cpu_interface.base);
			reg[nreg++] = cpu_to_fdt64(g->gic.cpu_interface.size);
		}
		TRY(fdt_property(dtb, "reg", reg, nreg * sizeof(reg[0])));
		if (g->gic.version != 2 && g->gic.redist_count > 1)
			TRY(fdt_property_u32(dtb, "#redistributor-regions",
					     g->gic.redist_count));
		TRY(fdt_property_u32(dtb, "phandle", gic_ph));
		TRY(fdt_end_node(dtb));
	}

	snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)o->inmate_base);
	TRY(fdt_begin_node(dtb, name));
	TRY(fdt_property_string(dtb, "device_type", "memory"));
	TRY(prop_u64x2(dtb, "reg", o->inmate_base, o->inmate_size));
	TRY(fdt_end_node(dtb));

	if (have_con) {
		/* A fixed clock stands in for the host's clock tree. */
		TRY(fdt_begin_node(dtb, "uart-clk"));
		TRY(fdt_property_string(dtb, "compatible", "fixed-clock"));
		TRY(fdt_property_u32(dtb, "#clock-cells", 0));
		TRY(fdt_property_u32(dtb, "clock-frequency", 24000000));
		TRY(fdt_property_u32(dtb, "phandle", clk_ph));
		TRY(fdt_end_node(dtb));

		snprintf(name, sizeof(name), "serial@%llx", (unsigned long long)con.address);
		TRY(fdt_begin_node(dtb, name));
		TRY(copy_prop(dtb, host, con_node, "compatible"));
		TRY(prop_u64x2(dtb, "reg", con.address, con.size));
		TRY(copy_prop(dtb, host, con_node, "interrupts"));
		TRY(copy_prop(dtb, host, con_node, "reg-shift"));
		TRY(copy_prop(dtb, host, con_node, "reg-io-width"));
		if (con.type == CELL_CON_TYPE_PL011) {
			fdt32_t two[2] = { cpu_to_fdt32(clk_ph), cpu_to_fdt32(clk_ph) };

			TRY(fdt_property(dtb, "clocks", two, sizeof(two)));
			TRY(fdt_property(dtb, "clock-names", "uartclk\0apb_pclk", 17));
		} else {
			TRY(fdt_property_u32(dtb, "clocks", clk_ph));
			TRY(fdt_property_u32(dtb, "clock-frequency", 24000000));
		}
		TRY(fdt_end_node(dtb));

		TRY(fdt_begin_node(dtb, "chosen"));
		snprintf(name, sizeof(name), "/serial@%llx", (unsigned long long)con.address);
		TRY(fdt_property_string(dtb, "stdout-path", name));
		TRY(fdt_end_node(dtb));
	}
	TRY(fdt_end_node(dtb));
	TRY(fdt_finish(dtb));
	return 0;
}

int cell_create_inmate(cell_ctx *ctx, cell_config **out, uint8_t **dtb,
		       size_t *dtb_size, const void *fdt, size_t size,
		       const char *name, const char *const *devices,
		       size_t ndevices, const struct cell_create_opts *opts)
{
	uint8_t spis[(MAX_SPI_INTID + 8) / 8] = { 0 };
	struct cell_create_opts o;
	struct cell_desc desc;
	cell_config *cfg = NULL;
	uint8_t *blob = NULL;
	int err, con_node = -1;
	struct gen g;
	size_t i;

	if (!ctx || !out || !dtb || !dtb_size || !fdt || !name ||
	    (ndevices && !devices))
		return cell__err(ctx, -EINVAL, "cell_create_inmate: NULL argument");
	err = check_opts(ctx, opts, &o);
	if (err)
		return err;
	if (!o.cpu_mask || !o.inmate_size)
		return cell__err(ctx, -EINVAL,
				 "cell_create_inmate: the cell needs CPUs (cpu_mask) and RAM (inmate_base/size)");
	if ((o.inmate_base | o.inmate_size) & (PAGE - 1))
		return cell__err(ctx, -EINVAL,
				 "inmate memory 0x%llx+0x%llx is not page aligned",
				 (unsigned long long)o.inmate_base,
				 (unsigned long long)o.inmate_size);
	err = gen_open(&g, ctx, fdt, size);
	if (err)
		goto out;
	err = cell_config_new(ctx, &cfg, CELL_CONFIG_CELL, CELL_ARCH_ARM64);
	if (err)
		goto out;
	memset(&desc, 0, sizeof(desc));
	if (strlen(name) == 0 || strlen(name) > CELL_NAME_MAX) {
		err = cell__err(ctx, strlen(name) ? -ENAMETOOLONG : -EINVAL,
				"cell name \"%s\" must have 1 to %u characters", name,
				CELL_NAME_MAX);
		goto out;
	}
	strcpy(desc.name, name);
	desc.flags = CELL_FLAG_PASSIVE_COMMREG | CELL_FLAG_VIRTUAL_CONSOLE_PERMITTED;
	desc.cpu_reset_address = o.inmate_base;
	for (i = 0; i < 64; i++) {
		if (!(o.cpu_mask & (1ull << i)))
			continue;
		if (i >= cell_gic_cpu_count(g.gics)) {
			err = cell__err(ctx, -ENOENT,
					"CPU %zu requested, the tree has %zu CPU nodes", i,
					cell_gic_cpu_count(g.gics));
			goto out;
		}
		err = cell_config_add_cpu(cfg, (uint32_t)i);
		if (err)
			goto out;
	}
	err = add_region(cfg, o.inmate_base, o.inmate_base, o.inmate_size,
			 CELL_MEM_READ | CELL_MEM_WRITE | CELL_MEM_EXECUTE |
			 CELL_MEM_DMA | CELL_MEM_LOADABLE);
	if (err)
		goto out;
	err = add_region(cfg, 0, COMM_IPA, PAGE,
			 CELL_MEM_READ | CELL_MEM_WRITE | CELL_MEM_COMM_REGION);
	if (err)
		goto out;
	for (i = 0; i < ndevices; i++) {
		int node = fdt_path_offset(fdt, devices[i]), n, r;

		if (node < 0) {
			err = cell__err(ctx, -ENOENT, "device %s: no such node", devices[i]);
			goto out;
		}
		n = cell__fdt_reg_count(ctx, fdt, node);
		if (n < 0) {
			err = n;
			goto out;
		}
		for (r = 0; r < n; r++) {
			uint64_t cpu, sz, start, end;

			err = cell__fdt_reg_cpu(ctx, fdt, node, r, &cpu, &sz);
			if (err)
				goto out;
			start = cpu & ~(PAGE - 1);
			end = (cpu + sz + PAGE - 1) & ~(PAGE - 1);
			err = add_region(cfg, start, start, end - start,
					 CELL_MEM_READ | CELL_MEM_WRITE | CELL_MEM_IO);
			if (err)
				goto out;
		}
		err = node_spis(&g, node, spis);
		if (err)
			goto out;
		if (con_node < 0 && !uart_console(&g, node, &desc.console))
			con_node = node;
	}
	err = cell_config_set_desc(cfg, &desc);
	if (err)
		goto out;
	err = add_irqchips(cfg, &g.gic, spis);
	if (err)
		goto out;

	{
		size_t cap = 16384;

		blob = malloc(cap);
		if (!blob) {
			err = cell__err(ctx, -ENOMEM, "out of memory");
			goto out;
		}
		err = build_skeleton(&g, blob, (int)cap, cfg, &o, con_node);
		if (err) {
			err = cell__err(ctx, -ENOMEM, "building the inmate tree: %s",
					fdt_strerror(err));
			goto out;
		}
	}
	*dtb_size = fdt_totalsize(blob);
	*dtb = blob;
	blob = NULL;
	*out = cfg;
	cfg = NULL;
out:
	free(blob);
	cell_config_free(cfg);
	gen_close(&g);
	return err;
}
