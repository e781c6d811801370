/* SPDX-License-Identifier: GPL-2.0 */
/*
 * EL2 entry and exit paths. The image is position independent and runs
 * identity mapped (EL2 VA == PA), so turning the EL2 MMU on and off needs no
 * trampoline: the next instruction has the same address either way.
 *
 * Entry protocol with the driver (one CPU at a time, EL1 interrupts masked):
 *   hvc #0, x0 = 0 (HVC_SET_VECTORS), x1 = base + header.entry
 *   hvc #0, x0 = cpu index           -> boot_vectors, EL2, MMU off
 * The second hvc returns x0 = 0 or -errno; x1..x30 are preserved, except
 * that the caller must treat x2..x4 as clobbered.
 */
#define HV_STACK_SIZE	16384
#define HV_FRAME_SIZE	256
#define SCTLR_M		(1 << 0)
#define SCTLR_C		(1 << 2)
#define SCTLR_I		(1 << 12)

	.macro save_x2_x30
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	str	x30, [sp, #240]
	.endm

	.macro load_x2_x30
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
	.endm

	.macro	hang_vector
	.balign	0x80
	b	.
	.endm

	.section .text.vectors, "ax"

/* Bootstrap vectors: only "lower EL, AArch64, synchronous" is expected. */
	.balign	2048
	.global	boot_vectors
boot_vectors:
	.rept	8
	hang_vector
	.endr
	.balign	0x80
	b	boot_sync
	.rept	7
	hang_vector
	.endr

boot_sync:
	adr	x2, hv_header
	ldr	x3, [x2, #8]			/* core_size */
	ldr	x4, [x2, #16]			/* percpu_size */
	madd	x3, x0, x4, x3
	add	x3, x3, x2			/* struct per_cpu of this CPU */
	add	x4, x3, #HV_STACK_SIZE
	sub	sp, x4, #HV_FRAME_SIZE
	stp	x0, x1, [sp]
	save_x2_x30
	msr	tpidr_el2, x3
	mov	x19, x3
	mov	x1, x3
	bl	hv_early			/* MMU off: returns TTBR0_EL2 or 0 */
	cbz	x0, vm_return			/* hv_early set x0 and the stub */
	bl	el2_mmu_on
	adr	x0, hyp_vectors
	msr	vbar_el2, x0
	isb
	mov	x0, x19
	bl	hv_entry			/* returns only on success */
	b	vm_return

/* Runtime vectors. */
	.macro	guest_vector reason
	.balign	0x80
	sub	sp, sp, #HV_FRAME_SIZE
	stp	x0, x1, [sp]
	mov	x1, #\reason
	b	guest_exit
	.endm

	.macro	fatal_vector reason
	.balign	0x80
	mov	x0, #\reason
	b	hv_fatal_entry
	.endm

	.balign	2048
	.global	hyp_vectors
hyp_vectors:
	fatal_vector 0			/* current EL, SP0 */
	fatal_vector 1
	fatal_vector 2
	fatal_vector 3
	fatal_vector 4			/* current EL, SPx */
	fatal_vector 5
	fatal_vector 6
	fatal_vector 7
	guest_vector 0			/* lower EL, AArch64: sync */
	guest_vector 1			/* irq */
	guest_vector 1			/* fiq: same path, group 0 is unused */
	guest_vector 3			/* serror */
	fatal_vector 12			/* lower EL, AArch32 */
	fatal_vector 13
	fatal_vector 14
	fatal_vector 15

guest_exit:
	save_x2_x30
	mov	x0, sp
	bl	arch_handle_exit
	.global	vm_return
vm_return:
	load_x2_x30
	ldp	x0, x1, [sp]
	add	sp, sp, #HV_FRAME_SIZE
	eret

hv_fatal_entry:
	mrs	x1, esr_el2
	mrs	x2, elr_el2
	mrs	x3, far_el2
	bl	hv_fatal
	b	.

	.text
/* x0: TTBR0_EL2. Identity map, 39-bit VA, 4 KiB granule, WB-WA tables. */
	.global	el2_mmu_on
el2_mmu_on:
	mov	x1, #0x04ff			/* attr0 normal WB, attr1 Device-nGnRE */
	msr	mair_el2, x1
	mrs	x2, id_aa64mmfr0_el1
	and	x2, x2, #7			/* PARange */
	cmp	x2, #2
	mov	x3, #2
	csel	x2, x2, x3, lo			/* PS = min(PARange, 40 bits) */
	mov	x1, #25				/* T0SZ */
	orr	x1, x1, #(1 << 8)		/* IRGN0 WB-WA */
	orr	x1, x1, #(1 << 10)		/* ORGN0 WB-WA */
	orr	x1, x1, #(3 << 12)		/* SH0 inner shareable */
	orr	x1, x1, #(1 << 23)		/* RES1 */
	orr	x1, x1, #(1 << 31)		/* RES1 */
	orr	x1, x1, x2, lsl #16
	msr	tcr_el2, x1
	msr	ttbr0_el2, x0
	isb
	tlbi	alle2
	dsb	nsh
	isb
	mrs	x1, sctlr_el2
	orr	x1, x1, #SCTLR_M
	orr	x1, x1, #SCTLR_C
	orr	x1, x1, #SCTLR_I
	msr	sctlr_el2, x1
	isb
	ret

/*
 * hv_leave_el2(regs, vbar): return to the guest at EL1 with the hypervisor
 * gone from this CPU: VBAR_EL2 = the stub page, EL2 MMU off. regs->x[0] is
 * the result. The frame must be loaded before the MMU goes off (it may only
 * be in the cache), so the result travels in TPIDR_EL2.
 */
	.global	hv_leave_el2
hv_leave_el2:
	msr	vbar_el2, x1
	mov	sp, x0
	ldr	x1, [sp]
	msr	tpidr_el2, x1
	load_x2_x30
	ldr	x1, [sp, #8]
	add	sp, sp, #HV_FRAME_SIZE
	mrs	x0, sctlr_el2
	bic	x0, x0, #SCTLR_M
	bic	x0, x0, #SCTLR_C
	bic	x0, x0, #SCTLR_I
	dsb	sy
	msr	sctlr_el2, x0
	isb
	tlbi	alle2
	ic	iallu
	dsb	nsh
	isb
	mrs	x0, tpidr_el2
	msr	tpidr_el2, xzr
	eret

/* D-cache maintenance by VA over [x0, x0 + x1). */
	.macro	dcache_op op
	mrs	x3, ctr_el0
	ubfx	x3, x3, #16, #4
	mov	x2, #4
	lsl	x2, x2, x3			/* line size */
	add	x1, x0, x1
	sub	x3, x2, #1
	bic	x0, x0, x3
1:	dc	\op, x0
	add	x0, x0, x2
	cmp	x0, x1
	b.lo	1b
	dsb	sy
	ret
	.endm

	.global	dcache_inval_range
dcache_inval_range:
	dcache_op ivac

	.global	dcache_clean_range
dcache_clean_range:
	dcache_op civac

/*
 * Zero the FP/SIMD registers, FPCR and FPSR between owners of a CPU. The
 * C code never touches them (-mgeneral-regs-only), so only assembly can.
 */
	.global	fpsimd_reset
fpsimd_reset:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, \
		16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	movi	v\n\().2d, #0
	.endr
	msr	fpcr, xzr
	msr	fpsr, xzr
	ret
