/* SPDX-License-Identifier: MIT */
#include "callfn.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "clock.h"

struct callfn_random callfn_random;
static long ncpu = 1;

void callfn_init(void)
{
	ncpu = sysconf(_SC_NPROCESSORS_CONF);
}

static const char *const roles[CF_COUNT] = {
	[CF_CLOCK_GETTIME] = "clock_gettime", [CF_GETTIMEOFDAY] = "gettimeofday", [CF_TIME] = "time",
	[CF_CLOCK_GETRES] = "clock_getres",   [CF_GETCPU] = "getcpu",		  [CF_GETRANDOM] = "getrandom",
	[CF_CLOCK_GETTIME64] = "clock_gettime64",
};

/* The clocks a clock function is called with: every valid static id,
 * so that each path of the vDSO (high resolution, coarse, raw, the
 * system-call fallback of the CPU-time and alarm clocks) is taken. */
static const clockid_t clocks[] = { CLOCK_MONOTONIC, CLOCK_REALTIME,	    CLOCK_PROCESS_CPUTIME_ID,
				    CLOCK_THREAD_CPUTIME_ID, CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE,
				    CLOCK_MONOTONIC_COARSE,  CLOCK_BOOTTIME,	    CLOCK_REALTIME_ALARM,
				    CLOCK_BOOTTIME_ALARM,    CLOCK_TAI };
#define NCLOCKS (sizeof(clocks) / sizeof(clocks[0]))

const char *callfn_role(enum callfn_id id)
{
	return (unsigned)id < CF_COUNT ? roles[id] : "?";
}

static int is_clock(enum callfn_id id)
{
	return id == CF_CLOCK_GETTIME || id == CF_CLOCK_GETRES || id == CF_CLOCK_GETTIME64;
}

unsigned callfn_variants(enum callfn_id id)
{
	return is_clock(id) ? NCLOCKS : 1;
}

const char *callfn_describe(enum callfn_id id, unsigned variant, char *buf, size_t len)
{
	char name[32];

	if (is_clock(id))
		snprintf(buf, len, "%s(%s)", callfn_role(id), clock_name(clocks[variant % NCLOCKS], name, sizeof(name)));
	else
		snprintf(buf, len, "%s()", callfn_role(id));
	return buf;
}

static clockid_t clock_of(const struct callfn_state *s)
{
	return clocks[s->variant % NCLOCKS];
}

/* The reference of a clock call: the same clock by the system call, or
 * nothing to bracket (the CPU-time clocks run on while we check) */
static int64_t clock_ref(clockid_t c)
{
	struct timespec t;

	if (sys_clock_gettime(c, &t))
		return INT64_MIN;
	return ts_ns(&t);
}

void callfn_prepare(struct callfn_state *s, enum callfn_id id, unsigned variant, uintptr_t a[5])
{
	struct timeval tv;

	memset(s, 0, sizeof(*s));
	memset(a, 0, 5 * sizeof(a[0]));
	s->id = id;
	s->variant = variant;
	switch (id) {
	case CF_CLOCK_GETTIME:
	case CF_CLOCK_GETTIME64:
		s->before = clock_ref(clock_of(s));
		a[0] = (uintptr_t)clock_of(s);
		a[1] = id == CF_CLOCK_GETTIME ? (uintptr_t)&s->out.ts : (uintptr_t)&s->out.ts64;
		break;
	case CF_CLOCK_GETRES:
		s->res_rc = sys_clock_getres(clock_of(s), &s->res);
		a[0] = (uintptr_t)clock_of(s);
		a[1] = (uintptr_t)&s->out.ts;
		break;
	case CF_GETTIMEOFDAY:
		sys_gettimeofday(&tv, NULL);
		s->before = tv_us(&tv);
		a[0] = (uintptr_t)&s->out.tv;
		a[1] = (uintptr_t)&s->tz;
		break;
	case CF_TIME:
		s->before = sys_time(NULL);
		a[0] = (uintptr_t)&s->tloc;
		break;
	case CF_GETCPU:
		s->out.cpu.cpu = s->out.cpu.node = ~0u;
		a[0] = (uintptr_t)&s->out.cpu.cpu;
		a[1] = (uintptr_t)&s->out.cpu.node;
		break;
	case CF_GETRANDOM:
		a[0] = (uintptr_t)s->out.buf;
		a[1] = sizeof(s->out.buf);
		a[3] = (uintptr_t)callfn_random.state;
		a[4] = callfn_random.state_len;
		break;
	case CF_COUNT:
		break;
	}
}

static intptr_t typed_call(const void *fn, enum callfn_id id, const uintptr_t a[5])
{
	switch (id) {
	case CF_CLOCK_GETTIME:
	case CF_CLOCK_GETRES:
	case CF_CLOCK_GETTIME64:
		return ((int (*)(clockid_t, void *))fn)((clockid_t)a[0], (void *)a[1]);
	case CF_GETTIMEOFDAY:
		return ((int (*)(void *, void *))fn)((void *)a[0], (void *)a[1]);
	case CF_TIME:
		return (intptr_t)((time_t(*)(time_t *))fn)((time_t *)a[0]);
	case CF_GETCPU:
		return ((int (*)(unsigned *, unsigned *, void *))fn)((unsigned *)a[0], (unsigned *)a[1], NULL);
	case CF_GETRANDOM:
		return ((ssize_t(*)(void *, size_t, unsigned, void *, size_t))fn)((void *)a[0], a[1], (unsigned)a[2],
										  (void *)a[3], a[4]);
	case CF_COUNT:
		break;
	}
	return -ENOSYS;
}

#if !CALLFN_SO
void *callfn_callable(void *raw)
{
	return raw;
}

