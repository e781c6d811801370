// SPDX-License-Identifier: GPL-2.0
/*
 * Non-root cells: create, set loadable, start and destroy. A new cell gets
 * its own stage-2 tables and VMID, the CPUs the root cell has parked (Linux
 * took them offline with PSCI CPU_OFF) and the memory its config names;
 * what it does not share with the root is unmapped from the root's stage 2.
 *
 * Lifecycle: create leaves the cell SHUT_DOWN with its CPUs parked.
 * SET_LOADABLE lends the LOADABLE regions back to the root so its driver
 * can copy images in; START takes them back, fills the comm region and
 * releases the lowest CPU at cpu_reset_address (the others wait for PSCI
 * CPU_ON from inside the cell). SET_LOADABLE, START and DESTROY first
 * stop a cell that runs: a cell that is not passive is asked through its
 * comm region (it may deny), then every CPU is sent a park request and
 * the root CPU waits for all of them, with no lock a cell CPU could need
 * (cell_stop()). A cell ends itself with PSCI SYSTEM_OFF (shut down) or
 * SYSTEM_RESET (failed); a CPU that faults is parked and fails its cell.
 *
 * Interrupts: no SPI changes owner yet (the root's irq_bitmap is left as
 * it is). The distributor and the redistributors trap as for the root: a
 * cell reaches the SGI/PPI registers of its own CPUs' frames (gicr.c).
 *
 * Management runs on a root CPU under hv.mgmt_lock; hv.lock guards the
 * cell table and states and is never held while waiting for another CPU.
 */
#include <hv/hv.h>
#include <hv/arm64.h>

#define CELL_MAX_CONFIG_PAGES	16

static struct cell cells[HV_MAX_CELLS];	/* [0] unused: the root is hv.root_cell */

struct cell *cell_find(unsigned long id)
{
	if (id == 0)
		return &hv.root_cell;
	if (id < HV_MAX_CELLS && cells[id].config)
		return &cells[id];
	return NULL;
}

static bool overlaps(u64 a, u64 asize, u64 b, u64 bsize)
{
	return a < b + bsize && b < a + asize;
}

/* A range inside the root's RAM (adjacent regions count as one range). */
static bool root_has_ram(u64 start, u64 size)
{
	const struct cell_abi_cell_desc *rc = hv.root_cell.config;
	const struct cell_abi_memory *m = cfg_mem(rc);
	u64 end = start + size;
	unsigned int i;
	bool found = true;

	while (start < end && found) {
		found = false;
		for (i = 0; i < rc->num_memory_regions; i++) {
			if (m[i].flags & (CELL_ABI_MEM_COMM_REGION | CELL_ABI_MEM_IO))
				continue;
			if (start >= m[i].phys_start && start < m[i].phys_start + m[i].size) {
				start = m[i].phys_start + m[i].size;
				found = true;
			}
		}
	}
	return start >= end;
}

/* The root's RAM only: a config must not sit in MMIO or hypervisor memory. */
static bool root_ram(u64 start, u64 size)
{
	return size && start + size > start && root_has_ram(start, size);
}

/*
 * Copy the config at root physical address pa into 'pages' pool pages. The
 * header is read first for the size, then the whole config.
 */
static int copy_config(u64 pa, struct cell_abi_cell_desc **out, unsigned int *pages)
{
	const struct cell_abi_cell_desc *src;
	struct cell_abi_cell_desc *cfg;
	unsigned int n = 1;
	u64 size;

	if (!root_ram(pa, sizeof(*src)))
		return -EINVAL;
	src = temp_map(pa, sizeof(*src));
	if (!src)
		return -ENOMEM;
	size = memcmp(src->signature, CELL_ABI_CELL_SIGNATURE, CELL_ABI_SIGNATURE_LEN) ?
	       0 : cell_abi_cell_config_size(src);
	temp_unmap();
	if (size > CELL_MAX_CONFIG_PAGES * PAGE_SIZE) {
		printk("cell create: config of %llu bytes, at most %lu\n",
		       (unsigned long long)size, CELL_MAX_CONFIG_PAGES * PAGE_SIZE);
		return -E2BIG;
	}
	if (!size || !root_ram(pa, size)) {
		printk("cell create: config at %llx: no cell signature, or not in root RAM\n",
		       (unsigned long long)pa);
		return -EINVAL;
	}
	/* page_alloc_aligned() wants a power of two */
	while (n * PAGE_SIZE < size)
		n <<= 1;
	cfg = page_alloc_aligned(n);
	if (!cfg)
		return -ENOMEM;
	src = temp_map(pa, size);
	if (!src) {
		page_free(cfg, n);
		return -ENOMEM;
	}
	memcpy(cfg, src, size);
	temp_unmap();
	*out = cfg;
	*pages = n;
	return 0;
}

