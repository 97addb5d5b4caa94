/* SPDX-License-Identifier: MIT */
#include "timens_cross.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "child.h"
#include "timens.h"

/* what the helper and the namespace's first process report */
struct cross_shared {
	int setup_status;	/* CASE_R_NONE: the namespace was made */
	char setup[320];
	int64_t off[2];		/* monotonic, boottime (ns) */
	int done;
	struct case_result res[CROSS_MAX];
	int late[CROSS_MAX];
	char first[96];		/* how the namespace's first process ended */
};

static void first_process(struct roll_probe *p, int n, struct cross_shared *sh)
{
	alarm(CROSS_ALARM_S);
	roll_run(p, n, 0);
	for (int i = 0; i < n; i++) {
		sh->res[i] = p[i].res;
		sh->late[i] = p[i].late;
	}
	sh->done = 1;
}

static void helper(struct roll_probe *p, int n, int64_t at_sec, int64_t lead, struct cross_shared *sh)
{
	int rc1, rc2;
	int64_t mono, boot;
	pid_t pid;

	alarm(CROSS_ALARM_S);
	/* the 64-bit system call: a 32-bit ABI's time32 one would do too
	 * here (the host is far below 2^31 s), but not in the namespace */
	mono = roll_clock_ns(CLOCK_MONOTONIC, &rc1);
	boot = roll_clock_ns(CLOCK_BOOTTIME, &rc2);
	if (rc1 || rc2) {
		sh->setup_status = CASE_R_FAIL;
		snprintf(sh->setup, sizeof(sh->setup), "the clock_gettime syscall failed for the host's clocks: %s",
			 strerror(-(rc1 ? rc1 : rc2)));
		return;
	}
	sh->off[0] = at_sec * ROLL_NS - mono - lead;
	sh->off[1] = at_sec * ROLL_NS - boot - lead;
	switch (timens_enter(sh->off, sh->setup, sizeof(sh->setup))) {
	case TIMENS_SKIP:
		sh->setup_status = CASE_R_SKIP;
		return;
	case TIMENS_FAIL:
		sh->setup_status = CASE_R_FAIL;
		return;
	}
	fflush(NULL);
	pid = fork();	/* the namespace's first process */
	if (pid == 0) {
		first_process(p, n, sh);
		_exit(0);
	}
	if (pid < 0) {
		snprintf(sh->first, sizeof(sh->first), "could not be forked: %s", strerror(errno));
		return;
	}
	case_wait(pid, sh->first, sizeof(sh->first));
}

static const char *fmt_s(int64_t ns, char *buf, size_t len)
{
	return timens_fmt_ns(ns, buf, len);
}

int cross_in_timens(struct roll_probe *p, int n, int64_t at_sec, int64_t budget_ns, char *diag, size_t dlen, char *why,
		    size_t wlen)
{
	struct cross_shared *sh;
	struct roll_probe q[CROSS_MAX];
	int idx[CROSS_MAX], todo[CROSS_MAX], attempt, m = n, slow = 0;
	char how[96], o1[32], o2[32];
	int64_t lead = CROSS_LEAD_NS, t0;

	if (n > CROSS_MAX) {
		snprintf(why, wlen, "%d probes, at most %d fit the shared page", n, CROSS_MAX);
		return TIMENS_FAIL;
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		snprintf(why, wlen, "mmap of the shared result page: %s", strerror(errno));
		return TIMENS_FAIL;
	}
	for (int i = 0; i < n; i++)
		todo[i] = 1;
	/* one namespace per attempt, for the probes that have not crossed yet:
	 * a verdict reached stays */
	t0 = roll_mono_ns();
	/* a new attempt while it can end within budget: lead + reading */
	for (attempt = 1; m && (attempt == 1 || roll_mono_ns() + lead + CROSS_READ_NS <= t0 + budget_ns); attempt++) {
		pid_t pid;

		m = 0;
		for (int i = 0; i < n; i++) {
			if (!todo[i])
				continue;
			idx[m] = i;
			q[m] = p[i];
			q[m].attempt = attempt;
			m++;
		}
		memset(sh, 0, sizeof(*sh));
		fflush(NULL);
		pid = fork();
		if (pid == 0) {
			helper(q, m, at_sec, lead, sh);
			_exit(0);
		}
		if (pid < 0) {
			snprintf(why, wlen, "fork of the namespace helper: %s", strerror(errno));
			munmap(sh, sizeof(*sh));
			return TIMENS_FAIL;
		}
		case_wait(pid, how, sizeof(how));
		if (sh->setup_status != CASE_R_NONE || !sh->done) {
			int skip = sh->setup_status == CASE_R_SKIP;

			if (sh->setup_status != CASE_R_NONE)
				snprintf(why, wlen, "%s", sh->setup);
			else
				snprintf(why, wlen, "the namespace's first process did not report: the helper %s, the "
					 "first process %s", how, sh->first[0] ? sh->first : "never started");
			munmap(sh, sizeof(*sh));
			return skip ? TIMENS_SKIP : TIMENS_FAIL;
		}
		slow = 0;
		for (int k = 0; k < m; k++) {
			p[idx[k]].res = sh->res[k];
			p[idx[k]].late = sh->late[k];
			todo[idx[k]] = sh->late[k] != 0;
			slow |= sh->late[k] == ROLL_LATE;
		}
		m = 0;
		for (int i = 0; i < n; i++)
			m += todo[i];
		if (slow && lead < CROSS_LEAD_MAX_NS)
			lead *= 4;
	}
	snprintf(diag, dlen,
		 "%d time namespace(s), each with offsets that bring CLOCK_MONOTONIC and CLOCK_BOOTTIME to %" PRId64
		 " s %.0f ms after they are written, until every probe was read across it; the last: monotonic %s s, "
		 "boottime %s s",
		 attempt - 1, at_sec, (double)lead / 1e6, fmt_s(sh->off[0], o1, sizeof(o1)),
		 fmt_s(sh->off[1], o2, sizeof(o2)));
	munmap(sh, sizeof(*sh));
	return TIMENS_OK;
}
