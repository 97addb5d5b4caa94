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
 * Without CAP_SYS_ADMIN and CAP_SYS_TIME the helper first enters a new
 * user namespace, mapping its own uid and gid to 0 (timens_enter): the
 * time namespace then belongs to it, and an unprivileged user may set its
 * offsets.  Only the helper and its descendants change namespace.
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
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "case/case.h"
#include "case/clock.h"
#include "case/child.h"
#include "case/clocksource.h"
#include "case/result.h"
#include "case/timecheck.h"
#include "case/timens.h"

#ifndef CLOCK_TAI
#define CLOCK_TAI 11
#endif
#ifndef CLOCK_BOOTTIME_ALARM
#define CLOCK_BOOTTIME_ALARM 9
#endif

#define NSEC ((int64_t)1000000000)
#define DAY (86400 * NSEC)
#define YEAR ((int64_t)31557600 * NSEC)	/* 365.25 days */
/* The kernel refuses an offset that takes a clock below 0 or above
 * KTIME_SEC_MAX / 2 = 4611686018 s (~146 years): proc_timens_set_offset(). */
#define KERNEL_LIMIT_S ((int64_t)4611686018)
#define EXEC_FLAG "--timens-exec-child"
#define FAST_CALLS 500	/* vDSO calls per clock under the seccomp trap */

/* The clocks a time namespace shifts (timens_clocks), and those it must
 * leave alone */
static const clockid_t rt_clocks[] = { CLOCK_REALTIME, CLOCK_REALTIME_COARSE, CLOCK_TAI };
#define NRT 3

enum { P_OFFSET = TIMENS_NCLOCKS, P_REALTIME, P_EXEC, P_THREAD, P_FASTPATH, NPTS };
static const char *const pt_names[NPTS] = {
	[P_OFFSET] = "offset", [P_REALTIME] = "realtime", [P_EXEC] = "exec",
	[P_THREAD] = "thread", [P_FASTPATH] = "fastpath",
};

struct reading {
	int sys_rc, vdso_rc;
	int64_t sys, vdso;
};

struct shared {
	struct case_result r[NPTS];
	int setup_status;	/* CASE_R_NONE: the namespace was set up */
	char setup[320];
	int64_t off[2];		/* monotonic, boottime offset (ns) */
	int snapped;
	struct reading ns[TIMENS_NCLOCKS], rt[NRT];	/* the grandchild's first reads */
	char grandchild[96];	/* how the grandchild ended */
	struct {
		int done, rc;
		unsigned traps, bad;
		long last_nr;
	} fp;
};

