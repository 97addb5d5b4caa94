/* SPDX-License-Identifier: MIT */
/*
 * How a powerpc vDSO function reports an error.  The 64-bit (ELFv2) and
 * 32-bit kernels return from every __kernel_* function as a system call
 * returns: on failure the summary-overflow bit of condition register
 * field 0 (CR0[SO]) is set and r3 holds the POSITIVE errno; on success SO
 * is clear.  glibc tests SO after its vDSO calls for that reason.  A C
 * function pointer cannot see SO (CR0 is volatile and carries no value
 * in C), so a plain call turns EINVAL into "returned 22".
 *
 * Two tools here, in assembly:
 *  - callfn_raw(): one call that hands back r3 and SO apart, for the
 *    case that judges the convention itself (callconv);
 *  - callfn_callable(): for every other case, an address that behaves as
 *    a C function with the suite's convention (-errno on failure): one
 *    of a few fixed trampolines, each calling the vDSO function whose
 *    address sits in its slot and negating r3 when SO is set.
 * Elsewhere the convention is already C's (callfn.c: callfn_callable()
 * is the identity, callfn_raw() a plain call with the flag clear).
 */
#include "callfn.h"

#include <errno.h>

#if CALLFN_SO

#define NTHUNKS 16

/* The real addresses the trampolines call, one slot each. */
__attribute__((visibility("hidden"))) uintptr_t callfn_ppc_slot[NTHUNKS];

#if defined(__powerpc64__)
/*
 * callfn_ppc_raw(fn, a, so): a 48-byte frame (the ELFv2 minimum of 32,
 * plus the saved so pointer), the TOC pointer saved where the ABI puts it
 * for an indirect call, r12 = fn as the ABI requires at a global entry.
 * "li" and "stw" leave CR0 alone between the call and the test of SO.
 *
 * A trampoline: the same frame without the extra word; its slot found
 * PC-relative (bcl 20,31 is the form that leaves the return predictor
 * alone); r3 negated on the way out when SO is set.
 */
#define THUNK(n)                                                      \
	".globl callfn_ppc_thunk" #n "\n"                             \
	".hidden callfn_ppc_thunk" #n "\n"                            \
	".type callfn_ppc_thunk" #n ", @function\n"                   \
	"callfn_ppc_thunk" #n ":\n"                                   \
	"	mflr 0\n"                                              \
	"	std 0, 16(1)\n"                                        \
	"	stdu 1, -32(1)\n"                                      \
	"	std 2, 24(1)\n"                                        \
	"	bcl 20, 31, 1f\n"                                      \
	"1:	mflr 11\n"                                             \
	"	addis 11, 11, (callfn_ppc_slot - 1b)@ha\n"                     \
	"	addi 11, 11, (callfn_ppc_slot - 1b)@l\n"                      \
	"	ld 12, 8 * " #n "(11)\n"                                     \
	"	mtctr 12\n"                                            \
	"	bctrl\n"                                               \
	"	ld 2, 24(1)\n"                                         \
	"	addi 1, 1, 32\n"                                       \
	"	ld 0, 16(1)\n"                                         \
	"	mtlr 0\n"                                              \
	"	bnslr\n"                                               \
	"	neg 3, 3\n"                                            \
	"	blr\n"                                                 \
	".size callfn_ppc_thunk" #n ", .-callfn_ppc_thunk" #n "\n"

__asm__(".text\n"
	".globl callfn_ppc_raw\n"
	".hidden callfn_ppc_raw\n"
	".type callfn_ppc_raw, @function\n"
	"callfn_ppc_raw:\n"
	"	mflr 0\n"
	"	std 0, 16(1)\n"
	"	stdu 1, -48(1)\n"
	"	std 2, 24(1)\n"
	"	std 5, 32(1)\n"
	"	mr 12, 3\n"
	"	mr 11, 4\n"
	"	ld 3, 0(11)\n"
	"	ld 4, 8(11)\n"
	"	ld 5, 16(11)\n"
	"	ld 6, 24(11)\n"
	"	ld 7, 32(11)\n"
	"	mtctr 12\n"
	"	bctrl\n"
	"	ld 2, 24(1)\n"
	"	ld 5, 32(1)\n"
	"	li 0, 0\n"
	"	bns 1f\n"
	"	li 0, 1\n"
	"1:	stw 0, 0(5)\n"
	"	addi 1, 1, 48\n"
	"	ld 0, 16(1)\n"
	"	mtlr 0\n"
	"	blr\n"
	".size callfn_ppc_raw, .-callfn_ppc_raw\n"
	THUNK(0) THUNK(1) THUNK(2) THUNK(3) THUNK(4) THUNK(5) THUNK(6) THUNK(7)
	THUNK(8) THUNK(9) THUNK(10) THUNK(11) THUNK(12) THUNK(13) THUNK(14) THUNK(15));

