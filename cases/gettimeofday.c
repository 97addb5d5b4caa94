/* SPDX-License-Identifier: MIT */
/*
 * gettimeofday: the target's gettimeofday and time against the raw system
 * calls (never libc's, which use the vDSO themselves).
 *
 *   gettimeofday.bracket   syscall gettimeofday <= vDSO <= syscall, in
 *                          microseconds, round after round, on every CPU;
 *                          every vDSO tv also has 0 <= tv_usec < 1000000.
 *                          Exact: both read the same timekeeper data.
 *   gettimeofday.realtime  bracketed by CLOCK_REALTIME readings truncated
 *                          to microseconds (gettimeofday is CLOCK_REALTIME
 *                          with tv_nsec / 1000, truncated, in the kernel
 *                          and in the vDSO; truncation keeps the order, so
 *                          the bracket stays exact): first from the
 *                          syscall, then from the target's own
 *                          clock_gettime.  Where a system call takes
 *                          microseconds (a hypervisor's), syscall brackets
 *                          are wider than the 1 us a rounding bug is off
 *                          by; the vDSO's own readings are tens of ns
 *                          apart, so the two entry points must agree to
 *                          the microsecond (clock.bracket checks that
 *                          clock_gettime itself against the syscall).
 *   gettimeofday.timezone  struct timezone as the syscall fills it, in every
 *                          call above and in one made for it.
 *   gettimeofday.null_tv   gettimeofday(NULL, &tz) fills tz and returns 0,
 *                          gettimeofday(NULL, NULL) returns 0, as the
 *                          syscall does (in a child: a crash fails the point,
 *                          not the case).
 *   gettimeofday.null_tz   gettimeofday(&tv, NULL) returns 0 and a bracketed
 *                          tv (in a child).
 *   time.tloc              time(&t) returns what it stores in t.
 *   time.bracket           syscall time() <= vDSO time() <= syscall time().
 *   time.coarse            the seconds of CLOCK_REALTIME_COARSE (syscall)
 *                          bracket it: no tolerance, since time() is the
 *                          timekeeper's xtime_sec, the very seconds of the
 *                          coarse clock, published in the same update.
 *   time.null              time(NULL) returns a bracketed value (in a child).
 *
 * A check that fails while the kernel reports that CLOCK_REALTIME was set
 * (timerfd cancel-on-set) runs once more: a step breaks the ordering.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "case/case.h"
#include "case/bracket.h"
#include "case/clock.h"
#include "case/guarded.h"
#include "case/known.h"

/* Wall-time budgets (s) at the default duration; --duration S scales
 * them by S / NOMINAL_S. */
#define GTOD_BRACKET_S 0.080
#define GTOD_REALTIME_S 0.080
#define TIME_TLOC_S 0.015
#define TIME_BRACKET_S 0.060
#define TIME_COARSE_S 0.060
#define NOMINAL_S 0.3
#define MIN_ROUNDS 500
#define MAX_CPUS 16

#define US ((int64_t)1000000)
/* Values the kernel never holds: settimeofday() refuses a tz_minuteswest
 * outside +-15 h, so a timezone left as this was not written. */
#define TZ_CANARY_MIN (INT_MIN + 7)
#define TZ_CANARY_DST (INT_MIN + 11)
#define TIME_CANARY ((time_t)-12345)

static vdso_gettimeofday_t vgtod;
static vdso_time_t vtime;
static vdso_clock_gettime_t vcgt;	/* the target's, a reference for realtime */
static const struct case_ctx *target;	/* for its known kernel defects */
static struct case_cpuset cpus;
static double scale = 1.0;
static struct timezone sys_tz;	/* what the syscall says */
/* timezones written by the vDSO during the bracket and realtime checks */
static struct {
	unsigned long long n, bad;
	struct timezone first;
} tzs;

static char *fmt_tv(char *buf, size_t len, const struct timeval *tv)
{
	return timecheck_fmt_tv(buf, len, (int64_t)tv->tv_sec, (int64_t)tv->tv_usec);
}

static void note_tz(const struct timezone *tz)
{
	tzs.n++;
	if ((tz->tz_minuteswest != sys_tz.tz_minuteswest || tz->tz_dsttime != sys_tz.tz_dsttime) && !tzs.bad++)
		tzs.first = *tz;
}

