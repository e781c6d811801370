// SPDX-License-Identifier: BSD-2-Clause
/*
 * The smallest inmate: greet through the hypervisor with what it was
 * given (its CPU, the comm region the hypervisor filled, and whether the
 * CPU came without traces of its previous owner), read the trapped GIC
 * distributor, try to start a CPU it does not own, then power off. Load it at IPA 0 of a cell whose cpu_reset_address is 0
 * (examples/configs/qemu-virt/inmate-demo.json).
 */
#include "../lib/inmate.h"

#define GICD_PIDR2	0xffe8

void inmate_main(void)
{
	volatile struct cell_abi_comm_region_arm *comm = cell_inmate_comm_region();
	char sig[sizeof(comm->signature) + 1];
	const char *dirty;
	unsigned int i;
	uint64_t v;

	/* first, before printing changes anything */
	dirty = inmate_dirty_el1(&v);

	for (i = 0; i < sizeof(comm->signature); i++)
		sig[i] = comm->signature[i] >= ' ' && comm->signature[i] < 127 ?
			 comm->signature[i] : '?';
	sig[i] = 0;
	printk("hello: CPU MPIDR %llx, comm region \"%s\" revision %u\n",
	       (unsigned long long)cell_inmate_mpidr(), sig, comm->revision);
	if (!cell_inmate_comm_region_valid()) {
		printk("hello: not a revision-%u comm region, stopping\n", CELL_ABI_COMM_REVISION);
		return;
	}
	printk("hello: GICv%u GICD %llx GICR %llx, flags %x\n", comm->gic_version,
	       (unsigned long long)comm->gicd_base, (unsigned long long)comm->gicr_base,
	       comm->flags);
	/* a trapped device through a decodable access, and PSCI isolation */
	printk("hello: GICD PIDR2 architecture %u; CPU_ON of CPU 2: %d, of itself: %d\n",
	       (cell_inmate_mmio_read32((uintptr_t)comm->gicd_base + GICD_PIDR2) >> 4) & 0xf,
	       (int)cell_inmate_cpu_on(2, 0, 0),
	       (int)cell_inmate_cpu_on(cell_inmate_mpidr() & 0xff00ffffffUL, 0, 0));
	if (dirty)
		printk("hello: EL1 state not reset: %s = %llx\n", dirty, (unsigned long long)v);
	else
		printk("hello: EL1 state at reset values, FP/SIMD clear\n");
	printk("hello: powering off\n");
}
