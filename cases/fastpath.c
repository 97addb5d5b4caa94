/* SPDX-License-Identifier: MIT */
/* fastpath: the vDSO answers without a system call.  For each vDSO
 * function a forked child puts every time-related system call (and
 * getrandom) behind a seccomp filter that answers it with SIGSYS and counts
 * it, then calls the function (for every clock the syscall accepts) and
 * reports through shared memory; the parent judges the counts.  The high-resolution
 * clocks and gettimeofday need a clocksource with a vDSO mode (else they
 * fall back, an expected failure naming the clocksource: the field bug of
 * zathura#368, sandboxes killed for a syscall they did not expect); the
 * coarse clocks, time, getcpu, clock_getres and getrandom never need the
 * kernel; the CPU-time and alarm clocks always do, and a vDSO that answers
 * them by itself answers something the kernel never told it. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "case/case.h"
#include "case/clock.h"
#include "case/clocksource.h"

/* The child makes a few dozen calls of under a microsecond each; this
 * only bounds a hang (a fake's bug, a broken filter). */
#define CHILD_TIMEOUT_S 5

/* getrandom's vDSO state: the layout of struct vgetrandom_opaque_params
 * (include/uapi/linux/random.h, 6.11). */
struct vgetrandom_params {
	uint32_t size_of_opaque_state;
	uint32_t mmap_prot;
	uint32_t mmap_flags;
	uint32_t reserved[13];
};
#define RANDOM_BYTES 32

/* One forked child per function, so that a function that crashes takes
 * only its own points with it. */
enum group { G_GETTIME, G_GETTIME64, G_GETRES, G_GTOD, G_TIME, G_GETCPU, G_RANDOM, NGROUPS };
static const char *const group_roles[NGROUPS] = { "clock_gettime", "clock_gettime64", "clock_getres", "gettimeofday",
						   "time", "getcpu", "getrandom" };
#define IS_CLOCK_GROUP(g) ((g) <= G_GETRES)

struct call {
	int called;		/* set before the call */
	int returned;		/* set after it */
	int64_t ret;
	unsigned traps;		/* SIGSYS taken during the call */
	long nr;		/* the last trapped system call */
};

/* What one child reports (MAP_SHARED, one per group). */
struct shared {
	int filter_rc;		/* case_seccomp_trap_time(): 0 or -errno */
	int filter_done;
	int probed;
	unsigned probe_traps;	/* a raw syscall under the filter: must trap */
	struct call calls[12];	/* by clock id; [0] for the other functions */
	int random_setup;	/* 0 ok, else -errno or -1, with random_why */
#define RANDOM_PREPARING (-4096)
	char random_why[160];
};
static struct shared *shm;	/* [NGROUPS] */

/* The target's functions; NULL where it exports none. */
static void *fns[NGROUPS];
/* What the syscall says for each clock id (0: a clock here), decided
 * before forking. */
static long sysret[G_GETRES + 1][12];

#define RECORD(c, expr)                                          \
	do {                                                     \
		unsigned before_ = case_traps.count;             \
		(c)->called = 1;                                 \
		__asm__ volatile("" ::: "memory");               \
		(c)->ret = (int64_t)(expr);                      \
		__asm__ volatile("" ::: "memory");               \
		(c)->traps = case_traps.count - before_;         \
		(c)->nr = case_traps.last_nr;                    \
		(c)->returned = 1;                               \
	} while (0)

/* Query the state parameters, map one state and draw once, so that the
 * state holds a key: the first call on a fresh state fetches it with the
 * getrandom syscall, which must happen before the filter. */
static void *random_prepare(struct shared *s, size_t *state_len)
{
	vdso_getrandom_t gr = (vdso_getrandom_t)fns[G_RANDOM];
	struct vgetrandom_params p;
	unsigned char buf[RANDOM_BYTES];
	void *state;
	ssize_t r;

	s->random_setup = RANDOM_PREPARING;	/* until it is done */
	memset(&p, 0, sizeof(p));
	r = gr(NULL, 0, 0, &p, ~0UL);
	if (r != 0) {
		s->random_setup = -1;
		snprintf(s->random_why, sizeof(s->random_why),
			 "getrandom(NULL, 0, 0, &params, ~0UL) returned %lld, not 0", (long long)r);
		return NULL;
	}
	state = mmap(NULL, p.size_of_opaque_state, (int)p.mmap_prot, (int)p.mmap_flags, -1, 0);
	if (state == MAP_FAILED) {
		s->random_setup = -errno;
		snprintf(s->random_why, sizeof(s->random_why), "mmap of a %u-byte state (prot %#x, flags %#x): %s",
			 p.size_of_opaque_state, p.mmap_prot, p.mmap_flags, strerror(errno));
		return NULL;
	}
	r = gr(buf, sizeof(buf), 0, state, p.size_of_opaque_state);
	if (r != (ssize_t)sizeof(buf)) {
		s->random_setup = -1;
		snprintf(s->random_why, sizeof(s->random_why), "seeding call returned %lld, not %u", (long long)r,
			 RANDOM_BYTES);
		return NULL;
	}
	*state_len = p.size_of_opaque_state;
	s->random_setup = 0;
	return state;
}

