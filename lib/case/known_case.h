/* SPDX-License-Identifier: MIT */
/* For cases: close the open point as XFAIL for a known kernel defect
 * (known.h), the defect's label first, then the detail. */
#ifndef VDSOCONF_CASE_KNOWN_CASE_H
#define VDSOCONF_CASE_KNOWN_CASE_H

#include <stdarg.h>
#include <stdio.h>

#include "case/case.h"
#include "case/known.h"

static inline __attribute__((format(printf, 2, 3))) void case_known_xfail(enum case_known_id id, const char *fmt,
									   ...)
{
	char label[192], detail[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	case_xfail("%s: %s", case_known_label(id, label, sizeof(label)), detail);
}

#endif
