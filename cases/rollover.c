/* SPDX-License-Identifier: MIT */
/*
 * rollover: the clocks read densely across the boundaries where the vDSO
 * carries the fraction into the seconds.  A carry or normalisation bug
 * that shows only in the first microseconds of a second escapes reading
 * windows placed anywhere in the second; here every window is placed
 * around its boundary (lib/case/rollover.h), in every run:
 *
 *   rollover.second.<C>          each clock the vDSO answers itself, across
 *                                the start of its own next second
 *   rollover.second.gettimeofday, rollover.second.time
 *                                the same, across CLOCK_REALTIME's second
 *   rollover.tick.<C>            the coarse clocks across their tick
 *   rollover.y2038.<C>           CLOCK_MONOTONIC, _COARSE and BOOTTIME across
 *   rollover.y2106.<C>           2^31 s and 2^32 s, in a time namespace whose
 *                                offsets put them just before (the seconds of
 *                                a 32-bit time_t overflow at 2^31, those of
 *                                an unsigned 32-bit counter at 2^32); on
 *                                32-bit ABIs through the time32 entry, and
 *                                through clock_gettime64 as <C>.time64
 *
 * Every round is reference, vDSO, reference; each reading must be
 * normalised, exactly bracketed, not below the one before it, and the
 * boundary must have been read on both sides (else the attempt is made
 * again at the next second, and a point that never got there skips).
 *
 * A time32 entry past 2^31 s: the kernel cuts tv_sec to its low 32 bits,
 * in the vDSO (lib/vdso/gettimeofday.c, __cvdso_clock_gettime32: res->tv_sec
 * = ts.tv_sec) and in the system call (kernel/time/time.c,
 * __put_old_timespec32) alike, without an error: at 2^31 s the seconds
 * jump to -2^31, at 2^32 s back to 0.  The vDSO is held to what the
 * time32 system call returns; the seconds are compared in their low 32
 * bits, against a 64-bit reading taken just before.
 *
 * Everything is read in setup(), the waits of all probes overlapping
 * (about one second for the seconds and ticks, a fraction of one per
 * namespace); the points report the verdicts.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "case/case.h"
#include "case/clock.h"
#include "case/clocks.h"
#include "case/guard.h"
#include "case/rollover.h"
#include "case/timens.h"
#include "case/timens_cross.h"

#ifndef CLOCK_TAI
#define CLOCK_TAI 11
#endif

/* the clocks the vDSO computes itself (CPU-time and alarm clocks it
 * passes to the kernel) */
static const clockid_t second_ids[] = { CLOCK_REALTIME,	       CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW,
					CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME,
					CLOCK_TAI };
#define NSECOND_IDS (sizeof(second_ids) / sizeof(second_ids[0]))
static const clockid_t tick_ids[] = { CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE };
#define NTICK (sizeof(tick_ids) / sizeof(tick_ids[0]))
/* the namespaced clocks whose seconds cross together: MONOTONIC_RAW has
 * the monotonic offset but its own base, so it crosses elsewhere */
static const clockid_t ns_ids[] = { CLOCK_MONOTONIC, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME };
#define NNS (sizeof(ns_ids) / sizeof(ns_ids[0]))

/* Wall time for the seconds and ticks, and for each namespace crossing:
 * 9 s in all, the most the default run gives this case.  On an idle
 * machine every probe crosses at its first attempt (about 1 s and 0.25 s);
 * on a loaded one the scheduler preempts the reader at some boundaries
 * (docs/cases.md has the figures) and the time left buys more attempts. */
#define SECONDS_BUDGET_NS 6500000000LL
#define CROSS_BUDGET_NS 1250000000LL

/* One point: its source and probe, or a verdict given without reading
 * (a skip: no such function, no such clock). */
struct item {
	struct roll_src src;
	struct roll_probe probe;
	int read;
};

#define NSECOND (NSECOND_IDS + 2)
static struct item seconds[NSECOND], ticks[NTICK];

static const struct boundary {
	const char *name;
	int64_t at;
} boundaries[] = { { "y2038", 1LL << 31 }, { "y2106", 1LL << 32 } };
#define NBOUND 2
static struct {
	struct item it[CROSS_MAX];
	int n;
	char diag[320];
} cross[NBOUND];

static struct ctx_fns {
	void *gettime, *gettime64, *gettimeofday, *time;
	int has64;	/* the ABI has clock_gettime64 (32-bit ABIs) */
	char why64[160], why_gtod[160], why_time[160];
} fns;

/* --- sources ------------------------------------------------------------------ */

static int64_t coarse_res(clockid_t id)
{
	struct timespec r = { 0, 0 };

	return sys_clock_getres(id, &r) ? 0 : ts_ns(&r);
}

