/* SPDX-License-Identifier: MIT */
/* Symbol iteration and the three lookups (GNU hash, SysV hash, linear).
 * They share one matching rule and differ only in which candidates they
 * visit, so any disagreement between them is a fact about the image. */
#include "internal.h"

#include <string.h>

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

void vdso_key_init(struct vdso_key *key, const char *name, const char *version)
{
	memset(key, 0, sizeof(*key));
	key->name = name;
	key->version = version;
	key->sysv_hash = vdso_sysv_hash(name);
	key->gnu_hash = vdso_gnu_hash(name);
	key->ver_hash = version ? vdso_sysv_hash(version) : 0;
}

/* A key with no hashes yet (VDSO_KEY initialiser) gets them here. */
static struct vdso_key hashed(const struct vdso_key *k)
{
	struct vdso_key h = *k;

	if (!h.sysv_hash && !h.gnu_hash)
		vdso_key_init(&h, k->name, k->version);
	return h;
}

/* The rule glibc applies for a versioned lookup: a definition (not
 * undefined, not local) of that name whose verdef has the requested
 * name and vd_hash.  Without a version, only the default definition. */
static int sym_matches(const struct vdso_image *img, const struct vdso_sym *s, const struct vdso_key *k)
{
	if (s->shndx == SHN_UNDEF || s->bind == STB_LOCAL || strcmp(s->name, k->name) != 0)
		return 0;
	if (!img->versym)
		return 1;
	if (k->version) {
		unsigned ndx = s->versym & 0x7fff;
		const struct vdso_version *v = ndx > 1 ? vdso_version_by_index(img, ndx) : NULL;

		return v && v->hash == k->ver_hash && strcmp(v->name, k->version) == 0;
	}
	return !s->hidden;
}

static int match(const struct vdso_image *img, uint32_t idx, const struct vdso_key *k,
		 struct vdso_sym *out)
{
	struct vdso_sym s;

	if (vdso_sym_at(img, idx, &s) != VDSO_OK || !sym_matches(img, &s, k))
		return 0;
	if (out)
		*out = s;
	return 1;
}

static int by_gnu(const struct vdso_image *img, const struct vdso_key *k, struct vdso_sym *out)
{
	unsigned ws = vdso_wordsize(img), bits = ws * 8;
	const unsigned char *bloom = img->gnu + 16;
	const unsigned char *buckets = bloom + (uint64_t)img->gnu_bloom_size * ws;
	const unsigned char *chain = buckets + 4ull * img->gnu_nbuckets;
	uint32_t h = k->gnu_hash;
	uint64_t word = vdso_rdword(img, bloom + (uint64_t)((h / bits) & (img->gnu_bloom_size - 1)) * ws);
	/* glibc shifts a word-sized copy of the hash: shifts past 31 are legal */
	uint64_t mask = (1ull << (h % bits)) | (1ull << (((uint64_t)h >> img->gnu_bloom_shift) % bits));
	uint32_t i = vdso_rd32(img, buckets + 4ull * (h % img->gnu_nbuckets));

	if ((word & mask) != mask || i == 0)
		return VDSO_NOT_FOUND;
	/* parse_gnu() proved every chain ends before nsyms */
	for (; i < img->nsyms; i++) {
		uint32_t c = vdso_rd32(img, chain + 4ull * (i - img->gnu_symoffset));

		if ((c | 1) == (h | 1) && match(img, i, k, out))
			return VDSO_OK;
		if (c & 1)
			break;
	}
	return VDSO_NOT_FOUND;
}

static int by_sysv(const struct vdso_image *img, const struct vdso_key *k, struct vdso_sym *out)
{
	uint64_t nb = img->hash_nbucket, steps = 0;
	uint64_t i = vdso_hash_word(img, 2 + k->sysv_hash % nb);

	/* parse_sysv() proved the chains short and in range; the step bound
	 * costs nothing and keeps this loop finite on its own */
	for (; i != 0 && i < img->nsyms && steps++ <= img->hash_nchain; i = vdso_hash_word(img, 2 + nb + i))
		if (match(img, (uint32_t)i, k, out))
			return VDSO_OK;
	return VDSO_NOT_FOUND;
}

static int by_scan(const struct vdso_image *img, const struct vdso_key *k, struct vdso_sym *out)
{
	for (uint32_t i = 1; i < img->nsyms; i++)
		if (match(img, i, k, out))
			return VDSO_OK;
	return VDSO_NOT_FOUND;
}

int vdso_lookup(const struct vdso_image *img, const struct vdso_key *key, enum vdso_method m,
		struct vdso_sym *out)
{
	struct vdso_key k;

	if (!img || !key || !key->name || !img->symtab)
		return VDSO_ERR_ARG;
	k = hashed(key);
	if (m == VDSO_BY_ANY)
		m = img->gnu ? VDSO_BY_GNU_HASH : img->hash ? VDSO_BY_SYSV_HASH : VDSO_BY_LINEAR;
	switch (m) {
	case VDSO_BY_GNU_HASH:
		return img->gnu ? by_gnu(img, &k, out) : VDSO_ERR_ARG;
	case VDSO_BY_SYSV_HASH:
		return img->hash ? by_sysv(img, &k, out) : VDSO_ERR_ARG;
	case VDSO_BY_LINEAR:
		return by_scan(img, &k, out);
	default:
		return VDSO_ERR_ARG;
	}
}

static void record(struct vdso_key *k, const struct vdso_sym *s)
{
	k->found = 1;
	k->index = s->index;
	k->addr = s->addr;
	k->hidden = s->hidden;
}

int vdso_resolve(const struct vdso_image *img, struct vdso_key *keys, size_t nkeys, enum vdso_method m)
{
	int found = 0;

	if (!img || (!keys && nkeys))
		return -VDSO_ERR_ARG;
	for (size_t i = 0; i < nkeys; i++) {
		keys[i].found = 0;
		keys[i].index = 0;
		keys[i].addr = 0;
		keys[i].hidden = 0;
	}
	if (m == VDSO_BY_LINEAR) {
		/* Go's shape: one pass over the table, every key tried at each
		 * symbol; the first definition in table order wins */
		for (uint32_t i = 1; i < img->nsyms; i++) {
			struct vdso_sym s;

			if (vdso_sym_at(img, i, &s) != VDSO_OK)
				continue;
			for (size_t j = 0; j < nkeys; j++) {
				if (keys[j].found)
					continue;
				struct vdso_key k = hashed(&keys[j]);

				if (sym_matches(img, &s, &k)) {
					record(&keys[j], &s);
					found++;
				}
			}
		}
		return found;
	}
	for (size_t j = 0; j < nkeys; j++) {
		struct vdso_sym s;
		int rc = vdso_lookup(img, &keys[j], m, &s);

		if (rc == VDSO_OK) {
			record(&keys[j], &s);
			found++;
		} else if (rc != VDSO_NOT_FOUND) {
			return -rc;
		}
	}
	return found;
}

const char *vdso_method_name(enum vdso_method m)
{
	switch (m) {
	case VDSO_BY_ANY: return "any";
	case VDSO_BY_GNU_HASH: return "gnu";
	case VDSO_BY_SYSV_HASH: return "sysv";
	case VDSO_BY_LINEAR: return "linear";
	}
	return "?";
}
