/* SPDX-License-Identifier: MIT */
/* A rollover probe's schedule and its current attempt: shared by the
 * scheduler and reader (rollover.c) and the verdict (rollover_verdict.c),
 * private to them. */
#ifndef VDSOCONF_CASE_ROLLOVER_STATE_H
#define VDSOCONF_CASE_ROLLOVER_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "rollover.h"

enum { ST_PENDING, ST_ACTIVE, ST_REPLAN, ST_DONE };

struct roll_state {
	/* the schedule, kept across attempts */
	int phase, attempt;
	int64_t start, end, hard_end;	/* the window, in MONOTONIC ns */
	int64_t t_bound;		/* when the boundary comes (ROLL_TICK: when the kernel last ticked) */
	int64_t bsec;			/* the second whose start is crossed (ROLL_SECOND, ROLL_AT) */
	int plan_rc;			/* the phase clock's syscall failed: the attempt fails with it */
	int have_tick;			/* coarse: a tick seen, when and at what value */
	int64_t tick_at, tick_val;
	/* this attempt, cleared when it begins */
	struct roll_attempt {
		int watch;
		int64_t t0;
		unsigned long long rounds, errs, refused, unnorm, outside, back, kernel32, stale;
		int first_rc, refused_rc, sysfail, have_last;
		int64_t last_x, last_r0, last_ref;
		int64_t gap_sum, gaps;		/* between consecutive readings, for dense_limit() */
		struct roll_val last_v;
		struct roll_bad {	/* the first bad round of each kind */
			struct roll_val a, v, b, prev;
			int64_t pos;	/* from the boundary, ns */
		} f_refused, f_unnorm, f_outside, f_back, f_kernel32, f_stale;
		int64_t stale_settled;		/* f_stale: the settled seconds read after it */
		int crossed, changes;
		int64_t x_before, x_after, gap;	/* the readings next to the boundary (ns from it), their distance */
		int64_t last_change_t, first_step;
	} at;
};

/* 1 with r set when the attempt went wrong (an error, a bad reading) */
int roll_judge_bad(const struct roll_probe *p, const struct roll_state *st, struct case_result *r);
/* the probe's skip: its boundary never read densely */
void roll_not_seen(struct roll_probe *p, const struct roll_state *st);
const char *roll_boundary_name(const struct roll_probe *p, const struct roll_state *st, char *buf, size_t len);
char *roll_fmt_rel(char *buf, size_t len, int64_t ns);

#endif
