/* SPDX-License-Identifier: MIT */
/*
 * Sweeps of vDSO clock_gettime readings: n direct calls back to back,
 * summed up as a case_sweep (clocks.h) for the clock checks.  There are two
 * shapes, because a check costs differently per kind of clock:
 *
 *  - a fine clock's vDSO orders its counter read after every instruction
 *    before it (x86's rdtsc_ordered, an lfence or rdtscp; arm64's isb), so
 *    any check made between two calls adds its whole latency to the next
 *    call.  case_gettime_sweep lets each call write its own slot and judges
 *    the slots after the loop, where the checks cost only their throughput;
 *  - a coarse clock's call is a handful of loads, which the CPU overlaps
 *    with the check after it, but it is so short that a second pass over
 *    the slots would cost as much again.  Its value changes once per tick:
 *    case_gettime_sweep_coarse compares each reading with the one before
 *    and judges only the changes (a repeated value has the same verdict).
 *
 * Either way every reading is judged: 0 <= tv_nsec < 1e9 and tv_sec >= 0
 * (noted in norm), order (back), extremes, first and last.  Each slot is
 * set to {-1, -1} before its call, so a call that returns 0 without writing
 * its result shows as a bad reading.  The readings live in static storage:
 * one thread sweeps at a time.
 */
#ifndef VDSOCONF_CASE_GETTIME_SWEEP_H
#define VDSOCONF_CASE_GETTIME_SWEEP_H

#include "clocks.h"

/* the slots of one fine sweep: its longest */
#define CASE_GETTIME_SLOTS CASE_SWEEP_MAX

void case_gettime_sweep(vdso_clock_gettime_t fn, clockid_t id, unsigned n, struct case_norm *norm,
			struct case_sweep *s);
void case_gettime_sweep_coarse(vdso_clock_gettime_t fn, clockid_t id, unsigned n, struct case_norm *norm,
			       struct case_sweep *s);

#endif
