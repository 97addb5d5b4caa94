/* SPDX-License-Identifier: MIT */
/*
 * clock_gettime: every clock the clock_gettime system call accepts, read
 * through the target's clock_gettime and compared with the raw system call
 * (never libc, which uses the vDSO itself).
 *
 * Clocks: ids 0..11 of clock_table, the process CPU clock
 * (clock_getcpuclockid(0)) and this thread's (pthread_getcpuclockid),
 * named process_cpuclock and thread_cpuclock.  Which are valid is what the
 * clock_gettime system call says (the ALARM clocks need an RTC, id 10 is
 * gone); the others are clock_einval's.
 *
 * Per valid clock <C>:
 *   clock.bracket.<C>    syscall <= every vDSO reading of a sweep <=
 *                        syscall, round after round for a time budget,
 *                        split over every CPU we may run on.  Exact: both
 *                        read the same timekeeper, so no tolerance.  A
 *                        reading off by more than the slack on its side
 *                        fails; the diagnostics say in how many rounds the
 *                        slack was within 1 us, so that 1 us off failed.
 *   clock.sequence.<C>   vdsotest's interleaved sequence, in sweeps: a run
 *                        of vDSO readings, a syscall reading, another run,
 *                        ... each reading >= the one before it, migrating
 *                        to the next CPU every 128 sweeps so that readings
 *                        on different CPUs are compared too.  A sweep is
 *                        as long as makes the vDSO readings 99% of the
 *                        time (case_sweep_len), so that a rare glitch is
 *                        met nearly as often as the raw call rate allows.
 *   clock.coarse.<C>     (coarse clocks) against the fine twin: a sweep of
 *                        coarse readings between two syscall readings of
 *                        the fine clock, none ahead of the one after, none
 *                        behind the one before by more than 3 x res (see
 *                        COARSE_TICKS).
 *   clock.normalized.<C> every vDSO reading above had 0 <= tv_nsec < 1e9
 *                        and tv_sec >= 0.
 * 32-bit ABIs:
 *   clock.gettime64      nested: clock_gettime64 (struct __kernel_timespec)
 *                        bracketed by SYS_clock_gettime64 for a short
 *                        budget, every reading normalized, per valid
 *                        clock; the syscall's -errno per rejected clock and
 *                        invalid id: the raspberrypi/linux#3579 bug
 *                        (erratic REALTIME from clock_gettime64 while
 *                        clock_gettime was right).  On 64-bit ABIs a skip:
 *                        not exported on this ABI.
 *
 * A check of a CLOCK_REALTIME-based clock that fails while the kernel
 * reports that the clock was set (timerfd cancel-on-set) runs once more:
 * a step legitimately breaks the ordering.
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
#include "case/gettime_sweep.h"
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
/* Rounds per CPU made even when the budget is gone (a loaded machine):
 * a round is some 100 syscalls' time (case_sweep_len), so these take about
 * as long as the budget on an idle machine. */
#define MIN_ROUNDS 100
/* sweeps between migrations: a few milliseconds on one CPU, some 5
 * migrations in the sequence budget; a migration costs tens of
 * microseconds, which more often would take from the readings */
#define MIGRATE_SWEEPS 128
#define MAX_CPUS 16	/* CPUs visited; the budget is split among them */
/*
 * The coarse clocks are the time of the last timekeeping accumulation,
 * which the tick makes every res (clock_getres: 4 ms at HZ=250).  The
 * accumulation advances in whole intervals from the clocksource's base,
 * so the coarse time lags the moment of the tick by a constant phase
 * below one interval.  Read after the fine clock, a coarse reading
 * therefore lags it by at most: the phase (< 1 res) + the time since the
 * last tick (< 1 res) + the latency of that tick's update, bounded by one
 * more tick: lag <= 3 x res.  And it is never ahead of the fine clock read
 * after it: both come from the same accumulation, the fine one plus the
 * counter's progress since.
 */
#define COARSE_TICKS 3

#define CANARY_SEC ((time_t)-1)
#define CANARY_NSEC (-1L)

static struct case_clock clks[CASE_NCLOCKS];
static vdso_clock_gettime_t vget;
static struct case_cpuset cpus;
static double scale = 1.0;
static struct case_norm norm;	/* the readings of the clock being checked */

