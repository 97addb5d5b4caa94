/* SPDX-License-Identifier: MIT */
#include "bracket.h"

#include <string.h>

int64_t bracket_value(const struct bracket_spec *s, const struct bracket_val *v)
{
	return v->sec * s->per_sec + v->frac;
}

void bracket_run(const struct bracket_spec *s, struct bracket_result *res)
{
	int64_t t0 = case_mono_ns();

	memset(res, 0, sizeof(*res));
	res->mingap = INT64_MAX;
	res->first_cpu = -1;
	res->visit = s->cpus->n > 1 ? s->cpus->n : 1;
	for (int k = 0; k < res->visit && !res->sysfail; k++) {
		int64_t end;
		unsigned long long n;

		case_cpuset_pin(s->cpus, k);
		/* from t0: time spent waiting for a busy CPU counts */
		end = t0 + (int64_t)(s->seconds * 1e9 * (k + 1) / res->visit);
		for (n = 0;; n++) {
			struct bracket_round r;
			int64_t a, v, b;

			if (!(n & 63) && n >= s->min_rounds && case_mono_ns() >= end)
				break;
			memset(&r, 0, sizeof(r));
			s->round(s->arg, &r);
			if (r.sys_rc) {
				res->sysfail = r.sys_rc;
				break;
			}
			if (r.vdso_rc) {
				if (!res->errs++)
					res->first_rc = r.vdso_rc;
				continue;
			}
			a = bracket_value(s, &r.a);
			b = bracket_value(s, &r.b);
			if (b - a > res->maxgap)
				res->maxgap = b - a;
			if (b - a < res->mingap)
				res->mingap = b - a;
			if (r.reads > 1) {
				int64_t lo = bracket_value(s, &r.lo);
				int64_t before = bracket_value(s, &r.first) - a, after = b - bracket_value(s, &r.last);

				res->reads += r.reads;
				res->tight += (before > after ? before : after) <= s->tight;
				/* judged by its extremes: v is the low one when
				 * it is out, else the high one */
				r.v = lo < a ? r.lo : r.hi;
			} else {
				res->reads++;
				res->tight += b - a <= s->tight;
			}
			v = bracket_value(s, &r.v);
			if ((v < a || v > b) && !res->bad++) {
				res->first = r;
				res->first_at = res->rounds + n;
				res->first_cpu = s->cpus->n ? s->cpus->cpu[k] : -1;
			}
		}
		res->rounds += n;
	}
	case_cpuset_restore(s->cpus);
	if (res->mingap == INT64_MAX)
		res->mingap = 0;
	res->ms = (double)(case_mono_ns() - t0) / 1e6;
}
