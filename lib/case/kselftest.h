/* SPDX-License-Identifier: MIT */
/*
 * KTAP version 1 output with the API of the kernel's
 * tools/testing/selftests/kselftest.h, so that every case also builds
 * against that header (make KSFT_DIR=.../tools/testing/selftests).
 *
 * Same names, same counters, same exit codes; the differences are that
 * the header line is "KTAP version 1" (the kernel's prints TAP version 13)
 * and that ksft_print_cnts() also names a plan mismatch.  State is static,
 * as in the kernel's header: report from one translation unit per program.
 */
#ifndef __KSELFTEST_H
#define __KSELFTEST_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VDSOCONF_KSELFTEST 1

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define KSFT_PASS 0
#define KSFT_FAIL 1
#define KSFT_XFAIL 2
#define KSFT_XPASS 3
#define KSFT_SKIP 4

#ifndef __printf
#define __printf(a, b) __attribute__((format(printf, a, b)))
#endif

struct ksft_count {
	unsigned int ksft_pass, ksft_fail, ksft_xfail, ksft_xpass, ksft_xskip, ksft_error;
};

static struct ksft_count ksft_cnt;
static unsigned int ksft_plan;

static inline unsigned int ksft_test_num(void)
{
	return ksft_cnt.ksft_pass + ksft_cnt.ksft_fail + ksft_cnt.ksft_xfail + ksft_cnt.ksft_xpass +
	       ksft_cnt.ksft_xskip + ksft_cnt.ksft_error;
}

static inline void ksft_inc_pass_cnt(void) { ksft_cnt.ksft_pass++; }
static inline void ksft_inc_fail_cnt(void) { ksft_cnt.ksft_fail++; }
static inline void ksft_inc_xfail_cnt(void) { ksft_cnt.ksft_xfail++; }
static inline void ksft_inc_xpass_cnt(void) { ksft_cnt.ksft_xpass++; }
static inline void ksft_inc_xskip_cnt(void) { ksft_cnt.ksft_xskip++; }
static inline void ksft_inc_error_cnt(void) { ksft_cnt.ksft_error++; }
static inline int ksft_get_pass_cnt(void) { return ksft_cnt.ksft_pass; }
static inline int ksft_get_fail_cnt(void) { return ksft_cnt.ksft_fail; }
static inline int ksft_get_xfail_cnt(void) { return ksft_cnt.ksft_xfail; }
static inline int ksft_get_xpass_cnt(void) { return ksft_cnt.ksft_xpass; }
static inline int ksft_get_xskip_cnt(void) { return ksft_cnt.ksft_xskip; }
static inline int ksft_get_error_cnt(void) { return ksft_cnt.ksft_error; }

static inline void ksft_print_header(void)
{
	/* line buffered, so a crash leaves every finished line visible and a
	 * fork() does not duplicate buffered output */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!getenv("KSFT_TAP_LEVEL"))
		printf("KTAP version 1\n");
}

static inline void ksft_set_plan(unsigned int plan)
{
	ksft_plan = plan;
	printf("1..%u\n", plan);
}

static inline void ksft_print_cnts(void)
{
	if (ksft_plan != ksft_test_num())
		printf("# Planned tests != run tests (%u != %u)\n", ksft_plan, ksft_test_num());
	printf("# Totals: pass:%u fail:%u xfail:%u xpass:%u skip:%u error:%u\n", ksft_cnt.ksft_pass,
	       ksft_cnt.ksft_fail, ksft_cnt.ksft_xfail, ksft_cnt.ksft_xpass, ksft_cnt.ksft_xskip,
	       ksft_cnt.ksft_error);
}

/* One result line: "<ok|not ok> N <directive>" then the caller's text. */
static inline void ksft__result(const char *prefix, const char *directive, const char *msg, va_list ap)
{
	int saved = errno;

	printf("%s %u %s", prefix, ksft_test_num(), directive);
	errno = saved;
	vprintf(msg, ap);
}

static inline __printf(1, 2) void ksft_print_msg(const char *msg, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, msg);
	printf("# ");
	errno = saved;
	vprintf(msg, ap);
	va_end(ap);
}

static inline void ksft_perror(const char *msg)
{
	ksft_print_msg("%s: %s (%d)\n", msg, strerror(errno), errno);
}

#define KSFT__REPORT(counter, prefix, directive)          \
	do {                                              \
		va_list ap;                               \
		ksft_cnt.counter++;                       \
		va_start(ap, msg);                        \
		ksft__result(prefix, directive, msg, ap); \
		va_end(ap);                               \
	} while (0)

static inline __printf(1, 2) void ksft_test_result_pass(const char *msg, ...)
{
	KSFT__REPORT(ksft_pass, "ok", "");
}

static inline __printf(1, 2) void ksft_test_result_fail(const char *msg, ...)
{
	KSFT__REPORT(ksft_fail, "not ok", "");
}

/* As in the kernel's header, the directive comes before the text. */
static inline __printf(1, 2) void ksft_test_result_xfail(const char *msg, ...)
{
	KSFT__REPORT(ksft_xfail, "ok", "# XFAIL ");
}

static inline __printf(1, 2) void ksft_test_result_skip(const char *msg, ...)
{
	KSFT__REPORT(ksft_xskip, "ok", "# SKIP ");
}

static inline __printf(1, 2) void ksft_test_result_error(const char *msg, ...)
{
	KSFT__REPORT(ksft_error, "not ok", "# error ");
}

#define ksft_test_result(cond, fmt, ...)                       \
	do {                                                   \
		if (!!(cond))                                  \
			ksft_test_result_pass(fmt, ##__VA_ARGS__); \
		else                                           \
			ksft_test_result_fail(fmt, ##__VA_ARGS__); \
	} while (0)

static inline int ksft_exit_pass(void)
{
	ksft_print_cnts();
	exit(KSFT_PASS);
}

static inline int ksft_exit_fail(void)
{
	ksft_print_cnts();
	exit(KSFT_FAIL);
}

#define ksft_exit(cond)                   \
	do {                              \
		if (!!(cond))             \
			ksft_exit_pass(); \
		else                      \
			ksft_exit_fail(); \
	} while (0)

#define ksft_finished() \
	ksft_exit(ksft_plan == ksft_cnt.ksft_pass + ksft_cnt.ksft_xfail + ksft_cnt.ksft_xskip)

static inline __printf(1, 2) int ksft_exit_fail_msg(const char *msg, ...)
{
	va_list ap;

	printf("Bail out! ");
	va_start(ap, msg);
	vprintf(msg, ap);
	va_end(ap);
	ksft_print_cnts();
	exit(KSFT_FAIL);
}

static inline int ksft_exit_xfail(void)
{
	ksft_print_cnts();
	exit(KSFT_XFAIL);
}

static inline int ksft_exit_xpass(void)
{
	ksft_print_cnts();
	exit(KSFT_XPASS);
}

/* Before a plan: the whole program is skipped ("1..0 # SKIP reason");
 * after one: the next test point is skipped. */
static inline __printf(1, 2) int ksft_exit_skip(const char *msg, ...)
{
	va_list ap;

	if (ksft_plan || ksft_test_num()) {
		ksft_cnt.ksft_xskip++;
		printf("ok %u # SKIP ", ksft_test_num());
	} else {
		printf("1..0 # SKIP ");
	}
	va_start(ap, msg);
	vprintf(msg, ap);
	va_end(ap);
	if (ksft_test_num())
		ksft_print_cnts();
	exit(KSFT_SKIP);
}

#endif
