/* SPDX-License-Identifier: MIT */
#include "rollover.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "clocks.h"
#include "known.h"
#include "rollover_state.h"
#include "timecheck.h"

/* fractions of the source's unit, in ns */
static int64_t ns_per(const struct roll_src *s)
{
	return ROLL_NS / s->unit;
}

/* The 64-bit seconds whose low 32 bits are sec32, nearest to anchor. */
static int64_t unwrap32(int64_t sec32, int64_t anchor)
{
	uint32_t d = (uint32_t)(uint64_t)sec32 - (uint32_t)(uint64_t)anchor;

	return anchor + (d >= 0x80000000u ? (int64_t)d - 0x100000000LL : (int64_t)d);
}

/* a reading as an instant in ns; seconds of a time32 entry unwrapped.
 * Garbage (beyond 2^62 ns, 146 years, the kernel's own limit for time
 * namespaces, or a fraction of more than 4 s) lands far outside any
 * bracket instead of overflowing. */
#define ROLL_FAR (INT64_MAX / 2)
static int64_t instant(const struct roll_src *s, const struct roll_val *v, int64_t anchor)
{
	int64_t sec = s->sec32 ? unwrap32(v->sec, anchor) : v->sec, frac = v->frac;

	if (sec > ROLL_FAR / ROLL_NS || frac > 4 * s->unit)
		return ROLL_FAR;
	if (sec < -ROLL_FAR / ROLL_NS || frac < -4 * s->unit)
		return -ROLL_FAR;
	return sec * ROLL_NS + frac * ns_per(s);
}

static int normalised(const struct roll_src *s, const struct roll_val *v)
{
	return v->frac >= 0 && v->frac < s->unit && (s->sec32 || v->sec >= 0);
}

/* --- scheduling --------------------------------------------------------------- */

/* How long before its boundary a probe's window opens (rollover.h) */
static int64_t lead_ns(const struct roll_probe *p)
{
	clockid_t ph = p->src->phase;
	int tick = p->kind == ROLL_TICK || p->src->coarse || ph == CLOCK_MONOTONIC || ph == CLOCK_BOOTTIME;

	return tick ? ROLL_TICK_PRE_NS : ROLL_PRE_NS;
}

/* The next tick of a coarse source: when (MONOTONIC) its coarse clock
 * changed and to what, seen by readings at most ROLL_SEEN_NS apart; 0, or
 * -1 when no tick was seen so within three ticks.  This only places a
 * window that opens ROLL_TICK_PRE_NS before the predicted tick, so the
 * tick need not be seen as closely as a crossing is judged: a third of
 * that lead leaves most of it.  Asking ROLL_DENSE_NS here failed where
 * the timer interrupt itself takes tens of microseconds (a virtual
 * machine): the search then spun for three ticks and gave up, and a
 * reader that spun so just before its sleep had used up its share of the
 * CPU and woke late, at the next tick (docs/cases.md, `rollover`). */
#define ROLL_SEEN_NS (ROLL_TICK_PRE_NS / 3)
static int next_tick(const struct roll_probe *p, int64_t *when, int64_t *value)
{
	int rc;
	int64_t v0 = roll_clock_ns(p->src->tick_id, &rc), t0 = roll_mono_ns();
	int64_t end = t0 + 3 * p->res_ns + ROLL_POST_NS;

	while (!rc && t0 < end) {
		int64_t v = roll_clock_ns(p->src->tick_id, &rc), t = roll_mono_ns();

		if (!rc && v != v0 && t - t0 <= ROLL_SEEN_NS) {
			*when = t;
			*value = v;
			return 0;
		}
		v0 = v;
		t0 = t;
	}
	return -1;
}

/*
 * A coarse source crosses the second at the first tick whose accumulated
 * time reaches it, up to a tick or two after the fine clock.  Ticks come
 * every res, each adding about res to the coarse clock (within the 500 ppm
 * NTP may slew: 0.5 ms over a second; where that moves the crossing to the
 * tick after, the window stays open for it), so one tick seen
 * now tells when: the window is placed around that tick, not around the
 * fine boundary, and the reader does not spin for milliseconds before it
 * (spinning uses up its share of the CPU, and the scheduler then preempts
 * it at a tick: the very one that matters).  The ticks drift from such a
 * prediction where the timer and the clocksource disagree slightly (a
 * virtual machine's may), so it is made afresh for each attempt, and
 * the lead covers the rest.  0, or -1 when no tick was seen (the window
 * then spans every tick that may cross).
 */
