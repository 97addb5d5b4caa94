/* SPDX-License-Identifier: MIT */
/*
 * The call harness (callabi.h) for mips64 under the n64 ABI.  Its
 * register usage (the MIPSpro N32/N64 ABI handbook, followed by GCC and
 * the kernel) makes s0-s7 ($16-$23), s8/fp ($30), gp ($28) and sp
 * callee-saved, and of the floating-point registers $f24-$f31 (the FPU
 * in 64-bit mode, FR=1); FCSR's rounding mode, enables and flush bit are
 * control state.  The callee is called through $25 (t9), as position-
 * independent code computes its gp from it; n64 has no argument save
 * area, so a callee needs nothing above sp.
 *
 * There is no PC-relative addressing before MIPS release 6, and gp is a
 * canary during the call: the harness keeps c and its own sp in the two
 * words at the call's sp, which are the caller's (above the callee's
 * frame).  Our own frame: 192 bytes, s0-s7, s8, gp at 0, $f24-$f31 at 80,
 * FCSR at 144, ra at 184.
 */
#include "callabi_asm.h"

#if defined(__mips__) && defined(_ABI64) && _MIPS_SIM == _ABI64 && !defined(__mips_soft_float)

__asm__(CALLABI_ASM_OFFSETS
	".text\n"
	".set push\n"
	".set reorder\n"
	".globl callabi_call\n"
	".hidden callabi_call\n"
	".type callabi_call, @function\n"
	".ent callabi_call\n"
	"callabi_call:\n"
	"	daddiu $sp, $sp, -192\n"
	"	sd $31, 184($sp)\n"
	"	sd $16, 0($sp)\n"
	"	sd $17, 8($sp)\n"
	"	sd $18, 16($sp)\n"
	"	sd $19, 24($sp)\n"
	"	sd $20, 32($sp)\n"
	"	sd $21, 40($sp)\n"
	"	sd $22, 48($sp)\n"
	"	sd $23, 56($sp)\n"
	"	sd $30, 64($sp)\n"
	"	sd $28, 72($sp)\n"
	"	sdc1 $f24, 80($sp)\n"
	"	sdc1 $f25, 88($sp)\n"
	"	sdc1 $f26, 96($sp)\n"
	"	sdc1 $f27, 104($sp)\n"
	"	sdc1 $f28, 112($sp)\n"
	"	sdc1 $f29, 120($sp)\n"
	"	sdc1 $f30, 128($sp)\n"
	"	sdc1 $f31, 136($sp)\n"
	"	cfc1 $12, $31\n"
	"	sd $12, 144($sp)\n"
	"	ld $13, .LCSP($4)\n"
	"	sd $4, 0($13)\n"
	"	sd $sp, 8($13)\n"
	"	ld $12, .LIN + .LFPCTL($4)\n"
	"	ctc1 $12, $31\n"
	"	ldc1 $f24, .LIN + .LFPR + 0($4)\n"
	"	ldc1 $f25, .LIN + .LFPR + 8($4)\n"
	"	ldc1 $f26, .LIN + .LFPR + 16($4)\n"
	"	ldc1 $f27, .LIN + .LFPR + 24($4)\n"
	"	ldc1 $f28, .LIN + .LFPR + 32($4)\n"
	"	ldc1 $f29, .LIN + .LFPR + 40($4)\n"
	"	ldc1 $f30, .LIN + .LFPR + 48($4)\n"
	"	ldc1 $f31, .LIN + .LFPR + 56($4)\n"
	"	ld $16, .LIN + .LGPR + 0($4)\n"
	"	ld $17, .LIN + .LGPR + 8($4)\n"
	"	ld $18, .LIN + .LGPR + 16($4)\n"
	"	ld $19, .LIN + .LGPR + 24($4)\n"
	"	ld $20, .LIN + .LGPR + 32($4)\n"
	"	ld $21, .LIN + .LGPR + 40($4)\n"
	"	ld $22, .LIN + .LGPR + 48($4)\n"
	"	ld $23, .LIN + .LGPR + 56($4)\n"
	"	ld $30, .LIN + .LGPR + 64($4)\n"
	"	ld $28, .LIN + .LGPR + 72($4)\n"
	"	ld $25, .LFN($4)\n"
	"	move $sp, $13\n"
	"	ld $5, .LARG + 8($4)\n"
	"	ld $6, .LARG + 16($4)\n"
	"	ld $7, .LARG + 24($4)\n"
	"	ld $8, .LARG + 32($4)\n"
	"	ld $4, .LARG($4)\n"
	"	jalr $25\n"
	"	ld $12, 0($sp)\n"
	"	sd $2, .LRET($12)\n"
	"	sd $16, .LOUT + .LGPR + 0($12)\n"
	"	sd $17, .LOUT + .LGPR + 8($12)\n"
	"	sd $18, .LOUT + .LGPR + 16($12)\n"
	"	sd $19, .LOUT + .LGPR + 24($12)\n"
	"	sd $20, .LOUT + .LGPR + 32($12)\n"
	"	sd $21, .LOUT + .LGPR + 40($12)\n"
	"	sd $22, .LOUT + .LGPR + 48($12)\n"
	"	sd $23, .LOUT + .LGPR + 56($12)\n"
	"	sd $30, .LOUT + .LGPR + 64($12)\n"
	"	sd $28, .LOUT + .LGPR + 72($12)\n"
	"	sdc1 $f24, .LOUT + .LFPR + 0($12)\n"
	"	sdc1 $f25, .LOUT + .LFPR + 8($12)\n"
	"	sdc1 $f26, .LOUT + .LFPR + 16($12)\n"
	"	sdc1 $f27, .LOUT + .LFPR + 24($12)\n"
	"	sdc1 $f28, .LOUT + .LFPR + 32($12)\n"
	"	sdc1 $f29, .LOUT + .LFPR + 40($12)\n"
	"	sdc1 $f30, .LOUT + .LFPR + 48($12)\n"
	"	sdc1 $f31, .LOUT + .LFPR + 56($12)\n"
	"	cfc1 $13, $31\n"
	"	sd $13, .LOUT + .LFPCTL($12)\n"
	"	sd $sp, .LOUT + .LSP($12)\n"
	"	ld $sp, 8($sp)\n"
	"	ld $13, 144($sp)\n"
	"	ctc1 $13, $31\n"
	"	ld $16, 0($sp)\n"
	"	ld $17, 8($sp)\n"
	"	ld $18, 16($sp)\n"
	"	ld $19, 24($sp)\n"
	"	ld $20, 32($sp)\n"
	"	ld $21, 40($sp)\n"
	"	ld $22, 48($sp)\n"
	"	ld $23, 56($sp)\n"
	"	ld $30, 64($sp)\n"
	"	ld $28, 72($sp)\n"
	"	ldc1 $f24, 80($sp)\n"
	"	ldc1 $f25, 88($sp)\n"
	"	ldc1 $f26, 96($sp)\n"
	"	ldc1 $f27, 104($sp)\n"
	"	ldc1 $f28, 112($sp)\n"
	"	ldc1 $f29, 120($sp)\n"
	"	ldc1 $f30, 128($sp)\n"
	"	ldc1 $f31, 136($sp)\n"
	"	ld $31, 184($sp)\n"
	"	ld $2, .LRET($12)\n"
	"	daddiu $sp, $sp, 192\n"
	"	jr $31\n"
	".end callabi_call\n"
	".size callabi_call, .-callabi_call\n"
	".set pop\n");

void callabi_ctl_save(uintptr_t ctl[2])
{
	unsigned v;

	__asm__ volatile("cfc1 %0, $31" : "=r"(v));
	ctl[0] = v;
	ctl[1] = 0;
}

void callabi_ctl_restore(const uintptr_t ctl[2])
{
	unsigned v = (unsigned)ctl[0];

	__asm__ volatile("ctc1 %0, $31" : : "r"(v));
}

#endif
