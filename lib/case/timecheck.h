/* SPDX-License-Identifier: MIT */
/* Helpers of the time cases: noticing that
 * CLOCK_REALTIME was set (stepped) while a check ran, and calling a
 * function that may crash (a NULL argument) in a forked child. */
#ifndef VDSOCONF_CASE_TIMECHECK_H
#define VDSOCONF_CASE_TIMECHECK_H

#include <stddef.h>
#include <stdint.h>

/*
 * settimeofday, clock_settime, an adjtimex step, an inserted leap second
 * or a resume from suspend move CLOCK_REALTIME (and its coarse twin, TAI)
 * at once; a bracket "syscall <= vDSO <= syscall" that straddles such a
 * step fails although nothing is wrong.  The kernel says when it happens:
 * a timerfd armed with TFD_TIMER_CANCEL_ON_SET is cancelled by every
 * clock_was_set().  clockset_watch() arms one (the fd, or -1 if timerfd
 * is unavailable); clockset_fired() says whether the clock was set since
 * (0 when fd < 0); clockset_close() disarms it.
 */
int clockset_watch(void);
int clockset_fired(int fd);
void clockset_close(int fd);

/* what a check found: diagnostics, and why it failed */
struct timecheck_outcome {
	int fail;
	int known;	/* a failure of a known kernel defect's shape: its id + 1 (known.h) */
	char diag[1024];
	char why[1024];
};

/*
 * Run fn(buf) in a forked child, which sends buf (len bytes) back through
 * a pipe: for calls that may crash or hang (a vDSO function handed NULL).
 * The child is killed after timeout_s seconds.  0 with buf filled, or -1
 * with why ("died of signal 11 (Segmentation fault)", "timed out ...").
 */
int timecheck_in_child(void (*fn)(void *buf), void *buf, size_t len, unsigned timeout_s, char *why,
		       size_t why_len);

/* "1795306320.980988966", or, with tv_nsec outside [0, 1e9), the pair as
 * returned: "{2680, 1000017845}" (never "2680.1000017845", which reads as
 * 2680.1 s).  timecheck_fmt_tv: the same for tv_usec. */
char *timecheck_fmt_ts(char *buf, size_t len, int64_t sec, int64_t nsec);
char *timecheck_fmt_tv(char *buf, size_t len, int64_t sec, int64_t usec);

#endif
