/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <string.h>

#include "case/cfi.h"

#define DW_CFA_NOP 0x00
#define DW_EH_PE_OMIT 0xff

struct cursor {
	const unsigned char *p, *end;
	int bad;
};

static uint64_t take(struct cursor *c, size_t n)
{
	uint64_t v = 0;

	if (c->bad || (size_t)(c->end - c->p) < n) {
		c->bad = 1;
		return 0;
	}
	/* only lengths and flags are used, whose byte order is the host's:
	 * the vDSO is this process's own */
	if (n == 4) {
		uint32_t w;

		memcpy(&w, c->p, 4);
		v = w;
	} else if (n == 1) {
		v = c->p[0];
	}
	c->p += n;
	return v;
}

/* an unsigned LEB128; more than ten bytes (64 bits) is bad */
static uint64_t uleb(struct cursor *c)
{
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 70 && !c->bad; shift += 7) {
		uint64_t b = take(c, 1);

		if (shift < 64)
			v |= (b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	c->bad = 1;
	return 0;
}

/* The size of a value of pointer encoding enc; 0 with c->bad set for one
 * of unknown size, -1 for a LEB128. */
static int enc_size(struct cursor *c, unsigned enc)
{
	if (enc == DW_EH_PE_OMIT)
		return 0;
	switch (enc & 0x0f) {
	case 0x00:
		return (int)sizeof(void *);
	case 0x01:
	case 0x09:
		return -1;
	case 0x02:
	case 0x0a:
		return 2;
	case 0x03:
	case 0x0b:
		return 4;
	case 0x04:
	case 0x0c:
		return 8;
	}
	c->bad = 1;
	return 0;
}

static void skip_encoded(struct cursor *c, unsigned enc)
{
	int n = enc_size(c, enc);

	if (n < 0)
		uleb(c);
	else
		take(c, (size_t)n);
}

/* The CIE at cie: into *fde_enc its FDE pointer encoding, into *z whether
 * FDEs carry augmentation data; 0, or -1 when unreadable. */
static int read_cie(const unsigned char *cie, const unsigned char *lo, size_t len, unsigned *fde_enc, int *z)
{
	struct cursor c = { cie, lo + len, 0 };
	const char *aug;
	uint64_t length, version;

	length = take(&c, 4);
	if (c.bad || length == 0xffffffffu || length > (size_t)(c.end - c.p))
		return -1;
	c.end = c.p + length;
	if (take(&c, 4) != 0)	/* a CIE's id is 0 in .eh_frame */
		return -1;
	version = take(&c, 1);
	aug = (const char *)c.p;
	while (!c.bad && take(&c, 1))
		;
	if (c.bad || (version != 1 && version != 3) || strstr(aug, "eh"))
		return -1;
	uleb(&c);	/* code alignment */
	uleb(&c);	/* data alignment, signed: skipped alike */
	if (version == 1)
		take(&c, 1);
	else
		uleb(&c);
	*fde_enc = 0;
	*z = aug[0] == 'z';
	if (!*z)
		return aug[0] || c.bad ? -1 : 0;
	uleb(&c);	/* augmentation data length: walked below instead */
	for (const char *a = aug + 1; *a && !c.bad; a++) {
		switch (*a) {
		case 'R':
			*fde_enc = (unsigned)take(&c, 1);
			break;
		case 'L':
			take(&c, 1);
			break;
		case 'P':
			skip_encoded(&c, (unsigned)take(&c, 1));
			break;
		case 'S':
		case 'B':
			break;
		default:
			return -1;
		}
	}
	return c.bad ? -1 : 0;
}

int cfi_fde_program_empty(const unsigned char *fde, const unsigned char *lo, size_t len)
{
	struct cursor c;
	uint64_t length, cie_off;
	const unsigned char *id_at;
	unsigned enc;
	int z;

	if (!fde || !lo || fde < lo || (size_t)(fde - lo) >= len)
		return -1;
	c = (struct cursor){ fde, lo + len, 0 };
	length = take(&c, 4);
	if (c.bad || length == 0 || length == 0xffffffffu || length > (size_t)(c.end - c.p))
		return -1;
	c.end = c.p + length;
	id_at = c.p;
	cie_off = take(&c, 4);
	/* the CIE pointer counts back from its own field */
	if (c.bad || !cie_off || cie_off > (size_t)(id_at - lo))
		return -1;
	if (read_cie(id_at - cie_off, lo, len, &enc, &z))
		return -1;
	skip_encoded(&c, enc);		/* PC begin */
	skip_encoded(&c, enc & 0x0f);	/* PC range: a value, never relative */
	if (z) {
		uint64_t n = uleb(&c);

		if (c.bad || n > (size_t)(c.end - c.p))
			return -1;
		c.p += n;
	}
	if (c.bad)
		return -1;
	for (; c.p < c.end; c.p++)
		if (*c.p != DW_CFA_NOP)
			return 0;
	return 1;
}
