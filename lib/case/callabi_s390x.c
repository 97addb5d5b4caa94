/* SPDX-License-Identifier: MIT */
/*
 * The call harness (callabi.h) for s390x.  The ELF ABI supplement's
 * register usage table makes r6-r13, r15 (the stack pointer) and f8-f15
 * nonvolatile; r14 carries the return address and is the callee's to
 * change.  r6 is also the fifth argument register, and still nonvolatile:
 * a five-argument call (getrandom) puts its argument there and expects it
 * back; a shorter one gets a canary.  The caller provides 160 bytes at
 * 0(r15) where the callee stores the registers it saves: the painted
 * stack has them above sp.  The FPC's rounding mode and exception masks
 * are control state a callee must give back (its flags are status).
 *
 * Our own frame: 240 bytes below the caller's, back chain at 0, f8-f15
 * at 160, FPC at 224; r6-r15 go to the caller's save area.
 */
#include "callabi_asm.h"

#if defined(__s390x__)

__attribute__((used)) static uintptr_t callabi_slot[2];

__asm__(CALLABI_ASM_OFFSETS
	".text\n"
	".globl callabi_call\n"
	".hidden callabi_call\n"
	".type callabi_call, @function\n"
	"callabi_call:\n"
	"	stmg %r6, %r15, 48(%r15)\n"
	"	lgr %r1, %r15\n"
	"	aghi %r15, -240\n"
	"	stg %r1, 0(%r15)\n"
	"	std %f8, 160(%r15)\n"
	"	std %f9, 168(%r15)\n"
	"	std %f10, 176(%r15)\n"
	"	std %f11, 184(%r15)\n"
	"	std %f12, 192(%r15)\n"
	"	std %f13, 200(%r15)\n"
	"	std %f14, 208(%r15)\n"
	"	std %f15, 216(%r15)\n"
	"	stfpc 224(%r15)\n"
	"	larl %r1, callabi_slot\n"
	"	stg %r2, 0(%r1)\n"
	"	stg %r15, 8(%r1)\n"
	"	lfpc .LIN + .LFPCTL + 4(%r2)\n"
	"	ld %f8, .LIN + .LFPR + 0(%r2)\n"
	"	ld %f9, .LIN + .LFPR + 8(%r2)\n"
	"	ld %f10, .LIN + .LFPR + 16(%r2)\n"
	"	ld %f11, .LIN + .LFPR + 24(%r2)\n"
	"	ld %f12, .LIN + .LFPR + 32(%r2)\n"
	"	ld %f13, .LIN + .LFPR + 40(%r2)\n"
	"	ld %f14, .LIN + .LFPR + 48(%r2)\n"
	"	ld %f15, .LIN + .LFPR + 56(%r2)\n"
	"	lg %r1, .LFN(%r2)\n"
	"	lg %r6, .LARG + 32(%r2)\n"
	"	ltgr %r6, %r6\n"
	"	jnz 1f\n"
	"	lg %r6, .LIN + .LGPR(%r2)\n"
	"1:	stg %r6, .LIN + .LGPR(%r2)\n"
	"	lmg %r7, %r13, .LIN + .LGPR + 8(%r2)\n"
	"	lg %r14, .LCSP(%r2)\n"
	"	stg %r15, 0(%r14)\n"
	"	lgr %r15, %r14\n"
	"	lg %r3, .LARG + 8(%r2)\n"
	"	lg %r4, .LARG + 16(%r2)\n"
	"	lg %r5, .LARG + 24(%r2)\n"
	"	lg %r2, .LARG(%r2)\n"
	"	basr %r14, %r1\n"
	"	larl %r1, callabi_slot\n"
	"	lg %r14, 0(%r1)\n"
	"	stg %r2, .LRET(%r14)\n"
	"	stmg %r6, %r13, .LOUT + .LGPR(%r14)\n"
	"	stg %r15, .LOUT + .LSP(%r14)\n"
	"	std %f8, .LOUT + .LFPR + 0(%r14)\n"
	"	std %f9, .LOUT + .LFPR + 8(%r14)\n"
	"	std %f10, .LOUT + .LFPR + 16(%r14)\n"
	"	std %f11, .LOUT + .LFPR + 24(%r14)\n"
	"	std %f12, .LOUT + .LFPR + 32(%r14)\n"
	"	std %f13, .LOUT + .LFPR + 40(%r14)\n"
	"	std %f14, .LOUT + .LFPR + 48(%r14)\n"
	"	std %f15, .LOUT + .LFPR + 56(%r14)\n"
	"	lghi %r0, 0\n"
	"	stg %r0, .LOUT + .LFPCTL(%r14)\n"
	"	stfpc .LOUT + .LFPCTL + 4(%r14)\n"
	"	lg %r15, 8(%r1)\n"
	"	lfpc 224(%r15)\n"
	"	ld %f8, 160(%r15)\n"
	"	ld %f9, 168(%r15)\n"
	"	ld %f10, 176(%r15)\n"
	"	ld %f11, 184(%r15)\n"
	"	ld %f12, 192(%r15)\n"
	"	ld %f13, 200(%r15)\n"
	"	ld %f14, 208(%r15)\n"
	"	ld %f15, 216(%r15)\n"
	"	lg %r2, .LRET(%r14)\n"
	"	aghi %r15, 240\n"
	"	lmg %r6, %r15, 48(%r15)\n"
	"	br %r14\n"
	".size callabi_call, .-callabi_call\n");

void callabi_ctl_save(uintptr_t ctl[2])
{
	unsigned v;

	__asm__ volatile("efpc %0" : "=d"(v));
	ctl[0] = v;
	ctl[1] = 0;
}

void callabi_ctl_restore(const uintptr_t ctl[2])
{
	unsigned v = (unsigned)ctl[0];

	__asm__ volatile("sfpc %0" : : "d"(v));
}

#endif
