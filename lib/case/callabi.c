/* SPDX-License-Identifier: MIT */
/* The parts of the call harness (callabi.h) that are not assembly. */
#include "callabi.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The assembly addresses these fields by fixed offsets. */
#define W sizeof(uintptr_t)
#define FPRS (CALLABI_MAXFPR * 8)
_Static_assert(offsetof(struct callabi_regs, gpr) == FPRS, "callabi_regs layout");
_Static_assert(offsetof(struct callabi_regs, sp) == FPRS + CALLABI_MAXGPR * W, "callabi_regs layout");
_Static_assert(sizeof(struct callabi_regs) == FPRS + (CALLABI_MAXGPR + 4) * W, "callabi_regs layout");
_Static_assert(offsetof(struct callabi_call, fn) == 2 * sizeof(struct callabi_regs), "callabi_call layout");
_Static_assert(offsetof(struct callabi_call, ret) == 2 * sizeof(struct callabi_regs) + 7 * W, "callabi_call layout");

static const char *const gpr_names[] = {
#if defined(__x86_64__)
	"rbx", "rbp", "r12", "r13", "r14", "r15",
#elif defined(__i386__)
	"ebx", "esi", "edi", "ebp",
#elif defined(__aarch64__)
	"x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29",
#elif defined(__arm__)
	"r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11",
#elif defined(__powerpc64__)
	"r14", "r15", "r16", "r17", "r18", "r19", "r20", "r21", "r22",
	"r23", "r24", "r25", "r26", "r27", "r28", "r29", "r30", "r31",
#elif defined(__s390x__)
	"r6", "r7", "r8", "r9", "r10", "r11", "r12", "r13",
#elif defined(__riscv)
	"s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
#elif defined(__mips__)
	"s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "gp",
#elif defined(__loongarch__)
	"s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "fp",
#endif
	"?",
};

const char *callabi_gpr_name(unsigned i)
{
	return i + 1 <= CALLABI_NGPR ? gpr_names[i] : "?";
}

/*
 * The control state loaded before the call: valid, not the default, and
 * with no exception trap enabled (a canary must not change what the
 * callee's instructions do beyond rounding).
 *	MXCSR 0xff80: every exception masked, round toward zero, flush to zero
 *	x87 CW 0x0f7f: every exception masked, 64-bit precision, round toward zero
 *	FPCR/FPSCR 0x03c00000: round toward zero, flush to zero, default NaN
 */
#if defined(__x86_64__) || defined(__i386__)
#define CTL_CANARY 0xff80u
#define CTL_MASK 0xffc0u	/* MXCSR bits 0-5 are sticky status flags, not control */
#define X87_CANARY 0x0f7fu
#define X87_MASK 0x1f3fu	/* the control word's defined bits */
#elif defined(__aarch64__)
#define CTL_CANARY 0x03c00000u
#define CTL_MASK 0xffffffffu	/* FPCR holds only control bits */
#elif defined(__arm__)
#define CTL_CANARY 0x03c00000u
#define CTL_MASK 0x07ff9f00u	/* FPSCR's control bits; NZCV, QC and the sticky flags may change */
#elif defined(__powerpc64__)
#define CTL_CANARY 0x1u		/* FPSCR RN = round toward zero */
#define CTL_MASK 0xffu		/* the enables VE OE UE ZE XE, NI and RN */
#define CTL_NAME "FPSCR"
#define CR_MASK 0x00fff000u	/* CR fields 2-4; 0, 1 and 5-7 are volatile */
#elif defined(__s390x__)
#define CTL_CANARY 0x1u		/* BFP rounding: toward zero */
#define CTL_MASK 0xf8000007u	/* the exception masks and the rounding mode */
#define CTL_NAME "FPC"
#elif defined(__riscv)
#define CTL_CANARY 0x20u	/* frm = RTZ */
#define CTL_MASK 0xe0u		/* frm; fflags are sticky status */
#define CTL_NAME "fcsr"
#elif defined(__mips__)
#define CTL_CANARY 0x1u		/* RM = toward zero */
#define CTL_MASK 0x01000f83u	/* FS, the enables, RM */
#define CTL_NAME "FCSR"
#elif defined(__loongarch__)
#define CTL_CANARY 0x100u	/* RM = toward zero */
#define CTL_MASK 0x31fu		/* RM and the enables */
#define CTL_NAME "fcsr0"
#else
#define CTL_CANARY 0u
#define CTL_MASK 0u
#endif

void callabi_canaries(struct callabi_call *c)
{
	memset(&c->in, 0, sizeof(c->in));
	for (unsigned i = 0; i < CALLABI_MAXFPR; i++)
		c->in.fpr[i] = 0xd8d8f00d00000000ull + (uint64_t)(i + 8) * 0x01010101ull;
	for (unsigned i = 0; i < CALLABI_MAXGPR; i++)
		c->in.gpr[i] = (uintptr_t)(sizeof(uintptr_t) == 8 ? 0xca11ab1e00000000ull : 0) +
			       (uintptr_t)0xc0de0000u + (uintptr_t)(i + 1) * 0x0101u;
	c->in.fpctl = CTL_CANARY;
#if defined(__x86_64__) || defined(__i386__)
	c->in.x87cw = X87_CANARY;
#endif
#ifdef CR_MASK
	/* a distinct nibble per nonvolatile field */
	c->in.flags = 0x00a5c000u;
#endif
}

