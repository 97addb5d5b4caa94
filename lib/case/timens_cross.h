/* SPDX-License-Identifier: MIT */
/* Reading clocks across a far-away second (2^31 s, 2^32 s) inside a new
 * time namespace whose offsets put CLOCK_MONOTONIC and CLOCK_BOOTTIME just
 * before it: the namespace's first process reads the probes there
 * (rollover.h), and the case process never changes namespace. */
#ifndef VDSOCONF_CASE_TIMENS_CROSS_H
#define VDSOCONF_CASE_TIMENS_CROSS_H

#include <stddef.h>
#include <stdint.h>

#include "rollover.h"

/* probes per namespace */
#define CROSS_MAX 8
/* The namespace's clocks reach at_sec this long after their offsets are
 * written.  A crossing not read is tried again in a new namespace: with
 * four times the lead when the reader came too late (a slow fork under an
 * emulator), with the same lead when it was preempted at the crossing. */
#define CROSS_LEAD_NS 200000000LL
#define CROSS_LEAD_MAX_NS 3200000000LL
/* what an attempt costs besides the lead: a namespace, a fork, a window */
#define CROSS_READ_NS 50000000LL
/* The helper and the namespace's process are killed after this long: a
 * hang becomes a failed point, not a stuck run.  Generous: under QEMU TCG
 * a fork, an exec or a namespace takes hundreds of times longer. */
#define CROSS_ALARM_S 60

/*
 * Each probe (kind ROLL_AT, at_sec, src->id a namespaced clock) read
 * across at_sec seconds of its clock, in one namespace per attempt, a new
 * attempt (for the probes not crossed yet) while it can end within
 * budget_ns.
 * TIMENS_OK with every p[i].res set (diag says the offsets and the
 * attempts), or TIMENS_SKIP / TIMENS_FAIL with why: the namespace could
 * not be made, or its processes did not report.
 */
int cross_in_timens(struct roll_probe *p, int n, int64_t at_sec, int64_t budget_ns, char *diag, size_t dlen, char *why,
		    size_t wlen);

#endif
