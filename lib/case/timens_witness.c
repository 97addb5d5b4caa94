/* SPDX-License-Identifier: MIT */
#include "timens_witness.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "clock.h"

int witness_start(struct witness *w)
{
	int a[2], b[2];

	if (pipe2(a, O_CLOEXEC))
		return -1;
	if (pipe2(b, O_CLOEXEC)) {
		close(a[0]);
		close(a[1]);
		return -1;
	}
	fflush(NULL);
	w->pid = fork();
	if (w->pid == 0) {
		char c;

		alarm(60);
		close(a[1]);
		close(b[0]);
		while (case_read_full(a[0], &c, 1) == 0) {
			struct wread r;

			for (int i = 0; i < TIMENS_NCLOCKS; i++) {
				struct timespec t = { 0, 0 };

				r.rc[i] = sys_clock_gettime(timens_clocks[i], &t);
				r.v[i] = ts_ns(&t);
			}
			case_write_full(b[1], &r, sizeof(r));
		}
		_exit(0);
	}
	close(a[0]);
	close(b[1]);
	w->req = a[1];
	w->rep = b[0];
	if (w->pid < 0) {
		close(w->req);
		close(w->rep);
		return -1;
	}
	return 0;
}

int witness_read(const struct witness *w, struct wread *r)
{
	case_write_full(w->req, "r", 1);
	return case_read_full(w->rep, r, sizeof(*r));
}

void witness_stop(struct witness *w)
{
	char how[96];

	close(w->req);
	close(w->rep);
	case_wait(w->pid, how, sizeof(how));
}

static const char *cname(clockid_t id)
{
	static char buf[32];

	return clock_name(id, buf, sizeof(buf));
}

void witness_chain_add(struct chain *c, const struct wread *w, int i)
{
	if (c->n < MAXLINKS)
		c->l[c->n++] = (struct link){ w->rc[i], 0, w->v[i], 0, "the witness's syscall (never left the host)" };
}

void witness_chain_judge(struct case_result *r, const struct chain *c, int i, int64_t *widest)
{
	char a_s[32], b_s[32], h_s[32], g_s[32], d_s[32];

	if (r->status == CASE_R_FAIL || r->status == CASE_R_SKIP)
		return;
	for (int k = 0; k < c->n; k++) {
		const struct link *l = &c->l[k];

		if (l->rc == -EINVAL && !l->vdso) {
			case_result_set(r, CASE_R_SKIP, "the clock_gettime syscall says EINVAL for %s%s", cname(timens_clocks[i]),
				timens_clocks[i] == CLOCK_BOOTTIME_ALARM ? " (alarm clocks need an RTC with alarm support)" : "");
			return;
		}
		if (l->rc) {
			case_result_set(r, CASE_R_FAIL, "%s: %s returned %d (%s)", cname(timens_clocks[i]), l->who, l->rc,
				strerror(l->rc < 0 ? -l->rc : l->rc));
			return;
		}
	}
	for (int k = 1; k < c->n; k++) {
		const struct link *p = &c->l[k - 1], *l = &c->l[k];
		int64_t hp = p->v - p->off, hl = l->v - l->off;

		if (hl < hp) {
			case_result_set(r, CASE_R_FAIL,
				"%s read by %s: %s s, host time %s s (its namespace's offset %s s taken off), is %s s "
				"before the host time of the reading just before it, by %s: %s s; every reading "
				"minus its namespace's offset is host time, which cannot go back (an offset stale, "
				"missing, doubled, or not the syscall's)",
				cname(timens_clocks[i]), l->who, timens_fmt_ns(l->v, a_s, sizeof(a_s)),
				timens_fmt_ns(hl, h_s, sizeof(h_s)), timens_fmt_ns(l->off, d_s, sizeof(d_s)),
				timens_fmt_ns(hp - hl, g_s, sizeof(g_s)), p->who, timens_fmt_ns(hp, b_s, sizeof(b_s)));
			return;
		}
	}
	if (c->n > 1 && c->l[c->n - 1].v - c->l[c->n - 1].off - (c->l[0].v - c->l[0].off) > *widest)
		*widest = c->l[c->n - 1].v - c->l[c->n - 1].off - (c->l[0].v - c->l[0].off);
	r->status = CASE_R_PASS;
}
