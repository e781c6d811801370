// SPDX-License-Identifier: GPL-2.0
/*
 * GICv3 CPU interface and redistributors: physical interrupts are taken at
 * EL2 (HCR_EL2.IMO/FMO), priority-dropped (EOImode 1) and injected into the
 * running cell through the list registers. Hardware INTIDs (PPIs, SPIs) use
 * the HW bit, so the guest's deactivation deactivates the physical
 * interrupt; SGIs and LPIs have no physical active state to link and are
 * injected as pure virtual interrupts. SGIs sent by a cell (ICC_SGI1R_EL1
 * writes trap with IMO set) are re-issued physically.
 *
 * SGIs are re-issued only towards CPUs of the sending cell.
 *
 * The redistributors trap for every cell (gicr.c). A parked CPU sleeps in
 * WFI with the CPU interface on and is woken by the event SGI.
 */
#include <hv/hv.h>
#include <hv/arm64.h>
#include <hv/io.h>

#define GICD_CTLR		0x0000
#define GICD_CTLR_ARE_NS	BIT(4)
#define GICD_ISPENDR		0x0200
#define GICD_PIDR2		0xffe8
#define GICR_TYPER		0x0008
#define GICR_SGI_BASE		0x10000
#define GICR_ICENABLER0		0x0180
#define GICR_ISPENDR0		0x0200

#define LR_STATE_PENDING	(1UL << 62)
#define LR_STATE_ACTIVE		(1UL << 63)
#define LR_HW			(1UL << 61)
#define LR_GROUP1		(1UL << 60)
#define LR_PRIO			(0xa0UL << 48)
#define LR_PINTID(lr)		(((lr) >> 32) & 0x1fff)
#define LR_VINTID(lr)		((lr) & 0xffffffffUL)

#define ICH_HCR_EN		BIT(0)
#define ICH_HCR_UIE		BIT(1)
#define ICC_SRE_SRE		BIT(0)
#define ICC_SRE_ENABLE		BIT(3)
#define ICC_CTLR_EOIMODE	BIT(1)
#define ICC_BPR0_EL1		S3_0_C12_C8_3

#define LPI_BASE		8192

static u64 lr_read(unsigned int n)
{
	switch (n) {
	case 0: return read_sysreg_s(S3_4_C12_C12_0);
	case 1: return read_sysreg_s(S3_4_C12_C12_1);
	case 2: return read_sysreg_s(S3_4_C12_C12_2);
	case 3: return read_sysreg_s(S3_4_C12_C12_3);
	case 4: return read_sysreg_s(S3_4_C12_C12_4);
	case 5: return read_sysreg_s(S3_4_C12_C12_5);
	case 6: return read_sysreg_s(S3_4_C12_C12_6);
	case 7: return read_sysreg_s(S3_4_C12_C12_7);
	case 8: return read_sysreg_s(S3_4_C12_C13_0);
	case 9: return read_sysreg_s(S3_4_C12_C13_1);
	case 10: return read_sysreg_s(S3_4_C12_C13_2);
	case 11: return read_sysreg_s(S3_4_C12_C13_3);
	case 12: return read_sysreg_s(S3_4_C12_C13_4);
	case 13: return read_sysreg_s(S3_4_C12_C13_5);
	case 14: return read_sysreg_s(S3_4_C12_C13_6);
	default: return read_sysreg_s(S3_4_C12_C13_7);
	}
}

static void lr_write(unsigned int n, u64 v)
{
	switch (n) {
	case 0: write_sysreg_s(S3_4_C12_C12_0, v); break;
	case 1: write_sysreg_s(S3_4_C12_C12_1, v); break;
	case 2: write_sysreg_s(S3_4_C12_C12_2, v); break;
	case 3: write_sysreg_s(S3_4_C12_C12_3, v); break;
	case 4: write_sysreg_s(S3_4_C12_C12_4, v); break;
	case 5: write_sysreg_s(S3_4_C12_C12_5, v); break;
	case 6: write_sysreg_s(S3_4_C12_C12_6, v); break;
	case 7: write_sysreg_s(S3_4_C12_C12_7, v); break;
	case 8: write_sysreg_s(S3_4_C12_C13_0, v); break;
	case 9: write_sysreg_s(S3_4_C12_C13_1, v); break;
	case 10: write_sysreg_s(S3_4_C12_C13_2, v); break;
	case 11: write_sysreg_s(S3_4_C12_C13_3, v); break;
	case 12: write_sysreg_s(S3_4_C12_C13_4, v); break;
	case 13: write_sysreg_s(S3_4_C12_C13_5, v); break;
	case 14: write_sysreg_s(S3_4_C12_C13_6, v); break;
	default: write_sysreg_s(S3_4_C12_C13_7, v); break;
	}
}

