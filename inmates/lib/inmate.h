/* SPDX-License-Identifier: BSD-2-Clause */
/* The small runtime the demo inmates share (lib/): entry, printing, exit. */
#ifndef INMATE_LIB_H
#define INMATE_LIB_H

#include <stdbool.h>
#include <libcell/abi/inmate.h>
#include "params.h"

/* What the CPU held at entry: CPACR_EL1, and V0-V31 | FPCR | FPSR. */
extern uint64_t inmate_entry_cpacr, inmate_entry_fpsimd;

/*
 * The first EL1 register that is not in its reset state at entry (after
 * only VBAR_EL1, SP and CPACR_EL1 were set), or NULL: how an inmate can
 * tell that nothing of the CPU's previous owner reached it.
 */
const char *inmate_dirty_el1(uint64_t *value);

/* Provided by each inmate; called once on the first CPU. */
void inmate_main(void);

/*
 * Booted on a machine without EL2 (QEMU at EL1, no hypervisor): there is
 * no comm region and no debug console, and PSCI goes through HVC.
 */
static inline bool inmate_bare(void)
{
	uint64_t pfr0;

	__asm__ ("mrs %0, id_aa64pfr0_el1" : "=r"(pfr0));
	return !((pfr0 >> 8) & 0xf);
}

/* Formatted output: %s, %c, %d, %u, %x (l, ll). */
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print to a PL011 at base from now on instead of the debug console. */
void inmate_console_pl011(uintptr_t base);

/* The parameter block (params.c). */
extern char inmate_params[INMATE_PARAMS_SIZE];
const char *inmate_param(const char *key);
bool inmate_param_is(const char *key, const char *value);
uint64_t inmate_param_u64(const char *key, uint64_t def);

/* GICv3 (gic.c): redistributor frames and the CPU interface. */
#define GICR_SGI_BASE		0x10000
#define GICR_IGROUPR0		0x0080
#define GICR_ISENABLER0		0x0100
#define GICR_ICENABLER0		0x0180
#define GICR_ICACTIVER0		0x0380
#define GICR_IPRIORITYR		0x0400
uintptr_t gic_frame(uintptr_t gicr, unsigned int n);
int gic_own_frame(uintptr_t gicr);
/* Returns this CPU's frame index, or -1 (no frame, or it does not wake). */
int gic_init(uintptr_t gicd, uintptr_t gicr, void (*handler)(unsigned int intid));
void gic_enable_private(uintptr_t rd, unsigned int intid);
void gic_send_sgi_self(unsigned int intid);
void inmate_irq(void);

static inline void inmate_irq_enable(void)
{
	__asm__ __volatile__("msr daifclr, #2" : : : "memory");
}

static inline void inmate_irq_disable(void)
{
	__asm__ __volatile__("msr daifset, #2" : : : "memory");
}

void __attribute__((noreturn)) inmate_cpu_off(void);
void __attribute__((noreturn)) inmate_exception(uint64_t esr, uint64_t elr, uint64_t far);

#endif
