/* SPDX-License-Identifier: MIT */
/* The readings rollover.c judges: the target's entries and the system
 * calls they are held to. */
#include "rollover.h"

#include <errno.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "clock.h"

#if defined(SYS_clock_gettime64)
#include <linux/time_types.h>
#define HAVE_TIME64_ABI 1
#endif

static long ret_errno(long r)
{
	return r < 0 ? -errno : r;
}

int roll_ref_clock(const struct roll_src *s, struct roll_val *v)
{
	struct timespec t = { 0, 0 };
	int rc = (int)ret_errno(syscall(SYS_clock_gettime, s->id, &t));

	v->sec = t.tv_sec;
	v->frac = t.tv_nsec;
	return rc;
}

int roll_ref_clock64(const struct roll_src *s, struct roll_val *v)
{
	int rc;
	int64_t ns = roll_clock_ns(s->id, &rc);

	v->sec = ns / ROLL_NS;
	v->frac = ns % ROLL_NS;
	return rc;
}

int roll_ref_gettimeofday(const struct roll_src *s, struct roll_val *v)
{
	struct timeval tv = { 0, 0 };
	int rc = sys_gettimeofday(&tv, NULL);

	(void)s;
	v->sec = tv.tv_sec;
	v->frac = tv.tv_usec;
	return rc;
}

int roll_ref_time(const struct roll_src *s, struct roll_val *v)
{
	long t = sys_time(NULL);

	(void)s;
	v->sec = t;
	v->frac = 0;
	return t < 0 && t > -4096 ? (int)t : 0;
}

int roll_vdso_clock(const struct roll_src *s, struct roll_val *v)
{
	struct timespec t = { -1, -1 };
	int rc = ((vdso_clock_gettime_t)s->fn)(s->id, &t);

	v->sec = t.tv_sec;
	v->frac = t.tv_nsec;
	return rc;
}

int roll_vdso_clock64(const struct roll_src *s, struct roll_val *v)
{
#ifdef HAVE_TIME64_ABI
	struct __kernel_timespec t = { -1, -1 };
	int rc = ((int (*)(clockid_t, struct __kernel_timespec *))s->fn)(s->id, &t);

	v->sec = t.tv_sec;
	v->frac = t.tv_nsec;
	return rc;
#else
	return roll_vdso_clock(s, v);	/* 64-bit ABIs: clock_gettime is the 64-bit entry */
#endif
}

int roll_vdso_gettimeofday(const struct roll_src *s, struct roll_val *v)
{
	struct timeval tv = { -1, -1 };
	int rc = ((vdso_gettimeofday_t)s->fn)(&tv, NULL);

	v->sec = tv.tv_sec;
	v->frac = tv.tv_usec;
	return rc;
}

int roll_vdso_time(const struct roll_src *s, struct roll_val *v)
{
	v->sec = (int64_t)((vdso_time_t)s->fn)(NULL);
	v->frac = 0;
	return 0;
}

int64_t roll_settled_time_ns(int *rc)
{
	return roll_clock_ns(CLOCK_REALTIME_COARSE, rc);
}

int64_t roll_clock_ns(clockid_t id, int *rc)
{
#ifdef HAVE_TIME64_ABI
	struct __kernel_timespec t = { 0, 0 };

	*rc = (int)sys_clock_gettime64(id, &t);
	return (int64_t)t.tv_sec * ROLL_NS + t.tv_nsec;
#else
	struct timespec t = { 0, 0 };

	*rc = sys_clock_gettime(id, &t);
	return ts_ns(&t);
#endif
}

int64_t roll_mono_ns(void)
{
	int rc;

	return roll_clock_ns(CLOCK_MONOTONIC, &rc);
}

