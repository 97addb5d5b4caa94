/* SPDX-License-Identifier: MIT */
#include "tick.h"

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

int tick_start(struct tick *t, int sig, void (*handler)(int, siginfo_t *, void *), long interval_ns)
{
	struct sigevent sev = { 0 };
	struct itimerspec on = { { 0, interval_ns }, { 0, interval_ns } };
	struct sigaction sa = { 0 };
	int err;

	t->sig = sig;
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, &t->old);
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = sig;
	sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
	if (timer_create(CLOCK_MONOTONIC, &sev, &t->timer)) {
		err = errno;
		sigaction(sig, &t->old, NULL);
		errno = err;
		return -1;
	}
	timer_settime(t->timer, 0, &on, NULL);
	return 0;
}

void tick_stop(struct tick *t)
{
	struct itimerspec off = { { 0, 0 }, { 0, 0 } };

	timer_settime(t->timer, 0, &off, NULL);
	timer_delete(t->timer);
	sigaction(t->sig, &t->old, NULL);
}
