/* SPDX-License-Identifier: MIT */
#include "chacha20.h"

/* "expand 32-byte k" as four little-endian words */
static const uint32_t sigma[4] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };

static uint32_t rotl(uint32_t v, unsigned n)
{
	return v << n | v >> (32 - n);
}

static void quarter(uint32_t *x, int a, int b, int c, int d)
{
	x[a] += x[b];
	x[d] = rotl(x[d] ^ x[a], 16);
	x[c] += x[d];
	x[b] = rotl(x[b] ^ x[c], 12);
	x[a] += x[b];
	x[d] = rotl(x[d] ^ x[a], 8);
	x[c] += x[d];
	x[b] = rotl(x[b] ^ x[c], 7);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void chacha20_block(const uint32_t in[16], uint8_t out[CHACHA20_BLOCK])
{
	uint32_t x[16];

	for (int i = 0; i < 16; i++)
		x[i] = in[i];
	for (int round = 0; round < 20; round += 2) {
		/* a column round, then a diagonal round */
		quarter(x, 0, 4, 8, 12);
		quarter(x, 1, 5, 9, 13);
		quarter(x, 2, 6, 10, 14);
		quarter(x, 3, 7, 11, 15);
		quarter(x, 0, 5, 10, 15);
		quarter(x, 1, 6, 11, 12);
		quarter(x, 2, 7, 8, 13);
		quarter(x, 3, 4, 9, 14);
	}
	for (int i = 0; i < 16; i++) {
		uint32_t v = x[i] + in[i];

		out[4 * i] = (uint8_t)v;
		out[4 * i + 1] = (uint8_t)(v >> 8);
		out[4 * i + 2] = (uint8_t)(v >> 16);
		out[4 * i + 3] = (uint8_t)(v >> 24);
	}
}

void chacha20_rfc_block(const uint8_t key[32], uint32_t counter, const uint8_t nonce[12],
			uint8_t out[CHACHA20_BLOCK])
{
	uint32_t in[16];

	for (int i = 0; i < 4; i++)
		in[i] = sigma[i];
	for (int i = 0; i < 8; i++)
		in[4 + i] = le32(key + 4 * i);
	in[12] = counter;
	for (int i = 0; i < 3; i++)
		in[13 + i] = le32(nonce + 4 * i);
	chacha20_block(in, out);
}

void chacha20_vdso_blocks(const uint32_t key[8], uint64_t counter, size_t nblocks, uint8_t *out)
{
	uint32_t in[16];

	for (int i = 0; i < 4; i++)
		in[i] = sigma[i];
	for (int i = 0; i < 8; i++)
		in[4 + i] = key[i];
	in[14] = in[15] = 0;
	for (size_t b = 0; b < nblocks; b++, counter++) {
		in[12] = (uint32_t)counter;
		in[13] = (uint32_t)(counter >> 32);
		chacha20_block(in, out + b * CHACHA20_BLOCK);
	}
}
