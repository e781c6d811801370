// SPDX-License-Identifier: BSD-2-Clause
/*
 * The demo inmate. Load it at IPA 0 of a cell whose cpu_reset_address is
 * 0 (examples/configs/qemu-virt/inmate-demo.json); its parameter block
 * (image offset 0x1000, see lib/params.h) picks the mode.
 *
 * Default: greet through the hypervisor with what it was given (its CPU,
 * the comm region the hypervisor filled, and whether the CPU came without
 * traces of its previous owner), read the trapped GIC distributor, try to
 * start a CPU it does not own, then power off.
 *
 * mode=timer [ticks=N] [period_us=P]: what Jailhouse users know as
 * gic-demo. Take the virtual timer's PPI N times (default 1000) every P
 * microseconds (default 1000) and print the latency (counter at the
 * interrupt minus the compare value) min/avg/max in ns. Inside a cell it
 * first checks the redistributor model: it switches off and deactivates
 * everything on its own frame and another CPU's, then shows that a burst
 * of SGIs larger than the list registers still arrives (which needs the
 * hypervisor's maintenance interrupt) and that SGI 15 is not the cell's.
 * The same image also boots bare, at EL1 under QEMU without EL2
 * (gicd=, gicr=, uart= give the addresses; QEMU virt's by default), which
 * is the reference for the cost of the cell's interrupt path.
 *
 * Lifecycle modes, for the tests of stopping cells and containing faults:
 * - mode=spin: one line, then a loop with interrupts masked that never
 *   exits to the hypervisor: only a park request takes the CPU back.
 * - mode=fault kind=K: one line, then something a cell may not do: K=ipa
 *   reads an IPA its cell does not map, hvc issues a hypercall with a
 *   foreign immediate, sysreg writes ICC_SGI0R_EL1 (group-0 SGIs are not
 *   a cell's), off and reset ask PSCI SYSTEM_OFF / SYSTEM_RESET.
 * - mode=deny [deny=N] and mode=approve: answer shutdown requests on the
 *   comm region (in a cell whose config is not PASSIVE_COMMREG): deny the
 *   first N (default: all), approve the rest. lock=1 first reports the
 *   cell running/locked, which vetoes creating and destroying other cells.
 * - mode=lpi [at=A] [its=B] [insist=lpi|its]: aim the GIC at memory the
 *   cell does not own (A, default 0x40000000: the root's RAM on this
 *   board): the LPI property and pending tables on its own redistributor
 *   and, in a cell that owns the ITS at B (default 0x08080000), the ITS
 *   command queue. Each readback shows whether the write took. Then it
 *   insists: enables LPIs (or the ITS) on what was refused.
 */
#include "../lib/inmate.h"

#define GICD_PIDR2	0xffe8
#define TIMER_PPI	27	/* EL1 virtual timer */
#define CNTV_CTL_ENABLE	1
#define SGI_BURST	16	/* SGIs 0-15: 15 is the hypervisor's */
#define VIRT_GICD	0x08000000
#define VIRT_GICR	0x080a0000
#define VIRT_UART	0x09000000

#define MRS(r) ({ uint64_t __v; __asm__ __volatile__("isb; mrs %0, " #r : "=r"(__v)); __v; })
#define MSR(r, v) __asm__ __volatile__("msr " #r ", %0; isb" : : "r"((uint64_t)(v)) : "memory")

static volatile unsigned int ticks_seen;
static volatile uint32_t sgis_seen;
static unsigned int ticks_want;
static uint64_t period, cval, lat_min = ~0ULL, lat_max, lat_sum;

static void on_irq(unsigned int intid)
{
	uint64_t now, lat;

	if (intid < 16) {
		sgis_seen |= 1U << intid;
		return;
	}
	if (intid != TIMER_PPI)
		return;
	now = MRS(cntvct_el0);
	lat = now - cval;
	lat_sum += lat;
	if (lat < lat_min)
		lat_min = lat;
	if (lat > lat_max)
		lat_max = lat;
	if (++ticks_seen < ticks_want) {
		cval = now + period;
		MSR(cntv_cval_el0, cval);
	} else {
		MSR(cntv_ctl_el0, 0);
	}
}

static uint64_t ns(uint64_t counts, uint64_t freq)
{
	return counts * 1000000000ULL / freq;
}

