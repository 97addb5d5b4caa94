/* SPDX-License-Identifier: MIT */
/*
 * clocks: every clock id through the target's clock_gettime and
 * clock_getres, against the raw system calls (never libc, which uses the
 * vDSO itself).
 *
 * Clocks: ids 0..11 of clock_table, the process CPU clock
 * (clock_getcpuclockid(0)) and this thread's (pthread_getcpuclockid), and
 * the ids no kernel accepts (-1, 12, 16, INT_MAX, INT_MIN).  Which clocks
 * are valid is what the clock_gettime system call says: the ALARM clocks
 * need an RTC, id 10 (CLOCK_SGI_CYCLE) is gone.
 *
 * Per valid clock <C> (the dynamic ones are named process_cpuclock and
 * thread_cpuclock):
 *   clock.bracket.<C>    syscall <= vDSO <= syscall, round after round for a
 *                        time budget, split over every CPU we may run on.
 *                        Exact: both read the same timekeeper, so no
 *                        tolerance.  A reading off by more than the
 *                        bracket fails: 0.08-0.3 us here in >99.9% of
 *                        rounds, so 1 us off fails nearly every round.
 *   clock.sequence.<C>   vdsotest's interleaved sequence: vDSO, syscall,
 *                        vDSO, ... each reading >= the one before it from
 *                        the other path, migrating to the next CPU every
 *                        1024 readings so that readings on different CPUs
 *                        are compared too.
 *   clock.coarse.<C>     (coarse clocks) against the fine twin: never ahead
 *                        of it, and behind it by at most 3 x res (see
 *                        COARSE_TICKS).
 *   clock.normalized.<C> every vDSO reading above had 0 <= tv_nsec < 1e9
 *                        and tv_sec >= 0.
 *   clock.getres.<C>     the vDSO's clock_getres equals the syscall's, and
 *                        a NULL res returns what the syscall returns (0).
 * Per clock the syscall rejects, and per invalid id:
 *   clock.einval.<C|ID>  the vDSO's clock_gettime and clock_getres return
 *                        the syscall's -errno (EINVAL; 16..23 may be
 *                        CLOCK_AUX on 6.17+: ENODEV when disabled, a skip
 *                        when enabled), also with a NULL res.  XFAIL for
 *                        the 6.17+ kernel bug of clock_getres accepting
 *                        CLOCK_AUX ids without CONFIG_POSIX_AUX_CLOCKS.
 * 32-bit ABIs:
 *   clock.gettime64      nested: clock_gettime64 bracketed by
 *                        SYS_clock_gettime64 (struct __kernel_timespec) per
 *                        valid clock, -errno per invalid one: the
 *                        raspberrypi/linux#3579 bug (erratic REALTIME from
 *                        clock_gettime64 while clock_gettime was right).
 *   clock.getres_time64  nested: __vdso_clock_getres_time64, where exported,
 *                        against SYS_clock_getres_time64.
 *   On 64-bit ABIs both skip: not exported on this ABI.
 *
 * A check of a CLOCK_REALTIME-based clock that fails while the kernel
 * reports that the clock was set (timerfd cancel-on-set) runs once more:
 * a step legitimately breaks the ordering.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "case/case.h"
#include "case/clock.h"
#include "case/guarded.h"

#if defined(SYS_clock_gettime64)
#include <linux/time_types.h>
#define HAVE_TIME64_ABI 1
#endif

#define NS 1000000000LL

/* Wall-time budgets (s) per clock at the default duration; --duration S
 * or VDSOCONF_DURATION scales them all by S / NOMINAL_S. */
#define BRACKET_S 0.035
#define SEQUENCE_S 0.020
#define COARSE_S 0.050
#define TIME64_S 0.006
#define NOMINAL_S 0.7	/* 11 valid clocks, 2 of them coarse */
/* Rounds per CPU made even when the budget is gone (a loaded machine). */
#define MIN_ROUNDS 500
#define MIGRATE_EVERY 1024
#define MAX_CPUS 16	/* CPUs visited; the budget is split among them */
/*
 * The coarse clocks are the time of the last timekeeping accumulation,
 * which the tick makes every res (clock_getres: 4 ms at HZ=250).  The
 * accumulation advances in whole intervals from the clocksource's base,
 * so the coarse time lags the moment of the tick by a constant phase
 * below one interval (measured: 2.07 ms on this machine, the smallest lag
 * ever seen).  Read after the fine clock, a coarse reading therefore lags
 * it by at most: the phase (< 1 res) + the time since the last tick
 * (< 1 res) + the latency of that tick's update, bounded by one more tick:
 * lag <= 3 x res.  Measured on a 2-vCPU KVM guest (6.18, HZ=250, tsc):
 * lag 2.07 to 6.08 ms idle and under stress-ng --cpu 2 (1.52 res at most).
 * And it is never ahead of the fine clock read after it: both come from
 * the same accumulation, the fine one plus the counter's progress since.
 */
#define COARSE_TICKS 3

#define CANARY_SEC ((time_t)-1)
#define CANARY_NSEC (-1L)

struct clk {
	clockid_t id;
	char name[40];
	const struct clock_desc *desc;	/* NULL for the dynamic CPU clocks */
	int sys_rc;			/* the syscall's clock_gettime: 0 or -errno */
	int unavailable;		/* the libc call giving the id failed */
};

