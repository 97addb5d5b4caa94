/* SPDX-License-Identifier: MIT */
#include "timens.h"

#include "clock.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_NEWUSER
#define CLONE_NEWUSER 0x10000000
#endif

#define NSEC ((int64_t)1000000000)

const clockid_t timens_clocks[TIMENS_NCLOCKS] = { CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_MONOTONIC_COARSE,
						  CLOCK_BOOTTIME, CLOCK_BOOTTIME_ALARM };

static const char *errno_name(int e)
{
	return e == EINVAL ? "EINVAL" : e == ENOSYS ? "ENOSYS" : e == EPERM ? "EPERM" : e == ENOSPC ? "ENOSPC" :
	       e == EUSERS ? "EUSERS" : "an error";
}

static int write_offsets(const int64_t off[2], char *why, size_t len)
{
	char buf[160];
	int64_t s[2], ns[2];
	ssize_t w;
	int fd, n;

	for (int i = 0; i < 2; i++) {
		s[i] = off[i] / NSEC;
		ns[i] = off[i] % NSEC;
		if (ns[i] < 0) {	/* the file wants 0 <= nsec < 1e9 */
			ns[i] += NSEC;
			s[i]--;
		}
	}
	n = snprintf(buf, sizeof(buf), "monotonic %" PRId64 " %" PRId64 "\nboottime %" PRId64 " %" PRId64 "\n", s[0],
		     ns[0], s[1], ns[1]);
	fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		snprintf(why, len, "open /proc/self/timens_offsets: %s", strerror(e));
		errno = e;
		return -1;
	}
	w = write(fd, buf, (size_t)n);	/* one write: the kernel parses it whole */
	if (w != n) {
		int e = w < 0 ? errno : EIO;

		for (char *c = buf; *c; c++)	/* one line for the report */
			if (*c == '\n')
				*c = ';';
		snprintf(why, len, "writing \"%.*s\" to /proc/self/timens_offsets: %s%s", n - 1, buf,
			 w < 0 ? strerror(e) : "short write", e == EPERM ? " (no CAP_SYS_TIME)" : "");
		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	return 0;
}

int timens_enter(const int64_t off[2], char *why, size_t len)
{
	if (unshare(CLONE_NEWTIME)) {
		int e = errno;

		snprintf(why, len, "unshare(CLONE_NEWTIME) fails with %s (%s)", errno_name(e), strerror(e));
		return e == EINVAL || e == ENOSYS || e == EPERM ? TIMENS_SKIP : TIMENS_FAIL;
	}
	if (write_offsets(off, why, len))
		/* EPERM: no CAP_SYS_TIME (containers drop it), not a vDSO matter */
		return errno == EPERM ? TIMENS_SKIP : TIMENS_FAIL;
	return TIMENS_OK;
}

/* The child's exit status: 0, errno of unshare, or 0x80 | errno of the
 * offsets' write; -1 when it could not be run. */
static int probe(int flag, int offsets)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		static const char zero[] = "monotonic 0 0\n";
		int fd;

		if (unshare(flag))
			_exit(errno & 0x7f);
		if (!offsets)
			_exit(0);
		fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, zero, sizeof(zero) - 1) < 0)
			_exit(0x80 | (errno & 0x7f));
		_exit(0);
	}
	if (pid < 0)
		return -1;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int timens_unavailable(char *why, size_t len)
{
	int st;

	if (access("/proc/self/ns/time", F_OK)) {
		snprintf(why, len, "no time namespaces: /proc/self/ns/time is absent (kernel < 5.6 or CONFIG_TIME_NS=n)");
		return 1;
	}
	/* in a child: this process never changes namespace */
	switch ((st = probe(CLONE_NEWTIME, 1))) {
	case EINVAL:
		snprintf(why, len, "unshare(CLONE_NEWTIME) fails with EINVAL: the kernel has no time namespaces "
			 "(CONFIG_TIME_NS=n)");
		return 1;
	case ENOSYS:
		snprintf(why, len, "unshare(CLONE_NEWTIME) fails with ENOSYS");
		return 1;
	case EPERM:
		snprintf(why, len, "unshare(CLONE_NEWTIME) fails with EPERM: no CAP_SYS_ADMIN here (a container or "
			 "a seccomp policy)");
		return 1;
	case 0x80 | EPERM:
		snprintf(why, len, "writing /proc/self/timens_offsets fails with EPERM: no CAP_SYS_TIME here "
			 "(containers drop it)");
		return 1;
	}
	/* other failures are the case's to report, as the vDSO's or the kernel's */
	return 0;
}

int userns_unavailable(char *why, size_t len)
{
	int st;

	if (access("/proc/self/ns/user", F_OK)) {
		snprintf(why, len, "no user namespaces: /proc/self/ns/user is absent (CONFIG_USER_NS=n)");
		return 1;
	}
	st = probe(CLONE_NEWUSER, 0);
	if (st > 0 && st < 0x80) {
		snprintf(why, len, "unshare(CLONE_NEWUSER) fails with %s (%s)%s", errno_name(st), strerror(st),
			 st == EPERM || st == ENOSPC ? ": disabled here (user.max_user_namespaces, a sysctl, a "
						       "container or a seccomp policy)" : "");
		return 1;
	}
	return 0;
}

