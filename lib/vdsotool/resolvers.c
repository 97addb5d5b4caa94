/* SPDX-License-Identifier: MIT */
/*
 * vdsotool resolvers: which real consumers of a vDSO can still find each of
 * its entry points.  A vDSO that the kernel's own lint accepts can still be
 * unusable to a resolver that reads fewer tables or checks more fields; a
 * consumer that finds nothing falls back to system calls without a word.
 *
 * Each consumer is modelled from its documented behaviour, on the tables
 * libvdso validated at open (so a corrupt chain is lint's finding, not
 * this command's): which hash table it walks, which symbols that table
 * reaches, and what it accepts of a symbol's type, binding, section and
 * version.
 *
 *   glibc    ld.so treats the vDSO as a loaded object: DT_GNU_HASH when
 *            present (asking its Bloom filter first), else DT_HASH.  It takes NOTYPE, OBJECT, FUNC, COMMON,
 *            TLS and IFUNC symbols, GLOBAL, WEAK or UNIQUE, defined, with a
 *            non-zero value.  With DT_VERSYM, the symbol's version must be
 *            the one asked for, by the hash stored in its definition
 *            (vd_hash) and by name.
 *   musl     reads DT_HASH only: without it, nothing.  It walks every
 *            symbol DT_HASH counts (nchain), takes NOTYPE, OBJECT, FUNC or
 *            COMMON, GLOBAL, WEAK or UNIQUE, defined; with DT_VERSYM, the
 *            non-base definition whose index is the symbol's must carry
 *            the version's name (vd_hash is not read); DT_VERSYM without
 *            DT_VERDEF is ignored.
 *   go       the Go runtime: DT_GNU_HASH when present, else DT_HASH; it
 *            first finds the version's definition by vd_hash and name
 *            (none: no versioned symbol matches), then takes FUNC or
 *            NOTYPE, GLOBAL or WEAK, defined, whose DT_VERSYM index is that
 *            definition's.  Without DT_VERDEF it ignores DT_VERSYM.
 *   libvdso  this project's resolver, strictly: found by its lookup, a
 *            function (or a label the architecture declares as NOTYPE),
 *            GLOBAL or WEAK, inside the executable text.
 */
#include "tool.h"

#include <elf.h>
#include <string.h>

#include "expect/arch.h"

#define STT_COMMON_ 5
#define STT_TLS_ 6
#define STT_GNU_IFUNC_ 10
#define STB_GNU_UNIQUE_ 10

enum consumer { C_GLIBC, C_MUSL, C_GO, C_LIBVDSO, NCONSUMERS };
static const char *const consumer_names[NCONSUMERS] = { "glibc", "musl", "go", "libvdso" };

enum table { T_NONE, T_GNU, T_SYSV };

struct entry {
	const char *name, *version;
	int found[NCONSUMERS];
};

#define MAX_ENTRIES 64

static enum table table_of(const struct vdso_image *img, enum consumer c)
{
	if (c == C_MUSL)
		return img->hash ? T_SYSV : T_NONE;
	return img->gnu ? T_GNU : img->hash ? T_SYSV : T_NONE;
}

/* Whether the consumer's hash table can lead to symbol i at all. */
static int reachable(const struct vdso_image *img, enum table t, uint32_t i)
{
	if (t == T_GNU)
		return i >= img->gnu_symoffset && i < img->gnu_nsyms;
	if (t == T_SYSV)
		return i < img->hash_nchain;
	return 0;
}

static const struct vdso_version *version_at(const struct vdso_image *img, unsigned ndx)
{
	for (unsigned k = 0; k < img->nversions; k++)
		if ((img->versions[k].index & 0x7fff) == ndx)
			return &img->versions[k];
	return NULL;
}

/* glibc asks the GNU hash's Bloom filter first: both bits of the name's
 * hash must be set in its word, or the name is not looked for. */