static int tv_ok(const struct timeval *tv)
{
	return tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < US;
}

/* --- gettimeofday.bracket / gettimeofday.realtime ------------------------------- */

/* what a vDSO gettimeofday is bracketed by */
enum gtod_ref { REF_GTOD_SYSCALL, REF_REALTIME_SYSCALL, REF_REALTIME_VDSO };
static const char *const ref_name[] = {
	[REF_GTOD_SYSCALL] = "gettimeofday syscall",
	[REF_REALTIME_SYSCALL] = "CLOCK_REALTIME syscall",
	[REF_REALTIME_VDSO] = "the target's clock_gettime(CLOCK_REALTIME)",
};

struct gtod_round {
	enum gtod_ref ref;
	unsigned long long unnorm;
	struct timeval first_unnorm;
};

static void gtod_round(void *arg, struct bracket_round *r)
{
	struct gtod_round *g = arg;
	struct timeval v = { .tv_sec = -1, .tv_usec = -1 };
	struct timezone tz = { TZ_CANARY_MIN, TZ_CANARY_DST };

	if (g->ref == REF_REALTIME_VDSO) {
		struct timespec ta, tb;

		r->sys_rc = vcgt(CLOCK_REALTIME, &ta);
		r->vdso_rc = vgtod(&v, &tz);
		r->sys_rc = r->sys_rc ? r->sys_rc : vcgt(CLOCK_REALTIME, &tb);
		r->a = (struct bracket_val){ ta.tv_sec, ta.tv_nsec / 1000 };
		r->b = (struct bracket_val){ tb.tv_sec, tb.tv_nsec / 1000 };
	} else if (g->ref == REF_REALTIME_SYSCALL) {
		struct timespec ta, tb;

		r->sys_rc = sys_clock_gettime(CLOCK_REALTIME, &ta);
		r->vdso_rc = vgtod(&v, &tz);
		r->sys_rc = r->sys_rc ? r->sys_rc : sys_clock_gettime(CLOCK_REALTIME, &tb);
		/* truncated, as the kernel truncates nanoseconds to us */
		r->a = (struct bracket_val){ ta.tv_sec, ta.tv_nsec / 1000 };
		r->b = (struct bracket_val){ tb.tv_sec, tb.tv_nsec / 1000 };
	} else {
		struct timeval va, vb;

		r->sys_rc = sys_gettimeofday(&va, NULL);
		r->vdso_rc = vgtod(&v, &tz);
		r->sys_rc = r->sys_rc ? r->sys_rc : sys_gettimeofday(&vb, NULL);
		r->a = (struct bracket_val){ va.tv_sec, va.tv_usec };
		r->b = (struct bracket_val){ vb.tv_sec, vb.tv_usec };
	}
	r->v = (struct bracket_val){ v.tv_sec, v.tv_usec };
	if (r->sys_rc || r->vdso_rc)
		return;
	note_tz(&tz);
	if (!tv_ok(&v) && !g->unnorm++)
		g->first_unnorm = v;
}

