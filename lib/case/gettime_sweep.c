/* SPDX-License-Identifier: MIT */
#include "gettime_sweep.h"

#include <stdint.h>
#include <string.h>

#define NS 1000000000LL

static struct timespec slots[CASE_GETTIME_SLOTS];

/* in unsigned arithmetic: a hostile tv_sec must not overflow a signed one */
static int64_t val(const struct timespec *t)
{
	return (int64_t)((uint64_t)t->tv_sec * (uint64_t)NS + (uint64_t)t->tv_nsec);
}

static int is_bad(const struct timespec *t)
{
	return (uint64_t)t->tv_nsec >= (uint64_t)NS || t->tv_sec < 0;
}

static struct bracket_val bv(const struct timespec *t)
{
	return (struct bracket_val){ t->tv_sec, t->tv_nsec };
}

/* the whole story of a sweep that went wrong somewhere, reading by reading:
 * only then are the first bad reading and the first step back needed */
static __attribute__((noinline, cold)) void detail(unsigned k, struct case_norm *norm, struct case_sweep *s)
{
	int64_t prev = INT64_MIN, lo = INT64_MAX, hi = INT64_MIN;

	for (unsigned i = 0; i < k; i++) {
		const struct timespec *t = &slots[i];
		int64_t v = val(t);

		if (is_bad(t) && !norm->bad++)
			norm->first = bv(t);
		if (v < prev && !s->back++) {
			s->back_prev = bv(&slots[i - 1]);
			s->back_cur = bv(t);
		}
		if (v < lo) {
			lo = v;
			s->lo = bv(t);
		}
		if (v > hi) {
			hi = v;
			s->hi = bv(t);
		}
		prev = v;
	}
}

void case_gettime_sweep(vdso_clock_gettime_t fn, clockid_t id, unsigned n, struct case_norm *norm,
			struct case_sweep *s)
{
	unsigned k, bad = 0, back = 0;
	int64_t prev = INT64_MIN;
	int rc = 0;

	if (n > CASE_GETTIME_SLOTS)
		n = CASE_GETTIME_SLOTS;
	for (unsigned i = 0; i < n; i++)
		slots[i] = (struct timespec){ .tv_sec = -1, .tv_nsec = -1 };
	for (k = 0; k < n; k++) {
		rc = fn(id, &slots[k]);
		if (rc)
			break;
	}
	memset(s, 0, sizeof(*s));
	s->rc = rc;
	s->reads = k;
	norm->n += k;
	if (!k)
		return;
	/* counted without branches; the details only when something is off */
	for (unsigned i = 0; i < k; i++) {
		int64_t v = val(&slots[i]);

		bad += (unsigned)is_bad(&slots[i]);
		back += v < prev;
		prev = v;
	}
	s->first = bv(&slots[0]);
	s->last = bv(&slots[k - 1]);
	if (bad || back) {
		detail(k, norm, s);
		return;
	}
	/* never back: the first is the lowest, the last the highest */
	s->lo = s->first;
	s->hi = s->last;
}

struct coarse {
	int64_t prev, lo, hi;
	struct timespec last;	/* the reading before */
	unsigned since;		/* where the run of its value began */
	int bad;		/* that value was bad */
	struct case_norm *norm;
	struct case_sweep *s;
};

/* The coarse sweep's one reading, at a fixed address: the loop then keeps
 * nothing but the function, the clock, the count and the last value in
 * registers, and runs as fast as a bare loop of calls (a slot on its
 * stack cost a reload of its address per call: 7% of a 3 ns call). */
static struct timespec coarse_t;

/* A reading unlike the one before it, at index i: judge it, and settle the
 * run of repeats of the one before (a run of a bad value is that many bad
 * readings).  Returns what the next readings are compared with, so that
 * the loop keeps it in registers. */
static __attribute__((noinline)) struct timespec changed(struct coarse *c, unsigned i)
{
	const struct timespec *t = &coarse_t;
	struct case_norm *norm = c->norm;
	struct case_sweep *s = c->s;
	int64_t v = val(t);

	if (c->bad)
		norm->bad += i - c->since - 1;
	c->since = i;
	c->bad = is_bad(t);
	if (c->bad && !norm->bad++)
		norm->first = bv(t);
	if (!i)
		s->first = bv(t);
	else if (v < c->prev && !s->back++) {
		s->back_prev = bv(&c->last);
		s->back_cur = bv(t);
	}
	if (v < c->lo) {
		c->lo = v;
		s->lo = bv(t);
	}
	if (v > c->hi) {
		c->hi = v;
		s->hi = bv(t);
	}
	c->prev = v;
	c->last = *t;
	return *t;
}

void case_gettime_sweep_coarse(vdso_clock_gettime_t fn, clockid_t id, unsigned n, struct case_norm *norm,
			       struct case_sweep *s)
{
	struct coarse c = { INT64_MIN, INT64_MAX, INT64_MIN, { 0, 0 }, 0, 0, norm, s };
	struct timespec p = { 0, 0 };
	unsigned i = 0;
	int rc = 0;

	memset(s, 0, sizeof(*s));
	coarse_t = (struct timespec){ -1, -1 };
	/* the first reading apart, so that the loop asks one thing only */
	if (n && !(rc = fn(id, &coarse_t)))
		p = changed(&c, i++);
	for (; !rc && i < n; i++) {
		coarse_t.tv_sec = -1;
		coarse_t.tv_nsec = -1;
		rc = fn(id, &coarse_t);
		if (rc)
			break;
		if (__builtin_expect(coarse_t.tv_sec != p.tv_sec || coarse_t.tv_nsec != p.tv_nsec, 0))
			p = changed(&c, i);
	}
	if (c.bad)
		norm->bad += i - c.since - 1;
	s->rc = rc;
	s->reads = i;
	norm->n += i;
	if (i)
		s->last = bv(&c.last);
}
