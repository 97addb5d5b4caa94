/* SPDX-License-Identifier: MIT */
/* versions: the architecture's names resolve at their versions for this
 * kernel, and only there; vd_hash matches; the three lookups and glibc's
 * own dlvsym (an independent resolver) agree. */
#include <ctype.h>
#include <dlfcn.h>
#include <elf.h>
#include <sys/utsname.h>

#include "case/case.h"


static void *glibc_handle(const struct case_ctx *ctx, const char **why)
{
	void *h;

	if (ctx->fake)
		return ctx->handle;
	/* glibc names the vDSO's link map by its soname */
	h = dlopen(vdso_arch_soname(ctx->arch, ctx->kernel), RTLD_NOW | RTLD_NOLOAD);
	if (!h)
		*why = "glibc has no link map for the vDSO's soname (static binary or old libc)";
	return h;
}

/* Distros name kernels by an ABI ("6.1.0-56-cloud-amd64") while the
 * vDSO's note carries the real sublevel (6.1.192); uname -v then names
 * the package version ("Debian 6.1.192-2").  The note matches the kernel
 * when it equals uname -r's version, or has its major.minor and appears
 * in uname -v. */
static int note_matches_kernel(const struct case_ctx *ctx, const char *note, char *how, size_t len)
{
	struct utsname u;

	if (ctx->img.notes.linux_version == ctx->kernel) {
		snprintf(how, len, "uname -r");
		return 1;
	}
	if ((ctx->img.notes.linux_version >> 8) != (ctx->kernel >> 8) || uname(&u) != 0)
		return 0;
	for (const char *p = strstr(u.version, note); p; p = strstr(p + 1, note)) {
		char after = p[strlen(note)];

		if ((p == u.version || !isdigit((unsigned char)p[-1])) && !isdigit((unsigned char)after) &&
		    after != '.') {
			snprintf(how, len, "uname -v (%s)", u.version);
			return 1;
		}
	}
	return 0;
}

static void check_note(const struct case_ctx *ctx)
{
	char seen[32], want[32], how[128];

	if (!case_point("versions.kernel_note"))
		return;
	if (!ctx->img.notes.has_linux_version) {
		if (ctx->fake)
			case_skip("fake target carries no Linux version note");
		else
			case_fail("the live vDSO has no Linux version note (owner Linux, type 0)");
		return;
	}
	vdso_format_version(ctx->img.notes.linux_version, seen, sizeof(seen));
	vdso_format_version(ctx->kernel, want, sizeof(want));
	if (note_matches_kernel(ctx, seen, how, sizeof(how))) {
		case_diag("image note %s agrees with %s", seen, how);
		case_pass();
	} else {
		case_fail("image note says %s, uname -r says %s (%s), and uname -v does not name %s: the vDSO "
			  "is not this kernel's", seen, ctx->release, want, seen);
	}
}

static void check_base(const struct case_ctx *ctx)
{
	const struct vdso_version *base = NULL, *v = NULL;

	for (unsigned i = 0; i < ctx->img.nversions; i++) {
		if (ctx->img.versions[i].flags & VER_FLG_BASE)
			base = &ctx->img.versions[i];
		else if (!strcmp(ctx->img.versions[i].name, ctx->arch->version))
			v = &ctx->img.versions[i];
	}
	if (!case_point("versions.defined.%s", ctx->arch->version))
		return;
	if (!ctx->img.nversions)
		case_fail("no DT_VERDEF: the image defines no versions, expected %s (lld once dropped it: ClangBuiltLinux#1033)",
			  ctx->arch->version);
	else
		case_check(base && v, "expected a VER_FLG_BASE definition and %s, seen %s base and %s",
			   ctx->arch->version, base ? "a" : "no", v ? "the version" : "not the version");
}

static void check_vd_hash(const struct vdso_version *v)
{
	if (case_point("versions.vd_hash.%s", v->name))
		case_check(v->hash_ok, "vd_hash 0x%08x, ELF hash of \"%s\" is 0x%08x", v->hash, v->name,
			   vdso_sysv_hash(v->name));
}

static void check_wrong(const struct case_ctx *ctx, const struct vdso_arch_sym *e)
{
	/* versions of other architectures and of nobody */
	static const char *const wrong[] = { "LINUX_2.5", "LINUX_0.0", "LINUX_2.6", "LINUX_2.6.39",
					     "LINUX_2.6.29", "LINUX_2.6.15", "LINUX_4.15", "LINUX_5.10" };
	struct vdso_key k;
	struct vdso_sym s;

	if (!case_point("versions.wrong.%s", e->name))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(wrong); i++) {
		if (!strcmp(wrong[i], e->version))
			continue;
		vdso_key_init(&k, e->name, wrong[i]);
		if (vdso_lookup(&ctx->img, &k, VDSO_BY_ANY, &s) == VDSO_OK) {
			case_fail("%s resolves at %s as well as %s: a caller asking for the wrong version gets it",
				  e->name, wrong[i], e->version);
			return;
		}
	}
	case_pass();
}