static bool is_hw_intid(u32 intid)
{
	return intid >= 16 && intid < 1020;
}

int gic_global_init(void)
{
	u32 arch = (io_read32(hv.gicd + GICD_PIDR2) >> 4) & 0xf;

	if (arch != 3 && arch != 4) {
		printk_uart("GICD at %llx: architecture %u is not GICv3/v4\n",
		       (unsigned long long)hv.gicd_base, arch);
		return -ENODEV;
	}
	if (!(io_read32(hv.gicd + GICD_CTLR) & GICD_CTLR_ARE_NS)) {
		printk_uart("GICD: affinity routing (ARE_NS) is off\n");
		return -ENODEV;
	}
	return gicr_global_init();
}

/* The distributor and every redistributor frame trap, for every cell. */
int gic_cell_init(struct cell *c)
{
	int err;

	err = mmio_register(c, hv.gicd_base, 0x10000, gicd_access, c);
	if (!err)
		err = mmio_register(c, hv.gicr_base, hv_header.max_cpus * GICR_FRAME_SIZE,
				    gicr_access, c);
	return err;
}

static volatile u8 *find_gicr(u64 mpidr)
{
	u64 aff = ((mpidr >> 8) & 0xff000000UL) | (mpidr & 0xffffff);
	unsigned int n;

	for (n = 0; n < hv.gicr_frames; n++) {
		u64 frame = hv.gicr + n * GICR_FRAME_SIZE;

		if ((*(volatile u64 *)(frame + GICR_TYPER) >> 32) == aff)
			return (volatile u8 *)frame;
	}
	return NULL;
}

/*
 * On the first entry of a CPU the virtual interface and the redistributor
 * keep the state Linux programmed; after a PSCI reset or a move to another
 * cell both start clean and the guest programs them again.
 */
int gic_cpu_init(struct per_cpu *pc)
{
	u64 vmcr = 0, ctlr;
	unsigned int n;

	pc->gicr = find_gicr(pc->mpidr);
	if (!pc->gicr) {
		printk_uart("CPU %u: no redistributor for MPIDR %llx\n", pc->cpu_id,
		       (unsigned long long)pc->mpidr);
		return -ENODEV;
	}
	write_sysreg_s(ICC_SRE_EL2, read_sysreg_s(ICC_SRE_EL2) | ICC_SRE_SRE | ICC_SRE_ENABLE);
	isb();
	ctlr = read_sysreg_s(ICC_CTLR_EL1);
	if (!pc->entered)
		vmcr = (read_sysreg_s(ICC_PMR_EL1) & 0xff) << 24 |
		       (read_sysreg_s(ICC_BPR0_EL1) & 7) << 21 |
		       (read_sysreg_s(ICC_BPR1_EL1) & 7) << 18 |
		       ((ctlr & ICC_CTLR_EOIMODE) ? BIT(9) : 0) |
		       (read_sysreg_s(ICC_IGRPEN1_EL1) & 1) << 1;
	write_sysreg_s(ICC_CTLR_EL1, ctlr | ICC_CTLR_EOIMODE);
	write_sysreg_s(ICC_PMR_EL1, 0xf0);
	write_sysreg_s(ICC_IGRPEN1_EL1, 1);
	pc->num_lrs = (read_sysreg_s(ICH_VTR_EL2) & 0x1f) + 1;
	if (pc->num_lrs < 2) {
		/* the overflow path relies on underflow maintenance (UIE) */
		printk_uart("CPU %u: GIC has %u list register, need 2\n", pc->cpu_id, pc->num_lrs);
		return -ENODEV;
	}
	for (n = 0; n < pc->num_lrs; n++)
		lr_write(n, 0);
	pc->pending_head = pc->pending_tail = 0;
	write_sysreg_s(ICH_AP1R0_EL2, 0);
	write_sysreg_s(ICH_VMCR_EL2, vmcr);
	write_sysreg_s(ICH_HCR_EL2, ICH_HCR_EN);
	isb();
	if (pc->entered)
		gicr_cpu_reset(pc);
	gicr_cpu_init(pc);
	return 0;
}

