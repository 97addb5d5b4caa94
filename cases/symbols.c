/* SPDX-License-Identifier: MIT */
/* symbols: every dynamic symbol of the target is a defined, default-
 * visibility GLOBAL/WEAK function of nonzero size inside executable text;
 * aliases point at their twins; the soname is the architecture's. */
#include <elf.h>

#include "case/case.h"


/* The symbol ld emits for each version definition (ABS, value 0). */
static int is_version_symbol(const struct case_ctx *ctx, const struct vdso_sym *s)
{
	if (s->shndx != SHN_ABS)
		return 0;
	for (unsigned i = 0; i < ctx->img.nversions; i++)
		if (!strcmp(ctx->img.versions[i].name, s->name))
			return 1;
	return 0;
}

static const struct vdso_arch_sym *expected(const struct case_ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->arch->nsyms; i++)
		if (!strcmp(ctx->arch->syms[i].name, name))
			return &ctx->arch->syms[i];
	return NULL;
}

/* hidden duplicates share a name; the version tells them apart */
static const char *label(const struct vdso_sym *s, char *buf, size_t len)
{
	if (s->hidden && s->version)
		snprintf(buf, len, "%s@%s", s->name, s->version);
	else
		snprintf(buf, len, "%s", s->name);
	return buf;
}

static void check_symbol(const struct case_ctx *ctx, const struct vdso_sym *s)
{
	const struct vdso_arch_sym *e = expected(ctx, s->name);
	int notype_ok = e && (e->flags & VDSO_SYM_NOTYPE_OK);
	char l[256];

	label(s, l, sizeof(l));
	if (case_point("symbols.type.%s", l))
		case_check(s->type == STT_FUNC || (s->type == STT_NOTYPE && notype_ok),
			   "expected STT_FUNC%s, seen type %u%s", notype_ok ? " or STT_NOTYPE" : "", s->type,
			   s->type == STT_OBJECT ? " (STT_OBJECT: a data symbol cannot be called)" : "");

	if (case_point("symbols.bind.%s", l))
		case_check(s->bind == STB_GLOBAL || s->bind == STB_WEAK,
			   "expected STB_GLOBAL or STB_WEAK, seen %s (%u)",
			   s->bind == STB_LOCAL ? "STB_LOCAL" : "other", s->bind);

	if (case_point("symbols.defined.%s", l))
		case_check(s->shndx != SHN_UNDEF, "st_shndx is SHN_UNDEF: the vDSO may not import anything");

	if (case_point("symbols.visibility.%s", l))
		case_check(s->visibility == STV_DEFAULT, "expected STV_DEFAULT, seen visibility %u", s->visibility);

	if (case_point("symbols.size.%s", l)) {
		if (s->type != STT_FUNC)
			case_skip("not STT_FUNC: no size expected");
		else
			case_check(s->size > 0, "STT_FUNC with st_size 0");
	}

	if (!case_point("symbols.text.%s", l))
		return;
	if (s->shndx == SHN_UNDEF)
		case_skip("undefined");
	else
		case_check(vdso_vaddr_in_text(&ctx->img, s->value) &&
				   (s->size == 0 || vdso_vaddr_in_text(&ctx->img, s->value + s->size - 1)),
			   "[0x%llx, +%llu) is not inside executable PT_LOAD text (first range [0x%llx, 0x%llx))",
			   (unsigned long long)s->value, (unsigned long long)s->size,
			   (unsigned long long)(ctx->img.ntext ? ctx->img.text[0].start : 0),
			   (unsigned long long)(ctx->img.ntext ? ctx->img.text[0].end : 0));
}

static void check_alias(const struct case_ctx *ctx, const struct vdso_arch_sym *a)
{
	struct vdso_key ka, kt;
	struct vdso_sym sa, st;

	if (!case_point("symbols.alias.%s", a->name))
		return;
	vdso_key_init(&ka, a->name, a->version);
	vdso_key_init(&kt, a->alias_of, a->version);
	if (vdso_lookup(&ctx->img, &ka, VDSO_BY_ANY, &sa) != VDSO_OK) {
		case_skip("alias %s@%s not exported", a->name, a->version);
		return;
	}
	if (vdso_lookup(&ctx->img, &kt, VDSO_BY_ANY, &st) != VDSO_OK) {
		case_fail("alias %s exported but its twin %s@%s is not", a->name, a->alias_of, a->version);
		return;
	}
	case_check(sa.value == st.value && sa.bind == STB_WEAK,
		   "expected a weak alias of %s at 0x%llx, seen %s at 0x%llx",
		   a->alias_of, (unsigned long long)st.value, sa.bind == STB_WEAK ? "weak" : "non-weak",
		   (unsigned long long)sa.value);
}

static void run(struct case_ctx *ctx)
{
	if (case_point("symbols.soname"))
		case_check(ctx->img.soname && !strcmp(ctx->img.soname, ctx->arch->soname),
			   "expected DT_SONAME %s for %s, seen %s", ctx->arch->soname, ctx->arch->name,
			   ctx->img.soname ? ctx->img.soname : "none");

	for (uint32_t i = 1; i < ctx->img.nsyms; i++) {
		struct vdso_sym s;

		if (vdso_sym_at(&ctx->img, i, &s) != VDSO_OK)
			continue;
		/* the linker's section symbols (32-bit ARM's ld keeps them in
		 * .dynsym): unnamed and local, nothing looks them up */
		if (s.type == STT_SECTION)
			continue;
		if (is_version_symbol(ctx, &s)) {
			if (case_point("symbols.verdef.%s", s.name))
				case_check(s.value == 0, "version symbol %s has value 0x%llx, expected 0", s.name,
					   (unsigned long long)s.value);
			continue;
		}
		check_symbol(ctx, &s);
	}
	for (size_t i = 0; i < ctx->arch->nsyms; i++)
		if (ctx->arch->syms[i].flags & VDSO_SYM_ALIAS)
			check_alias(ctx, &ctx->arch->syms[i]);
}

static const struct case_spec spec = {
	.name = "symbols",
	.needs = CASE_NEED_VDSO,
	.run = run,
};
CASE_MAIN(spec)
