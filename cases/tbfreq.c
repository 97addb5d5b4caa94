/* SPDX-License-Identifier: MIT */
/* tbfreq: powerpc's __kernel_get_tbfreq against the timebase frequency the
 * kernel reports in /proc/cpuinfo ("timebase : 512000000").  glibc's
 * __ppc_get_timebase_freq() returns the vDSO's value, and programs turn
 * timebase ticks (mftb) into time with it.
 *
 * tbfreq.cpuinfo: the vDSO's frequency equals the cpuinfo line, exactly
 *   (both are the kernel's ppc_tb_freq); also the same on a second call.
 * --cpuinfo FILE reads the line from FILE instead (for a test, or a
 * system whose /proc is elsewhere); without a timebase line the point
 * skips, saying so (qemu-user shows the host's cpuinfo).  Elsewhere the
 * case skips: only powerpc exports the function. */
#include <errno.h>
#include <inttypes.h>

#include "case/case.h"

typedef uint64_t (*tbfreq_t)(void);

/* The timebase line of path: 0 and *hz, or -1 with why. */
static int timebase(const char *path, uint64_t *hz, char *why, size_t len)
{
	FILE *f = fopen(path, "r");
	char line[256];
	int found = 0;

	if (!f) {
		snprintf(why, len, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long long v;

		if (!strncmp(line, "timebase", 8) && sscanf(line + 8, " : %llu", &v) == 1) {
			*hz = v;
			found = 1;
		}
	}
	fclose(f);
	if (!found)
		snprintf(why, len, "%s has no \"timebase\" line", path);
	return found ? 0 : -1;
}

static const char *cpuinfo_path(const struct case_ctx *ctx)
{
	for (int i = 1; ctx->argv && i + 1 < ctx->argc; i++)
		if (!strcmp(ctx->argv[i], "--cpuinfo"))
			return ctx->argv[i + 1];
	return "/proc/cpuinfo";
}

static void run(struct case_ctx *ctx)
{
	tbfreq_t fn = (tbfreq_t)case_fn(ctx, "get_tbfreq");
	const char *path = cpuinfo_path(ctx);
	uint64_t want = 0, got, again;
	char why[256];

	if (!case_point("tbfreq.cpuinfo"))
		return;
	if (timebase(path, &want, why, sizeof(why))) {
		case_skip("%s", why);
		return;
	}
	got = fn();
	again = fn();
	case_diag("__kernel_get_tbfreq() = %" PRIu64 " Hz; %s says %" PRIu64 " Hz", got, path, want);
	if (got != again)
		case_fail("two calls returned %" PRIu64 " and %" PRIu64 " Hz", got, again);
	else
		case_check(got == want, "__kernel_get_tbfreq() returned %" PRIu64 " Hz, the kernel's timebase (%s) is %" PRIu64
			   " Hz", got, path, want);
}

static const struct case_spec spec = {
	.name = "tbfreq",
	.needs = CASE_NEED_VDSO,
	.roles = (const char *const[]){ "get_tbfreq", NULL },
	.run = run,
};
CASE_MAIN(spec)