static int glibc_bloom_passes(const struct vdso_image *img, const char *name)
{
	unsigned wbytes = img->elfclass == 64 ? 8 : 4, bits = wbytes * 8;
	uint32_t h = vdso_gnu_hash(name);
	uint64_t word;

	if (!img->gnu_bloom_size)
		return 0;
	word = tool_rd(img->gnu + 16 + (size_t)((h / bits) % img->gnu_bloom_size) * wbytes, wbytes, img->big_endian);
	return (word >> (h % bits) & 1) && (word >> ((h >> img->gnu_bloom_shift) % bits) & 1);
}

static int glibc_takes(const struct vdso_image *img, const struct vdso_sym *s, const char *version)
{
	const struct vdso_version *v;

	if (s->shndx == SHN_UNDEF || (s->value == 0 && s->type != STT_TLS_))
		return 0;
	if (s->type > STT_TLS_ && s->type != STT_GNU_IFUNC_)
		return 0;
	if (s->bind != STB_GLOBAL && s->bind != STB_WEAK && s->bind != STB_GNU_UNIQUE_)
		return 0;
	if (!img->versym)
		return 1;
	v = version_at(img, s->versym & 0x7fff);
	return v && v->name && v->hash == vdso_sysv_hash(version) && !strcmp(v->name, version);
}

static int musl_takes(const struct vdso_image *img, const struct vdso_sym *s, const char *version)
{
	const struct vdso_version *v;

	if (s->type > STT_COMMON_ || s->type == STT_SECTION || s->type == STT_FILE)
		return 0;
	if (s->bind != STB_GLOBAL && s->bind != STB_WEAK && s->bind != STB_GNU_UNIQUE_)
		return 0;
	if (s->shndx == SHN_UNDEF)
		return 0;
	if (!img->versym || !img->nversions)	/* DT_VERSYM without DT_VERDEF: ignored */
		return 1;
	v = version_at(img, s->versym & 0x7fff);
	return v && !(v->flags & VER_FLG_BASE) && v->name && !strcmp(v->name, version);
}

/* Go's version index for version: -1 when no definition matches. */
static int go_version(const struct vdso_image *img, const char *version)
{
	for (unsigned k = 0; k < img->nversions; k++) {
		const struct vdso_version *v = &img->versions[k];

		if (!(v->flags & VER_FLG_BASE) && v->hash == vdso_sysv_hash(version) && v->name &&
		    !strcmp(v->name, version))
			return v->index & 0x7fff;
	}
	return -1;
}

static int go_takes(const struct vdso_image *img, const struct vdso_sym *s, int version)
{
	if (s->type != STT_FUNC && s->type != STT_NOTYPE)
		return 0;
	if ((s->bind != STB_GLOBAL && s->bind != STB_WEAK) || s->shndx == SHN_UNDEF)
		return 0;
	if (img->versym && img->nversions && version != 0 && (int)(s->versym & 0x7fff) != version)
		return 0;
	return 1;
}

static int libvdso_finds(const struct vdso_image *img, const struct vdso_arch *arch, const char *name,
			 const char *version)
{
	struct vdso_key key;
	struct vdso_sym s;
	int notype_ok = 0;

	vdso_key_init(&key, name, version);
	if (vdso_lookup(img, &key, VDSO_BY_ANY, &s) != VDSO_OK)
		return 0;
	for (size_t k = 0; arch && k < arch->nsyms; k++)
		if (!strcmp(arch->syms[k].name, name))
			notype_ok = !!(arch->syms[k].flags & VDSO_SYM_NOTYPE_OK);
	if (s.type != STT_FUNC && !(notype_ok && s.type == STT_NOTYPE))
		return 0;
	return (s.bind == STB_GLOBAL || s.bind == STB_WEAK) && vdso_vaddr_in_text(img, s.value);
}

static void resolve_entry(const struct vdso_image *img, const struct vdso_arch *arch, struct entry *e)
{
	int gov = go_version(img, e->version);

	for (uint32_t i = 1; i < img->nsyms; i++) {
		struct vdso_sym s;

		if (vdso_sym_at(img, i, &s) != VDSO_OK || strcmp(s.name, e->name))
			continue;
		if (reachable(img, table_of(img, C_GLIBC), i) && glibc_takes(img, &s, e->version) &&
		    (table_of(img, C_GLIBC) != T_GNU || glibc_bloom_passes(img, e->name)))
			e->found[C_GLIBC] = 1;
		if (reachable(img, table_of(img, C_MUSL), i) && musl_takes(img, &s, e->version))
			e->found[C_MUSL] = 1;
		if (reachable(img, table_of(img, C_GO), i) && go_takes(img, &s, gov))
			e->found[C_GO] = 1;
	}
	e->found[C_LIBVDSO] = libvdso_finds(img, arch, e->name, e->version);
}

