/* SPDX-License-Identifier: MIT */
/* A point's result found in one process (a child, a namespace) and
 * reported by another: what travels through a shared page or a pipe.
 * case.h reports it: case_result_report(). */
#ifndef VDSOCONF_CASE_RESULT_H
#define VDSOCONF_CASE_RESULT_H

#include <stdarg.h>
#include <stdio.h>

enum { CASE_R_NONE, CASE_R_PASS, CASE_R_FAIL, CASE_R_SKIP, CASE_R_XFAIL };

struct case_result {
	int status;	/* CASE_R_NONE: nobody reported it */
	char diag[320];	/* "# " lines before the result */
	char msg[640];	/* failure message or skip/xfail reason */
};

static inline __attribute__((format(printf, 3, 4))) void case_result_set(struct case_result *r, int status,
									  const char *fmt, ...)
{
	va_list ap;

	r->status = status;
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
}

#endif
