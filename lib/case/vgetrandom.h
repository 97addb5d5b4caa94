/* SPDX-License-Identifier: MIT */
/*
 * What the getrandom cases share: the vDSO's getrandom (6.11+,
 * lib/vdso/getrandom.c),
 *
 *	ssize_t getrandom(void *buf, size_t len, unsigned flags,
 *			  void *opaque_state, size_t opaque_len);
 *
 * its parameter query, the states it draws with, and a rigorous check of
 * a complete fill.  Every buffer handed to the vDSO has VGR_GUARD spare
 * bytes after it, so that an overrun is seen (and cannot crash the case).
 */
#ifndef VDSOCONF_CASE_VGETRANDOM_H
#define VDSOCONF_CASE_VGETRANDOM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "clock.h"

#ifndef MAP_DROPPABLE
#define MAP_DROPPABLE 0x08
#endif

#define VGR_GUARD 64	/* spare bytes after every buffer */

struct vgetrandom_opaque_params {
	uint32_t size_of_opaque_state;
	uint32_t mmap_prot;
	uint32_t mmap_flags;
	uint32_t reserved[13];
};

/* A target's getrandom, as its cases use it. */
struct vgr {
	vdso_getrandom_t fn;
	struct vgetrandom_opaque_params params;
	size_t page, state_size;
	void *state;		/* the main state: first in a page of its own */
	char no_state[320];	/* why there is none */
};

/* The parameter query, getrandom(NULL, 0, 0, raw, ~0UL), into raw (len
 * bytes, at least the structure: the caller may check the rest); its
 * return value.  The parameters are copied into g->params. */
ssize_t vgr_query(struct vgr *g, void *raw);
/* g's getrandom drawing from its main state. */
ssize_t vgr_draw(const struct vgr *g, void *buf, size_t len, unsigned flags);

/* After a query that returned 0: the state size from the parameters and
 * a state mapped as they say; 0, or -1 with g->no_state. */
int vgr_open_state(struct vgr *g);
/* Both, for the cases that only draw: 0, or -1 with g->no_state. */
int vgr_open(struct vgr *g, vdso_getrandom_t fn);
/* len bytes mapped with the parameters' prot and flags, or MAP_FAILED */
void *vgr_map_states(const struct vgr *g, size_t len);

/*
 * A complete fill of n bytes by fn(buf, n, flags, st, st_len): 0, or -1
 * with why.  See the definition for what it demands.
 */
int vgr_check_fill(vdso_getrandom_t fn, size_t n, unsigned flags, void *st, size_t st_len, char *why, size_t wl);

/* "-EINVAL" for a negative return, the count otherwise */
const char *vgr_ret_str(ssize_t r, char *buf, size_t len);
int vgr_all_zero(const unsigned char *p, size_t n);

#endif