/* Whether the image defines name at all. */
static int defines(const struct vdso_image *img, const char *name)
{
	for (uint32_t i = 1; i < img->nsyms; i++) {
		struct vdso_sym s;

		if (vdso_sym_at(img, i, &s) == VDSO_OK && s.shndx != SHN_UNDEF && !strcmp(s.name, name))
			return 1;
	}
	return 0;
}

/* The entry points the image's architecture and kernel version owe, as
 * the expectations list them, that the image defines (unprefixed aliases
 * left out: no consumer asks for them; a missing one is lint's finding,
 * not a consumer's miss). */
static size_t entries_of(const struct vdso_image *img, const struct vdso_arch *arch, struct entry *out)
{
	uint32_t kv = img->notes.has_linux_version ? img->notes.linux_version : 0;
	size_t n = 0;

	for (size_t k = 0; k < arch->nsyms && n < MAX_ENTRIES; k++) {
		const struct vdso_arch_sym *a = &arch->syms[k];

		if ((a->flags & VDSO_SYM_ALIAS) || !vdso_arch_expects(a, kv))
			continue;
		if (!defines(img, a->name))
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		out[n].name = a->name;
		out[n].version = a->version ? a->version : arch->version;
		n++;
	}
	return n;
}

/* What most likely made consumer c find nothing in an image where it
 * found no entry point of n. */
static const char *why_nothing(const struct vdso_image *img, enum consumer c, const struct entry *e, size_t n)
{
	int bloom = 0, vd_hash = 0;

	if (table_of(img, c) == T_NONE)
		return c == C_MUSL ? "no DT_HASH (musl reads DT_HASH only)" : "no DT_GNU_HASH and no DT_HASH";
	for (size_t k = 0; k < n; k++) {
		bloom += table_of(img, c) == T_GNU && glibc_bloom_passes(img, e[k].name);
		for (unsigned v = 0; v < img->nversions; v++)
			vd_hash += img->versions[v].name && !strcmp(img->versions[v].name, e[k].version) &&
				   !img->versions[v].hash_ok;
	}
	if ((c == C_GLIBC || c == C_LIBVDSO) && table_of(img, c) == T_GNU && !bloom)
		return "the DT_GNU_HASH Bloom filter rejects every name";
	if ((c == C_GLIBC || c == C_GO || c == C_LIBVDSO) && vd_hash)
		return "the version's definition has a vd_hash that is not the ELF hash of its name";
	return "no entry point passes its checks (type, binding, section, version)";
}

static void print_text(const char *file, const struct vdso_image *img, const struct vdso_arch *arch,
		       const struct entry *e, size_t n, const unsigned *count)
{
	int width = (int)strlen("entry point");

	printf("%s: %s, %s%s%s, %zu entry points\n", file, arch->name, img->gnu ? "DT_GNU_HASH" : "",
	       img->gnu && img->hash ? " + " : "", img->hash ? "DT_HASH" : "", n);
	for (size_t k = 0; k < n; k++) {
		int w = (int)(strlen(e[k].name) + 1 + strlen(e[k].version));

		if (w > width)
			width = w;
	}
	printf("  %-*s", width, "entry point");
	for (int c = 0; c < NCONSUMERS; c++)
		printf("  %-7s", consumer_names[c]);
	putchar('\n');
	for (size_t k = 0; k < n; k++) {
		char label[160];

		snprintf(label, sizeof(label), "%s@%s", e[k].name, e[k].version);
		printf("  %-*s", width, label);
		for (int c = 0; c < NCONSUMERS; c++)
			printf("  %-7s", e[k].found[c] ? "yes" : "NO");
		putchar('\n');
	}
	for (int c = 0; c < NCONSUMERS; c++)
		if (n && !count[c])
			printf("  finding: %s finds no entry point: %s; its programs fall back to system calls\n",
			       consumer_names[c], why_nothing(img, (enum consumer)c, e, n));
}