static void gtod_bracket(enum gtod_ref ref, double seconds, struct timecheck_outcome *o)
{
	int realtime = ref != REF_GTOD_SYSCALL;
	struct gtod_round g = { .ref = ref };
	struct bracket_spec s = {
		.per_sec = US, .tight = 1, .seconds = seconds, .min_rounds = MIN_ROUNDS,
		.cpus = &cpus, .round = gtod_round, .arg = &g,
	};
	struct bracket_result r;
	struct timeval fv;
	int64_t fa, fb;
	char s1[64];

	bracket_run(&s, &r);
	fa = bracket_value(&s, &r.first.a);
	fb = bracket_value(&s, &r.first.b);
	fv.tv_sec = (time_t)r.first.v.sec;
	fv.tv_usec = (suseconds_t)r.first.v.frac;
	snprintf(o->diag, sizeof(o->diag),
		 "%llu rounds of %s, vDSO gettimeofday, %s on %d CPU(s) in %.0f ms; no tolerance%s; bracket "
		 "smallest %" PRId64 " us, largest %" PRId64 " us; %llu rounds (%.1f%%) were bracketed within 1 us: a "
		 "tv off by 2 us or more fails each of them",
		 r.rounds, ref_name[ref], ref_name[ref], r.visit, r.ms,
		 realtime ? " (the CLOCK_REALTIME readings truncated to us, as gettimeofday truncates tv_nsec / 1000)"
			  : "",
		 r.mingap, r.maxgap, r.tight, r.rounds ? 100.0 * (double)r.tight / (double)r.rounds : 0.0);
	if (r.sysfail) {
		o->fail = 1;
		snprintf(o->why, sizeof(o->why), "the reference, %s, failed mid-check with %d", ref_name[ref],
			 r.sysfail);
	} else if (r.errs) {
		o->fail = 1;
		snprintf(o->why, sizeof(o->why), "vDSO gettimeofday returned %d in %llu of %llu rounds", r.first_rc,
			 r.errs, r.rounds);
	} else if (r.bad) {
		int64_t off = tv_us(&fv) < fa ? tv_us(&fv) - fa : tv_us(&fv) - fb;

		o->fail = 1;
		snprintf(o->why, sizeof(o->why),
			 "expected %s <= vDSO gettimeofday <= %s in every round; %llu of %llu rounds were outside, "
			 "first: %" PRId64 ".%06" PRId64 ", vDSO %s, %" PRId64 ".%06" PRId64 ": %" PRId64 " us %s",
			 ref_name[ref], ref_name[ref], r.bad,
			 r.rounds, fa / US, fa % US, fmt_tv(s1, sizeof(s1), &fv), fb / US, fb % US, off < 0 ? -off : off,
			 off < 0 ? "behind" : "ahead");
	} else if (g.unnorm) {
		o->fail = 1;
		snprintf(o->why, sizeof(o->why),
			 "expected 0 <= tv_usec < 1000000 and tv_sec >= 0; %llu of %llu vDSO readings were not, first "
			 "%s",
			 g.unnorm, r.rounds, fmt_tv(s1, sizeof(s1), &g.first_unnorm));
	}
}

static void check_gtod_bracket(struct timecheck_outcome *o)
{
	gtod_bracket(REF_GTOD_SYSCALL, GTOD_BRACKET_S * scale, o);
}

/* syscall references for half the budget, the target's clock_gettime for
 * the other half; the first that fails decides */
static void check_gtod_realtime(struct timecheck_outcome *o)
{
	struct timecheck_outcome own;
	size_t n;

	gtod_bracket(REF_REALTIME_SYSCALL, GTOD_REALTIME_S * scale / (vcgt ? 2 : 1), o);
	if (o->fail || !vcgt)
		return;
	memset(&own, 0, sizeof(own));
	gtod_bracket(REF_REALTIME_VDSO, GTOD_REALTIME_S * scale / 2, &own);
	n = strlen(o->diag);
	snprintf(o->diag + n, sizeof(o->diag) - n, "\n%s", own.diag);
	if (own.fail) {
		o->fail = 1;
		memcpy(o->why, own.why, sizeof(o->why));
	}
}

/* --- time.* ------------------------------------------------------------------------- */

static void check_time_tloc(struct timecheck_outcome *o)
{
	unsigned long long n, bad = 0;
	int64_t end = case_mono_ns() + (int64_t)(TIME_TLOC_S * scale * 1e9);
	time_t fr = 0, ft = 0;

	for (n = 0;; n++) {
		time_t t = TIME_CANARY, r;

		if (!(n & 63) && n >= MIN_ROUNDS && case_mono_ns() >= end)
			break;
		r = vtime(&t);
		if (r != t && !bad++)
			fr = r, ft = t;
	}
	snprintf(o->diag, sizeof(o->diag), "%llu calls of time(&t)", n);
	if (bad) {
		o->fail = 1;
		snprintf(o->why, sizeof(o->why),
			 "expected time(&t) to return the value it stores in t; %llu of %llu calls did not, first: "
			 "returned %" PRId64 ", stored %" PRId64 "%s",
			 bad, n, (int64_t)fr, (int64_t)ft, ft == TIME_CANARY ? " (t left unwritten)" : "");
	}
}

