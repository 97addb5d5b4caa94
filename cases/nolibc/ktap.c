/* SPDX-License-Identifier: MIT */
#include "ktap.h"

#include <string.h>

#include "arch.h"
#include "sys.h"

static char line[512];
static unsigned len;
static unsigned num, npass, nfail, nskip;
static char point[128];

void out_str(const char *s)
{
	while (*s && len < sizeof(line) - 1)
		line[len++] = *s++;
}

/* v / 10 by shifts (Hacker's Delight, divu10): 32-bit ABIs would
 * otherwise call libgcc's 64-bit division */
static uint64_t div10(uint64_t v, unsigned *rem)
{
	uint64_t q = (v >> 1) + (v >> 2), r;

	q += q >> 4;
	q += q >> 8;
	q += q >> 16;
	q += q >> 32;
	q >>= 3;
	r = v - q * 10;
	if (r > 9) {
		q++;
		r -= 10;
	}
	*rem = (unsigned)r;
	return q;
}

void out_u64(uint64_t v)
{
	char d[21];
	int i = 20;
	unsigned r;

	d[i] = 0;
	do {
		v = div10(v, &r);
		d[--i] = (char)('0' + r);
	} while (v);
	out_str(d + i);
}

void out_frac(int64_t v, unsigned width)
{
	char d[21];
	int i = 20;
	unsigned r;
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	if (v < 0)
		out_str("-");
	d[i] = 0;
	do {
		u = div10(u, &r);
		d[--i] = (char)('0' + r);
	} while ((u || 20 - i < (int)width) && i > 0);
	out_str(d + i);
}

void out_i64(int64_t v)
{
	if (v < 0) {
		out_str("-");
		out_u64(-(uint64_t)v);
	} else {
		out_u64((uint64_t)v);
	}
}

void out_hex(uint64_t v)
{
	char d[19];
	int i = 18;

	d[i] = 0;
	do
		d[--i] = "0123456789abcdef"[v & 15];
	while (v >>= 4);
	d[--i] = 'x';
	d[--i] = '0';
	out_str(d + i);
}

void out_end(void)
{
	unsigned done = 0;

	line[len++] = '\n';
	while (done < len) {
		long r = sys_write(1, line + done, len - done);

		if (r <= 0)
			break;
		done += (unsigned)r;
	}
	len = 0;
}

void ktap_plan(unsigned n)
{
	out_str("KTAP version 1");
	out_end();
	out_str("1..");
	out_u64(n);
	out_end();
}

void ktap_skip_all(const char *why)
{
	out_str("KTAP version 1");
	out_end();
	out_str("1..0 # SKIP ");
	out_str(why);
	out_end();
}

void ktap_point(const char *name, const char *detail)
{
	unsigned i = 0;

	const char *parts[4] = { "nolibc.", name, detail ? "." : "", detail ? detail : "" };

	for (unsigned k = 0; k < 4; k++)
		for (const char *p = parts[k]; *p && i < sizeof(point) - 1; p++)
			point[i++] = *p;
	point[i] = 0;
}

void ktap_diag_start(void)
{
	out_str("# ");
}

static void result(const char *ok)
{
	out_str(ok);
	out_str(" ");
	out_u64(++num);
	out_str(" ");
	out_str(point);
}

void ktap_pass(void)
{
	npass++;
	result("ok");
	out_end();
}

void ktap_fail(void)
{
	nfail++;
	result("not ok");
	out_end();
}

void ktap_skip(const char *why)
{
	nskip++;
	result("ok");
	out_str(" # SKIP ");
	out_str(why);
	out_end();
}

int ktap_finish(void)
{
	out_str("# Totals: pass:");
	out_u64(npass);
	out_str(" fail:");
	out_u64(nfail);
	out_str(" xfail:0 xpass:0 skip:");
	out_u64(nskip);
	out_str(" error:0");
	out_end();
	return nfail ? 1 : 0;
}