static void print_json(const char *file, const struct vdso_image *img, const struct vdso_arch *arch,
		       const struct entry *e, size_t n, const unsigned *count, int *first)
{
	printf("%s{\"file\": ", *first ? "" : ",\n");
	*first = 0;
	json_str(stdout, file);
	printf(", \"arch\": ");
	json_str(stdout, arch->name);
	printf(", \"gnu_hash\": %s, \"sysv_hash\": %s, \"entries\": [", img->gnu ? "true" : "false",
	       img->hash ? "true" : "false");
	for (size_t k = 0; k < n; k++) {
		printf("%s{\"name\": ", k ? ", " : "");
		json_str(stdout, e[k].name);
		printf(", \"version\": ");
		json_str(stdout, e[k].version);
		for (int c = 0; c < NCONSUMERS; c++)
			printf(", \"%s\": %s", consumer_names[c], e[k].found[c] ? "true" : "false");
		putchar('}');
	}
	printf("], \"consumers\": {");
	for (int c = 0; c < NCONSUMERS; c++) {
		printf("%s\"%s\": {\"found\": %u, \"of\": %zu, \"nothing\": %s", c ? ", " : "", consumer_names[c],
		       count[c], n, n && !count[c] ? "true" : "false");
		if (n && !count[c]) {
			printf(", \"why\": ");
			json_str(stdout, why_nothing(img, (enum consumer)c, e, n));
		}
		putchar('}');
	}
	printf("}}");
}

static int check_one(const char *file, int self, int json, int *first)
{
	struct vdso_image img;
	const struct vdso_arch *arch;
	struct entry e[MAX_ENTRIES];
	unsigned count[NCONSUMERS] = { 0 };
	size_t n;
	int rc = tool_open(&img, file, self), nothing = 0;

	if (rc)
		return rc;
	arch = vdso_arch_for(&img);
	if (!arch) {
		vdso_close(&img);
		return tool_error(file, "no expectations for machine %s (class %d): cannot name its entry points",
				  vdso_machine_name(img.machine), img.elfclass);
	}
	n = entries_of(&img, arch, e);
	for (size_t k = 0; k < n; k++) {
		resolve_entry(&img, arch, &e[k]);
		for (int c = 0; c < NCONSUMERS; c++)
			count[c] += (unsigned)e[k].found[c];
	}
	for (int c = 0; c < NCONSUMERS; c++)
		nothing |= n && !count[c];
	if (json)
		print_json(file, &img, arch, e, n, count, first);
	else
		print_text(file, &img, arch, e, n, count);
	vdso_close(&img);
	return nothing ? EXIT_INVALID : EXIT_OK;
}

/* argv[i] is an option (before any "--"), not a file */
static int is_option(int argc, char **argv, int i)
{
	for (int k = 1; k < i && k < argc; k++)
		if (!strcmp(argv[k], "--"))
			return 0;
	return argv[i][0] == '-' && argv[i][1];
}

int cmd_resolvers(int argc, char **argv)
{
	int json = 0, self = 0, worst = EXIT_OK, files = 0, first = 1;

	for (int i = 1; i < argc; i++) {
		if (!is_option(argc, argv, i))
			files++;
		else if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "--self"))
			self = 1;
		else if (strcmp(argv[i], "--"))
			return tool_usage("resolvers: unknown option '%s'", argv[i]);
	}
	if (!files && !self)
		return tool_usage("resolvers: give --self or IMAGE...");
	if (json)
		printf("[");
	if (self)
		worst = check_one("[vdso]", 1, json, &first);
	for (int i = 1; i < argc; i++) {
		int rc;

		if (is_option(argc, argv, i))
			continue;
		rc = check_one(argv[i], 0, json, &first);
		if (rc > worst)
			worst = rc;
	}
	if (json)
		printf("]\n");
	return worst;
}
