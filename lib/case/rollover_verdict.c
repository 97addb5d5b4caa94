/* SPDX-License-Identifier: MIT */
/* The verdict on one attempt of a rollover probe: what went wrong, or that
 * the boundary was not read densely enough to judge. */
#include "rollover.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "clocks.h"
#include "known.h"
#include "rollover_state.h"
#include "timecheck.h"

static char *fmt_val(char *buf, size_t len, const struct roll_val *v)
{
	snprintf(buf, len, "{%" PRId64 ", %" PRId64 "}", v->sec, v->frac);
	return buf;
}

/* "+37.2 us" from the boundary */
char *roll_fmt_rel(char *buf, size_t len, int64_t ns)
{
	snprintf(buf, len, "%+.1f us", (double)ns / 1e3);
	return buf;
}

static const char *fn_name(const struct roll_src *s)
{
	return s->unit == 1 ? "time" : s->unit == 1000000 ? "gettimeofday" : "clock_gettime";
}

const char *roll_boundary_name(const struct roll_probe *p, const struct roll_state *st, char *buf, size_t len)
{
	if (p->kind == ROLL_TICK)
		snprintf(buf, len, "the kernel's last tick");
	else
		snprintf(buf, len, "the start of second %" PRId64 "%s", st->bsec,
			 st->bsec == 1LL << 31 ? " (2^31)" : st->bsec == 1LL << 32 ? " (2^32)" : "");
	return buf;
}

/* 1 when the attempt found a bug, with the message in r */
int roll_judge_bad(const struct roll_probe *p, const struct roll_state *st, struct case_result *r)
{
	const struct roll_src *s = p->src;
	const struct roll_attempt *at = &st->at;
	char v1[48], v2[48], v3[48], pos[32], bn[64], e1[48], e2[48];
	const char *ref = s->sec32 ? "time32 syscall" : "syscall";

	roll_boundary_name(p, st, bn, sizeof(bn));
	if (at->sysfail) {
		case_result_set(r, CASE_R_FAIL, "the %s system call for %s failed mid-check with %s", fn_name(s), s->name,
				case_err_name(at->sysfail, e1, sizeof(e1)));
	} else if (at->refused) {
		case_result_set(r, CASE_R_FAIL, "the %s said %s in %llu of %llu rounds, the vDSO %s (first %s from %s: "
				"%s)", ref, case_err_name(at->refused_rc, e1, sizeof(e1)), at->refused, at->rounds,
				case_err_name(at->first_rc, e2, sizeof(e2)), roll_fmt_rel(pos, sizeof(pos), at->f_refused.pos),
				bn, fmt_val(v2, sizeof(v2), &at->f_refused.v));
	} else if (at->errs) {
		case_result_set(r, CASE_R_FAIL, "vDSO %s(%s) returned %s in %llu of %llu rounds, the %s 0", fn_name(s),
				s->name, case_err_name(at->first_rc, e1, sizeof(e1)), at->errs, at->rounds, ref);
	} else if (at->kernel32) {
		case_result_set(r, CASE_R_FAIL,
				"expected the time32 system call to give the 64-bit time with tv_sec cut to its low "
				"32 bits (kernel/time/time.c, __put_old_timespec32), which is what the vDSO is held "
				"to; in %llu of %llu rounds it did not, first %s from %s: %s after the 64-bit "
				"syscall's %s",
				at->kernel32, at->rounds, roll_fmt_rel(pos, sizeof(pos), at->f_kernel32.pos), bn,
				fmt_val(v1, sizeof(v1), &at->f_kernel32.a), fmt_val(v2, sizeof(v2), &at->f_kernel32.prev));
	} else if (at->unnorm) {
		case_result_set(r, CASE_R_FAIL,
				"expected 0 <= %s < %" PRId64 "%s in every reading; %llu of %llu were not, first %s from "
				"%s: %s (the %s before it: %s)",
				s->unit == 1000000 ? "tv_usec" : "tv_nsec", s->unit, s->sec32 ? "" : " and tv_sec >= 0",
				at->unnorm, at->rounds, roll_fmt_rel(pos, sizeof(pos), at->f_unnorm.pos), bn,
				fmt_val(v2, sizeof(v2), &at->f_unnorm.v), ref, fmt_val(v1, sizeof(v1), &at->f_unnorm.a));
	} else if (at->outside) {
		case_result_set(r, CASE_R_FAIL,
				"expected %s <= vDSO <= %s in every round (exact: the same timekeeper data); %llu of %llu "
				"rounds were outside, first %s from %s: %s, vDSO %s, %s%s",
				ref, ref, at->outside, at->rounds, roll_fmt_rel(pos, sizeof(pos), at->f_outside.pos), bn,
				fmt_val(v1, sizeof(v1), &at->f_outside.a), fmt_val(v2, sizeof(v2), &at->f_outside.v),
				fmt_val(v3, sizeof(v3), &at->f_outside.b),
				s->sec32 ? " (time32: seconds compared in their low 32 bits)" : "");
	} else if (at->back) {
		case_result_set(r, CASE_R_FAIL,
				"expected no vDSO reading below the one before it; %llu of %llu went back, first %s from "
				"%s: %s, then %s",
				at->back, at->rounds, roll_fmt_rel(pos, sizeof(pos), at->f_back.pos), bn,
				fmt_val(v1, sizeof(v1), &at->f_back.prev), fmt_val(v2, sizeof(v2), &at->f_back.v));
	} else if (at->stale) {
		char label[192];

		case_result_set(r, CASE_R_XFAIL,
				"%s: in %llu of %llu rounds vDSO time() was one second ahead of the time syscall read "
				"after it, and CLOCK_REALTIME_COARSE, read at once, already had that second; first %s "
				"from %s: %s, vDSO %s, %s, then CLOCK_REALTIME_COARSE's second %" PRId64,
				case_known_label(KNOWN_TIME_STALE_SECOND, label, sizeof(label)), at->stale, at->rounds,
				roll_fmt_rel(pos, sizeof(pos), at->f_stale.pos), bn, fmt_val(v1, sizeof(v1), &at->f_stale.a),
				fmt_val(v2, sizeof(v2), &at->f_stale.v), fmt_val(v3, sizeof(v3), &at->f_stale.b),
				at->stale_settled);
	} else {
		return 0;
	}
	return 1;
}

void roll_not_seen(struct roll_probe *p, const struct roll_state *st)
{
	const struct roll_src *s = p->src;
	char bn[64];

	if (p->kind == ROLL_AT)
		p->late = ROLL_MISSED;	/* preempted, or woken late: the same lead again */
	if (p->kind == ROLL_TICK) {
		case_result_set(&p->res, CASE_R_SKIP, "saw %d of %d changes of %s read densely on both sides (at most "
				"4 times the mean distance between readings, %lld us to a tick) in %d attempts of %.0f "
				"ms: the machine is too loaded (or the tick stopped) to read across a tick; no verdict",
				st->at.changes, ROLL_TICKS, s->name, ROLL_DENSE_NS / 1000, st->attempt,
				(double)(st->hard_end - st->start) / 1e6);
		return;
	}
	case_result_set(&p->res, CASE_R_SKIP, "no readings of %s on both sides of %s read densely (at most 4 times "
			"the mean distance between readings, %lld us to a tick) in %d attempts (%llu rounds in the "
			"last): the reader was late or preempted, so nothing shows the crossing; no verdict",
			s->name, roll_boundary_name(p, st, bn, sizeof(bn)), ROLL_DENSE_NS / 1000, st->attempt,
			st->at.rounds);
}

/* when roll_run() must be done: no attempt begins that could end later */
