/* SPDX-License-Identifier: MIT */
/* callconv: how a vDSO function says it failed, as the architecture's C
 * library reads it.  On most architectures the return register holds
 * -errno.  On powerpc the vDSO returns as the sc instruction does: the
 * summary-overflow bit of CR0 set and the POSITIVE errno in r3, and SO
 * clear on success; glibc branches on SO after every vDSO call.  A vDSO
 * routine that returns -EINVAL with SO clear (a C function exported
 * without the kernel's assembly wrapper) makes glibc's clock_gettime
 * report success with a garbage time.  The other cases call through a
 * trampoline that turns SO into -errno (lib/case/callfn_ppc.c), so they
 * see errors in either form; this case calls the function raw and judges
 * the form itself.
 *
 * callconv.error.ROLE: ROLE(invalid id) fails as the system call does
 *   (EINVAL), reported by the architecture's convention.
 * callconv.ok.clock_gettime (powerpc only, where success has a flag too):
 *   clock_gettime(CLOCK_MONOTONIC) succeeds with SO clear and r3 = 0.
 * The invalid id is the first of clock.h's out-of-range ids that the
 * system call rejects with EINVAL here; nothing is timed. */
#include <errno.h>

#include "case/case.h"
#include "case/callfn.h"
#include "case/clock.h"

static clockid_t bad_id;
static const char *bad_name;

static void setup(struct case_ctx *ctx)
{
	struct timespec ts;

	(void)ctx;
	for (unsigned k = 0; k < ARRAY_SIZE(clock_invalid_ids) && !bad_name; k++)
		if (sys_clock_gettime(clock_invalid_ids[k], &ts) == -EINVAL &&
		    sys_clock_getres(clock_invalid_ids[k], &ts) == -EINVAL) {
			bad_id = clock_invalid_ids[k];
			bad_name = clock_invalid_names[k];
		}
}

/* What the call returned, in words: "r3 = 22, SO set" or "-22". */
static const char *said(uintptr_t r, int flag, char *buf, size_t len)
{
	if (CALLFN_SO)
		snprintf(buf, len, "r3 = %ld, SO %s", (long)(intptr_t)r, flag ? "set" : "clear");
	else
		snprintf(buf, len, "%ld", (long)(intptr_t)r);
	return buf;
}

static void check_error(struct case_ctx *ctx, enum callfn_id id)
{
	const void *fn = case_fn_raw(ctx, callfn_role(id));
	struct timespec ts = { 0, 0 };
	uintptr_t a[5] = { 0 }, r;
	intptr_t v;
	char buf[64];
	int flag = 0;

	if (!case_point("callconv.error.%s", callfn_role(id)))
		return;
	if (!fn) {
		case_skip("target exports no %s", case_role_sym(ctx, callfn_role(id))->name);
		return;
	}
	if (!bad_name) {
		case_skip("the system call accepts every out-of-range clock id the case knows");
		return;
	}
	a[0] = (uintptr_t)bad_id;
	a[1] = (uintptr_t)&ts;
	r = callfn_raw(fn, id, a, &flag);
	v = callfn_ret(id, r);
	case_diag("%s(%s) returned %s", callfn_role(id), bad_name, said(r, flag, buf, sizeof(buf)));
	if (CALLFN_SO)
		case_check(flag && v == EINVAL,
			   "%s(%s): expected SO set and r3 = EINVAL (%d), as the system call fails; seen %s%s",
			   callfn_role(id), bad_name, EINVAL, said(r, flag, buf, sizeof(buf)),
			   !flag && v == -EINVAL ? " (-errno without SO: glibc reads success)" : "");
	else
		case_check(v == -EINVAL, "%s(%s): expected -EINVAL (%d), as the system call fails; seen %s",
			   callfn_role(id), bad_name, -EINVAL, said(r, flag, buf, sizeof(buf)));
}

static void check_ok(struct case_ctx *ctx)
{
	const void *fn = case_fn_raw(ctx, "clock_gettime");
	struct timespec ts = { 0, 0 };
	uintptr_t a[5] = { 0 }, r;
	char buf[64];
	int flag = 0;

	if (!CALLFN_SO || !case_point("callconv.ok.clock_gettime"))
		return;
	if (!fn) {
		case_skip("target exports no %s", case_role_sym(ctx, "clock_gettime")->name);
		return;
	}
	a[0] = (uintptr_t)CLOCK_MONOTONIC;
	a[1] = (uintptr_t)&ts;
	r = callfn_raw(fn, CF_CLOCK_GETTIME, a, &flag);
	case_check(!flag && callfn_ret(CF_CLOCK_GETTIME, r) == 0,
		   "clock_gettime(CLOCK_MONOTONIC): expected SO clear and r3 = 0; seen %s%s",
		   said(r, flag, buf, sizeof(buf)), flag ? " (glibc reads a failure)" : "");
}

static void run(struct case_ctx *ctx)
{
	check_error(ctx, CF_CLOCK_GETTIME);
	check_error(ctx, CF_CLOCK_GETRES);
	check_ok(ctx);
}

static const struct case_spec spec = {
	.name = "callconv",
	.needs = CASE_NEED_VDSO,
	.roles = (const char *const[]){ "clock_gettime", NULL },
	.setup = setup,
	.run = run,
};
CASE_MAIN(spec)
