/* SPDX-License-Identifier: MIT */
#include "timecheck.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef TFD_TIMER_CANCEL_ON_SET
#define TFD_TIMER_CANCEL_ON_SET (1 << 1)
#endif

int clockset_watch(void)
{
	/* an absolute expiry far away (2037, within a 32-bit time_t): it
	 * never fires by itself, only the cancel-on-set matters */
	struct itimerspec its = { .it_value = { .tv_sec = 2100000000, .tv_nsec = 0 } };
	int fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, NULL)) {
		close(fd);
		return -1;
	}
	return fd;
}

int clockset_fired(int fd)
{
	uint64_t n;

	if (fd < 0)
		return 0;
	return read(fd, &n, sizeof(n)) < 0 && errno == ECANCELED;
}

void clockset_close(int fd)
{
	if (fd >= 0)
		close(fd);
}

int timecheck_in_child(void (*fn)(void *buf), void *buf, size_t len, unsigned timeout_s, char *why,
		       size_t why_len)
{
	int p[2], st = 0;
	size_t got = 0;
	pid_t pid;

	if (pipe(p)) {
		snprintf(why, why_len, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);	/* the child must not print our buffered output again */
	pid = fork();
	if (pid < 0) {
		snprintf(why, why_len, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		const char *q = buf;
		size_t off = 0;

		close(p[0]);
		alarm(timeout_s);
		fn(buf);
		while (off < len) {
			ssize_t w = write(p[1], q + off, len - off);

			if (w <= 0)
				_exit(127);
			off += (size_t)w;
		}
		_exit(0);
	}
	close(p[1]);
	while (got < len) {
		ssize_t r = read(p[0], (char *)buf + got, len - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(st)) {
		if (WTERMSIG(st) == SIGALRM)
			snprintf(why, why_len, "the call did not return within %u s (child killed by SIGALRM)",
				 timeout_s);
		else
			snprintf(why, why_len, "the call crashed: child died of signal %d (%s)", WTERMSIG(st),
				 strsignal(WTERMSIG(st)));
		return -1;
	}
	if (got != len || !WIFEXITED(st) || WEXITSTATUS(st)) {
		snprintf(why, why_len, "child exited with status %d after sending %zu of %zu bytes",
			 WIFEXITED(st) ? WEXITSTATUS(st) : -1, got, len);
		return -1;
	}
	return 0;
}

/* A fraction out of range as a decimal ("2680.1000017845") reads as
 * another time (2680.1 s): such a value is shown as the pair it is. */
static char *fmt_pair(char *buf, size_t len, int64_t sec, int64_t frac, int64_t unit, int digits)
{
	if (frac >= 0 && frac < unit)
		snprintf(buf, len, "%" PRId64 ".%0*" PRId64, sec, digits, frac);
	else
		snprintf(buf, len, "{%" PRId64 ", %" PRId64 "}", sec, frac);
	return buf;
}

char *timecheck_fmt_ts(char *buf, size_t len, int64_t sec, int64_t nsec)
{
	return fmt_pair(buf, len, sec, nsec, 1000000000, 9);
}

char *timecheck_fmt_tv(char *buf, size_t len, int64_t sec, int64_t usec)
{
	return fmt_pair(buf, len, sec, usec, 1000000, 6);
}
