/* SPDX-License-Identifier: MIT */
/*
 * lib/case/cfi.c on made-up .eh_frame bytes: the shape of loongarch's
 * getrandom ChaCha20 FDE (a CIE "zR" with pcrel|sdata4 pointers, an FDE of
 * only DW_CFA_nop), a real FDE, and bytes that must not be read past:
 * every length, pointer and augmentation bounded by the buffer.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "case/cfi.h"

static int fails;

static void expect(const char *name, int want, int got)
{
	fails += want != got;
	printf("%s %s (want %d, got %d)\n", want == got ? "ok" : "not ok", name, want, got);
}

static size_t put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
	return 4;
}

/* an FDE's head at b + n: length 16, the CIE pointer (back from its own
 * field to offset 0), begin, range, augmentation length 0 */
static size_t fde_head(unsigned char *b, size_t n, uint32_t begin, uint32_t range)
{
	n += put32(b + n, 16);
	n += put32(b + n, (uint32_t)n);
	n += put32(b + n, begin);
	n += put32(b + n, range);
	b[n++] = 0;
	return n;
}

/* CIE at 0 (20 bytes), FDE of nops at 20, FDE with a CFA rule at 40 */
static size_t build(unsigned char *b, const char *aug)
{
	static const unsigned char cie_tail[] = { 1 /* code align */, 0x78 /* -8 */, 1 /* ra */, 1, 0x1b,
						  0x0d, 0x03 /* def_cfa_register r3 */, 0 };
	size_t n = 0;

	memset(b, 0, 64);
	n += put32(b + n, 16);
	n += put32(b + n, 0);
	b[n++] = 1;
	memcpy(b + n, aug, 3);
	n += 3;
	memcpy(b + n, cie_tail, sizeof(cie_tail));
	n += sizeof(cie_tail);
	n = fde_head(b, n, 0x1000, 0x320);
	n += 3;		/* three DW_CFA_nop */
	n = fde_head(b, n, 0x1400, 0x40);
	b[n++] = 0x0e;	/* def_cfa_offset 128 */
	b[n++] = 0x80;
	b[n++] = 0x01;
	return n;
}

int main(void)
{
	unsigned char b[64];
	size_t n = build(b, "zR");

	expect("nops", 1, cfi_fde_program_empty(b + 20, b, n));
	expect("cfa-rule", 0, cfi_fde_program_empty(b + 40, b, n));
	expect("cut-short", -1, cfi_fde_program_empty(b + 40, b, n - 1));
	expect("outside", -1, cfi_fde_program_empty(b + n, b, n));
	expect("before", -1, cfi_fde_program_empty(b, b + 4, n - 4));
	expect("is-a-cie", -1, cfi_fde_program_empty(b, b, n));
	build(b, "zX");
	expect("unknown-augmentation", -1, cfi_fde_program_empty(b + 20, b, n));
	build(b, "zR");
	put32(b + 24, 64);	/* CIE pointer before the buffer */
	expect("cie-outside", -1, cfi_fde_program_empty(b + 20, b, n));
	build(b, "zR");
	put32(b + 20, 0xffffffffu);	/* a 64-bit length */
	expect("dwarf64", -1, cfi_fde_program_empty(b + 20, b, n));
	build(b, "zR");
	b[36] = 0x7f;	/* augmentation data longer than the FDE */
	expect("augmentation-overrun", -1, cfi_fde_program_empty(b + 20, b, n));
	build(b, "zR");
	b[16] = 0x0f;	/* a pointer encoding of no known size */
	expect("unknown-encoding", -1, cfi_fde_program_empty(b + 20, b, n));
	return fails != 0;
}