/* Wait with interrupts on until cond() or 'counts' counter ticks pass. */
static void irq_wait(bool (*cond)(void), uint64_t counts)
{
	uint64_t end = MRS(cntvct_el0) + counts;

	inmate_irq_enable();
	while (!cond() && MRS(cntvct_el0) < end)
		;
	inmate_irq_disable();
}

static bool all_sgis(void)
{
	return (sgis_seen & 0x7fff) == 0x7fff;
}

static bool never(void)
{
	return false;
}

/*
 * Everything off and inactive on the own frame (more than Linux's GIC
 * init does) and on another CPU's, then a burst of SGIs to itself with
 * interrupts masked: the first ones fill the list registers, the rest
 * wait in the hypervisor until the maintenance interrupt says the list
 * registers drained. Nothing else makes the CPU exit meanwhile, so all 15
 * arrive only if that interrupt survived the writes.
 */
static void gicr_checks(uintptr_t gicr, int own, uint64_t freq)
{
	uintptr_t rd = gic_frame(gicr, own), other = gic_frame(gicr, own ? 0 : 1);
	unsigned int i, n = 0;

	cell_inmate_mmio_write32(rd + GICR_SGI_BASE + GICR_ICENABLER0, ~0U);
	cell_inmate_mmio_write32(rd + GICR_SGI_BASE + GICR_ICACTIVER0, ~0U);
	cell_inmate_mmio_write32(other + GICR_SGI_BASE + GICR_ICENABLER0, ~0U);
	cell_inmate_mmio_write32(other + GICR_SGI_BASE + GICR_ICACTIVER0, ~0U);
	printk("timer: wrote ~0 to ICENABLER0 and ICACTIVER0 of frame %d (own) and frame %d "
	       "(another CPU's, ISENABLER0 reads %x)\n", own, own ? 0 : 1,
	       cell_inmate_mmio_read32(other + GICR_SGI_BASE + GICR_ISENABLER0));
	for (i = 0; i < SGI_BURST; i++)
		gic_enable_private(rd, i);
	for (i = 0; i < SGI_BURST; i++)
		gic_send_sgi_self(i);
	irq_wait(all_sgis, freq / 100);
	irq_wait(never, freq / 1000);	/* room for a stray SGI 15 */
	for (i = 0; i < 15; i++)
		n += (sgis_seen >> i) & 1;
	printk("timer: SGI burst: %u of 15 delivered with interrupts masked until all were sent, "
	       "SGI 15 %s\n", n, sgis_seen & 0x8000 ? "delivered" : "refused");
}

static bool ticks_done(void)
{
	return ticks_seen >= ticks_want;
}

static void timer_demo(void)
{
	volatile struct cell_abi_comm_region_arm *comm = cell_inmate_comm_region();
	uintptr_t gicd = VIRT_GICD, gicr = VIRT_GICR;
	uint64_t freq = MRS(cntfrq_el0), period_us;
	int own;

	if (inmate_bare()) {
		gicd = inmate_param_u64("gicd", VIRT_GICD);
		gicr = inmate_param_u64("gicr", VIRT_GICR);
	} else if (cell_inmate_comm_region_valid()) {
		gicd = comm->gicd_base;
		gicr = comm->gicr_base;
	} else {
		printk("timer: not a revision-%u comm region, stopping\n", CELL_ABI_COMM_REVISION);
		return;
	}
	ticks_want = inmate_param_u64("ticks", 1000);
	period_us = inmate_param_u64("period_us", 1000);
	period = period_us * freq / 1000000;
	own = gic_init(gicd, gicr, on_irq);
	if (own < 0 || !ticks_want || !period) {
		printk("timer: %s\n", own < 0 ? "no redistributor frame for this CPU" :
		       "ticks and period_us must not be 0");
		return;
	}
	printk("timer: %s, redistributor frame %d, counter %llu Hz\n",
	       inmate_bare() ? "bare machine" : "in a cell", own, (unsigned long long)freq);
	if (!inmate_bare())
		gicr_checks(gicr, own, freq);
	gic_enable_private(gic_frame(gicr, own), TIMER_PPI);
	cval = MRS(cntvct_el0) + period;
	MSR(cntv_cval_el0, cval);
	MSR(cntv_ctl_el0, CNTV_CTL_ENABLE);
	/* the timer's own pace bounds the wait: ticks x period, twice */
	irq_wait(ticks_done, 2 * ticks_want * period + freq);
	MSR(cntv_ctl_el0, 0);
	printk("timer: %u ticks of %llu us, latency min %llu avg %llu max %llu ns\n", ticks_seen,
	       (unsigned long long)period_us,
	       (unsigned long long)ns(ticks_seen ? lat_min : 0, freq),
	       (unsigned long long)ns(ticks_seen ? lat_sum / ticks_seen : 0, freq),
	       (unsigned long long)ns(lat_max, freq));
}

