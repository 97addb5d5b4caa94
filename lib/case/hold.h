/* SPDX-License-Identifier: MIT */
/* Holding back what a case prints before its plan.
 *
 * Linux 6.1's KTAP parser (kunit.py) takes the line after "KTAP version 1"
 * as the plan and loses count of a nested document whose plan comes later,
 * so a case prints its plan first.  The plan is only known after setup and
 * the counting pass, which print diagnostics of their own: those lines are
 * held in a file at the level of file descriptor 1 (so forked helpers'
 * output joins them, in order) and written out after the plan.  A case
 * that exits while they are held (a skip found in setup) still prints them. */
#ifndef CASE_HOLD_H
#define CASE_HOLD_H

/* Start holding standard output; 0, or -1 when it cannot (then nothing is
 * held and output goes out as it comes). */
int case_hold_begin(void);
/* Stop holding: what is printed from now on goes out at once, so that
 * the plan can precede what was held. */
void case_hold_stop(void);
/* Write out what was held (stopping first if need be). */
void case_hold_flush(void);

#endif
