/* SPDX-License-Identifier: MIT */
/* What the lint reads itself instead of through libvdso: the ELF and
 * program headers (so that header rules judge images the library
 * rejects), and the width of DT_HASH words.  libvdso picks that width from
 * e_machine (8 on s390x and alpha), so a table of the wrong width only
 * shows there as a corrupt DT_HASH; reading it at both widths tells which
 * one the linker wrote. */
#include "lint.h"
#include "tool.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lint_raw_read(struct lint_raw *raw, const unsigned char *p, size_t n)
{
	unsigned ehsize, phsize, w;
	uint64_t phoff;
	int be;

	memset(raw, 0, sizeof(*raw));
	if (n < EI_NIDENT || memcmp(p, ELFMAG, SELFMAG)) {
		snprintf(raw->err, sizeof(raw->err), "not an ELF file (%s)", n < EI_NIDENT ? "shorter than e_ident" : "bad magic");
		return;
	}
	if ((p[EI_CLASS] != ELFCLASS32 && p[EI_CLASS] != ELFCLASS64) ||
	    (p[EI_DATA] != ELFDATA2LSB && p[EI_DATA] != ELFDATA2MSB) || p[EI_VERSION] != EV_CURRENT) {
		/* named by the first field that is wrong, as the open errors are */
		const char *bad = p[EI_CLASS] != ELFCLASS32 && p[EI_CLASS] != ELFCLASS64 ? "EI_CLASS"
				  : p[EI_DATA] != ELFDATA2LSB && p[EI_DATA] != ELFDATA2MSB ? "EI_DATA"
											  : "EI_VERSION";

		snprintf(raw->err, sizeof(raw->err), "%s: e_ident class %u, data %u, version %u is not a valid ELF "
			 "identification", bad, p[EI_CLASS], p[EI_DATA], p[EI_VERSION]);
		return;
	}
	raw->elfclass = p[EI_CLASS] == ELFCLASS64 ? 64 : 32;
	raw->big_endian = be = p[EI_DATA] == ELFDATA2MSB;
	w = raw->elfclass / 8;
	ehsize = raw->elfclass == 64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	phsize = raw->elfclass == 64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	if (n < ehsize) {
		snprintf(raw->err, sizeof(raw->err), "%zu bytes: shorter than the ELF%d header", n, raw->elfclass);
		return;
	}
	raw->ok = 1;
	raw->type = (uint16_t)tool_rd(p + 16, 2, be);
	raw->machine = (uint16_t)tool_rd(p + 18, 2, be);
	phoff = tool_rd(p + 24 + w, w, be);
	raw->eflags = (uint32_t)tool_rd(p + 24 + 3 * w, 4, be);
	raw->phnum_all = (unsigned)tool_rd(p + 28 + 3 * w + 4, 2, be);
	/* a table that does not fit is the library's to report; the header
	 * rules then see no segments */
	if (tool_rd(p + 28 + 3 * w + 2, 2, be) != phsize || phoff > n || (uint64_t)raw->phnum_all * phsize > n - phoff)
		return;
	raw->phnum = raw->phnum_all < LINT_MAX_PHDRS ? raw->phnum_all : LINT_MAX_PHDRS;
	for (unsigned i = 0; i < raw->phnum; i++) {
		const unsigned char *ph = p + phoff + (uint64_t)i * phsize;
		struct vdso_segment *s = &raw->ph[i];

		s->type = (uint32_t)tool_rd(ph, 4, be);
		if (raw->elfclass == 64) {
			s->flags = (uint32_t)tool_rd(ph + 4, 4, be);
			s->offset = tool_rd(ph + 8, 8, be);
			s->vaddr = tool_rd(ph + 16, 8, be);
			s->filesz = tool_rd(ph + 32, 8, be);
			s->memsz = tool_rd(ph + 40, 8, be);
			s->align = tool_rd(ph + 48, 8, be);
		} else {
			s->offset = tool_rd(ph + 4, 4, be);
			s->vaddr = tool_rd(ph + 8, 4, be);
			s->filesz = tool_rd(ph + 16, 4, be);
			s->memsz = tool_rd(ph + 20, 4, be);
			s->flags = (uint32_t)tool_rd(ph + 24, 4, be);
			s->align = tool_rd(ph + 28, 4, be);
		}
	}
}

/* The file bytes of PT_DYNAMIC, or NULL. */
static const unsigned char *dynamic(const struct lint_image *li, uint64_t *len)
{
	for (unsigned i = 0; i < li->raw.phnum; i++) {
		const struct vdso_segment *s = &li->raw.ph[i];

		if (s->type == PT_DYNAMIC && s->offset <= li->size && s->filesz <= li->size - s->offset) {
			*len = s->filesz;
			return li->data + s->offset;
		}
	}
	return NULL;
}

