/* SPDX-License-Identifier: MIT */
/* Opening images that are already in memory, a caller's buffer or a
 * mapping: nothing here reads a file or allocates, so a program without a
 * C library (cases/nolibc) builds this with the parse steps. */
#include "bounds.h"
#include "parse.h"

#include <string.h>

static void reset(struct vdso_image *img)
{
	memset(img, 0, sizeof(*img));
}

int vdso_open_buffer(struct vdso_image *img, const void *buf, size_t len)
{
	reset(img);
	if (!buf && len)
		return vdso_fail(img, VDSO_ERR_ARG, "NULL buffer of %zu bytes", len);
	img->data = buf;
	img->size = len;
	img->layout = VDSO_LAYOUT_FILE;
	return vdso_parse(img);
}

int vdso_open_mapped(struct vdso_image *img, const void *addr, size_t len)
{
	int rc;

	reset(img);
	if (!addr)
		return vdso_fail(img, VDSO_ERR_ARG, "NULL image address");
	img->data = addr;
	img->size = len;
	img->layout = VDSO_LAYOUT_FILE;
	img->loaded = 1;
	rc = vdso_parse(img);
	if (rc == VDSO_OK) {
		/* Go's rule: runtime = base + p_offset - p_vaddr of the first
		 * PT_LOAD, so st_value (a vaddr) maps to where it sits. */
		img->load_offset = (uintptr_t)addr + (uintptr_t)img->loads[0].offset -
				   (uintptr_t)img->loads[0].vaddr;
	}
	return rc;
}
