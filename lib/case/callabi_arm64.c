/* SPDX-License-Identifier: MIT */
/* The call harness (callabi.h) for arm64: struct offsets are those the
 * static assertions in callabi.c pin down (in 0, out 192, fn 384, arg
 * 392, sp 432, ret 440; within a register set fpr 0, gpr 64, sp 160,
 * fpctl 176). */
#include "callabi.h"

#if defined(__aarch64__) && !defined(__ILP32__)

__attribute__((used)) static uintptr_t callabi_slot[2];

__asm__(
	".text\n"
	".globl callabi_call\n"
	".hidden callabi_call\n"
	".type callabi_call, %function\n"
	"callabi_call:\n"
	"	stp x29, x30, [sp, #-176]!\n"
	"	stp x19, x20, [sp, #16]\n"
	"	stp x21, x22, [sp, #32]\n"
	"	stp x23, x24, [sp, #48]\n"
	"	stp x25, x26, [sp, #64]\n"
	"	stp x27, x28, [sp, #80]\n"
	"	stp d8, d9, [sp, #96]\n"
	"	stp d10, d11, [sp, #112]\n"
	"	stp d12, d13, [sp, #128]\n"
	"	stp d14, d15, [sp, #144]\n"
	"	mrs x9, fpcr\n"
	"	str x9, [sp, #160]\n"
	"	adrp x9, callabi_slot\n"
	"	add x9, x9, :lo12:callabi_slot\n"
	"	str x0, [x9]\n"
	"	mov x10, sp\n"
	"	str x10, [x9, #8]\n"
	"	ldr x10, [x0, #176]\n"
	"	msr fpcr, x10\n"
	"	ldp d8, d9, [x0, #0]\n"
	"	ldp d10, d11, [x0, #16]\n"
	"	ldp d12, d13, [x0, #32]\n"
	"	ldp d14, d15, [x0, #48]\n"
	"	ldr x16, [x0, #384]\n"
	"	ldr x10, [x0, #432]\n"
	"	mov sp, x10\n"
	"	ldp x19, x20, [x0, #64]\n"
	"	ldp x21, x22, [x0, #80]\n"
	"	ldp x23, x24, [x0, #96]\n"
	"	ldp x25, x26, [x0, #112]\n"
	"	ldp x27, x28, [x0, #128]\n"
	"	ldr x29, [x0, #144]\n"
	"	ldr x1, [x0, #400]\n"
	"	ldr x2, [x0, #408]\n"
	"	ldr x3, [x0, #416]\n"
	"	ldr x4, [x0, #424]\n"
	"	ldr x0, [x0, #392]\n"
	"	blr x16\n"
	"	adrp x9, callabi_slot\n"
	"	add x9, x9, :lo12:callabi_slot\n"
	"	ldr x10, [x9]\n"
	"	str x0, [x10, #440]\n"
	"	stp x19, x20, [x10, #256]\n"
	"	stp x21, x22, [x10, #272]\n"
	"	stp x23, x24, [x10, #288]\n"
	"	stp x25, x26, [x10, #304]\n"
	"	stp x27, x28, [x10, #320]\n"
	"	str x29, [x10, #336]\n"
	"	mov x11, sp\n"
	"	str x11, [x10, #352]\n"
	"	mrs x11, fpcr\n"
	"	str x11, [x10, #368]\n"
	"	stp d8, d9, [x10, #192]\n"
	"	stp d10, d11, [x10, #208]\n"
	"	stp d12, d13, [x10, #224]\n"
	"	stp d14, d15, [x10, #240]\n"
	"	ldr x11, [x9, #8]\n"
	"	mov sp, x11\n"
	"	ldr x11, [sp, #160]\n"
	"	msr fpcr, x11\n"
	"	ldp d14, d15, [sp, #144]\n"
	"	ldp d12, d13, [sp, #128]\n"
	"	ldp d10, d11, [sp, #112]\n"
	"	ldp d8, d9, [sp, #96]\n"
	"	ldp x27, x28, [sp, #80]\n"
	"	ldp x25, x26, [sp, #64]\n"
	"	ldp x23, x24, [sp, #48]\n"
	"	ldp x21, x22, [sp, #32]\n"
	"	ldp x19, x20, [sp, #16]\n"
	"	ldp x29, x30, [sp], #176\n"
	"	ldr x0, [x10, #440]\n"
	"	ret\n"
	".size callabi_call, .-callabi_call\n");

void callabi_ctl_save(uintptr_t ctl[2])
{
	uint64_t v;

	__asm__ volatile("mrs %0, fpcr" : "=r"(v));
	ctl[0] = (uintptr_t)v;
	ctl[1] = 0;
}

void callabi_ctl_restore(const uintptr_t ctl[2])
{
	uint64_t v = ctl[0];

	__asm__ volatile("msr fpcr, %0" : : "r"(v));
}

#endif
