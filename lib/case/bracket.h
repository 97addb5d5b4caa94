/* SPDX-License-Identifier: MIT */
/*
 * The bracket loop: a reference system call, the vDSO call under test, the
 * reference again, round after round for a time budget, split over every
 * CPU the process may run on; the vDSO's value must lie between the two
 * references.  Exact: both paths read the same timekeeper data, so there is
 * no tolerance, and load only widens the brackets.
 */
#ifndef VDSOCONF_CASE_BRACKET_H
#define VDSOCONF_CASE_BRACKET_H

#include <stdint.h>

#include "clock.h"

/* A reading as returned: seconds and the fraction in the unit of the
 * bracket (ns or us), so that a non-normalized one can be shown as is. */
struct bracket_val {
	int64_t sec, frac;
};

/*
 * One round, filled by the caller's round function.  A round may read the
 * vDSO more than once between its references (a sweep): then reads is
 * their number and lo, hi the smallest and the largest reading, and every
 * one of them must lie in the bracket.  Read back to back, the first
 * reading follows a at once and the last precedes b at once, so a reading
 * off by d still fails once the slack on its side (first - a, b - last)
 * is below d, as a single reading does when b - a is.
 */
struct bracket_round {
	struct bracket_val a, v, b;	/* reference, vDSO, reference */
	unsigned reads;			/* 0 or 1: v alone; more: a sweep, lo and hi */
	struct bracket_val lo, hi, first, last;
	int sys_rc;			/* a reference call failed: its rc, and the loop stops */
	int vdso_rc;			/* the vDSO call failed: its rc, and the round is not judged */
};

struct bracket_spec {
	int64_t per_sec;		/* units per second: 1000000000 (ns) or 1000000 (us) */
	int64_t tight;			/* a slack of at most this many units is "tight" */
	double seconds;			/* the budget, over all CPUs */
	unsigned long long min_rounds;	/* per CPU, even when the budget is gone */
	const struct case_cpuset *cpus;
	void (*round)(void *arg, struct bracket_round *r);
	void *arg;
};

struct bracket_result {
	unsigned long long rounds, reads, bad, errs, tight, first_at;
	int64_t mingap, maxgap;		/* mingap 0 when no round was judged */
	int visit;			/* CPUs visited */
	int first_cpu;			/* of the first bad round; -1 when unpinned */
	int first_rc;			/* the vDSO's first error */
	int sysfail;			/* the failing reference's rc, or 0 */
	double ms;			/* wall time spent */
	struct bracket_round first;	/* the first bad round */
};

int64_t bracket_value(const struct bracket_spec *s, const struct bracket_val *v);
void bracket_run(const struct bracket_spec *s, struct bracket_result *res);

#endif
