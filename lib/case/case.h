/* SPDX-License-Identifier: MIT */
/*
 * The case framework.  A case declares what it needs (LTP's struct
 * tst_test is the model) and the framework turns unmet needs into a
 * whole-case SKIP with the reason, opens the target, and reports.
 *
 *	static const struct case_spec spec = {
 *		.name = "symbols", .needs = CASE_NEED_VDSO,
 *		.setup = setup, .run = run,
 *	};
 *	CASE_MAIN(spec)
 *
 * Test points are named area.what[.detail]; a point is opened with
 * case_point() and closed with exactly one of case_pass/fail/skip/xfail.
 * case_sub() runs a function whose points are the children of one nested
 * subtest.
 *
 * Nobody counts the points by hand: the plan is what run() enumerates.
 * run() is called twice, first to count (case_point() then returns 0, and
 * the check returns at once), then to check (case_point() returns 1):
 *
 *	static void check_x(void)
 *	{
 *		if (!case_point("area.x"))
 *			return;
 *		case_check(...);
 *	}
 *
 * So run() does nothing but open points and check them; what it needs
 * beforehand (functions resolved, a list of clocks, a shared page) belongs
 * in setup(), which runs once, before the count.  A result reported while
 * counting is a bug of the case and fails it at once; a run whose points
 * differ from the count is reported as malformed by the runner.
 *
 * A call into the target that faults costs only the point that made it
 * (guard.h).  The checking pass runs under a guard whose frame is
 * case_main()'s callee, not the check's: after a fault the open point
 * fails ("the vDSO call faulted: SIGSEGV at ADDR (symbol+offset)") and
 * run() is called once more, replaying: the points already reported
 * return 0 from case_point() as while counting, silently, and the first
 * point not yet reported is checked as usual.  A check must therefore not
 * depend on locals another point's check set (they are reset by the
 * replay); what a point needs it computes after its own case_point().
 * case_sub() guards its children the same way.  A role of spec.roles
 * whose symbol is not a function (data, NOTYPE) is never called: every
 * point skips, naming the symbol type.  A fault in setup() fails every
 * point with the fault.
 *
 * Reporting uses only the kselftest.h API, from this header, so a case
 * builds against our lib/case/kselftest.h and against the kernel's alike.
 */
#ifndef VDSOCONF_CASE_H
#define VDSOCONF_CASE_H

#include <kselftest.h> /* <>: KSFT_DIR, when given, is searched before lib/ */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "guard.h"
#include "hold.h"
#include "result.h"
#include "target.h"

struct case_spec {
	const char *name;
	unsigned needs;
	uint32_t min_kernel;		/* VDSO_KV(a, b, c) of the running kernel */
	const char *const *roles;	/* functions that must resolve, NULL-ended */
	/* optional: 1 with why when the case has nothing to check here (an
	 * architecture without the entry point); asked before anything is
	 * printed, so that the skip is the plan line itself */
	int (*unsupported)(const struct case_ctx *ctx, char *why, size_t len);
	void (*setup)(struct case_ctx *ctx);	/* optional, once, before the count */
	void (*run)(struct case_ctx *ctx);	/* enumerates the points, twice */
};

static char case__name[256];
static int case__open;
static int case__counting;	/* points are being counted, not checked */
static unsigned case__counted;
static unsigned case__seen;	/* top-level points opened in this pass */
static int case__replaying;	/* after a fault: passing the points already reported */
static const struct vdso_image *case__img;	/* symbols of a fault's address */
/* When set, every point reports this instead of being checked: SKIP
 * (a role that is not a function) or not ok (setup faulted). */
static char case__blocked[640];
static int case__blocked_skip;

/* One level of nested subtest (KTAP: indented two spaces, own plan and
 * numbering).  While it is open the point functions below report into it;
 * case_sub() then reports the parent at the top level. */