/* Memory a non-root cell takes from the root: everything not shared. */
static bool exclusive(const struct cell_abi_memory *m)
{
	return !(m->flags & (CELL_ABI_MEM_ROOTSHARED | CELL_ABI_MEM_COMM_REGION)) &&
	       !cell_abi_mem_unused(m);
}

static int check_regions(const struct cell_abi_cell_desc *cfg)
{
	const struct cell_abi_memory *m = cfg_mem(cfg), *o;
	u64 gicr_size = hv_header.max_cpus * GICR_FRAME_SIZE;
	unsigned int i, j, k;

	for (i = 0; i < cfg->num_memory_regions; i++) {
		u64 start = m[i].phys_start, size = m[i].size;
		bool io = m[i].flags & CELL_ABI_MEM_IO;

		if (cell_abi_mem_unused(&m[i]))
			continue;
		if (!size) {
			printk("cell create: region %u (%llx, flags %llx): size 0; only an all-zero "
			       "region is an unused slot\n", i, (unsigned long long)start,
			       (unsigned long long)m[i].flags);
			return -EINVAL;
		}
		if ((m[i].virt_start | size) & ~PAGE_MASK) {
			printk("cell create: region %u: virt %llx size %llx not page aligned\n",
			       i, (unsigned long long)m[i].virt_start, (unsigned long long)size);
			return -EINVAL;
		}
		if (m[i].flags & CELL_ABI_MEM_COMM_REGION) {
			if (size != PAGE_SIZE) {
				printk("cell create: region %u: the comm region is one page\n", i);
				return -EINVAL;
			}
			continue;
		}
		/*
		 * RAM a cell takes must be the root's to give; devices may be
		 * ones the root never had (isolate-nic carves them out).
		 */
		if (start & ~PAGE_MASK || start + size < start ||
		    overlaps(start, size, hv.base, hv.size) ||
		    overlaps(start, size, hv.gicd_base, 0x10000) ||
		    (overlaps(start, size, hv.gicr_base, gicr_size) &&
		     (!io || exclusive(&m[i]))) ||
		    (!io && exclusive(&m[i]) && !root_has_ram(start, size))) {
			printk("cell create: region %u (%llx+%llx): touches hypervisor memory or "
			       "the GIC (only a shared IO grant may cover the redistributors), "
			       "or RAM not inside one RAM region of the root\n",
			       i, (unsigned long long)start, (unsigned long long)size);
			return -EINVAL;
		}
		/* no memory in two non-root cells unless both share it with the root */
		for (j = 1; j < HV_MAX_CELLS; j++) {
			if (!cells[j].config)
				continue;
			o = cfg_mem(cells[j].config);
			for (k = 0; k < cells[j].config->num_memory_regions; k++) {
				if (o[k].flags & CELL_ABI_MEM_COMM_REGION ||
				    (!exclusive(&m[i]) && !exclusive(&o[k])) ||
				    !overlaps(start, size, o[k].phys_start, o[k].size))
					continue;
				printk("cell create: region %u (%llx+%llx) belongs to cell %u\n",
				       i, (unsigned long long)start, (unsigned long long)size, j);
				return -EBUSY;
			}
		}
	}
	return 0;
}

/* The CPUs of the config: root CPUs that Linux has parked (CPU_OFF). */
static int check_cpus(const struct cell_abi_cell_desc *cfg, u64 *set)
{
	const u8 *bits = (const u8 *)(cfg + 1);
	unsigned int cpu;

	*set = 0;
	if (!cfg->cpu_set_size || cfg->cpu_set_size > HV_MAX_CPUS / 8)
		return -EINVAL;
	for (cpu = 0; cpu < cfg->cpu_set_size * 8; cpu++) {
		if (!(bits[cpu / 8] & (1 << (cpu % 8))))
			continue;
		if (cpu >= hv_header.max_cpus || !(hv.root_cell.cpu_set & BIT(cpu)) ||
		    !per_cpu(cpu)->entered || READ_ONCE(per_cpu(cpu)->state) != CPU_OFF) {
			printk("cell create: CPU %u is not a parked CPU of the root cell\n", cpu);
			return -EBUSY;
		}
		*set |= BIT(cpu);
	}
	return *set ? 0 : -EINVAL;
}