static void spin(void)
{
	printk("spin: CPU %llx spinning with interrupts masked\n",
	       (unsigned long long)cell_inmate_mpidr());
	for (;;)
		__asm__ __volatile__("" : : : "memory");
}

#define UNMAPPED_IPA	0x10000000	/* no cell config here maps it */
#define ICC_SGI0R_EL1	"S3_0_C12_C11_7"

static void fault(void)
{
	const char *what = "nothing (kind=ipa|hvc|sysreg|off|reset)";

	if (inmate_param_is("kind", "ipa") || !inmate_param("kind")) {
		printk("fault: reading IPA %x\n", UNMAPPED_IPA);
		cell_inmate_mmio_read32(UNMAPPED_IPA);
		what = "an unmapped IPA";
	} else if (inmate_param_is("kind", "hvc")) {
		printk("fault: hvc #0x1234\n");
		__asm__ __volatile__("hvc #0x1234" : : : "x0", "memory");
		what = "a foreign hypercall immediate";
	} else if (inmate_param_is("kind", "sysreg")) {
		printk("fault: writing ICC_SGI0R_EL1\n");
		__asm__ __volatile__("msr " ICC_SGI0R_EL1 ", %0" : : "r"(1UL) : "memory");
		what = "ICC_SGI0R_EL1";
	} else if (inmate_param_is("kind", "off") || inmate_param_is("kind", "reset")) {
		printk("fault: PSCI SYSTEM_%s\n", inmate_param_is("kind", "off") ? "OFF" : "RESET");
		cell_inmate_psci(inmate_param_is("kind", "off") ? CELL_INMATE_PSCI_SYSTEM_OFF :
				 CELL_INMATE_PSCI_SYSTEM_RESET, 0, 0, 0);
		what = "a system power request";
	}
	printk("fault: %s did not stop the CPU\n", what);
}

#define GICR_CTLR		0x0000
#define GICR_TYPER		0x0008
#define GICR_PROPBASER		0x0070
#define GICR_PENDBASER		0x0078
#define GITS_CTLR		0x0000
#define GITS_CBASER		0x0080
#define VIRT_ITS		0x08080000
#define LPI_IDBITS		15		/* 64 Ki INTIDs, as Linux asks */

static void lpi_refusals(void)
{
	volatile struct cell_abi_comm_region_arm *comm = cell_inmate_comm_region();
	uintptr_t rd = gic_frame((uintptr_t)comm->gicr_base, gic_own_frame(comm->gicr_base));
	uintptr_t its = inmate_param_u64("its", VIRT_ITS);
	uint64_t at = inmate_param_u64("at", 0x40000000);

	printk("lpi: GICR_TYPER.PLPIS %u\n",
	       (unsigned int)(cell_inmate_mmio_read64(rd + GICR_TYPER) & 1));
	cell_inmate_mmio_write64(rd + GICR_PROPBASER, at | LPI_IDBITS);
	printk("lpi: GICR_PROPBASER %llx written, reads %llx\n",
	       (unsigned long long)(at | LPI_IDBITS),
	       (unsigned long long)cell_inmate_mmio_read64(rd + GICR_PROPBASER));
	cell_inmate_mmio_write64(rd + GICR_PENDBASER, at);
	printk("lpi: GICR_PENDBASER %llx written, reads %llx\n", (unsigned long long)at,
	       (unsigned long long)cell_inmate_mmio_read64(rd + GICR_PENDBASER));
	cell_inmate_mmio_write64(its + GITS_CBASER, 1ULL << 63 | at);
	printk("lpi: GITS_CBASER %llx written, reads %llx\n",
	       (unsigned long long)(1ULL << 63 | at),
	       (unsigned long long)cell_inmate_mmio_read64(its + GITS_CBASER));
	if (inmate_param_is("insist", "its")) {
		printk("lpi: enabling the ITS\n");
		cell_inmate_mmio_write32(its + GITS_CTLR, 1);
	} else {
		printk("lpi: enabling LPIs\n");
		cell_inmate_mmio_write32(rd + GICR_CTLR, 1);
	}
	printk("lpi: still running after insisting\n");
}