/* coarse: 0 brackets with the time syscall, 1 with CLOCK_REALTIME_COARSE seconds */
static void time_bracket(int coarse, double seconds, struct timecheck_outcome *o)
{
	unsigned long long n, bad = 0, crossings = 0, stale = 0;
	int64_t end = case_mono_ns() + (int64_t)(seconds * 1e9), fa = 0, fb = 0, fs = 0;
	time_t ft = 0;
	int sysfail = 0;

	for (n = 0; !sysfail; n++) {
		int64_t a, b;
		time_t t, tl;

		if (!(n & 63) && n >= MIN_ROUNDS && case_mono_ns() >= end)
			break;
		if (coarse) {
			struct timespec ca, cb;

			sysfail = sys_clock_gettime(CLOCK_REALTIME_COARSE, &ca);
			t = vtime(&tl);
			sysfail = sysfail ? sysfail : sys_clock_gettime(CLOCK_REALTIME_COARSE, &cb);
			a = ca.tv_sec;
			b = cb.tv_sec;
		} else {
			long ra = sys_time(NULL);

			t = vtime(&tl);
			b = sys_time(NULL);
			a = ra;
			sysfail = ra < 0 ? (int)ra : b < 0 ? (int)b : 0;
		}
		crossings += b != a;
		if (!coarse && (int64_t)t > b) {
			/* the known defect's shape: the settled seconds at once */
			struct timespec c = { 0, 0 };

			if (!sys_clock_gettime(CLOCK_REALTIME_COARSE, &c) &&
			    case_known_time_stale_second(target, (int64_t)t, b, (int64_t)c.tv_sec)) {
				if (!stale++)
					fs = c.tv_sec;
				continue;
			}
		}
		if (((int64_t)t < a || (int64_t)t > b) && !bad++)
			fa = a, ft = t, fb = b;
	}
	snprintf(o->diag, sizeof(o->diag),
		 "%llu rounds of %s, vDSO time(), %s; %llu of them straddled a second boundary; no tolerance%s", n,
		 coarse ? "CLOCK_REALTIME_COARSE syscall" : "time syscall",
		 coarse ? "CLOCK_REALTIME_COARSE syscall" : "time syscall", crossings,
		 coarse ? ": time() returns the timekeeper's xtime_sec, which is the coarse clock's seconds, "
			  "published in the same update"
			: "");
	if (sysfail) {
		o->fail = 1;
		snprintf(o->why, sizeof(o->why), "the reference syscall failed mid-check with %d", sysfail);
	} else if (stale && !bad) {
		o->fail = 1;
		o->known = KNOWN_TIME_STALE_SECOND + 1;
		snprintf(o->why, sizeof(o->why),
			 "in %llu of %llu rounds vDSO time() was one second ahead of the time syscall read after it, "
			 "and CLOCK_REALTIME_COARSE, read at once, already had that second (first: %" PRId64 ")",
			 stale, n, fs);
	} else if (bad) {
		o->fail = 1;
		snprintf(o->why, sizeof(o->why),
			 "expected %s <= time() <= %s in every round; %llu of %llu rounds were outside, first: %" PRId64
			 ", vDSO %" PRId64 ", %" PRId64 " (%+" PRId64 " s)",
			 coarse ? "CLOCK_REALTIME_COARSE seconds" : "syscall time()",
			 coarse ? "CLOCK_REALTIME_COARSE seconds" : "syscall time()", bad, n, fa, (int64_t)ft, fb,
			 (int64_t)ft < fa ? (int64_t)ft - fa : (int64_t)ft - fb);
	}
}

static void check_time_bracket(struct timecheck_outcome *o)
{
	time_bracket(0, TIME_BRACKET_S * scale, o);
}

static void check_time_coarse(struct timecheck_outcome *o)
{
	time_bracket(1, TIME_COARSE_S * scale, o);
}

/* --- guarded runs --------------------------------------------------------------- */

struct guarded_fn {
	void (*fn)(struct timecheck_outcome *o);
};

static void guarded_call(const void *arg, struct timecheck_outcome *o)
{
	((const struct guarded_fn *)arg)->fn(o);
}

/* every check here reads REALTIME, which a step moves */
static void guarded(void (*fn)(struct timecheck_outcome *o))
{
	struct guarded_fn g = { fn };

	case_guarded(1, guarded_call, &g);
}

/* --- timezone and NULL arguments -------------------------------------------------- */