static void check_methods(const struct case_ctx *ctx, const struct vdso_key *k)
{
	static const enum vdso_method m[] = { VDSO_BY_GNU_HASH, VDSO_BY_SYSV_HASH, VDSO_BY_LINEAR };
	long idx[3];

	if (!case_point("versions.methods.%s", k->name))
		return;
	for (int i = 0; i < 3; i++) {
		struct vdso_sym s;
		int rc = vdso_lookup(&ctx->img, k, m[i], &s);

		idx[i] = rc == VDSO_OK ? (long)s.index : rc == VDSO_ERR_ARG ? -2 : -1;
	}
	case_check((idx[0] == -2 || idx[0] == idx[2]) && (idx[1] == -2 || idx[1] == idx[2]),
		   "GNU hash gives %ld, SysV hash %ld, linear scan %ld (-1 not found, -2 no table)", idx[0],
		   idx[1], idx[2]);
}

/* glibc's dlvsym is an independent resolver: it must find the same
 * definition, or agree that there is none. */
static void check_glibc(const struct case_ctx *ctx, const struct vdso_key *k, const struct vdso_sym *s)
{
	const char *why = NULL;
	void *h = glibc_handle(ctx, &why), *p, *ours = s ? (void *)s->addr : NULL;

	if (!case_point("versions.glibc.%s", k->name))
		return;
	if (!h) {
		case_skip("%s", why);
		return;
	}
	p = dlvsym(h, k->name, k->version);
	case_check(p == ours, "libvdso resolves %s@%s to %p%s, glibc dlvsym to %p%s", k->name, k->version, ours,
		   ours ? "" : " (not found)", p, p ? "" : " (not found)");
}

static void report_resolve(const struct case_ctx *ctx, const struct vdso_arch_sym *e, int found)
{
	if (found) {
		case_pass();
	} else if (vdso_arch_optional(e, ctx->kernel)) {
		case_skip("%s@%s is optional (kernel config or version) and not exported", e->name, e->version);
	} else {
		struct vdso_key any;
		struct vdso_sym other;
		const char *at = NULL;

		/* say where it went, if anywhere */
		vdso_key_init(&any, e->name, NULL);
		if (vdso_lookup(&ctx->img, &any, VDSO_BY_LINEAR, &other) == VDSO_OK)
			at = other.version ? other.version : "no version";
		for (uint32_t i = 1; !at && i < ctx->img.nsyms; i++)
			if (vdso_sym_at(&ctx->img, i, &other) == VDSO_OK && !strcmp(other.name, e->name))
				at = other.hidden ? "a hidden version only" : other.bind == STB_LOCAL ? "local binding only" : "an unusable definition";
		if (at)
			case_fail("expected %s@%s, found it at %s", e->name, e->version, at);
		else
			case_fail("expected %s@%s (exported since %u.%u), not in the image", e->name, e->version,
				  e->since >> 16, (e->since >> 8) & 0xff);
	}
}

static void check_expected(const struct case_ctx *ctx, const struct vdso_arch_sym *e)
{
	struct vdso_key k;
	struct vdso_sym s;
	int found;

	vdso_key_init(&k, e->name, e->version);
	found = vdso_lookup(&ctx->img, &k, VDSO_BY_ANY, &s) == VDSO_OK;
	if (case_point("versions.resolve.%s", e->name))
		report_resolve(ctx, e, found);
	if (case_point("versions.hidden.%s", e->name)) {
		if (!found)
			case_skip("not resolved");
		else
			case_check(!s.hidden, "%s@%s is hidden (versym 0x%04x): default lookups cannot see it",
				   e->name, e->version, s.versym);
	}
	if (!found) {
		if (case_point("versions.wrong.%s", e->name))
			case_skip("not resolved");
		check_methods(ctx, &k);
		check_glibc(ctx, &k, NULL);
		return;
	}
	check_wrong(ctx, e);
	check_methods(ctx, &k);
	check_glibc(ctx, &k, &s);
}

static void run(struct case_ctx *ctx)
{
	check_note(ctx);
	check_base(ctx);
	for (unsigned i = 0; i < ctx->img.nversions; i++)
		check_vd_hash(&ctx->img.versions[i]);
	for (size_t i = 0; i < ctx->arch->nsyms; i++)
		if (vdso_arch_expects(&ctx->arch->syms[i], ctx->kernel))
			check_expected(ctx, &ctx->arch->syms[i]);
}

static const struct case_spec spec = {
	.name = "versions",
	.needs = CASE_NEED_VDSO,
	.run = run,
};
CASE_MAIN(spec)
