/* SPDX-License-Identifier: MIT */
/* Lint rules on the ELF and program headers and the dynamic section.
 * The header ones read lint_raw, so that they judge images libvdso
 * rejects too. */
#include "lint.h"

#include <elf.h>
#include <string.h>

#ifndef DF_TEXTREL
#define DF_TEXTREL 4
#endif

static const char *flags_str(uint32_t f, char *buf)
{
	buf[0] = f & PF_R ? 'R' : '-';
	buf[1] = f & PF_W ? 'W' : '-';
	buf[2] = f & PF_X ? 'X' : '-';
	buf[3] = 0;
	return buf;
}

void lint_r_elf(const struct lint_image *li, struct lint_result *r)
{
	if (!li->raw.ok)
		lint_fail(r, "%s", li->raw.err);
	else if (li->raw.type != ET_DYN)
		lint_fail(r, "e_type %u is not ET_DYN: the kernel maps the vDSO as a shared object", li->raw.type);
}

void lint_r_machine(const struct lint_image *li, struct lint_result *r)
{
	const char *m = vdso_machine_name(li->raw.machine);

	if (!li->raw.ok) {
		r->status = LINT_SKIP;
		lint_msg(r, "not an ELF file");
	} else if (!li->arch) {
		lint_fail(r, "e_machine %u (%s), ELF%d: no vDSO ABI is known for it", li->raw.machine, m ? m : "unknown",
			  li->raw.elfclass);
	} else {
		lint_msg(r, "%s (e_machine %u, ELF%d)", li->arch->name, li->raw.machine, li->raw.elfclass);
	}
}

static unsigned count_phdrs(const struct lint_image *li, uint32_t type, const struct vdso_segment **first)
{
	unsigned n = 0;

	*first = NULL;
	for (unsigned i = 0; i < li->raw.phnum; i++)
		if (li->raw.ph[i].type == type && !n++)
			*first = &li->raw.ph[i];
	return n;
}

void lint_r_dynamic(const struct lint_image *li, struct lint_result *r)
{
	const struct vdso_segment *s;

	if (!count_phdrs(li, PT_DYNAMIC, &s))
		lint_fail(r, "no PT_DYNAMIC among %u program headers: nothing can be resolved", li->raw.phnum);
}

void lint_r_parse(const struct lint_image *li, struct lint_result *r)
{
	if (!li->parsed)
		lint_fail(r, "%s", li->parse_err);
	else if (li->sysv_masked)
		lint_msg(r, "parsed with DT_HASH set aside (%s)", li->parse_err);
}

void lint_r_interp(const struct lint_image *li, struct lint_result *r)
{
	const struct vdso_segment *s;

	if (count_phdrs(li, PT_INTERP, &s))
		lint_fail(r, "PT_INTERP at offset 0x%llx: a vDSO is never run, it names no interpreter",
			  (unsigned long long)s->offset);
}

void lint_r_tls(const struct lint_image *li, struct lint_result *r)
{
	const struct vdso_segment *s;

	if (count_phdrs(li, PT_TLS, &s))
		lint_fail(r, "PT_TLS of %llu bytes: nothing sets up thread-local storage for the vDSO",
			  (unsigned long long)s->memsz);
}

void lint_r_writable(const struct lint_image *li, struct lint_result *r)
{
	char f[4];

	for (unsigned i = 0; i < li->raw.phnum; i++) {
		const struct vdso_segment *s = &li->raw.ph[i];

		if (s->type == PT_LOAD && (s->flags & PF_W))
			lint_fail(r, "PT_LOAD [0x%llx, +0x%llx) is %s%s: the kernel maps the vDSO read-only", (unsigned long long)s->vaddr,
				  (unsigned long long)s->memsz, flags_str(s->flags, f),
				  (s->flags & PF_X) ? " (writable and executable)" : "");
	}
}

/* The architectures whose real vDSOs carry unwind tables, as Debian 12's
 * images show: x86 and ppc64 do; arm64, arm, mips and s390 have none or
 * an empty PT_GNU_EH_FRAME.  riscv and loongarch are not judged: no
 * Debian 12 image to learn from. */
static int expects_eh_frame(const struct vdso_arch *a)
{
	static const char *const with[] = { "x86_64", "x32", "i386", "ppc64" };

	for (size_t i = 0; a && i < sizeof(with) / sizeof(with[0]); i++)
		if (!strcmp(a->name, with[i]))
			return 1;
	return 0;
}

void lint_r_eh_frame(const struct lint_image *li, struct lint_result *r)
{
	const struct vdso_segment *s;
	int has = count_phdrs(li, PT_GNU_EH_FRAME, &s) && s->filesz;

	if (!li->arch) {
		r->status = LINT_SKIP;
		lint_msg(r, "unknown architecture");
	} else if (!expects_eh_frame(li->arch)) {
		lint_msg(r, "%s vDSOs normally have no unwind table; this one %s", li->arch->name, has ? "has one" : "has none");
	} else if (!has) {
		lint_fail(r, "no %sPT_GNU_EH_FRAME: debuggers and profilers cannot unwind through %s vDSO calls",
			  s ? "non-empty " : "", li->arch->name);
	}
}