/* A skip instead of reading, when the clock or the function is missing. */
static int unusable(struct item *it, clockid_t id, const void *fn, const char *why_fn)
{
	int rc;

	if (!fn) {
		case_result_set(&it->probe.res, CASE_R_SKIP, "%s", why_fn);
		return 1;
	}
	roll_clock_ns(id, &rc);
	if (rc) {
		char e[48], nb[40];

		case_result_set(&it->probe.res, CASE_R_SKIP, "the clock_gettime syscall says %s for %s",
				case_err_name(rc, e, sizeof(e)), clock_name(id, nb, sizeof(nb)));
		return 1;
	}
	return 0;
}

static void clock_src(struct roll_src *s, clockid_t id, int time64)
{
	const struct clock_desc *d = clock_desc(id);
	char nb[40];

	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s%s", clock_name(id, nb, sizeof(nb)), time64 ? ".time64" : "");
	s->unit = ROLL_NS;
	s->sec32 = !time64 && sizeof(time_t) < 8;
	s->coarse = d && (d->flags & CLK_COARSE);
	s->wall = case_clock_is_wall(id);
	s->id = id;
	s->phase = s->coarse ? d->fine : id;
	s->tick_id = id;
	s->fn = time64 ? fns.gettime64 : fns.gettime;
	s->vdso = time64 ? roll_vdso_clock64 : roll_vdso_clock;
	s->ref = time64 ? roll_ref_clock64 : roll_ref_clock;
}

static void add_probe(struct item *it, enum roll_kind kind, int64_t at)
{
	const struct clock_desc *d = clock_desc(it->src.id);

	it->probe.src = &it->src;
	it->probe.kind = kind;
	it->probe.at_sec = at;
	/* the tick; time() moves with CLOCK_REALTIME_COARSE's */
	it->probe.res_ns = coarse_res(d && (d->flags & CLK_COARSE) ? it->src.id : CLOCK_REALTIME_COARSE);
	it->read = 1;
}

static void setup_seconds(void)
{
	for (unsigned i = 0; i < NSECOND_IDS; i++) {
		struct item *it = &seconds[i];

		clock_src(&it->src, second_ids[i], 0);
		if (!unusable(it, second_ids[i], fns.gettime, ""))
			add_probe(it, ROLL_SECOND, 0);
	}
	{
		struct item *it = &seconds[NSECOND_IDS];
		struct roll_src *s = &it->src;

		memset(s, 0, sizeof(*s));
		snprintf(s->name, sizeof(s->name), "gettimeofday");
		s->unit = 1000000;
		s->sec32 = sizeof(time_t) < 8;
		s->wall = 1;
		s->id = s->phase = CLOCK_REALTIME;
		s->fn = fns.gettimeofday;
		s->vdso = roll_vdso_gettimeofday;
		s->ref = roll_ref_gettimeofday;
		if (!unusable(it, CLOCK_REALTIME, s->fn, fns.why_gtod))
			add_probe(it, ROLL_SECOND, 0);
	}
	{
		struct item *it = &seconds[NSECOND_IDS + 1];
		struct roll_src *s = &it->src;

		/* time() is the timekeeper's seconds, moved at the tick:
		 * coarse, crossing with CLOCK_REALTIME_COARSE */
		memset(s, 0, sizeof(*s));
		snprintf(s->name, sizeof(s->name), "time");
		s->unit = 1;
		s->sec32 = sizeof(time_t) < 8;
		s->coarse = 1;
		s->wall = 1;
		s->id = s->phase = CLOCK_REALTIME;
		s->tick_id = CLOCK_REALTIME_COARSE;
		s->fn = fns.time;
		s->vdso = roll_vdso_time;
		s->ref = roll_ref_time;
		s->settled = roll_settled_time_ns;
		if (!unusable(it, CLOCK_REALTIME, s->fn, fns.why_time))
			add_probe(it, ROLL_SECOND, 0);
	}
	for (unsigned i = 0; i < NTICK; i++) {
		clock_src(&ticks[i].src, tick_ids[i], 0);
		if (!unusable(&ticks[i], tick_ids[i], fns.gettime, ""))
			add_probe(&ticks[i], ROLL_TICK, 0);
	}
}

