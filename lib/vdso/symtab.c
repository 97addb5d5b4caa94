/* SPDX-License-Identifier: MIT */
/* The symbol table: how many symbols it holds (from a hash table, else
 * the section headers), every name checked at open, and reading one. */
#include "bounds.h"
#include "hash.h"
#include "parse.h"

#include <elf.h>
#include <string.h>

/* With no hash table the count can only come from the section headers;
 * they are optional, so this is a fallback, not a rule. */
static int count_from_sections(struct vdso_image *img, uint64_t fit)
{
	unsigned n = vdso_section_count(img);
	struct vdso_shdr sh;

	for (unsigned i = 0; i < n; i++) {
		if (vdso_section_at(img, i, &sh) != VDSO_OK || sh.type != SHT_DYNSYM)
			continue;
		if (sh.addr != img->dt[VDSO_DT_SYMTAB] || sh.size / img->syment > fit)
			return -1;
		img->nsyms = (uint32_t)(sh.size / img->syment);
		return 0;
	}
	return -1;
}

int vdso_parse_symtab(struct vdso_image *img)
{
	unsigned want = img->elfclass == 64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
	uint64_t fit;
	int rc;

	img->syment = img->dt_present[VDSO_DT_SYMENT] ? img->dt[VDSO_DT_SYMENT] : want;
	if (img->syment != want)
		return vdso_fail(img, VDSO_ERR_SYMTAB, "DT_SYMENT %llu, expected %u for ELF%d",
				 (unsigned long long)img->syment, want, img->elfclass);
	fit = vdso_vaddr_avail(img, img->dt[VDSO_DT_SYMTAB]) / want;
	if (fit == 0)
		return vdso_fail(img, VDSO_ERR_SYMTAB, "DT_SYMTAB at 0x%llx is not inside a PT_LOAD",
				 (unsigned long long)img->dt[VDSO_DT_SYMTAB]);
	if (fit > UINT32_MAX)
		fit = UINT32_MAX;
	img->nsyms_fit = (uint32_t)fit;
	img->symtab = vdso_at_vaddr(img, img->dt[VDSO_DT_SYMTAB], want);

	if ((rc = vdso_parse_hashes(img, fit)))
		return rc;
	if (img->hash) {
		if (img->hash_nchain > fit)
			return vdso_fail(img, VDSO_ERR_HASH,
					 "DT_HASH nchain %llu is more symbols than fit in DT_SYMTAB's PT_LOAD (%llu)",
					 (unsigned long long)img->hash_nchain, (unsigned long long)fit);
		img->nsyms = (uint32_t)img->hash_nchain;
	} else if (img->gnu) {
		img->nsyms = img->gnu_nsyms;
	} else if (count_from_sections(img, fit) < 0) {
		return vdso_fail(img, VDSO_ERR_SYMTAB,
				 "no DT_HASH, no DT_GNU_HASH and no matching SHT_DYNSYM: the symbol count is unknown");
	}
	if (img->gnu && img->gnu_nsyms > img->nsyms)
		return vdso_fail(img, VDSO_ERR_GNU_HASH,
				 "DT_GNU_HASH chains reach symbol %u but DT_HASH nchain is %u",
				 img->gnu_nsyms - 1, img->nsyms);

	/* Every name must be readable before anyone iterates. */
	for (uint32_t i = 0; i < img->nsyms; i++) {
		const unsigned char *s = img->symtab + (uint64_t)i * want;
		uint32_t name = vdso_rd32(img, s);

		if (!vdso_str(img, name))
			return vdso_fail(img, VDSO_ERR_SYMTAB,
					 "symbol %u: st_name %u is not a terminated string inside DT_STRSZ %llu",
					 i, name, (unsigned long long)img->strsz);
	}
	return VDSO_OK;
}

int vdso_sym_at(const struct vdso_image *img, uint32_t idx, struct vdso_sym *out)
{
	const unsigned char *s;

	if (idx >= img->nsyms || !img->symtab)
		return VDSO_ERR_ARG;
	s = img->symtab + (uint64_t)idx * img->syment;
	memset(out, 0, sizeof(*out));
	out->index = idx;
	out->name = vdso_str(img, vdso_rd32(img, s));
	if (!out->name)
		return VDSO_ERR_SYMTAB;
	if (img->elfclass == 64) {
		out->bind = s[4] >> 4;
		out->type = s[4] & 0xf;
		out->visibility = s[5] & 3;
		out->shndx = vdso_rd16(img, s + 6);
		out->value = vdso_rd64(img, s + 8);
		out->size = vdso_rd64(img, s + 16);
	} else {
		out->value = vdso_rd32(img, s + 4);
		out->size = vdso_rd32(img, s + 8);
		out->bind = s[12] >> 4;
		out->type = s[12] & 0xf;
		out->visibility = s[13] & 3;
		out->shndx = vdso_rd16(img, s + 14);
	}
	if (img->versym) {
		unsigned ndx;
		const struct vdso_version *v;

		out->versym = vdso_rd16(img, img->versym + 2ull * idx);
		out->hidden = (out->versym & 0x8000) != 0;
		ndx = out->versym & 0x7fff;
		v = ndx > 1 ? vdso_version_by_index(img, ndx) : NULL;
		out->version = v ? v->name : NULL;
	}
	if (img->loaded && out->shndx != SHN_UNDEF && out->shndx != SHN_ABS)
		out->addr = img->load_offset + (uintptr_t)out->value;
	return VDSO_OK;
}
