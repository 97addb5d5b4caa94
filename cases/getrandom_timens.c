/* SPDX-License-Identifier: MIT */
/*
 * getrandom_timens: the vDSO's getrandom (case/vgetrandom.h) from a process
 * inside a new time namespace, whose vvar pages are laid out differently.
 *
 *   getrandom.timens   in a namespace with monotonic +1 day and boottime
 *                      +2 days, a fresh state: complete fills of 0 to 4096
 *                      bytes, 16 pairs of 32-byte calls nonzero and
 *                      different; and the process saw the offset (the
 *                      namespace was in effect).
 *   getrandom.timens_fastpath
 *                      in the same namespace, a keyed state: calls of 1 to
 *                      4096 bytes make no system call under a seccomp
 *                      filter that traps getrandom and every time syscall
 *                      (the getrandom.fastpath proof, inside a namespace),
 *                      and their output is fresh: no 32-byte draw is zero
 *                      or repeats another.  The kernel's
 *                      vdso_test_getrandom counts the same syscalls with
 *                      ptrace.
 *
 * Unprivileged, the namespace is reached through a new user namespace
 * (timens_enter), as in the timens case.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "case/case.h"
#include "case/clock.h"
#include "case/timens.h"
#include "case/vgetrandom.h"

#define DAY_NS (86400 * (int64_t)1000000000)

/* the fills checked, all those of getrandom.len.<n> but the 1 MiB */
static const size_t lens[] = { 0, 1, 31, 32, 33, 4096 };

static struct vgr g;

#define FRESH_DRAWS 64	/* 32-byte draws under the filter, all kept and compared */

struct fast_report {
	int done, rc, seeded, stale;
	unsigned traps, bad, calls;
	long last_nr;
};

struct timens_report {
	int setup;		/* TIMENS_OK, _SKIP or _FAIL */
	int done, ok;
	int64_t mono_ns;
	char why[512];
	struct fast_report fast;
	int attempts;
};

/* what the namespace run reported (setup), or NULL when it did not run */
static struct timens_report *ns_run;
static int64_t host_before_ns;

static void grandchild(struct timens_report *tr)
{
	unsigned char a[32 + VGR_GUARD], b[32 + VGR_GUARD];
	struct timespec t;
	void *st = vgr_map_states(&g, g.page);

	if (sys_clock_gettime(CLOCK_MONOTONIC, &t) == 0)
		tr->mono_ns = ts_ns(&t);
	if (st == MAP_FAILED) {
		snprintf(tr->why, sizeof(tr->why), "mmap of a state: %s", strerror(errno));
		goto done;
	}
	for (size_t i = 0; i < ARRAY_SIZE(lens); i++)
		if (vgr_check_fill(g.fn, lens[i], 0, st, g.state_size, tr->why, sizeof(tr->why)))
			goto done;
	for (int i = 0; i < 16; i++) {
		if (g.fn(a, 32, 0, st, g.state_size) != 32 || g.fn(b, 32, 0, st, g.state_size) != 32) {
			snprintf(tr->why, sizeof(tr->why), "a 32-byte call failed");
			goto done;
		}
		if (vgr_all_zero(a, 32) || vgr_all_zero(b, 32) || !memcmp(a, b, 32)) {
			snprintf(tr->why, sizeof(tr->why), "32-byte outputs %s", !memcmp(a, b, 32) ? "repeat" : "are all zero");
			goto done;
		}
	}
	tr->ok = 1;
done:
	tr->done = 1;
}

/* In a child of the namespace's process (seccomp is irreversible): key
 * the state with one draw (a state is wiped at fork and its first call
 * fetches a key by the syscall), trap getrandom and every time syscall,
 * draw. */
