// SPDX-License-Identifier: GPL-2.0
/*
 * GICv3 redistributors, trapped for every cell, the root included: a
 * guest walks the frames from the first one to find its own, and some of
 * what it may write there would take interrupts away from the hypervisor.
 *
 *  - Frames of the cell's own CPUs: the SGI/PPI registers pass through,
 *    except for the INTIDs the hypervisor keeps (the maintenance PPI and
 *    its event SGI), which read as zero and ignore writes. Every SGI/PPI
 *    is group 1 (the hypervisor takes group 1 at EL2 and injects group 1):
 *    IGROUPR0 reads as ones. WAKER is per-CPU state of the guest: the
 *    physical redistributor stays awake so the hypervisor keeps its
 *    interrupts. The LPI registers (CTLR.EnableLPIs, PROPBASER, PENDBASER
 *    and friends) are the root's alone for now; a non-root cell sees no
 *    LPI support in TYPER and its writes there are ignored.
 *  - Frames of other CPUs show TYPER (with its Last bit), IIDR and the ID
 *    registers, so that a guest can walk the range; everything else reads
 *    as zero and ignores writes.
 *
 * A CPU's SGI/PPI state is reset each time it is released from the park
 * loop (PSCI CPU_ON, cell start), so nothing of its previous owner reaches
 * the next one; LPI state is left as it is (Linux expects it to survive a
 * CPU_OFF).
 */
#include <hv/hv.h>
#include <hv/arm64.h>
#include <hv/io.h>

/* RD_base frame */
#define GICR_CTLR		0x0000
#define GICR_CTLR_RWP		BIT(3)
#define GICR_IIDR		0x0004
#define GICR_TYPER		0x0008
#define GICR_TYPER_HI		0x000c
#define GICR_TYPER_PLPIS	BIT(0)
#define GICR_TYPER_VLPIS	BIT(1)
#define GICR_TYPER_DIRECTLPI	BIT(3)
#define GICR_TYPER_LAST		BIT(4)
#define GICR_WAKER		0x0014
#define GICR_WAKER_SLEEP	(BIT(1) | BIT(2))	/* ProcessorSleep, ChildrenAsleep */
#define GICR_LPI_START		0x0040			/* SETLPIR ... SYNCR */
#define GICR_LPI_END		0x00c8
#define GICR_ID_START		0xffd0
/* SGI_base frame */
#define GICR_SGI_BASE		0x10000
#define GICR_IGROUPR0		0x0080
#define GICR_ISENABLER0		0x0100
#define GICR_ICENABLER0		0x0180
#define GICR_ICPENDR0		0x0280
#define GICR_ICACTIVER0		0x0380
#define GICR_BITS_END		0x0400
#define GICR_IPRIORITYR		0x0400
#define GICR_IPRIORITYR_END	0x0420
#define GICR_ICFGR0		0x0c00
#define GICR_ICFGR1		0x0c04

/* above every guest priority Linux uses, below the CPU interface's PMR */
#define HV_IRQ_PRIO		0x80
#define RWP_POLLS		1000000

static volatile u32 gicr_lock;

/* The SGIs and PPIs no guest may touch. */
static u32 reserved(void)
{
	return (u32)BIT(hv.maintenance_irq) | (u32)BIT(HV_SGI_EVENT);
}

/* The CPU of cell c whose redistributor is 'frame', or NULL. */
static struct per_cpu *frame_owner(const struct cell *c, u64 frame)
{
	unsigned int cpu;

	for (cpu = 0; cpu < hv_header.max_cpus; cpu++)
		if ((c->cpu_set & BIT(cpu)) && (u64)per_cpu(cpu)->gicr == frame)
			return per_cpu(cpu);
	return NULL;
}

/* TYPER as a cell may see it: LPIs are the root's for now. */
static u64 typer_view(const struct cell *c, u64 frame, u64 off, unsigned int size)
{
	u64 v = io_read(frame + off, size);

	if (c != &hv.root_cell && off == GICR_TYPER)
		v &= ~(GICR_TYPER_PLPIS | GICR_TYPER_VLPIS | GICR_TYPER_DIRECTLPI);
	return v;
}

static int raz_wi(u64 *val, bool is_write)
{
	if (!is_write)
		*val = 0;
	return 0;
}

static bool id_reg(u64 off)
{
	return off == GICR_IIDR || off == GICR_TYPER || off == GICR_TYPER_HI ||
	       off >= GICR_ID_START;
}

static int rd_access(const struct cell *c, struct per_cpu *owner, u64 frame, u64 off,
		     u64 *val, unsigned int size, bool is_write)
{
	bool root = c == &hv.root_cell;

	if (id_reg(off)) {
		if (!is_write)
			*val = typer_view(c, frame, off, size);
		return 0;
	}
	if (!owner)
		return raz_wi(val, is_write);
	if (off == GICR_WAKER && size == 4) {
		/* the guest's own sleep request, answered at once */
		if (is_write)
			owner->gicr_waker = *val & BIT(1) ? GICR_WAKER_SLEEP : 0;
		else
			*val = owner->gicr_waker;
		return 0;
	}
	if (root && (off == GICR_CTLR || (off >= GICR_LPI_START && off < GICR_LPI_END))) {
		if (is_write)
			io_write(frame + off, *val, size);
		else
			*val = io_read(frame + off, size);
		return 0;
	}
	if (!is_write)
		/* RWP tells a non-root cell when its ICENABLER0 write is done */
		*val = off == GICR_CTLR ? io_read(frame + off, size) & GICR_CTLR_RWP : 0;
	return 0;
}

