/* SPDX-License-Identifier: MIT */
/*
 * timens: the vDSO inside time namespaces (5.6+; kernel selftests/timens,
 * LTP timens01).  Inside a namespace the vDSO must read a second data page
 * and add the namespace's offsets exactly as the system call adds them:
 * CLOCK_MONOTONIC, _RAW and _COARSE move by the monotonic offset,
 * CLOCK_BOOTTIME and _ALARM by the boottime offset, nothing else moves.
 *
 * Each scenario (positive, negative, large offsets) runs in a forked helper,
 * so that this process never changes namespace:
 *
 *   case process ── helper: unshare(CLONE_NEWTIME), write
 *                   │       /proc/self/timens_offsets (allowed only while no
 *                   │       process is in the namespace), read the host
 *                   │       clocks, fork ──────────────┐
 *                   │                                  grandchild (in the namespace):
 *                   │                                    clocks, exec, thread, fastpath
 *                   └ read the host clocks again: offset, realtime
 *
 * Results travel through one MAP_SHARED page per scenario; a process that
 * dies leaves its points "not reported", which fails them with its status.
 *
 * Every comparison is an exact bracket, tolerance 0 ns: the namespace's
 * clock is the host clock plus a constant, read from the same timekeeper,
 * so "syscall <= vDSO <= syscall" (inside the namespace) and "host before
 * + offset <= namespace reading <= host after + offset" hold to the
 * nanosecond on any machine; load only widens the brackets.  The widest
 * bracket is reported so a reader sees how much the check had to give.
 *
 * The exec point re-executes this program (argv[1] == --timens-exec-child,
 * handled before the case framework's main) after vfork, as a process that
 * was exec'd inside the namespace: a new mm whose vvar must again be the
 * namespace's.  The child reopens the target itself (the live vDSO with
 * libvdso, or the fake named by VDSOCONF_TARGET, which the environment
 * carries) and reports through an inherited pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "case/case.h"
#include "case/clock.h"
#include "case/clocksource.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLOCK_TAI
#define CLOCK_TAI 11
#endif
#ifndef CLOCK_BOOTTIME_ALARM
#define CLOCK_BOOTTIME_ALARM 9
#endif
#ifndef TFD_TIMER_CANCEL_ON_SET
#define TFD_TIMER_CANCEL_ON_SET (1 << 1)
#endif

#define NSEC ((int64_t)1000000000)
#define DAY (86400 * NSEC)
#define YEAR ((int64_t)31557600 * NSEC)	/* 365.25 days */
/* The kernel refuses an offset that takes a clock below 0 or above
 * KTIME_SEC_MAX / 2 = 4611686018 s (~146 years): proc_timens_set_offset(). */
#define KERNEL_LIMIT_S ((int64_t)4611686018)
#define EXEC_FLAG "--timens-exec-child"
#define ITERS 100	/* bracketed reads per clock */
#define FAST_CALLS 500	/* vDSO calls per clock under the seccomp trap */

extern char **environ;

/* The clocks a time namespace shifts: the first three by its monotonic
 * offset, the last two by its boottime offset (timens_add_monotonic/
 * _boottime in the kernel; the vDSO's offset[] has one slot per clock). */
static const clockid_t ns_clocks[] = { CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_MONOTONIC_COARSE,
				       CLOCK_BOOTTIME, CLOCK_BOOTTIME_ALARM };
#define NCLK 5
#define IS_BOOT(i) ((i) >= 3)
/* ... and those it must leave alone */
static const clockid_t rt_clocks[] = { CLOCK_REALTIME, CLOCK_REALTIME_COARSE, CLOCK_TAI };
#define NRT 3

enum { P_OFFSET = NCLK, P_REALTIME, P_EXEC, P_THREAD, P_FASTPATH, NPTS };
static const char *const pt_names[NPTS] = {
	[P_OFFSET] = "offset", [P_REALTIME] = "realtime", [P_EXEC] = "exec",
	[P_THREAD] = "thread", [P_FASTPATH] = "fastpath",
};

