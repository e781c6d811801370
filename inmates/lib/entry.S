/* SPDX-License-Identifier: BSD-2-Clause */
#include "params.h"
/*
 * Start of a bare-metal inmate: the hypervisor enters at the image's first
 * byte (the cell's cpu_reset_address) in EL1h with the MMU off, DAIF
 * masked and every register zero. Note what FP/SIMD state the CPU came
 * with, set up vectors and a stack, clear .bss, run inmate_main(), then
 * power the CPU off.
 */
	.section .boot, "ax"
	.global	_start
_start:
	/* x19: CPACR_EL1 as found; x20: OR of V0-V31, FPCR and FPSR */
	mrs	x19, cpacr_el1
	mov	x0, #(3 << 20)			/* FPEN: no FP/SIMD traps */
	msr	cpacr_el1, x0
	isb
	.irp	n, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, \
		16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	orr	v0.16b, v0.16b, v\n\().16b
	.endr
	mov	x20, v0.d[0]
	mov	x0, v0.d[1]
	orr	x20, x20, x0
	mrs	x0, fpcr
	orr	x20, x20, x0
	mrs	x0, fpsr
	orr	x20, x20, x0
	adr	x0, vectors
	msr	vbar_el1, x0
	adrp	x0, __stack_top
	add	x0, x0, :lo12:__stack_top
	mov	sp, x0
	adrp	x0, __bss_start
	add	x0, x0, :lo12:__bss_start
	adrp	x1, __bss_end
	add	x1, x1, :lo12:__bss_end
1:	cmp	x0, x1
	b.hs	2f
	str	xzr, [x0], #8
	b	1b
2:	adrp	x0, inmate_entry_cpacr
	str	x19, [x0, :lo12:inmate_entry_cpacr]
	adrp	x0, inmate_entry_fpsimd
	str	x20, [x0, :lo12:inmate_entry_fpsimd]
	isb
	bl	inmate_main
	bl	inmate_cpu_off

/*
 * The parameter block: text the loader may put at image offset 0x1000
 * (inmate.lds), read by inmate_param(). Part of the image, so an image
 * load without parameters leaves it empty.
 */
	.section .params, "aw"
	.global	inmate_params
inmate_params:
	.fill	INMATE_PARAMS_SIZE, 1, 0

	.text
/* IRQs go to inmate_irq(); every other exception is a bug in the inmate. */
	.macro	vector
	.balign	0x80
	mrs	x0, esr_el1
	mrs	x1, elr_el1
	mrs	x2, far_el1
	b	inmate_exception
	.endm

	.macro	irq_vector
	.balign	0x80
	sub	sp, sp, #176
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x29, [sp, #144]
	str	x30, [sp, #160]
	b	irq_entry
	.endm

	.balign	2048
vectors:
	.rept	5			/* current EL with SP0; SPx synchronous */
	vector
	.endr
	irq_vector			/* current EL with SPx, IRQ */
	.rept	10
	vector
	.endr

irq_entry:
	bl	inmate_irq
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x29, [sp, #144]
	ldr	x30, [sp, #160]
	add	sp, sp, #176
	eret
