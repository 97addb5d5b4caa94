/* SPDX-License-Identifier: MIT */
/* Where the image's code is: the executable PT_LOADs, recorded once at open
 * so that classifying an address (a PC sampled from a signal, a symbol's
 * value) reads no image bytes. */
#include "parse.h"

#include <elf.h>

void vdso_parse_text(struct vdso_image *img)
{
	img->ntext = 0;
	for (unsigned i = 0; i < img->nloads; i++) {
		const struct vdso_segment *s = &img->loads[i];

		if (s->flags & PF_X) {
			img->text[img->ntext].start = s->vaddr;
			img->text[img->ntext].end = s->vaddr + s->memsz;
			img->ntext++;
		}
	}
}

int vdso_vaddr_in_text(const struct vdso_image *img, uint64_t vaddr)
{
	for (unsigned i = 0; i < img->ntext; i++)
		if (vaddr >= img->text[i].start && vaddr < img->text[i].end)
			return 1;
	return 0;
}

int vdso_pc_in_text(const struct vdso_image *img, uintptr_t pc)
{
	if (!img->loaded || pc < img->load_offset)
		return 0;
	return vdso_vaddr_in_text(img, (uint64_t)(pc - img->load_offset));
}
