// SPDX-License-Identifier: GPL-2.0
/*
 * Page pool and the one table walker shared by the EL2 identity map and the
 * cells' stage-2 tables: 4 KiB granule, walks starting at level 1 (39-bit
 * EL2 VA; up to 40-bit IPA with two concatenated level-1 tables, enough for
 * the QEMU virt map including its 512 GiB high PCI window), 1 GiB and 2 MiB
 * blocks where alignment allows.
 */
#include <hv/hv.h>
#include <hv/arm64.h>

#define DESC_VALID	BIT(0)
#define DESC_TABLE	(BIT(0) | BIT(1))
#define DESC_PAGE	(BIT(0) | BIT(1))
#define DESC_BLOCK	BIT(0)
#define DESC_ADDR	0x0000fffffffff000UL
#define DESC_AF		BIT(10)
#define DESC_SH_INNER	(3UL << 8)
#define DESC_XN		BIT(54)

/* EL2 stage 1: MAIR_EL2 attr0 normal WB, attr1 device (see entry.S) */
#define EL2_NORMAL	((0UL << 2) | DESC_SH_INNER | DESC_AF)
#define EL2_DEVICE	((1UL << 2) | DESC_AF | DESC_XN)
#define EL2_NORMAL_RO	(EL2_NORMAL | BIT(7) | DESC_XN)
/* stage 2: MemAttr normal WB (0xf) / Device-nGnRE (0x1), S2AP read-write */
#define S2_RO		(1UL << 6)
#define S2_RW		(3UL << 6)
#define S2_NORMAL	((0xfUL << 2) | S2_RW | DESC_SH_INNER | DESC_AF)
#define S2_DEVICE	((0x1UL << 2) | S2_RW | DESC_AF | DESC_XN)
#define S2_NORMAL_RO	((0xfUL << 2) | S2_RO | DESC_SH_INNER | DESC_AF | DESC_XN)

void pool_init(u64 base, u64 end)
{
	unsigned long pages = (end - base) / PAGE_SIZE, bm_pages, i;

	bm_pages = ALIGN_UP(pages / 8 + 1, PAGE_SIZE) / PAGE_SIZE;
	hv.pool_base = base;
	hv.pool_pages = pages;
	hv.pool_bitmap = (u8 *)base;
	memset(hv.pool_bitmap, 0, bm_pages * PAGE_SIZE);
	for (i = 0; i < bm_pages; i++)
		hv.pool_bitmap[i / 8] |= 1 << (i % 8);
	hv.pool_used = bm_pages;
}

static bool page_used(unsigned long i)
{
	return hv.pool_bitmap[i / 8] & (1 << (i % 8));
}

/*
 * Returns 'pages' zeroed, physically contiguous pages aligned to their total
 * size, or NULL. Callers hold hv.lock or run alone.
 */
void *page_alloc_aligned(unsigned int pages)
{
	unsigned long i, n;
	u64 addr;

	for (i = 0; i + pages <= hv.pool_pages; i++) {
		addr = hv.pool_base + i * PAGE_SIZE;
		if (addr & (pages * PAGE_SIZE - 1))
			continue;
		for (n = 0; n < pages && !page_used(i + n); n++)
			;
		if (n < pages)
			continue;
		for (n = 0; n < pages; n++)
			hv.pool_bitmap[(i + n) / 8] |= 1 << ((i + n) % 8);
		hv.pool_used += pages;
		memset((void *)addr, 0, pages * PAGE_SIZE);
		return (void *)addr;
	}
	return NULL;
}

void *page_alloc(void)
{
	return page_alloc_aligned(1);
}

void page_free(void *p, unsigned int pages)
{
	unsigned long i = ((u64)p - hv.pool_base) / PAGE_SIZE, n;

	for (n = 0; n < pages; n++)
		hv.pool_bitmap[(i + n) / 8] &= ~(1 << ((i + n) % 8));
	hv.pool_used -= pages;
}

/*
 * Map [va, va + size) to pa. The level-1 root covers va_bits (up to 40: two
 * concatenated level-1 tables, as stage 2 needs for a 40-bit IPA space).
 */