enum { R_NONE, R_PASS, R_FAIL, R_SKIP, R_XFAIL };

struct res {
	int status;
	char diag[320];	/* "# " lines before the result */
	char msg[640];	/* failure message or skip/xfail reason */
};

struct reading {
	int sys_rc, vdso_rc;
	int64_t sys, vdso;
};

struct shared {
	struct res r[NPTS];
	int setup_status;	/* R_NONE: the namespace was set up */
	char setup[320];
	int64_t off[2];		/* monotonic, boottime offset (ns) */
	int snapped;
	struct reading ns[NCLK], rt[NRT];	/* the grandchild's first reads */
	char grandchild[96];	/* how the grandchild ended */
	struct {
		int done, rc;
		unsigned traps, bad;
		long last_nr;
	} fp;
};

struct exec_report {
	int done;
	struct res r;
	int mono_rc;
	int64_t mono;
};

static const struct scenario {
	const char *name, *what;
} scenarios[] = {
	{ "positive", "monotonic +1 day +123456789 ns, boottime +2 days +987654321 ns "
		      "(nonzero nanoseconds, which the vDSO must carry into the seconds)" },
	{ "negative", "monotonic and boottime each minus half their current value "
		      "(the kernel refuses offsets that make a clock negative)" },
	{ "large", "monotonic +40 years, boottime +60 years: decades, inside the kernel's limit "
		   "(no clock beyond KTIME_SEC_MAX/2 = 4611686018 s) and, for a 32-bit time_t, below 2^31 s" },
};
#define NSCEN (sizeof(scenarios) / sizeof(scenarios[0]))

static vdso_clock_gettime_t vdso_cgt;
static const char *self_argv0;

/* --- small helpers --------------------------------------------------------- */

static void set_res(struct res *r, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_res(struct res *r, int status, const char *fmt, ...)
{
	va_list ap;

	r->status = status;
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
}

/* "-12.345678901" */
static const char *fmt_ns(int64_t ns, char *buf, size_t len)
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

static void describe_status(int st, char *buf, size_t len)
{
	if (WIFEXITED(st))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
	else
		snprintf(buf, len, "wait status %#x", st);
}

static int wait_for(pid_t pid, char *how, size_t len)
{
	int st = 0;

	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			snprintf(how, len, "waitpid: %s", strerror(errno));
			return -1;
		}
	}
	describe_status(st, how, len);
	return st;
}

static int64_t read_sys(clockid_t id, int *rc)
{
	struct timespec t = { 0, 0 };

	*rc = sys_clock_gettime(id, &t);
	return ts_ns(&t);
}

/* --- the vDSO against the syscall, inside the namespace --------------------- */