uintptr_t callfn_raw(const void *fn, enum callfn_id id, const uintptr_t a[5], int *flag)
{
	*flag = 0;
	return (uintptr_t)typed_call(fn, id, a);
}
#endif

intptr_t callfn_direct(const void *fn, enum callfn_id id, const uintptr_t a[5])
{
	int so = 0;
	intptr_t v;

	if (!CALLFN_SO)
		return typed_call(fn, id, a);
	v = callfn_ret(id, callfn_raw(fn, id, a, &so));
	return so ? -v : v;
}

intptr_t callfn_ret(enum callfn_id id, uintptr_t raw)
{
	/* int results live in the low half of a 64-bit register, whose
	 * upper half the psABI leaves undefined */
	if (id == CF_TIME || id == CF_GETRANDOM)
		return (intptr_t)raw;
	return (int)(unsigned)raw;
}

static int nsec_ok(int64_t ns)
{
	return ns >= 0 && ns < 1000000000;
}

int64_t callfn_after(const struct callfn_state *s)
{
	struct timeval tv;

	switch (s->id) {
	case CF_CLOCK_GETTIME:
	case CF_CLOCK_GETTIME64:
		return clock_ref(clock_of(s));
	case CF_GETTIMEOFDAY:
		sys_gettimeofday(&tv, NULL);
		return tv_us(&tv);
	case CF_TIME:
		return sys_time(NULL);
	default:
		return 0;
	}
}

/* "clock_gettime(CLOCK_BOOTTIME) <what>" into why; -1.  Formatting is left
 * to the failures, the only place a signal handler needs it. */
static __attribute__((format(printf, 4, 5))) int fail(const struct callfn_state *s, char *why, size_t len,
						       const char *fmt, ...)
{
	char d[64];
	size_t n;
	va_list ap;

	n = (size_t)snprintf(why, len, "%s ", callfn_describe(s->id, s->variant, d, sizeof(d)));
	va_start(ap, fmt);
	if (n < len)
		vsnprintf(why + n, len - n, fmt, ap);
	va_end(ap);
	return -1;
}

int callfn_check(const struct callfn_state *s, intptr_t ret, char *why, size_t len)
{
	int64_t after, v, nsec;

	switch (s->id) {
	case CF_CLOCK_GETTIME:
	case CF_CLOCK_GETTIME64:
		after = s->have_after ? s->after : callfn_after(s);
		/* an alarm clock without an RTC: the system call's error */
		if (s->before == INT64_MIN)
			return ret < 0 ? 0 : fail(s, why, len, "returned %ld, the system call fails", (long)ret);
		if (ret != 0)
			return fail(s, why, len, "returned %ld, expected 0", (long)ret);
		v = s->id == CF_CLOCK_GETTIME ? ts_ns(&s->out.ts) : s->out.ts64.sec * 1000000000 + s->out.ts64.nsec;
		nsec = s->id == CF_CLOCK_GETTIME ? s->out.ts.tv_nsec : s->out.ts64.nsec;
		if (!nsec_ok(nsec))
			return fail(s, why, len, "gave tv_nsec %lld, out of range", (long long)nsec);
		/* the reference is the same clock by the system call, which
		 * reads the same timekeeper data: the bracket is exact */
		if (after != INT64_MIN && (v < s->before || v > after))
			return fail(s, why, len, "= %lld ns, outside the system calls' bracket [%lld, %lld]", (long long)v,
				    (long long)s->before, (long long)after);
		return 0;
	case CF_CLOCK_GETRES:
		/* a resolution does not change while the process runs: the
		 * answer of callfn_prepare()'s system call stands */
		if (s->res_rc)
			return ret == 0 ? fail(s, why, len, "returned 0, the system call fails") : 0;
		if (ret != 0 || s->out.ts.tv_sec != s->res.tv_sec || s->out.ts.tv_nsec != s->res.tv_nsec)
			return fail(s, why, len, "= %ld, %lld.%09ld; the system call says %lld.%09ld", (long)ret,
				    (long long)s->out.ts.tv_sec, (long)s->out.ts.tv_nsec, (long long)s->res.tv_sec,
				    (long)s->res.tv_nsec);
		return 0;
	case CF_GETTIMEOFDAY:
		after = s->have_after ? s->after : callfn_after(s);
		v = tv_us(&s->out.tv);
		if (ret != 0 || s->out.tv.tv_usec < 0 || s->out.tv.tv_usec >= 1000000 || v < s->before || v > after)
			return fail(s, why, len, "= %ld, %lld us; the system calls' bracket [%lld, %lld]", (long)ret,
				    (long long)v, (long long)s->before, (long long)after);
		return 0;
	case CF_TIME:
		after = s->have_after ? s->after : callfn_after(s);
		if (ret < s->before || ret > after || ret != s->tloc)
			return fail(s, why, len, "= %lld (stored %lld); the system calls' bracket [%lld, %lld]",
				    (long long)ret, (long long)s->tloc, (long long)s->before, (long long)after);
		return 0;
	case CF_GETCPU:
		if (ret != 0 || s->out.cpu.cpu >= (unsigned)ncpu)
			return fail(s, why, len, "= %ld, cpu %u of %ld", (long)ret, s->out.cpu.cpu, ncpu);
		return 0;
	case CF_GETRANDOM:
		if (ret != (intptr_t)sizeof(s->out.buf))
			return fail(s, why, len, "returned %ld, expected %zu", (long)ret, sizeof(s->out.buf));
		for (size_t i = 0; i < sizeof(s->out.buf); i++)
			if (s->out.buf[i])
				return 0;
		return fail(s, why, len, "filled %zu bytes with zeros", sizeof(s->out.buf));
	case CF_COUNT:
		break;
	}
	return 0;
}
