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
 *    interrupts.
 *  - LPIs: the root's LPI registers pass through. A non-root cell sees
 *    LPI support (TYPER.PLPIS, no DirectLPI, no GICv4) and may program
 *    PROPBASER and PENDBASER of its own CPUs with tables inside its own
 *    RAM (cell_ram_holds()), and then set CTLR.EnableLPIs. A write that
 *    would hand the GIC other memory is refused: not written, counted and
 *    reported on the console. A cell that enables LPIs on a table the
 *    hypervisor has not accepted insists: the access faults, its CPU is
 *    parked and the cell fails. The LPIs the GIC then signals arrive on
 *    the cell's CPUs and are injected there (gicv3.c).
 *  - Frames of other CPUs show TYPER (with its Last bit), IIDR and the ID
 *    registers, so that a guest can walk the range; everything else reads
 *    as zero and ignores writes (a write to their LPI registers is a
 *    refusal).
 *
 * A CPU's SGI/PPI state is reset each time it is released from the park
 * loop (PSCI CPU_ON, cell start), so nothing of its previous owner reaches
 * the next one. LPI state survives CPU_OFF/CPU_ON inside a cell (Linux
 * expects it to), but not a change of cell: a CPU given to a cell has its
 * LPIs turned off and its table addresses cleared, and so again at every
 * start of the cell and at destroy; the root's LPI setup of that
 * redistributor is kept meanwhile and put back when the CPU returns.
 */
#include <hv/hv.h>
#include <hv/arm64.h>
#include <hv/io.h>

/* RD_base frame */
#define GICR_CTLR		0x0000
#define GICR_CTLR_ENABLE_LPIS	BIT(0)
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
#define GICR_PROPBASER		0x0070
#define GICR_PENDBASER		0x0078
#define GICR_PROP_ADDR		(((1UL << 52) - 1) & ~0xfffUL)
#define GICR_PEND_ADDR		(((1UL << 52) - 1) & ~0xffffUL)
#define GICR_PROP_IDBITS(v)	((unsigned int)(v) & 0x1f)
#define GICD_TYPER		0x0004
#define GICD_TYPER_IDBITS(v)	(((v) >> 19) & 0x1f)
#define LPI_PROP		BIT(0)	/* lpi_accepted bits */
#define LPI_PEND		BIT(1)
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

/* TYPER as a cell may see it: physical LPIs, set up through the tables. */
static u64 typer_view(const struct cell *c, u64 frame, u64 off, unsigned int size)
{
	u64 v = io_read(frame + off, size);

	if (c != &hv.root_cell && off == GICR_TYPER)
		v &= ~(GICR_TYPER_VLPIS | GICR_TYPER_DIRECTLPI);
	return v;
}

/*
 * A refused LPI or ITS register write, on the console. The first refusals
 * of a cell are printed; all are counted.
 */
#define REFUSALS_PRINTED	16

void gic_refusal(struct cell *c, unsigned int cpu, const char *reg, u64 val,
		 const char *why, u64 addr, u64 size)
{
	u32 n = __atomic_add_fetch(&c->gic_refusals, 1, __ATOMIC_RELAXED);
	const char *more = n == REFUSALS_PRINTED ? ", further ones only counted" : "";

	if (n > REFUSALS_PRINTED)
		return;
	if (size)
		printk_uart("cell \"%s\" CPU %u: refused %s %llx: %s %llx+%llx is not in the "
			    "cell's own identity-mapped RAM (refusal %u%s)\n", c->config->name,
			    cpu, reg, (unsigned long long)val, why, (unsigned long long)addr,
			    (unsigned long long)size, n, more);
	else
		printk_uart("cell \"%s\" CPU %u: refused %s %llx: %s (refusal %u%s)\n",
			    c->config->name, cpu, reg, (unsigned long long)val, why, n, more);
}

