/* SPDX-License-Identifier: MIT */
/*
 * abi_regs: what a vDSO call leaves of its caller's state.  Language
 * runtimes (Go, for one) call the vDSO from their own assembly and keep
 * values in the registers the psABI says a callee preserves; a vDSO
 * that changes one corrupts them at random (on 32-bit ARM, Go kept its g
 * pointer in a register a compiled vDSO did not preserve:
 * golang/go#32912).  Each exported function, with valid arguments, for
 * every clock where it takes one, is called through lib/case/callabi.h's
 * harness with a canary in every callee-saved register, non-default
 * floating-point control state, and only the psABI's stack alignment.
 *
 *	abi.regs.<function>	every callee-saved register, the stack
 *				pointer, DF (x86), MXCSR and the x87 control
 *				word (x86), FPCR (arm64), FPSCR (arm) as they
 *				were; the result right (bracketed by system
 *				calls where it is a time)
 *
 * No tolerance: a register is preserved or it is not.
 */
#include "case/case.h"
#include "case/callabi_case.h"

#define STACK_ROOM (64 * 1024)	/* ample: abi_stack judges the depth */

static struct callabi_stack stack;
static char no_stack[256];

static void setup(struct case_ctx *ctx)
{
	callabi_case_setup(ctx, &stack, STACK_ROOM, no_stack, sizeof(no_stack));
}

static void check_fn(struct case_ctx *ctx, enum callfn_id id)
{
	const void *fn = case_fn_raw(ctx, callfn_role(id));
	char why[512], d[64];

	if (!case_point("abi.regs.%s", callfn_role(id)))
		return;
	if (callabi_case_skip(ctx, id, fn, &stack, no_stack))
		return;
	for (unsigned v = 0; v < callfn_variants(id); v++) {
		struct callabi_call c = { 0 };
		struct callfn_state s;
		intptr_t ret;

		callabi_case_prepare(&c, &s, fn, id, v, callabi_stack_sp(&stack, STACK_ROOM), d, sizeof(d));
		if (callabi_guarded(ctx, &c, why, sizeof(why))) {
			case_fail("the vDSO call %s faulted: %s", d, why);
			return;
		}
		ret = callfn_ret(id, c.ret);
		if (callabi_clobbered(&c, why, sizeof(why))) {
			case_fail("after %s: %s", d, why);
			return;
		}
		if (callfn_check(&s, ret, why, sizeof(why))) {
			case_fail("%s", why);
			return;
		}
	}
	case_pass();
}

static void run(struct case_ctx *ctx)
{
	callfn_case_each(ctx, check_fn);
}

static const struct case_spec spec = {
	.name = "abi_regs",
	.needs = CASE_NEED_VDSO,
	.setup = setup,
	.run = run,
};
CASE_MAIN(spec)
