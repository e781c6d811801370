// SPDX-License-Identifier: BSD-2-Clause
/*
 * A GICv3 driver for one CPU: find this CPU's redistributor by walking the
 * frames from the first one (as on real hardware: the cell's config need
 * not name a GICR region), wake it, and take group-1 interrupts through
 * the system-register CPU interface. The same code runs inside a cell
 * (virtual CPU interface, trapped distributor and redistributors) and on
 * a bare machine, where it also switches the distributor on.
 */
#include "inmate.h"

#define GICD_CTLR		0x0000
#define GICD_CTLR_GRP1		(1U << 1)
#define GICD_CTLR_ARE		(1U << 4)
#define GICD_CTLR_RWP		(1U << 31)
#define GICR_TYPER		0x0008
#define GICR_TYPER_LAST		(1ULL << 4)
#define GICR_WAKER		0x0014
#define GICR_WAKER_SLEEP	(1U << 1)
#define GICR_WAKER_ASLEEP	(1U << 2)
#define GICR_FRAME_SIZE		0x20000
#define GICR_MAX_FRAMES		512

#define ICC_SRE_EL1		"S3_0_C12_C12_5"
#define ICC_PMR_EL1		"S3_0_C4_C6_0"
#define ICC_IGRPEN1_EL1		"S3_0_C12_C12_7"
#define ICC_IAR1_EL1		"S3_0_C12_C12_0"
#define ICC_EOIR1_EL1		"S3_0_C12_C12_1"
#define ICC_SGI1R_EL1		"S3_0_C12_C11_5"

#define MSR(r, v) __asm__ __volatile__("msr " r ", %0" : : "r"((uint64_t)(v)) : "memory")
#define MRS(r) ({ uint64_t __v; __asm__ __volatile__("mrs %0, " r : "=r"(__v)); __v; })

static void (*irq_handler)(unsigned int intid);

/* The redistributor frame (RD_base) of frame index n. */
uintptr_t gic_frame(uintptr_t gicr, unsigned int n)
{
	return gicr + (uintptr_t)n * GICR_FRAME_SIZE;
}

/* This CPU's frame index, or -1 if the walk ends without it. */
int gic_own_frame(uintptr_t gicr)
{
	uint64_t mpidr = cell_inmate_mpidr(), typer;
	uint64_t aff = ((mpidr >> 8) & 0xff000000ULL) | (mpidr & 0xffffffULL);
	unsigned int n;

	for (n = 0; n < GICR_MAX_FRAMES; n++) {
		typer = cell_inmate_mmio_read64(gic_frame(gicr, n) + GICR_TYPER);
		if ((typer >> 32) == aff)
			return n;
		if (typer & GICR_TYPER_LAST)
			break;
	}
	return -1;
}

int gic_init(uintptr_t gicd, uintptr_t gicr, void (*handler)(unsigned int intid))
{
	uintptr_t rd;
	int n = gic_own_frame(gicr);
	unsigned int polls;

	if (n < 0)
		return -1;
	rd = gic_frame(gicr, n);
	if (inmate_bare()) {
		/* nobody set the distributor up: affinity routing, group 1 */
		cell_inmate_mmio_write32(gicd + GICD_CTLR, GICD_CTLR_ARE);
		while (cell_inmate_mmio_read32(gicd + GICD_CTLR) & GICD_CTLR_RWP)
			;
		cell_inmate_mmio_write32(gicd + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_GRP1);
	}
	cell_inmate_mmio_write32(rd + GICR_WAKER,
				 cell_inmate_mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	for (polls = 0; cell_inmate_mmio_read32(rd + GICR_WAKER) & GICR_WAKER_ASLEEP; polls++)
		if (polls > 1000000)
			return -1;
	cell_inmate_mmio_write32(rd + GICR_SGI_BASE + GICR_IGROUPR0, ~0U);
	MSR(ICC_SRE_EL1, MRS(ICC_SRE_EL1) | 1);
	__asm__ __volatile__("isb");
	MSR(ICC_PMR_EL1, 0xf0);
	MSR(ICC_IGRPEN1_EL1, 1);
	__asm__ __volatile__("isb");
	irq_handler = handler;
	return n;
}

/* Enable SGI/PPI 'intid' in redistributor frame rd at priority 0x80. */
void gic_enable_private(uintptr_t rd, unsigned int intid)
{
	cell_inmate_mmio_write8(rd + GICR_SGI_BASE + GICR_IPRIORITYR + intid, 0x80);
	cell_inmate_mmio_write32(rd + GICR_SGI_BASE + GICR_ISENABLER0, 1U << intid);
}

/* SGI 'intid' to this CPU only. */
void gic_send_sgi_self(unsigned int intid)
{
	uint64_t m = cell_inmate_mpidr(), aff0 = m & 0xff;

	MSR(ICC_SGI1R_EL1, ((m >> 32) & 0xff) << 48 | (aff0 / 16) << 44 |
			   ((m >> 16) & 0xff) << 32 | (uint64_t)intid << 24 |
			   ((m >> 8) & 0xff) << 16 | 1ULL << (aff0 % 16));
	__asm__ __volatile__("isb");
}

/* Called from the IRQ vector: acknowledge, handle and complete each IRQ. */
void inmate_irq(void)
{
	uint64_t iar;

	for (;;) {
		iar = MRS(ICC_IAR1_EL1);
		if ((iar & 0xffffff) >= 1020 && (iar & 0xffffff) < 8192)
			break;
		if (irq_handler)
			irq_handler(iar & 0xffffff);
		MSR(ICC_EOIR1_EL1, iar);
	}
}
