/* SPDX-License-Identifier: MIT */
/* Decoders for gzip, xz, lzma, bzip2, zstd and lz4 (frame and the kernel's
 * legacy format), each fed the rest of the file as one untrusted stream.
 * The libraries bound their own reads; what is ours to bound is the output
 * (a corrupt or hostile stream may claim gigabytes) and the decoder's
 * memory (an lzma header may ask for a 4 GiB dictionary). */
#include "decompress.h"

#include <bzlib.h>
#include <limits.h>
#include <lz4.h>
#include <lz4frame.h>
#include <lzma.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

/* xz -9 needs 674 MiB to compress but 65 MiB to decode; kernels use less */
#define DC_MEMLIMIT (256ull << 20)
/* lz4 -l: every block but the last decodes to exactly 8 MiB */
#define LZ4_LEGACY_BLOCK (8u << 20)
#define LZ4_LEGACY_MAGIC 0x184C2102u

static const char *const names[DC_NFORMATS] = {
	[DC_GZIP] = "gzip", [DC_XZ] = "xz", [DC_LZMA] = "lzma", [DC_BZIP2] = "bzip2",
	[DC_ZSTD] = "zstd", [DC_LZ4_FRAME] = "lz4", [DC_LZ4_LEGACY] = "lz4-legacy",
};