/* sys <= vDSO <= sys, ITERS times; skip when the syscall says EINVAL. */
static void bracket_clock(vdso_clock_gettime_t fn, clockid_t id, struct res *r)
{
	int64_t widest = 0;
	char a_s[32], b_s[32], c_s[32], d_s[32];

	memset(r, 0, sizeof(*r));
	for (int i = 0; i < ITERS; i++) {
		struct timespec a, b, c;
		int ra, rb, rc;

		ra = sys_clock_gettime(id, &a);
		if (ra == -EINVAL) {
			set_res(r, R_SKIP, "the clock_gettime syscall says EINVAL for %s in the namespace%s", cname(id),
				id == CLOCK_BOOTTIME_ALARM ? " (alarm clocks need an RTC with alarm support)" : "");
			return;
		}
		b.tv_sec = 0;
		b.tv_nsec = 0;
		rb = fn(id, &b);
		rc = sys_clock_gettime(id, &c);
		if (ra || rc) {
			set_res(r, R_FAIL, "the clock_gettime syscall failed for %s: %s", cname(id),
				strerror(-(ra ? ra : rc)));
			return;
		}
		if (rb) {
			set_res(r, R_FAIL, "call %d: the vDSO returned %d (%s) for %s, the syscall 0", i, rb,
				strerror(rb < 0 ? -rb : rb), cname(id));
			return;
		}
		if (b.tv_nsec < 0 || b.tv_nsec >= NSEC) {
			set_res(r, R_FAIL, "call %d: the vDSO's %s has tv_nsec %ld, outside [0, 1e9)", i, cname(id),
				(long)b.tv_nsec);
			return;
		}
		if (ts_ns(&b) < ts_ns(&a) || ts_ns(&b) > ts_ns(&c)) {
			int64_t off = ts_ns(&b) < ts_ns(&a) ? ts_ns(&b) - ts_ns(&a) : ts_ns(&b) - ts_ns(&c);

			set_res(r, R_FAIL,
				"call %d: the vDSO's %s is %s s, outside [%s, %s] read by the syscall just before and "
				"after in the same namespace: %s s off (an offset not applied, applied twice, or "
				"from a base taken outside the namespace)",
				i, cname(id), fmt_ns(ts_ns(&b), b_s, sizeof(b_s)), fmt_ns(ts_ns(&a), a_s, sizeof(a_s)),
				fmt_ns(ts_ns(&c), c_s, sizeof(c_s)), fmt_ns(off, d_s, sizeof(d_s)));
			return;
		}
		if (ts_ns(&c) - ts_ns(&a) > widest)
			widest = ts_ns(&c) - ts_ns(&a);
	}
	snprintf(r->diag, sizeof(r->diag),
		 "%d reads of %s, each between two syscalls in the namespace (exact: tolerance 0 ns; widest bracket %" PRId64 " ns)",
		 ITERS, cname(id), widest);
	r->status = R_PASS;
}

/* All five namespace clocks as one result (thread, exec). */
static void bracket_all(vdso_clock_gettime_t fn, struct res *out, const char *where)
{
	char skipped[160] = "";
	int passed = 0;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < NCLK; i++) {
		struct res r;

		bracket_clock(fn, ns_clocks[i], &r);
		if (r.status == R_FAIL) {
			set_res(out, R_FAIL, "%s: %s", where, r.msg);
			return;
		}
		if (r.status == R_SKIP) {
			size_t n = strlen(skipped);

			snprintf(skipped + n, sizeof(skipped) - n, "%s%s", n ? ", " : "", cname(ns_clocks[i]));
		} else {
			passed++;
		}
	}
	if (!passed) {
		set_res(out, R_SKIP, "%s: every clock's syscall says EINVAL", where);
		return;
	}
	snprintf(out->diag, sizeof(out->diag),
		 "%s: %d clocks x %d reads, each between two syscalls (tolerance 0 ns)%s%s", where, passed, ITERS,
		 *skipped ? "; EINVAL from the syscall, skipped: " : "", skipped);
	out->status = R_PASS;
}

/* --- the grandchild's checks ------------------------------------------------ */

static void snapshot(struct shared *sh)
{
	for (int i = 0; i < NCLK; i++) {
		struct timespec t = { 0, 0 };

		sh->ns[i].sys = read_sys(ns_clocks[i], &sh->ns[i].sys_rc);
		sh->ns[i].vdso_rc = vdso_cgt(ns_clocks[i], &t);
		sh->ns[i].vdso = ts_ns(&t);
	}
	for (int i = 0; i < NRT; i++) {
		struct timespec t = { 0, 0 };

		sh->rt[i].sys = read_sys(rt_clocks[i], &sh->rt[i].sys_rc);
		sh->rt[i].vdso_rc = vdso_cgt(rt_clocks[i], &t);
		sh->rt[i].vdso = ts_ns(&t);
	}
	sh->snapped = 1;
}

static int read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got == len ? 0 : -1;
}

static void write_full(int fd, const void *buf, size_t len)
{
	size_t put = 0;

	while (put < len) {
		ssize_t n = write(fd, (const char *)buf + put, len - put);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		put += (size_t)n;
	}
}

/* vfork + execve of this program; kept small: after vfork the child may
 * only exec or _exit. */
