/* SPDX-License-Identifier: MIT */
/* make bench: every vDSO call against its system call, per API and clock,
 * and what checking costs: a sequence check (call, compare with the last
 * reading) against the bare call rate.  Medians of 7 batches. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "case/clock.h"
#include "case/target.h"

#define BATCHES 7
#define CALLS 200000

static volatile int64_t sink;

static double now_ns(void)
{
	struct timespec t;

	sys_clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)ts_ns(&t);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* ns per call of body, median of BATCHES batches of n calls */
#define MEASURE(result, n, body)                                  \
	do {                                                      \
		double r_[BATCHES];                               \
		for (int b_ = 0; b_ < BATCHES; b_++) {            \
			double t0_ = now_ns();                    \
			for (long i_ = 0; i_ < (n); i_++) {       \
				body;                             \
			}                                         \
			r_[b_] = (now_ns() - t0_) / (double)(n);  \
		}                                                 \
		qsort(r_, BATCHES, sizeof(double), cmp);          \
		(result) = r_[BATCHES / 2];                       \
	} while (0)

static void row(const char *api, const char *clock, double v, double s)
{
	printf("  %-14s %-26s %8.1f %9.1f %7.1fx\n", api, clock, v, s, s / v);
}

int main(int argc, char **argv)
{
	/* --raw: "CLOCK_NAME ns" per clock, the bare vDSO call, for bench_floor */
	int raw_only = argc > 1 && !strcmp(argv[1], "--raw");
	struct case_ctx ctx;
	vdso_clock_gettime_t cg;
	vdso_clock_getres_t gr;
	vdso_gettimeofday_t gtod;
	vdso_time_t tm;
	vdso_getcpu_t gc;
	struct timespec ts;
	struct timeval tv;
	double v, s;

	memset(&ctx, 0, sizeof(ctx));
	ctx.arch = vdso_arch_native();
	if (vdso_open_live(&ctx.img) != VDSO_OK) {
		fprintf(stderr, "bench: %s\n", ctx.img.err);
		return 1;
	}
	ctx.has_image = 1;
	cg = (vdso_clock_gettime_t)case_fn(&ctx, "clock_gettime");
	gr = (vdso_clock_getres_t)case_fn(&ctx, "clock_getres");
	gtod = (vdso_gettimeofday_t)case_fn(&ctx, "gettimeofday");
	tm = (vdso_time_t)case_fn(&ctx, "time");
	gc = (vdso_getcpu_t)case_fn(&ctx, "getcpu");

	if (argc > 1 && !raw_only) {
		fprintf(stderr, "bench_calls: unknown option '%s' (only --raw)\n", argv[1]);
		return 2;
	}
	if (raw_only) {
		for (size_t i = 0; cg && i < 12; i++) {
			if (sys_clock_gettime(clock_table[i].id, &ts))
				continue;
			MEASURE(v, CALLS, cg(clock_table[i].id, &ts); sink += ts.tv_nsec);
			printf("%s %.2f\n", clock_table[i].name, v);
		}
		return 0;
	}
	printf("vDSO call vs system call, ns/call (median of %d x %d calls)\n", BATCHES, CALLS);
	printf("  %-14s %-26s %8s %9s %8s\n", "api", "clock", "vDSO", "syscall", "ratio");
	for (size_t i = 0; cg && i < 12; i++) {
		const struct clock_desc *d = &clock_table[i];

		if (sys_clock_gettime(d->id, &ts))
			continue;	/* not supported here (alarm clocks without an RTC, id 10) */
		MEASURE(v, CALLS, cg(d->id, &ts); sink += ts.tv_nsec);
		MEASURE(s, CALLS, sys_clock_gettime(d->id, &ts); sink += ts.tv_nsec);
		row("clock_gettime", d->name, v, s);
	}
	if (gr) {
		MEASURE(v, CALLS, gr(CLOCK_MONOTONIC, &ts); sink += ts.tv_nsec);
		MEASURE(s, CALLS, sys_clock_getres(CLOCK_MONOTONIC, &ts); sink += ts.tv_nsec);
		row("clock_getres", "CLOCK_MONOTONIC", v, s);
	}
	if (gtod) {
		MEASURE(v, CALLS, gtod(&tv, NULL); sink += tv.tv_usec);
		MEASURE(s, CALLS, sys_gettimeofday(&tv, NULL); sink += tv.tv_usec);
		row("gettimeofday", "-", v, s);
	}
	if (tm) {
		MEASURE(v, CALLS, sink += tm(NULL));
		MEASURE(s, CALLS, sink += sys_time(NULL));
		row("time", "-", v, s);
	}
	if (gc) {
		unsigned cpu, node;

		MEASURE(v, CALLS, gc(&cpu, &node, NULL); sink += cpu);
		MEASURE(s, CALLS, sys_getcpu(&cpu, &node); sink += cpu);
		row("getcpu", "-", v, s);
	}

	if (cg) {
		int64_t prev = 0, bad = 0;
		double raw, checked;

		/* the checker's inner step: one call, normalisation and
		 * monotonicity of the reading against the last one */
		MEASURE(raw, CALLS * 5, cg(CLOCK_MONOTONIC, &ts); sink += ts.tv_nsec);
		MEASURE(checked, CALLS * 5, {
			cg(CLOCK_MONOTONIC, &ts);
			int64_t n = ts_ns(&ts);
			bad += (n < prev) | (ts.tv_nsec >= 1000000000L) | (ts.tv_nsec < 0);
			prev = n;
		});
		sink += bad;
		printf("checking cost, clock_gettime(CLOCK_MONOTONIC)\n");
		printf("  raw calls          %8.1f M/s\n", 1e3 / raw);
		printf("  checked calls      %8.1f M/s\n", 1e3 / checked);
		printf("  cost               %8.1f %% %s\n", 100.0 * (1 - raw / checked),
		       1 - raw / checked <= 0.10 ? "(goal <= 10% met)" : "(GOAL MISSED: 10%)");
	}
	return 0;
}
