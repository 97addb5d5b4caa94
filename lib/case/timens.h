/* SPDX-License-Identifier: MIT */
/* Time and user namespaces: entering one, and asking whether a case can. */
#ifndef VDSOCONF_CASE_TIMENS_H
#define VDSOCONF_CASE_TIMENS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "clock.h"
#include "result.h"

enum { TIMENS_OK, TIMENS_SKIP, TIMENS_FAIL };

/*
 * unshare(CLONE_NEWTIME) and write the offsets (ns; [0] monotonic, [1]
 * boottime) to /proc/self/timens_offsets: the calling process stays where
 * it is, its children from now on are in the new namespace.  The kernel
 * allows the offsets only while no process is in it, so call it in a
 * forked helper before its first fork.  A process without CAP_SYS_ADMIN
 * and CAP_SYS_TIME first enters a new user namespace (userns_enter), which
 * then owns the time namespace: the calling process changes user namespace
 * for good.  TIMENS_OK, or TIMENS_SKIP (a kernel without time namespaces,
 * or a machine or sandbox that refuses them or the user namespace: no
 * verdict on the vDSO) or TIMENS_FAIL, with why.
 */
int timens_enter(const int64_t off[2], char *why, size_t len);

/* unshare(CLONE_NEWUSER), then "deny" to /proc/self/setgroups and this
 * process's uid and gid mapped to 0: root in the new namespace, with its
 * capabilities there.  TIMENS_OK, _SKIP (the machine forbids it; why names
 * the setting when a known sysctl does) or _FAIL, with why. */
int userns_enter(char *why, size_t len);

/* Whether a forked child can enter a time namespace with offsets the way
 * timens_enter does (0), or 1 with the reason in why. */
int timens_unavailable(char *why, size_t len);
/* Whether a forked child can enter a user namespace (0), or 1 with why. */
int userns_unavailable(char *why, size_t len);

/* The clocks a time namespace shifts: the first three by its monotonic
 * offset, the last two by its boottime offset (timens_add_monotonic/
 * _boottime in the kernel; the vDSO's offset[] has one slot per clock). */
#define TIMENS_NCLOCKS 5
#define TIMENS_IS_BOOT(i) ((i) >= 3)
extern const clockid_t timens_clocks[TIMENS_NCLOCKS];

/* Inside a namespace, fn against the syscall: sys <= vDSO <= sys,
 * TIMENS_ITERS times, exact (the namespace's clock is the host's plus a
 * constant); a skip when the syscall says EINVAL. */
#define TIMENS_ITERS 100
void timens_bracket_clock(vdso_clock_gettime_t fn, clockid_t id, struct case_result *r);
/* All of timens_clocks as one result; where says where it ran. */
void timens_bracket_all(vdso_clock_gettime_t fn, struct case_result *out, const char *where);

/* "-12.345678901" (s) */
const char *timens_fmt_ns(int64_t ns, char *buf, size_t len);

#endif
