/* SPDX-License-Identifier: MIT */
/*
 * clock_getres: the target's clock_getres for every clock, against the raw
 * system call (clock list and validity as in clock_gettime).
 *
 *   clock.getres.<C>       per valid clock: the vDSO's clock_getres equals
 *                          the syscall's, and a NULL res returns what the
 *                          syscall returns (0; in a child, so that a vDSO
 *                          writing through NULL fails the point, not the
 *                          case).
 *   clock.getres_time64    nested: __vdso_clock_getres_time64 (32-bit
 *                          ABIs), where exported, against
 *                          SYS_clock_getres_time64, per clock and per
 *                          invalid id (XFAIL for the known defect
 *                          getres-clock-aux, known.h).  Elsewhere a skip.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "case/case.h"
#include "case/clock.h"
#include "case/clocks.h"
#include "case/known_case.h"

#if defined(SYS_clock_gettime64)
#include <linux/time_types.h>
#define HAVE_TIME64_ABI 1
#endif

#define CANARY_SEC ((time_t)-1)
#define CANARY_NSEC (-1L)

static struct case_clock clks[CASE_NCLOCKS];
static vdso_clock_getres_t vgetres;
static struct case_null_res_batch nullres;

static void check_getres(const struct case_clock *c)
{
	struct timespec vr = { .tv_sec = CANARY_SEC, .tv_nsec = CANARY_NSEC }, sr = { 0, 0 };
	int rv, rs, rn, rsn;
	char why[256], e1[48], e2[48], e3[48], e4[48], s1[64], s2[64];

	if (!case_point("clock.getres.%s", c->name))
		return;
	if (!vgetres) {
		case_skip("target exports no clock_getres");
		return;
	}
	rv = vgetres(c->id, &vr);
	rs = sys_clock_getres(c->id, &sr);
	rsn = sys_clock_getres(c->id, NULL);
	if (case_null_res(&nullres, c->id, !strcmp(c->name, "thread_cpuclock"), &rn, &rsn, why, sizeof(why))) {
		case_fail("vDSO clock_getres(%s, NULL): %s (the syscall returns %s)", c->name, why,
			  case_err_name(rsn, e1, sizeof(e1)));
		return;
	}
	case_diag("syscall: %s, res %s s; vDSO: %s, res %s s; with NULL res: syscall %s, vDSO %s", case_err_name(rs, e1, sizeof(e1)),
		  timecheck_fmt_ts(s1, sizeof(s1), sr.tv_sec, sr.tv_nsec), case_err_name(rv, e2, sizeof(e2)),
		  timecheck_fmt_ts(s2, sizeof(s2), vr.tv_sec, vr.tv_nsec), case_err_name(rsn, e3, sizeof(e3)),
		  case_err_name(rn, e4, sizeof(e4)));
	if (rv != rs)
		case_fail("vDSO clock_getres(%s) returned %s, the syscall %s", c->name, case_err_name(rv, e1, sizeof(e1)),
			  case_err_name(rs, e2, sizeof(e2)));
	else if (!rs && (vr.tv_sec != sr.tv_sec || vr.tv_nsec != sr.tv_nsec))
		case_fail("vDSO clock_getres(%s) says %s s, the syscall %s s", c->name,
			  timecheck_fmt_ts(s1, sizeof(s1), vr.tv_sec, vr.tv_nsec),
			  timecheck_fmt_ts(s2, sizeof(s2), sr.tv_sec, sr.tv_nsec));
	else if (rn != rsn)
		case_fail("vDSO clock_getres(%s, NULL) returned %s, the syscall %s", c->name,
			  case_err_name(rn, e1, sizeof(e1)), case_err_name(rsn, e2, sizeof(e2)));
	else
		case_pass();
}


/* --- clock_getres_time64 (32-bit ABIs) ------------------------------------------- */

#ifdef HAVE_TIME64_ABI
typedef int (*vdso_clock_gettime64_t)(clockid_t, struct __kernel_timespec *);

static vdso_clock_gettime64_t vgetres64;
static char getres64_name[64];

static int kread(int (*f)(clockid_t, struct __kernel_timespec *), long nr, clockid_t id, struct bracket_val *r)
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
	r->frac = t.tv_nsec;
	return (int)rc;
}


