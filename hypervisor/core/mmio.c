// SPDX-License-Identifier: GPL-2.0
/*
 * Per-cell MMIO dispatch: a stage-2 data abort with a valid syndrome (ISV)
 * is decoded into address, width, direction and register, then handed to
 * the device model that registered the range.
 */
#include <hv/hv.h>
#include <hv/arm64.h>

#define ISS_ISV		BIT(24)
#define ISS_SAS(iss)	(((iss) >> 22) & 3)
#define ISS_SSE		BIT(21)
#define ISS_SRT(iss)	(((iss) >> 16) & 0x1f)
#define ISS_SF		BIT(15)
#define ISS_WNR		BIT(6)

int mmio_register(struct cell *c, u64 start, u64 size, mmio_handler_t h, void *arg)
{
	struct mmio_region *m;

	if (c->num_mmio >= HV_MAX_MMIO)
		return -ENOMEM;
	m = &c->mmio[c->num_mmio++];
	m->start = start;
	m->size = size;
	m->handler = h;
	m->arg = arg;
	return 0;
}

/* Returns 0 when handled, -errno when the access cannot be emulated. */
int mmio_handle(struct per_cpu *pc, struct regs *r, u64 esr, u64 ipa)
{
	struct cell *c = pc->cell;
	unsigned int i, size, srt;
	bool is_write;
	u64 val = 0;

	if (!(esr & ISS_ISV))
		return -EINVAL;
	size = 1U << ISS_SAS(esr);
	srt = ISS_SRT(esr);
	is_write = esr & ISS_WNR;
	for (i = 0; i < c->num_mmio; i++) {
		struct mmio_region *m = &c->mmio[i];

		if (ipa < m->start || ipa - m->start >= m->size)
			continue;
		if (is_write)
			val = srt == 31 ? 0 : r->x[srt];
		if (m->handler(m->arg, ipa - m->start, &val, size, is_write))
			return -EINVAL;
		if (!is_write && srt != 31) {
			if ((esr & ISS_SSE) && size < 8 && (val & (1UL << (size * 8 - 1))))
				val |= ~0UL << (size * 8);
			if (!(esr & ISS_SF))
				val &= 0xffffffffUL;
			r->x[srt] = val;
		}
		pc->stats[CELL_ABI_STAT_MMIO]++;
		write_sysreg(elr_el2, read_sysreg(elr_el2) + 4);
		return 0;
	}
	return -ENOENT;
}