/* Byte lanes (priority) or 2-bit fields (config) of guest INTIDs. */
static u64 field_mask(unsigned int first_irq, unsigned int n, unsigned int bits)
{
	u64 mask = 0, field = BIT(bits) - 1;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!(reserved() & BIT(first_irq + i)))
			mask |= field << (i * bits);
	return mask;
}

static int sgi_access(u64 frame, u64 off, u64 *val, unsigned int size, bool is_write)
{
	u64 addr = frame + GICR_SGI_BASE + off, mask;

	if (off >= GICR_IGROUPR0 && off < GICR_BITS_END && !(off & 0x7f) && size == 4) {
		if (off == GICR_IGROUPR0) {
			if (!is_write)
				*val = ~0U;
		} else if (is_write) {
			/* set/clear registers: write-1 bits of guest INTIDs only */
			io_write32(addr, *val & ~reserved());
		} else {
			*val = io_read32(addr) & ~reserved();
		}
		return 0;
	}
	if (off == GICR_ICFGR0 && size == 4) {
		/* SGIs are edge-triggered: read-only */
		if (!is_write)
			*val = io_read32(addr);
		return 0;
	}
	if (off >= GICR_IPRIORITYR && off < GICR_IPRIORITYR_END && (size == 1 || size == 4))
		mask = field_mask(off - GICR_IPRIORITYR, size, 8);
	else if (off == GICR_ICFGR1 && size == 4)
		mask = field_mask(16, 16, 2);
	else
		return raz_wi(val, is_write);
	if (is_write)
		io_update(&gicr_lock, addr, mask, *val, size);
	else
		*val = io_read(addr, size) & mask;
	return 0;
}

int gicr_access(void *arg, u64 off, u64 *val, unsigned int size, bool is_write)
{
	const struct cell *c = arg;
	unsigned int n = off / GICR_FRAME_SIZE;
	u64 frame = hv.gicr + n * GICR_FRAME_SIZE;
	struct per_cpu *owner;

	if (off & (size - 1))
		return -EINVAL;
	off %= GICR_FRAME_SIZE;
	if (n >= hv.gicr_frames)
		return raz_wi(val, is_write);
	owner = frame_owner(c, frame);
	if (off < GICR_SGI_BASE)
		return rd_access(c, owner, frame, off, val, size, is_write);
	if (!owner)
		return raz_wi(val, is_write);
	return sgi_access(frame, off - GICR_SGI_BASE, val, size, is_write);
}

static void wait_rwp(struct per_cpu *pc)
{
	unsigned int n;

	for (n = 0; n < RWP_POLLS; n++)
		if (!(io_read32((u64)pc->gicr + GICR_CTLR) & GICR_CTLR_RWP))
			return;
	printk_uart("CPU %u: redistributor write still pending\n", pc->cpu_id);
}

/* The hypervisor's own SGI and PPI: group 1, a priority above PMR, on. */
void gicr_cpu_init(struct per_cpu *pc)
{
	u64 sgi = (u64)pc->gicr + GICR_SGI_BASE;

	io_update(&gicr_lock, sgi + GICR_IGROUPR0, reserved(), ~0UL, 4);
	io_write(sgi + GICR_IPRIORITYR + hv.maintenance_irq, HV_IRQ_PRIO, 1);
	io_write(sgi + GICR_IPRIORITYR + HV_SGI_EVENT, HV_IRQ_PRIO, 1);
	io_write32(sgi + GICR_ISENABLER0, reserved());
}

/*
 * The SGI/PPI state of a CPU at reset, for its next owner: disabled, not
 * pending, inactive, priority 0, level, group 1; the redistributor asleep
 * as far as the guest can tell.
 */
void gicr_cpu_reset(struct per_cpu *pc)
{
	u64 sgi = (u64)pc->gicr + GICR_SGI_BASE;
	u32 guest = ~reserved();
	unsigned int n;

	io_write32(sgi + GICR_ICENABLER0, guest);
	wait_rwp(pc);
	io_write32(sgi + GICR_ICPENDR0, guest);
	io_write32(sgi + GICR_ICACTIVER0, guest);
	for (n = 0; n < 32; n++)
		if (guest & BIT(n))
			io_write(sgi + GICR_IPRIORITYR + n, 0, 1);
	io_update(&gicr_lock, sgi + GICR_ICFGR1, field_mask(16, 16, 2), 0, 4);
	io_write32(sgi + GICR_IGROUPR0, ~0U);
	pc->gicr_waker = GICR_WAKER_SLEEP;
}

/* Count the frames up to the one marked Last. */
int gicr_global_init(void)
{
	unsigned int n;

	for (n = 0; n < hv_header.max_cpus; n++) {
		u64 typer = *(volatile u64 *)(hv.gicr + n * GICR_FRAME_SIZE + GICR_TYPER);

		if (typer & GICR_TYPER_VLPIS) {
			printk_uart("GICR: GICv4 frames (VLPIS) are not supported\n");
			return -ENODEV;
		}
		if (typer & GICR_TYPER_LAST)
			break;
	}
	hv.gicr_frames = n < hv_header.max_cpus ? n + 1 : n;
	return 0;
}
