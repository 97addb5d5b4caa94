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
 *
 * Unprivileged, the namespace is reached through a new user namespace
 * (timens_enter), as in the timens case.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
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

struct timens_report {
	int setup;		/* TIMENS_OK, _SKIP or _FAIL */
	int done, ok;
	int64_t mono_ns;
	char why[512];
};

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
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static void check_timens(void)
{
	struct timens_report *tr;
	struct timespec host;
	pid_t pid;

	if (!case_point("getrandom.timens"))
		return;
	if (!g.state) {
		case_skip("no state to draw with: %s", g.no_state);
		return;
	}
	tr = mmap(NULL, sizeof(*tr), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (tr == MAP_FAILED) {
		case_fail("mmap of a shared page: %s", strerror(errno));
		return;
	}
	memset(tr, 0, sizeof(*tr));
	sys_clock_gettime(CLOCK_MONOTONIC, &host);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		helper(tr);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	if (tr->setup == TIMENS_SKIP)
		case_skip("%s", tr->why);
	else if (tr->setup == TIMENS_FAIL)
		case_fail("setting up the namespace: %s", tr->why);
	else if (!tr->done)
		case_fail("the process in the namespace died before reporting");
	else if (tr->mono_ns - ts_ns(&host) < DAY_NS)
		case_fail("the process did not see the namespace's +1 day monotonic offset: the namespace was not in effect");
	else if (!tr->ok)
		case_fail("inside a time namespace (monotonic +1 day, boottime +2 days): %s", tr->why);
	else {
		case_diag("inside a time namespace (monotonic +1 day, boottime +2 days), a fresh state: complete fills of "
			  "0 to 4096 bytes, 16 pairs of 32-byte calls nonzero and different");
		case_pass();
	}
	munmap(tr, sizeof(*tr));
}

static void setup(struct case_ctx *ctx)
{
	vgr_open(&g, (vdso_getrandom_t)case_fn(ctx, "getrandom"));
}

static void run(struct case_ctx *ctx)
{
	(void)ctx;
	check_timens();
}

static const struct case_spec spec = {
	.name = "getrandom_timens",
	.needs = CASE_NEED_VDSO | CASE_NEED_TIMENS,
	.roles = (const char *const[]){ "getrandom", NULL },
	.setup = setup,
	.run = run,
};
CASE_MAIN(spec)