static struct {
	int active;
	unsigned n, failed, skipped;
	unsigned seen;	/* children opened in this pass */
	char name[256];
} case__sub;

/* Whether the points are being counted: nothing is to be checked. */
static inline int case_counting(void)
{
	return case__counting;
}

static inline void case__report_blocked(void);

/* Opens the point and returns 1; while the points are counted, counts it
 * and returns 0: the caller then returns without checking.  Replaying
 * after a fault, a point reported before returns 0 too. */
static inline __attribute__((format(printf, 1, 2))) int case_point(const char *fmt, ...)
{
	unsigned idx, done;
	va_list ap;

	if (case__counting) {
		case__counted++;
		return 0;
	}
	if (case__sub.active) {
		idx = ++case__sub.seen;
		done = case__sub.n;
	} else {
		idx = ++case__seen;
		done = ksft_test_num();
	}
	if (idx <= done)
		return 0;
	case__replaying = 0;
	va_start(ap, fmt);
	vsnprintf(case__name, sizeof(case__name), fmt, ap);
	va_end(ap);
	case__open = 1;
	if (case__blocked[0]) {
		case__report_blocked();
		return 0;
	}
	return 1;
}

/* A result while counting: the check went on although case_point()
 * returned 0. */
static inline void case__not_counting(void)
{
	if (case__counting || case__replaying)
		ksft_exit_fail_msg("a result was reported while the points were %s: a check must return "
				   "when case_point() returns 0\n", case__counting ? "counted" : "replayed after a fault");
}

static inline void case__diag(const char *fmt, va_list ap)
{
	char buf[2048], *line, *save = NULL;

	if (case__counting || case__replaying)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (case__sub.active)
			printf("  # %s\n", line);
		else
			ksft_print_msg("%s\n", line);
	}
}

/* Diagnostics for the point being checked: "# " lines before its result. */
static inline __attribute__((format(printf, 1, 2))) void case_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	case__diag(fmt, ap);
	va_end(ap);
}

/* A result inside the open subtest. */
static inline void case__sub_line(int ok, const char *directive, const char *fmt, va_list ap)
{
	case__sub.n++;
	case__sub.failed += !ok;
	case__sub.skipped += directive && !strcmp(directive, "SKIP");
	printf("  %s %u %s", ok ? "ok" : "not ok", case__sub.n, case__name);
	if (directive) {
		printf(" # %s ", directive);
		vprintf(fmt, ap);
	}
	putchar('\n');
	case__open = 0;
}

static inline void case__sub_result(int ok, const char *directive, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	case__sub_line(ok, directive, fmt, ap);
	va_end(ap);
}

static inline void case_pass(void)
{
	case__not_counting();
	if (case__sub.active)
		case__sub_result(1, NULL, "");
	else
		ksft_test_result_pass("%s\n", case__name);
	case__open = 0;
}

/* The message says what was expected and what was seen. */
static inline __attribute__((format(printf, 1, 2))) void case_fail(const char *fmt, ...)
{
	va_list ap;

	case__not_counting();
	va_start(ap, fmt);
	case__diag(fmt, ap);
	va_end(ap);
	if (case__sub.active)
		case__sub_result(0, NULL, "");
	else
		ksft_test_result_fail("%s\n", case__name);
	case__open = 0;
}

/* "ok N name # SKIP reason": named, unlike ksft_test_result_skip(); the
 * counters are bumped by hand so that the kernel's header works too. */
static inline void case__directive(const char *directive, void (*count)(void), const char *fmt, va_list ap)
{
	case__not_counting();
	if (case__sub.active) {
		case__sub_line(1, directive, fmt, ap);
		return;
	}
	count();
	printf("ok %u %s # %s ", ksft_test_num(), case__name, directive);
	vprintf(fmt, ap);
	putchar('\n');
	case__open = 0;
}

static inline __attribute__((format(printf, 1, 2))) void case_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	case__directive("SKIP", ksft_inc_xskip_cnt, fmt, ap);
	va_end(ap);
}