static int map_cell(struct cell *c)
{
	const struct cell_abi_memory *m = cfg_mem(c->config);
	u64 gicr_size = hv_header.max_cpus * GICR_FRAME_SIZE;
	unsigned int i;
	int err;

	c->s2_root = s2_root_alloc();
	if (!c->s2_root)
		return -ENOMEM;
	for (i = 0; i < c->config->num_memory_regions; i++) {
		if (cell_abi_mem_unused(&m[i]))
			continue;
		if (m[i].flags & CELL_ABI_MEM_COMM_REGION) {
			if (c->comm_page)
				return -EINVAL;
			c->comm_page = page_alloc();
			if (!c->comm_page)
				return -ENOMEM;
			err = s2_map(c->s2_root, m[i].virt_start, (u64)c->comm_page,
				     PAGE_SIZE, PT_NORMAL);
		} else if (overlaps(m[i].phys_start, m[i].size, hv.gicr_base, gicr_size)) {
			err = map_gicr_grant(c, &m[i], i);
		} else if ((err = its_cell_init(c, &m[i], i))) {
			err = err > 0 ? 0 : err;
		} else {
			err = s2_map(c->s2_root, m[i].virt_start, m[i].phys_start, m[i].size,
				     m[i].flags & CELL_ABI_MEM_IO ? PT_DEVICE : PT_NORMAL);
		}
		if (err) {
			printk("cell create: region %u: stage-2 map failed (%d)\n", i, err);
			return err;
		}
	}
	return gic_cell_init(c);
}

/*
 * Map the root's regions back over [start, start + size) exactly as the
 * root config has them. Root regions are identity mapped and disjoint from
 * the GIC frames a cell region may hold, so the overlap maps as it did.
 */
static int root_remap(u64 start, u64 size)
{
	const struct cell_abi_cell_desc *rc = hv.root_cell.config;
	const struct cell_abi_memory *m = cfg_mem(rc);
	unsigned int i;
	int err, ret = 0;

	for (i = 0; i < rc->num_memory_regions; i++) {
		u64 s, e;

		if (m[i].flags & CELL_ABI_MEM_COMM_REGION ||
		    !overlaps(start, size, m[i].phys_start, m[i].size))
			continue;
		s = start > m[i].phys_start ? start : m[i].phys_start;
		e = start + size < m[i].phys_start + m[i].size ? start + size :
								  m[i].phys_start + m[i].size;
		err = s2_map(hv.root_cell.s2_root, s, s, e - s,
			     m[i].flags & CELL_ABI_MEM_IO ? PT_DEVICE : PT_NORMAL);
		if (err) {
			printk("root region %u (%llx+%llx): re-map failed (%d)\n", i,
			       (unsigned long long)s, (unsigned long long)(e - s), err);
			ret = ret ?: err;
		}
	}
	return ret;
}

/* Regions the root gets back while the cell is loadable. */
static bool loadable(const struct cell_abi_memory *m)
{
	return exclusive(m) && (m->flags & CELL_ABI_MEM_LOADABLE);
}

/* A LOADABLE region the root holds right now. */
static bool lent(const struct cell *c, const struct cell_abi_memory *m)
{
	return c->loadable && loadable(m);
}

/* Hand the first 'n' exclusive regions of c back to the root. */
static int root_regain(struct cell *c, unsigned int n)
{
	const struct cell_abi_memory *m = cfg_mem(c->config);
	unsigned int i;
	int ret = 0;

	for (i = 0; i < n; i++)
		if (exclusive(&m[i]) && !lent(c, &m[i]))
			ret = root_remap(m[i].phys_start, m[i].size) ?: ret;
	return ret;
}

/* Free what a cell holds in the pool; its CPUs are already the root's. */
static void cell_release(struct cell *c)
{
	if (c->s2_root) {
		s2_flush(c);
		s2_root_free(c->s2_root);
	}
	if (c->comm_page)
		page_free(c->comm_page, 1);
	page_free((void *)c->config, c->config_pages);
	memset(c, 0, sizeof(*c));
}