static int plan_coarse(const struct roll_probe *p, struct roll_state *st)
{
	int64_t k, now;

	/* seen afresh each time: the ticks drift from a prediction made a
	 * second earlier; plan() runs while no window is open */
	st->have_tick = !next_tick(p, &st->tick_at, &st->tick_val);
	if (!st->have_tick)
		return -1;
	for (;;) {
		k = (st->bsec * ROLL_NS - st->tick_val + p->res_ns - 1) / p->res_ns;
		st->t_bound = st->tick_at + (k > 0 ? k : 0) * p->res_ns;
		now = roll_mono_ns();
		if (p->kind == ROLL_AT || st->t_bound - now >= lead_ns(p) + ROLL_POST_NS)
			break;
		st->bsec++;	/* too close to be ready: the one after */
	}
	st->start = st->t_bound - lead_ns(p);
	st->hard_end = st->t_bound + 2 * p->res_ns + ROLL_POST_NS;
	st->end = INT64_MAX;
	return 0;
}

static void plan(struct roll_probe *p, struct roll_state *st)
{
	int64_t now, ph, dist;
	int rc;

	st->attempt++;
	if (p->kind == ROLL_TICK) {
		/* just before a tick, predicted from one seen now: what the
		 * reader spins before it uses up its share of the CPU, and the
		 * scheduler preempts at a tick; a retry waits a little, as
		 * what spoilt the attempt (a burst of load) may last a while */
		now = roll_mono_ns() + (st->attempt > 1 ? ROLL_TICK_RETRY_NS : 0);
		st->have_tick = !next_tick(p, &st->tick_at, &st->tick_val);
		if (st->have_tick) {
			int64_t k = (now + lead_ns(p) - st->tick_at + p->res_ns - 1) / p->res_ns;

			st->t_bound = st->tick_at + k * p->res_ns;
			st->start = st->t_bound - lead_ns(p);
			st->end = st->hard_end = st->t_bound + 2 * p->res_ns + ROLL_POST_NS;
			return;
		}
		st->start = st->t_bound = now;
		st->end = st->hard_end = now + (ROLL_TICKS + 1) * 3 * p->res_ns + ROLL_POST_NS;
		return;
	}
	ph = roll_clock_ns(p->src->phase, &rc);
	now = roll_mono_ns();
	st->plan_rc = rc;
	if (rc) {	/* nothing to wait for: the attempt fails at once */
		st->start = st->t_bound = st->end = st->hard_end = now;
		return;
	}
	if (p->kind == ROLL_AT) {
		st->bsec = p->at_sec;
		dist = p->at_sec * ROLL_NS - ph;
	} else {
		st->bsec = ph / ROLL_NS + 1;
		dist = st->bsec * ROLL_NS - ph;
		if (dist < lead_ns(p) + ROLL_POST_NS) {	/* too close to be ready: the one after */
			st->bsec++;
			dist += ROLL_NS;
		}
	}
	if (p->src->coarse && !plan_coarse(p, st))
		return;
	/* the coarse clock lags its fine twin by at most 3 x res
	 * (clock_gettime.c, COARSE_TICKS, says why) */
	st->t_bound = now + dist;
	st->start = now + dist - lead_ns(p);
	st->hard_end = now + dist + (p->src->coarse ? 3 * p->res_ns : 0) + ROLL_POST_NS;
	st->end = p->src->coarse ? INT64_MAX : st->hard_end;
}

static void begin(struct roll_probe *p, struct roll_state *st)
{
	memset(&st->at, 0, sizeof(st->at));
	st->at.sysfail = st->plan_rc;
	st->phase = ST_ACTIVE;
	st->at.watch = p->src->wall ? clockset_watch() : -1;
}

/* --- verdicts (the judging of one attempt: rollover_verdict.c) ----------- */

static int64_t deadline;