static inline __attribute__((format(printf, 1, 2))) void case_xfail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	case__directive("XFAIL", ksft_inc_xfail_cnt, fmt, ap);
	va_end(ap);
}

static inline void case__report_blocked(void)
{
	if (case__blocked_skip)
		case_skip("%s", case__blocked);
	else
		case_fail("%s", case__blocked);
}

/* The open point failed by the fault guard.h described in why. */
static inline void case__fault_fail(const char *why)
{
	case_fail("the %s faulted: %s", case_guard_in_target() ? "vDSO call" : "check", why);
}

/* pass when ok, else fail with the message */
#define case_check(ok, ...)                     \
	do {                                    \
		if (ok)                         \
			case_pass();            \
		else                            \
			case_fail(__VA_ARGS__); \
	} while (0)

/*
 * One nested subtest named name, whose children are the points children()
 * enumerates (counted first, like the top level's).  At the top level it
 * is one point: failed if a child failed, skipped if all were skipped.
 */
struct case__sub_call {
	void (*children)(const void *arg);
	const void *arg;
};

static inline void case__sub_thunk(void *p)
{
	const struct case__sub_call *c = p;

	c->children(c->arg);
}

static inline void case_sub(const char *name, void (*children)(const void *arg), const void *arg)
{
	struct case__sub_call call = { children, arg };
	char why[512], lost[600] = "";
	unsigned plan;

	if (!case_point("%s", name))
		return;
	case__open = 0;
	case__counting = 1;
	case__counted = 0;
	children(arg);
	case__counting = 0;
	plan = case__counted;
	snprintf(case__sub.name, sizeof(case__sub.name), "%s", name);
	case__sub.n = case__sub.failed = case__sub.skipped = 0;
	printf("  KTAP version 1\n  1..%u\n", plan);
	case__sub.seen = 0;
	case__sub.active = 1;
	/* a fault fails the open child; the children are replayed from
	 * the next one (the top of this header says how) */
	while (case_guard_run(case__img, case__sub_thunk, &call, why, sizeof(why))) {
		if (!case__open) {
			snprintf(lost, sizeof(lost), "a fault outside any subtest ended them: %s", why);
			break;
		}
		case__fault_fail(why);
		case__sub.seen = 0;
		case__replaying = 1;
	}
	case__replaying = 0;
	case__sub.active = 0;
	/* reopened by hand: case_point() would count it a second time */
	snprintf(case__name, sizeof(case__name), "%s", case__sub.name);
	case__open = 1;
	if (lost[0])
		case_fail("%s; %u of %u subtests reported", lost, case__sub.n, plan);
	else if (case__sub.n != plan)
		case_fail("%u subtests reported, %u counted: the children differ between the two passes",
			  case__sub.n, plan);
	else if (case__sub.failed)
		case_fail("%u of %u subtests failed", case__sub.failed, case__sub.n);
	else if (case__sub.n && case__sub.skipped == case__sub.n)
		case_skip("all %u subtests skipped", case__sub.n);
	else
		case_pass();
}

/* A result found elsewhere (result.h), into the open point: 1, or 0 when
 * nobody reported it (CASE_R_NONE). */
static inline int case_result_report(const struct case_result *r)
{
	if (r->status != CASE_R_NONE && r->diag[0])
		case_diag("%s", r->diag);
	switch (r->status) {
	case CASE_R_PASS:
		case_pass();
		return 1;
	case CASE_R_SKIP:
		case_skip("%s", r->msg);
		return 1;
	case CASE_R_XFAIL:
		case_xfail("%s", r->msg);
		return 1;
	case CASE_R_FAIL:
		case_fail("%s", r->msg);
		return 1;
	}
	return 0;
}

/* --- main ------------------------------------------------------------------ */
struct case__main_call {
	void (*fn)(struct case_ctx *ctx);
	struct case_ctx *ctx;
};