/* Answer shutdown requests until one is approved, then wait to be parked. */
static void comm_answer(bool approve, uint64_t deny, bool lock)
{
	unsigned int n = 0;

	if (!cell_inmate_comm_region_valid()) {
		printk("comm: not a revision-%u comm region, stopping\n", CELL_ABI_COMM_REVISION);
		return;
	}
	if (lock)
		cell_inmate_comm_set_state(CELL_ABI_CELL_RUNNING_LOCKED);
	printk("comm: answering shutdown requests (%s%s)\n", approve ? "approve" : "deny",
	       lock ? ", running/locked" : "");
	for (;;) {
		if (cell_inmate_comm_message() != CELL_ABI_MSG_SHUTDOWN_REQUEST)
			continue;
		n++;
		if (approve || n > deny) {
			printk("comm: shutdown request %u approved\n", n);
			cell_inmate_comm_set_state(CELL_ABI_CELL_SHUT_DOWN);
			cell_inmate_comm_reply(CELL_ABI_REPLY_APPROVED);
			for (;;)
				__asm__ __volatile__("wfi");
		}
		printk("comm: shutdown request %u denied\n", n);
		cell_inmate_comm_reply(CELL_ABI_REPLY_DENIED);
	}
}

void inmate_main(void)
{
	volatile struct cell_abi_comm_region_arm *comm = cell_inmate_comm_region();
	char sig[sizeof(comm->signature) + 1];
	const char *dirty;
	unsigned int i;
	uint64_t v;

	/* first, before printing changes anything */
	dirty = inmate_dirty_el1(&v);
	if (inmate_bare())
		inmate_console_pl011(inmate_param_u64("uart", VIRT_UART));
	if (inmate_param_is("mode", "timer")) {
		timer_demo();
		printk("timer: powering off\n");
		return;
	}
	if (inmate_param_is("mode", "spin"))
		spin();
	if (inmate_param_is("mode", "fault")) {
		fault();
		return;
	}
	if (inmate_param_is("mode", "lpi")) {
		lpi_refusals();
		return;
	}
	if (inmate_param_is("mode", "deny") || inmate_param_is("mode", "approve")) {
		comm_answer(inmate_param_is("mode", "approve"), inmate_param_u64("deny", ~0ULL),
			    inmate_param_u64("lock", 0));
		return;
	}

	for (i = 0; i < sizeof(comm->signature); i++)
		sig[i] = comm->signature[i] >= ' ' && comm->signature[i] < 127 ?
			 comm->signature[i] : '?';
	sig[i] = 0;
	printk("hello: CPU MPIDR %llx, comm region \"%s\" revision %u\n",
	       (unsigned long long)cell_inmate_mpidr(), sig, comm->revision);
	if (!cell_inmate_comm_region_valid()) {
		printk("hello: not a revision-%u comm region, stopping\n", CELL_ABI_COMM_REVISION);
		return;
	}
	printk("hello: GICv%u GICD %llx GICR %llx, flags %x\n", comm->gic_version,
	       (unsigned long long)comm->gicd_base, (unsigned long long)comm->gicr_base,
	       comm->flags);
	/* a trapped device through a decodable access, and PSCI isolation */
	printk("hello: GICD PIDR2 architecture %u; CPU_ON of CPU 2: %d, of itself: %d\n",
	       (cell_inmate_mmio_read32((uintptr_t)comm->gicd_base + GICD_PIDR2) >> 4) & 0xf,
	       (int)cell_inmate_cpu_on(2, 0, 0),
	       (int)cell_inmate_cpu_on(cell_inmate_mpidr() & 0xff00ffffffUL, 0, 0));
	if (dirty)
		printk("hello: EL1 state not reset: %s = %llx\n", dirty, (unsigned long long)v);
	else
		printk("hello: EL1 state at reset values, FP/SIMD clear\n");
	printk("hello: powering off\n");
}