static int may_retry(const struct roll_probe *p)
{
	int64_t next = p->kind == ROLL_TICK ? ROLL_TICK_RETRY_NS + 3 * p->res_ns : ROLL_NS + 3 * p->res_ns;

	return p->kind != ROLL_AT && roll_mono_ns() + next + ROLL_POST_NS <= deadline;
}

static void judge(struct roll_probe *p, struct roll_state *st, int64_t now)
{
	const struct roll_attempt *at = &st->at;
	const struct roll_src *s = p->src;
	struct case_result r;
	char bn[64], b1[32], b2[32];
	int set = clockset_fired(at->watch);

	clockset_close(at->watch);
	st->at.watch = -1;
	memset(&r, 0, sizeof(r));
	st->phase = ST_DONE;
	if (roll_judge_bad(p, st, &r)) {
		if (set && may_retry(p)) {
			/* a clock step breaks the order legitimately: again */
			st->phase = ST_REPLAN;
		} else if (set) {
			case_result_set(&p->res, CASE_R_SKIP, "CLOCK_REALTIME was set (stepped) during every attempt: no "
					"verdict possible (last: %s)", r.msg);
		} else {
			p->res = r;
		}
		return;
	}
	if (p->kind == ROLL_TICK ? at->changes < ROLL_TICKS : !at->crossed) {
		if (may_retry(p)) {	/* again at the next second, or a little later for a tick */
			st->phase = ST_REPLAN;
		} else {
			roll_not_seen(p, st);
		}
		return;
	}
	if (p->kind == ROLL_TICK)
		snprintf(p->res.diag, sizeof(p->res.diag),
			 "%llu rounds in %.1f ms saw %d ticks of %s (first step %.3f ms; attempt %d), read %.1f us "
			 "apart either side of the first; all bracketed exactly, normalised, in order",
			 at->rounds, (double)(now - at->t0) / 1e6, at->changes, s->name, (double)at->first_step / 1e6,
			 st->attempt, (double)at->gap / 1e3);
	else
		snprintf(p->res.diag, sizeof(p->res.diag),
			 "%llu rounds in %.1f ms around %s (attempt %d); vDSO readings at %s and %s from it, %.1f us "
			 "apart; all bracketed exactly, normalised, in order%s",
			 at->rounds, (double)(now - at->t0) / 1e6, roll_boundary_name(p, st, bn, sizeof(bn)), st->attempt,
			 roll_fmt_rel(b1, sizeof(b1), at->x_before), roll_fmt_rel(b2, sizeof(b2), at->x_after),
			 (double)at->gap / 1e3, s->sec32 ? "; time32: seconds as their low 32 bits" : "");
	p->res.status = CASE_R_PASS;
}

/* --- one round ---------------------------------------------------------------- */

/* How far apart the readings either side of a boundary may be: as close
 * as the reader manages in the rest of the window (4 times the mean
 * distance between consecutive readings: ordinary jitter passes, a
 * preemption does not), ROLL_DENSE_NS at least (an interrupt should not
 * void an attempt), a tick at most: a carry left undone until the next
 * timekeeping update is read. */
static int64_t dense_limit(const struct roll_probe *p, const struct roll_attempt *at)
{
	int64_t tick = p->res_ns > ROLL_DENSE_NS ? p->res_ns : ROLL_DENSE_NS;
	int64_t lim = at->gaps ? 4 * (at->gap_sum / at->gaps) : tick;

	return lim < ROLL_DENSE_NS ? ROLL_DENSE_NS : lim > tick ? tick : lim;
}

static void note(unsigned long long *count, struct roll_bad *first, int64_t pos, const struct roll_val *a,
		 const struct roll_val *v, const struct roll_val *b, const struct roll_val *prev)
{
	if ((*count)++)
		return;
	first->pos = pos;
	first->a = *a;
	first->v = *v;
	first->b = *b;
	first->prev = *prev;
}

/* a reading ahead of the reference after it: the known defect's shape,
 * the settled seconds read at once (known.h) */