/* The child of group g: install the filter, make the calls, then prove
 * the filter traps.  Nothing after the filter may use libc's time
 * functions. */
static void child(enum group g)
{
	struct shared *s = &shm[g];
	unsigned char buf[RANDOM_BYTES];
	size_t state_len = 0;
	void *state = NULL, *f = fns[g];
	struct timespec ts[2];	/* room for a 64-bit timespec on 32-bit */
	struct timeval tv;
	struct timezone tz;
	unsigned cpu, node, before;
	time_t t;

	alarm(CHILD_TIMEOUT_S);
	if (g == G_RANDOM && !(state = random_prepare(s, &state_len)))
		_exit(0);
	s->filter_rc = case_seccomp_trap_time();
	s->filter_done = 1;
	if (s->filter_rc)
		_exit(0);
	switch (g) {
	case G_GETTIME:
	case G_GETTIME64:
	case G_GETRES:
		for (clockid_t id = 0; id < 12; id++)
			if (sysret[g][id] == 0)
				RECORD(&s->calls[id], ((int (*)(clockid_t, void *))f)(id, ts));
		break;
	case G_GTOD:
		RECORD(&s->calls[0], ((vdso_gettimeofday_t)f)(&tv, &tz));
		break;
	case G_TIME:
		RECORD(&s->calls[0], ((vdso_time_t)f)(&t));
		break;
	case G_GETCPU:
		RECORD(&s->calls[0], ((vdso_getcpu_t)f)(&cpu, &node, NULL));
		break;
	case G_RANDOM:
		/* right after the filter: the seeding call was microseconds ago */
		RECORD(&s->calls[0], ((vdso_getrandom_t)f)(buf, sizeof(buf), 0, state, state_len));
		break;
	default:
		break;
	}
	before = case_traps.count;
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, ts);
	s->probe_traps = case_traps.count - before;
	s->probed = 1;
	_exit(0);
}

/* 0, or the wait status of a child that did not end normally */
static int run_child(enum group g)
{
	pid_t pid;
	int st;

	memset(&shm[g], 0, sizeof(shm[g]));
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		ksft_exit_fail_msg("fork: %s\n", strerror(errno));
	if (pid == 0)
		child(g);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : st ? st : -1;
}

static const char *errno_name(long r)
{
	const char *n = r < 0 && r > -4096 ? strerrorname_np((int)-r) : NULL;

	return n ? n : "?";
}

static const char *syscall_name(long nr)
{
	static char buf[32];

#define NAME(n)            \
	if (nr == SYS_##n) \
		return #n;
	NAME(clock_gettime)
	NAME(clock_getres)
	NAME(gettimeofday)
	NAME(getcpu)
#ifdef SYS_time
	NAME(time)
#endif
#ifdef SYS_clock_gettime64
	NAME(clock_gettime64)
#endif
#ifdef SYS_clock_getres_time64
	NAME(clock_getres_time64)
#endif
#ifdef SYS_getrandom
	NAME(getrandom)
#endif
#undef NAME
	snprintf(buf, sizeof(buf), "syscall %ld", nr);
	return buf;
}

/* --- judging ------------------------------------------------------------- */

enum expect {
	E_FAST_HRES,	/* no trap where the clocksource has a vDSO mode */
	E_FAST,		/* no trap on any clocksource */
	E_SYSCALL,	/* must trap: only the kernel knows the answer */
};

static struct {
	int cs_ok;		/* clocksource has a vDSO mode (before and after) */
	char cs_why[160];
	char cs_name[64];
} cs;

static const char *describe_status(int st, char *buf, size_t len)
{
	if (WIFSIGNALED(st))
		snprintf(buf, len, "died by signal %d (%s)%s", WTERMSIG(st), strsignal(WTERMSIG(st)),
			 WTERMSIG(st) == SIGALRM ? ": it hung" : "");
	else if (WIFEXITED(st))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(st));
	else
		snprintf(buf, len, "ended with wait status %#x", (unsigned)st);
	return buf;
}

