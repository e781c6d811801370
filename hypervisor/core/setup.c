// SPDX-License-Identifier: GPL-2.0
/*
 * Image header, early (MMU off) and per-CPU (MMU on) initialisation.
 *
 * Physical layout of the reserved hypervisor memory:
 *   image (core_size) | per_cpu[max_cpus] | system config | page pool | stub
 * The driver copies image and config, zeroes the rest except the last page
 * (the stub vectors, which may be live in VBAR_EL2 of CPUs that are not in
 * the hypervisor) and cleans the range to the point of coherency.
 */
#include <hv/hv.h>
#include <hv/arm64.h>

extern char __hv_end[], boot_vectors[], stub_vectors[], stub_vectors_end[];

struct cell_abi_hv_header hv_header __attribute__((section(".header"), used)) = {
	.signature = { 'J', 'A', 'I', 'L', 'H', 'O', 'U', 'S' },
	.core_size = (u64)__hv_end,
	.percpu_size = sizeof(struct per_cpu),
	.entry = (u64)boot_vectors,
	.console_page = (u64)&hv_console,
};

struct cell_abi_virt_console hv_console __attribute__((section(".console"), aligned(4096)));
struct hypervisor hv;

static u64 config_size(const struct cell_abi_system *cfg)
{
	const struct cell_abi_cell_desc *c = &cfg->root_cell;

	return sizeof(*cfg) + c->cpu_set_size +
	       c->num_memory_regions * sizeof(struct cell_abi_memory) +
	       c->num_cache_regions * sizeof(struct cell_abi_cache) +
	       c->num_irqchips * sizeof(struct cell_abi_irqchip) +
	       c->num_pio_regions * sizeof(struct cell_abi_pio) +
	       c->num_pci_devices * sizeof(struct cell_abi_pci_device) +
	       c->num_pci_caps * sizeof(struct cell_abi_pci_capability) +
	       c->num_stream_ids * sizeof(u32);
}

/*
 * Runs on every entering CPU with the EL2 MMU off, so every access goes to
 * memory. The first CPU of an enable cycle builds the EL2 identity map; the
 * others only read what it wrote. Returns TTBR0_EL2, or 0 with the result in
 * the saved x0 and VBAR_EL2 on the stub.
 */
u64 hv_early(unsigned int cpu, struct per_cpu *pc);
u64 hv_early(unsigned int cpu, struct per_cpu *pc)
{
	struct regs *r = (struct regs *)(pc->stack + HV_STACK_SIZE - HV_FRAME_SIZE);
	struct cell_abi_system *cfg;
	u64 base = (u64)&hv_header, *src, *dst;
	u64 size, stub, root;
	const struct cell_abi_console *con;

	cfg = (void *)(base + hv_header.core_size +
		       hv_header.max_cpus * hv_header.percpu_size);
	/* the config is packed: read the u64 with two aligned 32-bit loads */
	size = *(volatile u32 *)((u8 *)cfg + 28) |
	       (u64)*(volatile u32 *)((u8 *)cfg + 32) << 32;
	stub = base + size - PAGE_SIZE;

	/* the stub is where VBAR_EL2 goes on every way out, so set it up first */
	src = (u64 *)stub_vectors;
	dst = (u64 *)stub;
	while (src < (u64 *)stub_vectors_end)
		*dst++ = *src++;
	asm volatile("ic iallu; dsb nsh; isb" : : : "memory");

	/* later CPUs only read: the first CPU may hold these lines dirty */
	if (READ_ONCE(hv.el2_ttbr))
		return hv.el2_ttbr;

	hv.base = base;
	hv.size = size;
	hv.stub_page = stub;
	hv.config = cfg;
	pool_init(ALIGN_UP((u64)cfg + config_size(cfg), PAGE_SIZE), stub);

	root = (u64)page_alloc();
	con = &cfg->debug_console;
	hv.gicd_base = cfg->platform_info.arm.gicd_base;
	hv.gicr_base = cfg->platform_info.arm.gicr_base;
	if (root && base + size <= REMAP_BASE && !el2_map((u64 *)root, base, size, PT_NORMAL)) {
		hv.gicd = remap_device((u64 *)root, hv.gicd_base, 0x10000);
		hv.gicr = remap_device((u64 *)root, hv.gicr_base, hv_header.max_cpus * GICR_FRAME_SIZE);
		if (con->address && con->size)
			hv.uart = remap_device((u64 *)root, con->address, PAGE_SIZE);
	}
	if (!root || !hv.gicd || !hv.gicr) {
		r->x[0] = (u64)-ENOMEM;
		write_sysreg(vbar_el2, hv.stub_page);
		isb();
		return 0;
	}
	hv.el2_ttbr = root;
	/* drop lines a speculative EL1 access may have pulled in meanwhile */
	dcache_inval_range(base, size - PAGE_SIZE);
	(void)cpu;
	return root;
}

