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

#include "hold.h"
#include "result.h"
#include "target.h"

struct case_spec {
	const char *name;
	unsigned needs;
	uint32_t min_kernel;		/* VDSO_KV(a, b, c) of the running kernel */
	const char *const *roles;	/* functions that must resolve, NULL-ended */
	void (*setup)(struct case_ctx *ctx);	/* optional, once, before the count */
	void (*run)(struct case_ctx *ctx);	/* enumerates the points, twice */
};

static char case__name[256];
static int case__open;
static int case__counting;	/* points are being counted, not checked */
static unsigned case__counted;

/* One level of nested subtest (KTAP: indented two spaces, own plan and
 * numbering).  While it is open the point functions below report into it;
 * case_sub() then reports the parent at the top level. */
static struct {
	int active;
	unsigned n, failed, skipped;
	char name[256];
} case__sub;

/* Whether the points are being counted: nothing is to be checked. */
static inline int case_counting(void)
{
	return case__counting;
}

/* Opens the point and returns 1; while the points are counted, counts it
 * and returns 0: the caller then returns without checking. */
static inline __attribute__((format(printf, 1, 2))) int case_point(const char *fmt, ...)
{
	va_list ap;

	if (case__counting) {
		case__counted++;
		return 0;
	}
	va_start(ap, fmt);
	vsnprintf(case__name, sizeof(case__name), fmt, ap);
	va_end(ap);
	case__open = 1;
	return 1;
}

/* A result while counting: the check went on although case_point()
 * returned 0. */
static inline void case__not_counting(void)
{
	if (case__counting)
		ksft_exit_fail_msg("a result was reported while the points were counted: a check must return "
				   "when case_point() returns 0\n");
}

static inline void case__diag(const char *fmt, va_list ap)
{
	char buf[2048], *line, *save = NULL;

	if (case__counting)
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
static inline void case_sub(const char *name, void (*children)(const void *arg), const void *arg)
{
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
	case__sub.active = 1;
	children(arg);
	case__sub.active = 0;
	case_point("%s", case__sub.name);
	if (case__sub.n != plan)
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
static inline int case_main(const struct case_spec *spec, int argc, char **argv)
{
	static struct case_ctx ctx;
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
	if (case_unmet_needs(&ctx, spec->needs, spec->min_kernel, spec->roles, why, sizeof(why)))
		ksft_exit_skip("%s\n", why);
	case_describe_target(&ctx, why, sizeof(why));
	/* the plan goes right after the version line (hold.h says why) */
	case_hold_begin();
	ksft_print_msg("%s: %s\n", spec->name, why);
	if (spec->setup)
		spec->setup(&ctx);
	case__counting = 1;
	spec->run(&ctx);
	case__counting = 0;
	case_hold_stop();
	ksft_set_plan(case__counted);
	case_hold_flush();
	spec->run(&ctx);
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

#endif
