/* SPDX-License-Identifier: MIT */
/* One compressed stream of the formats kernel images use, decoded with
 * the compression libraries into a bounded buffer. */
#ifndef VDSOTOOL_DECOMPRESS_H
#define VDSOTOOL_DECOMPRESS_H

#include <stddef.h>

enum dc_format {
	DC_GZIP, DC_XZ, DC_LZMA, DC_BZIP2, DC_ZSTD, DC_LZ4_FRAME, DC_LZ4_LEGACY,
	DC_NFORMATS
};

enum dc_status {
	DC_END,		/* the stream ended where its format says it ends */
	DC_PARTIAL,	/* output, then corrupt or truncated input, or the size cap */
	DC_FAIL,	/* no output at all: not a stream of this format */
};

struct dc_result {
	unsigned char *data;	/* malloc'd, NULL on DC_FAIL; caller frees */
	size_t len;
	size_t consumed;	/* input bytes the decoder used */
	enum dc_status status;
	char err[120];		/* why it stopped, for DC_PARTIAL and DC_FAIL */
};

const char *dc_name(enum dc_format f);

/* Does a plausible header of some format start at p?  Sets *f.  Strict
 * enough that scanning a whole kernel image tries few false streams. */
int dc_match(const unsigned char *p, size_t n, enum dc_format *f);

/* Decode one stream of format f from in[0..n), producing at most max
 * bytes.  Returns r->status. */
enum dc_status dc_decode(enum dc_format f, const unsigned char *in, size_t n, size_t max,
			 struct dc_result *r);

#endif
