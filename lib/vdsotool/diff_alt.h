/* SPDX-License-Identifier: MIT */
/* The alternative-instruction patch sites of a vDSO image: the byte
 * ranges the kernel may rewrite at boot (x86, also arm64). */
#ifndef VDSOTOOL_DIFF_ALT_H
#define VDSOTOOL_DIFF_ALT_H

#include <stddef.h>
#include <stdint.h>

#include "vdso/vdso.h"

#define ALT_MAX_SITES 4096

struct alt_site {
	uint64_t start, end;		/* file offsets of the patchable bytes */
	uint64_t repl;			/* offset of the replacement */
	unsigned repl_len;
	uint32_t feature;		/* cpuid / ft_flags as stored */
};

struct alt_sites {
	int found;			/* the image has an .altinstructions section */
	unsigned entsize;		/* 14, 13 or 12; 0 when no layout fits */
	const char *layout;		/* which kernels wrote that layout */
	unsigned n;
	struct alt_site site[ALT_MAX_SITES];
	char why[160];			/* when found but unusable */
};

/* Read .altinstructions of an opened image (FILE layout, section headers
 * kept).  Every entry must fall inside the image for a layout to count. */
void alt_sites_read(const struct vdso_image *img, struct alt_sites *out);

#endif
