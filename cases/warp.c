/* SPDX-License-Identifier: MIT */
/* warp: cross-CPU monotonicity of the vDSO clocks, by the method of Ingo
 * Molnar's time-warp-test.  One thread is pinned to each CPU of the
 * affinity mask and all of them read one clock through the target's
 * clock_gettime at once; a reading smaller than one that some CPU made
 * before it is a warp (unsynchronised TSCs, a vDSO reading a stale or
 * per-CPU base, a guest whose hypervisor skews the counter per vCPU).
 *
 * Two methods, each a test point per clock:
 *   warp.locked.<CLOCK>    readings serialised by a shared ticket lock: take
 *			  the lock, read, compare with the last value any CPU
 *			  published, publish, release.  The lock gives a total
 *			  order, so any decrease is a warp.  A ticket lock (not
 *			  a mutex, not test-and-set) hands the lock from CPU to
 *			  CPU in turn, so consecutive readings come from
 *			  different CPUs as often as possible, at the cost of
 *			  one cache-line transfer (the "gap" reported below).
 *   warp.lockfree.<CLOCK>  no lock: a shared atomic maximum is loaded BEFORE
 *			  the clock is read, so the reading must be >= it;
 *			  the reading is then published with a CAS loop.
 *			  Sound because the published value's reading came
 *			  before its CAS (the CAS stores it: a data
 *			  dependency), the CAS before our acquire load, and our
 *			  load before our reading (the vDSO reads the counter
 *			  ordered: lfence/rdtscp on x86, isb on arm64; and the
 *			  call is opaque to the compiler).
 *
 * Clocks: CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME,
 * CLOCK_MONOTONIC_COARSE.  Not CLOCK_REALTIME (nor its coarse twin, nor
 * CLOCK_TAI): clock_settimeofday, an NTP step and an inserted leap second
 * legitimately move them backwards, so a "warp" there could be a false
 * alarm caused by anyone on the machine.
 *
 * No tolerance: any warp fails.  What the run measured is stated: readings
 * per CPU, cross-CPU comparisons, the gap between a reading and the other
 * CPU's value it was compared with (the locked method cannot see a warp
 * smaller than that gap), warps and the largest one.  A point skips when
 * it could not compare CPUs (pinning failed, or too few cross-CPU
 * comparisons in its time), never because the numbers looked bad.
 *
 * Time: --duration S (or VDSOCONF_DURATION) is the total, default 2 s,
 * split evenly over the 8 points. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "case/case.h"
#include "case/clock.h"

#define MAX_CPUS 1024
/* Fewer cross-CPU comparisons than this and a point has not tested
 * cross-CPU monotonicity (it skips, saying so).  A point makes hundreds of
 * thousands of them even on a loaded machine, so 100 is orders of
 * magnitude below what any working run gives. */
#define MIN_CROSS 100

static const clockid_t warp_clocks[] = { CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME,
					 CLOCK_MONOTONIC_COARSE };
#define NCLOCKS (sizeof(warp_clocks) / sizeof(warp_clocks[0]))

struct worker {
	alignas(64) int cpu;	/* where it is pinned */
	int idx;
	pthread_t tid;
	int pin_rc;		/* case_pin(): 0 or -errno */
	int cpu_start, cpu_end;	/* sys_getcpu() after pinning, and at the end; -1 unknown */
	uint64_t readings, errors, warps, cross;
	int err_rc;
	int64_t max_warp;
	/* the first warp: this CPU read w_now after w_prev (published by worker
	 * w_from; -1 unknown, as in the lock-free method) */
	int64_t w_now, w_prev;
	int w_from;
	/* log2 histogram of reading - compared value when it came from another CPU */
	uint64_t gap_hist[64];
	int64_t gap_min;
};

static struct {
	vdso_clock_gettime_t cg;
	clockid_t clk;
	int locked;
	alignas(64) atomic_uint ready;
	atomic_int go, stop;
	/* the ticket lock and what it protects */
	alignas(64) atomic_uint next;
	alignas(64) atomic_uint owner;
	alignas(64) int64_t last;
	int last_from;
	/* the lock-free maximum */
	alignas(64) _Atomic int64_t max;
	/* cross-CPU comparisons so far, in steps of 64, for the main thread */
	alignas(64) atomic_uint cross_seen;
} S;