/* The dynamic entry with this tag: its value, and where it sits. */
static int dyn_find(const struct lint_image *li, int64_t tag, uint64_t *val, size_t *at)
{
	unsigned w = li->raw.elfclass / 8;
	uint64_t len;
	const unsigned char *d = dynamic(li, &len);

	for (uint64_t off = 0; d && off + 2 * w <= len; off += 2 * w) {
		int64_t t = w == 8 ? (int64_t)tool_rd(d + off, 8, li->raw.big_endian) : (int32_t)tool_rd(d + off, 4, li->raw.big_endian);

		if (t == DT_NULL)
			break;
		if (t == tag) {
			*val = tool_rd(d + off + w, w, li->raw.big_endian);
			*at = (size_t)(d + off - li->data);
			return 1;
		}
	}
	return 0;
}

/* Bytes at vaddr up to the end of its PT_LOAD's file image. */
static const unsigned char *at_vaddr(const struct lint_image *li, uint64_t vaddr, uint64_t *avail)
{
	for (unsigned i = 0; i < li->raw.phnum; i++) {
		const struct vdso_segment *s = &li->raw.ph[i];

		if (s->type != PT_LOAD || vaddr < s->vaddr || vaddr - s->vaddr >= s->filesz)
			continue;
		uint64_t off = s->offset + (vaddr - s->vaddr);
		if (off >= li->size || s->offset > li->size)
			return NULL;
		*avail = s->filesz - (vaddr - s->vaddr);
		if (*avail > li->size - off)
			*avail = li->size - off;
		return li->data + off;
	}
	return NULL;
}

/* Is DT_HASH, read with w-byte words, a table: buckets and chains all
 * inside nchain, and all of it inside its segment? */
static int hash_fits(const struct lint_image *li, const unsigned char *h, uint64_t avail, unsigned w)
{
	int be = li->raw.big_endian;
	uint64_t nb, nc;

	if (avail < 2ull * w)
		return 0;
	nb = tool_rd(h, w, be);
	nc = tool_rd(h + w, w, be);
	if (nb == 0 || nc == 0 || nb > avail / w || nc > avail / w || (2 + nb + nc) > avail / w)
		return 0;
	for (uint64_t i = 0; i < nb + nc; i++)
		if (tool_rd(h + (2 + i) * w, w, be) >= nc)
			return 0;
	return 1;
}

static void probe_hash_width(struct lint_image *li)
{
	uint64_t va, avail = 0;
	size_t at;
	const unsigned char *h;
	int fit4, fit8;

	if (!dyn_find(li, DT_HASH, &va, &at))
		return;
	h = at_vaddr(li, va, &avail);
	if (!h) {
		snprintf(li->hash_width_why, sizeof(li->hash_width_why), "DT_HASH 0x%llx is not in a PT_LOAD",
			 (unsigned long long)va);
		return;
	}
	fit4 = hash_fits(li, h, avail, 4);
	fit8 = hash_fits(li, h, avail, 8);
	if (fit4 && fit8)	/* tiny tables can read either way: trust the table */
		li->hash_width = li->arch ? li->arch->hash_entsize : 4;
	else if (fit4 || fit8)
		li->hash_width = fit4 ? 4 : 8;
	else
		snprintf(li->hash_width_why, sizeof(li->hash_width_why),
			 "DT_HASH at 0x%llx is a consistent table with neither 4- nor 8-byte entries",
			 (unsigned long long)va);
}

/* libvdso's choice, which only e_machine and class decide */
static unsigned library_width(const struct lint_raw *raw)
{
	return (raw->machine == EM_S390 && raw->elfclass == 64) || raw->machine == EM_ALPHA ? 8 : 4;
}

void lint_open(struct lint_image *li)
{
	int rc;

	lint_raw_read(&li->raw, li->data, li->size);
	if (li->raw.ok)
		li->arch = vdso_arch_find(li->raw.machine, li->raw.elfclass,
					  li->raw.machine == EM_MIPS && li->raw.elfclass == 32 &&
						  (li->raw.eflags & EF_MIPS_ABI2));
	if (li->raw.ok)
		probe_hash_width(li);
	rc = vdso_open_buffer(&li->img, li->data, li->size);
	if (rc == VDSO_OK) {
		li->parsed = 1;
		return;
	}
	snprintf(li->parse_err, sizeof(li->parse_err), "%s", li->img.err);
	/* A DT_HASH the library read at the wrong width: parse once more with
	 * the tag renamed to DT_DEBUG, which the library ignores, so that the
	 * other rules still judge the image. */
	uint64_t va;
	size_t at;
	if (rc != VDSO_ERR_HASH || !li->hash_width || li->hash_width == library_width(&li->raw) ||
	    !dyn_find(li, DT_HASH, &va, &at))
		return;
	li->masked = malloc(li->size);
	if (!li->masked)
		return;
	memcpy(li->masked, li->data, li->size);
	unsigned w = li->raw.elfclass / 8;
	memset(li->masked + at, 0, w);
	li->masked[at + (li->raw.big_endian ? w - 1 : 0)] = DT_DEBUG;
	if (vdso_open_buffer(&li->img, li->masked, li->size) == VDSO_OK) {
		li->parsed = 1;
		li->sysv_masked = 1;
	}
}

void lint_close(struct lint_image *li)
{
	if (li->parsed)
		vdso_close(&li->img);
	free(li->masked);
	li->masked = NULL;
	li->parsed = 0;
}
