/* SPDX-License-Identifier: MIT */
/*
 * clock_gettime64: the 64-bit-time clock_gettime of the 32-bit ABIs
 * (__vdso_clock_gettime64, struct __kernel_timespec) against
 * SYS_clock_gettime64, for every clock of clock_gettime (validity decided
 * the same way) and every invalid id.
 *
 *   clock.gettime64      nested: per valid clock, syscall <= vDSO <=
 *                        syscall for a short budget with every reading
 *                        normalized (the raspberrypi/linux#3579 bug:
 *                        erratic REALTIME from clock_gettime64 while
 *                        clock_gettime was right); per rejected clock and
 *                        invalid id, the syscall's -errno.
 *   On 64-bit ABIs a skip: not exported on this ABI.
 *
 * A check of a CLOCK_REALTIME-based clock that fails while the kernel
 * reports that the clock was set (timerfd cancel-on-set) runs once more.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "case/case.h"
#include "case/clock.h"
#include "case/clocks.h"
#include "case/guarded.h"

#if defined(SYS_clock_gettime64)
#include <linux/time_types.h>
#define HAVE_TIME64_ABI 1
#endif

/* The wall-time budget (s) per clock at the default duration; --duration
 * S or VDSOCONF_DURATION scales it by S / NOMINAL_S. */
#define TIME64_S 0.006
#define NOMINAL_S 0.07	/* 11 valid clocks */
#define MIN_ROUNDS 500	/* per CPU, even when the budget is gone */
#define MAX_CPUS 16	/* CPUs visited; the budget is split among them */

#ifdef HAVE_TIME64_ABI
typedef int (*vdso_clock_gettime64_t)(clockid_t, struct __kernel_timespec *);

static struct case_clock clks[CASE_NCLOCKS];
static vdso_clock_gettime64_t vget64;
static struct case_cpuset cpus;
static double scale = 1.0;
static struct case_norm norm;	/* the readings of the clock being checked */

static int kread(int (*f)(clockid_t, struct __kernel_timespec *), clockid_t id, struct bracket_val *r)
{
	struct __kernel_timespec t = { .tv_sec = -1, .tv_nsec = -1 };
	long rc;

	if (f) {
		rc = f(id, &t);
	} else {
		rc = syscall(SYS_clock_gettime64, id, &t);
		if (rc < 0)
			rc = -errno;
	}
	r->sec = t.tv_sec;
	r->frac = t.tv_nsec;
	return (int)rc;
}

static int vdso_read64(clockid_t id, struct bracket_val *r)
{
	return kread(vget64, id, r);
}

static int sys_read64(clockid_t id, struct bracket_val *r)
{
	return kread(NULL, id, r);
}

static const struct case_clock_api api_gettime64 = { "clock_gettime64", vdso_read64, sys_read64 };

static void check_bracket64(const void *arg, struct timecheck_outcome *o)
{
	const struct case_clock *c = arg;

	case_clock_bracket(&api_gettime64, c, &cpus, TIME64_S * scale, MIN_ROUNDS, &norm, o);
	if (!o->fail && norm.bad) {
		char s[64];

		o->fail = 1;
		snprintf(o->why, sizeof(o->why), "expected 0 <= tv_nsec < 1000000000 and tv_sec >= 0; %llu of %llu "
			 "readings were not, first %s", norm.bad, norm.n,
			 timecheck_fmt_ts(s, sizeof(s), norm.first.sec, norm.first.frac));
	}
}

static void einval64(clockid_t id, const char *label, int must_fail)
{
	struct bracket_val v, s;
	int rv, rs;
	char e1[48], e2[48];

	if (!case_point("clock.gettime64.einval.%s", label))
		return;
	rv = vdso_read64(id, &v);
	rs = sys_read64(id, &s);
	case_check(rv == rs && (rs || !must_fail), "vDSO clock_gettime64(%s) returned %s, SYS_clock_gettime64 %s",
		   label, case_err_name(rv, e1, sizeof(e1)), case_err_name(rs, e2, sizeof(e2)));
}

static void gettime64_children(const void *arg)
{
	(void)arg;
	for (unsigned k = 0; k < CASE_NCLOCKS; k++) {
		const struct case_clock *c = &clks[k];

		if (c->unavailable)
			continue;
		if (c->sys_rc) {
			einval64(c->id, c->name, 0);
			continue;
		}
		if (!case_point("clock.gettime64.%s", c->name))
			continue;
		memset(&norm, 0, sizeof(norm));
		case_guarded(case_clock_is_wall(c->id), check_bracket64, c);
	}
	for (unsigned k = 0; k < ARRAY_SIZE(clock_invalid_ids); k++)
		einval64(clock_invalid_ids[k], clock_invalid_names[k], 1);
}

static void setup(struct case_ctx *ctx)
{
	vget64 = (vdso_clock_gettime64_t)case_fn(ctx, "clock_gettime64");
	scale = case_duration(ctx, NOMINAL_S) / NOMINAL_S;
	if (scale <= 0)
		scale = 1.0;
	case_cpuset_init(&cpus);
	if (cpus.n > MAX_CPUS)
		cpus.n = MAX_CPUS;
	case_clocks(clks);
}

static void run(struct case_ctx *ctx)
{
	if (!case_role_sym(ctx, "clock_gettime64") || !vget64) {
		if (!case_point("clock.gettime64"))
			return;
		if (!case_role_sym(ctx, "clock_gettime64"))
			case_skip("not exported on this ABI");
		else
			case_skip("target exports no %s (kernel before 5.6?)", case_role_sym(ctx, "clock_gettime64")->name);
		return;
	}
	case_sub("clock.gettime64", gettime64_children, NULL);
}
#else
static void setup(struct case_ctx *ctx)
{
	(void)ctx;
}

static void run(struct case_ctx *ctx)
{
	(void)ctx;
	if (case_point("clock.gettime64"))
		case_skip("not exported on this ABI");
}
#endif

static const struct case_spec spec = {
	.name = "clock_gettime64",
	.needs = CASE_NEED_VDSO,
	.roles = (const char *const[]){ "clock_gettime", NULL },
	.setup = setup,
	.run = run,
};
CASE_MAIN(spec)
