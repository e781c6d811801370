// SPDX-License-Identifier: BSD-2-Clause
/* Checks of the CPU state an inmate starts with (see inmate.h). */
#include "inmate.h"

#define SCTLR_EL1_RESET		0x30d00800UL
#define DAIF_MASKED		0x3c0UL
#define CURRENT_EL1		(1UL << 2)

uint64_t inmate_entry_cpacr, inmate_entry_fpsimd;

#define READ(r) ({ uint64_t __v; __asm__ __volatile__("mrs %0, " #r : "=r"(__v)); __v; })
#define EXPECT(r, want) do { \
		uint64_t __v = READ(r); \
		if (__v != (want)) { \
			*value = __v; \
			return #r; \
		} \
	} while (0)

const char *inmate_dirty_el1(uint64_t *value)
{
	EXPECT(currentel, CURRENT_EL1);
	EXPECT(daif, DAIF_MASKED);
	EXPECT(sctlr_el1, SCTLR_EL1_RESET);
	EXPECT(ttbr0_el1, 0);
	EXPECT(ttbr1_el1, 0);
	EXPECT(tcr_el1, 0);
	EXPECT(mair_el1, 0);
	EXPECT(contextidr_el1, 0);
	EXPECT(tpidr_el0, 0);
	EXPECT(tpidrro_el0, 0);
	EXPECT(tpidr_el1, 0);
	EXPECT(sp_el0, 0);
	EXPECT(esr_el1, 0);
	EXPECT(far_el1, 0);
	EXPECT(elr_el1, 0);
	EXPECT(spsr_el1, 0);
	EXPECT(par_el1, 0);
	EXPECT(mdscr_el1, 0);
	EXPECT(cntkctl_el1, 0);
	EXPECT(cntv_ctl_el0, 0);
	EXPECT(cntp_ctl_el0, 0);
	*value = inmate_entry_cpacr;
	if (*value)
		return "cpacr_el1";
	*value = inmate_entry_fpsimd;
	if (*value)
		return "fp/simd";
	return NULL;
}