#define HEX(v) ((unsigned long long)(v))

int callabi_clobbered(const struct callabi_call *c, char *why, size_t len)
{
	for (unsigned i = 0; i + 1 <= CALLABI_NGPR; i++)
		if (c->out.gpr[i] != c->in.gpr[i]) {
			snprintf(why, len, "%s: expected %#llx, seen %#llx", callabi_gpr_name(i), HEX(c->in.gpr[i]),
				 HEX(c->out.gpr[i]));
			return 1;
		}
	/* i + 1 <= N: no always-false comparison where N is 0 */
	for (unsigned i = 0; i + 1 <= CALLABI_NFPR; i++)
		if (c->out.fpr[i] != c->in.fpr[i]) {
			snprintf(why, len, CALLABI_FPR_PREFIX "%u: expected %#llx, seen %#llx", i + CALLABI_FPR_FIRST,
				 HEX(c->in.fpr[i]), HEX(c->out.fpr[i]));
			return 1;
		}
	if (c->out.sp != c->sp) {
		snprintf(why, len, "stack pointer: expected %#llx, seen %#llx", HEX(c->sp), HEX(c->out.sp));
		return 1;
	}
#if defined(__x86_64__) || defined(__i386__)
	if (c->out.flags & 0x400) {
		snprintf(why, len, "DF: expected clear, seen set (EFLAGS %#llx)", HEX(c->out.flags));
		return 1;
	}
	if ((c->out.x87cw & X87_MASK) != (c->in.x87cw & X87_MASK)) {
		snprintf(why, len, "x87 control word: expected %#llx, seen %#llx", HEX(c->in.x87cw & X87_MASK),
			 HEX(c->out.x87cw & X87_MASK));
		return 1;
	}
#endif
#ifdef CR_MASK
	if ((c->out.flags & CR_MASK) != (c->in.flags & CR_MASK)) {
		snprintf(why, len, "CR fields 2-4: expected %#llx, seen %#llx", HEX(c->in.flags & CR_MASK),
			 HEX(c->out.flags & CR_MASK));
		return 1;
	}
#endif
	if ((c->out.fpctl & CTL_MASK) != (c->in.fpctl & CTL_MASK)) {
		snprintf(why, len, "%s: expected %#llx, seen %#llx (control bits)",
#if defined(__x86_64__) || defined(__i386__)
			 "MXCSR",
#elif defined(__aarch64__)
			 "FPCR",
#elif defined(CTL_NAME)
			 CTL_NAME,
#else
			 "FPSCR",
#endif
			 HEX(c->in.fpctl & CTL_MASK), HEX(c->out.fpctl & CTL_MASK));
		return 1;
	}
	return 0;
}

int callabi_stack_open(struct callabi_stack *s, size_t room, char *why, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	/* room, the alignment slack, and a page above the call for the
	 * stacked arguments and the harness */
	size_t rw = ((room + 2 * CALLABI_ALIGN + page - 1) / page + 1) * page;
	size_t guard = CALLABI_GUARD_PAGES * page;
	unsigned char *m;

	memset(s, 0, sizeof(*s));
	m = mmap(NULL, guard + rw, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		snprintf(why, len, "mmap of a %zu-byte stack: %s", guard + rw, strerror(errno));
		return -1;
	}
	if (mprotect(m + guard, rw, PROT_READ | PROT_WRITE)) {
		snprintf(why, len, "mprotect of the stack: %s", strerror(errno));
		munmap(m, guard + rw);
		return -1;
	}
	s->map = m;
	s->map_len = guard + rw;
	s->lo = (uintptr_t)(m + guard);
	s->hi = s->lo + rw;
	return 0;
}

void callabi_stack_close(struct callabi_stack *s)
{
	if (s->map)
		munmap(s->map, s->map_len);
	memset(s, 0, sizeof(*s));
}

uintptr_t callabi_stack_sp(const struct callabi_stack *s, size_t room)
{
	uintptr_t sp = (s->lo + room + CALLABI_ALIGN - 1) & ~(uintptr_t)(CALLABI_ALIGN - 1);

	/* aligned to CALLABI_ALIGN, not to 2 * CALLABI_ALIGN */
	if (!(sp & CALLABI_ALIGN))
		sp += CALLABI_ALIGN;
	return sp;
}

void callabi_stack_paint(const struct callabi_stack *s)
{
	memset((void *)s->lo, CALLABI_PAINT, s->hi - s->lo);
}

size_t callabi_stack_used(const struct callabi_stack *s, uintptr_t sp)
{
	const unsigned char *p = (const unsigned char *)s->lo;

	while ((uintptr_t)p < sp && *p == CALLABI_PAINT)
		p++;
	return sp - (uintptr_t)p;
}

#if defined(CALLABI_NONE)
int callabi_supported(void)
{
	return 0;
}

uintptr_t callabi_call(struct callabi_call *c)
{
	(void)c;
	return 0;
}

void callabi_ctl_save(uintptr_t ctl[2])
{
	ctl[0] = ctl[1] = 0;
}

void callabi_ctl_restore(const uintptr_t ctl[2])
{
	(void)ctl;
}
#else
int callabi_supported(void)
{
	return 1;
}
#endif
