/* SPDX-License-Identifier: MIT */
/* vdsotool inspect: everything the resolver parsed, as text or JSON. */
#include "tool.h"

#include <elf.h>
#include <string.h>

static void hash_styles(const struct vdso_image *img, const char **out, int *n)
{
	*n = 0;
	if (img->hash)
		out[(*n)++] = "sysv";
	if (img->gnu)
		out[(*n)++] = "gnu";
}

static void json_machine(FILE *f, const struct vdso_image *img)
{
	const char *m = vdso_machine_name(img->machine);

	if (m)
		json_str(f, m);
	else
		fprintf(f, "%u", img->machine);
}

static void json_symbols(FILE *f, const struct vdso_image *img)
{
	char b1[16], b2[16];

	fputs("\"symbols\": [", f);
	for (uint32_t i = 1; i < img->nsyms; i++) {
		struct vdso_sym s;

		if (vdso_sym_at(img, i, &s) != VDSO_OK)
			continue;	/* cannot happen: names were validated at open */
		fprintf(f, "%s\n  {\"index\": %u, \"name\": ", i > 1 ? "," : "", i);
		json_str(f, s.name);
		fputs(", \"version\": ", f);
		json_str(f, s.version);
		fprintf(f, ", \"hidden\": %s, \"bind\": \"%s\", \"type\": \"%s\", \"visibility\": \"%s\", "
			   "\"shndx\": %u, \"value\": %llu, \"size\": %llu",
			s.hidden ? "true" : "false", sym_bind_name(s.bind, b1, sizeof(b1)),
			sym_type_name(s.type, b2, sizeof(b2)), sym_vis_name(s.visibility), s.shndx,
			(unsigned long long)s.value, (unsigned long long)s.size);
		if (img->loaded && s.addr)
			fprintf(f, ", \"addr\": %llu", (unsigned long long)s.addr);
		fputc('}', f);
	}
	fputs("]", f);
}

static void json_versions(FILE *f, const struct vdso_image *img)
{
	int first = 1;

	fputs("\"versions\": [", f);
	for (unsigned i = 0; i < img->nversions; i++) {
		if (img->versions[i].flags & VER_FLG_BASE)
			continue;
		if (!first)
			fputs(", ", f);
		json_str(f, img->versions[i].name);
		first = 0;
	}
	fputs("],\n\"version_defs\": [", f);
	for (unsigned i = 0; i < img->nversions; i++) {
		const struct vdso_version *v = &img->versions[i];

		fprintf(f, "%s{\"index\": %u, \"name\": ", i ? ", " : "", v->index);
		json_str(f, v->name);
		fprintf(f, ", \"flags\": %u, \"base\": %s, \"hash\": %u, \"hash_ok\": %s}", v->flags,
			(v->flags & VER_FLG_BASE) ? "true" : "false", v->hash, v->hash_ok ? "true" : "false");
	}
	fputs("]", f);
}

static void json_notes(FILE *f, const struct vdso_image *img)
{
	const struct vdso_notes *n = &img->notes;
	char v[32];

	fputs("\"notes\": {\"linux_version\": ", f);
	if (n->has_linux_version)
		fprintf(f, "\"%s\", \"linux_version_code\": %u", vdso_format_version(n->linux_version, v, sizeof(v)),
			n->linux_version);
	else
		fputs("null, \"linux_version_code\": null", f);
	fputs(", \"release\": ", f);
	json_str(f, n->release);
	fputs(", \"build_id\": ", f);
	if (n->build_id_len)
		json_hex(f, n->build_id, n->build_id_len);
	else
		fputs("null", f);
	fputs("}", f);
}

/* Where this process has the live vDSO mapped, per /proc/self/maps, so
 * that a reader can check the resolver's addresses against the kernel's. */
static void json_self_mapping(FILE *f)
{
	FILE *m = fopen("/proc/self/maps", "re");
	char line[512];

	if (!m)
		return;
	while (fgets(line, sizeof(line), m)) {
		unsigned long s, e;
		char perms[8];

		if (strstr(line, "[vdso]") && sscanf(line, "%lx-%lx %7s", &s, &e, perms) == 3) {
			fprintf(f, ", \"mapping\": {\"start\": %lu, \"end\": %lu, \"perms\": \"%s\"}", s, e, perms);
			break;
		}
	}
	fclose(m);
}

static void print_json(FILE *f, const struct vdso_image *img, const char *file)
{
	const char *hs[2];
	int nh;

	hash_styles(img, hs, &nh);
	fputs("{\"file\": ", f);
	json_str(f, file);
	fprintf(f, ",\n\"class\": %d, \"endian\": \"%s\", \"machine\": ", img->elfclass,
		img->big_endian ? "big" : "little");
	json_machine(f, img);
	fprintf(f, ", \"e_machine\": %u,\n\"soname\": ", img->machine);
	json_str(f, img->soname);
	fputs(", \"hash\": [", f);
	for (int i = 0; i < nh; i++)
		fprintf(f, "%s\"%s\"", i ? ", " : "", hs[i]);
	fputs("], \"hash_entsize\": ", f);
	if (img->hash)
		fprintf(f, "%u", img->hash_entsize);
	else
		fputs("null", f);
	fputs(",\n", f);
	json_versions(f, img);
	fputs(",\n", f);
	json_symbols(f, img);
	fputs(",\n", f);
	json_notes(f, img);
	fputs(",\n\"text\": [", f);
	for (unsigned i = 0; i < img->ntext; i++)
		fprintf(f, "%s{\"start\": %llu, \"end\": %llu}", i ? ", " : "",
			(unsigned long long)img->text[i].start, (unsigned long long)img->text[i].end);
	fputs("],\n\"runpath\": ", f);
	json_str(f, img->runpath);
	fputs(", \"rpath\": ", f);
	json_str(f, img->rpath);
	fprintf(f, ", \"needed\": %u, \"relocations\": %u", img->nneeded, img->nrelocs);
	if (img->loaded)
		fprintf(f, ", \"load_offset\": %llu", (unsigned long long)img->load_offset);
	if (img->loaded && !strcmp(file, "[vdso]"))
		json_self_mapping(f);
	fputs("}\n", f);
}