static struct clk clks[14];
static unsigned nclks;
static vdso_clock_gettime_t vget;
static vdso_clock_getres_t vgetres;
static struct case_cpuset cpus;
static double scale = 1.0;
static uint32_t kernel;	/* running kernel, VDSO_KV */

/* the vDSO readings of one clock, judged by clock.normalized */
static struct {
	unsigned long long n, bad;
	int64_t sec, nsec;	/* the first bad one */
} norm;

static const char *cpu_list(char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (int k = 0; k < cpus.n && n < len; k++)
		n += (size_t)snprintf(buf + n, len - n, "%s%d", k ? "," : "", cpus.cpu[k]);
	if (!cpus.n)
		snprintf(buf, len, "(unpinned)");
	return buf;
}

static const char *err_name(int rc, char *buf, size_t len)
{
	if (rc >= 0)
		snprintf(buf, len, "%d", rc);
	else
		snprintf(buf, len, "-%s (%d)", rc == -EINVAL ? "EINVAL" : rc == -ENODEV ? "ENODEV" :
					     rc == -EFAULT ? "EFAULT" : rc == -ENOSYS ? "ENOSYS" : "errno", rc);
	return buf;
}

/* --- the two paths, as readers of one clock --------------------------------- */

/* A reading: the fields as returned, so that clock.normalized can judge them. */
struct rd {
	int64_t sec, nsec;
};

static int64_t rd_ns(const struct rd *r)
{
	return r->sec * NS + r->nsec;
}

struct api {
	const char *name;				/* "clock_gettime" */
	int (*vdso)(clockid_t id, struct rd *r);	/* 0 or -errno */
	int (*sys)(clockid_t id, struct rd *r);
};

static int vdso_read(clockid_t id, struct rd *r)
{
	struct timespec t = { .tv_sec = CANARY_SEC, .tv_nsec = CANARY_NSEC };
	int rc = vget(id, &t);

	r->sec = t.tv_sec;
	r->nsec = t.tv_nsec;
	return rc;
}

static int sys_read(clockid_t id, struct rd *r)
{
	struct timespec t;
	int rc = sys_clock_gettime(id, &t);

	r->sec = t.tv_sec;
	r->nsec = t.tv_nsec;
	return rc;
}

static const struct api api_gettime = { "clock_gettime", vdso_read, sys_read };

static void note(const struct rd *r)
{
	norm.n++;
	if (r->nsec < 0 || r->nsec >= NS || r->sec < 0) {
		if (!norm.bad++) {
			norm.sec = r->sec;
			norm.nsec = r->nsec;
		}
	}
}

static char *fmt(char *buf, size_t len, const struct rd *r)
{
	return timecheck_fmt_ts(buf, len, r->sec, r->nsec);
}

/* --- clock.bracket ------------------------------------------------------------ */

static void bracket(const struct api *api, const struct clk *c, double seconds, struct timecheck_outcome *o)
{
	unsigned long long rounds = 0, bad = 0, errs = 0, first_at = 0, tight = 0;
	int64_t maxgap = 0, mingap = INT64_MAX, t0 = case_mono_ns();
	int visit = cpus.n > 1 ? cpus.n : 1, first_cpu = -1, first_rc = 0, sysfail = 0;
	struct rd fa = { 0, 0 }, fv = { 0, 0 }, fb = { 0, 0 };
	char s1[64], s2[64], s3[64], cl[128];

	for (int k = 0; k < visit && !sysfail; k++) {
		int64_t end;
		unsigned long long n;

		case_cpuset_pin(&cpus, k);
		/* from t0: time spent waiting for a busy CPU counts */
		end = t0 + (int64_t)(seconds * 1e9 * (k + 1) / visit);
		for (n = 0;; n++) {
			struct rd a, v, b;
			int ra, rv, rb;

			if (!(n & 63) && n >= MIN_ROUNDS && case_mono_ns() >= end)
				break;
			ra = api->sys(c->id, &a);
			rv = api->vdso(c->id, &v);
			rb = api->sys(c->id, &b);
			if (ra || rb) {
				sysfail = ra ? ra : rb;
				break;
			}
			if (rv) {
				if (!errs++)
					first_rc = rv;
				continue;
			}
			note(&v);
			if (rd_ns(&b) - rd_ns(&a) > maxgap)
				maxgap = rd_ns(&b) - rd_ns(&a);
			if (rd_ns(&b) - rd_ns(&a) < mingap)
				mingap = rd_ns(&b) - rd_ns(&a);
			tight += rd_ns(&b) - rd_ns(&a) < 1000;
			if (rd_ns(&v) < rd_ns(&a) || rd_ns(&v) > rd_ns(&b)) {
				if (!bad++) {
					fa = a, fv = v, fb = b;
					first_at = rounds + n;
					first_cpu = cpus.n ? cpus.cpu[k] : -1;
				}
			}
		}
		rounds += n;
	}
	case_cpuset_restore(&cpus);
	snprintf(o->diag, sizeof(o->diag),
		 "%llu rounds of syscall, vDSO %s, syscall on CPU(s) %s in %.0f ms; no tolerance (both paths "
		 "read the same timekeeper data); bracket (syscall to syscall) smallest %" PRId64 " ns, largest %"
		 PRId64 " ns; %llu rounds (%.1f%%) were bracketed within 1 us: a reading off by 1 us or more fails "
		 "each of them",
		 rounds, api->name, cpu_list(cl, sizeof(cl)), (double)(case_mono_ns() - t0) / 1e6,
		 mingap == INT64_MAX ? 0 : mingap, maxgap, tight, rounds ? 100.0 * (double)tight / (double)rounds : 0.0);
	if (sysfail) {
		o->fail = 1;
		snprintf(o->why, sizeof(o->why), "the %s syscall for %s failed mid-check with %s",
			 api->name, c->name, err_name(sysfail, s1, sizeof(s1)));
	} else if (errs) {
		o->fail = 1;
		snprintf(o->why, sizeof(o->why),
			 "vDSO %s(%s) returned %s in %llu of %llu rounds, the syscall 0", api->name, c->name,
			 err_name(first_rc, s1, sizeof(s1)), errs, rounds);
	} else if (bad) {
		int64_t off = rd_ns(&fv) < rd_ns(&fa) ? rd_ns(&fv) - rd_ns(&fa) : rd_ns(&fv) - rd_ns(&fb);

		o->fail = 1;
		snprintf(o->why, sizeof(o->why),
			 "expected syscall <= vDSO <= syscall in every round; %llu of %llu rounds were outside, "
			 "first at round %llu on CPU %d: syscall %s, vDSO %s, syscall %s: the vDSO reading is "
			 "%" PRId64 " ns %s the bracket",
			 bad, rounds, first_at, first_cpu, fmt(s1, sizeof(s1), &fa), fmt(s2, sizeof(s2), &fv),
			 fmt(s3, sizeof(s3), &fb), off < 0 ? -off : off, off < 0 ? "behind" : "ahead of");
	}
}