static char *fmt(char *buf, size_t len, const struct bracket_val *r)
{
	return timecheck_fmt_ts(buf, len, r->sec, r->frac);
}

static void getres_time64_children(const void *arg)
{
	const struct case_ctx *ctx = arg;

	for (unsigned k = 0; k < CASE_NCLOCKS + ARRAY_SIZE(clock_invalid_ids); k++) {
		int inv = k >= CASE_NCLOCKS;
		clockid_t id = inv ? clock_invalid_ids[k - CASE_NCLOCKS] : clks[k].id;
		const char *label = inv ? clock_invalid_names[k - CASE_NCLOCKS] : clks[k].name;
		struct bracket_val v, s;
		int rv, rs;
		char e1[48], e2[48], s1[64], s2[64];

		if (!inv && clks[k].unavailable)
			continue;
		if (!case_point("clock.getres_time64.%s", label))
			continue;
		rv = kread(vgetres64, 0, id, &v);
		rs = kread(NULL, SYS_clock_getres_time64, id, &s);
		if (rv != rs && case_known_getres_aux(ctx, id, rs, rv, 1, v.sec, v.frac)) {
			case_known_xfail(KNOWN_GETRES_CLOCK_AUX, "%s(%s) returned 0, res {0, 1}; the syscall says EINVAL",
					 getres64_name, label);
			continue;
		}
		case_check(rv == rs && (rs || (v.sec == s.sec && v.frac == s.frac)),
			   "vDSO %s(%s) returned %s, res %s; SYS_clock_getres_time64 %s, res %s", getres64_name, label,
			   case_err_name(rv, e1, sizeof(e1)), fmt(s1, sizeof(s1), &v), case_err_name(rs, e2, sizeof(e2)),
			   fmt(s2, sizeof(s2), &s));
	}
}

static void check_getres_time64(struct case_ctx *ctx)
{
	struct vdso_key key;
	struct vdso_sym sym;

	if (case_counting()) {
		case_point("clock.getres_time64");
		return;
	}
	snprintf(getres64_name, sizeof(getres64_name), "%s_time64",
		 case_role_sym(ctx, "clock_getres") ? case_role_sym(ctx, "clock_getres")->name : "__vdso_clock_getres");
	vdso_key_init(&key, getres64_name, ctx->arch ? ctx->arch->version : "LINUX_2.6");
	if (vdso_lookup(&ctx->img, &key, VDSO_BY_ANY, &sym) != VDSO_OK || !sym.addr) {
		case_point("clock.getres_time64");
		case_skip("target exports no %s", getres64_name);
		return;
	}
	vgetres64 = (vdso_clock_gettime64_t)sym.addr;
	case_sub("clock.getres_time64", getres_time64_children, ctx);
}
#else
static void check_getres_time64(struct case_ctx *ctx)
{
	(void)ctx;
	if (case_point("clock.getres_time64"))
		case_skip("not exported on this ABI");
}
#endif

/* --- the case ------------------------------------------------------------------- */

static void setup(struct case_ctx *ctx)
{
	vgetres = (vdso_clock_getres_t)case_fn(ctx, "clock_getres");
	case_clocks(clks);
	nullres.fn = vgetres;
	for (unsigned k = 0; k < CASE_NCLOCKS; k++)
		if (!clks[k].unavailable && !clks[k].sys_rc)
			case_null_res_add(&nullres, clks[k].id, !strcmp(clks[k].name, "thread_cpuclock"));
	case_null_res_ask(&nullres);
}

static void run(struct case_ctx *ctx)
{
	for (unsigned k = 0; k < CASE_NCLOCKS; k++) {
		const struct case_clock *c = &clks[k];

		if (c->unavailable) {
			if (case_point("clock.getres.%s", c->name))
				case_skip("libc could not name the clock id (clock_getcpuclockid / pthread_getcpuclockid "
					  "failed)");
		} else if (!c->sys_rc) {
			check_getres(c);
		}
	}
	check_getres_time64(ctx);
}

static const struct case_spec spec = {
	.name = "clock_getres",
	.needs = CASE_NEED_VDSO,
	.roles = (const char *const[]){ "clock_gettime", NULL },
	.setup = setup,
	.run = run,
};
CASE_MAIN(spec)
