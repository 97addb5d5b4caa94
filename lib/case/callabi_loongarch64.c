/* SPDX-License-Identifier: MIT */
/*
 * The call harness (callabi.h) for loongarch64 (LP64D).  The psABI's
 * register convention makes s0-s8 ($r23-$r31), fp ($r22), sp and fs0-fs7
 * ($f24-$f31) callee-saved; fcsr0's rounding mode and exception enables
 * are control state.  tp and $r21 (reserved) are left alone.  The stack
 * is 16-byte aligned at a call; a callee needs nothing above sp.
 *
 * Debian 12 has no loongarch64 cross compiler: this was built with
 * trixie's (in a chroot) and its self-test (tests/callabi/selftest.c) run
 * under QEMU 10's user mode by hand; tests/test_callabi.py skips it.
 *
 * Our own frame: 176 bytes, s0-s8, fp at 0, fs0-fs7 at 80, fcsr0 at 144,
 * ra at 168.
 */
#include "callabi_asm.h"

#if defined(__loongarch__) && __loongarch_grlen == 64 && defined(__loongarch_double_float)

__attribute__((used)) static uintptr_t callabi_slot[2];

__asm__(CALLABI_ASM_OFFSETS
	".text\n"
	".globl callabi_call\n"
	".hidden callabi_call\n"
	".type callabi_call, @function\n"
	"callabi_call:\n"
	"	addi.d $sp, $sp, -176\n"
	"	st.d $ra, $sp, 168\n"
	"	st.d $s0, $sp, 0\n"
	"	st.d $s1, $sp, 8\n"
	"	st.d $s2, $sp, 16\n"
	"	st.d $s3, $sp, 24\n"
	"	st.d $s4, $sp, 32\n"
	"	st.d $s5, $sp, 40\n"
	"	st.d $s6, $sp, 48\n"
	"	st.d $s7, $sp, 56\n"
	"	st.d $s8, $sp, 64\n"
	"	st.d $fp, $sp, 72\n"
	"	fst.d $fs0, $sp, 80\n"
	"	fst.d $fs1, $sp, 88\n"
	"	fst.d $fs2, $sp, 96\n"
	"	fst.d $fs3, $sp, 104\n"
	"	fst.d $fs4, $sp, 112\n"
	"	fst.d $fs5, $sp, 120\n"
	"	fst.d $fs6, $sp, 128\n"
	"	fst.d $fs7, $sp, 136\n"
	"	movfcsr2gr $t0, $fcsr0\n"
	"	st.d $t0, $sp, 144\n"
	"	la.local $t1, callabi_slot\n"
	"	st.d $a0, $t1, 0\n"
	"	st.d $sp, $t1, 8\n"
	"	ld.d $t0, $a0, .LIN + .LFPCTL\n"
	"	movgr2fcsr $fcsr0, $t0\n"
	"	fld.d $fs0, $a0, .LIN + .LFPR + 0\n"
	"	fld.d $fs1, $a0, .LIN + .LFPR + 8\n"
	"	fld.d $fs2, $a0, .LIN + .LFPR + 16\n"
	"	fld.d $fs3, $a0, .LIN + .LFPR + 24\n"
	"	fld.d $fs4, $a0, .LIN + .LFPR + 32\n"
	"	fld.d $fs5, $a0, .LIN + .LFPR + 40\n"
	"	fld.d $fs6, $a0, .LIN + .LFPR + 48\n"
	"	fld.d $fs7, $a0, .LIN + .LFPR + 56\n"
	"	ld.d $s0, $a0, .LIN + .LGPR + 0\n"
	"	ld.d $s1, $a0, .LIN + .LGPR + 8\n"
	"	ld.d $s2, $a0, .LIN + .LGPR + 16\n"
	"	ld.d $s3, $a0, .LIN + .LGPR + 24\n"
	"	ld.d $s4, $a0, .LIN + .LGPR + 32\n"
	"	ld.d $s5, $a0, .LIN + .LGPR + 40\n"
	"	ld.d $s6, $a0, .LIN + .LGPR + 48\n"
	"	ld.d $s7, $a0, .LIN + .LGPR + 56\n"
	"	ld.d $s8, $a0, .LIN + .LGPR + 64\n"
	"	ld.d $fp, $a0, .LIN + .LGPR + 72\n"
	"	ld.d $t2, $a0, .LFN\n"
	"	ld.d $sp, $a0, .LCSP\n"
	"	ld.d $a1, $a0, .LARG + 8\n"
	"	ld.d $a2, $a0, .LARG + 16\n"
	"	ld.d $a3, $a0, .LARG + 24\n"
	"	ld.d $a4, $a0, .LARG + 32\n"
	"	ld.d $a0, $a0, .LARG\n"
	"	jirl $ra, $t2, 0\n"
	"	la.local $t1, callabi_slot\n"
	"	ld.d $t0, $t1, 0\n"
	"	st.d $a0, $t0, .LRET\n"
	"	st.d $s0, $t0, .LOUT + .LGPR + 0\n"
	"	st.d $s1, $t0, .LOUT + .LGPR + 8\n"
	"	st.d $s2, $t0, .LOUT + .LGPR + 16\n"
	"	st.d $s3, $t0, .LOUT + .LGPR + 24\n"
	"	st.d $s4, $t0, .LOUT + .LGPR + 32\n"
	"	st.d $s5, $t0, .LOUT + .LGPR + 40\n"
	"	st.d $s6, $t0, .LOUT + .LGPR + 48\n"
	"	st.d $s7, $t0, .LOUT + .LGPR + 56\n"
	"	st.d $s8, $t0, .LOUT + .LGPR + 64\n"
	"	st.d $fp, $t0, .LOUT + .LGPR + 72\n"
	"	fst.d $fs0, $t0, .LOUT + .LFPR + 0\n"
	"	fst.d $fs1, $t0, .LOUT + .LFPR + 8\n"
	"	fst.d $fs2, $t0, .LOUT + .LFPR + 16\n"
	"	fst.d $fs3, $t0, .LOUT + .LFPR + 24\n"
	"	fst.d $fs4, $t0, .LOUT + .LFPR + 32\n"
	"	fst.d $fs5, $t0, .LOUT + .LFPR + 40\n"
	"	fst.d $fs6, $t0, .LOUT + .LFPR + 48\n"
	"	fst.d $fs7, $t0, .LOUT + .LFPR + 56\n"
	"	movfcsr2gr $t2, $fcsr0\n"
	"	st.d $t2, $t0, .LOUT + .LFPCTL\n"
	"	st.d $sp, $t0, .LOUT + .LSP\n"
	"	ld.d $sp, $t1, 8\n"
	"	ld.d $t2, $sp, 144\n"
	"	movgr2fcsr $fcsr0, $t2\n"
	"	ld.d $s0, $sp, 0\n"
	"	ld.d $s1, $sp, 8\n"
	"	ld.d $s2, $sp, 16\n"
	"	ld.d $s3, $sp, 24\n"
	"	ld.d $s4, $sp, 32\n"
	"	ld.d $s5, $sp, 40\n"
	"	ld.d $s6, $sp, 48\n"
	"	ld.d $s7, $sp, 56\n"
	"	ld.d $s8, $sp, 64\n"
	"	ld.d $fp, $sp, 72\n"
	"	fld.d $fs0, $sp, 80\n"
	"	fld.d $fs1, $sp, 88\n"
	"	fld.d $fs2, $sp, 96\n"
	"	fld.d $fs3, $sp, 104\n"
	"	fld.d $fs4, $sp, 112\n"
	"	fld.d $fs5, $sp, 120\n"
	"	fld.d $fs6, $sp, 128\n"
	"	fld.d $fs7, $sp, 136\n"
	"	ld.d $ra, $sp, 168\n"
	"	ld.d $a0, $t0, .LRET\n"
	"	addi.d $sp, $sp, 176\n"
	"	jr $ra\n"
	".size callabi_call, .-callabi_call\n");

void callabi_ctl_save(uintptr_t ctl[2])
{
	unsigned long v;

	__asm__ volatile("movfcsr2gr %0, $fcsr0" : "=r"(v));
	ctl[0] = v;
	ctl[1] = 0;
}

void callabi_ctl_restore(const uintptr_t ctl[2])
{
	unsigned long v = ctl[0];

	__asm__ volatile("movgr2fcsr $fcsr0, %0" : : "r"(v));
}

#endif