static void setup_cross(int b, const char *why_ns)
{
	struct roll_probe p[CROSS_MAX];
	int map[CROSS_MAX], n = 0;
	char why[512];

	cross[b].n = 0;
	for (unsigned i = 0; i < NNS; i++) {
		for (int t64 = 0; t64 <= fns.has64; t64++) {
			struct item *it = &cross[b].it[cross[b].n++];

			clock_src(&it->src, ns_ids[i], t64);
			if (why_ns[0])
				case_result_set(&it->probe.res, CASE_R_SKIP, "%s", why_ns);
			else if (!unusable(it, ns_ids[i], t64 ? fns.gettime64 : fns.gettime, fns.why64))
				add_probe(it, ROLL_AT, boundaries[b].at);
		}
	}
	for (int i = 0; i < cross[b].n; i++) {
		if (!cross[b].it[i].read)
			continue;
		map[n] = i;
		p[n] = cross[b].it[i].probe;
		p[n].src = &cross[b].it[i].src;
		n++;
	}
	if (!n)
		return;
	switch (cross_in_timens(p, n, boundaries[b].at, CROSS_BUDGET_NS, cross[b].diag, sizeof(cross[b].diag), why, sizeof(why))) {
	case TIMENS_OK:
		for (int i = 0; i < n; i++)
			cross[b].it[map[i]].probe.res = p[i].res;
		return;
	case TIMENS_SKIP:
		for (int i = 0; i < n; i++)
			case_result_set(&cross[b].it[map[i]].probe.res, CASE_R_SKIP, "%s", why);
		return;
	default:
		for (int i = 0; i < n; i++)
			case_result_set(&cross[b].it[map[i]].probe.res, CASE_R_FAIL, "%s", why);
	}
}

/* An optional function: its address, or NULL with why. */
static void *optional(struct case_ctx *ctx, const char *role, char *why, size_t len)
{
	const struct vdso_arch_sym *s = case_role_sym(ctx, role);
	void *fn;

	if (!s) {
		snprintf(why, len, "no %s on this architecture", role);
		return NULL;
	}
	if (case_role_not_function(ctx, role, why, len))
		return NULL;
	fn = case_fn(ctx, role);
	if (!fn)
		snprintf(why, len, "the target exports no %s", s->name);
	return fn;
}

static void setup(struct case_ctx *ctx)
{
	struct roll_probe p[NSECOND + NTICK];
	char why_ns[512] = "";
	int64_t t0 = roll_mono_ns(), ms_seconds;
	int n = 0;

	fns.gettime = case_fn(ctx, "clock_gettime");
	fns.gettimeofday = optional(ctx, "gettimeofday", fns.why_gtod, sizeof(fns.why_gtod));
	fns.time = optional(ctx, "time", fns.why_time, sizeof(fns.why_time));
	fns.has64 = case_role_sym(ctx, "clock_gettime64") != NULL;
	if (fns.has64)
		fns.gettime64 = optional(ctx, "clock_gettime64", fns.why64, sizeof(fns.why64));
	setup_seconds();
	for (unsigned i = 0; i < NSECOND; i++)
		if (seconds[i].read)
			p[n++] = seconds[i].probe;
	for (unsigned i = 0; i < NTICK; i++)
		if (ticks[i].read)
			p[n++] = ticks[i].probe;
	for (int i = 0; i < n; i++)
		p[i].ctx = ctx;
	roll_run(p, n, SECONDS_BUDGET_NS);
	n = 0;
	for (unsigned i = 0; i < NSECOND; i++)
		if (seconds[i].read)
			seconds[i].probe.res = p[n++].res;
	for (unsigned i = 0; i < NTICK; i++)
		if (ticks[i].read)
			ticks[i].probe.res = p[n++].res;
	ms_seconds = (roll_mono_ns() - t0) / 1000000;
	timens_unavailable(why_ns, sizeof(why_ns));
	for (int b = 0; b < NBOUND; b++)
		setup_cross(b, why_ns);
	case_diag("seconds and ticks read in %" PRId64 " ms, the namespaces' crossings in %" PRId64 " ms", ms_seconds,
		  (roll_mono_ns() - t0) / 1000000 - ms_seconds);
}

/* --- the points ---------------------------------------------------------------- */

static void report(const char *what, const struct item *it)
{
	if (!case_point("rollover.%s.%s", what, it->src.name))
		return;
	if (!case_result_report(&it->probe.res))
		case_fail("no verdict was reached (the reading loop ended early)");
}

static void run(struct case_ctx *ctx)
{
	(void)ctx;
	for (unsigned i = 0; i < NSECOND; i++)
		report("second", &seconds[i]);
	for (unsigned i = 0; i < NTICK; i++)
		report("tick", &ticks[i]);
	for (int b = 0; b < NBOUND; b++) {
		if (cross[b].diag[0])
			case_diag("rollover.%s: %s", boundaries[b].name, cross[b].diag);
		for (int i = 0; i < cross[b].n; i++)
			report(boundaries[b].name, &cross[b].it[i]);
	}
}

static const struct case_spec spec = {
	.name = "rollover",
	.needs = CASE_NEED_VDSO,
	.roles = (const char *const[]){ "clock_gettime", NULL },
	.setup = setup,
	.run = run,
};
CASE_MAIN(spec)
