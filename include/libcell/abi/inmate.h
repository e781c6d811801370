/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file
 * The inside of a cell: what a bare-metal arm64 inmate needs to talk to a
 * Jailhouse-compatible hypervisor (libcell's or upstream's).
 *
 * Freestanding: no libc, no allocation, nothing but `<libcell/abi/cell-abi.h>`
 * and the compiler's `<stdint.h>`. Everything is a `static inline` function
 * or a constant, so there is nothing to link. The functions exist on arm64
 * only; elsewhere the header gives just the constants.
 *
 * - Hypercalls: `hvc #0x4a48`, code in x0, arguments in x1 and x2, the
 *   signed result in x0 (negative errno on failure).
 * - The communication region: one page at #CELL_INMATE_COMM_REGION, filled
 *   by the hypervisor on every cell start (signature, revision, console and
 *   GIC addresses). Check signature and revision before trusting the rest.
 * - PSCI through SMC (the conduit the hypervisor emulates).
 * - MMIO accessors that always trap with a decodable syndrome: one
 *   load or store, base register only, no writeback, no pair. A device the
 *   hypervisor emulates (the GIC distributor) cannot be reached any other
 *   way: an undecodable access (ISV=0) stops the CPU.
 *
 * An inmate starts with its MMU off, so its data accesses are Device
 * accesses: build it with `-mstrict-align` and keep shared data aligned.
 */
#ifndef LIBCELL_ABI_INMATE_H
#define LIBCELL_ABI_INMATE_H

#include <libcell/abi/cell-abi.h>

/** Guest-physical address of the communication region (arm and arm64). */
#define CELL_INMATE_COMM_REGION		CELL_ABI_COMM_IPA_ARM

/** PSCI CPU_OFF function ID (PSCI 0.2+, SMC32). */
#define CELL_INMATE_PSCI_CPU_OFF	0x84000002u
/** PSCI CPU_ON function ID, 64-bit calling convention. */
#define CELL_INMATE_PSCI_CPU_ON		0xc4000003u
/** PSCI AFFINITY_INFO function ID, 64-bit calling convention. */
#define CELL_INMATE_PSCI_AFFINITY_INFO	0xc4000004u
/** PSCI SYSTEM_OFF: in a cell, shuts the cell down (not the machine). */
#define CELL_INMATE_PSCI_SYSTEM_OFF	0x84000008u
/** PSCI SYSTEM_RESET: in a cell, marks the cell failed (no machine reset). */
#define CELL_INMATE_PSCI_SYSTEM_RESET	0x84000009u

/** @cond */
#define CELL_INMATE_STR_(x)		#x
#define CELL_INMATE_STR(x)		CELL_INMATE_STR_(x)
/** @endcond */

#if defined(__aarch64__)

/**
 * Issue a hypercall.
 * @param code  CELL_ABI_HC_* code.
 * @param arg1  first argument (x1).
 * @param arg2  second argument (x2).
 * @return the hypervisor's answer: >= 0 on success, -errno on failure
 *         (-EPERM for calls reserved to the root cell, -ENOSYS for unknown
 *         codes).
 */
static inline long cell_inmate_hypercall(unsigned long code, unsigned long arg1,
					 unsigned long arg2)
{
	register unsigned long x0 __asm__("x0") = code;
	register unsigned long x1 __asm__("x1") = arg1;
	register unsigned long x2 __asm__("x2") = arg2;

	/* the calling convention lets the hypervisor clobber x1..x3 */
	__asm__ __volatile__("hvc #" CELL_INMATE_STR(CELL_ABI_HVC_IMM)
			     : "+r"(x0), "+r"(x1), "+r"(x2) : : "x3", "memory");
	return (long)x0;
}

/**
 * Write one character to the hypervisor's debug console
 * (CELL_ABI_HC_DEBUG_CONSOLE_PUTC).
 * @param c  the character.
 * @return 0, or -EPERM when the cell's config lacks
 *         CELL_ABI_CELL_VIRTUAL_CONSOLE_PERMITTED.
 */
static inline long cell_inmate_putc(char c)
{
	return cell_inmate_hypercall(CELL_ABI_HC_DEBUG_CONSOLE_PUTC, (unsigned char)c, 0);
}