static inline void cpu_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ volatile("pause");
#elif defined(__aarch64__) || (defined(__arm__) && __ARM_ARCH >= 7)
	__asm__ volatile("yield");
#endif
}

static inline void relax(unsigned *k)
{
	if (++*k % 1024 == 0)
		sched_yield();	/* a preempted lock holder or waiter: let it run */
	else
		cpu_pause();
}

static void note_gap(struct worker *w, int64_t gap)
{
	if (gap < w->gap_min)
		w->gap_min = gap;
	/* bucket 0: gap 0; bucket b: [2^(b-1), 2^b) */
	w->gap_hist[gap > 0 ? 64 - __builtin_clzll((unsigned long long)gap) : 0]++;
}

static void note_warp(struct worker *w, int64_t prev, int64_t now, int from)
{
	if (!w->warps++) {
		w->w_now = now;
		w->w_prev = prev;
		w->w_from = from;
	}
	if (prev - now > w->max_warp)
		w->max_warp = prev - now;
}

static void run_locked(struct worker *w)
{
	struct timespec ts;

	while (!atomic_load_explicit(&S.stop, memory_order_relaxed)) {
		unsigned t = atomic_fetch_add_explicit(&S.next, 1, memory_order_relaxed), k = 0;
		int rc;

		while (atomic_load_explicit(&S.owner, memory_order_acquire) != t)
			relax(&k);
		rc = S.cg(S.clk, &ts);
		if (rc) {
			w->errors++;
			w->err_rc = rc;
		} else {
			int64_t now = ts_ns(&ts);

			if (S.last_from >= 0 && now < S.last)
				note_warp(w, S.last, now, S.last_from);
			if (S.last_from >= 0 && S.last_from != w->idx) {
				if (!(++w->cross & 63))
					atomic_fetch_add_explicit(&S.cross_seen, 64, memory_order_relaxed);
				if (now >= S.last)
					note_gap(w, now - S.last);
			}
			S.last = now;
			S.last_from = w->idx;
			w->readings++;
		}
		atomic_store_explicit(&S.owner, t + 1, memory_order_release);
	}
}

static void run_lockfree(struct worker *w)
{
	int64_t mine = INT64_MIN;	/* the last value this thread published */
	struct timespec ts;

	while (!atomic_load_explicit(&S.stop, memory_order_relaxed)) {
		int64_t m = atomic_load_explicit(&S.max, memory_order_acquire), now, cur;
		int rc = S.cg(S.clk, &ts);

		if (rc) {
			w->errors++;
			w->err_rc = rc;
			continue;
		}
		now = ts_ns(&ts);
		w->readings++;
		if (m != INT64_MIN && now < m)
			note_warp(w, m, now, -1);
		if (m != INT64_MIN && m != mine) {
			/* somebody else's value: a cross-CPU comparison */
			if (!(++w->cross & 63))
				atomic_fetch_add_explicit(&S.cross_seen, 64, memory_order_relaxed);
			if (now >= m)
				note_gap(w, now - m);
		}
		cur = m;
		while (now > cur)
			if (atomic_compare_exchange_weak_explicit(&S.max, &cur, now, memory_order_release,
								  memory_order_relaxed)) {
				mine = now;
				/* Without this back-off the publisher's next load
				 * hits its own cache line before the other CPU's CAS
				 * lands, and sees its own value: without it there
				 * are next to no cross-CPU comparisons at all. */
				cpu_pause();
				break;
			}
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned c, node, k = 0;

	w->pin_rc = case_pin(w->cpu);
	w->cpu_start = sys_getcpu(&c, &node) == 0 ? (int)c : -1;
	atomic_fetch_add(&S.ready, 1);
	while (!atomic_load_explicit(&S.go, memory_order_acquire))
		relax(&k);
	if (S.locked)
		run_locked(w);
	else
		run_lockfree(w);
	w->cpu_end = sys_getcpu(&c, &node) == 0 ? (int)c : -1;
	return NULL;
}

static int ncpus;
static int cpus[MAX_CPUS];

/* The histogram bucket holding the median, as text. */
static const char *median_text(const uint64_t *hist, uint64_t total, char *buf, size_t len)
{
	uint64_t acc = 0;

	for (int b = 0; b < 64; b++) {
		acc += hist[b];
		if (acc * 2 < total)
			continue;
		if (b == 0)
			snprintf(buf, len, "0 ns");
		else
			snprintf(buf, len, "in [%" PRIu64 ", %" PRIu64 ") ns", (uint64_t)1 << (b - 1), (uint64_t)1 << b);
		return buf;
	}
	return "?";
}

static void report_readings(const struct worker *w, int n)
{
	char buf[1024];
	size_t len = 0;

	for (int i = 0; i < n; i++) {
		if (len == 0)
			len = (size_t)snprintf(buf, sizeof(buf), "readings per CPU:");
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, " cpu%d=%" PRIu64, w[i].cpu, w[i].readings);
		if (i % 8 == 7 || i == n - 1) {
			case_diag("%s", buf);
			len = 0;
		}
	}
}

