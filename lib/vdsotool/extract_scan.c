/* SPDX-License-Identifier: MIT */
/* The scan behind `vdsotool extract`: ELF headers in a buffer that parse
 * as vDSO-like shared objects, and compressed streams to decode and scan
 * in turn.  Every byte is untrusted: an ELF magic in a kernel is usually
 * not an image, and a compressed-stream magic usually not a stream. */
#include "extract.h"
#include "vdso/vdso.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* vDSOs are a few pages; libvdso parses a candidate inside this window */
#define EX_WINDOW (1u << 20)

/* linux-vdso.so.1, linux-vdso32.so.1, linux-vdso64.so.1, linux-gate.so.1 */
static int vdso_soname(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n > 11 && !strncmp(s, "linux-", 6) && !strcmp(s + n - 5, ".so.1") &&
	       (!strncmp(s + 6, "vdso", 4) || !strncmp(s + 6, "gate", 4));
}

/* The end of the section header table and of every section in it, when
 * the table is sane; else 0 (section headers are optional and an image
 * found in a kernel may have lost them). */
static uint64_t section_extent(const struct vdso_image *img)
{
	unsigned n = vdso_section_count(img);
	struct vdso_shdr sh;
	uint64_t end, max;

	if (!n || img->shstrndx >= n || vdso_section_at(img, 0, &sh) != VDSO_OK)
		return 0;
	if (sh.name_off || sh.type || sh.flags || sh.addr || sh.offset || sh.size)
		return 0;	/* entry 0 is all zeros in any real table */
	end = max = img->shoff + (uint64_t)n * img->shentsize;
	for (unsigned i = 1; i < n; i++) {
		if (vdso_section_at(img, i, &sh) != VDSO_OK)
			return 0;
		if (sh.type == SHT_NOBITS || sh.type == SHT_NULL)
			continue;
		if (!sh.in_image)
			return 0;	/* not this image's table after all */
		if (sh.offset + sh.size > max)
			max = sh.offset + sh.size;
	}
	return max > end ? max : end;
}

size_t ex_vdso_extent(const unsigned char *p, size_t avail)
{
	size_t win = avail < EX_WINDOW ? avail : EX_WINDOW;
	struct vdso_image img;
	uint64_t end;

	/* cheap rejections first: most ELF magics in a kernel are not images */
	if (win < 52 || memcmp(p, ELFMAG, SELFMAG) || (p[EI_CLASS] != 1 && p[EI_CLASS] != 2) ||
	    (p[EI_DATA] != 1 && p[EI_DATA] != 2) ||
	    (p[EI_DATA] == ELFDATA2MSB ? p[16] << 8 | p[17] : p[17] << 8 | p[16]) != ET_DYN)
		return 0;
	if (vdso_open_buffer(&img, p, win) != VDSO_OK || !vdso_soname(img.soname))
		return 0;
	end = (uint64_t)(img.elfclass == 64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr));
	if (img.phoff + (uint64_t)img.phnum * img.phentsize > end)
		end = img.phoff + (uint64_t)img.phnum * img.phentsize;
	for (unsigned i = 0; i < img.nloads; i++)
		if (img.loads[i].offset + img.loads[i].filesz > end)
			end = img.loads[i].offset + img.loads[i].filesz;
	for (unsigned i = 0; i < img.nnotes; i++)
		if (img.notesegs[i].offset + img.notesegs[i].filesz > end)
			end = img.notesegs[i].offset + img.notesegs[i].filesz;
	uint64_t sec = section_extent(&img);
	if (sec > end)
		end = sec;
	vdso_close(&img);
	return end <= win ? (size_t)end : 0;
}

void ex_origin_format(const struct ex_origin *o, char *buf, size_t len)
{
	char tail[256];

	if (!o || o->depth == 0) {
		snprintf(buf, len, "file");
		return;
	}
	if (o->parent && o->parent->depth > 0) {
		ex_origin_format(o->parent, tail, sizeof(tail));
		snprintf(buf, len, "%s > %s stream at 0x%llx", tail, dc_name(o->format),
			 (unsigned long long)o->stream_offset);
	} else {
		snprintf(buf, len, "%s stream at 0x%llx", dc_name(o->format), (unsigned long long)o->stream_offset);
	}
}

static unsigned scan_elf(struct ex_scan *s, const unsigned char *buf, size_t n, const struct ex_origin *where)
{
	unsigned found = 0;
	size_t i = 0;

	/* memchr is several times faster than memmem on a kernel's 50 MiB,
	 * even though 0x7f is a common x86 opcode (jg) */
	while (i + 4 <= n) {
		const unsigned char *q = memchr(buf + i, ELFMAG0, n - i - 3);
		size_t at, size;

		if (!q)
			break;
		at = (size_t)(q - buf);
		if (memcmp(q, ELFMAG, SELFMAG)) {
			i = at + 1;
			continue;
		}
		size = ex_vdso_extent(q, n - at);
		if (!size) {
			i = at + 1;
			continue;
		}
		if (s->found(s->ctx, q, size, at, where))
			found++;
		i = at + size;
	}
	return found;
}

static void note_stream(struct ex_scan *s, enum dc_format f, const struct ex_origin *where, size_t at,
			const struct dc_result *r)
{
	struct ex_stream_note *sn;

	if (s->nstreams == EX_MAX_STREAM_NOTES)
		return;
	sn = &s->streams[s->nstreams++];
	sn->format = f;
	sn->depth = where->depth + 1;
	sn->offset = at;
	sn->consumed = r->consumed;
	sn->produced = r->len;
	sn->status = r->status;
	snprintf(sn->err, sizeof(sn->err), "%s", r->err);
}

static unsigned scan_streams(struct ex_scan *s, const unsigned char *buf, size_t n, const struct ex_origin *where)
{
	/* the first byte of every magic dc_match knows, to skip the rest fast */
	static const unsigned char first[] = { 0x1f, 0xfd, 0x5d, 'B', 0x28, 0x04, 0x02 };
	unsigned char maybe[256] = { 0 };
	unsigned found = 0;

	for (size_t k = 0; k < sizeof(first); k++)
		maybe[first[k]] = 1;
	for (size_t i = 0; i + 14 <= n; i++) {
		enum dc_format f;
		struct dc_result r;

		if (!maybe[buf[i]] || !dc_match(buf + i, n - i, &f))
			continue;
		if (s->budget == 0) {
			s->budget_hit = 1;
			break;
		}
		s->streams_tried++;
		dc_decode(f, buf + i, n - i, s->max_output < s->budget ? s->max_output : s->budget, &r);
		if (r.status == DC_FAIL)
			continue;
		s->budget -= r.len < s->budget ? r.len : s->budget;
		note_stream(s, f, where, i, &r);
		struct ex_origin o = { where->depth + 1, where, f, i };
		found += ex_scan(s, r.data, r.len, &o);
		free(r.data);
		/* a stream that ended cleanly holds no other stream's magic */
		if (r.status == DC_END && r.consumed > 1)
			i += r.consumed - 1;
	}
	return found;
}

unsigned ex_scan(struct ex_scan *s, const unsigned char *buf, size_t n, const struct ex_origin *where)
{
	unsigned found = scan_elf(s, buf, n, where);

	/* A level that held vDSOs is the kernel itself; its streams are other
	 * payloads (initramfs, firmware) and decoding them only costs time. */
	if (found || where->depth >= s->max_depth)
		return found;
	return scan_streams(s, buf, n, where);
}
