/* SPDX-License-Identifier: MIT */
/* The dynamic section: every tag a later check needs, each recorded once. */
#include "bounds.h"
#include "elfcompat.h"
#include "parse.h"

static const struct {
	int64_t tag;
	enum vdso_dt idx;
	int is_ptr;		/* a vaddr ld.so may have rebased in memory */
	const char *name;
} tags[] = {
	{ DT_STRTAB, VDSO_DT_STRTAB, 1, "DT_STRTAB" },
	{ DT_STRSZ, VDSO_DT_STRSZ, 0, "DT_STRSZ" },
	{ DT_SYMTAB, VDSO_DT_SYMTAB, 1, "DT_SYMTAB" },
	{ DT_SYMENT, VDSO_DT_SYMENT, 0, "DT_SYMENT" },
	{ DT_HASH, VDSO_DT_HASH, 1, "DT_HASH" },
	{ DT_GNU_HASH, VDSO_DT_GNU_HASH, 1, "DT_GNU_HASH" },
	{ DT_VERSYM, VDSO_DT_VERSYM, 1, "DT_VERSYM" },
	{ DT_VERDEF, VDSO_DT_VERDEF, 1, "DT_VERDEF" },
	{ DT_VERDEFNUM, VDSO_DT_VERDEFNUM, 0, "DT_VERDEFNUM" },
	{ DT_VERNEED, VDSO_DT_VERNEED, 1, "DT_VERNEED" },
	{ DT_SONAME, VDSO_DT_SONAME, 0, "DT_SONAME" },
	{ DT_FLAGS, VDSO_DT_FLAGS, 0, "DT_FLAGS" },
	{ DT_FLAGS_1, VDSO_DT_FLAGS_1, 0, "DT_FLAGS_1" },
	{ DT_RPATH, VDSO_DT_RPATH, 0, "DT_RPATH" },
	{ DT_RUNPATH, VDSO_DT_RUNPATH, 0, "DT_RUNPATH" },
	{ DT_REL, VDSO_DT_REL, 1, "DT_REL" },
	{ DT_RELSZ, VDSO_DT_RELSZ, 0, "DT_RELSZ" },
	{ DT_RELA, VDSO_DT_RELA, 1, "DT_RELA" },
	{ DT_RELASZ, VDSO_DT_RELASZ, 0, "DT_RELASZ" },
	{ DT_JMPREL, VDSO_DT_JMPREL, 1, "DT_JMPREL" },
	{ DT_PLTRELSZ, VDSO_DT_PLTRELSZ, 0, "DT_PLTRELSZ" },
	{ DT_TEXTREL, VDSO_DT_TEXTREL, 0, "DT_TEXTREL" },
	{ DT_RELR, VDSO_DT_RELR, 1, "DT_RELR" },
	{ DT_RELRSZ, VDSO_DT_RELRSZ, 0, "DT_RELRSZ" },
	{ DT_INIT, VDSO_DT_INIT, 0, "DT_INIT" },
	{ DT_FINI, VDSO_DT_FINI, 0, "DT_FINI" },
	{ DT_SYMBOLIC, VDSO_DT_SYMBOLIC, 0, "DT_SYMBOLIC" },
	{ DT_BIND_NOW, VDSO_DT_BIND_NOW, 0, "DT_BIND_NOW" },
};

const char *vdso_dt_name(enum vdso_dt idx)
{
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (tags[i].idx == idx)
			return tags[i].name;
	return "?";
}

/* glibc's ld.so adds l_addr to most d_ptr entries of a loaded object in
 * place; an unrebased vaddr and a rebased one cannot both translate. */
static uint64_t unrebase(struct vdso_image *img, uint64_t v)
{
	if (img->layout != VDSO_LAYOUT_LOADED || img->load_offset == 0)
		return v;
	if (vdso_vaddr_avail(img, v))
		return v;
	if (v >= img->load_offset && vdso_vaddr_avail(img, v - img->load_offset)) {
		img->dyn_rebased = 1;
		return v - img->load_offset;
	}
	return v;
}

