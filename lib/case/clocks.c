/* SPDX-License-Identifier: MIT */
#include "clocks.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "timecheck.h"

static void add_clock(struct case_clock *c, clockid_t id, const char *name, const struct clock_desc *desc,
		      int unavailable)
{
	struct timespec t;

	c->id = id;
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->desc = desc;
	c->unavailable = unavailable;
	c->sys_rc = unavailable ? -EINVAL : sys_clock_gettime(id, &t);
}

void case_clocks(struct case_clock out[CASE_NCLOCKS])
{
	clockid_t id = 0;
	unsigned n = 0;
	int rc;

	for (unsigned i = 0; i < 12; i++, n++)
		add_clock(&out[n], clock_table[i].id, clock_table[i].name, &clock_table[i], 0);
	rc = clock_getcpuclockid(0, &id);
	add_clock(&out[n++], id, "process_cpuclock", NULL, rc != 0);
	id = 0;
	rc = pthread_getcpuclockid(pthread_self(), &id);
	add_clock(&out[n], id, "thread_cpuclock", NULL, rc != 0);
}

int case_clock_is_coarse(const struct case_clock *c)
{
	return c->desc && (c->desc->flags & CLK_COARSE);
}

int case_clock_is_wall(clockid_t id)
{
	return id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE || id == CLOCK_TAI || id == CLOCK_REALTIME_ALARM;
}

const char *case_err_name(int rc, char *buf, size_t len)
{
	if (rc >= 0)
		snprintf(buf, len, "%d", rc);
	else
		snprintf(buf, len, "-%s (%d)", rc == -EINVAL ? "EINVAL" : rc == -ENODEV ? "ENODEV" :
					     rc == -EFAULT ? "EFAULT" : rc == -ENOSYS ? "ENOSYS" : "errno", rc);
	return buf;
}

const char *case_cpuset_list(const struct case_cpuset *s, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (int k = 0; k < s->n && n < len; k++)
		n += (size_t)snprintf(buf + n, len - n, "%s%d", k ? "," : "", s->cpu[k]);
	if (!s->n)
		snprintf(buf, len, "(unpinned)");
	return buf;
}

/* the function the children call; set before each fork */
static vdso_clock_getres_t null_res_fn;

static void null_res_child(void *buf)
{
	struct case_null_res *p = buf;

	if (p->thread)
		pthread_getcpuclockid(pthread_self(), &p->id);
	p->sys_rc = sys_clock_getres(p->id, NULL);
	p->rc = null_res_fn(p->id, NULL);
}

static unsigned batch_n;

static void null_batch_child(void *buf)
{
	for (unsigned i = 0; i < batch_n; i++)
		null_res_child(&((struct case_null_res *)buf)[i]);
}

void case_null_res_add(struct case_null_res_batch *b, clockid_t id, int thread)
{
	if (b->n < sizeof(b->p) / sizeof(b->p[0]))
		b->p[b->n++] = (struct case_null_res){ .id = id, .thread = thread };
}

void case_null_res_ask(struct case_null_res_batch *b)
{
	char why[256];

	if (!b->fn)
		return;
	null_res_fn = b->fn;
	batch_n = b->n;
	b->valid = !timecheck_in_child(null_batch_child, b->p, sizeof(b->p), 5, why, sizeof(why));
}

int case_null_res(const struct case_null_res_batch *b, clockid_t id, int thread, int *rc, int *sys_rc, char *why,
		  size_t len)
{
	struct case_null_res p = { .id = id, .thread = thread, .rc = INT_MIN, .sys_rc = INT_MIN };

	for (unsigned i = 0; b->valid && i < b->n; i++) {
		if (b->p[i].thread == thread && (thread || b->p[i].id == id)) {
			*rc = b->p[i].rc;
			*sys_rc = b->p[i].sys_rc;
			return 0;
		}
	}
	null_res_fn = b->fn;
	if (timecheck_in_child(null_res_child, &p, sizeof(p), 5, why, len))
		return -1;
	*rc = p.rc;
	*sys_rc = p.sys_rc;
	return 0;
}

void case_norm_note(struct case_norm *norm, const struct bracket_val *v)
{
	norm->n++;
	if ((v->frac < 0 || v->frac >= 1000000000 || v->sec < 0) && !norm->bad++)
		norm->first = *v;
}

/* ns per call of fn, over enough calls (after one to warm it) that a
 * coarse clock's few-ns call is not lost in the timer's own cost */
static double ns_per_call(int (*fn)(clockid_t, struct bracket_val *), clockid_t id, int n)
{
	struct bracket_val v;
	int64_t t0;

	fn(id, &v);
	t0 = case_mono_ns();
	for (int i = 0; i < n; i++)
		fn(id, &v);
	return (double)(case_mono_ns() - t0) / n;
}

/* ns per reading of a sweep, as the checks will read */
static double ns_per_swept(const struct case_clock_api *api, clockid_t id)
{
	struct case_norm scratch = { 0, 0, { 0, 0 } };
	struct case_sweep sw;
	int64_t t0;

	api->sweep(id, 64, &scratch, &sw);
	t0 = case_mono_ns();
	api->sweep(id, 1024, &scratch, &sw);
	return (double)(case_mono_ns() - t0) / 1024;
}