static void check_timezone(void)
{
	struct timeval tv;
	struct timezone tz = { TZ_CANARY_MIN, TZ_CANARY_DST };
	int rc;

	if (!case_point("gettimeofday.timezone"))
		return;
	rc = vgtod(&tv, &tz);
	if (!rc)
		note_tz(&tz);
	case_diag("syscall timezone: tz_minuteswest %d, tz_dsttime %d; %llu vDSO calls checked", sys_tz.tz_minuteswest,
		  sys_tz.tz_dsttime, tzs.n);
	if (rc)
		case_fail("vDSO gettimeofday(&tv, &tz) returned %d", rc);
	else if (tzs.bad)
		case_fail("expected the syscall's timezone {%d, %d}; %llu of %llu vDSO calls wrote another, first "
			  "{%d, %d}%s",
			  sys_tz.tz_minuteswest, sys_tz.tz_dsttime, tzs.bad, tzs.n, tzs.first.tz_minuteswest,
			  tzs.first.tz_dsttime,
			  tzs.first.tz_minuteswest == TZ_CANARY_MIN && tzs.first.tz_dsttime == TZ_CANARY_DST
				  ? " (left unwritten)"
				  : "");
	else
		case_pass();
}

struct null_tv_probe {
	int rc, sys_rc, rc_nn, sys_rc_nn;
	struct timezone tz, stz;
};

static void null_tv_child(void *buf)
{
	struct null_tv_probe *p = buf;

	p->tz.tz_minuteswest = p->stz.tz_minuteswest = TZ_CANARY_MIN;
	p->tz.tz_dsttime = p->stz.tz_dsttime = TZ_CANARY_DST;
	p->rc = vgtod(NULL, &p->tz);
	p->sys_rc = sys_gettimeofday(NULL, &p->stz);
	p->rc_nn = vgtod(NULL, NULL);
	p->sys_rc_nn = sys_gettimeofday(NULL, NULL);
}

static void check_null_tv(void)
{
	struct null_tv_probe p;
	char why[256];

	if (!case_point("gettimeofday.null_tv"))
		return;
	memset(&p, 0, sizeof(p));
	if (timecheck_in_child(null_tv_child, &p, sizeof(p), 5, why, sizeof(why))) {
		case_fail("vDSO gettimeofday(NULL, &tz) or (NULL, NULL): %s", why);
		return;
	}
	case_diag("gettimeofday(NULL, &tz): syscall %d, tz {%d, %d}; vDSO %d, tz {%d, %d}; gettimeofday(NULL, NULL): "
		  "syscall %d, vDSO %d",
		  p.sys_rc, p.stz.tz_minuteswest, p.stz.tz_dsttime, p.rc, p.tz.tz_minuteswest, p.tz.tz_dsttime,
		  p.sys_rc_nn, p.rc_nn);
	if (p.rc != p.sys_rc)
		case_fail("vDSO gettimeofday(NULL, &tz) returned %d, the syscall %d", p.rc, p.sys_rc);
	else if (p.tz.tz_minuteswest != p.stz.tz_minuteswest || p.tz.tz_dsttime != p.stz.tz_dsttime)
		case_fail("vDSO gettimeofday(NULL, &tz) left tz {%d, %d}, the syscall fills {%d, %d}",
			  p.tz.tz_minuteswest, p.tz.tz_dsttime, p.stz.tz_minuteswest, p.stz.tz_dsttime);
	else if (p.rc_nn != p.sys_rc_nn)
		case_fail("vDSO gettimeofday(NULL, NULL) returned %d, the syscall %d", p.rc_nn, p.sys_rc_nn);
	else
		case_pass();
}

struct null_tz_probe {
	int rc, sysfail;
	struct timeval a, v, b;
};

static void null_tz_child(void *buf)
{
	struct null_tz_probe *p = buf;

	p->v.tv_sec = -1;
	p->v.tv_usec = -1;
	p->sysfail = sys_gettimeofday(&p->a, NULL);
	p->rc = vgtod(&p->v, NULL);
	p->sysfail |= sys_gettimeofday(&p->b, NULL);
}

