/* SPDX-License-Identifier: MIT */
/*
 * timens_setns: a process that changes time namespace (5.6+; the kernel's
 * selftests/timens timens.c, exec.c and vfork_exec.c do the same).
 *
 * unshare(CLONE_NEWTIME) makes a namespace for the caller's children only:
 * the caller itself keeps the host's clocks until it execs, its forked
 * children are in the new namespace, and so is a program it vfork+execs
 * (execve moves the process into time_for_children).  setns() moves the
 * (single-threaded) caller itself: the kernel zaps its vvar mapping, which
 * faults in again as the new namespace's data page, so the vDSO of the
 * same process must switch offsets at once, both ways.
 *
 *   case process ── helper: fork the witness (stays in the host namespace)
 *                     unshare P, offsets p (through a user namespace when
 *                     unprivileged); fork, vfork+exec into P
 *                     unshare C, offsets c
 *                     rounds of: setns(C), setns(P), setns(C), setns(host)
 *
 * Every check is a chain of readings of one clock, each by the syscall or
 * the vDSO in a known namespace, or by the witness, a process that never
 * leaves the host namespace and reads the clock when asked through a pipe.
 * Each reading minus its namespace's offset is host time, and host time
 * read in that order cannot go back: tolerance 0 ns.  A vDSO that keeps a
 * stale offset, applies it twice or drops it breaks the chain by the
 * offset's size; one that disagrees with the syscall of its own namespace
 * breaks it between its two syscall neighbours.
 *
 * setns() into the host's namespace needs CAP_SYS_ADMIN in the initial
 * user namespace: unprivileged, the leave points skip naming that rule,
 * and enter runs once (there is no way back); the switches between P and
 * C, both owned by the case's own user namespace, run in every round.
 *
 * The helper reports through a MAP_SHARED page; only it and its children
 * change namespace, and everything ends with it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "case/case.h"
#include "case/clock.h"
#include "case/child.h"
#include "case/result.h"
#include "case/timens.h"
#include "case/timens_witness.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define NSEC ((int64_t)1000000000)
#define DAY (86400 * NSEC)
#define ROUNDS 8	/* round trips; each is a handful of setns() */
#define EXEC_FLAG "--timens-setns-exec-child"
#define NCL TIMENS_NCLOCKS

/* the namespaces a reading is made in */
enum { NS_HOST, NS_P, NS_C, NNS };
static const char *const ns_names[NNS] = { "the host namespace", "namespace P", "namespace C" };

enum { U_STAYS, U_FORK, U_EXEC, U_AFTER, NUNSHARE };
static const char *const unshare_names[NUNSHARE] = { "stays", "fork", "vfork_exec", "after_exec" };
enum { S_ENTER, S_SWITCH, S_LEAVE, NSETNS };
static const char *const setns_names[NSETNS] = { "enter", "switch", "leave" };
#define NPTS (NUNSHARE + NSETNS * NCL)

/* one clock read by the syscall, the vDSO, the syscall */
struct seg {
	int rc[3];
	int64_t v[3];
};

struct shared {
	struct case_result r[NPTS];
	int setup_status;	/* CASE_R_NONE: the namespaces were made */
	char setup[400];
	int64_t off[NNS][2];	/* monotonic, boottime (ns) */
	int rounds[NSETNS];
	struct {
		int done;
		struct seg s[NCL];
	} forked;
	char how[96];		/* how the helper ended */
};

struct exec_report {
	int done, opened;
	char why[256];
	struct seg s[NCL];
};

static vdso_clock_gettime_t vdso_cgt;
static const char *self_argv0;
static uint32_t running_kernel;	/* VDSO_KV() of uname -r */
static struct shared *sh;

static const char *cname(clockid_t id)
{
	static char buf[32];

	return clock_name(id, buf, sizeof(buf));
}

static void read_seg(vdso_clock_gettime_t fn, struct seg *s)
{
	for (int i = 0; i < NCL; i++) {
		struct timespec t[3] = { { 0, 0 }, { 0, 0 }, { 0, 0 } };

		s[i].rc[0] = sys_clock_gettime(timens_clocks[i], &t[0]);
		s[i].rc[1] = fn ? fn(timens_clocks[i], &t[1]) : -ENOSYS;
		s[i].rc[2] = sys_clock_gettime(timens_clocks[i], &t[2]);
		for (int k = 0; k < 3; k++)
			s[i].v[k] = ts_ns(&t[k]);
	}
}