/* the target, for what its architecture does by design */
static const struct case_ctx *target;

/* ok_ret: what a correct answer returns (0, the byte count, or
 * ANY_POSITIVE for time()) */
#define ANY_POSITIVE INT64_MIN
static void judge(const struct shared *s, int status, const struct call *c, const char *what, enum expect e,
		  int64_t ok_ret)
{
	char sbuf[96];

	if (!c->called) {
		if (status)
			case_fail("not reached: the child %s before calling %s",
				  describe_status(status, sbuf, sizeof(sbuf)), what);
		else
			case_fail("not reached: the child never called %s", what);
		return;
	}
	if (!c->returned) {
		case_fail("%s did not return: the child %s in it", what, describe_status(status, sbuf, sizeof(sbuf)));
		return;
	}
	if (s->probed && s->probe_traps != 1) {
		case_fail("the seccomp filter did not trap a raw clock_gettime syscall (%u traps): "
			  "no trap count can be trusted", s->probe_traps);
		return;
	}
	if (e == E_SYSCALL) {
		if (c->traps) {
			case_diag("%s falls back to the syscall (%s trapped), as expected: only the kernel knows it",
				  what, syscall_name(c->nr));
			case_pass();
		} else {
			case_fail("expected %s to fall back to the system call (the vDSO has no data for it), seen no "
				  "system call: it returned %lld without the kernel",
				  what, (long long)c->ret);
		}
		return;
	}
	if (c->traps) {
		if (e == E_FAST_HRES && !cs.cs_ok) {
			case_xfail("%s falls back to the syscall (%s trapped): %s", what, syscall_name(c->nr), cs.cs_why);
			return;
		}
		if (case_role_is_syscall(target, what)) {
			case_xfail("%s makes the system call (%s trapped): it is the system call by design on %s",
				   what, syscall_name(c->nr), target->arch->name);
			return;
		}
		case_fail("expected %s to make no system call (clocksource %s%s), seen %u trap(s), the last of the %s syscall (nr %ld)",
			  what, cs.cs_name, e == E_FAST_HRES ? ", which has a vDSO mode" : "; this path never needs one",
			  c->traps, syscall_name(c->nr), c->nr);
		return;
	}
	if (ok_ret == ANY_POSITIVE ? c->ret <= 0 : c->ret != ok_ret) {
		if (ok_ret == ANY_POSITIVE)
			case_fail("%s made no system call but returned %lld (expected the time in seconds): "
				  "no answer at all", what, (long long)c->ret);
		else
			case_fail("%s made no system call but returned %lld (expected %lld): no answer at all", what,
				  (long long)c->ret, (long long)ok_ret);
		return;
	}
	case_pass();
}

static enum expect clock_expect(clockid_t id)
{
	unsigned fl = clock_table[id].flags;

	if (fl & (CLK_CPUTIME | CLK_ALARM))
		return E_SYSCALL;
	if (fl & CLK_COARSE)
		return E_FAST;
	return E_FAST_HRES;
}

/* clock_gettime64 exists on 32-bit targets only */
static int group_has_points(const struct case_ctx *ctx, enum group g)
{
	return g != G_GETTIME64 || case_role_sym(ctx, "clock_gettime64") != NULL;
}

/* A point's reason to skip, or NULL to judge it. */
static const char *skip_reason(enum group g, char *buf, size_t len)
{
	if (!fns[g]) {
		snprintf(buf, len, "target exports no %s%s", group_roles[g],
			 g == G_RANDOM ? " (the vDSO has it since 6.11 on x86_64, 6.12 elsewhere)" : "");
		return buf;
	}
	if (shm[g].filter_done && shm[g].filter_rc) {
		snprintf(buf, len, "cannot install a seccomp filter: %s", strerror(-shm[g].filter_rc));
		return buf;
	}
	return NULL;
}

/* what the children found, judged by run() */
static int status[NGROUPS];
static struct call first_random;
static int retried;

/* Every group's calls are made in children under the filter first; the
 * points then judge what they found. */