/* The LPI INTID bits in use: PROPBASER's, capped by the distributor's. */
static unsigned int lpi_idbits(u64 propbaser)
{
	unsigned int gicd = GICD_TYPER_IDBITS(io_read32(hv.gicd + GICD_TYPER));
	unsigned int bits = GICR_PROP_IDBITS(propbaser);

	return bits < gicd ? bits : gicd;
}

/* The property table: one byte per LPI (none when IDbits is below 8192). */
static u64 prop_size(u64 propbaser)
{
	u64 ids = 1UL << (lpi_idbits(propbaser) + 1);

	return ids > 8192 ? ids - 8192 : 0;
}

/* The pending table: one bit per INTID, the first 1 KiB included. */
static u64 pend_size(u64 propbaser)
{
	unsigned int bits = lpi_idbits(propbaser);

	return (1UL << ((bits < 13 ? 13 : bits) + 1)) / 8;
}

static bool lpis_on(u64 frame)
{
	return io_read32(frame + GICR_CTLR) & GICR_CTLR_ENABLE_LPIS;
}

/*
 * A non-root cell's own LPI registers. Table addresses are accepted inside
 * the cell's RAM only; while LPIs are on they ignore writes (the
 * architecture leaves such writes unpredictable).
 */
static int lpi_access(struct cell *c, struct per_cpu *owner, u64 frame, u64 off,
		      u64 *val, unsigned int size, bool is_write)
{
	u64 prop = io_read(frame + GICR_PROPBASER, 8), v = *val;

	if (!is_write) {
		if (off == GICR_CTLR)
			*val = io_read32(frame + off) & (GICR_CTLR_ENABLE_LPIS | GICR_CTLR_RWP);
		else if ((off & ~7UL) == GICR_PROPBASER || (off & ~7UL) == GICR_PENDBASER)
			*val = io_read(frame + off, size);
		else
			*val = 0;
		return 0;
	}
	if (off == GICR_CTLR && size == 4) {
		if (!(v & GICR_CTLR_ENABLE_LPIS)) {
			io_write32(frame + off, 0);
			return 0;
		}
		if (lpis_on(frame))
			return 0;
		if (owner->lpi_accepted != (LPI_PROP | LPI_PEND) ||
		    !cell_ram_holds(c, io_read(frame + GICR_PENDBASER, 8) & GICR_PEND_ADDR,
				    pend_size(prop))) {
			/* it insists: the access faults and the cell fails */
			gic_refusal(c, owner->cpu_id, "GICR_CTLR.EnableLPIs", v,
				    "no accepted LPI property and pending tables", 0, 0);
			return -EPERM;
		}
		io_write32(frame + off, GICR_CTLR_ENABLE_LPIS);
		return 0;
	}
	if (off == GICR_PROPBASER && size == 8) {
		if (lpis_on(frame))
			return 0;
		if (!cell_ram_holds(c, v & GICR_PROP_ADDR, prop_size(v))) {
			owner->lpi_accepted &= ~LPI_PROP;
			gic_refusal(c, owner->cpu_id, "GICR_PROPBASER", v, "LPI property table",
				    v & GICR_PROP_ADDR, prop_size(v));
			return 0;
		}
		io_write(frame + off, v, 8);
		owner->lpi_accepted |= LPI_PROP;
		return 0;
	}
	if (off == GICR_PENDBASER && size == 8) {
		if (lpis_on(frame))
			return 0;
		/* sized by the accepted PROPBASER, else by the largest one */
		if (!(owner->lpi_accepted & LPI_PROP))
			prop = 0x1f;
		if (!cell_ram_holds(c, v & GICR_PEND_ADDR, pend_size(prop))) {
			owner->lpi_accepted &= ~LPI_PEND;
			gic_refusal(c, owner->cpu_id, "GICR_PENDBASER", v, "LPI pending table",
				    v & GICR_PEND_ADDR, pend_size(prop));
			return 0;
		}
		io_write(frame + off, v, 8);
		owner->lpi_accepted |= LPI_PEND;
		return 0;
	}
	gic_refusal(c, owner->cpu_id, "a GICR write at offset", off,
		    "DirectLPI is not offered and the table registers take 64-bit writes", 0, 0);
	return 0;
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

static bool lpi_reg(u64 off)
{
	return off == GICR_CTLR || (off >= GICR_LPI_START && off < GICR_LPI_END);
}

static int rd_access(struct cell *c, struct per_cpu *owner, u64 frame, u64 off,
		     u64 *val, unsigned int size, bool is_write)
{
	bool root = c == &hv.root_cell;

	if (id_reg(off)) {
		if (!is_write)
			*val = typer_view(c, frame, off, size);
		return 0;
	}
	if (!owner) {
		if (is_write && lpi_reg(off))
			gic_refusal(c, this_cpu()->cpu_id, "a GICR write at offset",
				    frame - hv.gicr + off, "another CPU's redistributor", 0, 0);
		return raz_wi(val, is_write);
	}
	if (off == GICR_WAKER && size == 4) {
		/* the guest's own sleep request, answered at once */
		if (is_write)
			owner->gicr_waker = *val & BIT(1) ? GICR_WAKER_SLEEP : 0;
		else
			*val = owner->gicr_waker;
		return 0;
	}
	if (root && lpi_reg(off)) {
		if (is_write)
			io_write(frame + off, *val, size);
		else
			*val = io_read(frame + off, size);
		return 0;
	}
	if (lpi_reg(off))
		return lpi_access(c, owner, frame, off, val, size, is_write);
	return raz_wi(val, is_write);
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
	struct cell *c = arg;
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

/*
 * Turn LPIs off on pc's redistributor and forget its tables. Some GICs
 * cannot clear EnableLPIs once set: false then.
 */
static bool lpi_off(struct per_cpu *pc)
{
	u64 frame = (u64)pc->gicr;

	if (lpis_on(frame)) {
		io_write32(frame + GICR_CTLR, 0);
		wait_rwp(pc);
		if (lpis_on(frame))
			return false;
	}
	io_write(frame + GICR_PROPBASER, 0, 8);
	io_write(frame + GICR_PENDBASER, 0, 8);
	pc->lpi_accepted = 0;
	return true;
}

/*
 * A parked root CPU is given to a cell: keep the root's LPI setup of its
 * redistributor (Linux will not program it again when the CPU returns)
 * and turn LPIs off. -EBUSY when this GIC cannot turn them off.
 */
int gicr_lpi_take(struct per_cpu *pc)
{
	u64 frame = (u64)pc->gicr;

	pc->root_lpis = lpis_on(frame);
	pc->root_propbaser = io_read(frame + GICR_PROPBASER, 8);
	pc->root_pendbaser = io_read(frame + GICR_PENDBASER, 8);
	if (lpi_off(pc))
		return 0;
	printk("CPU %u: the GIC cannot turn its redistributor's LPIs off\n", pc->cpu_id);
	return -EBUSY;
}

/* A cell (re)starts: its CPUs come with LPIs off, as from reset. */
void gicr_lpi_reset(struct per_cpu *pc)
{
	if (!lpi_off(pc))
		printk_uart("CPU %u: LPIs of the cell stay on\n", pc->cpu_id);
}

/*
 * The CPU goes back to the root: the cell's LPIs off (the GIC writes the
 * pending state back into the cell's table, which is why this precedes
 * handing the cell's RAM back), the root's setup as it was.
 */
void gicr_lpi_give_back(struct per_cpu *pc)
{
	u64 frame = (u64)pc->gicr;

	gicr_lpi_reset(pc);
	io_write(frame + GICR_PROPBASER, pc->root_propbaser, 8);
	/* PTZ clear: the root's pending table holds its pending LPIs */
	io_write(frame + GICR_PENDBASER, pc->root_pendbaser & ~BIT(62), 8);
	if (pc->root_lpis)
		io_write32(frame + GICR_CTLR, GICR_CTLR_ENABLE_LPIS);
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