static pid_t spawn_exec_child(char *const argv[])
{
	pid_t pid = vfork();

	if (pid == 0) {
		execve("/proc/self/exe", argv, environ);
		_exit(127);
	}
	return pid;
}

static void check_exec(struct shared *sh)
{
	struct res *r = &sh->r[P_EXEC];
	struct exec_report rep;
	char fdarg[16], how[96], a_s[32], b_s[32], c_s[32];
	char *argv[4];
	int p[2], wfd, rc0, rc1, ok;
	int64_t t0, t1;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC)) {
		set_res(r, R_FAIL, "pipe2: %s", strerror(errno));
		return;
	}
	wfd = dup(p[1]);	/* the copy has no FD_CLOEXEC: it crosses execve */
	close(p[1]);
	if (wfd < 0) {
		set_res(r, R_FAIL, "dup: %s", strerror(errno));
		close(p[0]);
		return;
	}
	snprintf(fdarg, sizeof(fdarg), "%d", wfd);
	argv[0] = (char *)self_argv0;
	argv[1] = (char *)EXEC_FLAG;
	argv[2] = fdarg;
	argv[3] = NULL;
	t0 = read_sys(CLOCK_MONOTONIC, &rc0);
	pid = spawn_exec_child(argv);
	close(wfd);
	if (pid < 0) {
		set_res(r, R_FAIL, "vfork: %s", strerror(errno));
		close(p[0]);
		return;
	}
	memset(&rep, 0, sizeof(rep));
	ok = read_full(p[0], &rep, sizeof(rep)) == 0 && rep.done;
	close(p[0]);
	wait_for(pid, how, sizeof(how));
	t1 = read_sys(CLOCK_MONOTONIC, &rc1);
	if (!ok) {
		set_res(r, R_FAIL, "the child exec'd with %s reported nothing; it %s", EXEC_FLAG, how);
		return;
	}
	if (!rep.mono_rc && !rc0 && !rc1 && (rep.mono < t0 || rep.mono > t1)) {
		set_res(r, R_FAIL,
			"the exec'd child's syscall CLOCK_MONOTONIC %s s is outside its parent's [%s, %s]: "
			"it is not in the parent's time namespace",
			fmt_ns(rep.mono, b_s, sizeof(b_s)), fmt_ns(t0, a_s, sizeof(a_s)), fmt_ns(t1, c_s, sizeof(c_s)));
		return;
	}
	*r = rep.r;
}

static void *thread_main(void *arg)
{
	bracket_all(vdso_cgt, arg, "in a new thread");
	return NULL;
}

static void check_thread(struct shared *sh)
{
	struct res r;
	pthread_t t;
	int rc;

	memset(&r, 0, sizeof(r));
	rc = pthread_create(&t, NULL, thread_main, &r);
	if (rc) {
		set_res(&sh->r[P_THREAD], R_FAIL, "pthread_create: %s", strerror(rc));
		return;
	}
	pthread_join(t, NULL);
	sh->r[P_THREAD] = r;
}

/* In a further child (seccomp is irreversible): the vDSO's MONOTONIC and
 * BOOTTIME under a filter that traps every time system call. */
