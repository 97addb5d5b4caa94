/* SPDX-License-Identifier: MIT */
/* A check whose verdict a CLOCK_REALTIME step can spoil, reported as the
 * open test point: run it, and when it failed while the clock was set,
 * run it once more; set during both runs, no verdict is possible (skip).
 * Reports, so include it after case.h, in the case's own file. */
#ifndef VDSOCONF_CASE_GUARDED_H
#define VDSOCONF_CASE_GUARDED_H

#include <string.h>

#include "known_case.h"
#include "timecheck.h"

/* watch: whether a step can move what the check reads (REALTIME-based) */
static inline void case_guarded(int watch, void (*check)(const void *arg, struct timecheck_outcome *o),
				const void *arg)
{
	struct timecheck_outcome o;

	for (int attempt = 1;; attempt++) {
		int fd = watch ? clockset_watch() : -1, set;

		memset(&o, 0, sizeof(o));
		check(arg, &o);
		set = clockset_fired(fd);
		clockset_close(fd);
		if (!o.fail || !set)
			break;
		case_diag("attempt %d failed while CLOCK_REALTIME was set (timerfd cancel-on-set fired), which "
			  "moves it legitimately: %s", attempt, o.why);
		if (attempt == 2) {
			case_skip("CLOCK_REALTIME was set (stepped) during both attempts: no verdict possible");
			return;
		}
	}
	if (o.diag[0])
		case_diag("%s", o.diag);
	if (o.fail && o.known)
		case_known_xfail((enum case_known_id)(o.known - 1), "%s", o.why);
	else if (o.fail)
		case_fail("%s", o.why);
	else
		case_pass();
}

#endif