static unsigned int ipa_bits_from_parange(u64 parange)
{
	static const u8 bits[] = { 32, 36, 40, 42, 44, 48, 52 };

	return parange < ARRAY_SIZE(bits) && bits[parange] < 40 ? bits[parange] : 40;
}

static int hv_global_init(void)
{
	struct cell_abi_system *cfg = hv.config;
	int err;

	uart_init(&cfg->debug_console, hv.uart);
	printk("\nlibcell hypervisor: initializing (memory %llx+%llx, %u CPUs max)\n",
	       (unsigned long long)hv.base, (unsigned long long)hv.size,
	       hv_header.max_cpus);
	hv.maintenance_irq = cfg->platform_info.arm.maintenance_irq;
	/* IPA size: what the CPU supports, at most 40 bits (level-1 start) */
	hv.s2_ipa_bits = ipa_bits_from_parange(read_sysreg(id_aa64mmfr0_el1) & 7);
	err = gic_global_init();
	if (!err)
		err = temp_map_init();
	if (err)
		return err;
	err = cell_init_root(&hv.root_cell, &cfg->root_cell);
	if (err)
		return err;
	hv.num_cells = 1;
	return 0;
}

static void __attribute__((noreturn)) entry_fail(struct per_cpu *pc, int err)
{
	struct regs *r = (struct regs *)(pc->stack + HV_STACK_SIZE - HV_FRAME_SIZE);

	printk_uart("CPU %u: hypervisor entry failed: %d\n", pc->cpu_id, err);
	r->x[0] = (u64)(s64)err;
	hv_leave_el2(r, hv.stub_page);
}

/* MMU on, runtime vectors installed. Returns only on success. */
void hv_entry(struct per_cpu *pc);
void hv_entry(struct per_cpu *pc)
{
	struct regs *r = (struct regs *)(pc->stack + HV_STACK_SIZE - HV_FRAME_SIZE);
	unsigned int cpu = r->x[0];
	int err;

	pc->cpu_id = cpu;
	pc->mpidr = mpidr_aff(read_sysreg(mpidr_el1));
	if (!hv.initialized) {
		err = hv_global_init();
		if (err)
			entry_fail(pc, err);
		hv.initialized = true;
	}
	if (cpu >= HV_MAX_CPUS || !(hv.root_cell.cpu_set & BIT(cpu)))
		entry_fail(pc, -EINVAL);
	pc->cell = &hv.root_cell;
	err = arch_cpu_init(pc);
	if (err)
		entry_fail(pc, err);
	pc->entered = true;
	pc->state = CPU_RUNNING;
	hv.entered_cpus++;
	printk("CPU %u (MPIDR %llx) now runs the root cell from EL2\n", cpu,
	       (unsigned long long)pc->mpidr);
	r->x[0] = 0;
}

void hv_fatal(u64 reason, u64 esr, u64 elr, u64 far);
void hv_fatal(u64 reason, u64 esr, u64 elr, u64 far)
{
	printk_uart("FATAL: hypervisor exception %llu ESR %llx ELR %llx FAR %llx\n",
	       (unsigned long long)reason, (unsigned long long)esr,
	       (unsigned long long)elr, (unsigned long long)far);
	for (;;)
		asm volatile("wfi");
}