/* --- the vDSO against the syscall, inside a namespace ------------------------ */

const char *timens_fmt_ns(int64_t ns, char *buf, size_t len)
{
	uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;

	snprintf(buf, len, "%s%" PRIu64 ".%09" PRIu64, ns < 0 ? "-" : "", a / NSEC, a % NSEC);
	return buf;
}

static const char *cname(clockid_t id)
{
	static char buf[32];

	return clock_name(id, buf, sizeof(buf));
}

/* sys <= vDSO <= sys, TIMENS_ITERS times; skip when the syscall says EINVAL. */
void timens_bracket_clock(vdso_clock_gettime_t fn, clockid_t id, struct case_result *r)
{
	int64_t widest = 0;
	char a_s[32], b_s[32], c_s[32], d_s[32];

	memset(r, 0, sizeof(*r));
	for (int i = 0; i < TIMENS_ITERS; i++) {
		struct timespec a, b, c;
		int ra, rb, rc;

		ra = sys_clock_gettime(id, &a);
		if (ra == -EINVAL) {
			case_result_set(r, CASE_R_SKIP, "the clock_gettime syscall says EINVAL for %s in the namespace%s", cname(id),
				id == CLOCK_BOOTTIME_ALARM ? " (alarm clocks need an RTC with alarm support)" : "");
			return;
		}
		b.tv_sec = 0;
		b.tv_nsec = 0;
		rb = fn(id, &b);
		rc = sys_clock_gettime(id, &c);
		if (ra || rc) {
			case_result_set(r, CASE_R_FAIL, "the clock_gettime syscall failed for %s: %s", cname(id),
				strerror(-(ra ? ra : rc)));
			return;
		}
		if (rb) {
			case_result_set(r, CASE_R_FAIL, "call %d: the vDSO returned %d (%s) for %s, the syscall 0", i, rb,
				strerror(rb < 0 ? -rb : rb), cname(id));
			return;
		}
		if (b.tv_nsec < 0 || b.tv_nsec >= NSEC) {
			case_result_set(r, CASE_R_FAIL, "call %d: the vDSO's %s has tv_nsec %ld, outside [0, 1e9)", i, cname(id),
				(long)b.tv_nsec);
			return;
		}
		if (ts_ns(&b) < ts_ns(&a) || ts_ns(&b) > ts_ns(&c)) {
			int64_t off = ts_ns(&b) < ts_ns(&a) ? ts_ns(&b) - ts_ns(&a) : ts_ns(&b) - ts_ns(&c);

			case_result_set(r, CASE_R_FAIL,
				"call %d: the vDSO's %s is %s s, outside [%s, %s] read by the syscall just before and "
				"after in the same namespace: %s s off (an offset not applied, applied twice, or "
				"from a base taken outside the namespace)",
				i, cname(id), timens_fmt_ns(ts_ns(&b), b_s, sizeof(b_s)), timens_fmt_ns(ts_ns(&a), a_s, sizeof(a_s)),
				timens_fmt_ns(ts_ns(&c), c_s, sizeof(c_s)), timens_fmt_ns(off, d_s, sizeof(d_s)));
			return;
		}
		if (ts_ns(&c) - ts_ns(&a) > widest)
			widest = ts_ns(&c) - ts_ns(&a);
	}
	snprintf(r->diag, sizeof(r->diag),
		 "%d reads of %s, each between two syscalls in the namespace (exact: tolerance 0 ns; widest bracket %" PRId64 " ns)",
		 TIMENS_ITERS, cname(id), widest);
	r->status = CASE_R_PASS;
}

/* All five namespace clocks as one result (thread, exec). */
void timens_bracket_all(vdso_clock_gettime_t fn, struct case_result *out, const char *where)
{
	char skipped[160] = "";
	int passed = 0;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < TIMENS_NCLOCKS; i++) {
		struct case_result r;

		timens_bracket_clock(fn, timens_clocks[i], &r);
		if (r.status == CASE_R_FAIL) {
			case_result_set(out, CASE_R_FAIL, "%s: %s", where, r.msg);
			return;
		}
		if (r.status == CASE_R_SKIP) {
			size_t n = strlen(skipped);

			snprintf(skipped + n, sizeof(skipped) - n, "%s%s", n ? ", " : "", cname(timens_clocks[i]));
		} else {
			passed++;
		}
	}
	if (!passed) {
		case_result_set(out, CASE_R_SKIP, "%s: every clock's syscall says EINVAL", where);
		return;
	}
	snprintf(out->diag, sizeof(out->diag),
		 "%s: %d clocks x %d reads, each between two syscalls (tolerance 0 ns)%s%s", where, passed, TIMENS_ITERS,
		 *skipped ? "; EINVAL from the syscall, skipped: " : "", skipped);
	out->status = CASE_R_PASS;
}

