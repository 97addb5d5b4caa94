/* SPDX-License-Identifier: MIT */
/* What the benchmarks share: a clock, and the median of a few batches so
 * that one preempted batch does not move a figure. */
#ifndef VDSOCONF_BENCH_H
#define VDSOCONF_BENCH_H

#include <stdlib.h>
#include <time.h>

#define BATCHES 7

static inline double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* sorts v */
static inline double bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), bench_cmp_double);
	return v[n / 2];
}

#endif
