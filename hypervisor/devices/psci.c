// SPDX-License-Identifier: GPL-2.0
/*
 * PSCI for cells (SMC conduit, trapped with HCR_EL2.TSC). CPUs never go
 * back to firmware while the hypervisor runs: CPU_OFF parks the CPU at EL2
 * and CPU_ON releases a parked CPU of the same cell at the given entry.
 * SMCCC architecture calls are forwarded to firmware. SYSTEM_OFF/RESET are
 * forwarded for the root cell only (it owns the machine while it is alone);
 * from a non-root cell they end that cell (shut down / failed).
 */
#include <hv/hv.h>
#include <hv/arm64.h>

#define PSCI_VERSION		0x84000000
#define PSCI_CPU_SUSPEND_32	0x84000001
#define PSCI_CPU_SUSPEND_64	0xc4000001
#define PSCI_CPU_OFF		0x84000002
#define PSCI_CPU_ON_32		0x84000003
#define PSCI_CPU_ON_64		0xc4000003
#define PSCI_AFFINITY_INFO_32	0x84000004
#define PSCI_AFFINITY_INFO_64	0xc4000004
#define PSCI_MIGRATE_INFO_TYPE	0x84000006
#define PSCI_SYSTEM_OFF		0x84000008
#define PSCI_SYSTEM_RESET	0x84000009
#define PSCI_FEATURES		0x8400000a

#define PSCI_SUCCESS		0
#define PSCI_NOT_SUPPORTED	(-1)
#define PSCI_INVALID_PARAMS	(-2)
#define PSCI_DENIED		(-3)
#define PSCI_ALREADY_ON		(-4)
#define PSCI_ON_PENDING		(-5)
#define PSCI_TOS_NOT_PRESENT	2

#define SMCCC_OWNER(fid)	(((fid) >> 24) & 0x3f)
#define SMCCC_OWNER_ARCH	0
#define SMCCC_OWNER_STD		4

static struct per_cpu *cpu_by_mpidr(struct cell *c, u64 mpidr)
{
	unsigned int cpu;

	for (cpu = 0; cpu < hv_header.max_cpus; cpu++)
		if ((c->cpu_set & BIT(cpu)) && per_cpu(cpu)->mpidr == mpidr_aff(mpidr) &&
		    per_cpu(cpu)->mpidr)
			return per_cpu(cpu);
	return NULL;
}

static long psci_cpu_on(struct per_cpu *pc, u64 mpidr, u64 entry, u64 ctx)
{
	struct per_cpu *t = cpu_by_mpidr(pc->cell, mpidr);
	long ret;

	if (!t)
		return PSCI_INVALID_PARAMS;
	spin_lock(&hv.lock);
	/* the cell is being stopped: its CPUs must stay where they are */
	if (READ_ONCE(pc->park_request)) {
		spin_unlock(&hv.lock);
		return PSCI_DENIED;
	}
	switch (READ_ONCE(t->state)) {
	case CPU_OFF:
		t->on_entry = entry;
		t->on_context = ctx;
		__atomic_store_n(&t->state, CPU_ON_PENDING, __ATOMIC_RELEASE);
		gic_send_event(t);
		ret = PSCI_SUCCESS;
		break;
	case CPU_ON_PENDING:
		ret = PSCI_ON_PENDING;
		break;
	case CPU_FAILED:
		ret = PSCI_INVALID_PARAMS;
		break;
	default:
		ret = PSCI_ALREADY_ON;
		break;
	}
	spin_unlock(&hv.lock);
	return ret;
}

static long psci_affinity_info(struct per_cpu *pc, u64 mpidr, u64 level)
{
	struct per_cpu *t = cpu_by_mpidr(pc->cell, mpidr);

	if (!t || level != 0)
		return PSCI_INVALID_PARAMS;
	switch (READ_ONCE(t->state)) {
	case CPU_RUNNING:
		return 0;	/* ON */
	case CPU_ON_PENDING:
		return 2;	/* ON_PENDING */
	default:
		return 1;	/* OFF */
	}
}

static u64 smc_forward(struct regs *r)
{
	register u64 x0 asm("x0") = r->x[0];
	register u64 x1 asm("x1") = r->x[1];
	register u64 x2 asm("x2") = r->x[2];
	register u64 x3 asm("x3") = r->x[3];

	asm volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : :
		     "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
		     "x14", "x15", "x16", "x17", "memory");
	r->x[1] = x1;
	r->x[2] = x2;
	r->x[3] = x3;
	return x0;
}

/* Returns false for calls the caller should answer with NOT_SUPPORTED. */
bool psci_handle(struct per_cpu *pc, struct regs *r)
{
	u32 fid = r->x[0];
	long ret;

	if (SMCCC_OWNER(fid) == SMCCC_OWNER_ARCH) {
		pc->stats[CELL_ABI_STAT_SMCCC]++;
		r->x[0] = smc_forward(r);
		return true;
	}
	if (SMCCC_OWNER(fid) != SMCCC_OWNER_STD)
		return false;
	pc->stats[CELL_ABI_STAT_PSCI]++;
	switch (fid) {
	case PSCI_VERSION:
		ret = 0x10001;		/* 1.1 */
		break;
	case PSCI_CPU_OFF:
		cpu_park(pc, r, false);
		return true;		/* r now holds the CPU_ON entry state */
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
		ret = psci_cpu_on(pc, r->x[1], r->x[2], r->x[3]);
		break;
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64:
		ret = psci_affinity_info(pc, r->x[1], r->x[2]);
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		ret = PSCI_TOS_NOT_PRESENT;
		break;
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
		if (pc->cell != &hv.root_cell) {
			/* the cell's machine is the cell: it ends, nothing else */
			printk_uart("cell \"%s\" CPU %u: PSCI SYSTEM_%s at ELR %llx: cell %s\n",
				    pc->cell->config->name, pc->cpu_id,
				    fid == PSCI_SYSTEM_OFF ? "OFF" : "RESET",
				    (unsigned long long)read_sysreg(elr_el2) - 4,
				    fid == PSCI_SYSTEM_OFF ? "shut down" :
				    "failed (a cell cannot reset the machine)");
			cell_stop_self(pc, r, fid == PSCI_SYSTEM_OFF ? CELL_ABI_CELL_SHUT_DOWN :
						       CELL_ABI_CELL_FAILED);
			return true;	/* r holds the entry state of the restart */
		}
		if (hv.num_cells > 1) {
			ret = PSCI_NOT_SUPPORTED;
			break;
		}
		printk("root cell requested system %s\n",
		       fid == PSCI_SYSTEM_OFF ? "off" : "reset");
		r->x[0] = smc_forward(r);
		return true;
	case PSCI_FEATURES:
		switch ((u32)r->x[1]) {
		case PSCI_VERSION:
		case PSCI_CPU_OFF:
		case PSCI_CPU_ON_32:
		case PSCI_CPU_ON_64:
		case PSCI_AFFINITY_INFO_32:
		case PSCI_AFFINITY_INFO_64:
		case PSCI_MIGRATE_INFO_TYPE:
		case PSCI_FEATURES:
			ret = PSCI_SUCCESS;
			break;
		default:
			ret = PSCI_NOT_SUPPORTED;
			break;
		}
		break;
	default:
		ret = PSCI_NOT_SUPPORTED;
		break;
	}
	r->x[0] = (u64)ret;
	return true;
}
