/* SPDX-License-Identifier: MIT */
/* Opening the target and answering a case's needs.  Nothing here
 * reports: reporting stays in the case's own translation unit. */
#include "target.h"

#include "callfn.h"
#include "timens.h"

#include <dlfcn.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

uint32_t case_parse_release(const char *release)
{
	unsigned a = 0, b = 0, c = 0;

	if (sscanf(release, "%u.%u.%u", &a, &b, &c) < 2)
		return 0;
	return VDSO_KV(a & 0xff, b & 0xff, c > 255 ? 255 : c);
}

/* The fake-target protocol: a fake forwards to the live vDSO, whose
 * functions we resolve here (with libvdso, as everything else) and hand
 * over in the environment its constructor reads. */
static void publish_live_vdso(const struct case_ctx *ctx)
{
	static const char *const roles[] = { "clock_gettime", "gettimeofday", "time",
					     "getcpu", "clock_getres", "getrandom", "clock_gettime64" };
	struct case_ctx live = *ctx;
	char buf[512] = "";
	size_t n = 0;

	live.fake = 0;
	if (vdso_open_live(&live.img) != VDSO_OK)
		return;
	live.has_image = 1;
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		void *p = case_fn_raw(&live, roles[i]);

		if (p && n < sizeof(buf))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s=%lx", n ? "," : "", roles[i],
					      (unsigned long)(uintptr_t)p);
	}
	setenv("VDSOCONF_LIVE_VDSO", buf, 1);
}

int case_target_open(struct case_ctx *ctx, const char *argv0, char *why, size_t len)
{
	struct utsname u;
	const char *t = getenv("VDSOCONF_TARGET");
	int rc;

	memset(ctx, 0, sizeof(*ctx));
	ctx->argv0 = argv0;
	if (uname(&u) == 0) {
		snprintf(ctx->release, sizeof(ctx->release), "%s", u.release);
		ctx->kernel = case_parse_release(u.release);
	}
	ctx->arch = vdso_arch_native();
	if (t && *t) {
		ctx->fake = 1;
		ctx->target = t;
		publish_live_vdso(ctx);
		/* RTLD_LOCAL: the fake's clock_gettime must not interpose libc's */
		ctx->handle = dlopen(t, RTLD_NOW | RTLD_LOCAL);
		if (!ctx->handle) {
			snprintf(why, len, "cannot load VDSOCONF_TARGET %s: %s", t, dlerror());
			return CASE_TARGET_ERROR;
		}
		rc = vdso_open_dlhandle(&ctx->img, ctx->handle);
		if (rc != VDSO_OK) {
			snprintf(why, len, "VDSOCONF_TARGET %s: %s", t, ctx->img.err);
			return CASE_TARGET_ERROR;
		}
		ctx->has_image = 1;
		ctx->how = "dlopen";
		return CASE_TARGET_OK;
	}
	rc = vdso_open_live(&ctx->img);
	if (rc == VDSO_NO_VDSO) {
		snprintf(why, len, "%s", ctx->img.err);
		return CASE_TARGET_NONE;
	}
	if (rc != VDSO_OK) {
		snprintf(why, len, "live vDSO: %s", ctx->img.err);
		return CASE_TARGET_ERROR;
	}
	vdso_live_base(&ctx->how);
	ctx->has_image = 1;
	return CASE_TARGET_OK;
}

const struct vdso_arch_sym *case_role_sym(const struct case_ctx *ctx, const char *role)
{
	if (!ctx->arch)
		return NULL;
	for (size_t i = 0; i < ctx->arch->nsyms; i++) {
		const struct vdso_arch_sym *s = &ctx->arch->syms[i];
		const char *n = s->name;

		if (s->flags & VDSO_SYM_ALIAS)
			continue;
		if (!strncmp(n, "__vdso_", 7))
			n += 7;
		else if (!strncmp(n, "__kernel_", 9))
			n += 9;
		if (!strcmp(n, role))
			return s;
	}
	return NULL;
}

int case_role_is_syscall(const struct case_ctx *ctx, const char *role)
{
	const struct vdso_arch_sym *s = case_role_sym(ctx, role);

	return s && (s->flags & VDSO_SYM_SYSCALL);
}

void *case_fn_raw(const struct case_ctx *ctx, const char *role)
{
	const struct vdso_arch_sym *s = case_role_sym(ctx, role);
	struct vdso_key key;
	struct vdso_sym sym;

	if (!s || !ctx->has_image)
		return NULL;
	vdso_key_init(&key, s->name, s->version);
	if (vdso_lookup(&ctx->img, &key, VDSO_BY_ANY, &sym) != VDSO_OK || !sym.addr)
		return NULL;
	return (void *)sym.addr;
}

