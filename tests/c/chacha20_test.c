/* SPDX-License-Identifier: MIT */
/*
 * lib/case/chacha20.c against RFC 8439's test vectors (2.3.2, the block
 * function; 2.4.2, encryption) and against its own word-level layout
 * where the vDSO's 64-bit counter carries into word 13.
 *
 *   chacha20_test               the checks, as KTAP; exit 0 when all pass
 *   chacha20_test KEYHEX COUNTER NBLOCKS
 *                               the vDSO's keystream in hex, for a
 *                               comparison with another implementation
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case/chacha20.h"

static const uint8_t rfc_key[32] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

/* RFC 8439 2.3.2: counter 1, nonce 00:00:00:09:00:00:00:4a:00:00:00:00 */
static const uint8_t block_232[64] = {
	0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd, 0x1f, 0xa3, 0x20, 0x71, 0xc4,
	0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0, 0x68, 0x03, 0x04, 0x22, 0xaa, 0x9a, 0xc3, 0xd4, 0x6c, 0x4e,
	0xd2, 0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa, 0x09, 0x14, 0xc2, 0xd7, 0x05, 0xd9, 0x8b, 0x02, 0xa2,
	0xb5, 0x12, 0x9c, 0xd1, 0xde, 0x16, 0x4e, 0xb9, 0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e,
};

/* RFC 8439 2.4.2: counter 1, nonce 00:00:00:00:00:00:00:4a:00:00:00:00 */
static const char plain_242[] = "Ladies and Gentlemen of the class of '99: If I could offer you only one tip "
				"for the future, sunscreen would be it.";
static const uint8_t cipher_242[114] = {
	0x6e, 0x2e, 0x35, 0x9a, 0x25, 0x68, 0xf9, 0x80, 0x41, 0xba, 0x07, 0x28, 0xdd, 0x0d, 0x69, 0x81,
	0xe9, 0x7e, 0x7a, 0xec, 0x1d, 0x43, 0x60, 0xc2, 0x0a, 0x27, 0xaf, 0xcc, 0xfd, 0x9f, 0xae, 0x0b,
	0xf9, 0x1b, 0x65, 0xc5, 0x52, 0x47, 0x33, 0xab, 0x8f, 0x59, 0x3d, 0xab, 0xcd, 0x62, 0xb3, 0x57,
	0x16, 0x39, 0xd6, 0x24, 0xe6, 0x51, 0x52, 0xab, 0x8f, 0x53, 0x0c, 0x35, 0x9f, 0x08, 0x61, 0xd8,
	0x07, 0xca, 0x0d, 0xbf, 0x50, 0x0d, 0x6a, 0x61, 0x56, 0xa3, 0x8e, 0x08, 0x8a, 0x22, 0xb6, 0x5e,
	0x52, 0xbc, 0x51, 0x4d, 0x16, 0xcc, 0xf8, 0x06, 0x81, 0x8c, 0xe9, 0x1a, 0xb7, 0x79, 0x37, 0x36,
	0x5a, 0xf9, 0x0b, 0xbf, 0x74, 0xa3, 0x5b, 0xe6, 0xb4, 0x0b, 0x8e, 0xed, 0xf2, 0x78, 0x5e, 0x42,
	0x87, 0x4d,
};

static unsigned n, failed;

static void result(int ok, const char *name)
{
	failed += !ok;
	printf("%s %u %s\n", ok ? "ok" : "not ok", ++n, name);
}

static void key_words(const uint8_t key[32], uint32_t w[8])
{
	for (int i = 0; i < 8; i++)
		w[i] = (uint32_t)key[4 * i] | (uint32_t)key[4 * i + 1] << 8 | (uint32_t)key[4 * i + 2] << 16 |
		       (uint32_t)key[4 * i + 3] << 24;
}

static void check_block(void)
{
	static const uint8_t nonce[12] = { 0, 0, 0, 9, 0, 0, 0, 0x4a, 0, 0, 0, 0 };
	uint8_t out[64];

	chacha20_rfc_block(rfc_key, 1, nonce, out);
	result(!memcmp(out, block_232, 64), "chacha20.rfc8439.2_3_2_block");
}

static void check_encryption(void)
{
	static const uint8_t nonce[12] = { 0, 0, 0, 0, 0, 0, 0, 0x4a, 0, 0, 0, 0 };
	uint8_t ks[128], ct[114];

	chacha20_rfc_block(rfc_key, 1, nonce, ks);
	chacha20_rfc_block(rfc_key, 2, nonce, ks + 64);
	for (size_t i = 0; i < sizeof(ct); i++)
		ct[i] = (uint8_t)plain_242[i] ^ ks[i];
	result(sizeof(plain_242) - 1 == sizeof(ct) && !memcmp(ct, cipher_242, sizeof(ct)),
	       "chacha20.rfc8439.2_4_2_encryption");
}

/* Below 2^32 the vDSO's layout is RFC 8439's with a zero nonce; at 2^32
 * the count goes on in word 13, which RFC 8439's layout shows as the
 * nonce's first word (1), its counter back at 0. */
static void check_counter_carry(void)
{
	static const uint8_t zero[12], one[12] = { 1 };
	uint8_t got[3 * 64], want[3 * 64];
	uint32_t w[8];

	key_words(rfc_key, w);
	chacha20_vdso_blocks(w, 0xfffffffeull, 3, got);
	chacha20_rfc_block(rfc_key, 0xfffffffe, zero, want);
	chacha20_rfc_block(rfc_key, 0xffffffff, zero, want + 64);
	chacha20_rfc_block(rfc_key, 0, one, want + 128);
	result(!memcmp(got, want, 128), "chacha20.vdso.below_2_32");
	result(!memcmp(got + 128, want + 128, 64), "chacha20.vdso.carry_2_32");
}

static int keystream(const char *hex, const char *counter, const char *nblocks)
{
	uint8_t key[32], *out;
	uint32_t w[8];
	size_t nb = strtoul(nblocks, NULL, 0);

	if (strlen(hex) != 64 || nb == 0 || nb > 1024) {
		fprintf(stderr, "chacha20_test: want 64 hex digits of key, a counter and 1..1024 blocks\n");
		return 2;
	}
	for (int i = 0; i < 32; i++) {
		unsigned v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1) {
			fprintf(stderr, "chacha20_test: '%s' is not hex\n", hex);
			return 2;
		}
		key[i] = (uint8_t)v;
	}
	key_words(key, w);
	out = malloc(nb * 64);
	if (!out)
		return 1;
	chacha20_vdso_blocks(w, strtoull(counter, NULL, 0), nb, out);
	for (size_t i = 0; i < nb * 64; i++)
		printf("%02x", out[i]);
	putchar('\n');
	free(out);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4)
		return keystream(argv[1], argv[2], argv[3]);
	if (argc != 1) {
		fprintf(stderr, "usage: chacha20_test [KEYHEX COUNTER NBLOCKS]\n");
		return 2;
	}
	printf("KTAP version 1\n1..4\n");
	check_block();
	check_encryption();
	check_counter_carry();
	return failed ? 1 : 0;
}