static int dyn_string(struct vdso_image *img, enum vdso_dt idx, const char **out)
{
	if (!img->dt_present[idx])
		return VDSO_OK;
	*out = vdso_str(img, img->dt[idx]);
	if (!*out)
		return vdso_fail(img, VDSO_ERR_STRTAB, "%s offset %llu is not a terminated string inside DT_STRSZ %llu",
				 vdso_dt_name(idx), (unsigned long long)img->dt[idx], (unsigned long long)img->strsz);
	return VDSO_OK;
}

int vdso_parse_dynamic(struct vdso_image *img)
{
	unsigned esz = 2 * vdso_wordsize(img);
	const unsigned char *d;
	uint64_t n;
	int rc, terminated = 0;

	if (!img->has_dynamic)
		return vdso_fail(img, VDSO_ERR_DYNAMIC, "no PT_DYNAMIC segment");
	d = vdso_at_vaddr(img, img->dynamic.vaddr, img->dynamic.filesz);
	if (!d)
		return vdso_fail(img, VDSO_ERR_DYNAMIC, "PT_DYNAMIC [0x%llx, +0x%llx) is not inside a PT_LOAD",
				 (unsigned long long)img->dynamic.vaddr, (unsigned long long)img->dynamic.filesz);
	if (img->layout == VDSO_LAYOUT_FILE && (uint64_t)(d - img->data) != img->dynamic.offset)
		return vdso_fail(img, VDSO_ERR_DYNAMIC, "PT_DYNAMIC p_offset 0x%llx disagrees with its p_vaddr 0x%llx (file offset 0x%llx)",
				 (unsigned long long)img->dynamic.offset, (unsigned long long)img->dynamic.vaddr,
				 (unsigned long long)(d - img->data));
	n = img->dynamic.filesz / esz;
	for (uint64_t i = 0; i < n && !terminated; i++, d += esz) {
		int64_t tag = img->elfclass == 64 ? (int64_t)vdso_rd64(img, d) : (int32_t)vdso_rd32(img, d);
		uint64_t val = vdso_rdword(img, d + esz / 2);
		size_t k;

		if (tag == DT_NULL) {
			terminated = 1;
			break;
		}
		img->ndyn++;
		if (tag == DT_NEEDED) {
			img->nneeded++;
			continue;
		}
		for (k = 0; k < sizeof(tags) / sizeof(tags[0]); k++)
			if (tags[k].tag == tag)
				break;
		if (k == sizeof(tags) / sizeof(tags[0]))
			continue;
		if (img->dt_present[tags[k].idx])
			return vdso_fail(img, VDSO_ERR_DYNAMIC, "%s appears twice (second at entry %llu)",
					 tags[k].name, (unsigned long long)i);
		img->dt_present[tags[k].idx] = 1;
		img->dt[tags[k].idx] = tags[k].is_ptr ? unrebase(img, val) : val;
	}
	if (!terminated)
		return vdso_fail(img, VDSO_ERR_DYNAMIC, "PT_DYNAMIC has no DT_NULL within its %llu entries",
				 (unsigned long long)n);

	if (!img->dt_present[VDSO_DT_STRTAB] || !img->dt_present[VDSO_DT_STRSZ])
		return vdso_fail(img, VDSO_ERR_DYNAMIC, "no %s", img->dt_present[VDSO_DT_STRTAB] ? "DT_STRSZ" : "DT_STRTAB");
	if (!img->dt_present[VDSO_DT_SYMTAB])
		return vdso_fail(img, VDSO_ERR_DYNAMIC, "no DT_SYMTAB");
	img->strsz = img->dt[VDSO_DT_STRSZ];
	if (img->strsz == 0)
		return vdso_fail(img, VDSO_ERR_STRTAB, "DT_STRSZ is 0");
	img->strtab = (const char *)vdso_at_vaddr(img, img->dt[VDSO_DT_STRTAB], img->strsz);
	if (!img->strtab)
		return vdso_fail(img, VDSO_ERR_STRTAB, "DT_STRTAB [0x%llx, +%llu) is not inside a PT_LOAD",
				 (unsigned long long)img->dt[VDSO_DT_STRTAB], (unsigned long long)img->strsz);
	if ((rc = dyn_string(img, VDSO_DT_SONAME, &img->soname)) ||
	    (rc = dyn_string(img, VDSO_DT_RPATH, &img->rpath)) ||
	    (rc = dyn_string(img, VDSO_DT_RUNPATH, &img->runpath)))
		return rc;
	return VDSO_OK;
}
