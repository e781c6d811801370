/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stub-compatible EL2 vectors, left behind when the hypervisor is disabled
 * (or fails to start). The stock kernel exports no address of its own
 * hyp-stub, so the hypervisor copies this table to the last page of its
 * reserved memory and points VBAR_EL2 there before dropping to EL1. It runs
 * with the EL2 MMU off and must be position independent.
 *
 * It answers the Linux hyp-stub calls (hvc #0, x0 = call):
 *   0 HVC_SET_VECTORS   VBAR_EL2 = x1, returns 0
 *   1 HVC_SOFT_RESTART  branch to x1 at EL2 with x0..x2 = x2..x4 (kexec)
 *   2 HVC_RESET_VECTORS VBAR_EL2 = this table, returns 0
 *   any other           returns HVC_STUB_ERR (0xbadca11), which is how the
 *                       driver recognises a stub on the next enable.
 */
	.section .rodata.stub, "a"
	.balign	2048
	.global	stub_vectors
stub_vectors:
	.rept	8
	.balign	0x80
	b	.
	.endr
	.balign	0x80
	b	stub_sync
	.rept	7
	.balign	0x80
	b	.
	.endr

stub_sync:
	cmp	x0, #0
	b.ne	1f
	msr	vbar_el2, x1
	isb
	mov	x0, xzr
	eret
1:	cmp	x0, #1
	b.ne	2f
	mov	x0, x2
	mov	x2, x4
	mov	x4, x1
	mov	x1, x3
	br	x4
2:	cmp	x0, #2
	b.ne	3f
	adr	x0, stub_vectors
	msr	vbar_el2, x0
	isb
	mov	x0, xzr
	eret
3:	movz	x0, #0xca11
	movk	x0, #0xbad, lsl #16
	eret
	.global	stub_vectors_end
stub_vectors_end:
