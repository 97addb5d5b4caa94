/* SPDX-License-Identifier: MIT */
/* For the callabi cases: one guarded call through the harness, and the
 * set-up, skips and call preparation every such case shares.  Include
 * after case.h. */
#ifndef VDSOCONF_CASE_CALLABI_CASE_H
#define VDSOCONF_CASE_CALLABI_CASE_H

#include <stdio.h>

#include "case/callabi.h"
#include "case/callfn.h"
#include "case/callfn_case.h"
#include "case/guard.h"
#include "case/vgetrandom.h"

struct callabi_run {
	struct callabi_call *c;
};

static inline void callabi__thunk(void *p)
{
	callabi_call(((struct callabi_run *)p)->c);
}

/* c through the harness under a fault guard: 0, or the signal with why.
 * The control state a fault leaves behind is put back. */
static inline int callabi_guarded(const struct case_ctx *ctx, struct callabi_call *c, char *why, size_t len)
{
	struct callabi_run r = { c };
	uintptr_t ctl[2];
	int sig;

	callabi_ctl_save(ctl);
	sig = case_guard_run(ctx->has_image ? &ctx->img : NULL, callabi__thunk, &r, why, len);
	callabi_ctl_restore(ctl);
	return sig;
}

/* The getrandom state for every getrandom call, when the target has one. */
static inline void callabi_setup_random(struct case_ctx *ctx)
{
	static struct vgr g;
	vdso_getrandom_t fn = (vdso_getrandom_t)case_fn(ctx, "getrandom");

	callfn_init();
	if (fn && vgr_open(&g, fn) == 0) {
		callfn_random.state = g.state;
		callfn_random.state_len = g.state_size;
	}
}

/* The getrandom state, and a stack with room bytes below its top; a stack
 * that cannot be had leaves s->lo 0 and why in no_stack. */
static inline void callabi_case_setup(struct case_ctx *ctx, struct callabi_stack *s, size_t room, char *no_stack,
				      size_t len)
{
	callabi_setup_random(ctx);
	if (callabi_supported() && callabi_stack_open(s, room, no_stack, len))
		s->lo = 0;
}

/* Reports the skip (or the failure to get a stack) and returns 1 when
 * role id cannot be called through the harness on s. */
static inline int callabi_case_skip(struct case_ctx *ctx, enum callfn_id id, const void *fn,
				    const struct callabi_stack *s, const char *no_stack)
{
	if (!callabi_supported()) {
		case_skip("no call harness for this architecture");
		return 1;
	}
	if (!s->lo) {
		case_fail("%s", no_stack);
		return 1;
	}
	return callfn_case_skip(ctx, id, fn);
}

/* c ready to call fn for variant v of role id with the stack pointer sp
 * and canaries in every callee-saved register; s its reference, d its
 * description. */
static inline void callabi_case_prepare(struct callabi_call *c, struct callfn_state *s, const void *fn,
					enum callfn_id id, unsigned v, uintptr_t sp, char *d, size_t dlen)
{
	callabi_canaries(c);
	c->fn = fn;
	c->sp = sp;
	callfn_prepare(s, id, v, c->arg);
	callfn_describe(id, v, d, dlen);
}

#endif
