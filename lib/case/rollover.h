/* SPDX-License-Identifier: MIT */
/*
 * Reading a clock densely across a boundary: the next second of its own,
 * a fixed second (2^31 s inside a time namespace), or the next tick of a
 * coarse clock.  Bugs in the carry from the fraction into the seconds
 * live right after a second begins, for as little as a few microseconds
 * (until the next timekeeping update at most): a reading window placed
 * anywhere in the second finds them by luck.  Here each probe's window is
 * scheduled around its boundary (a first reading of the clock tells how
 * far away it is), the waits of all probes overlap (one loop serves every
 * probe whose window is open, round-robin), and inside a window every
 * round is "reference, entry under test, reference":
 *
 *   normalised   0 <= fraction < 1 s (and seconds >= 0 for a 64-bit
 *                entry), every reading
 *   bracket      reference <= reading <= reference, exact: both paths
 *                read the same timekeeper data (as clock.bracket.*)
 *   monotonic    no reading below the one before it
 *   crossed      readings on both sides of the boundary from consecutive
 *                rounds, as close together as the rest (ROLL_DENSE_NS);
 *                otherwise the attempt proves nothing (the reader was
 *                preempted, a tick came late) and is made again at the
 *                next second while the time budget lasts, then skips
 *
 * A time32 entry (32-bit time_t) returns only the low 32 bits of the
 * seconds.  Its reference is the time32 system call, and both are
 * unwrapped against a 64-bit reading taken just before the round: the
 * vDSO must give what that system call gives (docs/cases.md, `rollover`,
 * derives it from the kernel's source).
 */
#ifndef VDSOCONF_CASE_ROLLOVER_H
#define VDSOCONF_CASE_ROLLOVER_H

#include <stdint.h>
#include <time.h>

#include "result.h"

struct case_ctx;

/* A reading as returned: seconds, and the fraction in the source's unit. */
struct roll_val {
	int64_t sec, frac;
};

/* What one probe reads: an entry point of the target and its reference. */
struct roll_src {
	char name[48];		/* the point's last part: "CLOCK_REALTIME", "gettimeofday", "CLOCK_BOOTTIME.time64" */
	int64_t unit;		/* fractions per second: 1000000000 (ns), 1000000 (us), 1 (time()) */
	int sec32;		/* seconds as a 32-bit time_t: only their low 32 bits come back */
	int coarse;		/* moves only at the tick: crosses with the first tick after the second */
	int wall;		/* CLOCK_REALTIME-based: a clock step spoils an attempt */
	clockid_t id;		/* the clock read (CLOCK_REALTIME for gettimeofday and time) */
	clockid_t phase;	/* the fine clock whose seconds it follows (its own, or the fine twin's) */
	clockid_t tick_id;	/* coarse: the coarse clock whose ticks move it (its own; time(): REALTIME_COARSE) */
	const void *fn;		/* the target's function */
	/* 0 or -errno; ref is the system call of the entry's own width (the
	 * time32 one for a time32 entry): what the vDSO must agree with */
	int (*vdso)(const struct roll_src *s, struct roll_val *v);
	int (*ref)(const struct roll_src *s, struct roll_val *v);
	/* time(): the seconds through a system call that waits for the
	 * timekeeper's update to finish (CLOCK_REALTIME_COARSE), which the
	 * time syscall does not (known.h, KNOWN_TIME_STALE_SECOND); NULL for
	 * the others.  In ns. */
	int64_t (*settled)(int *rc);
};

enum roll_kind {
	ROLL_SECOND,	/* the next second of src->phase; again at the next one when not crossed */
	ROLL_AT,	/* the second at_sec, once */
	ROLL_TICK,	/* ROLL_TICKS changes of a coarse clock; again a little later when not seen */
};

#define ROLL_NS 1000000000LL
/* Readings either side of a boundary must come no farther apart than 4
 * times the mean distance between the probe's readings in the window
 * (ordinary jitter passes, a preemption does not), at least ROLL_DENSE_NS
 * apart (a timer interrupt must not void an attempt) and at most one tick
 * (probe.res_ns), so that a carry left undone until the next timekeeping
 * update is read at least once even where reading is slow (an emulator). */