const char *dc_name(enum dc_format f)
{
	return (unsigned)f < DC_NFORMATS ? names[f] : "?";
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* An lzma dictionary size as lzma/xz write it: 2^n or 2^n + 2^(n-1). */
static int lzma_dict_ok(uint32_t d)
{
	uint32_t top;

	if (d < 4096 || d > (3u << 29))
		return 0;
	top = 1u << (31 - __builtin_clz(d));
	return d == top || d == top + top / 2;
}

int dc_match(const unsigned char *p, size_t n, enum dc_format *f)
{
	if (n < 14)
		return 0;
	switch (p[0]) {
	case 0x1f:	/* gzip: deflate, no reserved flag bits, known XFL */
		if (p[1] == 0x8b && p[2] == 8 && !(p[3] & 0xe0) && (p[8] == 0 || p[8] == 2 || p[8] == 4)) {
			*f = DC_GZIP;
			return 1;
		}
		return 0;
	case 0xfd:	/* xz: magic, stream flags and their CRC32 */
		if (!memcmp(p, "\xfd" "7zXZ\0", 6) && p[6] == 0 && p[7] < 16 &&
		    crc32(0, p + 6, 2) == le32(p + 8)) {
			*f = DC_XZ;
			return 1;
		}
		return 0;
	case 0x5d:	/* lzma-alone: lc3 lp0 pb2, a real dictionary size, a size
			 * that is unknown or below 4 GiB, and the range coder's
			 * first byte, which is always 0 */
		if (lzma_dict_ok(le32(p + 1)) && p[13] == 0 &&
		    (le32(p + 9) == 0 || (le32(p + 5) == UINT32_MAX && le32(p + 9) == UINT32_MAX))) {
			*f = DC_LZMA;
			return 1;
		}
		return 0;
	case 'B':	/* bzip2: level digit, then a block or end-of-stream magic */
		if (p[1] == 'Z' && p[2] == 'h' && p[3] >= '1' && p[3] <= '9' &&
		    (!memcmp(p + 4, "\x31\x41\x59\x26\x53\x59", 6) || !memcmp(p + 4, "\x17\x72\x45\x38\x50\x90", 6))) {
			*f = DC_BZIP2;
			return 1;
		}
		return 0;
	case 0x28:	/* zstd: reserved bit of the frame header descriptor clear */
		if (p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd && !(p[4] & 0x08)) {
			*f = DC_ZSTD;
			return 1;
		}
		return 0;
	case 0x04:	/* lz4 frame: version 01, reserved bits clear, block size 4..7 */
		if (p[1] == 0x22 && p[2] == 0x4d && p[3] == 0x18 && (p[4] & 0xc2) == 0x40 &&
		    !(p[5] & 0x8f) && (p[5] >> 4) >= 4) {
			*f = DC_LZ4_FRAME;
			return 1;
		}
		return 0;
	case 0x02:	/* lz4 legacy: magic, then a first block of sane size */
		if (le32(p) == LZ4_LEGACY_MAGIC && le32(p + 4) != 0 &&
		    le32(p + 4) <= (uint32_t)LZ4_compressBound(LZ4_LEGACY_BLOCK)) {
			*f = DC_LZ4_LEGACY;
			return 1;
		}
		return 0;
	}
	return 0;
}

/* --- the growing, capped output buffer --------------------------------- */

struct out {
	unsigned char *data;
	size_t len, cap, max;
};

/* Grow the buffer until need bytes are free, or to the cap; returns the
 * bytes free (0 when capped or out of memory).  Doubling keeps the copies
 * cheap, and glibc's realloc of large blocks remaps instead of copying. */
static size_t reserve(struct out *o, size_t need, size_t hint)
{
	while (o->cap - o->len < need && o->cap < o->max) {
		size_t want = o->cap ? o->cap * 2 : (hint < (1u << 20) ? (1u << 20) : hint);
		unsigned char *p;

		if (want > o->max || want < o->cap)
			want = o->max;
		p = realloc(o->data, want);
		if (!p)
			break;
		o->data = p;
		o->cap = want;
	}
	return o->cap - o->len < need ? o->cap - o->len : need;
}

/* Any free space at all, for decoders that take what they are given. */
static size_t room(struct out *o, size_t hint)
{
	return o->len < o->cap ? o->cap - o->len : reserve(o, 1, hint) ? o->cap - o->len : 0;
}

static enum dc_status finish(struct dc_result *r, struct out *o, size_t consumed, int ended,
			     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static enum dc_status finish(struct dc_result *r, struct out *o, size_t consumed, int ended,
			     const char *fmt, ...)
{
	va_list ap;

	r->consumed = consumed;
	r->err[0] = 0;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(r->err, sizeof(r->err), fmt, ap);
		va_end(ap);
	}
	if (!o->len) {
		free(o->data);
		r->data = NULL;
		r->len = 0;
		return r->status = DC_FAIL;
	}
	r->data = o->data;
	r->len = o->len;
	return r->status = ended ? DC_END : DC_PARTIAL;
}

#define CAPPED(o) ((o)->len >= (o)->max)
#define CAP_MSG "output reached the limit of %zu bytes", (o)->max

/* zlib and bzip2 count in unsigned int: feed them in slices. */
static unsigned slice(size_t left)
{
	return left > UINT_MAX ? UINT_MAX : (unsigned)left;
}

static enum dc_status gzip(const unsigned char *in, size_t n, struct out *o, struct dc_result *r)
{
	z_stream z;
	size_t used = 0;
	int rc = Z_OK;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return finish(r, o, 0, 0, "zlib: cannot initialise");
	while (rc == Z_OK) {
		size_t avail = room(o, n * 4);

		if (!avail)
			break;
		z.next_in = (unsigned char *)in + used;
		z.avail_in = slice(n - used);
		z.next_out = o->data + o->len;
		z.avail_out = slice(avail);
		unsigned in0 = z.avail_in, out0 = z.avail_out;
		rc = inflate(&z, Z_NO_FLUSH);
		used += in0 - z.avail_in;
		o->len += out0 - z.avail_out;
		if (rc == Z_BUF_ERROR && z.avail_out && used == n)
			break;	/* input ended mid-stream */
		if (rc == Z_BUF_ERROR)
			rc = Z_OK;
	}
	inflateEnd(&z);
	if (rc == Z_STREAM_END)
		return finish(r, o, used, 1, NULL);
	if (CAPPED(o))
		return finish(r, o, used, 0, CAP_MSG);
	return finish(r, o, used, 0, "gzip: %s", rc == Z_OK || rc == Z_BUF_ERROR ? "truncated" : (z.msg ? z.msg : "corrupt"));
}

static enum dc_status bzip2(const unsigned char *in, size_t n, struct out *o, struct dc_result *r)
{
	bz_stream s;
	size_t used = 0;
	int rc = BZ_OK;

	memset(&s, 0, sizeof(s));
	if (BZ2_bzDecompressInit(&s, 0, 0) != BZ_OK)
		return finish(r, o, 0, 0, "bzip2: cannot initialise");
	while (rc == BZ_OK) {
		size_t avail = room(o, n * 4);

		if (!avail)
			break;
		s.next_in = (char *)in + used;
		s.avail_in = slice(n - used);
		s.next_out = (char *)o->data + o->len;
		s.avail_out = slice(avail);
		unsigned in0 = s.avail_in, out0 = s.avail_out;
		rc = BZ2_bzDecompress(&s);
		used += in0 - s.avail_in;
		o->len += out0 - s.avail_out;
		if (rc == BZ_OK && used == n && s.avail_out)
			break;	/* input ended mid-stream */
	}
	BZ2_bzDecompressEnd(&s);
	if (rc == BZ_STREAM_END)
		return finish(r, o, used, 1, NULL);
	if (CAPPED(o))
		return finish(r, o, used, 0, CAP_MSG);
	if (rc == BZ_OK)
		return finish(r, o, used, 0, "bzip2: truncated");
	return finish(r, o, used, 0, "bzip2: corrupt (error %d)", rc);
}

/* xz and lzma are fed in slices and asked for output in slices.  A call
 * that fails hands back its output unfinished (liblzma's BCJ filters
 * convert a call's output only when the call succeeds), so that output is
 * dropped; in slices, only the last slice before the damage is lost, not
 * everything decoded since the start. */
#define XZ_SLICE_IN 4096u
#define XZ_SLICE_OUT 16384u

static enum dc_status xz(const unsigned char *in, size_t n, int alone, struct out *o, struct dc_result *r)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret rc = alone ? lzma_alone_decoder(&s, DC_MEMLIMIT) : lzma_stream_decoder(&s, DC_MEMLIMIT, 0);
	const char *what = alone ? "lzma" : "xz";
	size_t given = 0;

	if (rc != LZMA_OK)
		return finish(r, o, 0, 0, "%s: cannot initialise", what);
	s.next_in = in;
	s.avail_in = 0;
	while (rc == LZMA_OK) {
		size_t avail = room(o, n * 4);

		if (!avail)
			break;
		if (!s.avail_in && given < n) {
			s.avail_in = n - given < XZ_SLICE_IN ? n - given : XZ_SLICE_IN;
			given += s.avail_in;
		}
		s.next_out = o->data + o->len;
		s.avail_out = avail < XZ_SLICE_OUT ? avail : XZ_SLICE_OUT;
		size_t out0 = s.avail_out;
		rc = lzma_code(&s, given == n ? LZMA_FINISH : LZMA_RUN);
		if (rc == LZMA_OK || rc == LZMA_STREAM_END)
			o->len += out0 - s.avail_out;
	}
	lzma_end(&s);
	if (rc == LZMA_STREAM_END)
		return finish(r, o, given - s.avail_in, 1, NULL);
	if (CAPPED(o) && rc == LZMA_OK)
		return finish(r, o, given - s.avail_in, 0, CAP_MSG);
	return finish(r, o, given - s.avail_in, 0, "%s: %s", what,
		      rc == LZMA_BUF_ERROR ? "truncated" : rc == LZMA_MEMLIMIT_ERROR ? "needs too much memory" : "corrupt");
}

