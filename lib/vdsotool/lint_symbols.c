/* SPDX-License-Identifier: MIT */
/* Lint rules on the dynamic symbols, their versions and the hash tables
 * that find them. */
#include "lint.h"
#include "tool.h"

#include <elf.h>
#include <string.h>

/* ld's own LOCAL section symbols (older binutils, riscv) head .dynsym:
 * they are neither exports nor mistakes. */
static int section_symbol(const struct vdso_sym *s)
{
	return s->type == STT_SECTION && s->bind == STB_LOCAL;
}

/* ld defines a symbol per version (NAME@@NAME, ABS, value 0): not an export. */
static int version_symbol(const struct vdso_image *img, const struct vdso_sym *s)
{
	if (s->shndx != SHN_ABS || s->value != 0)
		return 0;
	for (unsigned i = 0; i < img->nversions; i++)
		if (img->versions[i].name && !strcmp(img->versions[i].name, s->name))
			return 1;
	return 0;
}

static const struct vdso_arch_sym *table_sym(const struct vdso_arch *a, const char *name)
{
	for (size_t i = 0; a && i < a->nsyms; i++)
		if (!strcmp(a->syms[i].name, name))
			return &a->syms[i];
	return NULL;
}

void lint_r_undefined(const struct lint_image *li, struct lint_result *r)
{
	char b[64];

	for (uint32_t i = 1; i < li->img.nsyms; i++) {
		struct vdso_sym s;

		if (vdso_sym_at(&li->img, i, &s) == VDSO_OK && s.shndx == SHN_UNDEF)
			lint_fail(r, "symbol %u %s is undefined: nothing can define it for the vDSO", i, lint_safe(s.name, b, sizeof(b)));
	}
}

void lint_r_type(const struct lint_image *li, struct lint_result *r)
{
	char b[64], t[16];

	for (uint32_t i = 1; i < li->img.nsyms; i++) {
		struct vdso_sym s;
		const struct vdso_arch_sym *ts;

		if (vdso_sym_at(&li->img, i, &s) != VDSO_OK || s.shndx == SHN_UNDEF || version_symbol(&li->img, &s) ||
		    section_symbol(&s))
			continue;
		if (s.type == STT_FUNC)
			continue;
		ts = table_sym(li->arch, s.name);
		if (s.type == STT_NOTYPE && (!li->arch || (ts && (ts->flags & VDSO_SYM_NOTYPE_OK))))
			continue;
		lint_fail(r, "%s is %s, expected FUNC%s", lint_safe(s.name, b, sizeof(b)), sym_type_name(s.type, t, sizeof(t)),
			  ts && (ts->flags & VDSO_SYM_NOTYPE_OK) ? " or NOTYPE" : "");
	}
}

void lint_r_bind(const struct lint_image *li, struct lint_result *r)
{
	char b[64];

	for (uint32_t i = 1; i < li->img.nsyms; i++) {
		struct vdso_sym s;

		if (vdso_sym_at(&li->img, i, &s) != VDSO_OK || s.bind == STB_GLOBAL || s.bind == STB_WEAK ||
		    section_symbol(&s))
			continue;
		lint_fail(r, "%s is %s in .dynsym, expected GLOBAL or WEAK: resolvers skip it", lint_safe(s.name, b, sizeof(b)),
			  s.bind == STB_LOCAL ? "LOCAL" : s.bind == STB_GNU_UNIQUE ? "UNIQUE" : "of an unknown binding");
	}
}

/* Is the name expected from a kernel of this version?  An image without a
 * version note is only held to names every kernel exported. */
static int expected(const struct vdso_arch_sym *ts, const struct vdso_image *img)
{
	uint32_t kv = img->notes.has_linux_version ? img->notes.linux_version : 0;

	return ts->since == 0 || (kv && kv >= ts->since);
}

/* The defined, non-local definitions of name: how many, and whether one
 * is the default (non-hidden) definition at version. */
static unsigned definitions(const struct vdso_image *img, const char *name, const char *version, int *at_version,
			    char *seen, size_t seen_len)
{
	unsigned n = 0;
	size_t used = 0;

	*at_version = 0;
	seen[0] = 0;
	for (uint32_t i = 1; i < img->nsyms; i++) {
		struct vdso_sym s;
		char b[48];

		if (vdso_sym_at(img, i, &s) != VDSO_OK || s.shndx == SHN_UNDEF || s.bind == STB_LOCAL ||
		    strcmp(s.name, name))
			continue;
		n++;
		if (s.version && !strcmp(s.version, version) && !s.hidden)
			*at_version = 1;
		if (used + 1 < seen_len)
			used += (size_t)snprintf(seen + used, seen_len - used, "%s%s%s", used ? ", " : "",
						 s.hidden ? "@" : "@@", s.version ? lint_safe(s.version, b, sizeof(b)) : "(unversioned)");
		if (used >= seen_len)
			used = seen_len - 1;
	}
	return n;
}

void lint_r_expected(const struct lint_image *li, struct lint_result *r)
{
	char v[32];

	if (!li->arch) {
		r->status = LINT_SKIP;
		lint_msg(r, "unknown architecture");
		return;
	}
	for (size_t i = 0; i < li->arch->nsyms; i++) {
		const struct vdso_arch_sym *ts = &li->arch->syms[i];
		char seen[160];
		int at;

		if (!expected(ts, &li->img) || definitions(&li->img, ts->name, ts->version, &at, seen, sizeof(seen)))
			continue;
		if (vdso_arch_optional(ts, li->img.notes.has_linux_version ? li->img.notes.linux_version : 0))
			lint_msg(r, "%s absent (optional: depends on the kernel's configuration)", ts->name);
		else
			lint_fail(r, "%s is missing: %s exports it %s%s", ts->name, li->arch->name,
				  ts->since ? "since " : "in every kernel",
				  ts->since ? vdso_format_version(ts->since, v, sizeof(v)) : "");
	}
	if (!li->img.notes.has_linux_version)
		lint_msg(r, "no Linux version note: names added after the first vDSO were not required");
}

