/* SPDX-License-Identifier: MIT */
/* What the time cases share: the clock table, the system calls that are
 * every vDSO function's reference (raw, never through libc's vDSO use),
 * the vDSO function types, CPU pinning, and a seccomp trap recorder. */
#ifndef VDSOCONF_CASE_CLOCK_H
#define VDSOCONF_CASE_CLOCK_H

#include <stddef.h>
#include <sched.h>
#include <stdint.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>

#include "target.h"

enum clock_flags {
	CLK_HRES = 1,		/* read from the clocksource: fast only with a vDSO mode */
	CLK_COARSE = 2,		/* the last tick's time: fast on any clocksource */
	CLK_CPUTIME = 4,	/* per process/thread: the vDSO always makes the syscall */
	CLK_ALARM = 8,		/* the vDSO has no path for these either */
	CLK_TIMENS_MONO = 16,	/* shifted by a time namespace's monotonic offset */
	CLK_TIMENS_BOOT = 32,	/* shifted by its boottime offset */
	CLK_INVALID = 64,	/* id 10 (CLOCK_SGI_CYCLE, removed): EINVAL */
};

struct clock_desc {
	clockid_t id;
	const char *name;
	unsigned flags;
	clockid_t fine;		/* for a coarse clock, its high-resolution twin */
};

/* Clock ids 0..11 in order. */
extern const struct clock_desc clock_table[12];
/* Invalid ids every path must reject with EINVAL. */
extern const clockid_t clock_invalid_ids[5];
extern const char *const clock_invalid_names[5];

/* The table entry of a static id, NULL otherwise. */
const struct clock_desc *clock_desc(clockid_t id);
/* "CLOCK_MONOTONIC", or "CLOCK_ID_<n>" for ids outside the table. */
const char *clock_name(clockid_t id, char *buf, size_t len);

typedef int (*vdso_clock_gettime_t)(clockid_t, struct timespec *);
typedef int (*vdso_clock_getres_t)(clockid_t, struct timespec *);
typedef int (*vdso_gettimeofday_t)(struct timeval *, struct timezone *);
typedef time_t (*vdso_time_t)(time_t *);
typedef int (*vdso_getcpu_t)(unsigned *, unsigned *, void *);
typedef ssize_t (*vdso_getrandom_t)(void *, size_t, unsigned int, void *, size_t);

/* The references: raw system calls, returning 0 (or the value) or -errno,
 * the same convention as the vDSO functions. */
int sys_clock_gettime(clockid_t id, struct timespec *ts);
int sys_clock_getres(clockid_t id, struct timespec *res);
int sys_gettimeofday(struct timeval *tv, struct timezone *tz);
long sys_time(time_t *t);
int sys_getcpu(unsigned *cpu, unsigned *node);
long sys_getrandom(void *buf, size_t len, unsigned int flags);
/* 32-bit ABIs: the 64-bit time calls (struct __kernel_timespec); -ENOSYS
 * where the ABI has none. */
long sys_clock_gettime64(clockid_t id, void *ts);

static inline int64_t ts_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static inline int64_t tv_us(const struct timeval *t)
{
	return (int64_t)t->tv_sec * 1000000 + t->tv_usec;
}

/* CPUs this process may run on, in order; returns the count. */
int case_cpus(int *cpus, int max);
/* Pin the calling thread to one CPU; 0 or -errno. */
int case_pin(int cpu);

/* The CPUs a check visits in turn, and the mask to give back after. */
#define CASE_MAX_CPUS 256
struct case_cpuset {
	int n;
	int cpu[CASE_MAX_CPUS];
	cpu_set_t orig;
	int have_orig;
};
void case_cpuset_init(struct case_cpuset *s);
/* Pin to the k-th CPU (modulo n); nothing to do with a single CPU. */
void case_cpuset_pin(const struct case_cpuset *s, int k);
void case_cpuset_restore(const struct case_cpuset *s);

/* CLOCK_MONOTONIC by the system call, for time budgets. */
int64_t case_mono_ns(void);

/* A seccomp filter that answers the given system calls with
 * SECCOMP_RET_TRAP; each trap is counted in case_traps (the syscall is
 * not made and returns -ENOSYS).  Irreversible: call it in a child. */
int case_seccomp_trap(const long *nrs, size_t n);
/* Every time-related system call a vDSO function may fall back to. */
int case_seccomp_trap_time(void);
struct case_traps {
	volatile unsigned count;
	volatile long last_nr;
};
extern struct case_traps case_traps;

/* --duration S on the command line, else VDSOCONF_DURATION, else dflt
 * (seconds).  Soak runs make the time-budgeted checks longer. */
double case_duration(const struct case_ctx *ctx, double dflt);

#endif
