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

#include "case_target.h"

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
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		ksft_print_msg("%s\n", line);
}

/* Diagnostics for the point being checked: "# " lines before its result. */
static inline __attribute__((format(printf, 1, 2))) void case_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	case__diag(fmt, ap);
	va_end(ap);
}

static inline void case_pass(void)
{
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
	ksft_test_result_fail("%s\n", case__name);
	case__open = 0;
}

/* "ok N name # SKIP reason": named, unlike ksft_test_result_skip(). */
static inline __attribute__((format(printf, 1, 2))) void case_skip(const char *fmt, ...)
{
	va_list ap;

	ksft_inc_xskip_cnt();
	printf("ok %u %s # SKIP ", ksft_test_num(), case__name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	case__open = 0;
}

static inline __attribute__((format(printf, 1, 2))) void case_xfail(const char *fmt, ...)
{
	va_list ap;

	ksft_inc_xfail_cnt();
	printf("ok %u %s # XFAIL ", ksft_test_num(), case__name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	case__open = 0;
}

/* pass when ok, else fail with the message */
#define case_check(ok, ...)                \
	do {                               \
		if (ok)                    \
			case_pass();       \
		else                       \
			case_fail(__VA_ARGS__); \
	} while (0)

/* --- nested subtests: one level, KTAP indentation ------------------------ */
static struct {
	int active;
	unsigned n, failed, skipped;
	char name[256];
} case__sub;

static inline void case_sub_begin(unsigned plan, const char *name)
{
	snprintf(case__sub.name, sizeof(case__sub.name), "%s", name);
	case__sub.active = 1;
	case__sub.n = case__sub.failed = case__sub.skipped = 0;
	printf("  KTAP version 1\n  1..%u\n", plan);
}

static inline __attribute__((format(printf, 3, 4))) void case_sub_result(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;
	char buf[2048], *line, *save = NULL;

	if (fmt && *fmt) {
		va_start(ap, fmt);
		vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			printf("  # %s\n", line);
	}
	case__sub.n++;
	if (!ok)
		case__sub.failed++;
	printf("  %s %u %s\n", ok ? "ok" : "not ok", case__sub.n, name);
}

static inline void case_sub_skip(const char *name, const char *reason)
{
	case__sub.n++;
	case__sub.skipped++;
	printf("  ok %u %s # SKIP %s\n", case__sub.n, name, reason);
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

	(void)argc;
	ksft_print_header();
	rc = case_target_open(&ctx, argv[0], why, sizeof(why));
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
