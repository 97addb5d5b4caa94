/* SPDX-License-Identifier: MIT */
/*
 * The witness: a child forked before any namespace change, which stays in
 * the host's time namespace and reads every clock a namespace offsets
 * (timens_clocks) by the system call whenever asked through a pipe.  Its
 * readings are host time made after the request: the reference that a
 * reading in another namespace, minus that namespace's offset, is judged
 * against.
 */
#ifndef VDSOCONF_CASE_TIMENS_WITNESS_H
#define VDSOCONF_CASE_TIMENS_WITNESS_H

#include <stdint.h>
#include <sys/types.h>

#include "case/result.h"
#include "case/timens.h"

struct witness {
	int req, rep;
	pid_t pid;
};

struct wread {
	int rc[TIMENS_NCLOCKS];
	int64_t v[TIMENS_NCLOCKS];
};

/*
 * A chain: readings of one clock in the order they were made, by the
 * witness or in a namespace, each with that namespace's offset.  Each
 * reading minus its offset is host time, which cannot go back: tolerance
 * 0 ns.
 */
struct link {
	int rc, vdso;
	int64_t v, off;
	const char *who;	/* "the witness (host)", "the syscall in namespace C", ... */
};

#define MAXLINKS 16
struct chain {
	int n;
	struct link l[MAXLINKS];
};

/* the witness's reading of timens_clocks[i] as the next link */
void witness_chain_add(struct chain *c, const struct wread *w, int i);
/* r after one more chain of timens_clocks[i]: the first failure sticks, a
 * syscall's EINVAL makes it a skip; widest grows to the chain's span */
void witness_chain_judge(struct case_result *r, const struct chain *c, int i, int64_t *widest);

/* 0 with the witness running, -1 (errno set) */
int witness_start(struct witness *w);
/* The witness's readings, made after this call began: 0, or -1. */
int witness_read(const struct witness *w, struct wread *r);
void witness_stop(struct witness *w);

#endif
