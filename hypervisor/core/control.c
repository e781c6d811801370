// SPDX-License-Identifier: GPL-2.0
/*
 * The root cell, hypercalls and CPU parking. The lifecycle of non-root
 * cells (create, set loadable, start, destroy) is in cell.c.
 */
#include <hv/hv.h>
#include <hv/arm64.h>

/* The config's variable part follows the descriptor in this order. */
const struct cell_abi_memory *cfg_mem(const struct cell_abi_cell_desc *c)
{
	return (const void *)((const u8 *)(c + 1) + c->cpu_set_size);
}

static const struct cell_abi_irqchip *cfg_irqchips(const struct cell_abi_cell_desc *c)
{
	return (const void *)((const u8 *)cfg_mem(c) +
			      c->num_memory_regions * sizeof(struct cell_abi_memory) +
			      c->num_cache_regions * sizeof(struct cell_abi_cache));
}

/*
 * A region over the redistributors is a GICR grant (isolate-nic's S4:
 * READ|WRITE|IO in the root, READ|WRITE|IO|ROOTSHARED in a cell). The
 * frames themselves trap for every cell (gic_cell_init()); map the rest of
 * the region around them. Without IO it would be RAM over MMIO: refuse.
 */
int map_gicr_grant(struct cell *c, const struct cell_abi_memory *m, unsigned int i)
{
	u64 start = m->phys_start, end = start + m->size;
	u64 gicr_end = hv.gicr_base + hv_header.max_cpus * GICR_FRAME_SIZE;
	int err = 0;

	if (!(m->flags & CELL_ABI_MEM_IO) || m->virt_start != start) {
		printk_uart("cell \"%s\" region %u (%llx+%llx) maps the GIC redistributors without IO or not identity mapped\n",
		       c->config->name, i, (unsigned long long)start, (unsigned long long)m->size);
		return -EINVAL;
	}
	if (start < hv.gicr_base)
		err = s2_map(c->s2_root, start, start, hv.gicr_base - start, PT_DEVICE);
	if (!err && end > gicr_end)
		err = s2_map(c->s2_root, gicr_end, gicr_end, end - gicr_end, PT_DEVICE);
	if (err)
		printk_uart("cell \"%s\" region %u (%llx+%llx): stage-2 map failed (%d)\n",
		       c->config->name, i, (unsigned long long)start, (unsigned long long)m->size, err);
	return err;
}

int cell_init_root(struct cell *c, const struct cell_abi_cell_desc *cfg)
{
	const u8 *cpus = (const u8 *)(cfg + 1);
	const struct cell_abi_memory *mem = cfg_mem(cfg);
	const struct cell_abi_irqchip *chip = cfg_irqchips(cfg);
	u64 gicr_end = hv.gicr_base + hv_header.max_cpus * GICR_FRAME_SIZE;
	unsigned int i, n;
	int err;

	c->id = 0;
	c->vmid = 0;
	c->config = cfg;
	c->state = CELL_ABI_CELL_RUNNING;
	for (i = 0; i < cfg->cpu_set_size * 8 && i < HV_MAX_CPUS; i++)
		if (cpus[i / 8] & (1 << (i % 8)))
			c->cpu_set |= BIT(i);
	c->s2_root = s2_root_alloc();
	if (!c->s2_root)
		return -ENOMEM;
	for (i = 0; i < cfg->num_memory_regions; i++) {
		u64 start = mem[i].phys_start, size = mem[i].size;

		if (cell_abi_mem_unused(&mem[i]) || mem[i].flags & CELL_ABI_MEM_COMM_REGION)
			continue;
		if (start < hv.base + hv.size && hv.base < start + size) {
			printk_uart("root region %u (%llx+%llx) overlaps hypervisor memory\n",
			       i, (unsigned long long)start, (unsigned long long)size);
			return -EINVAL;
		}
		if (mem[i].virt_start != start) {
			printk_uart("root region %u is not identity mapped\n", i);
			return -EINVAL;
		}
		/* the distributor must trap */
		if (start < hv.gicd_base + 0x10000 && hv.gicd_base < start + size) {
			printk_uart("root region %u (%llx+%llx) maps the GIC distributor\n",
			       i, (unsigned long long)start, (unsigned long long)size);
			return -EINVAL;
		}
		if (start < gicr_end && hv.gicr_base < start + size) {
			err = map_gicr_grant(c, &mem[i], i);
			if (err)
				return err;
			continue;
		}
		err = s2_map(c->s2_root, start, start, size,
			     mem[i].flags & CELL_ABI_MEM_IO ? PT_DEVICE : PT_NORMAL);
		if (err) {
			printk_uart("root region %u (%llx+%llx): stage-2 map failed (%d)\n",
			       i, (unsigned long long)start, (unsigned long long)size, err);
			return err;
		}
	}
	/* the driver reads the console page while the hypervisor runs */
	err = s2_map(c->s2_root, hv.base + hv_header.console_page,
		     hv.base + hv_header.console_page, PAGE_SIZE, PT_NORMAL_RO);
	if (err)
		return err;
	for (i = 0; i < cfg->num_irqchips; i++) {
		if (chip[i].address != hv.gicd_base)
			continue;
		for (n = 0; n < 128; n++)
			if (chip[i].pin_bitmap[n / 32] & (1U << (n % 32)) &&
			    chip[i].pin_base + n < HV_MAX_IRQS)
				c->irq_bitmap[(chip[i].pin_base + n) / 32] |=
					1U << ((chip[i].pin_base + n) % 32);
	}
	return gic_cell_init(c);
}