static void check_bracket(const struct clk *c, struct timecheck_outcome *o)
{
	bracket(&api_gettime, c, BRACKET_S * scale, o);
}

/* --- clock.sequence ----------------------------------------------------------- */

static void check_sequence(const struct clk *c, struct timecheck_outcome *o)
{
	unsigned long long i, bad = 0, errs = 0, migrations = 0, first_at = 0;
	int64_t end, t0 = case_mono_ns(), maxstep = 0;
	int first_rc = 0, sysfail = 0;
	struct rd prev, fp = { 0, 0 }, fc = { 0, 0 };
	const char *fwhat = "";
	char s1[64], s2[64], cl[128];

	end = t0 + (int64_t)(SEQUENCE_S * scale * 1e9);
	case_cpuset_pin(&cpus, 0);
	sysfail = sys_read(c->id, &prev);
	for (i = 0; !sysfail; i++) {
		struct rd v, s;
		int rv;

		if (i && !(i % MIGRATE_EVERY) && cpus.n > 1) {
			case_cpuset_pin(&cpus, (int)(i / MIGRATE_EVERY));
			migrations++;
		}
		if (!(i & 63) && i >= MIN_ROUNDS && case_mono_ns() >= end)
			break;
		rv = vdso_read(c->id, &v);
		if (rv) {
			if (!errs++)
				first_rc = rv;
			continue;
		}
		note(&v);
		if (rd_ns(&v) < rd_ns(&prev) && !bad++) {
			fp = prev, fc = v, first_at = i;
			fwhat = "the vDSO reading went back behind the syscall reading before it";
		}
		sysfail = sys_read(c->id, &s);
		if (sysfail)
			break;
		if (rd_ns(&s) < rd_ns(&v) && !bad++) {
			fp = v, fc = s, first_at = i;
			fwhat = "the syscall reading went back behind the vDSO reading before it (the vDSO ran ahead)";
		}
		if (rd_ns(&s) - rd_ns(&prev) > maxstep)
			maxstep = rd_ns(&s) - rd_ns(&prev);
		prev = s;
	}
	case_cpuset_restore(&cpus);
	snprintf(o->diag, sizeof(o->diag),
		 "%llu vDSO/syscall pairs in %.0f ms, %llu migrations between CPUs %s (every %d pairs); "
		 "largest step between consecutive syscall readings %" PRId64 " ns",
		 i, (double)(case_mono_ns() - t0) / 1e6, migrations, cpu_list(cl, sizeof(cl)), MIGRATE_EVERY, maxstep);
	if (sysfail) {
		o->fail = 1;
		snprintf(o->why, sizeof(o->why), "the clock_gettime syscall for %s failed mid-check with %s",
			 c->name, err_name(sysfail, s1, sizeof(s1)));
	} else if (errs) {
		o->fail = 1;
		snprintf(o->why, sizeof(o->why), "vDSO clock_gettime(%s) returned %s in %llu of %llu readings",
			 c->name, err_name(first_rc, s1, sizeof(s1)), errs, i);
	} else if (bad) {
		o->fail = 1;
		snprintf(o->why, sizeof(o->why),
			 "expected every reading >= the previous one from the other path; %llu went back, first "
			 "at pair %llu: %s: %s then %s (%" PRId64 " ns back)",
			 bad, first_at, fwhat, fmt(s1, sizeof(s1), &fp), fmt(s2, sizeof(s2), &fc),
			 rd_ns(&fp) - rd_ns(&fc));
	}
}