static int64_t ns(const struct bracket_val *r)
{
	return r->sec * NS + r->frac;
}

static int vdso_read(clockid_t id, struct bracket_val *r)
{
	struct timespec t = { .tv_sec = CANARY_SEC, .tv_nsec = CANARY_NSEC };
	int rc = vget(id, &t);

	r->sec = t.tv_sec;
	r->frac = t.tv_nsec;
	return rc;
}

static int sys_read(clockid_t id, struct bracket_val *r)
{
	struct timespec t;
	int rc = sys_clock_gettime(id, &t);

	r->sec = t.tv_sec;
	r->frac = t.tv_nsec;
	return rc;
}

/* sweeps by direct calls (gettime_sweep.h): the checks' inner loops */
static void sweep_fine(clockid_t id, unsigned n, struct case_norm *nm, struct case_sweep *s)
{
	case_gettime_sweep(vget, id, n, nm, s);
}

static void sweep_coarse(clockid_t id, unsigned n, struct case_norm *nm, struct case_sweep *s)
{
	case_gettime_sweep_coarse(vget, id, n, nm, s);
}

static const struct case_clock_api api_gettime = { "clock_gettime", vdso_read, sys_read, sweep_fine };
static const struct case_clock_api api_coarse = { "clock_gettime", vdso_read, sys_read, sweep_coarse };

static const struct case_clock_api *api_of(const struct case_clock *c)
{
	return case_clock_is_coarse(c) ? &api_coarse : &api_gettime;
}

static char *fmt(char *buf, size_t len, const struct bracket_val *r)
{
	return timecheck_fmt_ts(buf, len, r->sec, r->frac);
}

/* --- clock.bracket ------------------------------------------------------------ */

static void check_bracket(const struct case_clock *c, struct timecheck_outcome *o)
{
	case_clock_bracket(api_of(c), c, &cpus, BRACKET_S * scale, MIN_ROUNDS, &norm, o);
}

/* --- clock.sequence ----------------------------------------------------------- */

static void check_sequence(const struct case_clock *c, struct timecheck_outcome *o)
{
	unsigned long long i, bad = 0, errs = 0, migrations = 0, first_at = 0, reads = 0;
	const struct case_clock_api *api = api_of(c);
	unsigned sweep = case_sweep_len(api, c->id, SEQUENCE_S * scale, case_floor_rounds(MIN_ROUNDS, 1));
	struct bracket_val last_sys;
	int64_t end, t0 = case_mono_ns(), maxstep = 0;
	int first_rc = 0, sysfail = 0;
	struct bracket_val prev, fp = { 0, 0 }, fc = { 0, 0 };
	const char *fwhat = "";
	char s1[64], s2[64], cl[128];

	end = t0 + (int64_t)(SEQUENCE_S * scale * 1e9);
	case_cpuset_pin(&cpus, 0);
	sysfail = sys_read(c->id, &prev);
	last_sys = prev;
	for (i = 0; !sysfail; i++) {
		struct bracket_val v = prev, s;
		struct case_sweep sw;
		int rv;

		if (i && !(i % MIGRATE_SWEEPS) && cpus.n > 1) {
			case_cpuset_pin(&cpus, (int)(i / MIGRATE_SWEEPS));
			migrations++;
		}
		if (!(i & 63) && i >= MIN_ROUNDS && case_mono_ns() >= end)
			break;
		/* a sweep of vDSO readings, each >= the one before it, the
		 * first >= the syscall reading before them */
		api->sweep(c->id, sweep, &norm, &sw);
		rv = sw.rc;
		reads += sw.reads;
		if (sw.reads && ns(&sw.first) < ns(&prev) && !bad++) {
			fp = prev, fc = sw.first, first_at = i;
			fwhat = "the vDSO reading went back behind the syscall reading before it";
		}
		if (sw.back && !bad) {
			fp = sw.back_prev, fc = sw.back_cur, first_at = i;
			fwhat = "the vDSO reading went back behind the vDSO reading before it";
		}
		bad += sw.back;
		if (sw.reads)
			v = prev = sw.last;
		if (rv) {
			if (!errs++)
				first_rc = rv;
			continue;
		}
		sysfail = sys_read(c->id, &s);
		if (sysfail)
			break;
		if (ns(&s) < ns(&v) && !bad++) {
			fp = v, fc = s, first_at = i;
			fwhat = "the syscall reading went back behind the vDSO reading before it (the vDSO ran ahead)";
		}
		if (ns(&s) - ns(&last_sys) > maxstep)
			maxstep = ns(&s) - ns(&last_sys);
		prev = last_sys = s;
	}
	case_cpuset_restore(&cpus);
	snprintf(o->diag, sizeof(o->diag),
		 "%llu sweeps of %u vDSO readings then a syscall reading (%llu vDSO readings) in %.0f ms, %llu "
		 "migrations between CPUs %s (every %d sweeps); largest step between consecutive syscall readings "
		 "%" PRId64 " ns",
		 i, sweep, reads, (double)(case_mono_ns() - t0) / 1e6, migrations, case_cpuset_list(&cpus, cl, sizeof(cl)),
		 MIGRATE_SWEEPS, maxstep);
	if (sysfail) {
		o->fail = 1;
		snprintf(o->why, sizeof(o->why), "the clock_gettime syscall for %s failed mid-check with %s",
			 c->name, case_err_name(sysfail, s1, sizeof(s1)));
	} else if (errs) {
		o->fail = 1;
		snprintf(o->why, sizeof(o->why), "vDSO clock_gettime(%s) returned %s in %llu of %llu readings",
			 c->name, case_err_name(first_rc, s1, sizeof(s1)), errs, reads + errs);
	} else if (bad) {
		o->fail = 1;
		snprintf(o->why, sizeof(o->why),
			 "expected every reading >= the previous one; %llu went back, first in sweep %llu: %s: %s "
			 "then %s (%" PRId64 " ns back)",
			 bad, first_at, fwhat, fmt(s1, sizeof(s1), &fp), fmt(s2, sizeof(s2), &fc),
			 ns(&fp) - ns(&fc));
	}
}

