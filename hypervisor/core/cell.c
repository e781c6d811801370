// SPDX-License-Identifier: GPL-2.0
/*
 * Non-root cells: CELL_CREATE and CELL_DESTROY. A new cell gets its own
 * stage-2 tables and VMID, the CPUs the root cell has parked (Linux took
 * them offline with PSCI CPU_OFF) and the memory its config names; what it
 * does not share with the root is unmapped from the root's stage 2. Its
 * CPUs stay parked in the SHUT_DOWN state until CELL_START exists.
 *
 * Interrupts: no SPI changes owner yet (the root's irq_bitmap is left as
 * it is); routing a cell's SPIs comes with CELL_START, and so does access
 * to its CPUs' redistributor frames (a GICR grant region is mapped around
 * them, the frames stay unmapped). The distributor traps as for the root.
 *
 * Everything here runs on a root CPU with hv.lock held.
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
	return !(m->flags & (CELL_ABI_MEM_ROOTSHARED | CELL_ABI_MEM_COMM_REGION));
}

static int check_regions(const struct cell_abi_cell_desc *cfg)
{
	const struct cell_abi_memory *m = cfg_mem(cfg), *o;
	u64 gicr_size = hv_header.max_cpus * 0x20000UL;
	unsigned int i, j, k;

	for (i = 0; i < cfg->num_memory_regions; i++) {
		u64 start = m[i].phys_start, size = m[i].size;
		bool io = m[i].flags & CELL_ABI_MEM_IO;

		if ((m[i].virt_start | size) & ~PAGE_MASK || !size) {
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
	u64 gicr_size = hv_header.max_cpus * 0x20000UL;
	unsigned int i;
	int err;

	c->s2_root = s2_root_alloc();
	if (!c->s2_root)
		return -ENOMEM;
	for (i = 0; i < c->config->num_memory_regions; i++) {
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

/* Hand the first 'n' exclusive regions of c back to the root. */
static int root_regain(struct cell *c, unsigned int n)
{
	const struct cell_abi_memory *m = cfg_mem(c->config);
	unsigned int i;
	int ret = 0;

	for (i = 0; i < n; i++)
		if (exclusive(&m[i]))
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
	err = map_cell(c);
	if (err) {
		cell_release(c);
		return err;
	}
	m = cfg_mem(cfg);
	for (i = 0; i < cfg->num_memory_regions; i++) {
		if (!exclusive(&m[i]))
			continue;
		err = s2_unmap(&hv.root_cell, m[i].phys_start, m[i].size);
		if (err) {
			printk("cell create: region %u: root unmap failed (%d)\n", i, err);
			root_regain(c, i + 1);
			cell_release(c);
			return err;
		}
	}
	hv.root_cell.cpu_set &= ~set;
	c->cpu_set = set;
	for (cpu = 0; cpu < hv_header.max_cpus; cpu++)
		if (set & BIT(cpu))
			per_cpu(cpu)->cell = c;
	c->state = CELL_ABI_CELL_SHUT_DOWN;
	hv.num_cells++;
	printk("created cell \"%s\" (id %u, CPUs %llx)\n", cfg->name, id,
	       (unsigned long long)set);
	return id;
}

long cell_create(u64 config_pa)
{
	long ret;

	spin_lock(&hv.lock);
	ret = do_create(config_pa);
	spin_unlock(&hv.lock);
	return ret;
}

long cell_destroy(unsigned long id)
{
	struct cell *c;
	unsigned int cpu;
	long ret;

	if (id == 0)
		return -EINVAL;
	spin_lock(&hv.lock);
	c = cell_find(id);
	if (!c) {
		spin_unlock(&hv.lock);
		return -ENOENT;
	}
	/* the memory first: the root must not run on CPUs before it has it back */
	ret = root_regain(c, c->config->num_memory_regions);
	for (cpu = 0; cpu < hv_header.max_cpus; cpu++)
		if (c->cpu_set & BIT(cpu))
			per_cpu(cpu)->cell = &hv.root_cell;
	hv.root_cell.cpu_set |= c->cpu_set;
	printk("destroyed cell \"%s\" (id %u)\n", c->config->name, c->id);
	cell_release(c);
	hv.num_cells--;
	spin_unlock(&hv.lock);
	return ret;
}
