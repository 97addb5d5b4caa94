/* SPDX-License-Identifier: MIT */
/* The symbol table and both hash tables, validated whole at open so that
 * lookups afterwards cannot walk out of them or loop. */
#include "internal.h"

#include <string.h>

/* s390x and alpha chose 8-byte DT_HASH words; everyone else uses 4. */
static unsigned hash_entsize(const struct vdso_image *img)
{
	if ((img->machine == EM_S390 && img->elfclass == 64) || img->machine == EM_ALPHA)
		return 8;
	return 4;
}

static int parse_sysv(struct vdso_image *img)
{
	uint64_t nb, nc, steps = 0, bytes;
	unsigned es = hash_entsize(img);
	const unsigned char *h = vdso_at_vaddr(img, img->dt[VDSO_DT_HASH], 2ull * es);

	if (!h)
		return vdso_fail(img, VDSO_ERR_HASH, "DT_HASH header at 0x%llx is not inside a PT_LOAD",
				 (unsigned long long)img->dt[VDSO_DT_HASH]);
	img->hash = h;
	img->hash_entsize = es;
	nb = vdso_hash_word(img, 0);
	nc = vdso_hash_word(img, 1);
	if (nb == 0)
		return vdso_fail(img, VDSO_ERR_HASH, "DT_HASH nbucket is 0");
	bytes = vdso_mul(vdso_add(vdso_add(2, nb), nc), es);
	if (!vdso_at_vaddr(img, img->dt[VDSO_DT_HASH], bytes))
		return vdso_fail(img, VDSO_ERR_HASH,
				 "DT_HASH with nbucket %llu and nchain %llu (%llu bytes at 0x%llx) runs past its PT_LOAD",
				 (unsigned long long)nb, (unsigned long long)nc, (unsigned long long)bytes,
				 (unsigned long long)img->dt[VDSO_DT_HASH]);
	img->hash_nbucket = nb;
	img->hash_nchain = nc;
	img->hash_bytes = bytes;
	/* Each symbol sits on exactly one chain, so all chains together take
	 * at most nchain steps; more means a loop or merged chains. */
	for (uint64_t b = 0; b < nb; b++) {
		uint64_t i = vdso_hash_word(img, 2 + b);
		const char *where = "bucket";

		for (; i != 0; where = "chain of bucket") {
			if (i >= nc)
				return vdso_fail(img, VDSO_ERR_HASH, "DT_HASH %s %llu points past the symbol table (index %llu of %llu)",
						 where, (unsigned long long)b, (unsigned long long)i, (unsigned long long)nc);
			if (++steps > nc)
				return vdso_fail(img, VDSO_ERR_HASH, "DT_HASH chain of bucket %llu loops (more than nchain=%llu steps)",
						 (unsigned long long)b, (unsigned long long)nc);
			i = vdso_hash_word(img, 2 + nb + i);
		}
	}
	return VDSO_OK;
}

static int parse_gnu(struct vdso_image *img, uint64_t fit)
{
	unsigned ws = vdso_wordsize(img);
	uint64_t va = img->dt[VDSO_DT_GNU_HASH], chains, maxidx = 0, bytes;
	const unsigned char *g = vdso_at_vaddr(img, va, 16);

	if (!g)
		return vdso_fail(img, VDSO_ERR_GNU_HASH, "DT_GNU_HASH header at 0x%llx is not inside a PT_LOAD",
				 (unsigned long long)va);
	img->gnu = g;
	img->gnu_nbuckets = vdso_rd32(img, g);
	img->gnu_symoffset = vdso_rd32(img, g + 4);
	img->gnu_bloom_size = vdso_rd32(img, g + 8);
	img->gnu_bloom_shift = vdso_rd32(img, g + 12);
	if (img->gnu_nbuckets == 0)
		return vdso_fail(img, VDSO_ERR_GNU_HASH, "DT_GNU_HASH nbuckets is 0");
	if (img->gnu_bloom_size == 0)
		return vdso_fail(img, VDSO_ERR_GNU_HASH, "DT_GNU_HASH bloom filter size is 0");
	if (img->gnu_bloom_shift >= ws * 8)
		return vdso_fail(img, VDSO_ERR_GNU_HASH, "DT_GNU_HASH bloom shift %u is not below the word size (%u bits)",
				 img->gnu_bloom_shift, ws * 8);
	if (img->gnu_symoffset > fit)
		return vdso_fail(img, VDSO_ERR_GNU_HASH, "DT_GNU_HASH symoffset %u is past the symbol table (%llu symbols fit)",
				 img->gnu_symoffset, (unsigned long long)fit);
	chains = 16 + (uint64_t)img->gnu_bloom_size * ws + (uint64_t)img->gnu_nbuckets * 4;
	if (!vdso_at_vaddr(img, va, chains))
		return vdso_fail(img, VDSO_ERR_GNU_HASH,
				 "DT_GNU_HASH bloom (%u words) and buckets (%u) run past its PT_LOAD",
				 img->gnu_bloom_size, img->gnu_nbuckets);
	bytes = chains;
	for (uint32_t b = 0; b < img->gnu_nbuckets; b++) {
		uint64_t i = vdso_rd32(img, g + 16 + (uint64_t)img->gnu_bloom_size * ws + 4ull * b);

		if (i == 0)
			continue;
		if (i < img->gnu_symoffset || i >= fit)
			return vdso_fail(img, VDSO_ERR_GNU_HASH,
					 "DT_GNU_HASH bucket %u points %s the symbol table (index %llu, hashed symbols %u..%llu)",
					 b, i < img->gnu_symoffset ? "below the hashed part of" : "past",
					 (unsigned long long)i, img->gnu_symoffset, (unsigned long long)fit);
		for (;; i++) {
			uint64_t at = chains + 4 * (i - img->gnu_symoffset);
			const unsigned char *c;

			if (i >= fit)
				return vdso_fail(img, VDSO_ERR_GNU_HASH,
						 "DT_GNU_HASH chain of bucket %u runs past the symbol table (index %llu of %llu)",
						 b, (unsigned long long)i, (unsigned long long)fit);
			c = vdso_at_vaddr(img, va + at, 4);
			if (!c)
				return vdso_fail(img, VDSO_ERR_GNU_HASH,
						 "DT_GNU_HASH chain of bucket %u runs past its PT_LOAD (offset %llu)",
						 b, (unsigned long long)at);
			if (at + 4 > bytes)
				bytes = at + 4;
			if (i > maxidx)
				maxidx = i;
			if (vdso_rd32(img, c) & 1)
				break;
		}
	}
	img->gnu_nsyms = maxidx ? (uint32_t)maxidx + 1 : img->gnu_symoffset;
	img->gnu_bytes = bytes;
	return VDSO_OK;
}

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

	if (img->dt_present[VDSO_DT_HASH] && (rc = parse_sysv(img)))
		return rc;
	if (img->dt_present[VDSO_DT_GNU_HASH] && (rc = parse_gnu(img, fit)))
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
