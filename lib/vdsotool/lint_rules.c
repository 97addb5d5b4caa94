/* SPDX-License-Identifier: MIT */
/* The lint rules' table and their messages, and the note rules.  Errors
 * are what the kernel's own vDSO build rejects or what breaks the
 * resolvers in libc, Go and rustix; warnings are what a correct image may
 * carry but a distro should look at.  Each rule says in its `what` line
 * why it exists; README lists them.  The header rules are in
 * lint_headers.c, the symbol and hash rules in lint_symbols.c. */
#include "lint.h"
#include "tool.h"

#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

__attribute__((format(printf, 2, 0)))
static void vmsg(struct lint_result *r, const char *fmt, va_list ap)
{
	if (r->nmsgs == LINT_MAX_MSGS) {
		r->more++;
		return;
	}
	vsnprintf(r->msgs[r->nmsgs++], LINT_MSG_LEN, fmt, ap);
}

void lint_msg(struct lint_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(r, fmt, ap);
	va_end(ap);
}

void lint_fail(struct lint_result *r, const char *fmt, ...)
{
	va_list ap;

	r->status = LINT_FAIL;
	va_start(ap, fmt);
	vmsg(r, fmt, ap);
	va_end(ap);
}

/* Names from an image are untrusted: messages carry them printable. */
const char *lint_safe(const char *s, char *buf, size_t len)
{
	size_t j = 0;

	for (; s && *s && j + 1 < len; s++)
		buf[j++] = (*s < 0x20 || *s >= 0x7f) ? '?' : *s;
	buf[j] = 0;
	return s ? buf : "(none)";
}


/* --- notes --------------------------------------------------------------- */

void lint_r_note_version(const struct lint_image *li, struct lint_result *r)
{
	char v[32];

	if (!li->img.notes.has_linux_version)
		lint_fail(r, "no Linux version note (owner Linux, type 0): glibc and the suite cannot tell the kernel version");
	else
		lint_msg(r, "Linux %s", vdso_format_version(li->img.notes.linux_version, v, sizeof(v)));
}

/* The release string's leading "a.b[.c]". */
static int parse_release(const char *s, unsigned v[3])
{
	unsigned n = 0;

	v[0] = v[1] = v[2] = 0;
	while (n < 3 && *s >= '0' && *s <= '9') {
		unsigned long x = 0;

		for (; *s >= '0' && *s <= '9'; s++)
			x = x < 100000 ? x * 10 + (unsigned long)(*s - '0') : x;
		v[n++] = (unsigned)x;
		if (*s != '.')
			break;
		s++;
	}
	return n >= 2;
}

void lint_r_note_release(const struct lint_image *li, struct lint_result *r)
{
	const struct vdso_notes *n = &li->img.notes;
	char b[80], v[32];
	unsigned rel[3];

	if (!n->release) {
		lint_msg(r, "no release-string note (optional)");
		return;
	}
	if (!n->has_linux_version) {
		lint_msg(r, "release %s, no version note to compare with", lint_safe(n->release, b, sizeof(b)));
		return;
	}
	vdso_format_version(n->linux_version, v, sizeof(v));
	/* Debian and Ubuntu put an ABI number where the sublevel goes
	 * ("6.1.0-56" for 6.1.192): only major.minor must agree */
	if (!parse_release(n->release, rel) || rel[0] != (n->linux_version >> 16) || rel[1] != ((n->linux_version >> 8) & 0xff))
		lint_fail(r, "release note \"%s\" disagrees with the version note %s: the image was not built from one tree",
			  lint_safe(n->release, b, sizeof(b)), v);
	else
		lint_msg(r, "release %s, version %s", lint_safe(n->release, b, sizeof(b)), v);
}

void lint_r_build_id(const struct lint_image *li, struct lint_result *r)
{
	if (!li->img.notes.build_id_len)
		lint_fail(r, "no GNU build-id note: a running vDSO cannot be matched to its debug file or its package");
}

#define E LINT_ERROR
#define W LINT_WARNING
static const struct lint_rule rules[] = {
	{ "elf", E, "an ELF shared object (ET_DYN): the kernel maps it as one", 0, lint_r_elf },
	{ "machine", E, "e_machine and class have a known vDSO ABI (lib/expect/arch.h)", 0, lint_r_machine },
	{ "dynamic", E, "a PT_DYNAMIC segment: resolvers find every table through it", 0, lint_r_dynamic },
	{ "parse", E, "every table is well formed (libvdso's bounds, chains, versions, notes)", 0, lint_r_parse },
	{ "relocs", E, "no dynamic relocations but R_*_NONE, no PLT, no DT_TEXTREL: the kernel maps the image unrelocated", 1, lint_r_relocs },
	{ "undefined", E, "no undefined symbols: nothing could define them", 1, lint_r_undefined },
	{ "needed", E, "no DT_NEEDED: a vDSO loads nothing", 1, lint_r_needed },
	{ "interp", E, "no PT_INTERP: a vDSO is never executed", 0, lint_r_interp },
	{ "tls", E, "no PT_TLS: nothing would set up its TLS", 0, lint_r_tls },
	{ "writable", E, "no writable PT_LOAD: the kernel maps the vDSO read-only and shares it", 0, lint_r_writable },
	{ "soname", E, "DT_SONAME as the architecture table says: the name ld.so and dlopen use", 1, lint_r_soname },
	{ "symbols.expected", E, "every name the architecture exports in this kernel version is defined", 1, lint_r_expected },
	{ "symbols.version", E, "each of those names is defined at the architecture's version, not hidden", 1, lint_r_version },
	{ "symbols.type", E, "exported symbols are FUNC (NOTYPE only for the trampolines the table names)", 1, lint_r_type },
	{ "symbols.bind", E, "dynamic symbols are GLOBAL or WEAK: resolvers skip LOCAL ones", 1, lint_r_bind },
	{ "hash.present", E, "a DT_HASH table: the one hash table every resolver can read", 1, lint_r_hash_present },
	{ "hash.agree", E, "GNU hash, SysV hash and the symbol table find the same symbol for every name", 1, lint_r_hash_agree },
	{ "hash.entsize", E, "DT_HASH entries of the architecture's width (8 bytes on s390x, 4 elsewhere)", 0, lint_r_hash_entsize },
	{ "note.version", E, "a Linux version note (LINUX_VERSION_CODE): what the image was built for", 1, lint_r_note_version },
	{ "runpath", W, "no DT_RPATH/DT_RUNPATH: a build machine's path has no place in every process", 1, lint_r_runpath },
	{ "note.release", W, "the release-string note agrees with the version note (major.minor)", 1, lint_r_note_release },
	{ "note.build_id", W, "a GNU build-id: ties the running image to its package and debug file", 1, lint_r_build_id },
	{ "eh_frame", W, "a non-empty PT_GNU_EH_FRAME where the architecture's vDSOs have one: unwinding", 0, lint_r_eh_frame },
	{ "align", W, "PT_LOAD alignment: a power of two, offset and vaddr congruent, at most 64 KiB", 0, lint_r_align },
};

const struct lint_rule *lint_rules(size_t *n)
{
	*n = sizeof(rules) / sizeof(rules[0]);
	return rules;
}
