/* SPDX-License-Identifier: MIT */
/*
 * The vDSO as a caller without libc sees it: a language runtime calls it
 * from its own assembly, on a stack of its own choosing, and relies on
 * exactly what the psABI promises and nothing more.  callabi_call() is
 * such a caller.  It loads every callee-saved register with a canary and
 * the floating-point control state with a non-default value, switches to
 * a stack the caller prepared (aligned as the psABI demands at a call,
 * and no more), calls the function, and records what it finds on return.
 *
 * The psABI's callee-saved state, per architecture:
 *	x86_64	rbx rbp r12-r15; MXCSR control bits and the x87 control word
 *		(System V AMD64 psABI 3.2.1, 3.2.3); DF clear on entry and return
 *	i386	ebx esi edi ebp; the same control state and DF (i386 psABI 2.2)
 *	arm64	x19-x29, the low 64 bits of v8-v15, FPCR (AAPCS64 6.1)
 *	arm	r4-r11, d8-d15, FPSCR's control bits (AAPCS 5.1.1, 5.1.2.1)
 *	ppc64le	r14-r31, f14-f31, CR fields 2-4, FPSCR's control bits; r1
 *		(64-bit ELF V2 ABI, "Register Roles"); errors come back as
 *		CR0[SO] (callfn.h), which the harness turns into -errno in ret
 *	s390x	r6-r13, r15 (the stack pointer), f8-f15, the FPC's control
 *		bits (s390x ELF ABI supplement, "Register usage"); r6 also
 *		carries a fifth argument, and must still come back intact
 *	riscv64	s0-s11, fs0-fs11, fcsr's rounding mode (RISC-V ELF psABI,
 *		"Integer/Floating-point Register Convention")
 *	mips64	n64: s0-s7, s8 (fp) and gp, f24-f31, FCSR's control bits
 *		(MIPSpro N32/N64 ABI handbook, "Register usage")
 *	loongarch64 s0-s8, fp, fs0-fs7, fcsr0's enables and rounding mode
 *		(LoongArch ELF psABI, "Register Convention")
 * The harness itself is assembly, one file per architecture
 * (callabi_<arch>.c); elsewhere callabi_supported() is 0.
 */
#ifndef VDSOCONF_CASE_CALLABI_H
#define VDSOCONF_CASE_CALLABI_H

#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__) && !defined(__ILP32__)
#define CALLABI_NGPR 6
#define CALLABI_NFPR 0
#define CALLABI_ALIGN 16	/* rsp at the call (psABI 3.2.2) */
#elif defined(__i386__)
#define CALLABI_NGPR 4
#define CALLABI_NFPR 0
#define CALLABI_ALIGN 16	/* esp at the call: what Linux's gcc assumes (-mincoming-stack-boundary) */
#elif defined(__aarch64__) && !defined(__ILP32__)
#define CALLABI_NGPR 11
#define CALLABI_NFPR 8
#define CALLABI_ALIGN 16	/* sp always (AAPCS64 6.4.5.1) */
#elif defined(__arm__) && defined(__ARM_PCS_VFP)
#define CALLABI_NGPR 8
#define CALLABI_NFPR 8
#define CALLABI_ALIGN 8		/* sp at a public interface (AAPCS 5.2.1.2) */
#elif defined(__powerpc64__) && defined(_CALL_ELF) && _CALL_ELF == 2
#define CALLABI_NGPR 18
#define CALLABI_NFPR 18
#define CALLABI_MAXGPR 18
#define CALLABI_MAXFPR 18
#define CALLABI_FPR_FIRST 14
#define CALLABI_FPR_PREFIX "f"
#define CALLABI_ALIGN 16	/* r1 always (ELF V2 ABI, "The Stack Frame") */
#elif defined(__s390x__)
#define CALLABI_NGPR 8		/* r6-r13; r14 holds the return address, r15 is sp */
#define CALLABI_NFPR 8
#define CALLABI_FPR_PREFIX "f"
#define CALLABI_ALIGN 8		/* r15 at a call ("Stack frame"): doubleword */
#elif defined(__riscv) && __riscv_xlen == 64 && defined(__riscv_float_abi_double)
#define CALLABI_NGPR 12
#define CALLABI_NFPR 12
#define CALLABI_MAXFPR 12
#define CALLABI_FPR_FIRST 0
#define CALLABI_FPR_PREFIX "fs"
#define CALLABI_ALIGN 16	/* sp always */
#elif defined(__mips__) && defined(_ABI64) && _MIPS_SIM == _ABI64 && !defined(__mips_soft_float)
#define CALLABI_NGPR 10		/* s0-s7, s8, gp */
#define CALLABI_NFPR 8
#define CALLABI_FPR_FIRST 24
#define CALLABI_FPR_PREFIX "f"
#define CALLABI_ALIGN 16	/* sp always (n64) */
#elif defined(__loongarch__) && __loongarch_grlen == 64 && defined(__loongarch_double_float)
#define CALLABI_NGPR 10		/* s0-s8, fp */
#define CALLABI_NFPR 8
#define CALLABI_FPR_FIRST 0
#define CALLABI_FPR_PREFIX "fs"
#define CALLABI_ALIGN 16	/* sp always */
#else
#define CALLABI_NGPR 0
#define CALLABI_NFPR 0
#define CALLABI_ALIGN 16
#define CALLABI_NONE 1
#endif

