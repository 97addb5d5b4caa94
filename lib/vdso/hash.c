/* SPDX-License-Identifier: MIT */
/* DT_HASH and DT_GNU_HASH: the hash functions, the validation at open that
 * lets every later walk trust the tables (in range, finite), and the walks. */
#include "bounds.h"
#include "hash.h"

#include <elf.h>

uint32_t vdso_sysv_hash(const char *name)
{
	uint32_t h = 0;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		uint32_t g;

		h = (h << 4) + *p;
		g = h & 0xf0000000u;
		if (g)
			h ^= g >> 24;
		h &= ~g;
	}
	return h;
}

uint32_t vdso_gnu_hash(const char *name)
{
	uint32_t h = 5381;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = h * 33 + *p;
	return h;
}

/* s390x and alpha chose 8-byte DT_HASH words; everyone else uses 4. */
static unsigned hash_entsize(const struct vdso_image *img)
{
	if ((img->machine == EM_S390 && img->elfclass == 64) || img->machine == EM_ALPHA)
		return 8;
	return 4;
}

/* Entry i of DT_HASH, whose words are 4 or 8 bytes wide. */
static uint64_t hash_word(const struct vdso_image *img, uint64_t i)
{
	const unsigned char *p = img->hash + i * img->hash_entsize;

	return img->hash_entsize == 8 ? vdso_rd64(img, p) : vdso_rd32(img, p);
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
	nb = hash_word(img, 0);
	nc = hash_word(img, 1);
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
		uint64_t i = hash_word(img, 2 + b);
		const char *where = "bucket";

		for (; i != 0; where = "chain of bucket") {
			if (i >= nc)
				return vdso_fail(img, VDSO_ERR_HASH, "DT_HASH %s %llu points past the symbol table (index %llu of %llu)",
						 where, (unsigned long long)b, (unsigned long long)i, (unsigned long long)nc);
			if (++steps > nc)
				return vdso_fail(img, VDSO_ERR_HASH, "DT_HASH chain of bucket %llu loops (more than nchain=%llu steps)",
						 (unsigned long long)b, (unsigned long long)nc);
			i = hash_word(img, 2 + nb + i);
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

int vdso_parse_hashes(struct vdso_image *img, uint64_t fit)
{
	int rc;

	if (img->dt_present[VDSO_DT_HASH] && (rc = parse_sysv(img)))
		return rc;
	if (img->dt_present[VDSO_DT_GNU_HASH] && (rc = parse_gnu(img, fit)))
		return rc;
	return VDSO_OK;
}

int vdso_walk_gnu_hash(const struct vdso_image *img, uint32_t h, vdso_visit_fn *visit, void *ctx)
{
	unsigned ws = vdso_wordsize(img), bits = ws * 8;
	const unsigned char *bloom = img->gnu + 16;
	const unsigned char *buckets = bloom + (uint64_t)img->gnu_bloom_size * ws;
	const unsigned char *chain = buckets + 4ull * img->gnu_nbuckets;
	uint64_t word = vdso_rdword(img, bloom + (uint64_t)((h / bits) & (img->gnu_bloom_size - 1)) * ws);
	/* glibc shifts a word-sized copy of the hash: shifts past 31 are legal */
	uint64_t mask = (1ull << (h % bits)) | (1ull << (((uint64_t)h >> img->gnu_bloom_shift) % bits));
	uint32_t i = vdso_rd32(img, buckets + 4ull * (h % img->gnu_nbuckets));

	if ((word & mask) != mask || i == 0)
		return VDSO_NOT_FOUND;
	/* parse_gnu() proved every chain ends before nsyms */
	for (; i < img->nsyms; i++) {
		uint32_t c = vdso_rd32(img, chain + 4ull * (i - img->gnu_symoffset));

		if ((c | 1) == (h | 1) && visit(img, i, ctx))
			return VDSO_OK;
		if (c & 1)
			break;
	}
	return VDSO_NOT_FOUND;
}

int vdso_walk_sysv_hash(const struct vdso_image *img, uint32_t h, vdso_visit_fn *visit, void *ctx)
{
	uint64_t nb = img->hash_nbucket, steps = 0;
	uint64_t i = hash_word(img, 2 + h % nb);

	/* parse_sysv() proved the chains short and in range; the step bound
	 * costs nothing and keeps this loop finite on its own */
	for (; i != 0 && i < img->nsyms && steps++ <= img->hash_nchain; i = hash_word(img, 2 + nb + i))
		if (visit(img, (uint32_t)i, ctx))
			return VDSO_OK;
	return VDSO_NOT_FOUND;
}