/*
 * Park a CPU at EL2 until PSCI CPU_ON or CELL_START hands it an entry point
 * and sends the event SGI (failed CPUs stay parked until their cell
 * restarts or gives them back). A park request taken here cancels a
 * CPU_ON that has not been acted on yet: whoever asked wants the CPU to
 * stay.
 * Returns with the guest frame reset to that entry, in whatever cell owns
 * the CPU by then: this is the one way into a cell.
 */
void cpu_park(struct per_cpu *pc, struct regs *r, bool failed)
{
	u32 state;

	gic_cpu_shutdown(pc, false);
	WRITE_ONCE(pc->state, failed ? CPU_FAILED : CPU_OFF);
	dsb(ish);
	/* WFI, not a WFE spin: under multi-threaded TCG a spin takes a host core */
	for (;;) {
		state = __atomic_load_n(&pc->state, __ATOMIC_ACQUIRE);
		if (__atomic_load_n(&pc->park_request, __ATOMIC_ACQUIRE)) {
			if (state == CPU_ON_PENDING)
				WRITE_ONCE(pc->state, CPU_OFF);
			__atomic_store_n(&pc->park_request, 0, __ATOMIC_RELEASE);
		} else if (state == CPU_ON_PENDING) {
			break;
		}
		wfi();
		gic_park_irqs(pc);
	}
	gic_park_end(pc);
	arch_reset_el1(pc, r, pc->on_entry, pc->on_context);
	gic_cpu_init(pc);
	WRITE_ONCE(pc->state, CPU_RUNNING);
}

/*
 * Make CPU t park: it takes the request on its next exit, which the event
 * SGI forces (a physical IRQ traps whatever the guest masks), or at once
 * if it is parked already. Post under hv.lock, so that a CPU_ON racing
 * with it is refused (psci.c) or cancelled (cpu_park()).
 */
void cpu_request_park(struct per_cpu *t)
{
	__atomic_store_n(&t->park_request, 1, __ATOMIC_RELEASE);
	gic_send_event(t);
}

u64 counter_deadline(u64 ms)
{
	isb();
	return read_sysreg(cntpct_el0) + read_sysreg(cntfrq_el0) / 1000 * ms;
}

bool counter_passed(u64 deadline)
{
	isb();
	return read_sysreg(cntpct_el0) > deadline;
}

/*
 * Wait until every CPU of 'set' has taken its park request. Never call it
 * with hv.lock held: a CPU of the set may be waiting for it (CPU_ON).
 */