/* --- chains ------------------------------------------------------------------- */

static const char *const who_names[NNS][2] = {
	{ "the syscall in the host namespace", "the vDSO in the host namespace" },
	{ "the syscall in namespace P", "the vDSO in namespace P" },
	{ "the syscall in namespace C", "the vDSO in namespace C" },
};

/* syscall, vDSO, syscall; or only the syscalls (sys_only): a namespace
 * the point's process leaves is judged by the point that entered it */
static void add_seg(struct chain *c, const struct seg *s, int i, int ns, int64_t off, int sys_only)
{
	for (int k = 0; k < 3 && c->n < MAXLINKS; k++)
		if (k != 1 || !sys_only)
			c->l[c->n++] = (struct link){ s[i].rc[k], k == 1, s[i].v[k], off, who_names[ns][k == 1] };
}

static int64_t offset_of(int ns, int i)
{
	return sh->off[ns][TIMENS_IS_BOOT(i)];
}

/* --- unshare: the caller stays, its children go ------------------------------- */

/* witness, segment read in ns, witness: for every clock into r */
static void judge_bracketed(struct case_result *r, const struct wread *w0, const struct seg *s, int ns,
			    const struct wread *w1, const char *what)
{
	int64_t widest = 0;
	int passed = 0;
	char skipped[160] = "";

	memset(r, 0, sizeof(*r));
	for (int i = 0; i < NCL; i++) {
		struct case_result one;
		struct chain c = { 0 };

		memset(&one, 0, sizeof(one));
		witness_chain_add(&c, w0, i);
		add_seg(&c, s, i, ns, offset_of(ns, i), 0);
		witness_chain_add(&c, w1, i);
		witness_chain_judge(&one, &c, i, &widest);
		if (one.status == CASE_R_FAIL) {
			case_result_set(r, CASE_R_FAIL, "%s: %s", what, one.msg);
			return;
		}
		if (one.status == CASE_R_SKIP) {
			size_t n = strlen(skipped);

			snprintf(skipped + n, sizeof(skipped) - n, "%s%s", n ? ", " : "", cname(timens_clocks[i]));
		} else {
			passed++;
		}
	}
	if (!passed) {
		case_result_set(r, CASE_R_SKIP, "%s: every clock's syscall says EINVAL", what);
		return;
	}
	snprintf(r->diag, sizeof(r->diag),
		 "%s: %d clocks, syscall, vDSO, syscall between two readings of the witness in the host, "
		 "each minus %s's offsets (exact: tolerance 0 ns; widest %" PRId64 " ns)%s%s",
		 what, passed, ns_names[ns], widest, *skipped ? "; EINVAL from the syscall, skipped: " : "", skipped);
	r->status = CASE_R_PASS;
}

/*
 * Before 6.2, copy_process() (kernel/fork.c) refused any CLONE_VM clone,
 * vfork included, while time_ns differs from time_ns_for_children: EINVAL
 * was that kernel's answer, and the vDSO is never reached.  6.2 ("fs/exec:
 * switch timens when a task gets a new mm") lets vfork through and moves
 * the child at execve; from then on EINVAL is a failure.
 */
static void vfork_exec_failed(const char *why)
{
	if (errno == EINVAL && !strncmp(why, "vfork:", 6) && running_kernel < VDSO_KV(6, 2, 0)) {
		case_result_set(&sh->r[U_EXEC], CASE_R_SKIP,
				"vfork after unshare(CLONE_NEWTIME) is refused with EINVAL before Linux 6.2 "
				"(kernel/fork.c copy_process); this kernel is %u.%u", running_kernel >> 16,
				(running_kernel >> 8) & 0xff);
		return;
	}
	case_result_set(&sh->r[U_EXEC], CASE_R_FAIL, "after vfork+execve: %s", why);
}