static void check_fastpath(struct shared *sh)
{
	struct res *r = &sh->r[P_FASTPATH];
	char how[96], why[160];
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		unsigned bad = 0;
		int rc = case_seccomp_trap_time();

		if (rc) {
			sh->fp.rc = rc;
			sh->fp.done = 1;
			_exit(0);
		}
		for (int i = 0; i < FAST_CALLS; i++) {
			struct timespec t;

			bad += vdso_cgt(CLOCK_MONOTONIC, &t) != 0;
			bad += vdso_cgt(CLOCK_BOOTTIME, &t) != 0;
		}
		sh->fp.traps = case_traps.count;
		sh->fp.last_nr = case_traps.last_nr;
		sh->fp.bad = bad;
		sh->fp.done = 1;
		_exit(0);
	}
	if (pid < 0) {
		set_res(r, R_FAIL, "fork: %s", strerror(errno));
		return;
	}
	wait_for(pid, how, sizeof(how));
	if (!sh->fp.done) {
		set_res(r, R_FAIL, "the child under the seccomp filter %s before reporting", how);
		return;
	}
	if (sh->fp.rc) {
		set_res(r, R_SKIP, "cannot install the seccomp trap filter: %s", strerror(-sh->fp.rc));
		return;
	}
	if (!sh->fp.traps && !sh->fp.bad) {
		snprintf(r->diag, sizeof(r->diag),
			 "%d vDSO calls each of CLOCK_MONOTONIC and CLOCK_BOOTTIME in the namespace under a filter "
			 "trapping every time syscall: 0 traps", FAST_CALLS);
		r->status = R_PASS;
		return;
	}
	if (!sh->fp.traps) {
		set_res(r, R_FAIL, "%u of %d vDSO calls returned an error in the namespace, without a system call",
			sh->fp.bad, 2 * FAST_CALLS);
		return;
	}
	if (!clocksource_has_vdso_mode(why, sizeof(why))) {
		set_res(r, R_XFAIL, "%s: the vDSO falls back to the system call (%u traps in %d calls)", why,
			sh->fp.traps, 2 * FAST_CALLS);
		return;
	}
	set_res(r, R_FAIL,
		"%u of %d vDSO calls of CLOCK_MONOTONIC/CLOCK_BOOTTIME in the namespace entered the kernel "
		"(last syscall nr %ld) although the clocksource has a vDSO mode: the namespace path falls back "
		"to the system call (fatal under seccomp sandboxes, zathura#368)",
		sh->fp.traps, 2 * FAST_CALLS, sh->fp.last_nr);
}

static void grandchild(struct shared *sh)
{
	snapshot(sh);	/* first: the helper's two host readings bracket it */
	for (int i = 0; i < NCLK; i++)
		bracket_clock(vdso_cgt, ns_clocks[i], &sh->r[i]);
	check_exec(sh);
	check_thread(sh);
	check_fastpath(sh);
}

/* --- the helper: the namespace, the host's view ------------------------------ */

static void choose_offsets(int sc, int64_t off[2])
{
	int rc;
	int64_t mono = read_sys(CLOCK_MONOTONIC, &rc), boot = read_sys(CLOCK_BOOTTIME, &rc);

	switch (sc) {
	case 0:
		off[0] = DAY + 123456789;
		off[1] = 2 * DAY + 987654321;
		break;
	case 1:
		off[0] = -(mono / 2);
		off[1] = -(boot / 2);
		break;
	default: {
		/* the clocks' values must stay below the kernel's limit and,
		 * with a 32-bit time_t, below 2^31 s (with a day to spare) */
		int64_t cap = (sizeof(time_t) < 8 ? (int64_t)INT32_MAX : KERNEL_LIMIT_S) * NSEC - DAY;

		off[0] = 40 * YEAR;
		off[1] = 60 * YEAR;
		if (mono + off[0] > cap)
			off[0] = cap - mono;
		if (boot + off[1] > cap)
			off[1] = cap - boot;
		break;
	}
	}
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

/* A timerfd with TFD_TIMER_CANCEL_ON_SET is cancelled by every setting of
 * CLOCK_REALTIME (settimeofday, a step, a leap second, resume): then a
 * realtime bracket may fail although nothing is wrong. */
static int clockset_watch(void)
{
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };
	int fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);

	if (fd < 0)
		return -1;
	its.it_value.tv_sec = (time_t)INT32_MAX;	/* far away: it never expires */
	if (timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, NULL)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int clockset_fired(int fd)
{
	uint64_t n;

	return fd >= 0 && read(fd, &n, sizeof(n)) < 0 && errno == ECANCELED;
}