/**
 * Write a NUL-terminated string to the debug console, one hypercall per
 * character.
 * @param s  the string; not NULL.
 * @return 0, or the first negative answer (the rest is not written).
 */
static inline long cell_inmate_puts(const char *s)
{
	long ret = 0;

	while (*s && ret == 0)
		ret = cell_inmate_putc(*s++);
	return ret;
}

/**
 * Ask about one of the cell's CPUs (CELL_ABI_HC_CPU_GET_INFO).
 * @param cpu   the hypervisor's CPU number.
 * @param type  CELL_ABI_CPU_INFO_STATE, or CELL_ABI_CPU_INFO_STAT_BASE plus
 *              a CELL_ABI_STAT_* index.
 * @return the value, or -EINVAL for a CPU of another cell or an unknown type.
 */
static inline long cell_inmate_cpu_get_info(unsigned long cpu, unsigned long type)
{
	return cell_inmate_hypercall(CELL_ABI_HC_CPU_GET_INFO, cpu, type);
}

/**
 * The communication region. It is written by the hypervisor at cell start
 * and by the cell later, so every access goes through a volatile pointer.
 * @return its address (#CELL_INMATE_COMM_REGION), valid when the cell's
 *         config has a CELL_ABI_MEM_COMM_REGION region there.
 */
static inline volatile struct cell_abi_comm_region_arm *cell_inmate_comm_region(void)
{
	return (volatile struct cell_abi_comm_region_arm *)(uintptr_t)CELL_INMATE_COMM_REGION;
}

/**
 * Whether the communication region is the one this header describes.
 * Upstream's inmates stop here when it is not; so should others.
 * @return 1 when signature and revision match, else 0.
 */
static inline int cell_inmate_comm_region_valid(void)
{
	volatile struct cell_abi_comm_region_arm *comm = cell_inmate_comm_region();
	const char *sig = CELL_ABI_COMM_SIGNATURE;
	unsigned int i;

	for (i = 0; i < sizeof(comm->signature); i++)
		if (comm->signature[i] != sig[i])
			return 0;
	return comm->revision == CELL_ABI_COMM_REVISION;
}

/**
 * The message the hypervisor left for the cell, if any. A cell that is
 * not passive (no CELL_ABI_CELL_PASSIVE_COMMREG) must answer
 * `CELL_ABI_MSG_SHUTDOWN_REQUEST` within the config's msg_reply_timeout, or
 * the root's shutdown or destroy marks it failed and stops it anyway.
 * @return a CELL_ABI_MSG_* value (`CELL_ABI_MSG_NONE` when there is none).
 */
static inline uint32_t cell_inmate_comm_message(void)
{
	return cell_inmate_comm_region()->msg_to_cell;
}

/**
 * Answer the pending message: clears it, then (after a barrier, so the
 * hypervisor never sees the reply with the old message) writes the reply.
 * @param reply  a CELL_ABI_REPLY_* value: `CELL_ABI_REPLY_APPROVED` lets a
 *               shutdown go ahead, `CELL_ABI_REPLY_DENIED` refuses it (the
 *               root's request fails with -EPERM and the cell keeps running).
 */
static inline void cell_inmate_comm_reply(uint32_t reply)
{
	volatile struct cell_abi_comm_region_arm *comm = cell_inmate_comm_region();

	comm->msg_to_cell = CELL_ABI_MSG_NONE;
	__asm__ __volatile__("dmb ishst" : : : "memory");
	comm->reply_from_cell = reply;
}

/**
 * Report the cell's state to the root (what `CELL_GET_STATE` and
 * `cell list` show while the hypervisor considers the cell running).
 * @param state  a CELL_ABI_CELL_* state; `CELL_ABI_CELL_RUNNING_LOCKED`
 *               vetoes the creation and destruction of other cells.
 */
static inline void cell_inmate_comm_set_state(uint32_t state)
{
	cell_inmate_comm_region()->cell_state = state;
}

/**
 * Issue a PSCI call through SMC.
 * @param fid   PSCI function ID.
 * @param arg1  x1.
 * @param arg2  x2.
 * @param arg3  x3.
 * @return the PSCI status or value (x0).
 */
