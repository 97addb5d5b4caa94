/* SPDX-License-Identifier: MIT */
/* .altinstructions: one struct alt_instr per patch site, its offsets
 * relative to the entry itself.  The layout changed with the kernel:
 *
 *   12 bytes  s32 instr, s32 repl, u16 cpuid, u8 instrlen, u8 replacementlen
 *             (x86 up to 4.0 and again from 5.x to at least 6.1; arm64)
 *   13 bytes  the same plus u8 padlen (x86 4.1 to 5.x)
 *   14 bytes  s32 instr, s32 repl, u32 ft_flags, u8 instrlen, u8 replacementlen
 *             (x86 in 6.x kernels with feature flags, e.g. 6.18)
 *
 * No field says which, so each layout is tried: it counts only if the
 * section is whole entries of it and every entry points into executable
 * text with a replacement inside the image.  Ambiguity (a table that
 * reads validly both ways) is settled by the kernel version note. */
#include "diff_alt.h"
#include "tool.h"

#include <elf.h>
#include <stdio.h>
#include <string.h>

struct layout {
	unsigned size, feat_size;
	const char *what;
};

static const struct layout layouts[] = {
	{ 14, 4, "14-byte entries (u32 ft_flags, 6.x)" },
	{ 12, 2, "12-byte entries (u16 cpuid; up to 4.0, 5.x-6.1, arm64)" },
	{ 13, 2, "13-byte entries (u16 cpuid, u8 padlen; 4.1-5.x)" },
};

/* File offset of [vaddr, vaddr + len) inside one PT_LOAD (exec: an
 * executable one), or UINT64_MAX. */
static uint64_t offset_of(const struct vdso_image *img, uint64_t vaddr, uint64_t len, int exec)
{
	for (unsigned i = 0; i < img->nloads; i++) {
		const struct vdso_segment *s = &img->loads[i];

		if ((exec && !(s->flags & PF_X)) || vaddr < s->vaddr || vaddr - s->vaddr > s->filesz ||
		    len > s->filesz - (vaddr - s->vaddr))
			continue;
		return s->offset + (vaddr - s->vaddr);
	}
	return UINT64_MAX;
}

/* Read every entry with layout l; 0 when one of them is not a site. */
static int try_layout(const struct vdso_image *img, const struct layout *l, const unsigned char *sec, uint64_t addr,
		      uint64_t size, struct alt_sites *out)
{
	unsigned len_at = 8 + l->feat_size;

	if (size % l->size || size / l->size > ALT_MAX_SITES)
		return 0;
	out->n = 0;
	for (uint64_t e = 0; e < size; e += l->size) {
		const unsigned char *p = sec + e;
		int32_t io = (int32_t)(uint32_t)tool_rd(p, 4, img->big_endian);
		int32_t ro = (int32_t)(uint32_t)tool_rd(p + 4, 4, img->big_endian);
		unsigned ilen = p[len_at], rlen = p[len_at + 1];
		uint64_t iva = addr + e + (uint64_t)(int64_t)io, rva = addr + e + 4 + (uint64_t)(int64_t)ro;
		uint64_t ioff = offset_of(img, iva, ilen, 1), roff = offset_of(img, rva, rlen, 0);
		struct alt_site *s = &out->site[out->n++];

		if (!ilen || rlen > ilen || ioff == UINT64_MAX || roff == UINT64_MAX)
			return 0;
		s->start = ioff;
		s->end = ioff + ilen;
		s->repl = roff;
		s->repl_len = rlen;
		s->feature = (uint32_t)tool_rd(p + 8, l->feat_size, img->big_endian);
	}
	return 1;
}

void alt_sites_read(const struct vdso_image *img, struct alt_sites *out)
{
	struct vdso_shdr sec;
	uint32_t kv = img->notes.has_linux_version ? img->notes.linux_version : 0;
	/* ft_flags replaced cpuid in the 6.x series: try 14 first for 6.2+ */
	int order[3] = { 0, 1, 2 };

	memset(out, 0, sizeof(*out));
	if (vdso_section_named(img, ".altinstructions", &sec) != VDSO_OK || !sec.in_image)
		return;
	out->found = 1;
	if (kv && kv < ((6u << 16) | (2u << 8))) {
		order[0] = 1;
		order[1] = 2;
		order[2] = 0;
	}
	for (int k = 0; k < 3; k++) {
		const struct layout *l = &layouts[order[k]];

		if (try_layout(img, l, img->data + sec.offset, sec.addr, sec.size, out)) {
			out->entsize = l->size;
			out->layout = l->what;
			return;
		}
	}
	out->n = 0;
	snprintf(out->why, sizeof(out->why),
		 ".altinstructions (%llu bytes at 0x%llx) reads as no known struct alt_instr layout",
		 (unsigned long long)sec.size, (unsigned long long)sec.offset);
}
