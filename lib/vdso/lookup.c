/* SPDX-License-Identifier: MIT */
/* The lookups: by name, by a table of keys, through either hash table or
 * by a linear scan.  All share one matching rule and differ only in which
 * candidates they visit, so any disagreement between them is a fact about
 * the image. */
#include "hash.h"

#include <elf.h>
#include <string.h>

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

/* What a hash-table walk is asked to find, and where to put it. */
struct wanted {
	const struct vdso_key *key;
	struct vdso_sym *out;
};

static int take(const struct vdso_image *img, uint32_t idx, void *ctx)
{
	const struct wanted *w = ctx;

	return match(img, idx, w->key, w->out);
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
	struct wanted w = { &k, out };

	if (!img || !key || !key->name || !img->symtab)
		return VDSO_ERR_ARG;
	k = hashed(key);
	if (m == VDSO_BY_ANY)
		m = img->gnu ? VDSO_BY_GNU_HASH : img->hash ? VDSO_BY_SYSV_HASH : VDSO_BY_LINEAR;
	switch (m) {
	case VDSO_BY_GNU_HASH:
		return img->gnu ? vdso_walk_gnu_hash(img, k.gnu_hash, take, &w) : VDSO_ERR_ARG;
	case VDSO_BY_SYSV_HASH:
		return img->hash ? vdso_walk_sysv_hash(img, k.sysv_hash, take, &w) : VDSO_ERR_ARG;
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
