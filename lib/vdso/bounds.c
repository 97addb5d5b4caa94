/* SPDX-License-Identifier: MIT */
/* The translations from file offsets, virtual addresses and string-table
 * offsets to bytes: the one place that decides what lies inside an image. */
#include "bounds.h"

#include <string.h>

const unsigned char *vdso_at_offset(const struct vdso_image *img, uint64_t off, uint64_t len)
{
	if (off > img->size || len > img->size - off)
		return NULL;
	return img->data + off;
}

static const struct vdso_segment *load_of(const struct vdso_image *img, uint64_t vaddr,
					  uint64_t *avail)
{
	for (unsigned i = 0; i < img->nloads; i++) {
		const struct vdso_segment *s = &img->loads[i];
		uint64_t span = img->layout == VDSO_LAYOUT_FILE ? s->filesz : s->memsz;

		if (vaddr >= s->vaddr && vaddr - s->vaddr < span) {
			*avail = span - (vaddr - s->vaddr);
			return s;
		}
	}
	*avail = 0;
	return NULL;
}

uint64_t vdso_vaddr_avail(const struct vdso_image *img, uint64_t vaddr)
{
	uint64_t avail;

	load_of(img, vaddr, &avail);
	return avail;
}

const unsigned char *vdso_at_vaddr(const struct vdso_image *img, uint64_t vaddr, uint64_t len)
{
	uint64_t avail;
	const struct vdso_segment *s = load_of(img, vaddr, &avail);

	if (!s || len > avail)
		return NULL;
	if (img->layout == VDSO_LAYOUT_LOADED)
		return (const unsigned char *)(img->load_offset + (uintptr_t)vaddr);
	/* PT_LOADs were checked to lie inside the image at parse time */
	return vdso_at_offset(img, s->offset + (vaddr - s->vaddr), len);
}

const char *vdso_str(const struct vdso_image *img, uint64_t off)
{
	if (!img->strtab || off >= img->strsz)
		return NULL;
	if (!memchr(img->strtab + off, 0, img->strsz - off))
		return NULL;
	return img->strtab + off;
}
