/* SPDX-License-Identifier: MIT */
/*
 * abi_stack: how much stack a vDSO call takes, measured on a small stack
 * of the case's own (mmap'd, painted, PROT_NONE guard pages below), with
 * the stack pointer at the call aligned as the psABI demands and no more.
 *
 *	abi.stack.<function>	every call of the function (every clock for
 *				the clock functions) stays within
 *				ABI_STACK_BOUND bytes below the stack pointer
 *				at the call, touches nothing below that (a
 *				stack probe faults on the guard pages), and
 *				does not fault for want of extra alignment;
 *				the high-water mark is reported
 *
 * The bound.  Go up to 1.9.2 called the vDSO's clock_gettime on the
 * goroutine stack, from NOSPLIT functions (src/runtime/sys_linux_amd64.s,
 * runtime·walltime and runtime·nanotime).  A NOSPLIT chain may use at
 * most _StackLimit = _StackGuard - _StackSystem - _StackSmall bytes below
 * the stack guard (src/runtime/stack.go, Go 1.9: _StackGuard =
 * 880*sys.StackGuardMultiplier + _StackSystem, _StackSmall = 128,
 * _StackSystem = 0 on Linux, StackGuardMultiplier = 1 outside race
 * builds), i.e. 880 - 0 - 128 = 752 bytes, and the vDSO call had to fit
 * in what the chain left of them.  A kernel built with stack probes
 * (Gentoo's hardened gcc enabled -fstack-check) touched memory a page
 * below the stack pointer there and corrupted other goroutines' stacks
 * (golang/go#20427); Go 1.10, and 1.9.3 by a backport (CL 76990,
 * "runtime: call amd64 VDSO entry points on large stack"), moved the call
 * to the g0 stack, but binaries built with earlier releases are static
 * and still run.  So a vDSO call must fit in _StackLimit, 752 bytes,
 * including its return address; one architecture's bound holds for all,
 * the code being the same generic lib/vdso.
 */
#include <stdlib.h>

#include "case/case.h"
#include "case/callabi_case.h"

#define ABI_STACK_BOUND 752

static struct callabi_stack stack;
static char no_stack[256];

static void setup(struct case_ctx *ctx)
{
	callabi_case_setup(ctx, &stack, ABI_STACK_BOUND, no_stack, sizeof(no_stack));
}

/* The address a SIGSEGV/SIGBUS description of guard.c names, or 0. */
static uintptr_t fault_address(const char *why)
{
	const char *a = strstr(why, "accessing 0x");

	return a ? (uintptr_t)strtoull(a + 10, NULL, 16) : 0;
}

static void check_fn(struct case_ctx *ctx, enum callfn_id id)
{
	const void *fn = case_fn_raw(ctx, callfn_role(id));
	size_t most = 0;
	char why[512], d[64], worst[64] = "";

	if (!case_point("abi.stack.%s", callfn_role(id)))
		return;
	if (callabi_case_skip(ctx, id, fn, &stack, no_stack))
		return;
	for (unsigned v = 0; v < callfn_variants(id); v++) {
		struct callabi_call c = { 0 };
		struct callfn_state s;
		uintptr_t at;
		size_t used;

		callabi_case_prepare(&c, &s, fn, id, v, callabi_stack_sp(&stack, ABI_STACK_BOUND), d, sizeof(d));
		callabi_stack_paint(&stack);
		if (callabi_guarded(ctx, &c, why, sizeof(why))) {
			at = fault_address(why);
			if (at && at < c.sp && c.sp - at < (CALLABI_GUARD_PAGES + 1) * 4096u)
				case_fail("%s touched the stack %lu bytes below the stack pointer at the call "
					  "(bound %d bytes; %lu bytes were mapped): %s",
					  d, (unsigned long)(c.sp - at), ABI_STACK_BOUND,
					  (unsigned long)(c.sp - stack.lo), why);
			else
				case_fail("%s faulted on a %d-byte stack aligned to %d bytes at the call: %s", d,
					  ABI_STACK_BOUND, CALLABI_ALIGN, why);
			return;
		}
		used = callabi_stack_used(&stack, c.sp);
		if (used > most) {
			most = used;
			snprintf(worst, sizeof(worst), "%s", d);
		}
	}
	case_diag("high-water mark %zu bytes below the stack pointer at the call (%s), bound %d", most,
		  worst[0] ? worst : "no call wrote the stack", ABI_STACK_BOUND);
	case_check(most <= ABI_STACK_BOUND, "%s used %zu bytes of stack, more than the %d bytes a caller may give",
		   worst, most, ABI_STACK_BOUND);
}

static void run(struct case_ctx *ctx)
{
	callfn_case_each(ctx, check_fn);
}

static const struct case_spec spec = {
	.name = "abi_stack",
	.needs = CASE_NEED_VDSO,
	.setup = setup,
	.run = run,
};
CASE_MAIN(spec)
