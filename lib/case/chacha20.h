/* SPDX-License-Identifier: MIT */
/*
 * A reference ChaCha20 (RFC 8439), written plainly so that it can be
 * read against the RFC: the block function on a 16-word input, and the
 * two ways of filling that input that the suite needs.
 *
 * The vDSO's getrandom (lib/vdso/getrandom.c) runs ChaCha20 with a
 * 64-bit block counter in words 12 (low) and 13 (high) and words 14-15
 * zero, where RFC 8439 has a 32-bit counter and a 96-bit nonce: the two
 * agree while the counter is below 2^32, and chacha20_vdso_blocks()
 * carries into word 13 past it, as the kernel's does.
 */
#ifndef VDSOCONF_CASE_CHACHA20_H
#define VDSOCONF_CASE_CHACHA20_H

#include <stddef.h>
#include <stdint.h>

#define CHACHA20_BLOCK 64

/* out = the 20-round block of in, serialized little-endian (RFC 8439 2.3) */
void chacha20_block(const uint32_t in[16], uint8_t out[CHACHA20_BLOCK]);

/* RFC 8439's layout: key (32 bytes), 32-bit block counter, 12-byte nonce */
void chacha20_rfc_block(const uint8_t key[32], uint32_t counter, const uint8_t nonce[12],
			uint8_t out[CHACHA20_BLOCK]);

/* The vDSO's: nblocks blocks from key (as the state holds it: eight
 * native 32-bit words) and a 64-bit counter starting at counter. */
void chacha20_vdso_blocks(const uint32_t key[8], uint64_t counter, size_t nblocks, uint8_t *out);

#endif