struct exec_report {
	int done;
	struct case_result r;
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

static const char *cname(clockid_t id)
{
	static char buf[32];

	return clock_name(id, buf, sizeof(buf));
}

static int64_t read_sys(clockid_t id, int *rc)
{
	struct timespec t = { 0, 0 };

	*rc = sys_clock_gettime(id, &t);
	return ts_ns(&t);
}

/* --- the grandchild's checks ------------------------------------------------ */

static void snapshot(struct shared *sh)
{
	for (int i = 0; i < TIMENS_NCLOCKS; i++) {
		struct timespec t = { 0, 0 };

		sh->ns[i].sys = read_sys(timens_clocks[i], &sh->ns[i].sys_rc);
		sh->ns[i].vdso_rc = vdso_cgt(timens_clocks[i], &t);
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

static void check_exec(struct shared *sh)
{
	struct case_result *r = &sh->r[P_EXEC];
	struct exec_report rep;
	char why[160], a_s[32], b_s[32], c_s[32];
	int rc0, rc1, failed;
	int64_t t0, t1;

	memset(&rep, 0, sizeof(rep));
	t0 = read_sys(CLOCK_MONOTONIC, &rc0);
	failed = case_reexec(self_argv0, EXEC_FLAG, &rep, sizeof(rep), why, sizeof(why)) || !rep.done;
	t1 = read_sys(CLOCK_MONOTONIC, &rc1);
	if (failed) {
		case_result_set(r, CASE_R_FAIL, "%s", why);
		return;
	}
	if (!rep.mono_rc && !rc0 && !rc1 && (rep.mono < t0 || rep.mono > t1)) {
		case_result_set(r, CASE_R_FAIL,
				"the exec'd child's syscall CLOCK_MONOTONIC %s s is outside its parent's [%s, %s]: "
				"it is not in the parent's time namespace",
				timens_fmt_ns(rep.mono, b_s, sizeof(b_s)), timens_fmt_ns(t0, a_s, sizeof(a_s)),
				timens_fmt_ns(t1, c_s, sizeof(c_s)));
		return;
	}
	*r = rep.r;
}

static void *thread_main(void *arg)
{
	timens_bracket_all(vdso_cgt, arg, "in a new thread");
	return NULL;
}

static void check_thread(struct shared *sh)
{
	struct case_result r;
	pthread_t t;
	int rc;

	memset(&r, 0, sizeof(r));
	rc = pthread_create(&t, NULL, thread_main, &r);
	if (rc) {
		case_result_set(&sh->r[P_THREAD], CASE_R_FAIL, "pthread_create: %s", strerror(rc));
		return;
	}
	pthread_join(t, NULL);
	sh->r[P_THREAD] = r;
}

/* In a further child (seccomp is irreversible): the vDSO's MONOTONIC and
 * BOOTTIME under a filter that traps every time system call. */
static void check_fastpath(struct shared *sh)
{
	struct case_result *r = &sh->r[P_FASTPATH];
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
		case_result_set(r, CASE_R_FAIL, "fork: %s", strerror(errno));
		return;
	}
	case_wait(pid, how, sizeof(how));
	if (!sh->fp.done) {
		case_result_set(r, CASE_R_FAIL, "the child under the seccomp filter %s before reporting", how);
		return;
	}
	if (sh->fp.rc) {
		case_result_set(r, CASE_R_SKIP, "cannot install the seccomp trap filter: %s", strerror(-sh->fp.rc));
		return;
	}
	if (!sh->fp.traps && !sh->fp.bad) {
		snprintf(r->diag, sizeof(r->diag),
			 "%d vDSO calls each of CLOCK_MONOTONIC and CLOCK_BOOTTIME in the namespace under a filter "
			 "trapping every time syscall: 0 traps", FAST_CALLS);
		r->status = CASE_R_PASS;
		return;
	}
	if (!sh->fp.traps) {
		case_result_set(r, CASE_R_FAIL, "%u of %d vDSO calls returned an error in the namespace, without a system call",
			sh->fp.bad, 2 * FAST_CALLS);
		return;
	}
	if (!clocksource_has_vdso_mode(why, sizeof(why))) {
		case_result_set(r, CASE_R_XFAIL, "%s: the vDSO falls back to the system call (%u traps in %d calls)", why,
			sh->fp.traps, 2 * FAST_CALLS);
		return;
	}
	case_result_set(r, CASE_R_FAIL,
		"%u of %d vDSO calls of CLOCK_MONOTONIC/CLOCK_BOOTTIME in the namespace entered the kernel "
		"(last syscall nr %ld) although the clocksource has a vDSO mode: the namespace path falls back "
		"to the system call (fatal under seccomp sandboxes, zathura#368)",
		sh->fp.traps, 2 * FAST_CALLS, sh->fp.last_nr);
}

static void grandchild(struct shared *sh)
{
	snapshot(sh);	/* first: the helper's two host readings bracket it */
	for (int i = 0; i < TIMENS_NCLOCKS; i++)
		timens_bracket_clock(vdso_cgt, timens_clocks[i], &sh->r[i]);
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

/* host before + offset <= namespace reading <= host after + offset */
static void judge_brackets(struct case_result *r, const struct reading *g, const clockid_t *ids, int n,
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
			case_result_set(r, CASE_R_FAIL, "the clock_gettime syscall failed for %s: host %d/%d, namespace %d",
				cname(ids[i]), pre[i].sys_rc, post[i].sys_rc, g[i].sys_rc);
			return;
		}
		for (int k = 0; k < 2; k++) {
			int64_t v = k ? g[i].vdso : g[i].sys;

			if (k && g[i].vdso_rc) {
				case_result_set(r, CASE_R_FAIL, "the vDSO returned %d for %s in the namespace, the syscall 0",
					g[i].vdso_rc, cname(ids[i]));
				return;
			}
			if (v < lo || v > hi) {
				char exp[96];

				if (off[i])
					snprintf(exp, sizeof(exp), "plus the %s offset %s s", what,
						 timens_fmt_ns(off[i], o_s, sizeof(o_s)));
				else
					snprintf(exp, sizeof(exp), "unshifted (%s)", what);
				case_result_set(r, CASE_R_FAIL,
					"%s read in the namespace by the %s: %s s; expected the host's readings before "
					"and after, %s: [%s, %s]; %s s off",
					cname(ids[i]), k ? "vDSO" : "syscall", timens_fmt_ns(v, v_s, sizeof(v_s)), exp,
					timens_fmt_ns(lo, l_s, sizeof(l_s)), timens_fmt_ns(hi, h_s, sizeof(h_s)),
					timens_fmt_ns(v < lo ? v - lo : v - hi, d_s, sizeof(d_s)));
				return;
			}
		}
		if (hi - lo > widest)
			widest = hi - lo;
		checked++;
	}
	if (!checked) {
		case_result_set(r, CASE_R_SKIP, "every clock's syscall says EINVAL");
		return;
	}
	snprintf(r->diag, sizeof(r->diag),
		 "%d clocks, syscall and vDSO readings in the namespace against the host's syscall readings "
		 "before the namespace's first process and after it reported, %s (exact: tolerance 0 ns; "
		 "widest bracket %" PRId64 " ns)",
		 checked, off_what, widest);
	r->status = CASE_R_PASS;
}

static void host_read(struct reading *ns, struct reading *rt)
{
	for (int i = 0; i < TIMENS_NCLOCKS; i++)
		ns[i].sys = read_sys(timens_clocks[i], &ns[i].sys_rc);
	for (int i = 0; i < NRT; i++)
		rt[i].sys = read_sys(rt_clocks[i], &rt[i].sys_rc);
}

static void helper(int sc, struct shared *sh)
{
	struct reading pre_ns[TIMENS_NCLOCKS], pre_rt[NRT], post_ns[TIMENS_NCLOCKS], post_rt[NRT];
	int64_t offs[TIMENS_NCLOCKS], zero[NRT] = { 0, 0, 0 };
	int watch, set;
	pid_t pid;

	alarm(20);	/* a hang becomes "not reported", not a stuck run */
	choose_offsets(sc, sh->off);
	switch (timens_enter(sh->off, sh->setup, sizeof(sh->setup))) {
	case TIMENS_SKIP:
		sh->setup_status = CASE_R_SKIP;
		_exit(0);
	case TIMENS_FAIL:
		sh->setup_status = CASE_R_FAIL;
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
		sh->setup_status = CASE_R_FAIL;
		snprintf(sh->setup, sizeof(sh->setup), "fork into the namespace: %s", strerror(errno));
		_exit(0);
	}
	case_wait(pid, sh->grandchild, sizeof(sh->grandchild));
	host_read(post_ns, post_rt);
	set = clockset_fired(watch);
	clockset_close(watch);
	if (!sh->snapped) {
		case_result_set(&sh->r[P_OFFSET], CASE_R_FAIL, "the namespace's first process %s before reading its clocks",
			sh->grandchild);
		sh->r[P_REALTIME] = sh->r[P_OFFSET];
		_exit(0);
	}
	for (int i = 0; i < TIMENS_NCLOCKS; i++)
		offs[i] = sh->off[TIMENS_IS_BOOT(i)];
	judge_brackets(&sh->r[P_OFFSET], sh->ns, timens_clocks, TIMENS_NCLOCKS, pre_ns, post_ns, offs,
		       "namespace's", "plus the namespace's monotonic or boottime offset");
	if (set)
		case_result_set(&sh->r[P_REALTIME], CASE_R_SKIP, "CLOCK_REALTIME was set during the check (a timerfd with "
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
		case_result_set(&rep.r, CASE_R_FAIL, "after vfork+execve: reopening the target: %s", why);
	else if (!(fn = (vdso_clock_gettime_t)case_fn(&ctx, "clock_gettime")))
		case_result_set(&rep.r, CASE_R_FAIL, "after vfork+execve: the target exports no clock_gettime");
	else
		timens_bracket_all(fn, &rep.r, "after vfork+execve, the vDSO reopened with libvdso");
	rep.mono = read_sys(CLOCK_MONOTONIC, &rep.mono_rc);
	rep.done = 1;
	case_write_full(fd, &rep, sizeof(rep));
	return 0;
}

/* --- the case ----------------------------------------------------------------- */

/* what became of each scenario's helper */
static struct outcome {
	struct shared *sh;
	char how[96];
} outcomes[NSCEN];

static void report(const void *arg)
{
	const struct scenario *s = arg;
	const struct shared *sh = outcomes[s - scenarios].sh;
	const char *helper_how = outcomes[s - scenarios].how;
	char parent[64], a_s[32], b_s[32];

	snprintf(parent, sizeof(parent), "timens.%s", s->name);
	case_diag("%s: %s", parent, s->what);
	if (sh->setup_status == CASE_R_NONE)
		case_diag("offsets written: monotonic %s s, boottime %s s", timens_fmt_ns(sh->off[0], a_s, sizeof(a_s)),
			  timens_fmt_ns(sh->off[1], b_s, sizeof(b_s)));
	for (int i = 0; i < NPTS; i++) {
		const struct case_result *r = &sh->r[i];

		if (!case_point("%s.%s", parent, i < TIMENS_NCLOCKS ? cname(timens_clocks[i]) : pt_names[i]))
			continue;
		if (sh->setup_status == CASE_R_SKIP) {
			case_skip("%s", sh->setup);
			continue;
		}
		if (sh->setup_status != CASE_R_NONE) {
			case_fail("setting up the namespace failed: %s", sh->setup);
			continue;
		}
		if (!case_result_report(r))
			case_fail("not reported: the helper %s, the namespace's first process %s", helper_how,
				  sh->grandchild[0] ? sh->grandchild : "never ran or was not waited for");
	}
}

/* Every scenario runs here, in its helper; the points report them. */
static void setup(struct case_ctx *ctx)
{
	vdso_cgt = (vdso_clock_gettime_t)case_fn(ctx, "clock_gettime");
	self_argv0 = ctx->argv0;
	/* Read every clock once through the target here, outside any
	 * namespace: a vDSO (or library) that caches a base on first use
	 * takes it now, as one loaded before unshare() would. */
	for (int i = 0; i < TIMENS_NCLOCKS; i++) {
		struct timespec t;

		vdso_cgt(timens_clocks[i], &t);
	}
	for (size_t sc = 0; sc < NSCEN; sc++) {
		struct shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		char *how = outcomes[sc].how;
		pid_t pid;

		if (sh == MAP_FAILED)
			ksft_exit_fail_msg("mmap of the shared result page: %s\n", strerror(errno));
		memset(sh, 0, sizeof(*sh));
		snprintf(how, sizeof(outcomes[sc].how), "did not start");
		fflush(NULL);
		pid = fork();
		if (pid == 0) {
			helper((int)sc, sh);
			_exit(0);
		}
		if (pid > 0)
			case_wait(pid, how, sizeof(outcomes[sc].how));
		else
			snprintf(how, sizeof(outcomes[sc].how), "could not be forked: %s", strerror(errno));
		outcomes[sc].sh = sh;
	}
}

static void run(struct case_ctx *ctx)
{
	char parent[64];

	(void)ctx;
	for (size_t sc = 0; sc < NSCEN; sc++) {
		snprintf(parent, sizeof(parent), "timens.%s", scenarios[sc].name);
		case_sub(parent, report, &scenarios[sc]);
	}
}

static const struct case_spec spec = {
	.name = "timens",
	.needs = CASE_NEED_VDSO | CASE_NEED_TIMENS,
	.min_kernel = VDSO_KV(5, 6, 0),
	.roles = (const char *const[]){ "clock_gettime", NULL },
	.setup = setup,
	.run = run,
};

CASE_MAIN_REEXEC(spec, EXEC_FLAG, exec_child)
