/* SPDX-License-Identifier: MIT */
/* Symbol versions: the DT_VERDEF chain and the DT_VERSYM entries that
 * point into it.  The kernel's vDSOs define, never need, versions. */
#include "bounds.h"
#include "parse.h"

#define VERDEF_SIZE 20		/* Elf32_Verdef and Elf64_Verdef agree */
#define VERDAUX_SIZE 8
#define MAX_AUX 64		/* parents of one version; vDSOs have none */

const struct vdso_version *vdso_version_by_index(const struct vdso_image *img, unsigned index)
{
	for (unsigned i = 0; i < img->nversions; i++)
		if (img->versions[i].index == index)
			return &img->versions[i];
	return NULL;
}

static int walk_verdef(struct vdso_image *img)
{
	uint64_t at = img->dt[VDSO_DT_VERDEF], end = at;
	int counted = img->dt_present[VDSO_DT_VERDEFNUM];
	uint64_t want = counted ? img->dt[VDSO_DT_VERDEFNUM] : VDSO_MAX_VERSIONS;

	if (counted && (want == 0 || want > VDSO_MAX_VERSIONS))
		return vdso_fail(img, VDSO_ERR_VERDEF, "DT_VERDEFNUM %llu is outside 1..%d",
				 (unsigned long long)want, VDSO_MAX_VERSIONS);
	for (uint64_t n = 0; n < want; n++) {
		const unsigned char *v = vdso_at_vaddr(img, at, VERDEF_SIZE);
		struct vdso_version *ver = &img->versions[img->nversions];
		uint32_t aux, next;
		uint64_t a;

		if (!v)
			return vdso_fail(img, VDSO_ERR_VERDEF, "DT_VERDEF entry %llu at 0x%llx is not inside a PT_LOAD",
					 (unsigned long long)n, (unsigned long long)at);
		if (vdso_rd16(img, v) != 1)
			return vdso_fail(img, VDSO_ERR_VERDEF, "DT_VERDEF entry %llu: vd_version %u, expected 1",
					 (unsigned long long)n, vdso_rd16(img, v));
		ver->flags = vdso_rd16(img, v + 2);
		ver->index = vdso_rd16(img, v + 4);
		ver->cnt = vdso_rd16(img, v + 6);
		ver->hash = vdso_rd32(img, v + 8);
		aux = vdso_rd32(img, v + 12);
		next = vdso_rd32(img, v + 16);
		if (ver->cnt == 0 || ver->cnt > MAX_AUX)
			return vdso_fail(img, VDSO_ERR_VERDEF, "DT_VERDEF entry %llu: vd_cnt %u is outside 1..%d",
					 (unsigned long long)n, ver->cnt, MAX_AUX);
		if (vdso_version_by_index(img, ver->index))
			return vdso_fail(img, VDSO_ERR_VERDEF, "DT_VERDEF entry %llu repeats vd_ndx %u",
					 (unsigned long long)n, ver->index);
		if (at + VERDEF_SIZE > end)
			end = at + VERDEF_SIZE;
		a = vdso_add(at, aux);
		for (unsigned k = 0; k < ver->cnt; k++) {
			const unsigned char *x = vdso_at_vaddr(img, a, VERDAUX_SIZE);
			const char *name;

			if (!x || aux < (k ? VERDAUX_SIZE : VERDEF_SIZE))
				return vdso_fail(img, VDSO_ERR_VERDEF,
						 "DT_VERDEF entry %llu: auxiliary %u at 0x%llx is %s",
						 (unsigned long long)n, k, (unsigned long long)a,
						 x ? "inside the entry it belongs to" : "not inside a PT_LOAD");
			name = vdso_str(img, vdso_rd32(img, x));
			if (!name)
				return vdso_fail(img, VDSO_ERR_VERDEF,
						 "DT_VERDEF entry %llu: vda_name %u is not a terminated string inside DT_STRSZ %llu",
						 (unsigned long long)n, vdso_rd32(img, x), (unsigned long long)img->strsz);
			if (k == 0)
				ver->name = name;
			if (a + VERDAUX_SIZE > end)
				end = a + VERDAUX_SIZE;
			aux = vdso_rd32(img, x + 4);
			a = vdso_add(a, aux);
		}
		ver->hash_ok = ver->hash == vdso_sysv_hash(ver->name);
		img->nversions++;
		if (next == 0) {
			if (counted && n + 1 < want)
				return vdso_fail(img, VDSO_ERR_VERDEF,
						 "DT_VERDEF chain ends after %llu of DT_VERDEFNUM %llu entries",
						 (unsigned long long)(n + 1), (unsigned long long)want);
			break;
		}
		if (next < VERDEF_SIZE)
			return vdso_fail(img, VDSO_ERR_VERDEF, "DT_VERDEF entry %llu: vd_next %u points into itself",
					 (unsigned long long)n, next);
		if (!counted && n + 1 == want)
			return vdso_fail(img, VDSO_ERR_VERDEF, "DT_VERDEF chain longer than %d entries",
					 VDSO_MAX_VERSIONS);
		at = vdso_add(at, next);
	}
	img->verdef_bytes = end - img->dt[VDSO_DT_VERDEF];
	return VDSO_OK;
}

int vdso_parse_versions(struct vdso_image *img)
{
	int rc;

	if (img->dt_present[VDSO_DT_VERDEF] && (rc = walk_verdef(img)))
		return rc;
	if (!img->dt_present[VDSO_DT_VERSYM])
		return VDSO_OK;
	img->versym = vdso_at_vaddr(img, img->dt[VDSO_DT_VERSYM], 2ull * img->nsyms);
	if (!img->versym)
		return vdso_fail(img, VDSO_ERR_VERSYM, "DT_VERSYM at 0x%llx (%u entries) is not inside a PT_LOAD",
				 (unsigned long long)img->dt[VDSO_DT_VERSYM], img->nsyms);
	for (uint32_t i = 0; i < img->nsyms; i++) {
		unsigned ndx = vdso_rd16(img, img->versym + 2ull * i) & 0x7fff;

		/* 0 and 1 are local and global; a needed version would live in
		 * DT_VERNEED, which only undefined symbols may use */
		if (ndx <= 1 || vdso_version_by_index(img, ndx))
			continue;
		if (img->dt_present[VDSO_DT_VERNEED])
			continue;
		return vdso_fail(img, VDSO_ERR_VERSYM, "DT_VERSYM entry %u names version index %u, not defined in DT_VERDEF",
				 i, ndx);
	}
	return VDSO_OK;
}
