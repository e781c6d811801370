// SPDX-License-Identifier: GPL-2.0
/*
 * A GICv3 ITS owned by a non-root cell. The cell drives the ITS itself: its
 * command queue and tables live in the cell's RAM, the devices behind it
 * write their MSIs to the translation frame, and the LPIs come out on the
 * redistributors of the cell's CPUs (gicr.c). What the hypervisor keeps is
 * where the ITS reads and writes memory:
 *
 *  - The control frame (the first 64 KiB) traps. GITS_CBASER and each
 *    GITS_BASERn are accepted only with their whole table inside the
 *    cell's own identity-mapped RAM (cell_ram_holds()); other writes are
 *    refused (not written, counted, reported). Two-level tables are not
 *    offered (BASERn.Indirect reads as zero): their second level is named
 *    by entries in the cell's memory, beyond the hypervisor's sight.
 *    Enabling the ITS while a refused write stands faults: the cell
 *    insists, its CPU is parked and the cell fails. Everything else passes
 *    through.
 *  - The translation frame (GITS_TRANSLATER) is mapped: devices and the
 *    cell write it without an exit.
 *  - At create, at every start or shutdown, and at destroy the ITS is
 *    turned off and its table addresses cleared, so it never uses memory
 *    the cell no longer owns.
 *
 * Not enforced: the commands themselves. A MAPC may name a redistributor
 * of a root CPU; the LPIs it maps then arrive there, where the root's LPI
 * tables (if the root enabled LPIs at all) decide whether they are taken,
 * and the hypervisor injects them into the root. Nor the DMA of the
 * devices behind the ITS: without an SMMU a bus-master device reaches all
 * memory, whatever the stage 2 says.
 *
 * The hypervisor learns where an ITS is from the cell config alone: an IO
 * region of exactly one GICv3 or GICv4 ITS (128 or 256 KiB, 64 KiB
 * aligned) whose ID registers name an ITS (GITS_PIDR2 architecture 3 or 4,
 * the CoreSight component ID, GITS_TYPER.Physical) is one.
 */
#include <hv/hv.h>
#include <hv/arm64.h>
#include <hv/io.h>

#define ITS_FRAME		0x10000UL
#define GITS_CTLR		0x0000
#define GITS_CTLR_ENABLED	BIT(0)
#define GITS_CTLR_QUIESCENT	BIT(31)
#define GITS_TYPER		0x0008
#define GITS_TYPER_PHYSICAL	BIT(0)
#define GITS_CBASER		0x0080
#define GITS_CWRITER		0x0088
#define GITS_BASER		0x0100
#define GITS_BASER_NR		8
#define GITS_PIDR2		0xffe8
#define GITS_CIDR0		0xfff0

#define BASER_VALID		BIT(63)
#define BASER_INDIRECT		BIT(62)
#define BASER_SIZE(v)		(((v) & 0xff) + 1)	/* in pages */
#define CBASER_ADDR		(((1UL << 52) - 1) & ~0xfffUL)
#define BASER_ADDR_48		(((1UL << 48) - 1) & ~0xfffUL)

#define QUIESCENT_POLLS		1000000
#define ITS_PROBED_MAX		8

/* Regions looked at so far: their control frame's EL2 address, if an ITS. */
static struct {
	u64 pa;
	u64 va;
	bool its;
} probed[ITS_PROBED_MAX];
static unsigned int num_probed;

/* The refusal bit of a register: CBASER, then each BASERn. */
#define REFUSED_CBASER		BIT(GITS_BASER_NR)

/*
 * The EL2 address of the control frame at pa when it is an ITS, else 0.
 * Each region is mapped and looked at once: the remap window is not
 * given back, and a cell created again finds its ITS here.
 */
static u64 probe(u64 pa)
{
	static const u8 cidr[4] = { 0x0d, 0xf0, 0x05, 0xb1 };
	unsigned int i, arch;
	u64 va;

	for (i = 0; i < num_probed; i++)
		if (probed[i].pa == pa)
			return probed[i].its ? probed[i].va : 0;
	if (num_probed == ITS_PROBED_MAX)
		return 0;
	va = remap_device((u64 *)hv.el2_ttbr, pa, ITS_FRAME);
	if (!va)
		return 0;
	probed[num_probed].pa = pa;
	probed[num_probed].va = va;
	arch = (io_read32(va + GITS_PIDR2) >> 4) & 0xf;
	probed[num_probed].its = (arch == 3 || arch == 4) &&
				 (io_read(va + GITS_TYPER, 8) & GITS_TYPER_PHYSICAL);
	for (i = 0; i < 4; i++)
		if ((io_read32(va + GITS_CIDR0 + 4 * i) & 0xff) != cidr[i])
			probed[num_probed].its = false;
	return probed[num_probed++].its ? va : 0;
}

