/* SPDX-License-Identifier: MIT */
/* The clocks the clock cases walk: the static ids and the two dynamic CPU
 * clocks, each with what the clock_gettime system call says of it; and
 * clock_getres(id, NULL) asked safely. */
#ifndef VDSOCONF_CASE_CLOCKS_H
#define VDSOCONF_CASE_CLOCKS_H

#include <stddef.h>
#include <time.h>

#include "bracket.h"
#include "clock.h"
#include "timecheck.h"

struct case_clock {
	clockid_t id;
	char name[40];
	const struct clock_desc *desc;	/* NULL for the dynamic CPU clocks */
	int sys_rc;			/* the syscall's clock_gettime: 0 or -errno */
	int unavailable;		/* the libc call giving the id failed */
};

/* clock_table's ids 0..11, then the process CPU clock
 * (clock_getcpuclockid(0)) named process_cpuclock and this thread's
 * (pthread_getcpuclockid) named thread_cpuclock. */
#define CASE_NCLOCKS 14
void case_clocks(struct case_clock out[CASE_NCLOCKS]);

int case_clock_is_coarse(const struct case_clock *c);
/* CLOCK_REALTIME-based: a step (clock_settime, ...) moves it */
int case_clock_is_wall(clockid_t id);
/* "0", or "-EINVAL (-22)" */
const char *case_err_name(int rc, char *buf, size_t len);
/* "0,1,2", or "(unpinned)" */
const char *case_cpuset_list(const struct case_cpuset *s, char *buf, size_t len);

/*
 * clock_getres(id, NULL) through the vDSO and the system call, in a child:
 * a vDSO that writes through NULL kills only the child.  All the ids of a
 * case are asked in one child first (a fork costs milliseconds on a loaded
 * machine); only if that child dies is each asked in a child of its own,
 * so that the crash is pinned on the right clock.  thread: this thread's
 * CPU clock, which the child names for itself.
 */
struct case_null_res {
	clockid_t id;
	int thread;
	int rc, sys_rc;
};
struct case_null_res_batch {
	vdso_clock_getres_t fn;
	int valid;
	unsigned n;
	struct case_null_res p[CASE_NCLOCKS + 5];
};
void case_null_res_add(struct case_null_res_batch *b, clockid_t id, int thread);
void case_null_res_ask(struct case_null_res_batch *b);
/* 0 with both results, or -1 with why the child did not report */
int case_null_res(const struct case_null_res_batch *b, clockid_t id, int thread, int *rc, int *sys_rc, char *why,
		  size_t len);

/* One path of clock_gettime (the vDSO's or the syscall's, 32- or 64-bit
 * time): 0 or -errno, and the reading as returned. */
/* The vDSO readings of one clock, for clock.normalized: every one must
 * have 0 <= tv_nsec < 1e9 and tv_sec >= 0. */
struct case_norm {
	unsigned long long n, bad;
	struct bracket_val first;	/* the first bad one */
};
void case_norm_note(struct case_norm *norm, const struct bracket_val *v);

/* One sweep: readings back to back, summed up as the checks need them. */
struct case_sweep {
	unsigned reads;
	int rc;					/* the vDSO's error that ended it, else 0 */
	struct bracket_val first, last, lo, hi;
	unsigned long long back;		/* readings below the one before them */
	struct bracket_val back_prev, back_cur;	/* the first such pair */
};

struct case_clock_api {
	const char *name;	/* "clock_gettime" */
	int (*vdso)(clockid_t id, struct bracket_val *r);
	int (*sys)(clockid_t id, struct bracket_val *r);
	/* Optional: n readings as one loop of direct calls, each checked as it
	 * comes (normalisation into norm, order, extremes), so that checking
	 * costs little more than the bare calls; else vdso, one by one. */
	void (*sweep)(clockid_t id, unsigned n, struct case_norm *norm, struct case_sweep *s);
};

/*
 * vDSO readings per syscall reference: enough that the readings take at
 * least 99% of a checker's time (its rounds of two references and a
 * sweep), so that a glitch in a small fraction of calls is met nearly as
 * often as the raw call rate allows; capped so that a round stays short
 * (16384 coarse readings of 3 ns: 50 us, far below a tick).
 */
#define CASE_SWEEP_MAX 16384
/* ... and short enough that the floor of rounds a check makes even past
 * its budget (rounds, over all CPUs) fits the budget (seconds; 0: no
 * limit).  Where a syscall costs a hundred readings or more (an emulated
 * guest: a round of 99% readings lasts a millisecond there, and the floor
 * would take ten times the budget) the share of readings gives way, down
 * to half the round, before the wall time does; on a machine with a real
 * clock the limit does not bind. */
unsigned case_sweep_len(const struct case_clock_api *api, clockid_t id, double seconds, unsigned long long rounds);

/* The rounds a check of min_rounds per CPU makes at least: it looks at
 * the clock every 64 rounds. */
static inline unsigned long long case_floor_rounds(unsigned long long min_rounds, unsigned ncpus)
{
	return (min_rounds + 63) / 64 * 64 * (ncpus ? ncpus : 1);
}

/* syscall <= every vDSO reading of a sweep <= syscall for the clock, in ns (bracket.h), every vDSO
 * reading noted in norm; the verdict and the figures in o. */
void case_clock_bracket(const struct case_clock_api *api, const struct case_clock *c, const struct case_cpuset *cpus,
			double seconds, unsigned long long min_rounds, struct case_norm *norm,
			struct timecheck_outcome *o);

#endif