static void fast_once(struct fast_report *fr, void *st)
{
	static const size_t sizes[] = { 1, 16, 33, 64, 256, 4096 };
	static unsigned char out[FRESH_DRAWS][32];
	unsigned char *buf;
	pid_t pid;

	memset(fr, 0, sizeof(*fr));
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		buf = malloc(4096 + VGR_GUARD);
		if (!buf)
			_exit(1);
		fr->seeded = g.fn(buf, 32, 0, st, g.state_size) == 32;
		fr->rc = case_seccomp_trap_time();
		if (!fr->rc) {
			for (int i = 0; i < FRESH_DRAWS; i++) {
				fr->bad += g.fn(out[i], 32, 0, st, g.state_size) != 32;
				fr->calls++;
				for (size_t s = 0; s < ARRAY_SIZE(sizes); s++, fr->calls++)
					fr->bad += g.fn(buf, sizes[s], 0, st, g.state_size) != (ssize_t)sizes[s];
			}
			fr->traps = case_traps.count;
			fr->last_nr = case_traps.last_nr;
			for (int i = 0; i < FRESH_DRAWS; i++) {
				fr->stale += vgr_all_zero(out[i], 32);
				for (int j = 0; j < i; j++)
					fr->stale += !memcmp(out[i], out[j], 32);
			}
		}
		fr->done = 1;
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static void grandchild_fast(struct timens_report *tr)
{
	void *st = vgr_map_states(&g, g.page);

	if (st == MAP_FAILED)
		return;
	/* A reseed of the kernel RNG (at most every 60 s) between the keying
	 * draw and the checked ones costs one legitimate syscall; two
	 * attempts in a row cannot both hit one. */
	for (tr->attempts = 1; tr->attempts <= 2; tr->attempts++) {
		fast_once(&tr->fast, st);
		if (!tr->fast.done || tr->fast.rc || !tr->fast.traps)
			break;
	}
}

/* The helper enters the namespace; its first child is in it. */
static void helper(struct timens_report *tr)
{
	static const int64_t off[2] = { DAY_NS, 2 * DAY_NS };
	pid_t pid;

	alarm(20);
	tr->setup = timens_enter(off, tr->why, sizeof(tr->why));
	if (tr->setup != TIMENS_OK)
		return;
	pid = fork();
	if (pid == 0) {
		alarm(20);
		grandchild(tr);
		grandchild_fast(tr);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

/* Once, in setup: a helper enters the namespace, its child checks. */
static void run_namespace(void)
{
	struct timens_report *tr;
	struct timespec host;
	pid_t pid;

	tr = mmap(NULL, sizeof(*tr), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (tr == MAP_FAILED)
		return;
	memset(tr, 0, sizeof(*tr));
	sys_clock_gettime(CLOCK_MONOTONIC, &host);
	host_before_ns = ts_ns(&host);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		helper(tr);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	ns_run = tr;
}

/* 1 when the point was reported for want of a namespace run */
static int report_setup(void)
{
	const struct timens_report *tr = ns_run;

	if (!g.state) {
		case_skip("no state to draw with: %s", g.no_state);
		return 1;
	}
	if (!tr) {
		case_fail("mmap of a shared page: %s", strerror(errno));
		return 1;
	}
	if (tr->setup == TIMENS_SKIP)
		case_skip("%s", tr->why);
	else if (tr->setup == TIMENS_FAIL)
		case_fail("setting up the namespace: %s", tr->why);
	else if (!tr->done)
		case_fail("the process in the namespace died before reporting");
	else if (tr->mono_ns - host_before_ns < DAY_NS)
		case_fail("the process did not see the namespace's +1 day monotonic offset: the namespace was not in effect");
	else
		return 0;
	return 1;
}

static void check_timens(void)
{
	const struct timens_report *tr = ns_run;

	if (!case_point("getrandom.timens"))
		return;
	if (report_setup())
		return;
	if (!tr->ok)
		case_fail("inside a time namespace (monotonic +1 day, boottime +2 days): %s", tr->why);
	else {
		case_diag("inside a time namespace (monotonic +1 day, boottime +2 days), a fresh state: complete fills of "
			  "0 to 4096 bytes, 16 pairs of 32-byte calls nonzero and different");
		case_pass();
	}
}

static void check_fastpath(void)
{
	const struct timens_report *tr = ns_run;
	const struct fast_report *fr;

	if (!case_point("getrandom.timens_fastpath"))
		return;
	if (report_setup())
		return;
	fr = &tr->fast;
	if (!fr->done)
		case_fail("the child under the seccomp filter died before reporting (or no state could be mapped)");
	else if (fr->rc)
		case_skip("cannot install the seccomp trap filter: %s", strerror(-fr->rc));
	else if (!fr->seeded)
		case_fail("the keying draw before the filter failed");
	else if (fr->traps)
		case_fail("inside a time namespace %u of %u calls with a keyed state entered the kernel (last syscall nr "
			  "%ld%s), in %d attempts: the vDSO's getrandom falls back to the system call in a namespace",
			  fr->traps, fr->calls, fr->last_nr,
#ifdef SYS_getrandom
			  fr->last_nr == SYS_getrandom ? " = getrandom" : "",
#else
			  "",
#endif
			  tr->attempts - 1);
	else if (fr->bad)
		case_fail("inside a time namespace %u of %u calls under the filter returned other than their length, "
			  "without a trap", fr->bad, fr->calls);
	else if (fr->stale)
		case_fail("inside a time namespace %u of %d 32-byte draws were zero or repeated an earlier one: the "
			  "output is not fresh", fr->stale, FRESH_DRAWS);
	else {
		case_diag("inside a time namespace, %u calls of 1 to 4096 bytes with a keyed state under a filter "
			  "trapping getrandom and every time syscall: 0 traps (attempt %d); %d 32-byte draws nonzero "
			  "and pairwise different", fr->calls, tr->attempts, FRESH_DRAWS);
		case_pass();
	}
}

static void setup(struct case_ctx *ctx)
{
	vgr_open(&g, (vdso_getrandom_t)case_fn(ctx, "getrandom"));
	if (g.state)
		run_namespace();
}

static void run(struct case_ctx *ctx)
{
	(void)ctx;
	check_timens();
	check_fastpath();
}

static const struct case_spec spec = {
	.name = "getrandom_timens",
	.needs = CASE_NEED_VDSO | CASE_NEED_TIMENS,
	.roles = (const char *const[]){ "getrandom", NULL },
	.setup = setup,
	.run = run,
};
CASE_MAIN(spec)
