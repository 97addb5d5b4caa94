/* SPDX-License-Identifier: MIT */
/* The call harness (callabi.h) for i386: struct offsets are those the
 * static assertions in callabi.c pin down (in 0, out 128, fn 256, arg
 * 260, sp 280, ret 284; within a register set gpr 64, sp 112, flags 116,
 * fpctl 120, x87cw 124).  Position-independent: the slot is reached
 * through the GOT pointer computed with call/pop, in a caller-saved
 * register, since all four callee-saved ones hold canaries. */
#include "callabi.h"

#if defined(__i386__)

__attribute__((used)) static uintptr_t callabi_slot[2];

__asm__(
	".text\n"
	".globl callabi_call\n"
	".hidden callabi_call\n"
	".type callabi_call, @function\n"
	"callabi_call:\n"
	"	push %ebp\n"
	"	push %ebx\n"
	"	push %esi\n"
	"	push %edi\n"
	"	sub $12, %esp\n"
	"	stmxcsr 0(%esp)\n"
	"	fnstcw 4(%esp)\n"
	"	mov 32(%esp), %ecx\n"
	"	call 1f\n"
	"1:	pop %edx\n"
	"	addl $_GLOBAL_OFFSET_TABLE_+[.-1b], %edx\n"
	"	leal callabi_slot@GOTOFF(%edx), %edx\n"
	"	mov %ecx, 0(%edx)\n"
	"	mov %esp, 4(%edx)\n"
	"	ldmxcsr 120(%ecx)\n"
	"	fldcw 124(%ecx)\n"
	"	mov 256(%ecx), %eax\n"
	"	mov 280(%ecx), %esp\n"
	"	mov 260(%ecx), %edx\n"
	"	mov %edx, 0(%esp)\n"
	"	mov 264(%ecx), %edx\n"
	"	mov %edx, 4(%esp)\n"
	"	mov 268(%ecx), %edx\n"
	"	mov %edx, 8(%esp)\n"
	"	mov 272(%ecx), %edx\n"
	"	mov %edx, 12(%esp)\n"
	"	mov 276(%ecx), %edx\n"
	"	mov %edx, 16(%esp)\n"
	"	mov 64(%ecx), %ebx\n"
	"	mov 68(%ecx), %esi\n"
	"	mov 72(%ecx), %edi\n"
	"	mov 76(%ecx), %ebp\n"
	"	cld\n"
	"	call *%eax\n"
	/* the return address's slot below the call's stack pointer, which
	 * the call itself used, takes the call/pop and pushf */
	"	call 2f\n"
	"2:	pop %edx\n"
	"	addl $_GLOBAL_OFFSET_TABLE_+[.-2b], %edx\n"
	"	leal callabi_slot@GOTOFF(%edx), %edx\n"
	"	mov 0(%edx), %ecx\n"
	"	mov %eax, 284(%ecx)\n"
	"	mov %ebx, 192(%ecx)\n"
	"	mov %esi, 196(%ecx)\n"
	"	mov %edi, 200(%ecx)\n"
	"	mov %ebp, 204(%ecx)\n"
	"	mov %esp, 240(%ecx)\n"
	"	pushf\n"
	"	popl 244(%ecx)\n"
	"	stmxcsr 248(%ecx)\n"
	"	fnstcw 252(%ecx)\n"
	"	mov 4(%edx), %esp\n"
	"	cld\n"
	"	ldmxcsr 0(%esp)\n"
	"	fldcw 4(%esp)\n"
	"	add $12, %esp\n"
	"	pop %edi\n"
	"	pop %esi\n"
	"	pop %ebx\n"
	"	pop %ebp\n"
	"	mov 284(%ecx), %eax\n"
	"	ret\n"
	".size callabi_call, .-callabi_call\n");

#endif