/* --- clock.coarse -------------------------------------------------------------- */

static void check_coarse(const struct clk *c, struct timecheck_outcome *o)
{
	clockid_t fine = c->desc->fine;
	struct timespec r;
	unsigned long long n, lagbad = 0, leadbad = 0, updates = 0, errs = 0, late = 0;
	int64_t res, tol, end, t0, maxlag = INT64_MIN, maxlead = INT64_MIN, minstep = INT64_MAX, last = 0;
	struct rd f1b = { 0, 0 }, vb = { 0, 0 }, f2b = { 0, 0 };
	int rc, first_rc = 0, sysfail = 0;
	char s1[64], s2[64], s3[64], nb[48];
	const char *fname = clock_name(fine, nb, sizeof(nb));

	rc = sys_clock_getres(c->id, &r);
	if (rc || ts_ns(&r) <= 0) {
		o->fail = 1;
		snprintf(o->why, sizeof(o->why), "the clock_getres syscall for %s gave %s, res %" PRId64 " ns",
			 c->name, err_name(rc, s1, sizeof(s1)), rc ? 0 : ts_ns(&r));
		return;
	}
	res = ts_ns(&r);
	tol = COARSE_TICKS * res;
	t0 = case_mono_ns();
	end = t0 + (int64_t)(COARSE_S * scale * 1e9);
	for (n = 0;; n++) {
		struct rd f1, v, f2, k;
		int rv;

		if (!(n & 63) && n >= MIN_ROUNDS && case_mono_ns() >= end)
			break;
		/* the kernel's own coarse reading first: when a tick comes late
		 * (an emulator, a stalled timekeeping CPU) the kernel lags too,
		 * and that is not the vDSO's fault */
		if ((sysfail = sys_read(c->id, &k)) != 0)
			break;
		if ((sysfail = sys_read(fine, &f1)) != 0)
			break;
		rv = vdso_read(c->id, &v);
		if ((sysfail = sys_read(fine, &f2)) != 0)
			break;
		if (rv) {
			if (!errs++)
				first_rc = rv;
			continue;
		}
		note(&v);
		if (n && rd_ns(&v) != last) {
			updates++;
			if (rd_ns(&v) - last > 0 && rd_ns(&v) - last < minstep)
				minstep = rd_ns(&v) - last;
		}
		last = rd_ns(&v);
		if (rd_ns(&f1) - rd_ns(&v) > maxlag)
			maxlag = rd_ns(&f1) - rd_ns(&v);
		if (rd_ns(&v) - rd_ns(&f2) > maxlead)
			maxlead = rd_ns(&v) - rd_ns(&f2);
		if (rd_ns(&f1) - rd_ns(&v) > tol) {
			if (rd_ns(&v) >= rd_ns(&k))
				late++;
			else if (!lagbad++)
				f1b = f1, vb = v, f2b = f2;
		}
		if (rd_ns(&v) > rd_ns(&f2) && !leadbad++ && !lagbad)
			f1b = f1, vb = v, f2b = f2;
	}
	snprintf(o->diag, sizeof(o->diag),
		 "resolution %" PRId64 " ns (clock_getres syscall); tolerance: %s is the time of the last "
		 "accumulation, which lags the tick by a constant phase (< 1 res); read after %s it lags by at "
		 "most that phase + the time since the tick (< 1 res) + the tick's update latency, bounded by one "
		 "more tick: lag <= %d x res = %" PRId64 " ns, unless the kernel's own coarse clock, read just "
		 "before, lagged as much (a late tick); and it is never ahead of %s read after it.\n"
		 "measured: %llu rounds in %.0f ms, %llu updates seen (smallest step %" PRId64 " ns); largest "
		 "lag %" PRId64 " ns (%.2f res); smallest distance behind %s read after it (the phase) %" PRId64
		 " ns%s; rounds past the bound with the kernel as late (late ticks): %llu",
		 res, c->name, fname, COARSE_TICKS, tol, fname, n, (double)(case_mono_ns() - t0) / 1e6, updates,
		 minstep == INT64_MAX ? 0 : minstep, maxlag, (double)maxlag / (double)res, fname, -maxlead,
		 maxlead > 0 ? " (negative: AHEAD)" : "", late);
	if (sysfail) {
		o->fail = 1;
		snprintf(o->why, sizeof(o->why), "the clock_gettime syscall for %s failed mid-check with %s", fname,
			 err_name(sysfail, s1, sizeof(s1)));
	} else if (errs) {
		o->fail = 1;
		snprintf(o->why, sizeof(o->why), "vDSO clock_gettime(%s) returned %s in %llu of %llu rounds",
			 c->name, err_name(first_rc, s1, sizeof(s1)), errs, n);
	} else if (lagbad || leadbad) {
		o->fail = 1;
		snprintf(o->why, sizeof(o->why),
			 "expected %s - %" PRId64 " ns <= %s <= %s; %llu rounds lagged more, %llu were ahead; "
			 "first: %s %s, %s %s, %s %s",
			 fname, tol, c->name, fname, lagbad, leadbad, fname, fmt(s1, sizeof(s1), &f1b), c->name,
			 fmt(s2, sizeof(s2), &vb), fname, fmt(s3, sizeof(s3), &f2b));
	}
}