/* Names from an untrusted image may hold terminal control bytes. */
static void text_str(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : "(none)"); *p; p++)
		fputc(*p < 0x20 || *p >= 0x7f ? '?' : *p, f);
}

static void print_text(FILE *f, const struct vdso_image *img, const char *file)
{
	const char *hs[2], *m = vdso_machine_name(img->machine);
	char b1[16], b2[16], v[32];
	int nh;

	hash_styles(img, hs, &nh);
	fprintf(f, "file:      %s\nclass:     ELF%d %s endian\nmachine:   ", file, img->elfclass,
		img->big_endian ? "big" : "little");
	if (m)
		fprintf(f, "%s (e_machine %u)\n", m, img->machine);
	else
		fprintf(f, "e_machine %u\n", img->machine);
	fputs("soname:    ", f);
	text_str(f, img->soname);
	fputs("\nhash:      ", f);
	for (int i = 0; i < nh; i++)
		fprintf(f, "%s%s", i ? " + " : "", hs[i]);
	if (img->hash)
		fprintf(f, " (DT_HASH entries of %u bytes)", img->hash_entsize);
	fprintf(f, "%s\nversions:\n", nh ? "" : "none");
	for (unsigned i = 0; i < img->nversions; i++) {
		const struct vdso_version *ver = &img->versions[i];

		fprintf(f, "  [%u] ", ver->index);
		text_str(f, ver->name);
		fprintf(f, "%s%s\n", (ver->flags & VER_FLG_BASE) ? " (base)" : "",
			ver->hash_ok ? "" : " (vd_hash does not match the name)");
	}
	fprintf(f, "symbols:   %u\n", img->nsyms ? img->nsyms - 1 : 0);
	for (uint32_t i = 1; i < img->nsyms; i++) {
		struct vdso_sym s;

		if (vdso_sym_at(img, i, &s) != VDSO_OK)
			continue;
		fprintf(f, "  %3u %-7s %-6s %-9s ndx %-5u value 0x%-6llx size %-5llu ", i,
			sym_type_name(s.type, b1, sizeof(b1)), sym_bind_name(s.bind, b2, sizeof(b2)),
			sym_vis_name(s.visibility), s.shndx, (unsigned long long)s.value, (unsigned long long)s.size);
		text_str(f, s.name);
		if (s.version) {
			fputs(s.hidden ? "@" : "@@", f);
			text_str(f, s.version);
		}
		fputc('\n', f);
	}
	fputs("notes:\n  linux version: ", f);
	fputs(img->notes.has_linux_version ? vdso_format_version(img->notes.linux_version, v, sizeof(v)) : "(none)", f);
	fputs("\n  release:       ", f);
	text_str(f, img->notes.release);
	fputs("\n  build-id:      ", f);
	for (size_t i = 0; i < img->notes.build_id_len; i++)
		fprintf(f, "%02x", img->notes.build_id[i]);
	fprintf(f, "%s\ntext:\n", img->notes.build_id_len ? "" : "(none)");
	for (unsigned i = 0; i < img->ntext; i++) {
		fprintf(f, "  [0x%llx, 0x%llx)", (unsigned long long)img->text[i].start,
			(unsigned long long)img->text[i].end);
		if (img->loaded)
			fprintf(f, " at runtime [0x%llx, 0x%llx)",
				(unsigned long long)(img->load_offset + img->text[i].start),
				(unsigned long long)(img->load_offset + img->text[i].end));
		fputc('\n', f);
	}
	if (img->runpath || img->rpath || img->nneeded || img->nrelocs) {
		fputs("dynamic:\n", f);
		if (img->runpath) {
			fputs("  DT_RUNPATH ", f);
			text_str(f, img->runpath);
			fputc('\n', f);
		}
		if (img->rpath) {
			fputs("  DT_RPATH ", f);
			text_str(f, img->rpath);
			fputc('\n', f);
		}
		if (img->nneeded)
			fprintf(f, "  DT_NEEDED x%u\n", img->nneeded);
		if (img->nrelocs)
			fprintf(f, "  relocations: %u\n", img->nrelocs);
	}
}

void inspect_print(FILE *f, const struct vdso_image *img, const char *file, int json)
{
	if (json)
		print_json(f, img, file);
	else
		print_text(f, img, file);
}

int cmd_inspect(int argc, char **argv)
{
	struct vdso_image img;
	const char *file = NULL;
	int json = 0, self = 0, rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "--self"))
			self = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			return tool_usage("inspect: unknown option '%s'", argv[i]);
		else if (file)
			return tool_usage("inspect: more than one FILE");
		else
			file = argv[i];
	}
	if (self == !!file)
		return tool_usage("inspect: give exactly one of --self or FILE");
	rc = tool_open(&img, file, self);
	if (rc)
		return rc;
	inspect_print(stdout, &img, self ? "[vdso]" : file, json);
	vdso_close(&img);
	return fflush(stdout) == 0 ? EXIT_OK : tool_error("stdout", "write failed");
}