static int check_unshare(const struct witness *w)
{
	struct exec_report *rep;
	struct wread w0, w1;
	struct seg s[NCL];
	char why[320], how[96];
	pid_t pid;

	/* the caller keeps the host's clocks */
	if (witness_read(w, &w0))
		return -1;
	read_seg(vdso_cgt, s);
	if (witness_read(w, &w1))
		return -1;
	judge_bracketed(&sh->r[U_STAYS], &w0, s, NS_HOST, &w1, "the process that called unshare(CLONE_NEWTIME)");

	/* its forked child is in P */
	if (witness_read(w, &w0))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		read_seg(vdso_cgt, sh->forked.s);
		sh->forked.done = 1;
		_exit(0);
	}
	if (pid < 0) {
		case_result_set(&sh->r[U_FORK], CASE_R_FAIL, "fork: %s", strerror(errno));
	} else {
		case_wait(pid, how, sizeof(how));
		if (witness_read(w, &w1))
			return -1;
		if (!sh->forked.done)
			case_result_set(&sh->r[U_FORK], CASE_R_FAIL, "the forked child %s before reporting", how);
		else
			judge_bracketed(&sh->r[U_FORK], &w0, sh->forked.s, NS_P, &w1, "its forked child");
	}

	/* a program it vfork+execs is in P */
	rep = mmap(NULL, sizeof(*rep), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (rep == MAP_FAILED) {
		case_result_set(&sh->r[U_EXEC], CASE_R_FAIL, "mmap: %s", strerror(errno));
	} else {
		memset(rep, 0, sizeof(*rep));
		if (witness_read(w, &w0))
			return -1;
		errno = 0;
		if (case_reexec(self_argv0, EXEC_FLAG, rep, sizeof(*rep), why, sizeof(why)) || !rep->done)
			vfork_exec_failed(why);
		else if (!rep->opened)
			case_result_set(&sh->r[U_EXEC], CASE_R_FAIL, "after vfork+execve: %s", rep->why);
		else if (witness_read(w, &w1))
			return -1;
		else
			judge_bracketed(&sh->r[U_EXEC], &w0, rep->s, NS_P, &w1,
					"its vfork+execve'd child, the target reopened");
		munmap(rep, sizeof(*rep));
	}

	/* and the caller still keeps the host's clocks (vfork_exec.c's "parent after vfork") */
	if (witness_read(w, &w0))
		return -1;
	read_seg(vdso_cgt, s);
	if (witness_read(w, &w1))
		return -1;
	judge_bracketed(&sh->r[U_AFTER], &w0, s, NS_HOST, &w1, "the caller of unshare, after its child's execve");
	return 0;
}

/* --- setns: the same process, both ways ----------------------------------------- */

struct setns_state {
	int fd[NNS];
	int where;		/* the namespace the helper is in */
	int leave_errno;	/* setns() into the host failed with this */
	struct case_result r[NSETNS][NCL];
	int64_t widest[NSETNS][NCL];
};

static int go(struct setns_state *st, int ns, char *why, size_t len)
{
	if (setns(st->fd[ns], CLONE_NEWTIME)) {
		int e = errno;

		snprintf(why, len, "setns(fd of %s, CLONE_NEWTIME): %s", ns_names[ns], strerror(e));
		errno = e;
		return -1;
	}
	st->where = ns;
	return 0;
}

/* Chains of every clock: witness, then for each namespace in path[] a
 * setns() into it (none for the first) and a segment read there (of the
 * first, where the process starts, the syscalls only), then the witness;
 * judged into point kind. */
static int chain_through(struct setns_state *st, const struct witness *w, int kind, const int *path, int n,
			 char *why, size_t len)
{
	struct seg segs[4][NCL];
	struct wread w0, w1;

	if (witness_read(w, &w0))
		goto mute;
	for (int k = 0; k < n; k++) {
		if (k && go(st, path[k], why, len))
			return -1;
		read_seg(vdso_cgt, segs[k]);
	}
	if (witness_read(w, &w1))
		goto mute;
	for (int i = 0; i < NCL; i++) {
		struct chain c = { 0 };

		witness_chain_add(&c, &w0, i);
		for (int k = 0; k < n; k++)
			add_seg(&c, segs[k], i, path[k], offset_of(path[k], i), k == 0);
		witness_chain_add(&c, &w1, i);
		witness_chain_judge(&st->r[kind][i], &c, i, &st->widest[kind][i]);
	}
	sh->rounds[kind]++;
	return 0;
mute:
	snprintf(why, len, "the witness stopped answering");
	errno = EPIPE;
	return -1;
}

