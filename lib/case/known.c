/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>

#include "case/known.h"

/* The syscall flags (include/uapi/linux/random.h); not every libc has
 * GRND_INSECURE. */
#define KNOWN_GRND_NONBLOCK 0x0001u
#define KNOWN_GRND_RANDOM 0x0002u
#define KNOWN_GRND_INSECURE 0x0004u

/* The auxiliary clock ids, CLOCK_AUX .. CLOCK_AUX_LAST (6.17+). */
#define KNOWN_CLOCK_AUX_FIRST 16
#define KNOWN_CLOCK_AUX_LAST 23

static const struct case_known_defect defects[KNOWN_COUNT] = {
	[KNOWN_GETRES_CLOCK_AUX] = {
		.id = "getres-clock-aux",
		.since = VDSO_KV(6, 17, 0),
		.where = "lib/vdso/gettimeofday.c, __cvdso_clock_getres_common()",
		.what = "the vDSO's clock_getres answers every auxiliary clock id (16-23) with a 1 ns "
			"resolution without checking CONFIG_POSIX_AUX_CLOCKS, unlike do_aux() for clock_gettime; "
			"without that option the syscall says EINVAL",
	},
	[KNOWN_GETRANDOM_RANDOM_INSECURE] = {
		.id = "getrandom-random-insecure",
		.since = VDSO_KV(6, 11, 0),
		.where = "lib/vdso/getrandom.c, __cvdso_getrandom_data() (flag check)",
		.what = "the vDSO falls back to the syscall only for unknown flag bits, so it serves "
			"GRND_RANDOM|GRND_INSECURE, which sys_getrandom (drivers/char/random.c) refuses with EINVAL",
	},
};

const struct case_known_defect *case_known_defect(enum case_known_id id)
{
	return (unsigned)id < KNOWN_COUNT ? &defects[id] : NULL;
}

uint32_t case_known_kernel(const struct case_ctx *ctx)
{
	if (ctx->has_image && ctx->img.notes.has_linux_version)
		return ctx->img.notes.linux_version;
	return ctx->kernel;
}

int case_known_possible(const struct case_ctx *ctx, enum case_known_id id)
{
	const struct case_known_defect *d = case_known_defect(id);

	return d && case_known_kernel(ctx) >= d->since;
}

int case_known_getres_aux(const struct case_ctx *ctx, clockid_t id, int sys_rc, int vdso_rc, int has_res,
			  int64_t res_sec, int64_t res_nsec)
{
	if (id < KNOWN_CLOCK_AUX_FIRST || id > KNOWN_CLOCK_AUX_LAST)
		return 0;
	if (!case_known_possible(ctx, KNOWN_GETRES_CLOCK_AUX) || sys_rc != -EINVAL || vdso_rc != 0)
		return 0;
	return !has_res || (res_sec == 0 && res_nsec == 1);
}

int case_known_getrandom_flags(const struct case_ctx *ctx, unsigned flags, ssize_t vdso_rc, size_t want,
			       ssize_t sys_rc)
{
	const unsigned both = KNOWN_GRND_RANDOM | KNOWN_GRND_INSECURE;

	return case_known_possible(ctx, KNOWN_GETRANDOM_RANDOM_INSECURE) &&
	       (flags & both) == both && !(flags & ~(both | KNOWN_GRND_NONBLOCK)) && vdso_rc >= 0 &&
	       (size_t)vdso_rc == want &&
	       sys_rc == -EINVAL;
}

char *case_known_label(enum case_known_id id, char *buf, size_t len)
{
	const struct case_known_defect *d = case_known_defect(id);
	char since[24];

	snprintf(buf, len, "known kernel defect %s (since %s, %s)", d->id,
		 vdso_format_version(d->since, since, sizeof(since)), d->where);
	return buf;
}
