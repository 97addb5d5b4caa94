/* SPDX-License-Identifier: MIT */
/* The call harness (callabi.h) for 32-bit arm, hard-float (VFP): struct
 * offsets are those the static assertions in callabi.c pin down (in 0,
 * out 128, fn 256, arg 260, sp 280, ret 284; within a register set fpr 0,
 * gpr 64, sp 112, fpctl 120).  ARM state; callers in Thumb reach it by
 * interworking. */
#include "callabi.h"

#if defined(__arm__) && defined(__ARM_PCS_VFP)

__attribute__((used)) static uintptr_t callabi_slot[2];

__asm__(
	".text\n"
	".arm\n"
	".align 2\n"
	".globl callabi_call\n"
	".hidden callabi_call\n"
	".type callabi_call, %function\n"
	"callabi_call:\n"
	"	push {r4-r11, lr}\n"
	"	vpush {d8-d15}\n"
	"	sub sp, sp, #12\n"
	"	vmrs r1, fpscr\n"
	"	str r1, [sp]\n"
	"	ldr r1, 8f\n"
	"1:	add r1, pc, r1\n"
	"	str r0, [r1]\n"
	"	mov r2, sp\n"
	"	str r2, [r1, #4]\n"
	"	ldr r2, [r0, #120]\n"
	"	vmsr fpscr, r2\n"
	"	vldmia r0, {d8-d15}\n"
	"	ldr r12, [r0, #256]\n"
	"	ldr r2, [r0, #280]\n"
	"	mov sp, r2\n"
	"	ldr r2, [r0, #276]\n"
	"	str r2, [sp]\n"
	"	add r1, r0, #64\n"
	"	ldmia r1, {r4-r11}\n"
	"	ldr r1, [r0, #264]\n"
	"	ldr r2, [r0, #268]\n"
	"	ldr r3, [r0, #272]\n"
	"	ldr r0, [r0, #260]\n"
	"	blx r12\n"
	"	ldr r1, 9f\n"
	"2:	add r1, pc, r1\n"
	"	ldr r2, [r1]\n"
	"	str r0, [r2, #284]\n"
	"	add r3, r2, #192\n"
	"	stmia r3, {r4-r11}\n"
	"	mov r3, sp\n"
	"	str r3, [r2, #240]\n"
	"	vmrs r3, fpscr\n"
	"	str r3, [r2, #248]\n"
	"	add r3, r2, #128\n"
	"	vstmia r3, {d8-d15}\n"
	"	ldr r3, [r1, #4]\n"
	"	mov sp, r3\n"
	"	ldr r3, [sp]\n"
	"	vmsr fpscr, r3\n"
	"	add sp, sp, #12\n"
	"	ldr r0, [r2, #284]\n"
	"	vpop {d8-d15}\n"
	"	pop {r4-r11, pc}\n"
	"8:	.word callabi_slot - (1b + 8)\n"
	"9:	.word callabi_slot - (2b + 8)\n"
	".size callabi_call, .-callabi_call\n");

void callabi_ctl_save(uintptr_t ctl[2])
{
	uint32_t v;

	__asm__ volatile("vmrs %0, fpscr" : "=r"(v));
	ctl[0] = v;
	ctl[1] = 0;
}

void callabi_ctl_restore(const uintptr_t ctl[2])
{
	uint32_t v = (uint32_t)ctl[0];

	__asm__ volatile("vmsr fpscr, %0" : : "r"(v));
}

#endif