static void check(vdso_clock_gettime_t cg, clockid_t clk, int locked, double seconds)
{
	static struct worker w[MAX_CPUS];
	const char *method = locked ? "locked" : "lockfree";
	const char *name = clock_desc(clk)->name;
	uint64_t readings = 0, errors = 0, warps = 0, cross = 0, hist[64] = { 0 };
	int64_t max_warp = 0, gap_min = INT64_MAX;
	struct timespec ts, pause;
	const struct worker *first = NULL;
	int rc, created = 0, pinned = 0, err_rc = 0;

	if (!case_point("warp.%s.%s", method, name))
		return;
	rc = sys_clock_gettime(clk, &ts);
	if (rc) {
		case_skip("the kernel does not support %s (clock_gettime system call returns %d)", name, rc);
		return;
	}
	memset(w, 0, sizeof(w[0]) * (size_t)ncpus);
	S.cg = cg;
	S.clk = clk;
	S.locked = locked;
	atomic_store(&S.ready, 0);
	atomic_store(&S.go, 0);
	atomic_store(&S.stop, 0);
	atomic_store(&S.next, 0);
	atomic_store(&S.owner, 0);
	S.last = 0;
	S.last_from = -1;
	atomic_store(&S.max, INT64_MIN);
	atomic_store(&S.cross_seen, 0);

	for (int i = 0; i < ncpus; i++) {
		w[i].cpu = cpus[i];
		w[i].idx = i;
		w[i].cpu_start = w[i].cpu_end = -1;
		w[i].gap_min = INT64_MAX;
		rc = pthread_create(&w[i].tid, NULL, worker_main, &w[i]);
		if (rc) {
			case_diag("could not start the thread for CPU %d: %s", cpus[i], strerror(rc));
			break;
		}
		created++;
	}
	for (unsigned k = 0; atomic_load(&S.ready) < (unsigned)created;)
		relax(&k);
	atomic_store_explicit(&S.go, 1, memory_order_release);
	pause.tv_sec = (time_t)seconds;
	pause.tv_nsec = (long)((seconds - (double)pause.tv_sec) * 1e9);
	while (nanosleep(&pause, &pause) && errno == EINTR)
		;
	/* a loaded machine gives the threads little time together: extend, up
	 * to four times the budget, until MIN_CROSS comparisons were made */
	for (int extra = 0; extra < (int)(3 * seconds / 0.05) &&
			    atomic_load_explicit(&S.cross_seen, memory_order_relaxed) < MIN_CROSS; extra++) {
		struct timespec step = { 0, 50000000 };

		while (nanosleep(&step, &step) && errno == EINTR)
			;
		seconds += 0.05;
	}
	atomic_store(&S.stop, 1);
	for (int i = 0; i < created; i++)
		pthread_join(w[i].tid, NULL);

	case_diag("%s through the target's clock_gettime, %s, %.3f s, %d threads", name,
		  locked ? "serialised by a ticket lock" : "lock-free against an atomic maximum", seconds,
		  created);
	for (int i = 0; i < created; i++) {
		readings += w[i].readings;
		errors += w[i].errors;
		cross += w[i].cross;
		if (w[i].errors)
			err_rc = w[i].err_rc;
		if (w[i].warps && !first)
			first = &w[i];
		warps += w[i].warps;
		if (w[i].max_warp > max_warp)
			max_warp = w[i].max_warp;
		if (w[i].gap_min < gap_min)
			gap_min = w[i].gap_min;
		for (int b = 0; b < 64; b++)
			hist[b] += w[i].gap_hist[b];
		if (w[i].pin_rc)
			case_diag("thread for CPU %d: pinning failed (%s)", w[i].cpu, strerror(-w[i].pin_rc));
		else if (w[i].cpu_start != w[i].cpu || w[i].cpu_end != w[i].cpu)
			case_diag("thread for CPU %d: pinned, but getcpu() said CPU %d at the start and %d at the end",
				  w[i].cpu, w[i].cpu_start, w[i].cpu_end);
		else
			pinned++;
	}
	report_readings(w, created);
	if (cross) {
		uint64_t n = 0;
		char med[64];

		for (int b = 0; b < 64; b++)
			n += hist[b];
		case_diag("cross-CPU comparisons: %" PRIu64 "; reading minus the other CPU's value: min %" PRId64
			  " ns, median %s%s",
			  cross, n ? gap_min : 0, median_text(hist, n, med, sizeof(med)),
			  locked ? " (the locked method sees warps larger than this gap)" : "");
	} else {
		case_diag("cross-CPU comparisons: 0");
	}
	case_diag("warps: %" PRIu64 ", largest %" PRId64 " ns", warps, max_warp);

	if (warps) {
		char from[32] = "some CPU";

		if (first->w_from >= 0)
			snprintf(from, sizeof(from), "CPU %d", w[first->w_from].cpu);
		case_fail("expected every reading >= the last one published by any CPU; seen %" PRIu64
			  " warps in %" PRIu64 " readings, largest %" PRId64 " ns; first: CPU %d read %" PRId64
			  ".%09" PRId64 " after %s published %" PRId64 ".%09" PRId64 " (%" PRId64 " ns back)",
			  warps, readings, max_warp, first->cpu, first->w_now / 1000000000,
			  first->w_now % 1000000000, from, first->w_prev / 1000000000, first->w_prev % 1000000000,
			  first->w_prev - first->w_now);
	} else if (errors) {
		case_fail("expected 0 from clock_gettime(%s), seen %d in %" PRIu64 " of %" PRIu64 " calls", name,
			  err_rc, errors, errors + readings);
	} else if (pinned < 2) {
		case_skip("only %d of %d threads ran pinned where asked: no cross-CPU comparison", pinned, ncpus);
	} else if (cross < MIN_CROSS) {
		case_skip("only %" PRIu64 " cross-CPU comparisons in %.3f s (need %d): the machine gave the threads too little time together; rerun with --duration",
			  cross, seconds, MIN_CROSS);
	} else {
		case_pass();
	}
}

static void setup(struct case_ctx *ctx)
{
	(void)ctx;
	ncpus = case_cpus(cpus, MAX_CPUS);
	if (ncpus < 2)
		ksft_exit_skip("cross-CPU warps need 2 CPUs; the affinity mask allows %d\n", ncpus);
}

static void run(struct case_ctx *ctx)
{
	vdso_clock_gettime_t cg = (vdso_clock_gettime_t)case_fn(ctx, "clock_gettime");
	double total = case_duration(ctx, 2.0), each = total / (2 * NCLOCKS);

	if (each <= 0)
		each = 2.0 / (2 * NCLOCKS);
	case_diag("%d CPUs in the affinity mask; %.3f s per point", ncpus, each);
	for (size_t i = 0; i < NCLOCKS; i++) {
		check(cg, warp_clocks[i], 1, each);
		check(cg, warp_clocks[i], 0, each);
	}
}

static const struct case_spec spec = {
	.name = "warp",
	.needs = CASE_NEED_VDSO,
	.roles = (const char *const[]){ "clock_gettime", NULL },
	.setup = setup,
	.run = run,
};
CASE_MAIN(spec)
