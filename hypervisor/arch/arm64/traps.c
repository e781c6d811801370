// SPDX-License-Identifier: GPL-2.0
/* Exit dispatch: hypercalls, trapped SMCs (PSCI), sysregs, stage-2 aborts, IRQs. */
#include <hv/hv.h>
#include <hv/arm64.h>

#define EXIT_SYNC	0
#define EXIT_IRQ	1
#define EXIT_SERROR	3

/* ISS of a trapped MSR/MRS without Rt and direction: the register encoding */
#define SYSREG_ISS_MASK		0x3ffc1eUL
#define SYSREG_ISS(op0, op1, crn, crm, op2) \
	(((u64)(op0) << 20) | ((u64)(op2) << 17) | ((u64)(op1) << 14) | \
	 ((u64)(crn) << 10) | ((u64)(crm) << 1))
#define ISS_ICC_SGI1R		SYSREG_ISS(3, 0, 12, 11, 5)

static void guest_fault(struct per_cpu *pc, struct regs *r, const char *what, u64 esr)
{
	printk_uart("CPU %u: unhandled %s: ESR %llx ELR %llx FAR %llx HPFAR %llx, parking\n",
	       pc->cpu_id, what, (unsigned long long)esr,
	       (unsigned long long)read_sysreg(elr_el2),
	       (unsigned long long)read_sysreg(far_el2),
	       (unsigned long long)read_sysreg(hpfar_el2));
	cpu_park(pc, r, true);
}

static void handle_sysreg(struct per_cpu *pc, struct regs *r, u64 esr)
{
	unsigned int rt = (esr >> 5) & 0x1f;
	bool is_read = esr & 1;

	if ((esr & SYSREG_ISS_MASK) == ISS_ICC_SGI1R && !is_read) {
		gic_handle_sgi_write(pc, rt == 31 ? 0 : r->x[rt]);
		write_sysreg(elr_el2, read_sysreg(elr_el2) + 4);
		return;
	}
	guest_fault(pc, r, "system register access", esr);
}

static void handle_sync(struct per_cpu *pc, struct regs *r)
{
	u64 esr = read_sysreg(esr_el2), ipa;

	switch (ESR_EC(esr)) {
	case EC_HVC64:
		if ((esr & 0xffff) == CELL_ABI_HVC_IMM) {
			r->x[0] = hypercall(pc, r);
		} else {
			/* hyp-stub calls while the hypervisor is active: refuse */
			r->x[0] = (u64)-EBUSY;
		}
		return;
	case EC_SMC64:
		write_sysreg(elr_el2, read_sysreg(elr_el2) + 4);
		if (!psci_handle(pc, r))
			r->x[0] = (u64)-1;	/* SMCCC NOT_SUPPORTED */
		return;
	case EC_SYS64:
		handle_sysreg(pc, r, esr);
		return;
	case EC_DABT_LOW:
		ipa = (read_sysreg(hpfar_el2) >> 4) << 12 | (read_sysreg(far_el2) & 0xfff);
		if (mmio_handle(pc, r, esr, ipa) == 0)
			return;
		guest_fault(pc, r, "data abort", esr);
		return;
	default:
		guest_fault(pc, r, "trap", esr);
		return;
	}
}

void arch_handle_exit(struct regs *r, u64 reason);
void arch_handle_exit(struct regs *r, u64 reason)
{
	struct per_cpu *pc = this_cpu();

	pc->stats[CELL_ABI_STAT_TOTAL]++;
	switch (reason) {
	case EXIT_SYNC:
		handle_sync(pc, r);
		break;
	case EXIT_IRQ:
		gic_handle_irq(pc);
		break;
	default:
		guest_fault(pc, r, "SError", read_sysreg(esr_el2));
		break;
	}
}