/* host before + offset <= namespace reading <= host after + offset */
static void judge_brackets(struct res *r, const struct reading *g, const clockid_t *ids, int n,
			   const struct reading *pre, const struct reading *post, const int64_t *off, const char *what,
			   const char *off_what)
{
	char l_s[32], h_s[32], v_s[32], o_s[32], d_s[32];
	int64_t widest = 0;
	int checked = 0;

	for (int i = 0; i < n; i++) {
		int64_t lo = pre[i].sys + off[i], hi = post[i].sys + off[i];

		if (pre[i].sys_rc || post[i].sys_rc || g[i].sys_rc) {
			if (pre[i].sys_rc == -EINVAL || g[i].sys_rc == -EINVAL)
				continue;	/* e.g. CLOCK_BOOTTIME_ALARM without an RTC */
			set_res(r, R_FAIL, "the clock_gettime syscall failed for %s: host %d/%d, namespace %d",
				cname(ids[i]), pre[i].sys_rc, post[i].sys_rc, g[i].sys_rc);
			return;
		}
		for (int k = 0; k < 2; k++) {
			int64_t v = k ? g[i].vdso : g[i].sys;

			if (k && g[i].vdso_rc) {
				set_res(r, R_FAIL, "the vDSO returned %d for %s in the namespace, the syscall 0",
					g[i].vdso_rc, cname(ids[i]));
				return;
			}
			if (v < lo || v > hi) {
				char exp[96];

				if (off[i])
					snprintf(exp, sizeof(exp), "plus the %s offset %s s", what,
						 fmt_ns(off[i], o_s, sizeof(o_s)));
				else
					snprintf(exp, sizeof(exp), "unshifted (%s)", what);
				set_res(r, R_FAIL,
					"%s read in the namespace by the %s: %s s; expected the host's readings before "
					"and after, %s: [%s, %s]; %s s off",
					cname(ids[i]), k ? "vDSO" : "syscall", fmt_ns(v, v_s, sizeof(v_s)), exp,
					fmt_ns(lo, l_s, sizeof(l_s)), fmt_ns(hi, h_s, sizeof(h_s)),
					fmt_ns(v < lo ? v - lo : v - hi, d_s, sizeof(d_s)));
				return;
			}
		}
		if (hi - lo > widest)
			widest = hi - lo;
		checked++;
	}
	if (!checked) {
		set_res(r, R_SKIP, "every clock's syscall says EINVAL");
		return;
	}
	snprintf(r->diag, sizeof(r->diag),
		 "%d clocks, syscall and vDSO readings in the namespace against the host's syscall readings "
		 "before the namespace's first process and after it reported, %s (exact: tolerance 0 ns; "
		 "widest bracket %" PRId64 " ns)",
		 checked, off_what, widest);
	r->status = R_PASS;
}

static void host_read(struct reading *ns, struct reading *rt)
{
	for (int i = 0; i < NCLK; i++)
		ns[i].sys = read_sys(ns_clocks[i], &ns[i].sys_rc);
	for (int i = 0; i < NRT; i++)
		rt[i].sys = read_sys(rt_clocks[i], &rt[i].sys_rc);
}

