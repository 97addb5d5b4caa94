/* SPDX-License-Identifier: MIT */
/* Internals shared by the libvdso sources: byte-order aware readers and the
 * bounds-checked address translation every table read goes through. */
#ifndef VDSO_INTERNAL_H
#define VDSO_INTERNAL_H

#include "vdso.h"

#include <elf.h>

#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif
#ifndef EM_RISCV
#define EM_RISCV 243
#endif
#ifndef DT_RELR
#define DT_RELRSZ 35
#define DT_RELR 36
#endif

#define VDSO_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Record a message in img->err and return status. */
int vdso_fail(struct vdso_image *img, int status, const char *fmt, ...) VDSO_PRINTF(3, 4);

static inline uint16_t vdso_rd16(const struct vdso_image *img, const unsigned char *p)
{
	return img->big_endian ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static inline uint32_t vdso_rd32(const struct vdso_image *img, const unsigned char *p)
{
	if (img->big_endian)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static inline uint64_t vdso_rd64(const struct vdso_image *img, const unsigned char *p)
{
	uint64_t hi = vdso_rd32(img, p), lo = vdso_rd32(img, p + 4);
	if (!img->big_endian) {
		uint64_t t = hi;
		hi = lo;
		lo = t;
	}
	return hi << 32 | lo;
}

/* An address-sized field (Elf32_Addr or Elf64_Addr). */
static inline uint64_t vdso_rdword(const struct vdso_image *img, const unsigned char *p)
{
	return img->elfclass == 64 ? vdso_rd64(img, p) : vdso_rd32(img, p);
}

static inline unsigned vdso_wordsize(const struct vdso_image *img)
{
	return img->elfclass == 64 ? 8 : 4;
}

/* a + b without wrapping, or UINT64_MAX. */
static inline uint64_t vdso_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static inline uint64_t vdso_mul(uint64_t a, uint64_t b)
{
	return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

/* len bytes at file offset off, or NULL when any of them is outside the
 * image (data[0..size)). */
const unsigned char *vdso_at_offset(const struct vdso_image *img, uint64_t off, uint64_t len);

/* len bytes at virtual address vaddr, or NULL unless all of them lie in
 * one PT_LOAD (its file bytes for FILE layout, its memory for LOADED). */
const unsigned char *vdso_at_vaddr(const struct vdso_image *img, uint64_t vaddr, uint64_t len);

/* Bytes readable from vaddr to the end of its PT_LOAD, 0 if unmapped. */
uint64_t vdso_vaddr_avail(const struct vdso_image *img, uint64_t vaddr);

/* NUL-terminated string at strtab offset off, or NULL. */
const char *vdso_str(const struct vdso_image *img, uint64_t off);

/* Steps of image parsing, in order (vdso_parse.c calls them). */
int vdso_parse(struct vdso_image *img);
int vdso_parse_ehdr(struct vdso_image *img);
int vdso_parse_phdrs(struct vdso_image *img);
void vdso_parse_text(struct vdso_image *img);
int vdso_parse_dynamic(struct vdso_image *img);
int vdso_parse_symtab(struct vdso_image *img);
int vdso_parse_versions(struct vdso_image *img);
int vdso_parse_notes(struct vdso_image *img);
int vdso_parse_relocs(struct vdso_image *img);
int vdso_check_overlaps(struct vdso_image *img);

/* Extent of the verdef table seen while walking it (for overlap checks). */
struct vdso_extent {
	const char *what;
	uint64_t start, end;
};

#endif