static bool name_taken(const struct cell_abi_cell_desc *cfg)
{
	unsigned int i;

	for (i = 0; i < HV_MAX_CELLS; i++) {
		const struct cell *c = i ? &cells[i] : &hv.root_cell;

		if (c->config && !memcmp(c->config->name, cfg->name, CELL_ABI_NAME_LEN))
			return true;
	}
	return false;
}

/*
 * Give a parked CPU to another cell. It forgets its failure and its
 * statistics; its VTTBR follows when it is next released (cpu_park()).
 */
static void move_cpu(struct per_cpu *pc, struct cell *c)
{
	pc->cell = c;
	if (READ_ONCE(pc->state) == CPU_FAILED)
		WRITE_ONCE(pc->state, CPU_OFF);
	memset(pc->stats, 0, sizeof(pc->stats));
}

static void give_back_lpis(u64 set)
{
	unsigned int cpu;

	for (cpu = 0; cpu < hv_header.max_cpus; cpu++)
		if (set & BIT(cpu))
			gicr_lpi_give_back(per_cpu(cpu));
}

/* The root's LPIs off on the CPUs of a new cell, or none of them. */
static int take_lpis(u64 set)
{
	unsigned int cpu;
	int err;

	for (cpu = 0; cpu < hv_header.max_cpus; cpu++) {
		if (!(set & BIT(cpu)))
			continue;
		err = gicr_lpi_take(per_cpu(cpu));
		if (err) {
			give_back_lpis(set & (BIT(cpu) - 1));
			return err;
		}
	}
	return 0;
}

static long do_create(u64 config_pa)
{
	struct cell_abi_cell_desc *cfg;
	const struct cell_abi_memory *m;
	unsigned int pages, id, i, cpu;
	struct cell *c;
	u64 set;
	int err;

	err = copy_config(config_pa, &cfg, &pages);
	if (err)
		return err;
	cfg->name[CELL_ABI_NAME_LEN - 1] = 0;
	for (id = 1; id < HV_MAX_CELLS && cells[id].config; id++)
		;
	err = -EINVAL;
	if (cfg->revision != CELL_ABI_CONFIG_REVISION || cfg->architecture != CELL_ABI_ARCH_ARM64)
		printk("cell create: not a revision-%u arm64 cell config\n",
		       CELL_ABI_CONFIG_REVISION);
	else if ((err = name_taken(cfg) ? -EEXIST : 0))
		printk("cell create: a cell named \"%s\" exists\n", cfg->name);
	else if ((err = id < HV_MAX_CELLS ? 0 : -ENOMEM))
		printk("cell create: no free cell slot (%u cells)\n", HV_MAX_CELLS);
	else if ((err = cfg->num_pci_devices || cfg->num_stream_ids ? -EINVAL : 0))
		/* refused, not ignored: the cell would lose isolation it asked for */
		printk("cell create: %u PCI devices and %u stream IDs: not supported yet\n",
		       cfg->num_pci_devices, cfg->num_stream_ids);
	else if (!(err = check_cpus(cfg, &set)))
		err = check_regions(cfg);
	if (err) {
		page_free(cfg, pages);
		return err;
	}

	c = &cells[id];
	c->id = id;
	c->vmid = id;
	c->config = cfg;
	c->config_pages = pages;
	err = map_cell(c) ?: take_lpis(set);
	if (err) {
		cell_release(c);
		return err;
	}
	its_cell_reset(c);
	m = cfg_mem(cfg);
	for (i = 0; i < cfg->num_memory_regions; i++) {
		if (!exclusive(&m[i]))
			continue;
		err = s2_unmap(&hv.root_cell, m[i].phys_start, m[i].size);
		if (err) {
			printk("cell create: region %u: root unmap failed (%d)\n", i, err);
			give_back_lpis(set);
			root_regain(c, i + 1);
			cell_release(c);
			return err;
		}
	}
	hv.root_cell.cpu_set &= ~set;
	c->cpu_set = set;
	for (cpu = 0; cpu < hv_header.max_cpus; cpu++)
		if (set & BIT(cpu))
			move_cpu(per_cpu(cpu), c);
	c->state = CELL_ABI_CELL_SHUT_DOWN;
	hv.num_cells++;
	printk("created cell \"%s\" (id %u, CPUs %llx)\n", cfg->name, id,
	       (unsigned long long)set);
	return id;
}

