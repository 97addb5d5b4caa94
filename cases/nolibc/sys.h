/* SPDX-License-Identifier: MIT */
/* The system calls this program makes, typed, over arch.h's sys6(), and
 * the kernel's structures in the ABI's own widths. */
#ifndef NOLIBC_SYS_H
#define NOLIBC_SYS_H

#include <stddef.h>

#include "arch.h"

/* the kernel's "long" of this ABI: x32 is an ILP32 program of a 64-bit
 * kernel, whose time_t, timespec and timeval fields are 64 bits */
#if defined(__x86_64__) && defined(__ILP32__)
typedef long long kword;
#else
typedef long kword;
#endif

struct k_timespec {	/* what clock_gettime fills on this ABI */
	kword sec, nsec;
};
struct k_timespec64 {	/* clock_gettime64's, on 32-bit ABIs */
	long long sec, nsec;
};
struct k_timeval {
	kword sec, usec;
};

#define sys0(n) sys6(n, 0, 0, 0, 0, 0, 0)
#define sys1(n, a) sys6(n, (long)(a), 0, 0, 0, 0, 0)
#define sys2(n, a, b) sys6(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define sys3(n, a, b, c) sys6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)

static inline long sys_write(int fd, const void *buf, size_t len)
{
	return sys3(NR_write, fd, buf, len);
}

static inline __attribute__((noreturn)) void sys_exit(int code)
{
	for (;;)
		sys1(NR_exit_group, code);
}

static inline long sys_clock_gettime(int clk, struct k_timespec *ts)
{
	return sys2(NR_clock_gettime, clk, ts);
}

#ifdef NR_clock_gettime64
static inline long sys_clock_gettime64(int clk, struct k_timespec64 *ts)
{
	return sys2(NR_clock_gettime64, clk, ts);
}
#endif

static inline long sys_gettimeofday(struct k_timeval *tv)
{
	return sys2(NR_gettimeofday, tv, 0);
}

#ifdef NR_time
/* through the pointer: the return value is a long, narrower than x32's time_t */
static inline long sys_time(kword *t)
{
	return sys1(NR_time, t);
}
#endif

static inline long sys_getcpu(unsigned *cpu, unsigned *node)
{
	return sys3(NR_getcpu, cpu, node, 0);
}

static inline long sys_sched_setaffinity(size_t len, const unsigned long *mask)
{
	return sys3(NR_sched_setaffinity, 0, len, mask);
}

static inline long sys_sched_getaffinity(size_t len, unsigned long *mask)
{
	return sys3(NR_sched_getaffinity, 0, len, mask);
}

static inline long sys_mincore(const void *addr, size_t len, unsigned char *vec)
{
	return sys3(NR_mincore, addr, len, vec);
}

#endif