static void set_phys_pending(struct per_cpu *pc, u32 intid)
{
	if (intid < 32)
		io_write32((u64)pc->gicr + GICR_SGI_BASE + GICR_ISPENDR0, 1U << intid);
	else
		io_write32(hv.gicd + GICD_ISPENDR + intid / 32 * 4, 1U << (intid % 32));
}

static void send_sgi(u64 mpidr, u32 intid)
{
	u64 aff0 = mpidr & 0xff;

	write_sysreg_s(ICC_SGI1R_EL1, ((mpidr >> 32) & 0xff) << 48 | (aff0 / 16) << 44 |
				      ((mpidr >> 16) & 0xff) << 32 | (u64)intid << 24 |
				      ((mpidr >> 8) & 0xff) << 16 | BIT(aff0 % 16));
	isb();
}

/*
 * Give an interrupt the guest has not completed back to the physical GIC
 * (keep) or drop it (the CPU is being reset).
 */
static void release_irq(struct per_cpu *pc, u32 intid, bool pending, bool keep)
{
	if (is_hw_intid(intid)) {
		if (keep && pending)
			set_phys_pending(pc, intid);
		write_sysreg_s(ICC_DIR_EL1, intid);
	} else if (keep && pending && intid < 16) {
		send_sgi(pc->mpidr, intid);
	}
	/* a pending LPI cannot be re-raised and is lost (see docs/hypervisor.md) */
}

void gic_cpu_shutdown(struct per_cpu *pc, bool keep_pending)
{
	u64 vmcr = read_sysreg_s(ICH_VMCR_EL2), lr;
	unsigned int n;

	for (n = 0; n < pc->num_lrs; n++) {
		lr = lr_read(n);
		if (lr & (LR_STATE_PENDING | LR_STATE_ACTIVE))
			release_irq(pc, LR_VINTID(lr), lr & LR_STATE_PENDING, keep_pending);
		lr_write(n, 0);
	}
	while (pc->pending_head != pc->pending_tail) {
		release_irq(pc, pc->pending[pc->pending_head % HV_PENDING_IRQS], true,
			    keep_pending);
		pc->pending_head++;
	}
	write_sysreg_s(ICH_HCR_EL2, 0);
	write_sysreg_s(ICH_AP1R0_EL2, 0);
	if (keep_pending) {
		/* hand the guest's view of its CPU interface back to the hardware */
		write_sysreg_s(ICC_PMR_EL1, (vmcr >> 24) & 0xff);
		write_sysreg_s(ICC_BPR1_EL1, (vmcr >> 18) & 7);
		write_sysreg_s(ICC_IGRPEN1_EL1, (vmcr >> 1) & 1);
	}
	isb();
}

static bool lr_inject(struct per_cpu *pc, u32 intid)
{
	u64 elrsr = read_sysreg_s(ICH_ELRSR_EL2), lr;
	int free_lr = -1;
	unsigned int n;

	for (n = 0; n < pc->num_lrs; n++) {
		if (elrsr & BIT(n)) {
			if (free_lr < 0)
				free_lr = n;
			continue;
		}
		lr = lr_read(n);
		if (LR_VINTID(lr) == intid && !(lr & LR_HW)) {
			/* an SGI/LPI already listed: add the pending state */
			lr_write(n, lr | LR_STATE_PENDING);
			return true;
		}
	}
	if (free_lr < 0)
		return false;
	lr = LR_STATE_PENDING | LR_GROUP1 | LR_PRIO | intid;
	if (is_hw_intid(intid))
		lr |= LR_HW | (u64)intid << 32;
	lr_write(free_lr, lr);
	return true;
}

static void inject(struct per_cpu *pc, u32 intid)
{
	if (pc->pending_head == pc->pending_tail && lr_inject(pc, intid))
		return;
	if (pc->pending_tail - pc->pending_head >= HV_PENDING_IRQS) {
		printk_uart("CPU %u: pending-IRQ ring full, dropping INTID %u\n", pc->cpu_id, intid);
		if (is_hw_intid(intid))
			write_sysreg_s(ICC_DIR_EL1, intid);
		return;
	}
	pc->pending[pc->pending_tail++ % HV_PENDING_IRQS] = intid;
	/* maintenance IRQ once the list registers drain */
	write_sysreg_s(ICH_HCR_EL2, ICH_HCR_EN | ICH_HCR_UIE);
}

static void flush_pending(struct per_cpu *pc)
{
	while (pc->pending_head != pc->pending_tail &&
	       lr_inject(pc, pc->pending[pc->pending_head % HV_PENDING_IRQS]))
		pc->pending_head++;
	if (pc->pending_head == pc->pending_tail)
		write_sysreg_s(ICH_HCR_EL2, ICH_HCR_EN);
}