#define CALLABI_NARGS 5
/* The register sets' sizes, which fix the layout below: the defaults
 * are those the x86 and arm harnesses were written for. */
#ifndef CALLABI_MAXGPR
#define CALLABI_MAXGPR 12
#endif
#ifndef CALLABI_MAXFPR
#define CALLABI_MAXFPR 8
#endif
#ifndef CALLABI_FPR_FIRST
#define CALLABI_FPR_FIRST 8	/* d8 (arm, arm64) */
#endif
#ifndef CALLABI_FPR_PREFIX
#define CALLABI_FPR_PREFIX "d"
#endif

/* The layout is shared with the assembly: change both together.  The
 * harnesses of the 64-bit architectures added later address it by the
 * CALLABI_OFF_* offsets below (as GNU as symbols, callabi_asm.h). */
struct callabi_regs {
	uint64_t fpr[CALLABI_MAXFPR];	/* d8-d15 (arm, arm64), f14-f31 (ppc64le), ... */
	uintptr_t gpr[CALLABI_MAXGPR];	/* in the order of callabi_gpr_name() */
	uintptr_t sp;
	uintptr_t flags;		/* x86 EFLAGS (out only); powerpc CR (in and out) */
	uintptr_t fpctl;		/* MXCSR, FPCR, FPSCR, FPC, fcsr or FCSR */
	uintptr_t x87cw;		/* x86 only */
};

struct callabi_call {
	struct callabi_regs in;		/* loaded before the call */
	struct callabi_regs out;	/* found after it */
	const void *fn;
	uintptr_t arg[CALLABI_NARGS];	/* integer or pointer arguments */
	uintptr_t sp;			/* the stack pointer at the call instruction */
	uintptr_t ret;			/* the integer return register */
};

/* Whether this architecture has a harness. */
int callabi_supported(void);

/* The call described by c (fn, arg, sp, in filled); out and ret are set
 * on return.  The stack at c->sp must be writable above it for the i386
 * and arm arguments passed on the stack. */
uintptr_t callabi_call(struct callabi_call *c);

/* c->in with canaries: a distinct value per register, non-default control
 * state; c->sp left alone. */
void callabi_canaries(struct callabi_call *c);

/* The first difference between c->in and c->out that the psABI forbids,
 * as "NAME: expected X, seen Y" into why; 0 when there is none. */
int callabi_clobbered(const struct callabi_call *c, char *why, size_t len);

/* Name of callee-saved register i ("rbx", "x19", ...). */
const char *callabi_gpr_name(unsigned i);

/* The caller's floating-point control state, to put back after a fault
 * left the canaries in place (a fault skips the harness's restore). */
void callabi_ctl_save(uintptr_t ctl[2]);
void callabi_ctl_restore(const uintptr_t ctl[2]);

/*
 * A painted stack: [lo, hi) writable, with guard pages (PROT_NONE) below
 * lo.  callabi_stack_sp() is where the call's stack pointer goes: `room`
 * bytes or a little more above lo, aligned to CALLABI_ALIGN and not to
 * twice that, so that a callee that assumes more than the psABI's
 * alignment meets a stack that does not have it.
 */
struct callabi_stack {
	void *map;
	size_t map_len;
	uintptr_t lo, hi;
};

#define CALLABI_PAINT 0xa5
#define CALLABI_GUARD_PAGES 16	/* 64 KiB of PROT_NONE below: a probe a page or more down faults */

/* 0, or -1 with why. */
int callabi_stack_open(struct callabi_stack *s, size_t room, char *why, size_t len);
void callabi_stack_close(struct callabi_stack *s);
uintptr_t callabi_stack_sp(const struct callabi_stack *s, size_t room);
/* Paint [lo, hi) with CALLABI_PAINT. */
void callabi_stack_paint(const struct callabi_stack *s);
/* The bytes below sp that no longer hold the paint (the high-water mark
 * of a call made with that sp). */
size_t callabi_stack_used(const struct callabi_stack *s, uintptr_t sp);

#endif
