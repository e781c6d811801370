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

#define ESR_IL			BIT(25)
#define ESR_WNR			BIT(6)
#define ESR_ISV			BIT(24)
#define FSC_EXTERNAL_ABORT	0x10
#define SPSR_MODE_MASK		0xfUL
#define SPSR_EL0T		0x0UL
#define SPSR_SPX		BIT(0)
#define SPSR_PAN		BIT(22)
#define SCTLR_EL1_SPAN		BIT(23)

/*
 * Report a stage-2 abort to the guest as a synchronous external abort, as
 * a bus that refuses the access would: the root's Linux then kills the
 * process (SIGBUS) or reports a kernel bug instead of losing a CPU.
 */
static void inject_abort(u64 esr)
{
	u64 spsr = read_sysreg(spsr_el2), vbar = read_sysreg(vbar_el1);
	bool from_el0 = (spsr & SPSR_MODE_MASK) == SPSR_EL0T;
	u64 ec = ESR_EC(esr) + (from_el0 ? 0 : 1);	/* lower EL -> same EL class */
	u64 pstate = SPSR_EL1H_DAIF, offset;

	if (from_el0)
		offset = 0x400;		/* lower EL, AArch64 */
	else
		offset = spsr & SPSR_SPX ? 0x200 : 0x000;
	if (((read_sysreg(id_aa64mmfr1_el1) >> 20) & 0xf) &&
	    !(read_sysreg(sctlr_el1) & SCTLR_EL1_SPAN))
		pstate |= SPSR_PAN;
	write_sysreg(esr_el1, ec << 26 | ESR_IL | (ec >= EC_DABT_LOW ? esr & ESR_WNR : 0) |
			      FSC_EXTERNAL_ABORT);
	write_sysreg(far_el1, read_sysreg(far_el2));
	write_sysreg(elr_el1, read_sysreg(elr_el2));
	write_sysreg(spsr_el1, spsr);
	write_sysreg(elr_el2, vbar + offset);
	write_sysreg(spsr_el2, pstate);
}

/* The console line of a cell CPU's fault: what it did, where, and to what. */
static void report_fault(struct per_cpu *pc, const char *what, u64 esr)
{
	u64 elr = read_sysreg(elr_el2), far = read_sysreg(far_el2);
	u64 ipa = (read_sysreg(hpfar_el2) >> 4) << 12 | (far & 0xfff);

	switch (ESR_EC(esr)) {
	case EC_DABT_LOW:
	case EC_IABT_LOW:
		printk_uart("cell \"%s\" CPU %u: %s %s IPA %llx (FAR %llx), ESR %llx at ELR %llx: "
			    "CPU parked, cell failed\n", pc->cell->config->name, pc->cpu_id,
			    what, ESR_EC(esr) == EC_IABT_LOW ? "fetching from" :
			    esr & ESR_WNR ? "writing" : "reading", (unsigned long long)ipa,
			    (unsigned long long)far, (unsigned long long)esr,
			    (unsigned long long)elr);
		break;
	case EC_SYS64:
		printk_uart("cell \"%s\" CPU %u: %s %s S%u_%u_C%u_C%u_%u, ESR %llx at "
			    "ELR %llx: CPU parked, cell failed\n", pc->cell->config->name,
			    pc->cpu_id, what, esr & 1 ? "read of" : "write of",
			    (unsigned int)(esr >> 20) & 3, (unsigned int)(esr >> 14) & 7,
			    (unsigned int)(esr >> 10) & 0xf, (unsigned int)(esr >> 1) & 0xf,
			    (unsigned int)(esr >> 17) & 7, (unsigned long long)esr,
			    (unsigned long long)elr);
		break;
	case EC_HVC64:
		printk_uart("cell \"%s\" CPU %u: hypercall with immediate %x (not %x), ESR %llx at "
			    "ELR %llx: CPU parked, cell failed\n", pc->cell->config->name,
			    pc->cpu_id, (unsigned int)esr & 0xffff, CELL_ABI_HVC_IMM,
			    (unsigned long long)esr, (unsigned long long)elr);
		break;
	default:
		printk_uart("cell \"%s\" CPU %u: %s, ESR %llx (class %x) at ELR %llx, FAR %llx: "
			    "CPU parked, cell failed\n", pc->cell->config->name, pc->cpu_id, what,
			    (unsigned long long)esr, (unsigned int)ESR_EC(esr), (unsigned long long)elr,
			    (unsigned long long)far);
		break;
	}
}

/*
 * An exit nothing handles. The root cell is Linux and must keep its CPUs:
 * its stray memory accesses (into memory a cell holds, say) get an
 * external abort. A non-root cell's CPU is parked as failed and its cell
 * marked failed; the rest of the machine goes on.
 */
static void guest_fault(struct per_cpu *pc, struct regs *r, const char *what, u64 esr)
{
	if (pc->cell == &hv.root_cell &&
	    (ESR_EC(esr) == EC_DABT_LOW || ESR_EC(esr) == EC_IABT_LOW)) {
		printk_uart("CPU %u: root cell access to IPA %llx (ELR %llx) refused with an external abort\n",
			    pc->cpu_id,
			    (unsigned long long)((read_sysreg(hpfar_el2) >> 4) << 12 |
						 (read_sysreg(far_el2) & 0xfff)),
			    (unsigned long long)read_sysreg(elr_el2));
		inject_abort(esr);
		return;
	}
	if (pc->cell == &hv.root_cell) {
		printk_uart("CPU %u: unhandled %s in the root cell: ESR %llx ELR %llx FAR %llx, parking\n",
			    pc->cpu_id, what, (unsigned long long)esr,
			    (unsigned long long)read_sysreg(elr_el2),
			    (unsigned long long)read_sysreg(far_el2));
	} else {
		report_fault(pc, what, esr);
		cell_cpu_failed(pc);
	}
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
	guest_fault(pc, r, "forbidden", esr);
}

static void handle_sync(struct per_cpu *pc, struct regs *r)
{
	u64 esr = read_sysreg(esr_el2), ipa;
	int err;

	switch (ESR_EC(esr)) {
	case EC_HVC64:
		if ((esr & 0xffff) == CELL_ABI_HVC_IMM)
			r->x[0] = hypercall(pc, r);
		else if (pc->cell == &hv.root_cell)
			/* the root's hyp-stub calls while the hypervisor is active */
			r->x[0] = (u64)-EBUSY;
		else
			guest_fault(pc, r, "hypercall", esr);
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
		err = mmio_handle(pc, r, esr, ipa);
		if (!err)
			return;
		guest_fault(pc, r, err == -ENOENT ? "data abort" :
				   !(esr & ESR_ISV) ? "undecodable access (no ISV)" :
				   "refused device access", esr);
		return;
	case EC_IABT_LOW:
		guest_fault(pc, r, "instruction abort", esr);
		return;
	default:
		guest_fault(pc, r, "unexpected trap", esr);
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
	/* another CPU stops this one (its cell is shut down or destroyed) */
	while (__atomic_load_n(&pc->park_request, __ATOMIC_ACQUIRE))
		cpu_park(pc, r, false);
}
