/* SPDX-License-Identifier: MIT */
/* Error reporting, symbol attribute names as readelf prints them, and
 * JSON escaping: what every subcommand shares. */
#include "tool.h"

#include <elf.h>
#include <stdarg.h>


const char *sym_bind_name(unsigned b, char *buf, size_t len)
{
	switch (b) {
	case STB_LOCAL: return "LOCAL";
	case STB_GLOBAL: return "GLOBAL";
	case STB_WEAK: return "WEAK";
	case STB_GNU_UNIQUE: return "UNIQUE";
	}
	snprintf(buf, len, "<%u>", b);
	return buf;
}

const char *sym_type_name(unsigned t, char *buf, size_t len)
{
	switch (t) {
	case STT_NOTYPE: return "NOTYPE";
	case STT_OBJECT: return "OBJECT";
	case STT_FUNC: return "FUNC";
	case STT_SECTION: return "SECTION";
	case STT_FILE: return "FILE";
	case STT_COMMON: return "COMMON";
	case STT_TLS: return "TLS";
	case STT_GNU_IFUNC: return "IFUNC";
	}
	snprintf(buf, len, "<%u>", t);
	return buf;
}

const char *sym_vis_name(unsigned v)
{
	static const char *const n[] = { "DEFAULT", "INTERNAL", "HIDDEN", "PROTECTED" };

	return n[v & 3];
}

uint64_t tool_rd(const unsigned char *p, unsigned size, int big_endian)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)p[big_endian ? i : size - 1 - i] << (8 * (size - 1 - i));
	return v;
}

void json_str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			/* images are untrusted: keep the output valid ASCII JSON */
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

void json_hex(FILE *f, const unsigned char *p, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
	fputc('"', f);
}

int tool_error(const char *what, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vdsotool: %s: ", what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_INVALID;
}

int tool_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("vdsotool: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (try vdsotool --help)\n", stderr);
	return EXIT_USAGE;
}

int tool_open(struct vdso_image *img, const char *path, int self)
{
	int rc = self ? vdso_open_live(img) : vdso_open_file(img, path);

	if (rc == VDSO_OK)
		return 0;
	return tool_error(self ? "--self" : path, "%s", img->err);
}
