// SPDX-License-Identifier: GPL-2.0
/* Per-CPU EL2 state: traps, stage-2 activation, shutdown and EL1 reset. */
#include <hv/hv.h>
#include <hv/arm64.h>

#define VTCR_SL0_L1	(1UL << 6)	/* start level 1 (concatenated for 40 bits) */
#define VTCR_WBWA	((1UL << 8) | (1UL << 10))
#define VTCR_SH_INNER	(3UL << 12)
#define VTCR_RES1	BIT(31)

int arch_cpu_init(struct per_cpu *pc)
{
	u64 parange = read_sysreg(id_aa64mmfr0_el1) & 7;
	struct cell *c = pc->cell;
	int err;

	err = gic_cpu_init(pc);
	if (err)
		return err;
	write_sysreg(vtcr_el2, (64 - hv.s2_ipa_bits) | VTCR_SL0_L1 | VTCR_WBWA | VTCR_SH_INNER |
			       VTCR_RES1 | (parange < 2 ? parange : 2) << 16);
	write_sysreg(vttbr_el2, (u64)c->s2_root | (u64)c->vmid << 48);
	isb();
	write_sysreg(hcr_el2, HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_TSC | HCR_RW);
	isb();
	/* translations cached before stage 2 was on must not survive */
	asm volatile("tlbi vmalls12e1; dsb nsh; isb" : : : "memory");
	return 0;
}

/* Undo arch_cpu_init: Linux continues at EL1 exactly where it was. */
void arch_cpu_shutdown(struct per_cpu *pc)
{
	gic_cpu_shutdown(pc, true);
	asm volatile("tlbi vmalls12e1; dsb nsh" : : : "memory");
	write_sysreg(hcr_el2, HCR_RW);
	isb();
	write_sysreg(vttbr_el2, 0);
	asm volatile("tlbi vmalls12e1; dsb nsh; isb" : : : "memory");
}

static bool has_pmu(void)
{
	u64 ver = (read_sysreg(id_aa64dfr0_el1) >> 8) & 0xf;

	return ver && ver != 0xf;	/* 0xf: IMPLEMENTATION DEFINED, not PMUv3 */
}

/*
 * Nothing of the CPU's previous owner may reach the next one: every EL1
 * and EL0 register a guest can read or that changes what it sees, the
 * timers, the PMU and FP/SIMD.
 */
static void scrub_el1(void)
{
	write_sysreg(sctlr_el1, SCTLR_EL1_RESET);
	write_sysreg(ttbr0_el1, 0);
	write_sysreg(ttbr1_el1, 0);
	write_sysreg(tcr_el1, 0);
	write_sysreg(mair_el1, 0);
	write_sysreg(amair_el1, 0);
	write_sysreg(vbar_el1, 0);
	write_sysreg(contextidr_el1, 0);
	write_sysreg(cpacr_el1, 0);
	write_sysreg(csselr_el1, 0);
	write_sysreg(esr_el1, 0);
	write_sysreg(far_el1, 0);
	write_sysreg(afsr0_el1, 0);
	write_sysreg(afsr1_el1, 0);
	write_sysreg(par_el1, 0);
	write_sysreg(elr_el1, 0);
	write_sysreg(spsr_el1, 0);
	write_sysreg(sp_el0, 0);
	write_sysreg(sp_el1, 0);
	write_sysreg(tpidr_el0, 0);
	write_sysreg(tpidrro_el0, 0);
	write_sysreg(tpidr_el1, 0);
	write_sysreg(mdscr_el1, 0);
	write_sysreg(cntkctl_el1, 0);
	write_sysreg(cntv_ctl_el0, 0);
	write_sysreg(cntv_cval_el0, 0);
	write_sysreg(cntp_ctl_el0, 0);
	write_sysreg(cntp_cval_el0, 0);
	if (has_pmu()) {
		write_sysreg(pmcntenclr_el0, ~0UL);
		write_sysreg(pmintenclr_el1, ~0UL);
		write_sysreg(pmovsclr_el0, ~0UL);
		write_sysreg(pmuserenr_el0, 0);
		write_sysreg(pmselr_el0, 0);
		write_sysreg(pmcr_el0, BIT(1) | BIT(2));	/* disabled, counters reset */
	}
	fpsimd_reset();
}

/*
 * Start the guest CPU like firmware does: EL1h, MMU off, DAIF masked, in
 * the cell that owns the CPU now. The VTTBR comes first so that the local
 * TLB invalidation hits that cell's VMID.
 */
void arch_reset_el1(struct per_cpu *pc, struct regs *r, u64 entry, u64 ctx)
{
	write_sysreg(vttbr_el2, (u64)pc->cell->s2_root | (u64)pc->cell->vmid << 48);
	isb();
	memset(r, 0, sizeof(*r));
	r->x[0] = ctx;
	scrub_el1();
	write_sysreg(elr_el2, entry);
	write_sysreg(spsr_el2, SPSR_EL1H_DAIF);
	isb();
	asm volatile("tlbi vmalls12e1; dsb nsh; ic iallu; isb" : : : "memory");
}
