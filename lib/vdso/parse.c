/* SPDX-License-Identifier: MIT */
/* The order of parsing: each step may rely on the bounds the earlier ones
 * established, and tables are checked not to overlap one another. */
#include "bounds.h"
#include "parse.h"

/* Extent of one table, for the overlap check. */
struct extent {
	const char *what;
	uint64_t start, end;
};

static int check_overlaps(struct vdso_image *img)
{
	struct extent t[6];
	unsigned n = 0;

	t[n++] = (struct extent){ "DT_STRTAB", img->dt[VDSO_DT_STRTAB],
				  img->dt[VDSO_DT_STRTAB] + img->strsz };
	t[n++] = (struct extent){ "DT_SYMTAB", img->dt[VDSO_DT_SYMTAB],
				  img->dt[VDSO_DT_SYMTAB] + (uint64_t)img->nsyms * img->syment };
	if (img->hash)
		t[n++] = (struct extent){ "DT_HASH", img->dt[VDSO_DT_HASH],
					  img->dt[VDSO_DT_HASH] + img->hash_bytes };
	if (img->gnu)
		t[n++] = (struct extent){ "DT_GNU_HASH", img->dt[VDSO_DT_GNU_HASH],
					  img->dt[VDSO_DT_GNU_HASH] + img->gnu_bytes };
	if (img->versym)
		t[n++] = (struct extent){ "DT_VERSYM", img->dt[VDSO_DT_VERSYM],
					  img->dt[VDSO_DT_VERSYM] + 2ull * img->nsyms };
	if (img->nversions)
		t[n++] = (struct extent){ "DT_VERDEF", img->dt[VDSO_DT_VERDEF],
					  img->dt[VDSO_DT_VERDEF] + img->verdef_bytes };
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = i + 1; j < n; j++)
			if (t[i].start < t[j].end && t[j].start < t[i].end && t[i].start < t[i].end &&
			    t[j].start < t[j].end)
				return vdso_fail(img, VDSO_ERR_DYNAMIC, "%s [0x%llx, 0x%llx) overlaps %s [0x%llx, 0x%llx)",
						 t[i].what, (unsigned long long)t[i].start, (unsigned long long)t[i].end,
						 t[j].what, (unsigned long long)t[j].start, (unsigned long long)t[j].end);
	return VDSO_OK;
}

int vdso_parse(struct vdso_image *img)
{
	int rc;

	if ((rc = vdso_parse_ehdr(img)) || (rc = vdso_parse_phdrs(img)))
		return rc;
	vdso_parse_text(img);
	if ((rc = vdso_parse_dynamic(img)) || (rc = vdso_parse_symtab(img)) ||
	    (rc = vdso_parse_versions(img)) || (rc = vdso_parse_relocs(img)) ||
	    (rc = check_overlaps(img)) || (rc = vdso_parse_notes(img)))
		return rc;
	return VDSO_OK;
}
