/* SPDX-License-Identifier: MIT */
/* For the cases that call every exported function by role (abi_*): the
 * skips they share and the walk over the roles.  Include after case.h. */
#ifndef VDSOCONF_CASE_CALLFN_CASE_H
#define VDSOCONF_CASE_CALLFN_CASE_H

#include "case/callfn.h"

/* Reports the skip and returns 1 when role id cannot be called: the
 * target lacks it, or getrandom has no state to call it with. */
static inline int callfn_case_skip(struct case_ctx *ctx, enum callfn_id id, const void *fn)
{
	if (!fn) {
		case_skip("target exports no %s", case_role_sym(ctx, callfn_role(id))->name);
		return 1;
	}
	if (id == CF_GETRANDOM && !callfn_random.state) {
		case_skip("no getrandom state could be allocated");
		return 1;
	}
	return 0;
}

/* check for every role the target's table names. */
static inline void callfn_case_each(struct case_ctx *ctx, void (*check)(struct case_ctx *, enum callfn_id))
{
	for (int id = 0; id < CF_COUNT; id++)
		if (case_role_sym(ctx, callfn_role(id)))
			check(ctx, id);
}

#endif