/* --- clock.coarse -------------------------------------------------------------- */

static void note_step(int64_t step, unsigned long long *updates, int64_t *minstep)
{
	++*updates;
	if (step > 0 && step < *minstep)
		*minstep = step;
}

static void check_coarse(const struct case_clock *c, struct timecheck_outcome *o)
{
	clockid_t fine = c->desc->fine;
	struct timespec r;
	unsigned long long n, lagbad = 0, leadbad = 0, updates = 0, errs = 0, late = 0, reads = 0;
	unsigned sweep;
	int64_t res, tol, end, t0, maxlag = INT64_MIN, maxlead = INT64_MIN, minstep = INT64_MAX, last = 0;
	struct bracket_val f1b = { 0, 0 }, vb = { 0, 0 }, f2b = { 0, 0 };
	int rc, first_rc = 0, sysfail = 0;
	char s1[64], s2[64], s3[64], nb[48];
	const char *fname = clock_name(fine, nb, sizeof(nb));

	rc = sys_clock_getres(c->id, &r);
	if (rc || ts_ns(&r) <= 0) {
		o->fail = 1;
		snprintf(o->why, sizeof(o->why), "the clock_getres syscall for %s gave %s, res %" PRId64 " ns",
			 c->name, case_err_name(rc, s1, sizeof(s1)), rc ? 0 : ts_ns(&r));
		return;
	}
	res = ts_ns(&r);
	tol = COARSE_TICKS * res;
	t0 = case_mono_ns();
	end = t0 + (int64_t)(COARSE_S * scale * 1e9);
	sweep = case_sweep_len(&api_coarse, c->id, COARSE_S * scale, case_floor_rounds(MIN_ROUNDS, 1));
	for (n = 0;; n++) {
		struct bracket_val f1, f2, k;
		struct case_sweep sw;

		if (!(n & 63) && n >= MIN_ROUNDS && case_mono_ns() >= end)
			break;
		/* the kernel's own coarse reading first: when a tick comes late
		 * (an emulator, a stalled timekeeping CPU) the kernel lags too,
		 * and that is not the vDSO's fault */
		if ((sysfail = sys_read(c->id, &k)) != 0)
			break;
		if ((sysfail = sys_read(fine, &f1)) != 0)
			break;
		sweep_coarse(c->id, sweep, &norm, &sw);
		if ((sysfail = sys_read(fine, &f2)) != 0)
			break;
		reads += sw.reads;
		if (sw.rc) {
			if (!errs++)
				first_rc = sw.rc;
			continue;
		}
		/* a tick changes the value between sweeps or inside one, which
		 * is far shorter than a tick: at most one step inside */
		if (n && ns(&sw.first) != last)
			note_step(ns(&sw.first) - last, &updates, &minstep);
		if (ns(&sw.hi) != ns(&sw.lo))
			note_step(ns(&sw.hi) - ns(&sw.lo), &updates, &minstep);
		last = ns(&sw.last);
		/* every reading of the sweep against f1 before and f2 after it:
		 * the lowest lags f1 most, the highest leads f2 most */
		if (ns(&f1) - ns(&sw.lo) > maxlag)
			maxlag = ns(&f1) - ns(&sw.lo);
		if (ns(&sw.hi) - ns(&f2) > maxlead)
			maxlead = ns(&sw.hi) - ns(&f2);
		if (ns(&f1) - ns(&sw.lo) > tol) {
			if (ns(&sw.lo) >= ns(&k))
				late++;
			else if (!lagbad++)
				f1b = f1, vb = sw.lo, f2b = f2;
		}
		if (ns(&sw.hi) > ns(&f2) && !leadbad++ && !lagbad)
			f1b = f1, vb = sw.hi, f2b = f2;
	}
	snprintf(o->diag, sizeof(o->diag),
		 "resolution %" PRId64 " ns (clock_getres syscall); tolerance: %s is the time of the last "
		 "accumulation, which lags the tick by a constant phase (< 1 res); read after %s it lags by at "
		 "most that phase + the time since the tick (< 1 res) + the tick's update latency, bounded by one "
		 "more tick: lag <= %d x res = %" PRId64 " ns, unless the kernel's own coarse clock, read just "
		 "before, lagged as much (a late tick); and it is never ahead of %s read after it.\n"
		 "measured: %llu rounds of %u vDSO readings (%llu in all) in %.0f ms, %llu updates seen (smallest step %" PRId64 " ns); largest "
		 "lag %" PRId64 " ns (%.2f res); smallest distance behind %s read after it (the phase) %" PRId64
		 " ns%s; rounds past the bound with the kernel as late (late ticks): %llu",
		 res, c->name, fname, COARSE_TICKS, tol, fname, n, sweep, reads, (double)(case_mono_ns() - t0) / 1e6,
		 updates,
		 minstep == INT64_MAX ? 0 : minstep, maxlag, (double)maxlag / (double)res, fname, -maxlead,
		 maxlead > 0 ? " (negative: AHEAD)" : "", late);
	if (sysfail) {
		o->fail = 1;
		snprintf(o->why, sizeof(o->why), "the clock_gettime syscall for %s failed mid-check with %s", fname,
			 case_err_name(sysfail, s1, sizeof(s1)));
	} else if (errs) {
		o->fail = 1;
		snprintf(o->why, sizeof(o->why), "vDSO clock_gettime(%s) returned %s in %llu of %llu rounds",
			 c->name, case_err_name(first_rc, s1, sizeof(s1)), errs, n);
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

struct guarded_clk {
	const struct case_clock *c;
	void (*fn)(const struct case_clock *c, struct timecheck_outcome *o);
};

static void guarded_call(const void *arg, struct timecheck_outcome *o)
{
	const struct guarded_clk *g = arg;

	g->fn(g->c, o);
}

static void guarded(const struct case_clock *c, void (*fn)(const struct case_clock *c, struct timecheck_outcome *o))
{
	struct guarded_clk g = { c, fn };

	case_guarded(case_clock_is_wall(c->id), guarded_call, &g);
}

/* --- clock.normalized --------------------------------------------------------- */

static void check_normalized(const struct case_clock *c, double ms)
{
	char s[64];

	if (!case_point("clock.normalized.%s", c->name))
		return;
	/* make bench reads this line: readings per second checked, and so the
	 * rarest glitch the default run catches */
	case_diag("%llu vDSO readings of %s checked in %.1f ms (every reading of the checks above)", norm.n,
		  c->name, ms);
	if (!norm.n)
		case_skip("no vDSO reading of %s succeeded: nothing to judge (see clock.bracket.%s)", c->name, c->name);
	else if (norm.bad)
		case_fail("expected 0 <= tv_nsec < 1000000000 and tv_sec >= 0; %llu of %llu readings were not, first %s",
			  norm.bad, norm.n, fmt(s, sizeof(s), &norm.first));
	else
		case_pass();
}

/* --- clock.gettime64 (32-bit ABIs) ---------------------------------------------- */

#ifdef HAVE_TIME64_ABI
typedef int (*vdso_clock_gettime64_t)(clockid_t, struct __kernel_timespec *);

static vdso_clock_gettime64_t vget64;

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

static const struct case_clock_api api_gettime64 = { "clock_gettime64", vdso_read64, sys_read64, NULL };

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

static void check_gettime64(struct case_ctx *ctx)
{
	vget64 = (vdso_clock_gettime64_t)case_fn(ctx, "clock_gettime64");
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
static void check_gettime64(struct case_ctx *ctx)
{
	(void)ctx;
	if (case_point("clock.gettime64"))
		case_skip("not exported on this ABI");
}
#endif

/* --- the case ------------------------------------------------------------------- */

static void setup(struct case_ctx *ctx)
{
	vget = (vdso_clock_gettime_t)case_fn(ctx, "clock_gettime");
	scale = case_duration(ctx, NOMINAL_S) / NOMINAL_S;
	if (scale <= 0)
		scale = 1.0;
	case_cpuset_init(&cpus);
	if (cpus.n > MAX_CPUS)
		cpus.n = MAX_CPUS;
	case_clocks(clks);
	case_diag("valid clocks decided by the clock_gettime syscall; process CPU clock id %d, thread CPU clock id %d; "
		  "budgets per clock: bracket %.0f ms, sequence %.0f ms, coarse %.0f ms",
		  (int)clks[12].id, (int)clks[13].id, BRACKET_S * scale * 1e3, SEQUENCE_S * scale * 1e3,
		  COARSE_S * scale * 1e3);
}

/* the checks of one clock, in order; coarse only for the coarse clocks */
static const struct {
	const char *what;
	void (*fn)(const struct case_clock *c, struct timecheck_outcome *o);
	int coarse;
} checks[] = {
	{ "bracket", check_bracket, 0 },
	{ "sequence", check_sequence, 0 },
	{ "coarse", check_coarse, 1 },
};

static double mono_ms(void)
{
	struct timespec t;

	sys_clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)ts_ns(&t) / 1e6;
}

static void run(struct case_ctx *ctx)
{
	for (unsigned k = 0; k < CASE_NCLOCKS; k++) {
		const struct case_clock *c = &clks[k];
		double t0 = mono_ms();

		if (c->sys_rc && !c->unavailable)
			continue;	/* clock_einval's */
		memset(&norm, 0, sizeof(norm));
		for (unsigned i = 0; i < ARRAY_SIZE(checks); i++) {
			if (checks[i].coarse && !case_clock_is_coarse(c))
				continue;
			if (!case_point("clock.%s.%s", checks[i].what, c->name))
				continue;
			if (c->unavailable)
				case_skip("libc could not name the clock id (clock_getcpuclockid / pthread_getcpuclockid "
					  "failed)");
			else
				guarded(c, checks[i].fn);
		}
		if (c->unavailable) {
			if (case_point("clock.normalized.%s", c->name))
				case_skip("libc could not name the clock id (clock_getcpuclockid / pthread_getcpuclockid "
					  "failed)");
			continue;
		}
		check_normalized(c, mono_ms() - t0);
	}
	check_gettime64(ctx);
}

static const struct case_spec spec = {
	.name = "clock_gettime",
	.needs = CASE_NEED_VDSO,
	.roles = (const char *const[]){ "clock_gettime", NULL },
	.setup = setup,
	.run = run,
};
CASE_MAIN(spec)