/*
 * A cell that reports RUNNING_LOCKED vetoes the creation and destruction of
 * other cells (upstream's contract: it is in a phase that must not see the
 * system change).
 */
static long reconfig_ok(struct cell *except, const char *what)
{
	unsigned int i;

	for (i = 1; i < HV_MAX_CELLS; i++)
		if (cells[i].config && &cells[i] != except &&
		    cells[i].state == CELL_ABI_CELL_RUNNING &&
		    comm_cell_state(&cells[i]) == CELL_ABI_CELL_RUNNING_LOCKED) {
			printk("cell %s refused: cell \"%s\" is running/locked\n", what,
			       cells[i].config->name);
			return -EPERM;
		}
	return 0;
}

long cell_create(u64 config_pa)
{
	long ret;

	spin_lock(&hv.mgmt_lock);
	spin_lock(&hv.lock);
	ret = reconfig_ok(NULL, "create") ?: do_create(config_pa);
	spin_unlock(&hv.lock);
	spin_unlock(&hv.mgmt_lock);
	return ret;
}

/*
 * The first CPU of c that is not parked (running cell code or released
 * and about to), or -1.
 */
static int running_cpu(const struct cell *c)
{
	unsigned int cpu;
	u32 state;

	for (cpu = 0; cpu < hv_header.max_cpus; cpu++) {
		if (!(c->cpu_set & BIT(cpu)))
			continue;
		state = READ_ONCE(per_cpu(cpu)->state);
		if (state == CPU_RUNNING || state == CPU_ON_PENDING)
			return cpu;
	}
	return -1;
}

static void set_state(struct cell *c, u32 state)
{
	c->state = state;
	comm_set_state(c, state);
}

/*
 * Park every CPU of c (mgmt_lock held, hv.lock not). A running cell that
 * is not passive is asked first: it may deny (-EPERM, nothing changes);
 * one that does not answer in time is marked failed and stopped anyway.
 * Returns 1 in that case, 0 when the cell was stopped otherwise.
 */
static long cell_stop(struct cell *c, const char *what)
{
	long err, ret = 0;
	unsigned int cpu;

	if (running_cpu(c) < 0)
		return 0;
	if (c->state == CELL_ABI_CELL_RUNNING) {
		err = comm_request_shutdown(c);
		if (err == -EPERM) {
			printk("cell %s: \"%s\" denied the shutdown request\n", what,
			       c->config->name);
			return err;
		}
		if (err == -ETIMEDOUT) {
			printk("cell %s: \"%s\" did not answer the shutdown request in time: "
			       "failed, stopping it\n", what, c->config->name);
			spin_lock(&hv.lock);
			set_state(c, CELL_ABI_CELL_FAILED);
			spin_unlock(&hv.lock);
			ret = 1;
		}
	}
	spin_lock(&hv.lock);
	for (cpu = 0; cpu < hv_header.max_cpus; cpu++)
		if (c->cpu_set & BIT(cpu))
			cpu_request_park(per_cpu(cpu));
	spin_unlock(&hv.lock);
	if (!cpus_wait_parked(c->cpu_set, HV_PARK_TIMEOUT_MS)) {
		printk("cell %s: \"%s\": a CPU did not park within %u ms\n", what,
		       c->config->name, HV_PARK_TIMEOUT_MS);
		return -EIO;
	}
	return ret;
}

/*
 * Lend the LOADABLE regions to the root (map them back, identity as in the
 * root config) or take them back (unmap). On failure the regions already
 * handled are turned back, so the root ends as it was.
 */
static int root_loan(struct cell *c, bool lend)
{
	const struct cell_abi_memory *m = cfg_mem(c->config);
	unsigned int i, j;
	int err = 0;

	for (i = 0; i < c->config->num_memory_regions && !err; i++)
		if (loadable(&m[i]))
			err = lend ? root_remap(m[i].phys_start, m[i].size) :
				     s2_unmap(&hv.root_cell, m[i].phys_start, m[i].size);
	if (!err)
		return 0;
	printk("cell \"%s\": region %u: %s the root failed (%d)\n", c->config->name, i - 1,
	       lend ? "lending it to" : "taking it back from", err);
	for (j = 0; j < i; j++)
		if (loadable(&m[j])) {
			if (lend)
				s2_unmap(&hv.root_cell, m[j].phys_start, m[j].size);
			else
				root_remap(m[j].phys_start, m[j].size);
		}
	return err;
}

