/* SPDX-License-Identifier: MIT */
/* Finding vDSO images inside kernel images: the scan (extract_scan.c) and
 * the subcommand that reports and writes what it found (extract.c). */
#ifndef VDSOTOOL_EXTRACT_H
#define VDSOTOOL_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "decompress.h"

/* Where a buffer came from: the file itself (depth 0) or a stream
 * decoded from a buffer one level up. */
struct ex_origin {
	int depth;
	const struct ex_origin *parent;
	enum dc_format format;		/* depth > 0 */
	uint64_t stream_offset;		/* in the parent buffer */
};

struct ex_stream_note {
	enum dc_format format;
	int depth;
	uint64_t offset;		/* in its parent buffer */
	size_t consumed, produced;
	enum dc_status status;
	char err[120];
};

#define EX_MAX_STREAM_NOTES 64

struct ex_scan {
	size_t max_output;		/* per stream */
	size_t budget;			/* decoded bytes left for the whole scan */
	int max_depth;			/* nesting of streams (an EFI zboot Image.gz: 1) */
	/* called for each vDSO found: bytes, size, offset in its buffer */
	int (*found)(void *ctx, const unsigned char *p, size_t size, uint64_t offset,
		     const struct ex_origin *where);
	void *ctx;
	/* the streams that decoded to something, for the report */
	unsigned nstreams, streams_tried;
	struct ex_stream_note streams[EX_MAX_STREAM_NOTES];
	int budget_hit;
};

/* The bytes an embedded image occupies from p: the furthest of its
 * headers, PT_LOADs and (when they are sane) sections; 0 if p[0..avail)
 * holds no vDSO-like image. */
size_t ex_vdso_extent(const unsigned char *p, size_t avail);

/* Scan buf for vDSOs, then decode the compressed streams in it and scan
 * those (nested up to max_depth while a level finds nothing).  Returns the
 * number of images reported. */
unsigned ex_scan(struct ex_scan *s, const unsigned char *buf, size_t n, const struct ex_origin *where);

/* "xz stream at 0x4ef8 > gzip stream at 0x10" ("file" for depth 0). */
void ex_origin_format(const struct ex_origin *o, char *buf, size_t len);

#endif