static int pt_map(u64 *root, unsigned int va_bits, u64 va, u64 pa, u64 size, u64 attr)
{
	if ((va | pa | size) & ~PAGE_MASK || va + size > (1UL << va_bits) || va + size < va)
		return -EINVAL;
	while (size) {
		u64 *table = root, *e, blk;
		unsigned int level;

		for (level = 1;; level++) {
			blk = 1UL << (39 - 9 * level);
			e = &table[(va >> (39 - 9 * level)) & (level == 1 ? 1023 : 511)];
			if (level == 3) {
				if (*e & DESC_VALID)
					return -EBUSY;
				*e = pa | attr | DESC_PAGE;
				break;
			}
			if (!((va | pa) & (blk - 1)) && size >= blk && !(*e & DESC_VALID)) {
				*e = pa | attr | DESC_BLOCK;
				break;
			}
			if (!(*e & DESC_VALID)) {
				u64 *t = page_alloc();

				if (!t)
					return -ENOMEM;
				*e = (u64)t | DESC_TABLE;
			} else if ((*e & DESC_TABLE) != DESC_TABLE) {
				return -EBUSY;	/* overlaps an existing block */
			}
			table = (u64 *)(*e & DESC_ADDR);
		}
		va += blk;
		pa += blk;
		size -= blk;
	}
	return 0;
}

/*
 * Drop the TLB entries of a translation regime: EL2 (vttbr == 0) or the
 * stage 1+2 entries of the VMID in vttbr, on every CPU. The VTTBR is
 * borrowed for the invalidation: TLBI by VMID takes it from there.
 */
static void tlb_flush(u64 vttbr)
{
	u64 cur;

	dsb(ishst);
	if (!vttbr) {
		asm volatile("tlbi alle2is" : : : "memory");
	} else {
		cur = read_sysreg(vttbr_el2);
		write_sysreg(vttbr_el2, vttbr);
		isb();
		asm volatile("tlbi vmalls12e1is" : : : "memory");
		dsb(ish);
		write_sysreg(vttbr_el2, cur);
	}
	dsb(ish);
	isb();
}

/*
 * Replace the block in *e (at 'level') by a table of the next level with
 * the same translation, break-before-make.
 */
static int pt_split(u64 *e, unsigned int level, u64 vttbr)
{
	u64 sub = 1UL << (39 - 9 * (level + 1)), oa = *e & DESC_ADDR;
	u64 attr = *e & ~DESC_ADDR & ~(u64)DESC_TABLE;
	u64 *t = page_alloc();
	unsigned int i;

	if (!t)
		return -ENOMEM;
	for (i = 0; i < 512; i++)
		t[i] = (oa + i * sub) | attr | (level + 1 == 3 ? DESC_PAGE : DESC_BLOCK);
	*e = 0;
	tlb_flush(vttbr);
	*e = (u64)t | DESC_TABLE;
	return 0;
}

/*
 * Unmap [va, va + size): page and block entries inside the range are
 * cleared, a block the range covers in part is split first. Tables stay
 * (they are reused when the range is mapped again). Ends with a TLB flush
 * of the regime in vttbr (0: EL2).
 */
static int pt_unmap(u64 *root, unsigned int va_bits, u64 va, u64 size, u64 vttbr)
{
	int err = 0;

	if ((va | size) & ~PAGE_MASK || va + size > (1UL << va_bits) || va + size < va)
		return -EINVAL;
	while (size) {
		u64 *table = root, *e, blk, step;
		unsigned int level;

		for (level = 1;; level++) {
			blk = 1UL << (39 - 9 * level);
			e = &table[(va >> (39 - 9 * level)) & (level == 1 ? 1023 : 511)];
			if (!(*e & DESC_VALID))
				break;
			if (level == 3 || (*e & DESC_TABLE) != DESC_TABLE) {
				if (!(va & (blk - 1)) && size >= blk) {
					*e = 0;
					break;
				}
				err = pt_split(e, level, vttbr);
				if (err)
					goto out;
			}
			table = (u64 *)(*e & DESC_ADDR);
		}
		step = blk - (va & (blk - 1));
		if (step > size)
			step = size;
		va += step;
		size -= step;
	}
out:
	tlb_flush(vttbr);
	return err;
}

