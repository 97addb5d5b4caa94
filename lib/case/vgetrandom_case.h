/* SPDX-License-Identifier: MIT */
/* What the getrandom case programs share that reports results: it is
 * inline, since case.h keeps each program's results in that program. */
#ifndef VDSOCONF_CASE_VGETRANDOM_CASE_H
#define VDSOCONF_CASE_VGETRANDOM_CASE_H

#include <stdlib.h>

#include "case.h"
#include "vgetrandom.h"

/* 0 when g has a state to draw with; else the point skips, saying why, and 1. */
static inline int vgr_skip_without_state(const struct vgr *g)
{
	if (g->state)
		return 0;
	case_skip("no state to draw with: %s", g->no_state);
	return 1;
}

/* malloc, or the case fails: out of memory is no finding about the vDSO. */
static inline void *vgr_xmalloc(size_t n)
{
	void *p = malloc(n);

	if (!p)
		ksft_exit_fail_msg("out of memory (%zu bytes)\n", n);
	return p;
}

#endif