/* Bytes and physical address of the table a GITS_BASERn value names. */
static u64 baser_table(u64 v, u64 *size)
{
	static const u64 page[4] = { 0x1000, 0x4000, 0x10000, 0x10000 };
	u64 psz = page[(v >> 8) & 3], addr = v & BASER_ADDR_48 & ~(psz - 1);

	if (psz == 0x10000)
		addr |= (v >> 12 & 0xf) << 48;		/* PA[51:48] */
	*size = BASER_SIZE(v) * psz;
	return addr;
}

static int its_access(void *arg, u64 off, u64 *val, unsigned int size, bool is_write)
{
	struct cell *c = arg;
	unsigned int cpu = this_cpu()->cpu_id, n;
	u64 reg = c->its_va + off, v = *val, addr, bytes;

	if (off & (size - 1))
		return -EINVAL;
	if (!is_write) {
		*val = io_read(reg, size);
		return 0;
	}
	if (off == GITS_CTLR && (v & GITS_CTLR_ENABLED) && c->its_refused) {
		/* it insists on tables the hypervisor refused */
		gic_refusal(c, cpu, "GITS_CTLR.Enabled", v,
			    "a queue or table address of the ITS was refused", 0, 0);
		return -EPERM;
	}
	if ((off & ~7UL) == GITS_CBASER || (off >= GITS_BASER &&
					   off < GITS_BASER + 8 * GITS_BASER_NR)) {
		n = off == GITS_CBASER ? GITS_BASER_NR : (off - GITS_BASER) / 8;
		if (size != 8) {
			gic_refusal(c, cpu, "a GITS write at offset", off,
				    "the queue and table registers take 64-bit writes", 0, 0);
			return 0;
		}
		if (n == GITS_BASER_NR) {
			addr = v & CBASER_ADDR;
			bytes = BASER_SIZE(v) * PAGE_SIZE;
		} else {
			v &= ~BASER_INDIRECT;
			addr = baser_table(v, &bytes);
		}
		if ((v & BASER_VALID) && !cell_ram_holds(c, addr, bytes)) {
			c->its_refused |= BIT(n);
			gic_refusal(c, cpu, n == GITS_BASER_NR ? "GITS_CBASER" : "GITS_BASERn", v,
				    n == GITS_BASER_NR ? "ITS command queue" : "ITS table",
				    addr, bytes);
			return 0;
		}
		c->its_refused &= ~BIT(n);
	}
	io_write(reg, v, size);
	return 0;
}

/*
 * Region i of c, if it is an ITS: trap its control frame, map the rest.
 * 1 when it was an ITS, 0 when not (the caller maps it), or -errno.
 */
int its_cell_init(struct cell *c, const struct cell_abi_memory *m, unsigned int i)
{
	u64 va;
	int err;

	if (!(m->flags & CELL_ABI_MEM_IO) || (m->size != 2 * ITS_FRAME && m->size != 4 * ITS_FRAME) ||
	    (m->phys_start | m->virt_start) & (ITS_FRAME - 1))
		return 0;
	va = probe(m->phys_start);
	if (!va)
		return 0;
	if (c->its_va || (m->flags & CELL_ABI_MEM_ROOTSHARED)) {
		printk_uart("cell \"%s\" region %u (%llx): an ITS has one owner, and a cell one ITS\n",
			    c->config->name, i, (unsigned long long)m->phys_start);
		return -EINVAL;
	}
	err = s2_map(c->s2_root, m->virt_start + ITS_FRAME, m->phys_start + ITS_FRAME,
		     m->size - ITS_FRAME, PT_DEVICE);
	if (!err)
		err = mmio_register(c, m->virt_start, ITS_FRAME, its_access, c);
	if (err)
		return err;
	c->its_ipa = m->virt_start;
	c->its_va = va;
	return 1;
}

/* Turn c's ITS off and forget its queue and tables. */
void its_cell_reset(struct cell *c)
{
	unsigned int n;

	if (!c->its_va)
		return;
	io_write32(c->its_va + GITS_CTLR, 0);
	for (n = 0; n < QUIESCENT_POLLS; n++)
		if (io_read32(c->its_va + GITS_CTLR) & GITS_CTLR_QUIESCENT)
			break;
	if (n == QUIESCENT_POLLS)
		printk_uart("cell \"%s\": its ITS did not go quiescent\n", c->config->name);
	io_write(c->its_va + GITS_CBASER, 0, 8);
	io_write(c->its_va + GITS_CWRITER, 0, 8);
	for (n = 0; n < GITS_BASER_NR; n++)
		io_write(c->its_va + GITS_BASER + 8 * n, 0, 8);
	c->its_refused = 0;
}