void lint_r_version(const struct lint_image *li, struct lint_result *r)
{
	if (!li->arch) {
		r->status = LINT_SKIP;
		lint_msg(r, "unknown architecture");
		return;
	}
	for (size_t i = 0; i < li->arch->nsyms; i++) {
		const struct vdso_arch_sym *ts = &li->arch->syms[i];
		char seen[160];
		int at;

		if (!definitions(&li->img, ts->name, ts->version, &at, seen, sizeof(seen)) || at)
			continue;
		lint_fail(r, "%s is defined %s, expected @@%s: versioned lookups (glibc's dlvsym, Go, musl) miss it", ts->name,
			  seen, ts->version);
	}
}

/* --- hash tables ----------------------------------------------------------- */

void lint_r_hash_present(const struct lint_image *li, struct lint_result *r)
{
	const struct vdso_image *img = &li->img;
	uint32_t kv = img->notes.has_linux_version ? img->notes.linux_version : 0;
	char v[2][32];

	if (li->sysv_masked)
		return;		/* there is a DT_HASH; hash.entsize judges it */
	if (!img->hash && !img->gnu) {
		lint_fail(r, "neither DT_HASH nor DT_GNU_HASH: resolvers cannot look up symbols");
		return;
	}
	if (img->hash)
		return;
	/* An error even where the kernel meant it: the image is what the
	 * kernel's Makefile asked for, and still a consumer loses the vDSO. */
	lint_fail(r, "DT_GNU_HASH only, no DT_HASH: musl's __vdsosym reads DT_HASH only, so musl programs make a "
		     "system call for every clock_gettime, without a word");
	if (li->arch && vdso_arch_sysv_dropped(li->arch, kv))
		lint_msg(r, "intended: %s's vDSO build stopped asking for DT_HASH between %s and %s (%s), leaving the "
			    "hash style to the linker's default, here GNU only", li->arch->name,
			 vdso_format_version(li->arch->sysv_dropped.until, v[0], sizeof(v[0])),
			 vdso_format_version(li->arch->sysv_dropped.since, v[1], sizeof(v[1])), li->arch->sysv_dropped.where);
	else if (li->arch)
		lint_msg(r, "%s's vDSO build asks for DT_HASH (--hash-style=sysv or both) in this kernel version: "
			    "the image was not linked as its kernel's Makefile says", li->arch->name);
	lint_msg(r, "other resolvers that read DT_HASH only met the same (rustix#1253, golang/go#19649)");
}

void lint_r_hash_agree(const struct lint_image *li, struct lint_result *r)
{
	static const enum vdso_method m[] = { VDSO_BY_GNU_HASH, VDSO_BY_SYSV_HASH, VDSO_BY_LINEAR };
	char b[64];
	unsigned checked = 0;

	for (uint32_t i = 1; i < li->img.nsyms; i++) {
		struct vdso_sym s;
		struct vdso_key key;
		long got[3];

		if (vdso_sym_at(&li->img, i, &s) != VDSO_OK || s.shndx == SHN_UNDEF || s.bind == STB_LOCAL)
			continue;
		vdso_key_init(&key, s.name, s.version);
		for (int k = 0; k < 3; k++) {
			struct vdso_sym out;
			int st = vdso_lookup(&li->img, &key, m[k], &out);

			got[k] = st == VDSO_OK ? (long)out.index : st == VDSO_ERR_ARG ? -2 : -1;
		}
		checked++;
		if (got[0] != -2 && got[1] != -2 && got[0] != got[1])
			lint_fail(r, "%s: GNU hash gives %ld, SysV hash gives %ld (-1: not found)", lint_safe(s.name, b, sizeof(b)), got[0],
				  got[1]);
		else
			for (int k = 0; k < 2; k++)
				if (got[k] != -2 && got[k] != got[2])
					lint_fail(r, "%s: %s gives %ld, the symbol table has it at %ld (-1: not found)",
						  lint_safe(s.name, b, sizeof(b)), vdso_method_name(m[k]), got[k], got[2]);
	}
	if (r->status == LINT_PASS)
		lint_msg(r, "%u symbols found alike by %s%slinear scan%s", checked, li->img.gnu ? "GNU hash, " : "",
			 li->img.hash ? "SysV hash, " : "", li->sysv_masked ? " (DT_HASH not usable)" : "");
}

void lint_r_hash_entsize(const struct lint_image *li, struct lint_result *r)
{
	unsigned w = li->hash_width;

	if (!li->raw.ok || !li->arch) {
		r->status = LINT_SKIP;
		lint_msg(r, "%s", !li->raw.ok ? "not an ELF file" : "unknown architecture");
		return;
	}
	if (!w && li->parsed && li->img.hash)
		w = li->img.hash_entsize;
	if (!w) {
		if (li->hash_width_why[0])
			lint_fail(r, "%s", li->hash_width_why);
		else
			lint_msg(r, "no DT_HASH");
		return;
	}
	if (w != li->arch->hash_entsize)
		lint_fail(r, "DT_HASH has %u-byte entries, %s uses %u: every resolver reads it at %u and finds garbage", w,
			  li->arch->name, li->arch->hash_entsize, li->arch->hash_entsize);
}