static void setup(struct case_ctx *ctx)
{
	char why[160];

	target = ctx;
	shm = mmap(NULL, NGROUPS * sizeof(*shm), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED)
		ksft_exit_fail_msg("mmap of the shared result pages: %s\n", strerror(errno));
	for (int g = 0; g < NGROUPS; g++)
		fns[g] = group_has_points(ctx, (enum group)g) ? case_fn(ctx, group_roles[g]) : NULL;
	for (clockid_t id = 0; id < 12; id++) {
		struct timespec ts[2];

		sysret[G_GETTIME][id] = sys_clock_gettime(id, ts);
		sysret[G_GETTIME64][id] = sys_clock_gettime64(id, ts);
		sysret[G_GETRES][id] = sys_clock_getres(id, ts);
	}

	cs.cs_ok = clocksource_has_vdso_mode(cs.cs_why, sizeof(cs.cs_why));
	for (int g = 0; g < NGROUPS; g++)
		if (fns[g])
			status[g] = run_child((enum group)g);
	/*
	 * The getrandom state is keyed by the seeding call; if the kernel's
	 * RNG reseeds (at most once a minute) between that call and the one
	 * under the filter, microseconds later, the vDSO re-keys with the
	 * syscall.  A second child settles it: two reseeds within milliseconds
	 * cannot happen, while a fallback traps every time.
	 */
	if (fns[G_RANDOM] && !status[G_RANDOM] && shm[G_RANDOM].calls[0].traps) {
		first_random = shm[G_RANDOM].calls[0];
		status[G_RANDOM] = run_child(G_RANDOM);
		retried = 1;
	}
	/* a clocksource change during the run counts against it */
	if (!clocksource_has_vdso_mode(why, sizeof(why)) && cs.cs_ok) {
		cs.cs_ok = 0;
		snprintf(cs.cs_why, sizeof(cs.cs_why), "%s", why);
	}
	if (clocksource_current(cs.cs_name, sizeof(cs.cs_name)))
		snprintf(cs.cs_name, sizeof(cs.cs_name), "unknown");
	case_diag("clocksource %s: %s", cs.cs_name, cs.cs_ok ? "has a vDSO mode" : cs.cs_why);
}

static void run(struct case_ctx *ctx)
{
	static const enum expect single_expect[NGROUPS] = {
		[G_GTOD] = E_FAST_HRES, [G_TIME] = E_FAST, [G_GETCPU] = E_FAST, [G_RANDOM] = E_FAST,
	};
	static const int64_t single_ok[NGROUPS] = {
		[G_GTOD] = 0, [G_TIME] = ANY_POSITIVE, [G_GETCPU] = 0, [G_RANDOM] = RANDOM_BYTES,
	};
	char why[160];

	for (int gi = 0; gi < NGROUPS; gi++) {
		enum group g = (enum group)gi;
		const struct shared *s = &shm[g];
		const char *skip;

		if (!group_has_points(ctx, g))
			continue;
		if (!IS_CLOCK_GROUP(g)) {
			if (!case_point("fastpath.%s", group_roles[g]))
				continue;
			if ((skip = skip_reason(g, why, sizeof(why)))) {
				case_skip("%s", skip);
			} else if (g == G_RANDOM && s->random_setup == RANDOM_PREPARING) {
				case_fail("the child %s while preparing a getrandom state (parameter query, mmap, "
					  "seeding call), before the filter", describe_status(status[g], why, sizeof(why)));
			} else if (g == G_RANDOM && s->random_setup) {
				case_fail("could not prepare a getrandom state before the filter: %s", s->random_why);
			} else {
				if (g == G_RANDOM && retried)
					case_diag("the first child's call trapped %u time(s) (%s): retried in a second "
						  "child, in case the RNG reseeded between seeding and the call",
						  first_random.traps, syscall_name(first_random.nr));
				judge(s, status[g], &s->calls[0], group_roles[g], single_expect[g], single_ok[g]);
			}
			continue;
		}
		for (clockid_t id = 0; id < 12; id++) {
			char what[64];

			snprintf(what, sizeof(what), "%s(%s)", group_roles[g], clock_table[id].name);
			if (!case_point("fastpath.%s.%s", group_roles[g], clock_table[id].name))
				continue;
			if ((skip = skip_reason(g, why, sizeof(why))))
				case_skip("%s", skip);
			else if (sysret[g][id])
				case_skip("the system call rejects %s (%s): not a clock on this kernel%s",
					  clock_table[id].name, errno_name(sysret[g][id]),
					  clock_table[id].flags & CLK_ALARM ? " (no alarm-capable RTC)" : "");
			else
				judge(s, status[g], &s->calls[id], what, clock_expect(id), 0);
		}
	}
}

static const struct case_spec spec = {
	.name = "fastpath",
	.needs = CASE_NEED_VDSO,
	.roles = (const char *const[]){ "clock_gettime", NULL },
	.setup = setup,
	.run = run,
};
CASE_MAIN(spec)