/* --- guarded runs: a clock step during a check ---------------------------------- */

static int is_wall(clockid_t id)
{
	return id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE || id == CLOCK_TAI ||
	       id == CLOCK_REALTIME_ALARM;
}

struct guarded_clk {
	const struct clk *c;
	void (*fn)(const struct clk *c, struct timecheck_outcome *o);
};

static void guarded_call(const void *arg, struct timecheck_outcome *o)
{
	const struct guarded_clk *g = arg;

	g->fn(g->c, o);
}

static void guarded(const struct clk *c, void (*fn)(const struct clk *c, struct timecheck_outcome *o))
{
	struct guarded_clk g = { c, fn };

	case_guarded(is_wall(c->id), guarded_call, &g);
}

/* --- clock.normalized, clock.getres, clock.einval ------------------------------- */

static void check_normalized(const struct clk *c)
{
	char s[64];

	case_point("clock.normalized.%s", c->name);
	case_diag("%llu vDSO readings of %s checked (every reading of the checks above)", norm.n, c->name);
	if (!norm.n)
		case_skip("no vDSO reading of %s succeeded: nothing to judge (see clock.bracket.%s)", c->name, c->name);
	else if (norm.bad)
		case_fail("expected 0 <= tv_nsec < 1000000000 and tv_sec >= 0; %llu of %llu readings were not, first %s",
			  norm.bad, norm.n, timecheck_fmt_ts(s, sizeof(s), norm.sec, norm.nsec));
	else
		case_pass();
}

struct null_res_probe {
	clockid_t id;
	int thread;	/* this thread's CPU clock: the child names its own */
	int rc, sys_rc;
};

static void null_res_child(void *buf)
{
	struct null_res_probe *p = buf;

	if (p->thread)
		pthread_getcpuclockid(pthread_self(), &p->id);
	p->sys_rc = sys_clock_getres(p->id, NULL);
	p->rc = vgetres(p->id, NULL);
}

/* All of them in one child first (a fork costs milliseconds on a loaded
 * machine); only if that child dies is each asked in a child of its own,
 * so that the crash is pinned on the right clock. */
#define NBATCH (ARRAY_SIZE(clks) + ARRAY_SIZE(clock_invalid_ids))
static struct {
	int valid;
	unsigned n;
	struct null_res_probe p[NBATCH];
} batch;

static void null_batch_child(void *buf)
{
	for (unsigned i = 0; i < batch.n; i++)
		null_res_child(&((struct null_res_probe *)buf)[i]);
}

static void null_batch(void)
{
	char why[256];

	if (!vgetres)
		return;
	for (unsigned k = 0; k < nclks; k++)
		if (!clks[k].unavailable)
			batch.p[batch.n++] = (struct null_res_probe){ .id = clks[k].id,
								  .thread = !strcmp(clks[k].name, "thread_cpuclock") };
	for (unsigned k = 0; k < ARRAY_SIZE(clock_invalid_ids); k++)
		batch.p[batch.n++] = (struct null_res_probe){ .id = clock_invalid_ids[k] };
	batch.valid = !timecheck_in_child(null_batch_child, batch.p, sizeof(batch.p), 5, why, sizeof(why));
}

/* vDSO and syscall clock_getres(id, NULL), in a child (a vDSO that
 * writes through NULL kills only the child): 0, or -1 with why */
static int null_res(clockid_t id, int thread, int *rc, int *sys_rc, char *why, size_t len)
{
	struct null_res_probe p = { .id = id, .thread = thread, .rc = INT_MIN, .sys_rc = INT_MIN };

	for (unsigned i = 0; batch.valid && i < batch.n; i++) {
		if (batch.p[i].thread == thread && (thread || batch.p[i].id == id)) {
			*rc = batch.p[i].rc;
			*sys_rc = batch.p[i].sys_rc;
			return 0;
		}
	}
	if (timecheck_in_child(null_res_child, &p, sizeof(p), 5, why, len))
		return -1;
	*rc = p.rc;
	*sys_rc = p.sys_rc;
	return 0;
}

