/* SPDX-License-Identifier: MIT */
/* The steps of parsing an image, in the order vdso_parse() runs them:
 * each may rely on the bounds the earlier ones established. */
#ifndef VDSO_PARSE_H
#define VDSO_PARSE_H

#include "vdso.h"

/* Every step, and the check that no two tables overlap (parse.c). */
int vdso_parse(struct vdso_image *img);

int vdso_parse_ehdr(struct vdso_image *img);		/* headers.c */
int vdso_parse_phdrs(struct vdso_image *img);		/* headers.c */
void vdso_parse_text(struct vdso_image *img);		/* text.c */
int vdso_parse_dynamic(struct vdso_image *img);		/* dynamic.c */
int vdso_parse_symtab(struct vdso_image *img);		/* symtab.c, with hash.c */
int vdso_parse_versions(struct vdso_image *img);	/* version.c */
int vdso_parse_relocs(struct vdso_image *img);		/* relocs.c */
int vdso_parse_notes(struct vdso_image *img);		/* notes.c */

#endif
