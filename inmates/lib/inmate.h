/* SPDX-License-Identifier: BSD-2-Clause */
/* The small runtime the demo inmates share (lib/): entry, printing, exit. */
#ifndef INMATE_LIB_H
#define INMATE_LIB_H

#include <libcell/abi/inmate.h>

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

/* Formatted output through the debug console: %s, %c, %d, %u, %x (l, ll). */
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void __attribute__((noreturn)) inmate_cpu_off(void);
void __attribute__((noreturn)) inmate_exception(uint64_t esr, uint64_t elr, uint64_t far);

#endif