/*
 * Acknowledge the next pending group-1 interrupt and drop its priority
 * (EOImode 1: it stays active). False when nothing (more) is pending.
 */
static bool ack_irq(u32 *intid)
{
	u32 iar = read_sysreg_s(ICC_IAR1_EL1);

	*intid = iar & 0xffffff;
	if (*intid >= 1020 && *intid < LPI_BASE)
		return false;
	write_sysreg_s(ICC_EOIR1_EL1, iar);
	return true;
}

void gic_handle_irq(struct per_cpu *pc)
{
	u32 intid;

	while (ack_irq(&intid)) {
		if (intid == hv.maintenance_irq) {
			write_sysreg_s(ICC_DIR_EL1, intid);
			pc->stats[CELL_ABI_STAT_MAINTENANCE]++;
			flush_pending(pc);
			continue;
		}
		/* the guest deactivates a virtual SGI only */
		if (intid < 16)
			write_sysreg_s(ICC_DIR_EL1, intid);
		if (intid == HV_SGI_EVENT)
			continue;	/* a wake-up that came late: nothing to do */
		pc->stats[CELL_ABI_STAT_VIRQ]++;
		inject(pc, intid);
	}
	flush_pending(pc);
}

/*
 * A parked CPU takes no interrupt but the event SGI. Anything else that
 * arrives is acknowledged so that WFI sleeps again: SGIs are dropped,
 * PPIs disabled (the next owner enables what it uses), SPIs held active
 * until the CPU leaves the park loop (so a level SPI cannot wake it over
 * and over), LPIs dropped.
 */
void gic_park_irqs(struct per_cpu *pc)
{
	u32 intid;

	while (ack_irq(&intid)) {
		if (intid >= LPI_BASE)
			continue;
		if (intid >= 16 && intid < 32 && intid != hv.maintenance_irq)
			io_write32((u64)pc->gicr + GICR_SGI_BASE + GICR_ICENABLER0, BIT(intid));
		if (intid >= 32 && pc->pending_tail - pc->pending_head < HV_PENDING_IRQS)
			pc->pending[pc->pending_tail++ % HV_PENDING_IRQS] = intid;
		else
			write_sysreg_s(ICC_DIR_EL1, intid);
	}
}

/* Leaving the park loop: the SPIs held there go back to the distributor. */
void gic_park_end(struct per_cpu *pc)
{
	while (pc->pending_head != pc->pending_tail)
		write_sysreg_s(ICC_DIR_EL1, pc->pending[pc->pending_head++ % HV_PENDING_IRQS]);
}

/* Wake a parked CPU: its new state must be visible before the SGI. */
void gic_send_event(struct per_cpu *target)
{
	dsb(ish);
	send_sgi(target->mpidr, HV_SGI_EVENT);
}

/* Does an ICC_SGI1R_EL1 value name CPU t (sent by CPU self)? */
static bool sgi_targets(u64 val, const struct per_cpu *self, const struct per_cpu *t)
{
	u64 aff0 = t->mpidr & 0xff, rs = (val >> 44) & 0xf;

	if (val & BIT(40))			/* IRM: every CPU but the sender */
		return t != self;
	return ((val >> 48) & 0xff) == ((t->mpidr >> 32) & 0xff) &&
	       ((val >> 32) & 0xff) == ((t->mpidr >> 16) & 0xff) &&
	       ((val >> 16) & 0xff) == ((t->mpidr >> 8) & 0xff) &&
	       aff0 / 16 == rs && (val & BIT(aff0 % 16));
}

/*
 * A cell's SGI goes out again to the named CPUs of that cell only, one
 * SGI per CPU; the hypervisor's event SGI is not the cell's to send.
 */
int gic_handle_sgi_write(struct per_cpu *pc, u64 val)
{
	u32 intid = (val >> 24) & 0xf;
	unsigned int cpu;

	pc->stats[CELL_ABI_STAT_VSGI]++;
	if (intid == HV_SGI_EVENT)
		return 0;
	for (cpu = 0; cpu < hv_header.max_cpus; cpu++) {
		struct per_cpu *t = per_cpu(cpu);

		if ((pc->cell->cpu_set & BIT(cpu)) && t->entered && sgi_targets(val, pc, t))
			send_sgi(t->mpidr, intid);
	}
	return 0;
}
