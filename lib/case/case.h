/* SPDX-License-Identifier: MIT */
/*
 * The case framework.  A case declares what it needs (LTP's struct
 * tst_test is the model) and the framework turns unmet needs into a
 * whole-case SKIP with the reason, opens the target, and reports.
 *
 *	static const struct case_spec spec = {
 *		.name = "symbols", .needs = CASE_NEED_VDSO,
 *		.plan = plan, .run = run,
 *	};
 *	CASE_MAIN(spec)
 *
 * Test points are named area.what[.detail]; a point is opened with
 * case_point() and closed with exactly one of case_pass/fail/skip/xfail.
 * Between case_sub_begin() and case_sub_end() the points are the children
 * of one nested subtest.
 *
 * Reporting uses only the kselftest.h API, from this header, so a case
 * builds against our lib/kselftest.h and against the kernel's alike.
 */
#ifndef VDSOCONF_CASE_H
#define VDSOCONF_CASE_H

#include <kselftest.h> /* <>: KSFT_DIR, when given, is searched before lib/ */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "target.h"

struct case_spec {
	const char *name;
	unsigned needs;
	uint32_t min_kernel;		/* VDSO_KV(a, b, c) of the running kernel */
	const char *const *roles;	/* functions that must resolve, NULL-ended */
	unsigned (*plan)(struct case_ctx *ctx);
	void (*run)(struct case_ctx *ctx);
};

static char case__name[256];
static int case__open;

/* One level of nested subtest (KTAP: indented two spaces, own plan and
 * numbering).  While it is open the point functions below report into it;
 * case_sub_end() then reports the parent at the top level. */
static struct {
	int active;
	unsigned n, failed, skipped;
	char name[256];
} case__sub;

static inline __attribute__((format(printf, 1, 2))) void case_point(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(case__name, sizeof(case__name), fmt, ap);
	va_end(ap);
	case__open = 1;
}

static inline void case__diag(const char *fmt, va_list ap)
{
	char buf[2048], *line, *save = NULL;

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

static inline void case_sub_begin(const char *name, unsigned plan)
{
	snprintf(case__sub.name, sizeof(case__sub.name), "%s", name);
	case__sub.n = case__sub.failed = case__sub.skipped = 0;
	printf("  KTAP version 1\n  1..%u\n", plan);
	case__sub.active = 1;
}

/* The parent's own result: failed if any child failed. */
static inline void case_sub_end(void)
{
	case__sub.active = 0;
	case_point("%s", case__sub.name);
	if (case__sub.failed)
		case_fail("%u of %u subtests failed", case__sub.failed, case__sub.n);
	else if (case__sub.n && case__sub.skipped == case__sub.n)
		case_skip("all %u subtests skipped", case__sub.n);
	else
		case_pass();
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
	ksft_print_msg("%s: %s\n", spec->name, why);
	ksft_set_plan(spec->plan(&ctx));
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
