/* SPDX-License-Identifier: MIT */
/*
 * Every exported vDSO function called with valid arguments, by role, for
 * the cases that look at how a call behaves (callabi, signals, unwind)
 * rather than at its value: the arguments of a call, a direct call, and a
 * check of the result against system calls made just before and just
 * after it (the bracket of the clock cases).  A signal handler calls it
 * too: the calls and checks use raw system calls and no locks or memory
 * allocation; only a failure is formatted (snprintf).
 */
#ifndef VDSOCONF_CASE_CALLFN_H
#define VDSOCONF_CASE_CALLFN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>
#include <time.h>

#include "target.h"

enum callfn_id {
	CF_CLOCK_GETTIME,
	CF_GETTIMEOFDAY,
	CF_TIME,
	CF_CLOCK_GETRES,
	CF_GETCPU,
	CF_GETRANDOM,
	CF_CLOCK_GETTIME64,
	CF_COUNT
};

/* "clock_gettime", ... (the role names of target.h) */
const char *callfn_role(enum callfn_id id);

/* The variants of a role's call: the clocks, for the clock functions. */
unsigned callfn_variants(enum callfn_id id);
/* "clock_gettime(CLOCK_BOOTTIME)" into buf */
const char *callfn_describe(enum callfn_id id, unsigned variant, char *buf, size_t len);

/* What one call needs and leaves. */
struct callfn_state {
	enum callfn_id id;
	unsigned variant;
	union {
		struct timespec ts;
		struct timeval tv;
		time_t t;
		unsigned char buf[32];
		struct {
			int64_t sec, nsec;
		} ts64;
		struct {
			unsigned cpu, node;
		} cpu;
	} out;
	struct timezone tz;
	time_t tloc;
	int64_t before;		/* the reference before the call */
	int have_after;		/* after: the reference after, already taken */
	int64_t after;
	int res_rc;		/* clock_getres: the system call's answer */
	struct timespec res;
};

/* The getrandom state every getrandom call uses (set by the case). */
struct callfn_random {
	void *state;
	size_t state_len;
};
extern struct callfn_random callfn_random;

/*
 * Architectures whose vDSO reports errors outside the return value:
 * powerpc sets CR0[SO] and returns the positive errno (callfn_ppc.c).
 * Everywhere else a failure is -errno in the return register.
 */
#if (defined(__powerpc64__) && defined(_CALL_ELF) && _CALL_ELF == 2) || \
	(defined(__powerpc__) && !defined(__powerpc64__))
#define CALLFN_SO 1
#else
#define CALLFN_SO 0
#endif

/* An address to call raw (a vDSO function) through as a C function that
 * returns -errno on failure: raw itself where that is the convention, a
 * trampoline that converts on powerpc (NULL when none is left). */
void *callfn_callable(void *raw);
/* One call of role id at fn with a[], as the vDSO returns it: the return
 * register, and in *flag the architecture's error flag (CR0[SO] on
 * powerpc, always 0 elsewhere). */
uintptr_t callfn_raw(const void *fn, enum callfn_id id, const uintptr_t a[5], int *flag);

/* Once, before any call (outside a signal handler). */
void callfn_init(void);
/* Makes the "before" reference and fills a[] with the call's arguments. */
void callfn_prepare(struct callfn_state *s, enum callfn_id id, unsigned variant, uintptr_t a[5]);
/* Calls fn (a raw vDSO address) directly with a[]; the integer return
 * value, -errno on failure on every architecture. */
intptr_t callfn_direct(const void *fn, enum callfn_id id, const uintptr_t a[5]);
/* ret as the function's return type gives it (int sign-extended). */
intptr_t callfn_ret(enum callfn_id id, uintptr_t raw);
/* The reference after the call, now: to judge several calls made
 * between the same two references, set have_after and after. */
int64_t callfn_after(const struct callfn_state *s);
/* After the call: the "after" reference (unless given) and the check.
 * 0, or -1 with why. */
int callfn_check(const struct callfn_state *s, intptr_t ret, char *why, size_t len);

#endif
