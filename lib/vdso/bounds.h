/* SPDX-License-Identifier: MIT */
/* The bottom layer of libvdso: reading the image's bytes in its byte order,
 * arithmetic that cannot wrap, and the only translations from file offsets
 * and virtual addresses to bytes, each refusing anything outside the image.
 * Everything above reads through these and reports through vdso_fail();
 * nothing here calls up. */
#ifndef VDSO_BOUNDS_H
#define VDSO_BOUNDS_H

#include "vdso.h"

#define VDSO_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Record a message in img->err and return status (fail.c). */
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

#endif