static void helper(int sc, struct shared *sh)
{
	struct reading pre_ns[NCLK], pre_rt[NRT], post_ns[NCLK], post_rt[NRT];
	int64_t offs[NCLK], zero[NRT] = { 0, 0, 0 };
	int watch, set;
	pid_t pid;

	alarm(20);	/* a hang becomes "not reported", not a stuck run */
	if (unshare(CLONE_NEWTIME)) {
		int e = errno;

		sh->setup_status = e == EINVAL || e == ENOSYS || e == EPERM ? R_SKIP : R_FAIL;
		snprintf(sh->setup, sizeof(sh->setup), "unshare(CLONE_NEWTIME) fails with %s (%s)",
			 e == EINVAL ? "EINVAL" : e == ENOSYS ? "ENOSYS" : e == EPERM ? "EPERM" : "an error",
			 strerror(e));
		_exit(0);
	}
	choose_offsets(sc, sh->off);
	if (write_offsets(sh->off, sh->setup, sizeof(sh->setup))) {
		/* EPERM: no CAP_SYS_TIME (containers drop it), not a vDSO matter */
		sh->setup_status = errno == EPERM ? R_SKIP : R_FAIL;
		_exit(0);
	}
	watch = clockset_watch();
	host_read(pre_ns, pre_rt);
	pid = fork();	/* the namespace's first process */
	if (pid == 0) {
		alarm(20);
		grandchild(sh);
		_exit(0);
	}
	if (pid < 0) {
		sh->setup_status = R_FAIL;
		snprintf(sh->setup, sizeof(sh->setup), "fork into the namespace: %s", strerror(errno));
		_exit(0);
	}
	wait_for(pid, sh->grandchild, sizeof(sh->grandchild));
	host_read(post_ns, post_rt);
	set = clockset_fired(watch);
	if (!sh->snapped) {
		set_res(&sh->r[P_OFFSET], R_FAIL, "the namespace's first process %s before reading its clocks",
			sh->grandchild);
		sh->r[P_REALTIME] = sh->r[P_OFFSET];
		_exit(0);
	}
	for (int i = 0; i < NCLK; i++)
		offs[i] = sh->off[IS_BOOT(i)];
	judge_brackets(&sh->r[P_OFFSET], sh->ns, ns_clocks, NCLK, pre_ns, post_ns, offs,
		       "namespace's", "plus the namespace's monotonic or boottime offset");
	if (set)
		set_res(&sh->r[P_REALTIME], R_SKIP, "CLOCK_REALTIME was set during the check (a timerfd with "
			"TFD_TIMER_CANCEL_ON_SET was cancelled): its bracket proves nothing");
	else
		judge_brackets(&sh->r[P_REALTIME], sh->rt, rt_clocks, NRT, pre_rt, post_rt, zero,
			       "the clock is not namespaced", "unshifted: these clocks are not namespaced");
	_exit(0);
}

/* --- the hidden exec mode ---------------------------------------------------- */

static int exec_child(char **argv)
{
	static struct case_ctx ctx;
	struct exec_report rep;
	vdso_clock_gettime_t fn;
	char why[512];
	int fd = atoi(argv[2]);

	alarm(10);
	/* stdout is the parent's KTAP stream: nothing of ours belongs there */
	if (freopen("/dev/null", "w", stdout) == NULL)
		fclose(stdout);
	memset(&rep, 0, sizeof(rep));
	if (case_target_open(&ctx, argv[0], why, sizeof(why)) != CASE_TARGET_OK)
		set_res(&rep.r, R_FAIL, "after vfork+execve: reopening the target: %s", why);
	else if (!(fn = (vdso_clock_gettime_t)case_fn(&ctx, "clock_gettime")))
		set_res(&rep.r, R_FAIL, "after vfork+execve: the target exports no clock_gettime");
	else
		bracket_all(fn, &rep.r, "after vfork+execve, the vDSO reopened with libvdso");
	rep.mono = read_sys(CLOCK_MONOTONIC, &rep.mono_rc);
	rep.done = 1;
	write_full(fd, &rep, sizeof(rep));
	return 0;
}

/* --- the case ----------------------------------------------------------------- */

static unsigned plan(struct case_ctx *ctx)
{
	char how[96];
	pid_t pid;
	int st;

	(void)ctx;
	if (access("/proc/self/ns/time", F_OK))
		ksft_exit_skip("no time namespaces: /proc/self/ns/time is absent (kernel < 5.6 or CONFIG_TIME_NS=n)\n");
	/* probe in a child: this process never changes namespace */
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		static const char zero[] = "monotonic 0 0\n";
		int fd;

		if (unshare(CLONE_NEWTIME))
			_exit(errno & 0x7f);
		fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, zero, sizeof(zero) - 1) < 0)
			_exit(errno == EPERM ? 0x80 | EPERM : 0);	/* others: the scenarios say */
		_exit(0);
	}
	if (pid > 0 && (st = wait_for(pid, how, sizeof(how))) >= 0 && WIFEXITED(st)) {
		switch (WEXITSTATUS(st)) {
		case EINVAL:
			ksft_exit_skip("unshare(CLONE_NEWTIME) fails with EINVAL: the kernel has no time namespaces (CONFIG_TIME_NS=n)\n");
			break;
		case ENOSYS:
			ksft_exit_skip("unshare(CLONE_NEWTIME) fails with ENOSYS\n");
			break;
		case EPERM:
			ksft_exit_skip("unshare(CLONE_NEWTIME) fails with EPERM: no CAP_SYS_ADMIN here (a container or a seccomp policy)\n");
			break;
		case 0x80 | EPERM:
			ksft_exit_skip("writing /proc/self/timens_offsets fails with EPERM: no CAP_SYS_TIME here (containers drop it)\n");
			break;
		}
	}
	return NSCEN;	/* each scenario is one nested subtest */
}