static void check_getres(const struct clk *c)
{
	struct timespec vr = { .tv_sec = CANARY_SEC, .tv_nsec = CANARY_NSEC }, sr = { 0, 0 };
	int rv, rs, rn, rsn;
	char why[256], e1[48], e2[48], e3[48], e4[48], s1[64], s2[64];

	case_point("clock.getres.%s", c->name);
	if (!vgetres) {
		case_skip("target exports no clock_getres");
		return;
	}
	rv = vgetres(c->id, &vr);
	rs = sys_clock_getres(c->id, &sr);
	rsn = sys_clock_getres(c->id, NULL);
	if (null_res(c->id, !strcmp(c->name, "thread_cpuclock"), &rn, &rsn, why, sizeof(why))) {
		case_fail("vDSO clock_getres(%s, NULL): %s (the syscall returns %s)", c->name, why,
			  err_name(rsn, e1, sizeof(e1)));
		return;
	}
	case_diag("syscall: %s, res %s s; vDSO: %s, res %s s; with NULL res: syscall %s, vDSO %s", err_name(rs, e1, sizeof(e1)),
		  timecheck_fmt_ts(s1, sizeof(s1), sr.tv_sec, sr.tv_nsec), err_name(rv, e2, sizeof(e2)),
		  timecheck_fmt_ts(s2, sizeof(s2), vr.tv_sec, vr.tv_nsec), err_name(rsn, e3, sizeof(e3)),
		  err_name(rn, e4, sizeof(e4)));
	if (rv != rs)
		case_fail("vDSO clock_getres(%s) returned %s, the syscall %s", c->name, err_name(rv, e1, sizeof(e1)),
			  err_name(rs, e2, sizeof(e2)));
	else if (!rs && (vr.tv_sec != sr.tv_sec || vr.tv_nsec != sr.tv_nsec))
		case_fail("vDSO clock_getres(%s) says %s s, the syscall %s s", c->name,
			  timecheck_fmt_ts(s1, sizeof(s1), vr.tv_sec, vr.tv_nsec),
			  timecheck_fmt_ts(s2, sizeof(s2), sr.tv_sec, sr.tv_nsec));
	else if (rn != rsn)
		case_fail("vDSO clock_getres(%s, NULL) returned %s, the syscall %s", c->name,
			  err_name(rn, e1, sizeof(e1)), err_name(rsn, e2, sizeof(e2)));
	else
		case_pass();
}

/*
 * id: the clock; label: its name in the point; fixed: one of the ids no
 * kernel accepts as a clock of its own (the syscall must fail with EINVAL,
 * save for 16..23 which 6.17+ may have as auxiliary clocks).
 */
static void check_einval(clockid_t id, const char *label, int fixed)
{
	struct timespec st, vt = { .tv_sec = CANARY_SEC, .tv_nsec = CANARY_NSEC }, sr, vr = vt;
	int rs, rv, rsr, rvr = 0, rsn, rvn = 0, aux = id >= 16 && id <= 23;
	char why[256], e1[48], e2[48], e3[48], e4[48];

	case_point("clock.einval.%s", label);
	rs = sys_clock_gettime(id, &st);
	rsr = sys_clock_getres(id, &sr);
	rsn = sys_clock_getres(id, NULL);
	if (!rs && aux) {
		case_skip("the kernel accepts clock id %d: an enabled auxiliary clock (CLOCK_AUX, 6.17+)", (int)id);
		return;
	}
	if (fixed && rs != -EINVAL && !(aux && rs == -ENODEV)) {
		case_fail("expected the clock_gettime syscall to fail with EINVAL for clock id %d, it returned %s",
			  (int)id, err_name(rs, e1, sizeof(e1)));
		return;
	}
	rv = vget(id, &vt);
	if (vgetres) {
		rvr = vgetres(id, &vr);
		if (null_res(id, 0, &rvn, &rsn, why, sizeof(why))) {
			case_fail("vDSO clock_getres(%d, NULL): %s (the syscall returns %s)", (int)id, why,
				  err_name(rsn, e1, sizeof(e1)));
			return;
		}
	}
	case_diag("clock id %d: syscall clock_gettime %s, clock_getres %s (NULL res %s); vDSO clock_gettime %s%s, "
		  "clock_getres %s", (int)id, err_name(rs, e1, sizeof(e1)), err_name(rsr, e2, sizeof(e2)),
		  err_name(rsn, e3, sizeof(e3)), err_name(rv, e4, sizeof(e4)),
		  rv && (vt.tv_sec != CANARY_SEC || vt.tv_nsec != CANARY_NSEC) ? " (and wrote the timespec)" : "",
		  vgetres ? err_name(rvr, why, 48) : "not exported");
	if (rv != rs)
		case_fail("vDSO clock_gettime(%d) returned %s, the syscall %s", (int)id, err_name(rv, e1, sizeof(e1)),
			  err_name(rs, e2, sizeof(e2)));
	else if (vgetres && rvr != rsr && aux && kernel >= VDSO_KV(6, 17, 0) && rsr == -EINVAL && rsn == -EINVAL && rvr == 0 && rvn == 0 &&
		 vr.tv_sec == 0 && vr.tv_nsec == 1)
		/* lib/vdso/gettimeofday.c (6.17+) answers clock_getres for
		 * every CLOCK_AUX id with aux_clock_resolution_ns() (1 ns)
		 * without asking whether the kernel has auxiliary clocks;
		 * without CONFIG_POSIX_AUX_CLOCKS the syscall says EINVAL */
		case_xfail("kernel bug: the vDSO's clock_getres accepts CLOCK_AUX id %d (0, res 1 ns, also with NULL "
			   "res) while the syscall says EINVAL: the generic vDSO (6.17+) answers CLOCK_AUX ids without "
			   "checking CONFIG_POSIX_AUX_CLOCKS",
			   (int)id);
	else if (vgetres && rvr != rsr)
		case_fail("vDSO clock_getres(%d) returned %s, the syscall %s", (int)id, err_name(rvr, e1, sizeof(e1)),
			  err_name(rsr, e2, sizeof(e2)));
	else if (vgetres && rvn != rsn)
		case_fail("vDSO clock_getres(%d, NULL) returned %s, the syscall %s", (int)id,
			  err_name(rvn, e1, sizeof(e1)), err_name(rsn, e2, sizeof(e2)));
	else
		case_pass();
}