static inline long cell_inmate_psci(uint32_t fid, uint64_t arg1, uint64_t arg2, uint64_t arg3)
{
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = arg1;
	register uint64_t x2 __asm__("x2") = arg2;
	register uint64_t x3 __asm__("x3") = arg3;

	__asm__ __volatile__("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	return (long)x0;
}

/**
 * Power this CPU off (PSCI CPU_OFF). The hypervisor parks it until a
 * CPU_ON from inside the cell, a restart of the cell, or its return to the
 * root cell. Does not return.
 */
static inline void cell_inmate_cpu_off(void)
{
	for (;;)
		cell_inmate_psci(CELL_INMATE_PSCI_CPU_OFF, 0, 0, 0);
}

/**
 * Start another CPU of the cell (PSCI CPU_ON).
 * @param mpidr    the target's MPIDR affinity fields.
 * @param entry    guest-physical address it starts at (EL1h, MMU off).
 * @param context  value it finds in x0.
 * @return 0, or a negative PSCI status (-2 invalid parameters, -4 already
 *         on, -5 on pending).
 */
static inline long cell_inmate_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context)
{
	return cell_inmate_psci(CELL_INMATE_PSCI_CPU_ON, mpidr, entry, context);
}

/**
 * This CPU's MPIDR_EL1 (the physical value: cells see real affinities).
 * @return the register.
 */
static inline uint64_t cell_inmate_mpidr(void)
{
	uint64_t v;

	__asm__ __volatile__("mrs %0, mpidr_el1" : "=r"(v));
	return v;
}

/**
 * Read 8 bits of MMIO.
 * @param addr  guest-physical address of the register.
 * @return the value read.
 */
static inline uint8_t cell_inmate_mmio_read8(uintptr_t addr)
{
	uint32_t v;

	__asm__ __volatile__("ldrb %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return (uint8_t)v;
}

/**
 * Read 16 bits of MMIO.
 * @param addr  guest-physical address of the register, 2-byte aligned.
 * @return the value read.
 */
static inline uint16_t cell_inmate_mmio_read16(uintptr_t addr)
{
	uint32_t v;

	__asm__ __volatile__("ldrh %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return (uint16_t)v;
}

/**
 * Read 32 bits of MMIO.
 * @param addr  guest-physical address of the register, 4-byte aligned.
 * @return the value read.
 */
static inline uint32_t cell_inmate_mmio_read32(uintptr_t addr)
{
	uint32_t v;

	__asm__ __volatile__("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

/**
 * Read 64 bits of MMIO.
 * @param addr  guest-physical address of the register, 8-byte aligned.
 * @return the value read.
 */
static inline uint64_t cell_inmate_mmio_read64(uintptr_t addr)
{
	uint64_t v;

	__asm__ __volatile__("ldr %x0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

/**
 * Write 8 bits of MMIO.
 * @param addr  guest-physical address of the register.
 * @param v     the value.
 */
static inline void cell_inmate_mmio_write8(uintptr_t addr, uint8_t v)
{
	__asm__ __volatile__("strb %w0, [%1]" : : "r"((uint32_t)v), "r"(addr) : "memory");
}

/**
 * Write 16 bits of MMIO.
 * @param addr  guest-physical address of the register, 2-byte aligned.
 * @param v     the value.
 */
static inline void cell_inmate_mmio_write16(uintptr_t addr, uint16_t v)
{
	__asm__ __volatile__("strh %w0, [%1]" : : "r"((uint32_t)v), "r"(addr) : "memory");
}

/**
 * Write 32 bits of MMIO.
 * @param addr  guest-physical address of the register, 4-byte aligned.
 * @param v     the value.
 */
static inline void cell_inmate_mmio_write32(uintptr_t addr, uint32_t v)
{
	__asm__ __volatile__("str %w0, [%1]" : : "r"(v), "r"(addr) : "memory");
}

/**
 * Write 64 bits of MMIO.
 * @param addr  guest-physical address of the register, 8-byte aligned.
 * @param v     the value.
 */
static inline void cell_inmate_mmio_write64(uintptr_t addr, uint64_t v)
{
	__asm__ __volatile__("str %x0, [%1]" : : "r"(v), "r"(addr) : "memory");
}

#endif /* __aarch64__ */

#endif /* LIBCELL_ABI_INMATE_H */