unsigned case_sweep_len(const struct case_clock_api *api, clockid_t id, double seconds, unsigned long long rounds)
{
	double v = api->sweep ? ns_per_swept(api, id) : ns_per_call(api->vdso, id, 1024);
	double s = ns_per_call(api->sys, id, 32);
	double k;

	/* a round's two references cost 2 s; its k readings k v.  Readings
	 * fill at least 99% of the round when k v >= 99 x 2 s. */
	if (v < 1)
		v = 1;
	k = 198 * s / v + 1;
	if (seconds > 0 && rounds) {
		double fit = (seconds * 1e9 / (double)rounds - 2 * s) / v;

		/* but readings stay at least half of the round: a floor may
		 * then take up to twice its budget */
		if (fit < 2 * s / v)
			fit = 2 * s / v;
		if (k > fit)
			k = fit;
	}
	return k < 1 ? 1 : k > CASE_SWEEP_MAX ? CASE_SWEEP_MAX : (unsigned)k;
}

struct clock_round {
	const struct case_clock_api *api;
	clockid_t id;
	unsigned sweep;
	struct case_norm *norm;
};

static int64_t val_ns(const struct bracket_val *v)
{
	return v->sec * 1000000000 + v->frac;
}

static void clock_round(void *arg, struct bracket_round *r)
{
	const struct clock_round *cr = arg;
	int ra = cr->api->sys(cr->id, &r->a);

	r->reads = 0;
	if (cr->api->sweep) {
		struct case_sweep sw;

		cr->api->sweep(cr->id, cr->sweep, cr->norm, &sw);
		r->vdso_rc = sw.rc;
		r->reads = sw.reads;
		r->first = sw.first;
		r->last = r->v = sw.last;
		r->lo = sw.lo;
		r->hi = sw.hi;
		r->sys_rc = cr->api->sys(cr->id, &r->b);
		r->sys_rc = ra ? ra : r->sys_rc;
		return;
	}
	for (unsigned i = 0; i < cr->sweep; i++) {
		struct bracket_val x;

		r->vdso_rc = cr->api->vdso(cr->id, &x);
		if (r->vdso_rc)
			break;
		case_norm_note(cr->norm, &x);
		if (!r->reads++) {
			r->lo = r->hi = r->first = x;
		} else {
			if (val_ns(&x) < val_ns(&r->lo))
				r->lo = x;
			if (val_ns(&x) > val_ns(&r->hi))
				r->hi = x;
		}
		r->last = r->v = x;
	}
	r->sys_rc = cr->api->sys(cr->id, &r->b);
	r->sys_rc = ra ? ra : r->sys_rc;
}

static char *fmt(char *buf, size_t len, const struct bracket_val *v)
{
	return timecheck_fmt_ts(buf, len, v->sec, v->frac);
}

void case_clock_bracket(const struct case_clock_api *api, const struct case_clock *c, const struct case_cpuset *cpus,
			double seconds, unsigned long long min_rounds, struct case_norm *norm,
			struct timecheck_outcome *o)
{
	struct clock_round cr = { api, c->id, case_sweep_len(api, c->id, seconds, case_floor_rounds(min_rounds, (unsigned)cpus->n)),
				  norm };
	struct bracket_spec s = {
		.per_sec = 1000000000, .tight = 999, .seconds = seconds, .min_rounds = min_rounds,
		.cpus = cpus, .round = clock_round, .arg = &cr,
	};
	struct bracket_result r;
	char s1[64], s2[64], s3[64], cl[128];

	bracket_run(&s, &r);
	snprintf(o->diag, sizeof(o->diag),
		 "%llu rounds of syscall, %u vDSO %s readings, syscall on CPU(s) %s in %.0f ms (%llu readings); "
		 "no tolerance (both paths read the same timekeeper data); bracket (syscall to syscall) smallest "
		 "%" PRId64 " ns, largest %" PRId64 " ns; in %llu rounds (%.1f%%) the first reading followed the "
		 "syscall and the last preceded it within 1 us: a reading off by 1 us or more fails each of them",
		 r.rounds, cr.sweep, api->name, case_cpuset_list(cpus, cl, sizeof(cl)), r.ms, r.reads, r.mingap,
		 r.maxgap, r.tight, r.rounds ? 100.0 * (double)r.tight / (double)r.rounds : 0.0);
	if (r.sysfail) {
		o->fail = 1;
		snprintf(o->why, sizeof(o->why), "the %s syscall for %s failed mid-check with %s", api->name, c->name,
			 case_err_name(r.sysfail, s1, sizeof(s1)));
	} else if (r.errs) {
		o->fail = 1;
		snprintf(o->why, sizeof(o->why), "vDSO %s(%s) returned %s in %llu of %llu rounds, the syscall 0",
			 api->name, c->name, case_err_name(r.first_rc, s1, sizeof(s1)), r.errs, r.rounds);
	} else if (r.bad) {
		int64_t a = bracket_value(&s, &r.first.a), v = bracket_value(&s, &r.first.v),
			b = bracket_value(&s, &r.first.b), off = v < a ? v - a : v - b;

		o->fail = 1;
		snprintf(o->why, sizeof(o->why),
			 "expected syscall <= vDSO <= syscall in every round; %llu of %llu rounds were outside, "
			 "first at round %llu on CPU %d: syscall %s, vDSO %s, syscall %s: the vDSO reading is "
			 "%" PRId64 " ns %s the bracket",
			 r.bad, r.rounds, r.first_at, r.first_cpu, fmt(s1, sizeof(s1), &r.first.a),
			 fmt(s2, sizeof(s2), &r.first.v), fmt(s3, sizeof(s3), &r.first.b), off < 0 ? -off : off,
			 off < 0 ? "behind" : "ahead of");
	}
}