/* --- clock_gettime64 / clock_getres_time64 (32-bit ABIs) ------------------------- */

#ifdef HAVE_TIME64_ABI
typedef int (*vdso_clock_gettime64_t)(clockid_t, struct __kernel_timespec *);

static vdso_clock_gettime64_t vget64, vgetres64;

static int kread(int (*f)(clockid_t, struct __kernel_timespec *), long nr, clockid_t id, struct rd *r)
{
	struct __kernel_timespec t = { .tv_sec = -1, .tv_nsec = -1 };
	long rc;

	if (f) {
		rc = f(id, &t);
	} else {
		rc = syscall(nr, id, &t);
		if (rc < 0)
			rc = -errno;
	}
	r->sec = t.tv_sec;
	r->nsec = t.tv_nsec;
	return (int)rc;
}

static int vdso_read64(clockid_t id, struct rd *r)
{
	return kread(vget64, 0, id, r);
}

static int sys_read64(clockid_t id, struct rd *r)
{
	return kread(NULL, SYS_clock_gettime64, id, r);
}

static const struct api api_gettime64 = { "clock_gettime64", vdso_read64, sys_read64 };

static void check_bracket64(const struct clk *c, struct timecheck_outcome *o)
{
	bracket(&api_gettime64, c, TIME64_S * scale, o);
	if (!o->fail && norm.bad) {
		char s[64];

		o->fail = 1;
		snprintf(o->why, sizeof(o->why), "expected 0 <= tv_nsec < 1000000000 and tv_sec >= 0; %llu of %llu "
			 "readings were not, first %s", norm.bad, norm.n, timecheck_fmt_ts(s, sizeof(s), norm.sec, norm.nsec));
	}
}

static void check_gettime64(struct case_ctx *ctx)
{
	unsigned n = 0, k;

	vget64 = (vdso_clock_gettime64_t)case_fn(ctx, "clock_gettime64");
	if (!case_role_sym(ctx, "clock_gettime64") || !vget64) {
		case_point("clock.gettime64");
		if (!case_role_sym(ctx, "clock_gettime64"))
			case_skip("not exported on this ABI");
		else
			case_skip("target exports no %s (kernel before 5.6?)", case_role_sym(ctx, "clock_gettime64")->name);
		return;
	}
	for (k = 0; k < nclks; k++)
		n += !clks[k].unavailable;
	case_sub_begin("clock.gettime64", n + ARRAY_SIZE(clock_invalid_ids));
	for (k = 0; k < nclks; k++) {
		const struct clk *c = &clks[k];

		if (c->unavailable)
			continue;
		if (c->sys_rc) {
			struct rd v, s;
			int rv = vdso_read64(c->id, &v), rs = sys_read64(c->id, &s);
			char e1[48], e2[48];

			case_point("clock.gettime64.einval.%s", c->name);
			case_check(rv == rs, "vDSO clock_gettime64(%s) returned %s, SYS_clock_gettime64 %s", c->name,
				   err_name(rv, e1, sizeof(e1)), err_name(rs, e2, sizeof(e2)));
			continue;
		}
		memset(&norm, 0, sizeof(norm));
		case_point("clock.gettime64.%s", c->name);
		guarded(c, check_bracket64);
	}
	for (k = 0; k < ARRAY_SIZE(clock_invalid_ids); k++) {
		struct rd v, s;
		clockid_t id = clock_invalid_ids[k];
		int rv = vdso_read64(id, &v), rs = sys_read64(id, &s);
		char e1[48], e2[48];

		case_point("clock.gettime64.einval.%s", clock_invalid_names[k]);
		case_check(rv == rs && rs, "vDSO clock_gettime64(%d) returned %s, SYS_clock_gettime64 %s", (int)id,
			   err_name(rv, e1, sizeof(e1)), err_name(rs, e2, sizeof(e2)));
	}
	case_sub_end();
}

static void check_getres_time64(struct case_ctx *ctx)
{
	struct vdso_key key;
	struct vdso_sym sym;
	char name[64];
	unsigned k, n = 0;

	snprintf(name, sizeof(name), "%s_time64",
		 case_role_sym(ctx, "clock_getres") ? case_role_sym(ctx, "clock_getres")->name : "__vdso_clock_getres");
	vdso_key_init(&key, name, ctx->arch ? ctx->arch->version : "LINUX_2.6");
	if (vdso_lookup(&ctx->img, &key, VDSO_BY_ANY, &sym) != VDSO_OK || !sym.addr) {
		case_point("clock.getres_time64");
		case_skip("target exports no %s", name);
		return;
	}
	vgetres64 = (vdso_clock_gettime64_t)sym.addr;
	for (k = 0; k < nclks; k++)
		n += !clks[k].unavailable;
	case_sub_begin("clock.getres_time64", n + ARRAY_SIZE(clock_invalid_ids));
	for (k = 0; k < nclks + ARRAY_SIZE(clock_invalid_ids); k++) {
		int inv = k >= nclks;
		clockid_t id = inv ? clock_invalid_ids[k - nclks] : clks[k].id;
		const char *label = inv ? clock_invalid_names[k - nclks] : clks[k].name;
		struct rd v, s;
		int rv, rs;
		char e1[48], e2[48], s1[64], s2[64];

		if (!inv && clks[k].unavailable)
			continue;
		rv = kread(vgetres64, 0, id, &v);
		rs = kread(NULL, SYS_clock_getres_time64, id, &s);
		case_point("clock.getres_time64.%s", label);
		case_check(rv == rs && (rs || (v.sec == s.sec && v.nsec == s.nsec)),
			   "vDSO %s(%s) returned %s, res %s; SYS_clock_getres_time64 %s, res %s", name, label,
			   err_name(rv, e1, sizeof(e1)), fmt(s1, sizeof(s1), &v), err_name(rs, e2, sizeof(e2)),
			   fmt(s2, sizeof(s2), &s));
	}
	case_sub_end();
}
#else
static void check_gettime64(struct case_ctx *ctx)
{
	(void)ctx;
	case_point("clock.gettime64");
	case_skip("not exported on this ABI");
}