/*
 * The cell's interrupt translation off: its ITS and its CPUs' LPIs, so
 * that the GIC neither reads nor writes the cell's RAM while the root
 * holds (part of) it or the cell boots again.
 */
static void cell_lpis_off(struct cell *c)
{
	unsigned int cpu;

	its_cell_reset(c);
	for (cpu = 0; cpu < hv_header.max_cpus; cpu++)
		if (c->cpu_set & BIT(cpu))
			gicr_lpi_reset(per_cpu(cpu));
}

static long do_set_loadable(struct cell *c)
{
	int err;

	cell_lpis_off(c);

	if (!c->loadable) {
		err = root_loan(c, true);
		if (err)
			return err;
		c->loadable = true;
	}
	set_state(c, CELL_ABI_CELL_SHUT_DOWN);
	return 0;
}

/* The reset address must be code the cell can fetch: inside its RAM. */
static bool reset_address_ok(const struct cell *c)
{
	const struct cell_abi_memory *m = cfg_mem(c->config);
	u64 pc = c->config->cpu_reset_address;
	unsigned int i;

	if (pc & 3)
		return false;
	for (i = 0; i < c->config->num_memory_regions; i++)
		if (!(m[i].flags & (CELL_ABI_MEM_IO | CELL_ABI_MEM_COMM_REGION)) &&
		    pc >= m[i].virt_start && pc - m[i].virt_start < m[i].size)
			return true;
	return false;
}

static long do_start(struct cell *c)
{
	struct per_cpu *first = NULL;
	unsigned int cpu;
	int err;

	if (!reset_address_ok(c)) {
		printk("cell start: \"%s\": cpu_reset_address %llx is not in the cell's RAM "
		       "(or not 4-byte aligned)\n", c->config->name,
		       (unsigned long long)c->config->cpu_reset_address);
		return -EINVAL;
	}
	if (c->loadable) {
		err = root_loan(c, false);
		if (err)
			return err;
		c->loadable = false;
	}
	cell_lpis_off(c);
	comm_init(c);
	for (cpu = 0; cpu < hv_header.max_cpus; cpu++) {
		if (!(c->cpu_set & BIT(cpu)))
			continue;
		/* a restart gives failed CPUs a new chance */
		if (READ_ONCE(per_cpu(cpu)->state) == CPU_FAILED)
			WRITE_ONCE(per_cpu(cpu)->state, CPU_OFF);
		if (!first)
			first = per_cpu(cpu);
	}
	first->on_entry = c->config->cpu_reset_address;
	first->on_context = 0;
	c->state = CELL_ABI_CELL_RUNNING;
	__atomic_store_n(&first->state, CPU_ON_PENDING, __ATOMIC_RELEASE);
	gic_send_event(first);
	printk("started cell \"%s\" at %llx on CPU %u\n", c->config->name,
	       (unsigned long long)first->on_entry, first->cpu_id);
	return 0;
}

/*
 * Destroy hands memory and CPUs back to the root. Once the cell is freed
 * it succeeds: a root region that cannot be re-mapped is reported on the
 * console, but the driver must take the CPUs back all the same.
 */
static long do_destroy(struct cell *c)
{
	unsigned int cpu;

	/* the GIC done with the cell's RAM before the root has it back */
	its_cell_reset(c);
	for (cpu = 0; cpu < hv_header.max_cpus; cpu++)
		if (c->cpu_set & BIT(cpu))
			gicr_lpi_give_back(per_cpu(cpu));
	/* the memory first: the root must not run on CPUs before it has it back */
	if (root_regain(c, c->config->num_memory_regions))
		printk("destroy of \"%s\": the root lacks part of its memory\n", c->config->name);
	for (cpu = 0; cpu < hv_header.max_cpus; cpu++)
		if (c->cpu_set & BIT(cpu))
			move_cpu(per_cpu(cpu), &hv.root_cell);
	hv.root_cell.cpu_set |= c->cpu_set;
	printk("destroyed cell \"%s\" (id %u)\n", c->config->name, c->id);
	cell_release(c);
	hv.num_cells--;
	return 0;
}

/*
 * Run op on the non-root cell 'id' once its CPUs are parked. mgmt_lock
 * keeps the cell from going away meanwhile: only management destroys.
 */
