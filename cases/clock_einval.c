/* SPDX-License-Identifier: MIT */
/*
 * clock_einval: the clocks the clock_gettime system call rejects (the
 * ALARM clocks without an RTC, id 10 CLOCK_SGI_CYCLE) and the ids no
 * kernel accepts (-1, 12, 16, INT_MAX, INT_MIN), through the target's
 * clock_gettime and clock_getres.
 *
 *   clock.einval.<C|ID>  the vDSO's clock_gettime and clock_getres return
 *                        the syscall's -errno (EINVAL; 16..23 may be
 *                        CLOCK_AUX on 6.17+: ENODEV when disabled, a skip
 *                        when enabled), also with a NULL res.  XFAIL for
 *                        the known defect getres-clock-aux (known.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <time.h>

#include "case/case.h"
#include "case/clock.h"
#include "case/clocks.h"
#include "case/known_case.h"

#define CANARY_SEC ((time_t)-1)
#define CANARY_NSEC (-1L)

static struct case_clock clks[CASE_NCLOCKS];
static vdso_clock_gettime_t vget;
static vdso_clock_getres_t vgetres;
static const struct case_ctx *cctx;
static struct case_null_res_batch nullres;

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

	if (!case_point("clock.einval.%s", label))
		return;
	rs = sys_clock_gettime(id, &st);
	rsr = sys_clock_getres(id, &sr);
	rsn = sys_clock_getres(id, NULL);
	if (!rs && aux) {
		case_skip("the kernel accepts clock id %d: an enabled auxiliary clock (CLOCK_AUX, 6.17+)", (int)id);
		return;
	}
	if (fixed && rs != -EINVAL && !(aux && rs == -ENODEV)) {
		case_fail("expected the clock_gettime syscall to fail with EINVAL for clock id %d, it returned %s",
			  (int)id, case_err_name(rs, e1, sizeof(e1)));
		return;
	}
	rv = vget(id, &vt);
	if (vgetres) {
		rvr = vgetres(id, &vr);
		if (case_null_res(&nullres, id, 0, &rvn, &rsn, why, sizeof(why))) {
			case_fail("vDSO clock_getres(%d, NULL): %s (the syscall returns %s)", (int)id, why,
				  case_err_name(rsn, e1, sizeof(e1)));
			return;
		}
	}
	case_diag("clock id %d: syscall clock_gettime %s, clock_getres %s (NULL res %s); vDSO clock_gettime %s%s, "
		  "clock_getres %s", (int)id, case_err_name(rs, e1, sizeof(e1)), case_err_name(rsr, e2, sizeof(e2)),
		  case_err_name(rsn, e3, sizeof(e3)), case_err_name(rv, e4, sizeof(e4)),
		  rv && (vt.tv_sec != CANARY_SEC || vt.tv_nsec != CANARY_NSEC) ? " (and wrote the timespec)" : "",
		  vgetres ? case_err_name(rvr, why, 48) : "not exported");
	if (rv != rs)
		case_fail("vDSO clock_gettime(%d) returned %s, the syscall %s", (int)id, case_err_name(rv, e1, sizeof(e1)),
			  case_err_name(rs, e2, sizeof(e2)));
	else if (vgetres && rvr != rsr && case_known_getres_aux(cctx, id, rsr, rvr, 1, vr.tv_sec, vr.tv_nsec) &&
		 case_known_getres_aux(cctx, id, rsn, rvn, 0, 0, 0))
		case_known_xfail(KNOWN_GETRES_CLOCK_AUX, "clock_getres(%d) returned 0, res {0, 1}, also with a NULL res; "
				 "the syscall says EINVAL", (int)id);
	else if (vgetres && rvr != rsr)
		case_fail("vDSO clock_getres(%d) returned %s, the syscall %s", (int)id, case_err_name(rvr, e1, sizeof(e1)),
			  case_err_name(rsr, e2, sizeof(e2)));
	else if (vgetres && rvn != rsn)
		case_fail("vDSO clock_getres(%d, NULL) returned %s, the syscall %s", (int)id,
			  case_err_name(rvn, e1, sizeof(e1)), case_err_name(rsn, e2, sizeof(e2)));
	else
		case_pass();
}

static void setup(struct case_ctx *ctx)
{
	cctx = ctx;
	vget = (vdso_clock_gettime_t)case_fn(ctx, "clock_gettime");
	vgetres = (vdso_clock_getres_t)case_fn(ctx, "clock_getres");
	case_clocks(clks);
	nullres.fn = vgetres;
	for (unsigned k = 0; k < CASE_NCLOCKS; k++)
		if (!clks[k].unavailable && clks[k].sys_rc)
			case_null_res_add(&nullres, clks[k].id, 0);
	for (unsigned k = 0; k < ARRAY_SIZE(clock_invalid_ids); k++)
		case_null_res_add(&nullres, clock_invalid_ids[k], 0);
	case_null_res_ask(&nullres);
}

static void run(struct case_ctx *ctx)
{
	(void)ctx;
	for (unsigned k = 0; k < CASE_NCLOCKS; k++) {
		const struct case_clock *c = &clks[k];

		if (!c->unavailable && c->sys_rc)
			check_einval(c->id, c->name, c->desc && (c->desc->flags & CLK_INVALID));
	}
	for (unsigned k = 0; k < ARRAY_SIZE(clock_invalid_ids); k++)
		check_einval(clock_invalid_ids[k], clock_invalid_names[k], 1);
}

static const struct case_spec spec = {
	.name = "clock_einval",
	.needs = CASE_NEED_VDSO,
	.roles = (const char *const[]){ "clock_gettime", NULL },
	.setup = setup,
	.run = run,
};
CASE_MAIN(spec)