static int check_setns(struct setns_state *st, const struct witness *w, char *why, size_t len)
{
	static const int enter[] = { NS_HOST, NS_C }, sw[] = { NS_C, NS_P, NS_C }, leave[] = { NS_C, NS_HOST };

	for (int round = 0; round < ROUNDS; round++) {
		if (st->where == NS_HOST && chain_through(st, w, S_ENTER, enter, 2, why, len))
			return -1;
		if (chain_through(st, w, S_SWITCH, sw, 3, why, len))
			return -1;
		if (st->leave_errno)
			continue;
		if (chain_through(st, w, S_LEAVE, leave, 2, why, len)) {
			/* only the kernel's capability rule may stop it */
			if (errno != EPERM)
				return -1;
			st->leave_errno = errno;
		}
	}
	return 0;
}

/* --- the helper ------------------------------------------------------------------ */

static void choose_offsets(void)
{
	struct timespec m = { 0, 0 }, b = { 0, 0 };

	sys_clock_gettime(CLOCK_MONOTONIC, &m);
	sys_clock_gettime(CLOCK_BOOTTIME, &b);
	/* both signs, nonzero nanoseconds, and each clock's offset differing
	 * between P and C; negatives are kept above 0 (the kernel's rule) */
	sh->off[NS_P][0] = DAY + 123456789;
	sh->off[NS_P][1] = -(ts_ns(&b) / 2);
	sh->off[NS_C][0] = -(ts_ns(&m) / 2);
	sh->off[NS_C][1] = 10 * DAY + 444444444;
}

static int open_ns(const char *path, char *why, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		snprintf(why, len, "open %s: %s", path, strerror(errno));
	return fd;
}

static void helper(void)
{
	struct setns_state *st;
	struct witness w;
	char why[400];
	int rc;

	alarm(60);	/* a hang becomes "not reported", not a stuck run */
	st = calloc(1, sizeof(*st));
	if (!st || witness_start(&w)) {
		sh->setup_status = CASE_R_FAIL;
		snprintf(sh->setup, sizeof(sh->setup), "starting the witness: %s", strerror(errno));
		_exit(0);
	}
	choose_offsets();
	/* P: through a user namespace when unprivileged; the helper still
	 * reads the host's clocks (checked by unshare.stays) */
	rc = timens_enter(sh->off[NS_P], sh->setup, sizeof(sh->setup));
	if (rc != TIMENS_OK) {
		sh->setup_status = rc == TIMENS_SKIP ? CASE_R_SKIP : CASE_R_FAIL;
		witness_stop(&w);
		_exit(0);
	}
	if ((st->fd[NS_HOST] = open_ns("/proc/self/ns/time", why, sizeof(why))) < 0 ||
	    (st->fd[NS_P] = open_ns("/proc/self/ns/time_for_children", why, sizeof(why))) < 0)
		goto fail;
	if (check_unshare(&w)) {
		snprintf(why, sizeof(why), "the witness stopped answering");
		goto fail;
	}
	/* C: a second namespace for the children, cloned from P, offsets c */
	rc = timens_enter(sh->off[NS_C], why, sizeof(why));
	if (rc != TIMENS_OK)
		goto fail;
	if ((st->fd[NS_C] = open_ns("/proc/self/ns/time_for_children", why, sizeof(why))) < 0)
		goto fail;
	st->where = NS_HOST;
	if (check_setns(st, &w, why, sizeof(why)))
		goto fail;
	for (int k = 0; k < NSETNS; k++)
		for (int i = 0; i < NCL; i++) {
			struct case_result *r = &sh->r[NUNSHARE + k * NCL + i];

			if (k == S_LEAVE && st->leave_errno) {
				case_result_set(r, CASE_R_SKIP, "setns() into the host's time namespace fails with EPERM: the "
					"kernel allows it only with CAP_SYS_ADMIN in the initial user namespace, which owns "
					"that namespace (timens_install()), and this process has it only in its own user "
					"namespace");
				continue;
			}
			*r = st->r[k][i];
			if (r->status == CASE_R_PASS)
				snprintf(r->diag, sizeof(r->diag),
					 "%d round(s) of %s, syscall, vDSO, syscall in each namespace entered between two readings of "
					 "the witness in the host, each minus its namespace's offset (exact: tolerance 0 ns; "
					 "widest %" PRId64 " ns)", sh->rounds[k],
					 k == S_ENTER ? "host -> setns(C)" : k == S_SWITCH ? "C -> setns(P) -> setns(C)" :
					 "C -> setns(host)", st->widest[k][i]);
		}
	witness_stop(&w);
	_exit(0);
fail:
	for (int p = 0; p < NPTS; p++)
		if (sh->r[p].status == CASE_R_NONE)
			case_result_set(&sh->r[p], CASE_R_FAIL, "%s", why);
	witness_stop(&w);
	_exit(0);
}