static long manage(unsigned long id, const char *what, long (*op)(struct cell *c))
{
	struct cell *c;
	long ret, stop;

	spin_lock(&hv.mgmt_lock);
	spin_lock(&hv.lock);
	c = id ? cell_find(id) : NULL;
	ret = id ? -ENOENT : -EINVAL;
	if (c && op == do_destroy)
		ret = reconfig_ok(c, what);
	else if (c)
		ret = 0;
	spin_unlock(&hv.lock);
	stop = ret ? ret : cell_stop(c, what);
	if (stop >= 0) {
		spin_lock(&hv.lock);
		ret = op(c);
		/* a cell that failed to answer stays failed, shut down or not */
		if (!ret && stop && op == do_set_loadable)
			set_state(c, CELL_ABI_CELL_FAILED);
		spin_unlock(&hv.lock);
	} else {
		ret = stop;
	}
	spin_unlock(&hv.mgmt_lock);
	return ret;
}

long cell_set_loadable(unsigned long id)
{
	return manage(id, "shutdown", do_set_loadable);
}

long cell_start(unsigned long id)
{
	return manage(id, "start", do_start);
}

long cell_destroy(unsigned long id)
{
	return manage(id, "destroy", do_destroy);
}

/*
 * The hypervisor's verdict (shut down, failed) stands; while it says
 * running, the cell's own report counts (running/locked, or a shutdown or
 * failure it declared itself).
 */
long cell_get_state(unsigned long id)
{
	struct cell *c;
	long ret;

	spin_lock(&hv.lock);
	c = cell_find(id);
	ret = c ? (long)c->state : -ENOENT;
	if (c && c != &hv.root_cell && c->state == CELL_ABI_CELL_RUNNING)
		ret = comm_cell_state(c);
	spin_unlock(&hv.lock);
	return ret <= CELL_ABI_CELL_FAILED_COMM_REV ? ret : -EINVAL;
}

/*
 * Does [addr, addr + size) lie in RAM that is c's alone, at the same
 * address for the CPU and for a device? The GIC reads its tables by
 * physical address, past the stage 2 (a translated region would hand it
 * someone else's memory), and a region the root shares is the root's too.
 */
bool cell_ram_holds(const struct cell *c, u64 addr, u64 size)
{
	const struct cell_abi_memory *m = cfg_mem(c->config);
	unsigned int i;

	if (addr + size < addr)
		return false;
	for (i = 0; i < c->config->num_memory_regions; i++)
		if ((m[i].flags & (CELL_ABI_MEM_READ | CELL_ABI_MEM_WRITE)) ==
		    (CELL_ABI_MEM_READ | CELL_ABI_MEM_WRITE) &&
		    !(m[i].flags & (CELL_ABI_MEM_IO | CELL_ABI_MEM_COMM_REGION |
				    CELL_ABI_MEM_ROOTSHARED)) &&
		    m[i].phys_start == m[i].virt_start && addr >= m[i].phys_start &&
		    addr + size - m[i].phys_start <= m[i].size)
			return true;
	return false;
}

/* A CPU of a non-root cell faulted: the cell is failed (not a shut-down one). */
void cell_cpu_failed(struct per_cpu *pc)
{
	spin_lock(&hv.lock);
	if (pc->cell->state != CELL_ABI_CELL_SHUT_DOWN)
		set_state(pc->cell, CELL_ABI_CELL_FAILED);
	spin_unlock(&hv.lock);
}

/*
 * A CPU of a non-root cell ended its cell (PSCI SYSTEM_OFF: shut down,
 * SYSTEM_RESET: failed, a cell cannot reset the machine). Its siblings are
 * asked to park and nobody waits for them: they may be doing the same.
 * Returns like cpu_park(), once the root restarts the cell.
 */
void cell_stop_self(struct per_cpu *pc, struct regs *r, u32 state)
{
	struct cell *c = pc->cell;
	unsigned int cpu;

	spin_lock(&hv.lock);
	set_state(c, state);
	for (cpu = 0; cpu < hv_header.max_cpus; cpu++)
		if (c->cpu_set & BIT(cpu) && per_cpu(cpu) != pc)
			cpu_request_park(per_cpu(cpu));
	spin_unlock(&hv.lock);
	cpu_park(pc, r, false);
}