static int is_stale_second(const struct roll_probe *p, struct roll_attempt *at, int64_t x, int64_t xb)
{
	int rc = 0;
	int64_t settled;

	if (!p->src->settled || !p->ctx)
		return 0;
	settled = p->src->settled(&rc) / ROLL_NS;
	if (rc || !case_known_time_stale_second(p->ctx, x / ROLL_NS, xb / ROLL_NS, settled))
		return 0;
	if (!at->stale)
		at->stale_settled = settled;
	return 1;
}

static void one_round(struct roll_probe *p, struct roll_state *st, int64_t t)
{
	const struct roll_src *s = p->src;
	struct roll_attempt *at = &st->at;
	struct roll_val a, v, b, anchor_v = { 0, 0 };
	int64_t anchor = 0, anchor_ns = 0, xa, xb, x, pos, r0, r1, gap, bound = st->bsec * ROLL_NS;
	int ra, rv, rb, stamped = s->coarse || p->kind == ROLL_TICK;

	if (s->sec32) {	/* the 64-bit time, to unwrap the 32-bit seconds against */
		int rc;

		/* the reference's own clock: time() is the coarse seconds */
		anchor_ns = roll_clock_ns(s->coarse ? s->tick_id : s->id, &rc);
		if (rc) {
			at->sysfail = rc;
			return;
		}
		anchor = anchor_ns / ROLL_NS;
		anchor_v.sec = anchor;
		anchor_v.frac = anchor_ns % ROLL_NS;
	}
	/* when the round was: the references bracket the reading, but those
	 * of a coarse clock move only at the tick; MONOTONIC then */
	r0 = stamped ? roll_mono_ns() : 0;
	ra = s->ref(s, &a);
	rv = s->vdso(s, &v);
	rb = s->ref(s, &b);
	if (!at->rounds++)
		at->t0 = t;
	xa = instant(s, &a, anchor);
	xb = instant(s, &b, anchor);
	r1 = stamped ? roll_mono_ns() : xb;
	if (!stamped)
		r0 = xa;
	/* where the round was, from the boundary */
	pos = stamped ? r0 - st->t_bound : xa - bound;
	if (ra || rb) {
		/* a system call that refuses (as the time32 one might past
		 * 2^31 s on some kernel): the vDSO must refuse alike */
		int rs = ra ? ra : rb;

		if (rv != rs && !at->refused) {
			at->refused_rc = rs;
			at->first_rc = rv;
		}
		if (rv != rs)
			note(&at->refused, &at->f_refused, pos, &a, &v, &b, &a);
		return;
	}
	if (p->kind == ROLL_TICK && ((at->rounds > 1 && xa != at->last_ref) || xb != xa)) {
		st->t_bound = r0;	/* the kernel ticked since the last round, or in this one */
		pos = 0;
	}
	at->last_ref = xb;
	/* gettimeofday and time truncate the 64-bit time they come from */
	if (s->sec32 && (xa < anchor_ns - anchor_ns % ns_per(s) || xa > xb))
		note(&at->kernel32, &at->f_kernel32, pos, &a, &v, &b, &anchor_v);
	if (rv) {
		if (!at->errs++)
			at->first_rc = rv;
		return;
	}
	if (!normalised(s, &v))
		note(&at->unnorm, &at->f_unnorm, pos, &a, &v, &b, &a);
	x = instant(s, &v, anchor);
	/* gettimeofday and time truncate, the vDSO's and the kernel's
	 * alike: the truncated references still bracket exactly */
	if (x > xb && is_stale_second(p, at, x, xb))
		note(&at->stale, &at->f_stale, pos, &a, &v, &b, &a);
	else if (x < xa || x > xb)
		note(&at->outside, &at->f_outside, pos, &a, &v, &b, &a);
	if (at->have_last && x < at->last_x)
		note(&at->back, &at->f_back, pos, &a, &v, &b, &at->last_v);
	/* both readings lie between the start of the last round and the end
	 * of this one */
	gap = r1 - at->last_r0;
	if (at->have_last && gap <= dense_limit(p, at)) {
		if (p->kind == ROLL_TICK) {
			if (x != at->last_x) {
				if (!at->changes++) {
					at->first_step = x - at->last_x;
					at->gap = gap;
				}
				at->last_change_t = t;
			}
		} else if (!at->crossed && at->last_x < bound && x >= bound) {
			at->crossed = 1;
			at->x_before = at->last_x - bound;
			at->x_after = x - bound;
			at->gap = gap;
			at->last_change_t = t;
		}
	}
	if (at->have_last) {
		at->gap_sum += gap;
		at->gaps++;
	}
	at->have_last = 1;
	at->last_x = x;
	at->last_v = v;
	at->last_r0 = r0;
}