#else
/*
 * 32-bit (SysV ABI): no TOC, and nothing asks for r12 at entry.
 * callfn_ppc_raw: a 32-byte frame, LR saved in the caller's frame at
 * 4(r1) on entry (36 after the stwu), the so pointer at 8; a trampoline: a
 * 16-byte frame.  Written to the ABI like the 64-bit one and assembled with
 * clang's powerpc target; Debian 12 has no powerpc (32-bit) cross libc to
 * run it with.
 */
#define THUNK(n)                                                 \
	".globl callfn_ppc_thunk" #n "\n"                        \
	".hidden callfn_ppc_thunk" #n "\n"                       \
	".type callfn_ppc_thunk" #n ", @function\n"              \
	"callfn_ppc_thunk" #n ":\n"                              \
	"	stwu 1, -16(1)\n"                                 \
	"	mflr 0\n"                                         \
	"	stw 0, 20(1)\n"                                   \
	"	bcl 20, 31, 1f\n"                                 \
	"1:	mflr 11\n"                                        \
	"	addis 11, 11, (callfn_ppc_slot - 1b)@ha\n"        \
	"	addi 11, 11, (callfn_ppc_slot - 1b)@l\n"          \
	"	lwz 12, 4 * " #n "(11)\n"                          \
	"	mtctr 12\n"                                       \
	"	bctrl\n"                                          \
	"	lwz 0, 20(1)\n"                                   \
	"	addi 1, 1, 16\n"                                  \
	"	mtlr 0\n"                                         \
	"	bnslr\n"                                          \
	"	neg 3, 3\n"                                       \
	"	blr\n"                                            \
	".size callfn_ppc_thunk" #n ", .-callfn_ppc_thunk" #n "\n"

__asm__(".text\n"
	".globl callfn_ppc_raw\n"
	".hidden callfn_ppc_raw\n"
	".type callfn_ppc_raw, @function\n"
	"callfn_ppc_raw:\n"
	"	stwu 1, -32(1)\n"
	"	mflr 0\n"
	"	stw 0, 36(1)\n"
	"	stw 5, 8(1)\n"
	"	mtctr 3\n"
	"	mr 11, 4\n"
	"	lwz 3, 0(11)\n"
	"	lwz 4, 4(11)\n"
	"	lwz 5, 8(11)\n"
	"	lwz 6, 12(11)\n"
	"	lwz 7, 16(11)\n"
	"	bctrl\n"
	"	lwz 5, 8(1)\n"
	"	li 0, 0\n"
	"	bns 1f\n"
	"	li 0, 1\n"
	"1:	stw 0, 0(5)\n"
	"	lwz 0, 36(1)\n"
	"	addi 1, 1, 32\n"
	"	mtlr 0\n"
	"	blr\n"
	".size callfn_ppc_raw, .-callfn_ppc_raw\n"
	THUNK(0) THUNK(1) THUNK(2) THUNK(3) THUNK(4) THUNK(5) THUNK(6) THUNK(7)
	THUNK(8) THUNK(9) THUNK(10) THUNK(11) THUNK(12) THUNK(13) THUNK(14) THUNK(15));
#endif

uintptr_t callfn_ppc_raw(const void *fn, const uintptr_t a[5], int *so);
void callfn_ppc_thunk0(void), callfn_ppc_thunk1(void), callfn_ppc_thunk2(void), callfn_ppc_thunk3(void);
void callfn_ppc_thunk4(void), callfn_ppc_thunk5(void), callfn_ppc_thunk6(void), callfn_ppc_thunk7(void);
void callfn_ppc_thunk8(void), callfn_ppc_thunk9(void), callfn_ppc_thunk10(void), callfn_ppc_thunk11(void);
void callfn_ppc_thunk12(void), callfn_ppc_thunk13(void), callfn_ppc_thunk14(void), callfn_ppc_thunk15(void);

static void (*const thunks[NTHUNKS])(void) = {
	callfn_ppc_thunk0,  callfn_ppc_thunk1,	callfn_ppc_thunk2,  callfn_ppc_thunk3,
	callfn_ppc_thunk4,  callfn_ppc_thunk5,	callfn_ppc_thunk6,  callfn_ppc_thunk7,
	callfn_ppc_thunk8,  callfn_ppc_thunk9,	callfn_ppc_thunk10, callfn_ppc_thunk11,
	callfn_ppc_thunk12, callfn_ppc_thunk13, callfn_ppc_thunk14, callfn_ppc_thunk15,
};

void *callfn_callable(void *raw)
{
	if (!raw)
		return NULL;
	/* a slot once given keeps its address: a case may hold the
	 * trampoline of a target it looked up earlier */
	for (unsigned i = 0; i < NTHUNKS; i++) {
		if (callfn_ppc_slot[i] == (uintptr_t)raw)
			return (void *)thunks[i];
		if (!callfn_ppc_slot[i]) {
			callfn_ppc_slot[i] = (uintptr_t)raw;
			return (void *)thunks[i];
		}
	}
	/* more distinct functions than any case looks up: none to give */
	return NULL;
}

uintptr_t callfn_raw(const void *fn, enum callfn_id id, const uintptr_t a[5], int *flag)
{
	(void)id;
	return callfn_ppc_raw(fn, a, flag);
}

#endif
