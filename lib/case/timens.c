/* SPDX-License-Identifier: MIT */
#include "timens.h"

#include "child.h"
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

/* --- how this process may reach a time namespace ----------------------------- */

#define CAP_SYS_ADMIN_BIT 21
#define CAP_SYS_TIME_BIT 25

/* Whether this process holds CAP_SYS_ADMIN (for unshare(CLONE_NEWTIME))
 * and CAP_SYS_TIME (for the offsets) in its own user namespace.  Read from
 * /proc/self/status, not capget(): no kernel header, the same on every ABI
 * and when linked statically. */
static int timens_privileged(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	int found = 0;
	unsigned long long eff = 0;

	if (!f)
		return geteuid() == 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1) {
			found = 1;
			break;
		}
	fclose(f);
	if (!found)
		return geteuid() == 0;
	return (eff >> CAP_SYS_ADMIN_BIT & 1) && (eff >> CAP_SYS_TIME_BIT & 1);
}

/* The integer in a sysctl file, or -1 when it is absent or unreadable. */
static long read_sysctl(const char *path)
{
	FILE *f = fopen(path, "re");
	long v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* The setting that forbids an unprivileged user namespace here, named, or
 * "" when none of those known is set: a user then learns what to change. */
static void userns_setting(char *buf, size_t len)
{
	if (read_sysctl("/proc/sys/user/max_user_namespaces") == 0)
		snprintf(buf, len, ": user namespaces are disabled, /proc/sys/user/max_user_namespaces = 0");
	else if (read_sysctl("/proc/sys/kernel/unprivileged_userns_clone") == 0)
		snprintf(buf, len, ": unprivileged user namespaces are disabled, "
			 "/proc/sys/kernel/unprivileged_userns_clone = 0");
	else if (read_sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1)
		snprintf(buf, len, ": AppArmor confines unprivileged user namespaces, "
			 "kernel.apparmor_restrict_unprivileged_userns = 1");
	else
		snprintf(buf, len, " (no known sysctl forbids it: a chroot, a container, a seccomp policy or an LSM may)");
}

static void set_why(char *why, size_t len, const char *what, int e, int name_setting)
{
	char setting[160] = "";

	if (name_setting)
		userns_setting(setting, sizeof(setting));
	snprintf(why, len, "%s fails with %s (%s)%s", what, errno_name(e), strerror(e), setting);
}

static int write_file(const char *path, const char *s)
{
	size_t n = strlen(s);
	ssize_t w;
	int fd = open(path, O_WRONLY | O_CLOEXEC), e;

	if (fd < 0)
		return -1;
	w = write(fd, s, n);	/* one write: the kernel takes a map whole */
	e = w < 0 ? errno : EIO;
	close(fd);
	if (w == (ssize_t)n)
		return 0;
	errno = e;
	return -1;
}

int userns_enter(char *why, size_t len)
{
	/* the ids this process has outside: the only ones it may map */
	unsigned uid = (unsigned)geteuid(), gid = (unsigned)getegid();
	char map[64], what[96];

	if (unshare(CLONE_NEWUSER)) {
		int e = errno;

		/* EPERM, ENOSPC, EUSERS: a policy or a limit.  EINVAL is
		 * CONFIG_USER_NS=n only without /proc/self/ns/user; with it, the
		 * caller was multithreaded, which is this program's fault. */
		int off = e == EINVAL && access("/proc/self/ns/user", F_OK) != 0;

		set_why(why, len, "unshare(CLONE_NEWUSER)", e, e == EPERM || e == ENOSPC || e == EUSERS);
		if (off) {
			size_t n = strlen(why);

			snprintf(why + n, len - n, ": the kernel has no user namespaces (CONFIG_USER_NS=n)");
		}
		return off || e == ENOSYS || e == EPERM || e == ENOSPC || e == EUSERS ? TIMENS_SKIP : TIMENS_FAIL;
	}
	/* setgroups must be denied before an unprivileged gid_map is allowed */
	if (write_file("/proc/self/setgroups", "deny")) {
		int e = errno;

		set_why(why, len, "writing \"deny\" to /proc/self/setgroups", e, e == EPERM);
		return e == EPERM ? TIMENS_SKIP : TIMENS_FAIL;
	}
	snprintf(map, sizeof(map), "0 %u 1", uid);
	if (write_file("/proc/self/uid_map", map)) {
		int e = errno;

		/* uid 0 outside without CAP_SETFCAP (a container's root with its
		 * capabilities dropped): since 5.12 the kernel refuses to map
		 * it.  The capabilities this namespace gave us, all a time
		 * namespace needs, do not depend on a map: go on unmapped. */
		if (e == EPERM && uid == 0)
			return TIMENS_OK;

		snprintf(what, sizeof(what), "writing \"%s\" to /proc/self/uid_map", map);
		set_why(why, len, what, e, e == EPERM);
		return e == EPERM ? TIMENS_SKIP : TIMENS_FAIL;
	}
	snprintf(map, sizeof(map), "0 %u 1", gid);
	if (write_file("/proc/self/gid_map", map)) {
		int e = errno;

		snprintf(what, sizeof(what), "writing \"%s\" to /proc/self/gid_map", map);
		set_why(why, len, what, e, e == EPERM);
		return e == EPERM ? TIMENS_SKIP : TIMENS_FAIL;
	}
	return TIMENS_OK;
}

int timens_enter(const int64_t off[2], char *why, size_t len)
{
	int userns = !timens_privileged(), rc;

	/* Without CAP_SYS_ADMIN and CAP_SYS_TIME, a new user namespace gives
	 * them: the time namespace created next belongs to it, and its
	 * offsets need CAP_SYS_TIME only there (as the kernel's selftests do). */
	if (userns && (rc = userns_enter(why, len)) != TIMENS_OK)
		return rc;
	if (unshare(CLONE_NEWTIME)) {
		int e = errno;

		set_why(why, len, userns ? "in a new user namespace, unshare(CLONE_NEWTIME)" : "unshare(CLONE_NEWTIME)",
			e, 0);
		if (e == EINVAL) {
			size_t n = strlen(why);

			snprintf(why + n, len - n, ": the kernel has no time namespaces (CONFIG_TIME_NS=n)");
		} else if (e == EPERM && userns) {
			/* our own user namespace, yet no CAP_SYS_ADMIN in it: an LSM withholds it */
			size_t n = strlen(why);

			userns_setting(why + n, len - n);
		} else if (e == EPERM) {
			size_t n = strlen(why);

			snprintf(why + n, len - n, ": a seccomp policy or an LSM refuses it");
		}
		return e == EINVAL || e == ENOSYS || e == EPERM ? TIMENS_SKIP : TIMENS_FAIL;
	}
	if (write_offsets(off, why, len)) {
		/* EPERM: no CAP_SYS_TIME (containers drop it), not a vDSO matter */
		if (errno != EPERM)
			return TIMENS_FAIL;
		if (userns) {
			size_t n = strlen(why);

			userns_setting(why + n, len - n);
		}
		return TIMENS_SKIP;
	}
	return TIMENS_OK;
}

/* In a forked child (this process never changes namespace): enter(), with
 * its reason carried back through a pipe.  TIMENS_OK, _SKIP or _FAIL. */
static int probe(int (*enter)(char *, size_t), char *why, size_t len)
{
	int fds[2], st;
	ssize_t n;
	size_t got = 0;
	pid_t pid;

	if (pipe(fds)) {
		snprintf(why, len, "pipe: %s", strerror(errno));
		return TIMENS_FAIL;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		char buf[512] = "";
		int rc;

		close(fds[0]);
		rc = enter(buf, sizeof(buf));
		if (rc != TIMENS_OK)
			case_write_full(fds[1], buf, strlen(buf));
		_exit(rc);
	}
	close(fds[1]);
	if (pid < 0) {
		snprintf(why, len, "fork: %s", strerror(errno));
		close(fds[0]);
		return TIMENS_FAIL;
	}
	while (got + 1 < len && ((n = read(fds[0], why + got, len - 1 - got)) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			got += (size_t)n;
	if (len)
		why[got] = 0;
	close(fds[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			snprintf(why, len, "waitpid: %s", strerror(errno));
			return TIMENS_FAIL;
		}
	if (!WIFEXITED(st)) {
		snprintf(why, len, "the probe's child ended with status %#x", (unsigned)st);
		return TIMENS_FAIL;
	}
	return WEXITSTATUS(st);
}

static int enter_zero(char *why, size_t len)
{
	static const int64_t zero[2] = { 0, 0 };

	return timens_enter(zero, why, len);
}

int timens_unavailable(char *why, size_t len)
{
	char reason[512];

	if (access("/proc/self/ns/time", F_OK)) {
		snprintf(why, len, "no time namespaces: /proc/self/ns/time is absent (kernel < 5.6 or CONFIG_TIME_NS=n)");
		return 1;
	}
	/* the case's own way in, with zero offsets */
	if (probe(enter_zero, reason, sizeof(reason)) != TIMENS_SKIP)
		return 0;	/* other failures are the case's to report, as the vDSO's or the kernel's */
	snprintf(why, len, "%s", reason);
	return 1;
}

int userns_unavailable(char *why, size_t len)
{
	char reason[512];

	if (access("/proc/self/ns/user", F_OK)) {
		snprintf(why, len, "no user namespaces: /proc/self/ns/user is absent (CONFIG_USER_NS=n)");
		return 1;
	}
	if (probe(userns_enter, reason, sizeof(reason)) != TIMENS_SKIP)
		return 0;
	snprintf(why, len, "%s", reason);
	return 1;
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

