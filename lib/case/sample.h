/* SPDX-License-Identifier: MIT */
/* Signal sampling of interrupted PCs while a vDSO function runs in a
 * tight loop, and the mremap (CRIU) check.  Used by cases/pc.c. */
#ifndef VDSOCONF_CASE_SAMPLE_H
#define VDSOCONF_CASE_SAMPLE_H

#include "target.h"

/* Fewer samples than this in four CPU budgets means the timer hardly fired:
 * a 250 Hz tick gives ~62 in 0.25 s, an emulator (QEMU TCG) loses some;
 * 25 still tell 0% from 85% of samples in system calls beyond doubt. */
#define SAMPLE_MIN 25
/*
 * A tick that interrupts a system call delivers its signal on the return
 * to user space, so the sampled PC sits right after the syscall
 * instruction.  A fast path makes no system call: next to none of its
 * samples land there.  A fallback spends nearly all its time in the
 * kernel: most of them do.  The ceiling sits between, far from both; the
 * fraction that ran vDSO code is reported, not judged, because for a
 * few-instruction call such as time() the test loop itself takes a large
 * share of the samples.
 */
#define SAMPLE_SYSCALL_CEIL 0.50

struct sample_result {
	unsigned samples;	/* PCs recorded */
	unsigned in_text;	/* inside the target's text, not after a syscall */
	unsigned after_syscall;	/* anywhere, right after a syscall instruction */
	unsigned misclassified;	/* classifier and /proc/self/maps disagree */
	uintptr_t bad_pc;
	int bad_in_map;
	unsigned bad_values;	/* interrupted calls that returned wrong values */
	char bad_value_why[256];
	double fast_fraction;	/* in_text / samples */
	double syscall_fraction;	/* after_syscall / samples */
	double cpu_seconds;
};

#define SAMPLE_UNSUPPORTED (-2)
/* 0 with r filled, -1 with why (set-up failed; nothing measured), or
 * SAMPLE_UNSUPPORTED with why (no way to sample on this architecture). */
int sample_run(const struct case_ctx *ctx, const char *role, struct sample_result *r, char *why, size_t len);
/* Roles whose fast path depends on the clocksource. */
int sample_needs_clocksource(const char *role);
/* Move [vvar..vdso] in a child, reopen, call and classify there.  0 or -1 + why. */
int sample_mremap_child(const struct case_ctx *ctx, char *why, size_t len);

#endif
