/* SPDX-License-Identifier: MIT */
/*
 * The two sweeps of lib/case/gettime_sweep.c on scripted readings: both
 * must sum a script up alike, reading by reading, whatever the script
 * holds (repeats, steps back, unnormalised and negative values, a call
 * that writes nothing, an error), since the clock checks judge only the
 * summary.  KTAP, one point per script.
 */
#include <stdio.h>
#include <string.h>

#include "case/gettime_sweep.h"

#define NS 1000000000L
#define UNWRITTEN (-7)	/* script: return 0 without writing */
#define FAILS (-8)	/* script: return -EINVAL */

struct step {
	long sec, nsec;
};

static const struct step *script;
static unsigned script_len, at;

static int scripted(clockid_t id, struct timespec *t)
{
	const struct step *s = &script[at < script_len ? at : script_len - 1];

	(void)id;
	at++;
	if (s->sec == FAILS)
		return -22;
	if (s->sec != UNWRITTEN) {
		t->tv_sec = s->sec;
		t->tv_nsec = s->nsec;
	}
	return 0;
}

struct expect {
	unsigned reads;
	int rc;
	unsigned long long back, bad;
	struct step first, last, lo, hi, back_prev, back_cur, first_bad;
};

static int same(const struct bracket_val *v, struct step s)
{
	return v->sec == s.sec && v->frac == s.nsec;
}

static int check(const char *kind, const struct case_sweep *s, const struct case_norm *nm, const struct expect *e,
		 unsigned n)
{
	int ok = s->reads == e->reads && s->rc == e->rc && s->back == e->back && nm->bad == e->bad &&
		 nm->n == e->reads;

	if (ok && e->reads)
		ok = same(&s->first, e->first) && same(&s->last, e->last) && same(&s->lo, e->lo) &&
		     same(&s->hi, e->hi);
	if (ok && e->back)
		ok = same(&s->back_prev, e->back_prev) && same(&s->back_cur, e->back_cur);
	if (ok && e->bad)
		ok = same(&nm->first, e->first_bad);
	if (!ok)
		printf("# %s sweep of %u: reads %u rc %d back %llu bad %llu of %llu; first {%lld, %lld} last "
		       "{%lld, %lld} lo {%lld, %lld} hi {%lld, %lld}\n",
		       kind, n, s->reads, s->rc, s->back, nm->bad, nm->n, (long long)s->first.sec,
		       (long long)s->first.frac, (long long)s->last.sec, (long long)s->last.frac,
		       (long long)s->lo.sec, (long long)s->lo.frac, (long long)s->hi.sec, (long long)s->hi.frac);
	return ok;
}

static int run(const char *name, const struct step *steps, unsigned len, unsigned n, const struct expect *e)
{
	void (*sweeps[2])(vdso_clock_gettime_t, clockid_t, unsigned, struct case_norm *, struct case_sweep *) = {
		case_gettime_sweep, case_gettime_sweep_coarse
	};
	const char *kinds[2] = { "fine", "coarse" };
	int ok = 1;

	for (int k = 0; k < 2; k++) {
		struct case_norm nm = { 0, 0, { 0, 0 } };
		struct case_sweep s;

		script = steps;
		script_len = len;
		at = 0;
		sweeps[k](scripted, CLOCK_MONOTONIC, n, &nm, &s);
		ok &= check(kinds[k], &s, &nm, e, n);
	}
	printf("%s %s\n", ok ? "ok" : "not ok", name);
	return ok;
}

#define RUN(name, n, e, ...)                                                                                 \
	do {                                                                                                 \
		static const struct step s_[] = { __VA_ARGS__ };                                             \
		fails += !run(name, s_, sizeof(s_) / sizeof(s_[0]), n, e);                                   \
		points++;                                                                                    \
	} while (0)

int main(void)
{
	int fails = 0, points = 0;

	printf("KTAP version 1\n1..8\n");
	RUN("steady", 5,
	    (&(struct expect){ .reads = 5, .first = { 1, 10 }, .last = { 2, 0 }, .lo = { 1, 10 }, .hi = { 2, 0 } }),
	    { 1, 10 }, { 1, 10 }, { 1, 20 }, { 1, 20 }, { 2, 0 });
	RUN("back", 6,
	    (&(struct expect){ .reads = 6, .back = 2, .first = { 5, 0 }, .last = { 5, 3 }, .lo = { 4, 9 },
			       .hi = { 5, 5 }, .back_prev = { 5, 5 }, .back_cur = { 4, 9 } }),
	    { 5, 0 }, { 5, 5 }, { 4, 9 }, { 4, 9 }, { 5, 4 }, { 5, 3 });
	/* an unnormalised reading repeated is bad each time it is read */
	RUN("unnormalised-repeated", 5,
	    (&(struct expect){ .reads = 5, .bad = 3, .first = { 3, 0 }, .last = { 3, 2 }, .lo = { 3, 0 },
			       .hi = { 3, 2 }, .first_bad = { 2, NS } }),
	    { 3, 0 }, { 2, NS }, { 2, NS }, { 2, NS }, { 3, 2 });
	RUN("bad-at-end", 4,
	    (&(struct expect){ .reads = 4, .bad = 2, .first = { 1, 0 }, .last = { -1, 5 }, .lo = { -1, 5 },
			       .hi = { 1, 1 }, .back = 1, .back_prev = { 1, 1 }, .back_cur = { -1, 5 },
			       .first_bad = { -1, 5 } }),
	    { 1, 0 }, { 1, 1 }, { -1, 5 }, { -1, 5 });
	/* a call that writes nothing leaves the canary {-1, -1}, even after
	 * a reading that it would otherwise repeat */
	RUN("unwritten", 4,
	    (&(struct expect){ .reads = 4, .bad = 1, .back = 1, .first = { 7, 0 }, .last = { 7, 0 },
			       .lo = { -1, -1 }, .hi = { 7, 0 }, .back_prev = { 7, 0 }, .back_cur = { -1, -1 },
			       .first_bad = { -1, -1 } }),
	    { 7, 0 }, { UNWRITTEN, 0 }, { 7, 0 }, { 7, 0 });
	RUN("error-ends", 5,
	    (&(struct expect){ .reads = 2, .rc = -22, .first = { 1, 0 }, .last = { 1, 1 }, .lo = { 1, 0 },
			       .hi = { 1, 1 } }),
	    { 1, 0 }, { 1, 1 }, { FAILS, 0 }, { 1, 2 });
	RUN("error-first", 3, (&(struct expect){ .reads = 0, .rc = -22 }), { FAILS, 0 });
	/* a hostile tv_sec must not overflow the arithmetic (UBSan) */
	RUN("huge", 2,
	    (&(struct expect){ .reads = 2, .first = { 0x7fffffffffffffffL, 0 }, .last = { 0x7fffffffffffffffL, 1 },
			       .lo = { 0x7fffffffffffffffL, 0 }, .hi = { 0x7fffffffffffffffL, 1 } }),
	    { 0x7fffffffffffffffL, 0 }, { 0x7fffffffffffffffL, 1 });
	printf("# %d of %d failed\n", fails, points);
	return fails != 0;
}