static enum dc_status zstd(const unsigned char *in, size_t n, struct out *o, struct dc_result *r)
{
	ZSTD_DCtx *d = ZSTD_createDCtx();
	ZSTD_inBuffer ib = { in, n, 0 };
	size_t rc = 1;

	if (!d)
		return finish(r, o, 0, 0, "zstd: cannot initialise");
	/* 2^27 is the decoder's own default limit; state it, it bounds memory */
	ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, 27);
	while (rc != 0) {
		size_t avail = room(o, n * 4);

		if (!avail)
			break;
		ZSTD_outBuffer ob = { o->data + o->len, avail, 0 };
		size_t pos0 = ib.pos;
		rc = ZSTD_decompressStream(d, &ob, &ib);
		o->len += ob.pos;
		if (ZSTD_isError(rc))
			break;
		if (rc != 0 && ib.pos == n && ob.pos < avail && ib.pos == pos0)
			break;	/* input ended mid-frame */
	}
	ZSTD_freeDCtx(d);
	if (rc == 0)
		return finish(r, o, ib.pos, 1, NULL);
	if (CAPPED(o) && !ZSTD_isError(rc))
		return finish(r, o, ib.pos, 0, CAP_MSG);
	return finish(r, o, ib.pos, 0, "zstd: %s", ZSTD_isError(rc) ? ZSTD_getErrorName(rc) : "truncated");
}

