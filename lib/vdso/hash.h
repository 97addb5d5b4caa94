/* SPDX-License-Identifier: MIT */
/* The two hash tables, DT_HASH (SysV) and DT_GNU_HASH: validated whole at
 * open, then walked by the lookups, which alone know what a match is. */
#ifndef VDSO_HASH_H
#define VDSO_HASH_H

#include "vdso.h"

/* Validate the hash tables the dynamic section names, against a symbol
 * table with room for fit entries: headers inside a PT_LOAD, every bucket
 * and chain in range, no chain endless.  Records their geometry in img. */
int vdso_parse_hashes(struct vdso_image *img, uint64_t fit);

/* Offered each symbol a chain holds for a name's hash, in chain order;
 * nonzero accepts it and ends the walk. */
typedef int vdso_visit_fn(const struct vdso_image *img, uint32_t idx, void *ctx);

/* Walk the chain of hash (the name's vdso_gnu_hash or vdso_sysv_hash)
 * in an image whose table was validated: VDSO_OK when visit accepted a
 * symbol, else VDSO_NOT_FOUND.  The GNU walk offers only the symbols
 * whose stored hash agrees, and none when the Bloom filter says no. */
int vdso_walk_gnu_hash(const struct vdso_image *img, uint32_t hash, vdso_visit_fn *visit, void *ctx);
int vdso_walk_sysv_hash(const struct vdso_image *img, uint32_t hash, vdso_visit_fn *visit, void *ctx);

#endif
