/* SPDX-License-Identifier: MIT */
/*
 * The call harness (callabi.h) for riscv64 (LP64D).  The psABI's integer
 * and floating-point register conventions make s0-s11 (s0 doubling as the
 * frame pointer), fs0-fs11 and sp callee-saved; fcsr's rounding mode
 * (frm) is control state the calling convention keeps, its flags are
 * status.  gp and tp are the program's and left alone.  The stack is
 * 16-byte aligned at every call; a callee needs nothing above sp.
 *
 * Our own frame: 224 bytes, s0-s11 at 0, fs0-fs11 at 96, fcsr at 192,
 * ra at 216.
 */
#include "callabi_asm.h"

#if defined(__riscv) && __riscv_xlen == 64 && defined(__riscv_float_abi_double)

__attribute__((used)) static uintptr_t callabi_slot[2];

__asm__(CALLABI_ASM_OFFSETS
	".text\n"
	".globl callabi_call\n"
	".hidden callabi_call\n"
	".type callabi_call, @function\n"
	"callabi_call:\n"
	"	addi sp, sp, -224\n"
	"	sd ra, 216(sp)\n"
	"	sd s0, 0(sp)\n"
	"	sd s1, 8(sp)\n"
	"	sd s2, 16(sp)\n"
	"	sd s3, 24(sp)\n"
	"	sd s4, 32(sp)\n"
	"	sd s5, 40(sp)\n"
	"	sd s6, 48(sp)\n"
	"	sd s7, 56(sp)\n"
	"	sd s8, 64(sp)\n"
	"	sd s9, 72(sp)\n"
	"	sd s10, 80(sp)\n"
	"	sd s11, 88(sp)\n"
	"	fsd fs0, 96(sp)\n"
	"	fsd fs1, 104(sp)\n"
	"	fsd fs2, 112(sp)\n"
	"	fsd fs3, 120(sp)\n"
	"	fsd fs4, 128(sp)\n"
	"	fsd fs5, 136(sp)\n"
	"	fsd fs6, 144(sp)\n"
	"	fsd fs7, 152(sp)\n"
	"	fsd fs8, 160(sp)\n"
	"	fsd fs9, 168(sp)\n"
	"	fsd fs10, 176(sp)\n"
	"	fsd fs11, 184(sp)\n"
	"	frcsr t0\n"
	"	sd t0, 192(sp)\n"
	"	lla t1, callabi_slot\n"
	"	sd a0, 0(t1)\n"
	"	sd sp, 8(t1)\n"
	"	ld t0, .LIN + .LFPCTL(a0)\n"
	"	fscsr t0\n"
	"	fld fs0, .LIN + .LFPR + 0(a0)\n"
	"	fld fs1, .LIN + .LFPR + 8(a0)\n"
	"	fld fs2, .LIN + .LFPR + 16(a0)\n"
	"	fld fs3, .LIN + .LFPR + 24(a0)\n"
	"	fld fs4, .LIN + .LFPR + 32(a0)\n"
	"	fld fs5, .LIN + .LFPR + 40(a0)\n"
	"	fld fs6, .LIN + .LFPR + 48(a0)\n"
	"	fld fs7, .LIN + .LFPR + 56(a0)\n"
	"	fld fs8, .LIN + .LFPR + 64(a0)\n"
	"	fld fs9, .LIN + .LFPR + 72(a0)\n"
	"	fld fs10, .LIN + .LFPR + 80(a0)\n"
	"	fld fs11, .LIN + .LFPR + 88(a0)\n"
	"	ld s0, .LIN + .LGPR + 0(a0)\n"
	"	ld s1, .LIN + .LGPR + 8(a0)\n"
	"	ld s2, .LIN + .LGPR + 16(a0)\n"
	"	ld s3, .LIN + .LGPR + 24(a0)\n"
	"	ld s4, .LIN + .LGPR + 32(a0)\n"
	"	ld s5, .LIN + .LGPR + 40(a0)\n"
	"	ld s6, .LIN + .LGPR + 48(a0)\n"
	"	ld s7, .LIN + .LGPR + 56(a0)\n"
	"	ld s8, .LIN + .LGPR + 64(a0)\n"
	"	ld s9, .LIN + .LGPR + 72(a0)\n"
	"	ld s10, .LIN + .LGPR + 80(a0)\n"
	"	ld s11, .LIN + .LGPR + 88(a0)\n"
	"	ld t2, .LFN(a0)\n"
	"	ld sp, .LCSP(a0)\n"
	"	ld a1, .LARG + 8(a0)\n"
	"	ld a2, .LARG + 16(a0)\n"
	"	ld a3, .LARG + 24(a0)\n"
	"	ld a4, .LARG + 32(a0)\n"
	"	ld a0, .LARG(a0)\n"
	"	jalr ra, 0(t2)\n"
	"	lla t1, callabi_slot\n"
	"	ld t0, 0(t1)\n"
	"	sd a0, .LRET(t0)\n"
	"	sd s0, .LOUT + .LGPR + 0(t0)\n"
	"	sd s1, .LOUT + .LGPR + 8(t0)\n"
	"	sd s2, .LOUT + .LGPR + 16(t0)\n"
	"	sd s3, .LOUT + .LGPR + 24(t0)\n"
	"	sd s4, .LOUT + .LGPR + 32(t0)\n"
	"	sd s5, .LOUT + .LGPR + 40(t0)\n"
	"	sd s6, .LOUT + .LGPR + 48(t0)\n"
	"	sd s7, .LOUT + .LGPR + 56(t0)\n"
	"	sd s8, .LOUT + .LGPR + 64(t0)\n"
	"	sd s9, .LOUT + .LGPR + 72(t0)\n"
	"	sd s10, .LOUT + .LGPR + 80(t0)\n"
	"	sd s11, .LOUT + .LGPR + 88(t0)\n"
	"	fsd fs0, .LOUT + .LFPR + 0(t0)\n"
	"	fsd fs1, .LOUT + .LFPR + 8(t0)\n"
	"	fsd fs2, .LOUT + .LFPR + 16(t0)\n"
	"	fsd fs3, .LOUT + .LFPR + 24(t0)\n"
	"	fsd fs4, .LOUT + .LFPR + 32(t0)\n"
	"	fsd fs5, .LOUT + .LFPR + 40(t0)\n"
	"	fsd fs6, .LOUT + .LFPR + 48(t0)\n"
	"	fsd fs7, .LOUT + .LFPR + 56(t0)\n"
	"	fsd fs8, .LOUT + .LFPR + 64(t0)\n"
	"	fsd fs9, .LOUT + .LFPR + 72(t0)\n"
	"	fsd fs10, .LOUT + .LFPR + 80(t0)\n"
	"	fsd fs11, .LOUT + .LFPR + 88(t0)\n"
	"	frcsr t2\n"
	"	sd t2, .LOUT + .LFPCTL(t0)\n"
	"	sd sp, .LOUT + .LSP(t0)\n"
	"	ld sp, 8(t1)\n"
	"	ld t2, 192(sp)\n"
	"	fscsr t2\n"
	"	ld s0, 0(sp)\n"
	"	ld s1, 8(sp)\n"
	"	ld s2, 16(sp)\n"
	"	ld s3, 24(sp)\n"
	"	ld s4, 32(sp)\n"
	"	ld s5, 40(sp)\n"
	"	ld s6, 48(sp)\n"
	"	ld s7, 56(sp)\n"
	"	ld s8, 64(sp)\n"
	"	ld s9, 72(sp)\n"
	"	ld s10, 80(sp)\n"
	"	ld s11, 88(sp)\n"
	"	fld fs0, 96(sp)\n"
	"	fld fs1, 104(sp)\n"
	"	fld fs2, 112(sp)\n"
	"	fld fs3, 120(sp)\n"
	"	fld fs4, 128(sp)\n"
	"	fld fs5, 136(sp)\n"
	"	fld fs6, 144(sp)\n"
	"	fld fs7, 152(sp)\n"
	"	fld fs8, 160(sp)\n"
	"	fld fs9, 168(sp)\n"
	"	fld fs10, 176(sp)\n"
	"	fld fs11, 184(sp)\n"
	"	ld ra, 216(sp)\n"
	"	ld a0, .LRET(t0)\n"
	"	addi sp, sp, 224\n"
	"	ret\n"
	".size callabi_call, .-callabi_call\n");

void callabi_ctl_save(uintptr_t ctl[2])
{
	unsigned long v;

	__asm__ volatile("frcsr %0" : "=r"(v));
	ctl[0] = v;
	ctl[1] = 0;
}

void callabi_ctl_restore(const uintptr_t ctl[2])
{
	unsigned long v = ctl[0];

	__asm__ volatile("fscsr %0" : : "r"(v));
}

#endif