static void report(const struct scenario *s, struct shared *sh, const char *helper_how)
{
	char parent[64], a_s[32], b_s[32];

	snprintf(parent, sizeof(parent), "timens.%s", s->name);
	case_sub_begin(parent, NPTS);
	case_diag("%s: %s", parent, s->what);
	if (sh->setup_status == R_NONE)
		case_diag("offsets written: monotonic %s s, boottime %s s", fmt_ns(sh->off[0], a_s, sizeof(a_s)),
			  fmt_ns(sh->off[1], b_s, sizeof(b_s)));
	for (int i = 0; i < NPTS; i++) {
		const struct res *r = &sh->r[i];

		case_point("%s.%s", parent, i < NCLK ? cname(ns_clocks[i]) : pt_names[i]);
		if (sh->setup_status == R_SKIP) {
			case_skip("%s", sh->setup);
			continue;
		}
		if (sh->setup_status != R_NONE) {
			case_fail("setting up the namespace failed: %s", sh->setup);
			continue;
		}
		if (r->diag[0])
			case_diag("%s", r->diag);
		switch (r->status) {
		case R_PASS:
			case_pass();
			break;
		case R_SKIP:
			case_skip("%s", r->msg);
			break;
		case R_XFAIL:
			case_xfail("%s", r->msg);
			break;
		case R_FAIL:
			case_fail("%s", r->msg);
			break;
		default:
			case_fail("not reported: the helper %s, the namespace's first process %s", helper_how,
				  sh->grandchild[0] ? sh->grandchild : "never ran or was not waited for");
		}
	}
	case_sub_end();
}

static void run(struct case_ctx *ctx)
{
	vdso_cgt = (vdso_clock_gettime_t)case_fn(ctx, "clock_gettime");
	self_argv0 = ctx->argv0;
	/* Read every clock once through the target here, outside any
	 * namespace: a vDSO (or library) that caches a base on first use
	 * takes it now, as one loaded before unshare() would. */
	for (int i = 0; i < NCLK; i++) {
		struct timespec t;

		vdso_cgt(ns_clocks[i], &t);
	}
	for (size_t sc = 0; sc < NSCEN; sc++) {
		struct shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		char how[96] = "did not start";
		pid_t pid;

		if (sh == MAP_FAILED)
			ksft_exit_fail_msg("mmap of the shared result page: %s\n", strerror(errno));
		memset(sh, 0, sizeof(*sh));
		fflush(NULL);
		pid = fork();
		if (pid == 0) {
			helper((int)sc, sh);
			_exit(0);
		}
		if (pid > 0)
			wait_for(pid, how, sizeof(how));
		else
			snprintf(how, sizeof(how), "could not be forked: %s", strerror(errno));
		report(&scenarios[sc], sh, how);
		munmap(sh, sizeof(*sh));
	}
}

static const struct case_spec spec = {
	.name = "timens",
	.needs = CASE_NEED_VDSO | CASE_NEED_ROOT,
	.min_kernel = VDSO_KV(5, 6, 0),
	.roles = (const char *const[]){ "clock_gettime", NULL },
	.plan = plan,
	.run = run,
};

/* Not CASE_MAIN: the exec'd child mode must run before the framework. */
int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], EXEC_FLAG))
		return exec_child(argv);
	return case_main(&spec, argc, argv);
}
