/* SPDX-License-Identifier: MIT */
/*
 * The call harness (lib/case/callabi.h) checked on itself: functions that
 * change one piece of the callee-saved state each, called through it on a
 * painted stack.  One line per function, "NAME: clean" or "NAME: <what the
 * harness reported>", then the return value and the stack used, which
 * tests/test_callabi.py compares with what each function does.  The fakes
 * prove the same on x86; this runs on every architecture with a harness,
 * the foreign ones under qemu-user.
 */
#include <stdio.h>
#include <string.h>

#include "case/callabi.h"

/* Five arguments: on i386 and arm some travel on the stack. */
static int good(int a, int b, int c, int d, int e)
{
	return a + 2 * b + 3 * c + 4 * d + 5 * e;
}

/* 64 bytes of locals, written: stack use the harness must see. */
static int uses_stack(int a, int b, int c, int d, int e)
{
	volatile char buf[64];

	memset((char *)buf, a, sizeof(buf));
	return buf[0] + b + c + d + e;
}

#if defined(__x86_64__)
#define GPR_CLOBBER "mov $7, %%r13"
#define GPR_LIST "r13"
#define FPR_CLOBBER ""
#define CTL_CLOBBER "ldmxcsr %0"
#define FLAG_CLOBBER "std"
#elif defined(__i386__)
#define GPR_CLOBBER "mov $7, %%esi"
#define GPR_LIST "esi"
#define FPR_CLOBBER ""
#define CTL_CLOBBER "ldmxcsr %0"
#define FLAG_CLOBBER "std"
#elif defined(__aarch64__)
#define GPR_CLOBBER "mov x21, #7"
#define GPR_LIST "x21"
#define FPR_CLOBBER "fmov d12, #1.0"
#define CTL_CLOBBER "msr fpcr, %0"
#define FLAG_CLOBBER ""
#elif defined(__arm__)
#define GPR_CLOBBER "mov r5, #7"
#define GPR_LIST "r5"
#define FPR_CLOBBER "vmov.f64 d9, #1.0"
#define CTL_CLOBBER "vmsr fpscr, %0"
#define FLAG_CLOBBER ""
#elif defined(__powerpc64__)
#define GPR_CLOBBER "li 21, 7"
#define GPR_LIST "r21"
#define FPR_CLOBBER "fsub 20, 20, 20"
#define CTL_CLOBBER "mtfsfi 7, 0"
#define FLAG_CLOBBER "crclr 8"	/* CR2's LT: a nonvolatile field */
#elif defined(__s390x__)
#define GPR_CLOBBER "lghi %%r9, 7"
#define GPR_LIST "r9"
#define FPR_CLOBBER "lzdr %%f12"
#define CTL_CLOBBER "lfpc %0"
#define CTL_MEM 1
#define FLAG_CLOBBER ""
#elif defined(__riscv)
#define GPR_CLOBBER "li s5, 7"
#define GPR_LIST "s5"
#define FPR_CLOBBER "fmv.d.x fs9, zero"
#define CTL_CLOBBER "fscsr %0"
#define FLAG_CLOBBER ""
#elif defined(__mips__)
#define GPR_CLOBBER "li $19, 7"
#define GPR_LIST "s3"
#define FPR_CLOBBER "dmtc1 $0, $f26"
#define CTL_CLOBBER "ctc1 %0, $31"
#define FLAG_CLOBBER ""
#elif defined(__loongarch__)
#define GPR_CLOBBER "li.d $s3, 7"
#define GPR_LIST "s3"
#define FPR_CLOBBER "movgr2fr.d $fs2, $zero"
#define CTL_CLOBBER "movgr2fcsr $fcsr0, %0"
#define FLAG_CLOBBER ""
#endif

#if !defined(CALLABI_NONE)
/* The clobbers are the point: the compiler is not told of them, as a
 * callee that breaks the psABI does not tell its caller. */
static int gpr(int a, int b, int c, int d, int e)
{
	__asm__ volatile(GPR_CLOBBER ::: "memory");
	return good(a, b, c, d, e);
}

static int fpr(int a, int b, int c, int d, int e)
{
	__asm__ volatile(FPR_CLOBBER ::: "memory");
	return good(a, b, c, d, e);
}

/* back to the default control state: MXCSR 0x1f80, FPCR/FPSCR 0 */
static int ctl(int a, int b, int c, int d, int e)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned v = 0x1f80;

	__asm__ volatile(CTL_CLOBBER : : "m"(v) : "memory");
#elif defined(CTL_MEM)
	unsigned v = 0;

	__asm__ volatile(CTL_CLOBBER : : "Q"(v) : "memory");
#else
	unsigned long v = 0;

	__asm__ volatile(CTL_CLOBBER : : "r"(v) : "memory");
#endif
	return good(a, b, c, d, e);
}

static int flag(int a, int b, int c, int d, int e)
{
	int r = good(a, b, c, d, e);

	__asm__ volatile(FLAG_CLOBBER ::: "memory");
	return r;
}
#endif

int main(void)
{
	static const struct {
		const char *name;
		int (*fn)(int, int, int, int, int);
	} fns[] = {
		{ "good", good },
		{ "uses_stack", uses_stack },
#if !defined(CALLABI_NONE)
		{ "gpr", gpr },
		{ "fpr", fpr },
		{ "ctl", ctl },
		{ "flag", flag },
#endif
	};
	struct callabi_stack s;
	char why[256];

	if (!callabi_supported()) {
		puts("no harness");
		return 0;
	}
	if (callabi_stack_open(&s, 4096, why, sizeof(why))) {
		printf("stack: %s\n", why);
		return 1;
	}
	printf("register %s\n", GPR_LIST);
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		struct callabi_call c;
		uintptr_t ret;

		memset(&c, 0, sizeof(c));
		callabi_canaries(&c);
		c.fn = (const void *)fns[i].fn;
		for (int k = 0; k < CALLABI_NARGS; k++)
			c.arg[k] = (uintptr_t)(k + 1);
		c.sp = callabi_stack_sp(&s, 4096);
		callabi_stack_paint(&s);
		ret = callabi_call(&c);
		printf("%s: %s ret=%d used=%zu sp%%align=%lu sp%%2align=%lu\n", fns[i].name,
		       callabi_clobbered(&c, why, sizeof(why)) ? why : "clean", (int)ret,
		       callabi_stack_used(&s, c.sp), (unsigned long)(c.sp % CALLABI_ALIGN),
		       (unsigned long)(c.sp % (2 * CALLABI_ALIGN)));
	}
	return 0;
}