static void check_getres_time64(struct case_ctx *ctx)
{
	(void)ctx;
	case_point("clock.getres_time64");
	case_skip("not exported on this ABI");
}
#endif

/* --- plan and run ------------------------------------------------------------------ */

static void add_clock(clockid_t id, const char *name, const struct clock_desc *desc, int unavailable)
{
	struct clk *c = &clks[nclks++];
	struct timespec t;

	c->id = id;
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->desc = desc;
	c->unavailable = unavailable;
	c->sys_rc = unavailable ? -EINVAL : sys_clock_gettime(id, &t);
}

static void discover(void)
{
	clockid_t id = 0;
	int rc;

	if (nclks)
		return;
	for (unsigned i = 0; i < ARRAY_SIZE(clock_table); i++)
		add_clock(clock_table[i].id, clock_table[i].name, &clock_table[i], 0);
	rc = clock_getcpuclockid(0, &id);
	add_clock(id, "process_cpuclock", NULL, rc != 0);
	id = 0;
	rc = pthread_getcpuclockid(pthread_self(), &id);
	add_clock(id, "thread_cpuclock", NULL, rc != 0);
}

static int is_coarse(const struct clk *c)
{
	return c->desc && (c->desc->flags & CLK_COARSE);
}

static unsigned plan(struct case_ctx *ctx)
{
	unsigned n = ARRAY_SIZE(clock_invalid_ids) + 2;	/* einval per id, gettime64, getres_time64 */

	(void)ctx;
	discover();
	for (unsigned k = 0; k < nclks; k++) {
		if (clks[k].unavailable)
			n += 4 + is_coarse(&clks[k]);
		else
			n += clks[k].sys_rc ? 1 : 4 + is_coarse(&clks[k]);
	}
	return n;
}

static void skip_clock(const struct clk *c)
{
	static const char *const what[] = { "bracket", "sequence", "coarse", "normalized", "getres" };

	for (unsigned i = 0; i < ARRAY_SIZE(what); i++) {
		if (i == 2 && !is_coarse(c))
			continue;
		case_point("clock.%s.%s", what[i], c->name);
		case_skip("libc could not name the clock id (clock_getcpuclockid / pthread_getcpuclockid failed)");
	}
}

static void run(struct case_ctx *ctx)
{
	kernel = ctx->kernel;
	vget = (vdso_clock_gettime_t)case_fn(ctx, "clock_gettime");
	vgetres = (vdso_clock_getres_t)case_fn(ctx, "clock_getres");
	scale = case_duration(ctx, NOMINAL_S) / NOMINAL_S;
	if (scale <= 0)
		scale = 1.0;
	case_cpuset_init(&cpus);
	if (cpus.n > MAX_CPUS)
		cpus.n = MAX_CPUS;
	discover();
	null_batch();
	case_diag("valid clocks decided by the clock_gettime syscall; process CPU clock id %d, thread CPU clock id %d; "
		  "budgets per clock: bracket %.0f ms, sequence %.0f ms, coarse %.0f ms",
		  (int)clks[12].id, (int)clks[13].id, BRACKET_S * scale * 1e3, SEQUENCE_S * scale * 1e3,
		  COARSE_S * scale * 1e3);
	for (unsigned k = 0; k < nclks; k++) {
		const struct clk *c = &clks[k];

		if (c->unavailable) {
			skip_clock(c);
			continue;
		}
		if (c->sys_rc) {
			check_einval(c->id, c->name, c->desc && (c->desc->flags & CLK_INVALID));
			continue;
		}
		memset(&norm, 0, sizeof(norm));
		case_point("clock.bracket.%s", c->name);
		guarded(c, check_bracket);
		case_point("clock.sequence.%s", c->name);
		guarded(c, check_sequence);
		if (is_coarse(c)) {
			case_point("clock.coarse.%s", c->name);
			guarded(c, check_coarse);
		}
		check_normalized(c);
		check_getres(c);
	}
	for (unsigned k = 0; k < ARRAY_SIZE(clock_invalid_ids); k++)
		check_einval(clock_invalid_ids[k], clock_invalid_names[k], 1);
	check_gettime64(ctx);
	check_getres_time64(ctx);
}

static const struct case_spec spec = {
	.name = "clocks",
	.needs = CASE_NEED_VDSO,
	.roles = (const char *const[]){ "clock_gettime", NULL },
	.plan = plan,
	.run = run,
};
CASE_MAIN(spec)