bool cpus_wait_parked(u64 set, u64 ms)
{
	u64 deadline = counter_deadline(ms);
	unsigned int cpu;

	for (cpu = 0; cpu < hv_header.max_cpus; cpu++)
		while ((set & BIT(cpu)) &&
		       __atomic_load_n(&per_cpu(cpu)->park_request, __ATOMIC_ACQUIRE))
			if (counter_passed(deadline))
				return false;
	return true;
}

static long hc_disable(struct per_cpu *pc, struct regs *r)
{
	if (pc->cell != &hv.root_cell)
		return -EPERM;
	if (hv.num_cells > 1)
		return -EBUSY;
	arch_cpu_shutdown(pc);
	spin_lock(&hv.lock);
	pc->entered = false;
	pc->state = CPU_OFF;
	hv.entered_cpus--;
	printk("CPU %u left the hypervisor\n", pc->cpu_id);
	spin_unlock(&hv.lock);
	r->x[0] = 0;
	hv_leave_el2(r, hv.stub_page);
}

static long hc_get_info(unsigned long type)
{
	switch (type) {
	case CELL_ABI_INFO_MEM_POOL_SIZE:
		return hv.pool_pages;
	case CELL_ABI_INFO_MEM_POOL_USED:
		return hv.pool_used;
	case CELL_ABI_INFO_REMAP_POOL_SIZE:
		return REMAP_PAGES;
	case CELL_ABI_INFO_REMAP_POOL_USED:
		return hv.remap_used;
	case CELL_ABI_INFO_NUM_CELLS:
		return hv.num_cells;
	default:
		return -EINVAL;
	}
}

static long hc_cpu_get_info(struct per_cpu *pc, unsigned long cpu, unsigned long type)
{
	struct per_cpu *t;

	/* the root manages every cell, so it may ask about any CPU */
	if (cpu >= hv_header.max_cpus ||
	    (pc->cell != &hv.root_cell && !(pc->cell->cpu_set & BIT(cpu))))
		return -EINVAL;
	t = per_cpu(cpu);
	if (type == CELL_ABI_CPU_INFO_STATE)
		return READ_ONCE(t->state) == CPU_FAILED ? CELL_ABI_CPU_FAILED :
							  CELL_ABI_CPU_RUNNING;
	if (type >= CELL_ABI_CPU_INFO_STAT_BASE &&
	    type - CELL_ABI_CPU_INFO_STAT_BASE < CELL_ABI_STAT_NUM_ARM64)
		return READ_ONCE(t->stats[type - CELL_ABI_CPU_INFO_STAT_BASE]) & 0x7fffffff;
	return -EINVAL;
}

long hypercall(struct per_cpu *pc, struct regs *r)
{
	unsigned long code = r->x[0], a1 = r->x[1], a2 = r->x[2];

	pc->stats[CELL_ABI_STAT_HYPERCALL]++;
	switch (code) {
	case CELL_ABI_HC_DISABLE:
		return hc_disable(pc, r);
	case CELL_ABI_HC_HYPERVISOR_GET_INFO:
		return hc_get_info(a1);
	case CELL_ABI_HC_CELL_GET_STATE:
		return pc->cell == &hv.root_cell ? cell_get_state(a1) : -EPERM;
	case CELL_ABI_HC_CPU_GET_INFO:
		return hc_cpu_get_info(pc, a1, a2);
	case CELL_ABI_HC_DEBUG_CONSOLE_PUTC:
		if (pc->cell != &hv.root_cell &&
		    !(pc->cell->config->flags & CELL_ABI_CELL_VIRTUAL_CONSOLE_PERMITTED))
			return -EPERM;
		printk_uart("%c", (char)a1);
		return 0;
	case CELL_ABI_HC_CELL_CREATE:
		return pc->cell == &hv.root_cell ? cell_create(a1) : -EPERM;
	case CELL_ABI_HC_CELL_DESTROY:
		return pc->cell == &hv.root_cell ? cell_destroy(a1) : -EPERM;
	case CELL_ABI_HC_CELL_START:
		return pc->cell == &hv.root_cell ? cell_start(a1) : -EPERM;
	case CELL_ABI_HC_CELL_SET_LOADABLE:
		return pc->cell == &hv.root_cell ? cell_set_loadable(a1) : -EPERM;
	default:
		return -ENOSYS;
	}
}