/* Give every table below 'table' (at 'level', 'entries' long) back to the pool. */
static void pt_free_tables(u64 *table, unsigned int level, unsigned int entries)
{
	unsigned int i;

	for (i = 0; i < entries; i++)
		if (level < 3 && (table[i] & DESC_TABLE) == DESC_TABLE) {
			u64 *sub = (u64 *)(table[i] & DESC_ADDR);

			pt_free_tables(sub, level + 1, 512);
			page_free(sub, 1);
		}
}

int el2_map(u64 *root, u64 addr, u64 size, int type)
{
	u64 start = addr & PAGE_MASK;

	return pt_map(root, 39, start, start, ALIGN_UP(addr + size, PAGE_SIZE) - start,
		      type == PT_DEVICE ? EL2_DEVICE : EL2_NORMAL);
}

/* Map a device into the EL2 remap window; returns its EL2 address or 0. */
u64 remap_device(u64 *el2_root, u64 pa, u64 size)
{
	u64 start = pa & PAGE_MASK, len = ALIGN_UP(pa + size, PAGE_SIZE) - start;
	u64 va = REMAP_BASE + hv.remap_used * PAGE_SIZE;

	if (hv.remap_used + len / PAGE_SIZE > REMAP_PAGES ||
	    pt_map(el2_root, 39, va, start, len, EL2_DEVICE))
		return 0;
	hv.remap_used += len / PAGE_SIZE;
	return va + (pa - start);
}

/*
 * A window of TEMP_PAGES EL2 pages for reading the root's memory (a cell
 * config). Its tables are allocated once at init, so using it later costs
 * no pool pages. Callers hold hv.lock.
 */
#define TEMP_BASE	(REMAP_BASE - 0x200000UL)

int temp_map_init(void)
{
	int err = pt_map((u64 *)hv.el2_ttbr, 39, TEMP_BASE, hv.base,
			 TEMP_PAGES * PAGE_SIZE, EL2_NORMAL_RO);

	return err ?: pt_unmap((u64 *)hv.el2_ttbr, 39, TEMP_BASE, TEMP_PAGES * PAGE_SIZE, 0);
}

/* Map [pa, pa + size) read-only; returns its EL2 address or NULL. */
const void *temp_map(u64 pa, u64 size)
{
	u64 start = pa & PAGE_MASK, len = ALIGN_UP(pa + size, PAGE_SIZE) - start;

	if (!size || len > TEMP_PAGES * PAGE_SIZE ||
	    pt_map((u64 *)hv.el2_ttbr, 39, TEMP_BASE, start, len, EL2_NORMAL_RO))
		return NULL;
	return (const void *)(TEMP_BASE + (pa - start));
}

void temp_unmap(void)
{
	pt_unmap((u64 *)hv.el2_ttbr, 39, TEMP_BASE, TEMP_PAGES * PAGE_SIZE, 0);
}

/* Stage-2 root for the IPA size in hv.s2_ipa_bits (1 or 2 level-1 pages). */
u64 *s2_root_alloc(void)
{
	return page_alloc_aligned(hv.s2_ipa_bits > 39 ? 2 : 1);
}

/* The root and every table below it back to the pool. */
void s2_root_free(u64 *root)
{
	unsigned int pages = hv.s2_ipa_bits > 39 ? 2 : 1;

	pt_free_tables(root, 1, pages * 512);
	page_free(root, pages);
}

int s2_unmap(struct cell *c, u64 ipa, u64 size)
{
	return pt_unmap(c->s2_root, hv.s2_ipa_bits, ipa, size,
			(u64)c->s2_root | (u64)c->vmid << 48);
}

/* No TLB entry of this cell's VMID may outlive its tables. */
void s2_flush(struct cell *c)
{
	tlb_flush((u64)c->s2_root | (u64)c->vmid << 48);
}

int s2_map(u64 *root, u64 ipa, u64 pa, u64 size, int type)
{
	static const u64 attrs[] = {
		[PT_NORMAL] = S2_NORMAL, [PT_DEVICE] = S2_DEVICE, [PT_NORMAL_RO] = S2_NORMAL_RO,
	};

	return pt_map(root, hv.s2_ipa_bits, ipa, pa, size, attrs[type]);
}
