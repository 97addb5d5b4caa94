/* SPDX-License-Identifier: MIT */
#include "vgetrandom.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

const char *vgr_ret_str(ssize_t r, char *buf, size_t len)
{
	static const struct {
		int e;
		const char *name;
	} names[] = { { EINVAL, "EINVAL" }, { EFAULT, "EFAULT" }, { EAGAIN, "EAGAIN" }, { ENOSYS, "ENOSYS" },
		      { EINTR, "EINTR" }, { ENOMEM, "ENOMEM" } };

	if (r >= 0) {
		snprintf(buf, len, "%zd", r);
		return buf;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (-r == names[i].e) {
			snprintf(buf, len, "-%s", names[i].name);
			return buf;
		}
	}
	snprintf(buf, len, "-%zd (%s)", -r, strerror((int)-r));
	return buf;
}

int vgr_all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

ssize_t vgr_query(struct vgr *g, void *raw)
{
	ssize_t r = g->fn(NULL, 0, 0, raw, ~(size_t)0);

	memcpy(&g->params, raw, sizeof(g->params));
	if (r != 0)
		snprintf(g->no_state, sizeof(g->no_state), "the parameter query returned %zd, not 0", r);
	return r;
}

void *vgr_map_states(const struct vgr *g, size_t len)
{
	return mmap(NULL, len, (int)g->params.mmap_prot, (int)g->params.mmap_flags, -1, 0);
}

int vgr_open_state(struct vgr *g)
{
	if (!g->params.size_of_opaque_state || g->params.size_of_opaque_state > g->page) {
		snprintf(g->no_state, sizeof(g->no_state), "no usable state size in the parameters");
		return -1;
	}
	g->state_size = g->params.size_of_opaque_state;
	g->state = vgr_map_states(g, g->page);
	if (g->state == MAP_FAILED) {
		g->state = NULL;
		snprintf(g->no_state, sizeof(g->no_state), "mmap of a state with prot %#x, flags %#x: %s",
			 g->params.mmap_prot, g->params.mmap_flags, strerror(errno));
		return -1;
	}
	return 0;
}

int vgr_open(struct vgr *g, vdso_getrandom_t fn)
{
	unsigned char raw[sizeof(struct vgetrandom_opaque_params) + VGR_GUARD];

	g->fn = fn;
	g->page = (size_t)sysconf(_SC_PAGESIZE);
	if (vgr_query(g, raw))
		return -1;
	return vgr_open_state(g);
}

/* --- a complete fill, rigorously -------------------------------------------
 * Eight calls, the buffer and VGR_GUARD bytes after it prefilled each time with
 * another canary byte.  It fails when a call returns other than n, changes
 * a byte after the buffer, leaves a run of RUN_MIN or more canary bytes
 * (an unfilled stretch, wherever it is), or when some byte equals its
 * canary in all eight calls (an unfilled byte, however short the hole).
 * For random output a false alarm needs eight equal bytes: per run start
 * 2^-64, per byte over the eight calls 2^-64, in all < 9 n 2^-64 (5e-13
 * for n = 1 MiB). */
#define RUN_MIN 8
static const unsigned char canaries[8] = { 0x00, 0xff, 0xa5, 0x5a, 0x3c, 0xc3, 0x69, 0x96 };

int vgr_check_fill(vdso_getrandom_t fn, size_t n, unsigned flags, void *st, size_t st_len, char *why, size_t wl)
{
	unsigned char *buf = malloc(n + VGR_GUARD), *kept = malloc(n + 1);
	int bad = -1;

	if (!buf || !kept) {
		snprintf(why, wl, "out of memory (%zu bytes)", 2 * n + VGR_GUARD + 1);
		goto out;
	}

	memset(kept, 1, n + 1);
	for (int k = 0; k < 8; k++) {
		unsigned char c = canaries[k];
		size_t run = 0;
		ssize_t r;

		memset(buf, c, n + VGR_GUARD);
		r = fn(buf, n, flags, st, st_len);
		if (r != (ssize_t)n) {
			char rs[48];

			snprintf(why, wl, "getrandom(buf, %zu, %#x, state, %zu) returned %s, expected %zu", n, flags,
				 st_len, vgr_ret_str(r, rs, sizeof(rs)), n);
			goto out;
		}
		for (size_t i = n; i < n + VGR_GUARD; i++) {
			if (buf[i] != c) {
				snprintf(why, wl, "wrote past the end: byte %zu after a %zu-byte buffer changed "
					 "from %#04x to %#04x", i - n, n, c, buf[i]);
				goto out;
			}
		}
		for (size_t i = 0; i < n; i++) {
			run = buf[i] == c ? run + 1 : 0;
			if (run == RUN_MIN) {
				size_t end = i + 1;

				while (end < n && buf[end] == c)
					end++;
				snprintf(why, wl, "returned %zu, but bytes [%zu, %zu) still hold the canary %#04x: "
					 "a stretch of %zu bytes left unfilled", n, i + 1 - RUN_MIN, end, c,
					 end - (i + 1 - RUN_MIN));
				goto out;
			}
			kept[i] &= buf[i] == c;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (kept[i]) {
			snprintf(why, wl, "returned %zu, but byte %zu held its canary after all 8 calls (8 different "
				 "canaries): it is never written", n, i);
			goto out;
		}
	}
	bad = 0;
out:
	free(buf);
	free(kept);
	return bad;
}

ssize_t vgr_draw(const struct vgr *g, void *buf, size_t len, unsigned flags)
{
	return g->fn(buf, len, flags, g->state, g->state_size);
}
