// SPDX-License-Identifier: GPL-2.0
/*
 * GICv3 distributor model. The distributor is never mapped into a cell; each
 * access traps and is filtered to the INTIDs the cell owns:
 *  - set/clear-enable, -pending, -active: bits of foreign INTIDs are dropped;
 *  - group, priority, config, group-modifier: read-modify-write under a lock,
 *    so a cell only changes its own fields;
 *  - IROUTER: only for owned SPIs, and only towards a CPU of the cell;
 *  - CTLR, TYPER, IIDR, TYPER2 and the ID registers read through, writes are
 *    ignored (the root set the distributor up before the hypervisor came);
 *  - everything else (ITARGETSR under ARE, NSACR, message SPIs...) is RAZ/WI.
 */
#include <hv/hv.h>
#include <hv/arm64.h>
#include <hv/io.h>

#define GICD_CTLR	0x0000
#define GICD_TYPER2	0x000c
#define GICD_IGROUPR	0x0080
#define GICD_ICACTIVER_END 0x0400
#define GICD_IPRIORITYR	0x0400
#define GICD_ITARGETSR	0x0800
#define GICD_ICFGR	0x0c00
#define GICD_IGRPMODR	0x0d00
#define GICD_NSACR	0x0e00
#define GICD_IROUTER	0x6000
#define GICD_IROUTER_END 0x8000
#define GICD_ID_START	0xffd0

static volatile u32 gicd_lock;

/* Mask of the bits in this access that belong to INTIDs the cell owns. */
static u64 owned_mask(const struct cell *c, u64 reg_off, unsigned int size,
		      unsigned int bits_per_irq)
{
	unsigned int irq = reg_off * 8 / bits_per_irq, n;
	u64 mask = 0, field = (1UL << bits_per_irq) - 1;

	for (n = 0; n < size * 8 / bits_per_irq; n++)
		if (irq + n >= 32 && cell_owns_irq(c, irq + n))
			mask |= field << (n * bits_per_irq);
	return mask;
}

static bool route_ok(const struct cell *c, u64 route)
{
	unsigned int cpu;

	if (route & BIT(31))
		return c == &hv.root_cell;	/* 1-of-N only while the root owns all */
	for (cpu = 0; cpu < hv_header.max_cpus; cpu++)
		if ((c->cpu_set & BIT(cpu)) && per_cpu(cpu)->entered &&
		    mpidr_aff(per_cpu(cpu)->mpidr) == (route & 0xff00ffffffUL))
			return true;
	/* a CPU that has not entered yet can only be the root's */
	return c == &hv.root_cell;
}

int gicd_access(void *arg, u64 off, u64 *val, unsigned int size, bool is_write)
{
	const struct cell *c = arg;
	u64 addr = hv.gicd + off, mask;

	if (off & (size - 1))
		return -EINVAL;

	if (off >= GICD_IROUTER && off < GICD_IROUTER_END) {
		unsigned int irq = (off - GICD_IROUTER) / 8;

		if (irq < 32 || !cell_owns_irq(c, irq)) {
			if (!is_write)
				*val = 0;
			return 0;
		}
		if (!is_write)
			*val = io_read(addr, size);
		else if (size != 8 || route_ok(c, *val))
			io_write(addr, *val, size);
		return 0;
	}

	if (off >= GICD_IGROUPR && off < GICD_ICACTIVER_END) {
		mask = owned_mask(c, (off - GICD_IGROUPR) % 0x80, size, 1);
		if (off >= GICD_IGROUPR + 0x80) {
			/* write-1-to-set/clear registers need no read-modify-write */
			if (is_write)
				io_write(addr, *val & mask, size);
			else
				*val = io_read(addr, size) & mask;
			return 0;
		}
	} else if (off >= GICD_IPRIORITYR && off < GICD_ITARGETSR) {
		mask = owned_mask(c, off - GICD_IPRIORITYR, size, 8);
	} else if (off >= GICD_ICFGR && off < GICD_IGRPMODR) {
		mask = owned_mask(c, off - GICD_ICFGR, size, 2);
	} else if (off >= GICD_IGRPMODR && off < GICD_NSACR) {
		mask = owned_mask(c, off - GICD_IGRPMODR, size, 1);
	} else {
		if (!is_write)
			*val = (off <= GICD_TYPER2 || off >= GICD_ID_START) ?
			       io_read(addr, size) : 0;
		return 0;
	}

	if (!is_write) {
		*val = io_read(addr, size) & mask;
		return 0;
	}
	io_update(&gicd_lock, addr, mask, *val, size);
	return 0;
}
