/* SPDX-License-Identifier: MIT */
/* Section headers.  Nothing in a vDSO needs them at run time, but where an
 * image keeps them they are a second witness (where the code is, what the
 * kernel patches) and the last way to count symbols without a hash table.
 * Only FILE layout: a loaded object's section table is not mapped. */
#include "bounds.h"

#include <elf.h>
#include <string.h>

static const unsigned char *table(const struct vdso_image *img, unsigned *es)
{
	*es = img->elfclass == 64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	if (img->layout != VDSO_LAYOUT_FILE || !img->shnum || img->shentsize != *es)
		return NULL;
	return vdso_at_offset(img, img->shoff, (uint64_t)img->shnum * *es);
}

static void read_shdr(const struct vdso_image *img, const unsigned char *p, struct vdso_shdr *s)
{
	memset(s, 0, sizeof(*s));
	s->name_off = vdso_rd32(img, p);
	s->type = vdso_rd32(img, p + 4);
	if (img->elfclass == 64) {
		s->flags = vdso_rd64(img, p + 8);
		s->addr = vdso_rd64(img, p + 16);
		s->offset = vdso_rd64(img, p + 24);
		s->size = vdso_rd64(img, p + 32);
		s->entsize = vdso_rd64(img, p + 56);
	} else {
		s->flags = vdso_rd32(img, p + 8);
		s->addr = vdso_rd32(img, p + 12);
		s->offset = vdso_rd32(img, p + 16);
		s->size = vdso_rd32(img, p + 20);
		s->entsize = vdso_rd32(img, p + 36);
	}
}

unsigned vdso_section_count(const struct vdso_image *img)
{
	unsigned es;

	return table(img, &es) ? img->shnum : 0;
}

int vdso_section_at(const struct vdso_image *img, unsigned i, struct vdso_shdr *out)
{
	unsigned es;
	const unsigned char *t = table(img, &es);
	struct vdso_shdr names;

	if (!t || i >= img->shnum)
		return VDSO_NOT_FOUND;
	read_shdr(img, t + (uint64_t)i * es, out);
	/* the name only when the string table and the string are whole */
	if (img->shstrndx < img->shnum) {
		read_shdr(img, t + (uint64_t)img->shstrndx * es, &names);
		const unsigned char *str = vdso_at_offset(img, names.offset, names.size);

		if (str && out->name_off < names.size &&
		    memchr(str + out->name_off, 0, names.size - out->name_off))
			out->name = (const char *)str + out->name_off;
	}
	/* whether its bytes lie in the image, for callers that read them */
	out->in_image = out->type != SHT_NOBITS && vdso_at_offset(img, out->offset, out->size) != NULL;
	return VDSO_OK;
}

int vdso_section_named(const struct vdso_image *img, const char *name, struct vdso_shdr *out)
{
	unsigned n = vdso_section_count(img);

	for (unsigned i = 1; i < n; i++)
		if (vdso_section_at(img, i, out) == VDSO_OK && out->name && !strcmp(out->name, name))
			return VDSO_OK;
	return VDSO_NOT_FOUND;
}