static inline void case__main_thunk(void *p)
{
	const struct case__main_call *c = p;

	c->fn(c->ctx);
}

static inline int case_main(const struct case_spec *spec, int argc, char **argv)
{
	static struct case_ctx ctx;
	struct case__main_call setup = { spec->setup, &ctx }, run = { spec->run, &ctx };
	char why[512];
	int rc;

	ksft_print_header();
	rc = case_target_open(&ctx, argv[0], why, sizeof(why));
	ctx.argc = argc;
	ctx.argv = argv;
	if (rc == CASE_TARGET_NONE) {
		if (spec->needs & CASE_NEED_VDSO)
			ksft_exit_skip("%s\n", why);
	} else if (rc != CASE_TARGET_OK) {
		ksft_exit_fail_msg("%s\n", why);
	}
	if (case_unmet_needs(&ctx, spec->needs, spec->min_kernel, spec->roles, why, sizeof(why)) ||
	    (spec->unsupported && spec->unsupported(&ctx, why, sizeof(why))))
		ksft_exit_skip("%s\n", why);
	/* --needs-only: whether the case would run here at all, without
	 * running it (exit 0), for tools that must know the whole-case skips */
	if (argc > 1 && !strcmp(argv[1], "--needs-only")) {
		ksft_print_msg("%s: every need is met\n", spec->name);
		exit(KSFT_PASS);
	}
	if (ctx.has_image)
		case__img = &ctx.img;
	for (const char *const *r = spec->roles; r && *r && !case__blocked[0]; r++)
		case__blocked_skip = case_role_not_function(&ctx, *r, case__blocked, sizeof(case__blocked));
	case_describe_target(&ctx, why, sizeof(why));
	/* the plan goes right after the version line (hold.h says why) */
	case_hold_begin();
	ksft_print_msg("%s: %s\n", spec->name, why);
	if (spec->setup && case_guard_run(case__img, case__main_thunk, &setup, why, sizeof(why)) &&
	    !case__blocked[0])
		snprintf(case__blocked, sizeof(case__blocked), "setup faulted, nothing checked: the %s faulted: %s",
			 case_guard_in_target() ? "vDSO call" : "check", why);
	case__counting = 1;
	spec->run(&ctx);
	case__counting = 0;
	case_hold_stop();
	ksft_set_plan(case__counted);
	case_hold_flush();
	case__seen = 0;
	while (case_guard_run(case__img, case__main_thunk, &run, why, sizeof(why))) {
		if (!case__open)
			ksft_exit_fail_msg("a fault outside any test point: %s\n", why);
		case__fault_fail(why);
		case__seen = 0;
		case__replaying = 1;
	}
	case__replaying = 0;
	if (case__open)
		ksft_test_result_fail("%s (left open: the case never reported it)\n", case__name);
	ksft_print_cnts();
	if (ksft_get_fail_cnt() || ksft_get_error_cnt() || ksft_test_num() != ksft_plan)
		exit(KSFT_FAIL);
	if (ksft_get_xpass_cnt())
		exit(KSFT_XPASS);
	if (ksft_test_num() && (unsigned)ksft_get_xskip_cnt() == ksft_test_num())
		exit(KSFT_SKIP);
	exit(KSFT_PASS);
}

#define CASE_MAIN(spec)                               \
	int main(int argc, char **argv)               \
	{                                             \
		return case_main(&(spec), argc, argv); \
	}

/* main() of a case that re-executes itself (case_reexec() with flag): the
 * child mode, argv {argv0, flag, FD}, must run before the framework. */
#define CASE_MAIN_REEXEC(spec, flag, child)                     \
	int main(int argc, char **argv)                         \
	{                                                       \
		if (argc >= 3 && !strcmp(argv[1], (flag)))      \
			return child(argv);                     \
		return case_main(&(spec), argc, argv);          \
	}

#endif
