/* SPDX-License-Identifier: MIT */
/* Relocations.  The kernel's build rejects a vDSO with any dynamic
 * relocation but R_*_NONE, so they are only counted, for the lint. */
#include "bounds.h"
#include "parse.h"

#include <elf.h>

/* Is the type of this r_info anything but R_*_NONE (0 on every arch)? */
static int not_none(const struct vdso_image *img, uint64_t info)
{
	if (img->elfclass == 32)
		return (info & 0xff) != 0;
	/* mips64 packs r_sym, r_ssym and three types into the word */
	if (img->machine == EM_MIPS)
		return img->big_endian ? (info & 0xffffff) != 0 : (info >> 40) != 0;
	return (info & 0xffffffff) != 0;
}

static int count(struct vdso_image *img, enum vdso_dt at, enum vdso_dt sz, unsigned esz)
{
	uint64_t bytes = img->dt[sz], n;
	const unsigned char *p;
	unsigned ws = vdso_wordsize(img);

	/* an empty table reads nothing, wherever it points (QEMU's riscv64
	 * vDSO, once moved, keeps DT_RELA 0 with DT_RELASZ 0) */
	if (!img->dt_present[at] || !bytes)
		return VDSO_OK;
	p = vdso_at_vaddr(img, img->dt[at], bytes);
	if (!p || bytes % esz)
		return vdso_fail(img, VDSO_ERR_DYNAMIC, "%s [0x%llx, +%llu) is %s", vdso_dt_name(at),
				 (unsigned long long)img->dt[at], (unsigned long long)bytes,
				 p ? "not a whole number of entries" : "not inside a PT_LOAD");
	n = bytes / esz;
	if (esz == ws) {	/* DT_RELR: every entry is a relative relocation */
		img->nrelocs += (unsigned)n;
		return VDSO_OK;
	}
	for (uint64_t i = 0; i < n; i++) {
		if (not_none(img, vdso_rdword(img, p + i * esz + ws)))
			img->nrelocs++;
		else
			img->nrelocs_none++;
	}
	return VDSO_OK;
}

int vdso_parse_relocs(struct vdso_image *img)
{
	unsigned ws = vdso_wordsize(img);
	int rc;

	if ((rc = count(img, VDSO_DT_REL, VDSO_DT_RELSZ, 2 * ws)) ||
	    (rc = count(img, VDSO_DT_RELA, VDSO_DT_RELASZ, 3 * ws)) ||
	    (rc = count(img, VDSO_DT_RELR, VDSO_DT_RELRSZ, ws)))
		return rc;
	if (img->dt_present[VDSO_DT_JMPREL]) {
		/* DT_PLTREL says REL or RELA; PLT entries are never NONE */
		if (!img->dt_present[VDSO_DT_PLTRELSZ])
			return vdso_fail(img, VDSO_ERR_DYNAMIC, "DT_JMPREL without DT_PLTRELSZ");
		if (!vdso_at_vaddr(img, img->dt[VDSO_DT_JMPREL], img->dt[VDSO_DT_PLTRELSZ]))
			return vdso_fail(img, VDSO_ERR_DYNAMIC, "DT_JMPREL [0x%llx, +%llu) is not inside a PT_LOAD",
					 (unsigned long long)img->dt[VDSO_DT_JMPREL],
					 (unsigned long long)img->dt[VDSO_DT_PLTRELSZ]);
		img->nrelocs += (unsigned)(img->dt[VDSO_DT_PLTRELSZ] / (2 * ws));
	}
	return VDSO_OK;
}