/* whether an active attempt has seen enough */
static int finished(const struct roll_probe *p, const struct roll_state *st, int64_t now)
{
	const struct roll_attempt *at = &st->at;

	if (at->sysfail || now >= st->hard_end)
		return 1;
	if (p->kind == ROLL_TICK)
		return at->changes >= ROLL_TICKS && now - at->last_change_t >= ROLL_POST_NS;
	if (p->src->coarse)
		return at->crossed && now - at->last_change_t >= ROLL_POST_NS;
	return now >= st->end;
}

static void sleep_ns(int64_t ns)
{
	struct timespec t = { (time_t)(ns / ROLL_NS), (long)(ns % ROLL_NS) };

	while (nanosleep(&t, &t) && errno == EINTR)
		;
}

static void plan_first(struct roll_probe *p, struct roll_state *st)
{
	memset(&p->res, 0, sizeof(p->res));
	p->late = 0;
	st->at.watch = -1;
	if (p->kind == ROLL_AT && p->attempt > 0)
		st->attempt = p->attempt - 1;	/* counted by the caller */
	plan(p, st);
	st->phase = ST_PENDING;
}

int64_t roll_run(struct roll_probe *p, int n, int64_t budget_ns)
{
	struct roll_state *st = calloc((size_t)n, sizeof(*st));
	int64_t t_begin = roll_mono_ns();
	int left = n;

	deadline = t_begin + budget_ns;
	if (!st) {
		for (int i = 0; i < n; i++)
			case_result_set(&p[i].res, CASE_R_FAIL, "out of memory");
		return 0;
	}
	/* the plans that spin to find a tick first: a window planned before
	 * them could open while they spin */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < n; i++) {
			if ((p[i].kind == ROLL_TICK || p[i].src->coarse) == !pass)
				plan_first(&p[i], &st[i]);
		}
	}
	for (int i = 0; i < n; i++) {
		int64_t now = roll_mono_ns();

		if (p[i].kind == ROLL_AT && st[i].start < now) {
			p[i].late = ROLL_LATE;
			case_result_set(&p[i].res, CASE_R_SKIP, "the crossing was %.1f ms away when the reader started, "
					"less than the %.0f ms it reads before it: no verdict",
					(double)(st[i].t_bound - now) / 1e6, (double)lead_ns(&p[i]) / 1e6);
			st[i].phase = ST_DONE;
			left--;
		}
	}
	while (left > 0) {
		int64_t now = roll_mono_ns(), next = INT64_MAX;
		int active = 0;

		for (int i = 0; i < n; i++) {
			if (st[i].phase == ST_PENDING && now >= st[i].start)
				begin(&p[i], &st[i]);
			if (st[i].phase == ST_ACTIVE && finished(&p[i], &st[i], now)) {
				judge(&p[i], &st[i], now);
				left -= st[i].phase == ST_DONE;
			}
			if (st[i].phase == ST_PENDING && st[i].start < next)
				next = st[i].start;
			if (st[i].phase == ST_ACTIVE) {
				active++;
				one_round(&p[i], &st[i], now);
			}
		}
		if (active)
			continue;
		/* no window open: plan the attempts to make again (finding a
		 * tick spins up to one, which must not stop anyone's reading) */
		for (int i = 0; i < n; i++) {
			if (st[i].phase != ST_REPLAN || next - roll_mono_ns() < 4 * p[i].res_ns + ROLL_PRE_NS)
				continue;	/* a window opens before a tick could be found: later */
			plan(&p[i], &st[i]);
			st[i].phase = ST_PENDING;
			if (st[i].start < next)
				next = st[i].start;
		}
		now = roll_mono_ns();
		if (next == INT64_MAX)
			continue;	/* only attempts left to plan: they are planned next round */
		if (next > now)
			sleep_ns(next - now);
	}
	free(st);
	return roll_mono_ns() - t_begin;
}
