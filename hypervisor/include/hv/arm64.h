/* SPDX-License-Identifier: GPL-2.0 */
/* ARM64 system-register access and the EL2 bits this hypervisor uses. */
#ifndef HV_ARM64_H
#define HV_ARM64_H

#include <hv/types.h>

#define read_sysreg(r) ({ u64 __v; asm volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define write_sysreg(r, v) asm volatile("msr " #r ", %0" : : "r"((u64)(v)))
#define isb()		asm volatile("isb" : : : "memory")
#define dsb(o)		asm volatile("dsb " #o : : : "memory")
#define sev()		asm volatile("sev" : : : "memory")
#define wfi()		asm volatile("wfi" : : : "memory")

/* HCR_EL2 */
#define HCR_VM		BIT(0)
#define HCR_SWIO	BIT(1)
#define HCR_FMO		BIT(3)
#define HCR_IMO		BIT(4)
#define HCR_TSC		BIT(19)
#define HCR_RW		BIT(31)

/* ESR_EL2 exception classes handled */
#define ESR_EC(esr)	(((esr) >> 26) & 0x3f)
#define EC_HVC64	0x16
#define EC_SMC64	0x17
#define EC_SYS64	0x18
#define EC_IABT_LOW	0x20
#define EC_DABT_LOW	0x24

/* SPSR for a fresh EL1h entry with DAIF masked */
#define SPSR_EL1H_DAIF	0x3c5UL
/* SCTLR_EL1 architectural reset-safe value: RES1 bits only, MMU/caches off */
#define SCTLR_EL1_RESET	0x30d00800UL

/* GIC system registers by encoding (older assemblers lack the names) */
#define ICC_IAR1_EL1	S3_0_C12_C12_0
#define ICC_EOIR1_EL1	S3_0_C12_C12_1
#define ICC_DIR_EL1	S3_0_C12_C11_1
#define ICC_SGI1R_EL1	S3_0_C12_C11_5
#define ICC_PMR_EL1	S3_0_C4_C6_0
#define ICC_BPR1_EL1	S3_0_C12_C12_3
#define ICC_CTLR_EL1	S3_0_C12_C12_4
#define ICC_IGRPEN1_EL1	S3_0_C12_C12_7
#define ICC_SRE_EL2	S3_4_C12_C9_5
#define ICH_AP1R0_EL2	S3_4_C12_C9_0
#define ICH_HCR_EL2	S3_4_C12_C11_0
#define ICH_VTR_EL2	S3_4_C12_C11_1
#define ICH_MISR_EL2	S3_4_C12_C11_2
#define ICH_ELRSR_EL2	S3_4_C12_C11_5
#define ICH_VMCR_EL2	S3_4_C12_C11_7

#define __stringify_1(x)	#x
#define __stringify(x)		__stringify_1(x)
#define read_sysreg_s(r) ({ u64 __v; asm volatile("mrs %0, " __stringify(r) : "=r"(__v)); __v; })
#define write_sysreg_s(r, v) asm volatile("msr " __stringify(r) ", %0" : : "r"((u64)(v)))

static inline u64 mpidr_aff(u64 mpidr)
{
	return mpidr & 0xff00ffffffUL;
}

#endif