static void check_null_tz(void)
{
	struct null_tz_probe p;
	char why[256], s1[64], s2[64], s3[64];

	if (!case_point("gettimeofday.null_tz"))
		return;
	memset(&p, 0, sizeof(p));
	if (timecheck_in_child(null_tz_child, &p, sizeof(p), 5, why, sizeof(why))) {
		case_fail("vDSO gettimeofday(&tv, NULL): %s", why);
		return;
	}
	case_diag("gettimeofday(&tv, NULL): vDSO %d, tv %s between syscall %s and %s", p.rc, fmt_tv(s2, sizeof(s2), &p.v),
		  fmt_tv(s1, sizeof(s1), &p.a), fmt_tv(s3, sizeof(s3), &p.b));
	if (p.sysfail)
		case_fail("the gettimeofday syscall failed in the child");
	else if (p.rc)
		case_fail("vDSO gettimeofday(&tv, NULL) returned %d, the syscall 0", p.rc);
	else if (!tv_ok(&p.v) || tv_us(&p.v) < tv_us(&p.a) || tv_us(&p.v) > tv_us(&p.b))
		case_fail("vDSO gettimeofday(&tv, NULL) gave %s, outside the syscall's %s .. %s", s2, s1, s3);
	else
		case_pass();
}

struct null_time_probe {
	long a, b;
	time_t t;
};

static void null_time_child(void *buf)
{
	struct null_time_probe *p = buf;

	p->a = sys_time(NULL);
	p->t = vtime(NULL);
	p->b = sys_time(NULL);
}

static void check_time_null(void)
{
	struct null_time_probe p;
	char why[256];

	if (!case_point("time.null"))
		return;
	if (!vtime) {
		case_skip("target exports no time");
		return;
	}
	memset(&p, 0, sizeof(p));
	if (timecheck_in_child(null_time_child, &p, sizeof(p), 5, why, sizeof(why))) {
		case_fail("vDSO time(NULL): %s", why);
		return;
	}
	case_diag("time(NULL): vDSO %" PRId64 " between syscall %ld and %ld", (int64_t)p.t, p.a, p.b);
	case_check(p.a >= 0 && (int64_t)p.t >= p.a && (int64_t)p.t <= p.b,
		   "vDSO time(NULL) returned %" PRId64 ", outside the syscall's %ld .. %ld", (int64_t)p.t, p.a, p.b);
}

/* --- the case ------------------------------------------------------------------ */

static int gtod_sys_rc;	/* the syscall's gettimeofday(NULL, &sys_tz) */

static void setup(struct case_ctx *ctx)
{
	target = ctx;
	vgtod = (vdso_gettimeofday_t)case_fn(ctx, "gettimeofday");
	vtime = (vdso_time_t)case_fn(ctx, "time");
	vcgt = (vdso_clock_gettime_t)case_fn(ctx, "clock_gettime");
	scale = case_duration(ctx, NOMINAL_S) / NOMINAL_S;
	if (scale <= 0)
		scale = 1.0;
	case_cpuset_init(&cpus);
	if (cpus.n > MAX_CPUS)
		cpus.n = MAX_CPUS;
	gtod_sys_rc = sys_gettimeofday(NULL, &sys_tz);
}

static void gtod_point(const char *name, void (*fn)(struct timecheck_outcome *o))
{
	if (case_point("%s", name))
		guarded(fn);
}

static void time_point(const char *name, void (*fn)(struct timecheck_outcome *o))
{
	if (!case_point("%s", name))
		return;
	if (!vtime)
		case_skip("target exports no time");
	else
		guarded(fn);
}

static void run(struct case_ctx *ctx)
{
	static const char *const gtod_points[] = { "gettimeofday.bracket", "gettimeofday.realtime",
						   "gettimeofday.timezone", "gettimeofday.null_tv",
						   "gettimeofday.null_tz" };

	(void)ctx;
	if (!vgtod || gtod_sys_rc) {
		for (size_t i = 0; i < ARRAY_SIZE(gtod_points); i++) {
			if (!case_point("%s", gtod_points[i]))
				continue;
			if (!vgtod)
				case_skip("target exports no gettimeofday");
			else
				case_fail("the gettimeofday syscall failed: %d", gtod_sys_rc);
		}
	} else {
		gtod_point("gettimeofday.bracket", check_gtod_bracket);
		gtod_point("gettimeofday.realtime", check_gtod_realtime);
		check_timezone();
		check_null_tv();
		check_null_tz();
	}
	time_point("time.tloc", check_time_tloc);
	time_point("time.bracket", check_time_bracket);
	time_point("time.coarse", check_time_coarse);
	check_time_null();
}

static const struct case_spec spec = {
	.name = "gettimeofday",
	.needs = CASE_NEED_VDSO,
	.setup = setup,
	.run = run,
};
CASE_MAIN(spec)
