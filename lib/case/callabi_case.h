/* SPDX-License-Identifier: MIT */
/* For the callabi cases: one guarded call through the harness, and the
 * set-up every such case shares.  Reports nothing; include after case.h. */
#ifndef VDSOCONF_CASE_CALLABI_CASE_H
#define VDSOCONF_CASE_CALLABI_CASE_H

#include <stdio.h>

#include "case/callabi.h"
#include "case/callfn.h"
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

#endif
