/* SPDX-License-Identifier: MIT */
/*
 * Known kernel defects: divergences between a vDSO entry point and its
 * system call that the kernel itself gets wrong, each described once here
 * (what, where in the kernel source, since which release) and recognised
 * by its exact shape wherever it shows: every entry point (time32, time64,
 * compat) and every architecture.  A case reports a recognised defect as
 * XFAIL "known kernel defect ID (...)", which the runner collects per
 * kernel; a divergence of any other shape, or of this shape on a kernel
 * older than the defect, is an ordinary failure.
 *
 * The kernel a defect is judged against is the one that built the vDSO:
 * its Linux version note (the running kernel for the live vDSO; a fake's
 * own note otherwise), else the running kernel.
 */
#ifndef VDSOCONF_CASE_KNOWN_H
#define VDSOCONF_CASE_KNOWN_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "case/target.h"

enum case_known_id {
	KNOWN_GETRES_CLOCK_AUX,
	KNOWN_GETRANDOM_RANDOM_INSECURE,
	KNOWN_COUNT
};

struct case_known_defect {
	const char *id;		/* stable: reports and the runner key on it */
	uint32_t since;		/* VDSO_KV() of the first release showing it */
	const char *where;	/* the kernel source that causes it */
	const char *what;	/* the defect, one sentence */
};

const struct case_known_defect *case_known_defect(enum case_known_id id);

/* The kernel whose vDSO the target is (see above). */
uint32_t case_known_kernel(const struct case_ctx *ctx);

/* Whether the target's kernel is one that has the defect. */
int case_known_possible(const struct case_ctx *ctx, enum case_known_id id);

/*
 * KNOWN_GETRES_CLOCK_AUX, one clock_getres call (any entry point): an
 * auxiliary clock id that the syscall rejects with EINVAL, answered by the
 * vDSO with 0 and, when a res was given, exactly {0, 1} (1 ns).
 */
int case_known_getres_aux(const struct case_ctx *ctx, clockid_t id, int sys_rc, int vdso_rc, int has_res,
			  int64_t res_sec, int64_t res_nsec);

/*
 * KNOWN_GETRANDOM_RANDOM_INSECURE: flags with both GRND_RANDOM and
 * GRND_INSECURE (GRND_NONBLOCK allowed, no unknown bit), refused by the
 * syscall with EINVAL, served in full by the vDSO.
 */
int case_known_getrandom_flags(const struct case_ctx *ctx, unsigned flags, ssize_t vdso_rc, size_t want,
			       ssize_t sys_rc);

/* "known kernel defect ID (since V, WHERE)": the start of the XFAIL
 * reason, which the runner keys on; into buf. */
char *case_known_label(enum case_known_id id, char *buf, size_t len);

#endif
