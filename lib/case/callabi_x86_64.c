/* SPDX-License-Identifier: MIT */
/* The call harness (callabi.h) for x86_64: struct offsets are those the
 * static assertions in callabi.c pin down (in 0, out 192, fn 384, arg
 * 392, sp 432, ret 440; within a register set gpr 64, sp 160, flags 168,
 * fpctl 176, x87cw 184). */
#include "callabi.h"

#if defined(__x86_64__) && !defined(__ILP32__)

/* The call's descriptor and the caller's stack pointer, while every
 * callee-saved register holds a canary: where else could they be kept? */
__attribute__((used)) static uintptr_t callabi_slot[2];

__asm__(
	".text\n"
	".globl callabi_call\n"
	".hidden callabi_call\n"
	".type callabi_call, @function\n"
	"callabi_call:\n"
	"	push %rbp\n"
	"	push %rbx\n"
	"	push %r12\n"
	"	push %r13\n"
	"	push %r14\n"
	"	push %r15\n"
	"	sub $24, %rsp\n"
	"	stmxcsr 0(%rsp)\n"
	"	fnstcw 4(%rsp)\n"
	"	lea callabi_slot(%rip), %rax\n"
	"	mov %rdi, 0(%rax)\n"
	"	mov %rsp, 8(%rax)\n"
	"	mov %rdi, %r11\n"
	"	ldmxcsr 176(%r11)\n"
	"	fldcw 184(%r11)\n"
	"	mov 384(%r11), %rax\n"
	"	mov 392(%r11), %rdi\n"
	"	mov 400(%r11), %rsi\n"
	"	mov 408(%r11), %rdx\n"
	"	mov 416(%r11), %rcx\n"
	"	mov 424(%r11), %r8\n"
	"	mov 64(%r11), %rbx\n"
	"	mov 72(%r11), %rbp\n"
	"	mov 80(%r11), %r12\n"
	"	mov 88(%r11), %r13\n"
	"	mov 96(%r11), %r14\n"
	"	mov 104(%r11), %r15\n"
	"	mov 432(%r11), %rsp\n"
	"	cld\n"
	"	call *%rax\n"
	"	mov %rax, %r10\n"
	"	lea callabi_slot(%rip), %r9\n"
	"	mov 0(%r9), %r11\n"
	"	mov %r10, 440(%r11)\n"
	"	mov %rbx, 256(%r11)\n"
	"	mov %rbp, 264(%r11)\n"
	"	mov %r12, 272(%r11)\n"
	"	mov %r13, 280(%r11)\n"
	"	mov %r14, 288(%r11)\n"
	"	mov %r15, 296(%r11)\n"
	"	mov %rsp, 352(%r11)\n"
	/* below the call's stack pointer: the return address's slot, which
	 * the call itself used */
	"	pushfq\n"
	"	popq 360(%r11)\n"
	"	stmxcsr 368(%r11)\n"
	"	fnstcw 376(%r11)\n"
	"	mov 8(%r9), %rsp\n"
	"	cld\n"
	"	ldmxcsr 0(%rsp)\n"
	"	fldcw 4(%rsp)\n"
	"	add $24, %rsp\n"
	"	pop %r15\n"
	"	pop %r14\n"
	"	pop %r13\n"
	"	pop %r12\n"
	"	pop %rbx\n"
	"	pop %rbp\n"
	"	mov %r10, %rax\n"
	"	ret\n"
	".size callabi_call, .-callabi_call\n");

#endif