#define ROLL_DENSE_NS 50000LL
/* A window opens this long before the boundary: a sleep's wake-up comes
 * late by tens of microseconds on an idle machine (a loaded one makes it
 * later, and the attempt is made again), MONOTONIC_RAW's second may drift
 * from MONOTONIC's by 500 ppm (the most NTP slews) and a predicted tick by
 * as much.  Not more: a reader that spins long before the boundary has
 * used up its share of the CPU when it comes, and a busy scheduler
 * preempts it right then. */
#define ROLL_PRE_NS 2000000LL
/* ... or this long, where the boundary is a tick: a coarse clock's, and
 * MONOTONIC's and BOOTTIME's seconds (the kernel aligns its periodic tick
 * to multiples of the tick in MONOTONIC since Linux 5.19).  A busy
 * scheduler switches tasks at the tick, away from one that has used up
 * its slice (EEVDF's default: about 1.5 ms on 2 CPUs), so a reader that
 * spun ROLL_PRE_NS before the tick was preempted right at the boundary,
 * at every attempt.  Its time is known to within a third of this (a
 * tick seen, rollover.c) plus the wake-up (tens of microseconds): this
 * lead covers both and leaves most of the slice for the boundary. */
#define ROLL_TICK_PRE_NS 750000LL
/* ... and stays open this long after it (after the crossing was seen,
 * for a coarse clock) */
#define ROLL_POST_NS 1000000LL
#define ROLL_TICKS 1
#define ROLL_TICK_RETRY_NS 150000000LL

enum { ROLL_MISSED = 1, ROLL_LATE };

struct roll_probe {
	const struct roll_src *src;
	enum roll_kind kind;
	int64_t at_sec;		/* ROLL_AT */
	int64_t res_ns;		/* the tick: clock_getres of CLOCK_REALTIME_COARSE, or of the coarse clock read */
	struct case_result res;	/* the verdict */
	int attempt;		/* ROLL_AT: which (the namespace's), for the report */
	int late;		/* ROLL_AT, not crossed: ROLL_LATE (the reader came too late) or ROLL_MISSED */
	const struct case_ctx *ctx;	/* the target, for its known kernel defects (NULL: none) */
};

/* Runs every probe to a verdict; MONOTONIC (read through the 64-bit
 * system call) is the schedule.  An attempt that did not cross is made
 * again while it can end within budget_ns of the start (ROLL_AT: never,
 * the caller makes a new namespace).  Returns the wall time spent, ns. */
int64_t roll_run(struct roll_probe *p, int n, int64_t budget_ns);

/* The references and entries: the clock_gettime system call of this
 * ABI's struct timespec (time32 on i386), the 64-bit one
 * (SYS_clock_gettime64 on 32-bit ABIs), gettimeofday and time by their
 * system calls; the target's functions, called through src->fn. */
int roll_ref_clock(const struct roll_src *s, struct roll_val *v);
int roll_ref_clock64(const struct roll_src *s, struct roll_val *v);
int roll_ref_gettimeofday(const struct roll_src *s, struct roll_val *v);
int roll_ref_time(const struct roll_src *s, struct roll_val *v);
int roll_vdso_clock(const struct roll_src *s, struct roll_val *v);	/* int (*)(clockid_t, struct timespec *) */
int roll_vdso_clock64(const struct roll_src *s, struct roll_val *v);	/* struct __kernel_timespec */
int roll_vdso_gettimeofday(const struct roll_src *s, struct roll_val *v);
int roll_vdso_time(const struct roll_src *s, struct roll_val *v);
/* A clock in ns through the 64-bit system call: right inside a time
 * namespace past 2^31 s on a 32-bit ABI, where the time32 one wraps.
 * roll_mono_ns() is MONOTONIC, the schedule. */
int64_t roll_clock_ns(clockid_t id, int *rc);
int64_t roll_settled_time_ns(int *rc);	/* CLOCK_REALTIME_COARSE, for time() */
int64_t roll_mono_ns(void);

#endif