/* --- the exec'd child --------------------------------------------------------------- */

static int exec_child(char **argv)
{
	static struct case_ctx ctx;
	struct exec_report rep;
	vdso_clock_gettime_t fn = NULL;
	char why[512];
	int fd = atoi(argv[2]);

	alarm(10);
	/* stdout is the parent's KTAP stream: nothing of ours belongs there */
	if (freopen("/dev/null", "w", stdout) == NULL)
		fclose(stdout);
	memset(&rep, 0, sizeof(rep));
	if (case_target_open(&ctx, argv[0], why, sizeof(why)) != CASE_TARGET_OK)
		snprintf(rep.why, sizeof(rep.why), "reopening the target: %.200s", why);
	else if (!(fn = (vdso_clock_gettime_t)case_fn(&ctx, "clock_gettime")))
		snprintf(rep.why, sizeof(rep.why), "the target exports no clock_gettime");
	else
		rep.opened = 1;
	if (fn)
		read_seg(fn, rep.s);
	rep.done = 1;
	case_write_full(fd, &rep, sizeof(rep));
	return 0;
}

/* --- the case ------------------------------------------------------------------------ */

static void setup(struct case_ctx *ctx)
{
	pid_t pid;

	vdso_cgt = (vdso_clock_gettime_t)case_fn(ctx, "clock_gettime");
	self_argv0 = ctx->argv0;
	running_kernel = ctx->kernel;
	/* a first call outside any namespace: a vDSO (or library) that keeps
	 * what it saw first takes it now */
	for (int i = 0; i < NCL; i++) {
		struct timespec t;

		vdso_cgt(timens_clocks[i], &t);
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		ksft_exit_fail_msg("mmap of the shared result page: %s\n", strerror(errno));
	memset(sh, 0, sizeof(*sh));
	snprintf(sh->how, sizeof(sh->how), "did not start");
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		helper();
		_exit(0);
	}
	if (pid > 0)
		case_wait(pid, sh->how, sizeof(sh->how));
	else
		snprintf(sh->how, sizeof(sh->how), "could not be forked: %s", strerror(errno));
}

static void report(int p)
{
	const struct case_result *r = &sh->r[p];

	if (sh->setup_status == CASE_R_SKIP) {
		case_skip("%s", sh->setup);
		return;
	}
	if (sh->setup_status != CASE_R_NONE) {
		case_fail("setting up the namespaces failed: %s", sh->setup);
		return;
	}
	if (!case_result_report(r))
		case_fail("not reported: the helper %s", sh->how);
}

static void run(struct case_ctx *ctx)
{
	char a_s[32], b_s[32], c_s[32], d_s[32];

	(void)ctx;
	if (!case_counting() && sh->setup_status == CASE_R_NONE)
		case_diag("offsets (monotonic, boottime): P %s s, %s s; C %s s, %s s",
			  timens_fmt_ns(sh->off[NS_P][0], a_s, sizeof(a_s)), timens_fmt_ns(sh->off[NS_P][1], b_s, sizeof(b_s)),
			  timens_fmt_ns(sh->off[NS_C][0], c_s, sizeof(c_s)), timens_fmt_ns(sh->off[NS_C][1], d_s, sizeof(d_s)));
	for (int u = 0; u < NUNSHARE; u++)
		if (case_point("timens.unshare.%s", unshare_names[u]))
			report(u);
	for (int k = 0; k < NSETNS; k++)
		for (int i = 0; i < NCL; i++)
			if (case_point("timens.setns.%s.%s", setns_names[k], cname(timens_clocks[i])))
				report(NUNSHARE + k * NCL + i);
}

static const struct case_spec spec = {
	.name = "timens_setns",
	.needs = CASE_NEED_VDSO | CASE_NEED_TIMENS,
	.min_kernel = VDSO_KV(5, 6, 0),
	.roles = (const char *const[]){ "clock_gettime", NULL },
	.setup = setup,
	.run = run,
};

CASE_MAIN_REEXEC(spec, EXEC_FLAG, exec_child)
