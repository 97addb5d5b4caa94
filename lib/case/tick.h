/* SPDX-License-Identifier: MIT */
/* A signal sent to the calling thread every interval, for the cases that
 * interrupt vDSO code (abi_signal, abi_unwind). */
#ifndef VDSOCONF_CASE_TICK_H
#define VDSOCONF_CASE_TICK_H

#include <signal.h>
#include <time.h>

struct tick {
	int sig;
	timer_t timer;
	struct sigaction old;
};

/* Installs handler for sig (SA_RESTART) and arms a CLOCK_MONOTONIC timer
 * aimed at this thread.  0, or -1 with errno and the handler put back. */
int tick_start(struct tick *t, int sig, void (*handler)(int, siginfo_t *, void *), long interval_ns);
/* Disarms and deletes the timer, then puts the old handler back. */
void tick_stop(struct tick *t);

#endif