static enum dc_status lz4_frame(const unsigned char *in, size_t n, struct out *o, struct dc_result *r)
{
	LZ4F_dctx *d;
	size_t used = 0, rc = 1;

	if (LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION)))
		return finish(r, o, 0, 0, "lz4: cannot initialise");
	while (rc != 0) {
		size_t avail = room(o, n * 4), isz = n - used, osz = avail;

		if (!avail)
			break;
		rc = LZ4F_decompress(d, o->data + o->len, &osz, in + used, &isz, NULL);
		used += isz;
		o->len += osz;
		if (LZ4F_isError(rc))
			break;
		if (rc != 0 && used == n && !osz && !isz)
			break;	/* input ended mid-frame */
	}
	LZ4F_freeDecompressionContext(d);
	if (rc == 0)
		return finish(r, o, used, 1, NULL);
	if (CAPPED(o) && !LZ4F_isError(rc))
		return finish(r, o, used, 0, CAP_MSG);
	return finish(r, o, used, 0, "lz4: %s", LZ4F_isError(rc) ? LZ4F_getErrorName(rc) : "truncated");
}

/* lz4 -l, as the kernel's unlz4 reads it: the magic, then blocks of
 * (u32 compressed size, data) decoding to 8 MiB each; the magic may start
 * again, and a size that is not a valid block (the kernel's appended
 * length, padding, the file's end) ends the stream. */
static enum dc_status lz4_legacy(const unsigned char *in, size_t n, struct out *o, struct dc_result *r)
{
	size_t at = 4, blocks = 0;
	const uint32_t bound = (uint32_t)LZ4_compressBound(LZ4_LEGACY_BLOCK);

	while (at + 4 <= n) {
		uint32_t csz = le32(in + at);

		if (csz == LZ4_LEGACY_MAGIC) {
			at += 4;
			continue;
		}
		if (csz == 0 || csz > bound || csz > n - at - 4)
			break;
		size_t avail = reserve(o, LZ4_LEGACY_BLOCK, n * 4);
		if (!avail)
			return finish(r, o, at, 0, CAP_MSG);
		int got = LZ4_decompress_safe((const char *)in + at + 4, (char *)o->data + o->len, (int)csz, (int)avail);
		if (got < 0) {
			if (!blocks)
				return finish(r, o, at, 0, "lz4-legacy: first block is corrupt");
			break;	/* trailing data that only looked like a block */
		}
		o->len += (size_t)got;
		at += 4 + (size_t)csz;
		blocks++;
		if ((size_t)got < LZ4_LEGACY_BLOCK)
			break;	/* a short block is the last one */
	}
	return finish(r, o, at, blocks > 0, blocks ? NULL : "lz4-legacy: no block");
}

enum dc_status dc_decode(enum dc_format f, const unsigned char *in, size_t n, size_t max,
			 struct dc_result *r)
{
	struct out o = { NULL, 0, 0, max };

	memset(r, 0, sizeof(*r));
	switch (f) {
	case DC_GZIP: return gzip(in, n, &o, r);
	case DC_XZ: return xz(in, n, 0, &o, r);
	case DC_LZMA: return xz(in, n, 1, &o, r);
	case DC_BZIP2: return bzip2(in, n, &o, r);
	case DC_ZSTD: return zstd(in, n, &o, r);
	case DC_LZ4_FRAME: return lz4_frame(in, n, &o, r);
	case DC_LZ4_LEGACY: return lz4_legacy(in, n, &o, r);
	case DC_NFORMATS: break;
	}
	return finish(r, &o, 0, 0, "unknown format");
}