void lint_r_align(const struct lint_image *li, struct lint_result *r)
{
	for (unsigned i = 0; i < li->raw.phnum; i++) {
		const struct vdso_segment *s = &li->raw.ph[i];
		uint64_t a = s->align;

		if (s->type != PT_LOAD || a <= 1)
			continue;
		if (a & (a - 1))
			lint_fail(r, "PT_LOAD at 0x%llx: p_align 0x%llx is not a power of two", (unsigned long long)s->vaddr,
				  (unsigned long long)a);
		else if (s->offset % a != s->vaddr % a)
			lint_fail(r, "PT_LOAD at 0x%llx: p_offset 0x%llx and p_vaddr disagree modulo p_align 0x%llx",
				  (unsigned long long)s->vaddr, (unsigned long long)s->offset, (unsigned long long)a);
		else if (a > 0x10000)
			lint_fail(r, "PT_LOAD at 0x%llx: p_align 0x%llx exceeds 64 KiB, the largest page the kernel maps a vDSO on",
				  (unsigned long long)s->vaddr, (unsigned long long)a);
	}
}

/* --- dynamic section ----------------------------------------------------- */

void lint_r_relocs(const struct lint_image *li, struct lint_result *r)
{
	const struct vdso_image *img = &li->img;

	if (img->nrelocs)
		lint_fail(r, "%u dynamic relocation%s other than R_*_NONE: the kernel maps the vDSO unrelocated", img->nrelocs,
			  img->nrelocs == 1 ? "" : "s");
	if (img->dt_present[VDSO_DT_JMPREL])
		lint_fail(r, "DT_JMPREL: PLT relocations (%llu bytes)", (unsigned long long)img->dt[VDSO_DT_PLTRELSZ]);
	if (img->dt_present[VDSO_DT_TEXTREL] || (img->dt_present[VDSO_DT_FLAGS] && (img->dt[VDSO_DT_FLAGS] & DF_TEXTREL)))
		lint_fail(r, "DT_TEXTREL: relocations against read-only text");
	for (enum vdso_dt t = VDSO_DT_REL; t <= VDSO_DT_RELR; t++)
		if (img->dt_present[t] && t != VDSO_DT_RELSZ && t != VDSO_DT_RELASZ && t != VDSO_DT_PLTRELSZ && t != VDSO_DT_RELRSZ &&
		    t != VDSO_DT_JMPREL && t != VDSO_DT_TEXTREL)
			lint_msg(r, "%s present", vdso_dt_name(t));
	if (img->nrelocs_none)
		lint_msg(r, "%u R_*_NONE entr%s (allowed: the kernel's check skips them)", img->nrelocs_none,
			 img->nrelocs_none == 1 ? "y" : "ies");
}

void lint_r_needed(const struct lint_image *li, struct lint_result *r)
{
	if (li->img.nneeded)
		lint_fail(r, "%u DT_NEEDED entr%s: a vDSO can load nothing", li->img.nneeded, li->img.nneeded == 1 ? "y" : "ies");
}

void lint_r_soname(const struct lint_image *li, struct lint_result *r)
{
	const struct vdso_arch_change *c;
	uint32_t kv = li->img.notes.has_linux_version ? li->img.notes.linux_version : 0;
	const char *want;
	char b[64], v[2][32];

	if (!li->arch) {
		r->status = LINT_SKIP;
		lint_msg(r, "unknown architecture");
		return;
	}
	c = &li->arch->soname_change;
	want = vdso_arch_soname(li->arch, kv);
	if (!vdso_arch_soname_ok(li->arch, kv, li->img.soname))
		lint_fail(r, "DT_SONAME %s, expected %s for %s: ld.so and dlopen(\"%s\") look it up by that name",
			  li->img.soname ? lint_safe(li->img.soname, b, sizeof(b)) : "absent", want, li->arch->name, want);
	/* the kernel renamed it once: say which name belongs to which kernels */
	if (c->now)
		lint_msg(r, "%s names it %s up to %s, %s from %s (%s)", li->arch->name, li->arch->soname,
			 vdso_format_version(c->until, v[0], sizeof(v[0])), c->now,
			 vdso_format_version(c->since, v[1], sizeof(v[1])), c->where);
}

void lint_r_runpath(const struct lint_image *li, struct lint_result *r)
{
	char b[120];

	if (li->img.runpath)
		lint_fail(r, "DT_RUNPATH %s: a search path of the build machine leaks into every process",
			  lint_safe(li->img.runpath, b, sizeof(b)));
	if (li->img.rpath)
		lint_fail(r, "DT_RPATH %s: a search path of the build machine leaks into every process",
			  lint_safe(li->img.rpath, b, sizeof(b)));
}