void *case_fn(const struct case_ctx *ctx, const char *role)
{
	return callfn_callable(case_fn_raw(ctx, role));
}

int case_unmet_needs(const struct case_ctx *ctx, unsigned needs, uint32_t min_kernel,
		     const char *const *roles, char *why, size_t len)
{
	char have[32], want[32];

	if ((needs & CASE_NEED_LIVE) && ctx->fake) {
		snprintf(why, len, "checks the kernel's own vDSO; VDSOCONF_TARGET is a fake (%s)", ctx->target);
		return 1;
	}
	if ((needs & CASE_NEED_ROOT) && geteuid() != 0) {
		snprintf(why, len, "needs root (running as uid %u)", (unsigned)geteuid());
		return 1;
	}
	if (min_kernel && ctx->kernel && ctx->kernel < min_kernel) {
		snprintf(why, len, "needs kernel %s or later, running %s",
			 vdso_format_version(min_kernel, want, sizeof(want)),
			 vdso_format_version(ctx->kernel, have, sizeof(have)));
		return 1;
	}
	if (!ctx->arch && ctx->has_image) {
		snprintf(why, len, "no expectations known for this architecture (e_machine %u)", ctx->img.machine);
		return 1;
	}
	for (; roles && *roles; roles++) {
		if (!case_fn(ctx, *roles)) {
			const struct vdso_arch_sym *s = case_role_sym(ctx, *roles);

			if (s)
				snprintf(why, len, "target exports no %s@%s", s->name, s->version);
			else
				snprintf(why, len, "no %s on %s: its vDSO expectations name no symbol for it",
					 *roles, ctx->arch ? ctx->arch->name : "this architecture");
			return 1;
		}
	}
	/* last: the probes fork */
	if ((needs & CASE_NEED_TIMENS) && timens_unavailable(why, len))
		return 1;
	if ((needs & CASE_NEED_USERNS) && userns_unavailable(why, len))
		return 1;
	return 0;
}

void case_describe_target(const struct case_ctx *ctx, char *buf, size_t len)
{
	char v[32] = "none";

	if (ctx->img.notes.has_linux_version)
		vdso_format_version(ctx->img.notes.linux_version, v, sizeof(v));
	if (!ctx->has_image)
		snprintf(buf, len, "no vDSO, kernel %s", ctx->release);
	else if (ctx->fake)
		snprintf(buf, len, "fake target %s loaded at 0x%" PRIxPTR ", kernel %s, %s expectations",
			 ctx->target, ctx->img.load_offset, ctx->release, ctx->arch ? ctx->arch->name : "no");
	else
		snprintf(buf, len, "live vDSO at 0x%" PRIxPTR " (%s), image note %s, kernel %s, %s expectations",
			 ctx->img.load_offset, ctx->how, v, ctx->release, ctx->arch ? ctx->arch->name : "no");
}

static int scan_maps(uintptr_t addr, const char *want, uintptr_t *start, uintptr_t *end, char *perms,
		     char *name, size_t name_len)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[4096];
	int found = -1;

	if (!f)
		return -1;
	while (found && fgets(line, sizeof(line), f)) {
		unsigned long s, e;
		char p[8], path[4096] = "";

		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %4095[^\n]", &s, &e, p, path) < 3)
			continue;
		if (want ? strcmp(path, want) != 0 : !(addr >= s && addr < e))
			continue;
		*start = s;
		*end = e;
		if (perms)
			snprintf(perms, 8, "%s", p);
		if (name)
			snprintf(name, name_len, "%s", path);
		found = 0;
	}
	fclose(f);
	return found;
}

int case_mapping_of(uintptr_t addr, uintptr_t *start, uintptr_t *end, char *perms, char *name,
		    size_t name_len)
{
	return scan_maps(addr, NULL, start, end, perms, name, name_len);
}

int case_mapping_named(const char *name, uintptr_t *start, uintptr_t *end)
{
	return scan_maps(0, name, start, end, NULL, NULL, 0);
}

void case_reproduce(const struct case_ctx *ctx, char *buf, size_t len)
{
	if (ctx->fake)
		snprintf(buf, len, "VDSOCONF_TARGET=%s %s", ctx->target, ctx->argv0);
	else
		snprintf(buf, len, "%s", ctx->argv0);
}
