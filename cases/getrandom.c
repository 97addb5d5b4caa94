/* SPDX-License-Identifier: MIT */
/*
 * getrandom: the vDSO's getrandom (6.11+, lib/vdso/getrandom.c):
 *
 *	ssize_t getrandom(void *buf, size_t len, unsigned flags,
 *			  void *opaque_state, size_t opaque_len);
 *
 * A signature unlike libc's (fortanix/rust-sgx#976).  The contract, from
 * the kernel's implementation:
 *  - (NULL, 0, 0, &params, ~0UL) fills struct vgetrandom_opaque_params
 *    {size_of_opaque_state, mmap_prot, mmap_flags, reserved[13]} and
 *    returns 0;
 *  - a state is mmap'ed with those prot/flags (MAP_DROPPABLE: wiped on
 *    fork, droppable under memory pressure), must not straddle a page
 *    (else -EFAULT), and is used by one thread at a time;
 *  - flags outside NONBLOCK|RANDOM|INSECURE, or an opaque_len other than
 *    the state's size (e.g. after CRIU), fall back to the system call;
 *  - it returns len (capped at MAX_RW_COUNT) and fills the buffer; it
 *    makes no system call once the state holds a key of the kernel RNG's
 *    current generation.
 *
 * Every buffer handed to the vDSO has GUARD spare bytes after it, so that
 * an overrun is seen (and cannot crash the case).
 *
 * Not checked: the MAX_RW_COUNT cap (it needs a buffer of 2 GiB).
 */
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "case/case.h"
#include "case/clock.h"

#ifndef MAP_DROPPABLE
#define MAP_DROPPABLE 0x08
#endif
#ifndef GRND_NONBLOCK
#define GRND_NONBLOCK 0x0001
#endif
#ifndef GRND_RANDOM
#define GRND_RANDOM 0x0002
#endif
#ifndef GRND_INSECURE
#define GRND_INSECURE 0x0004
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define GUARD 64		/* spare bytes after every buffer */
#define MIB 1048576
#define GAP_CANARY 0xa5		/* between the states of the alloc check */

struct vgetrandom_opaque_params {
	uint32_t size_of_opaque_state;
	uint32_t mmap_prot;
	uint32_t mmap_flags;
	uint32_t reserved[13];
};

static vdso_getrandom_t vgr;
static struct vgetrandom_opaque_params params;
static size_t page, state_size;
static void *state;		/* the main state: first in a page of its own */
static char no_state[320];	/* why there is none */

static const size_t lens[] = { 0, 1, 31, 32, 33, 4096, MIB };
#define NLENS (sizeof(lens) / sizeof(lens[0]))

static const struct {
	const char *name;
	unsigned flags;
} combos[] = {
	{ "0", 0 },
	{ "NONBLOCK", GRND_NONBLOCK },
	{ "INSECURE", GRND_INSECURE },
	{ "RANDOM", GRND_RANDOM },
	{ "NONBLOCK_INSECURE", GRND_NONBLOCK | GRND_INSECURE },
	{ "RANDOM_INSECURE", GRND_RANDOM | GRND_INSECURE },
	{ "0x8", 0x8 },
	{ "0x80000000", 0x80000000u },
};
#define NCOMBOS (sizeof(combos) / sizeof(combos[0]))

/* "-EINVAL" for a negative return, the count otherwise */
static const char *ret_str(ssize_t r, char *buf, size_t len)
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

static void *xmalloc(size_t n)
{
	void *p = malloc(n);

	if (!p)
		ksft_exit_fail_msg("out of memory (%zu bytes)\n", n);
	return p;
}

static void *map_states(size_t len)
{
	return mmap(NULL, len, (int)params.mmap_prot, (int)params.mmap_flags, -1, 0);
}

static ssize_t draw(void *buf, size_t len, unsigned flags)
{
	return vgr(buf, len, flags, state, state_size);
}

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* --- a complete fill, rigorously -------------------------------------------
 * Eight calls, the buffer and GUARD bytes after it prefilled each time with
 * another canary byte.  It fails when a call returns other than n, changes
 * a byte after the buffer, leaves a run of RUN_MIN or more canary bytes
 * (an unfilled stretch, wherever it is), or when some byte equals its
 * canary in all eight calls (an unfilled byte, however short the hole).
 * For random output a false alarm needs eight equal bytes: per run start
 * 2^-64, per byte over the eight calls 2^-64, in all < 9 n 2^-64 (5e-13
 * for n = 1 MiB). */
#define RUN_MIN 8
static const unsigned char canaries[8] = { 0x00, 0xff, 0xa5, 0x5a, 0x3c, 0xc3, 0x69, 0x96 };

static int check_fill(size_t n, unsigned flags, void *st, size_t st_len, char *why, size_t wl)
{
	unsigned char *buf = xmalloc(n + GUARD), *kept = xmalloc(n + 1);
	int bad = -1;

	memset(kept, 1, n + 1);
	for (int k = 0; k < 8; k++) {
		unsigned char c = canaries[k];
		size_t run = 0;
		ssize_t r;

		memset(buf, c, n + GUARD);
		r = vgr(buf, n, flags, st, st_len);
		if (r != (ssize_t)n) {
			char rs[48];

			snprintf(why, wl, "getrandom(buf, %zu, %#x, state, %zu) returned %s, expected %zu", n, flags,
				 st_len, ret_str(r, rs, sizeof(rs)), n);
			goto out;
		}
		for (size_t i = n; i < n + GUARD; i++) {
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

/* --- points --------------------------------------------------------------- */

static void check_params(void)
{
	unsigned char raw[sizeof(struct vgetrandom_opaque_params) + GUARD];
	struct vgetrandom_opaque_params *p = (void *)raw;
	char bad[256] = "";
	ssize_t r;

	case_point("getrandom.params");
	memset(raw, 0xff, sizeof(raw));	/* reserved[] must come back zeroed */
	r = vgr(NULL, 0, 0, raw, ~(size_t)0);
	memcpy(&params, raw, sizeof(params));
	if (r != 0) {
		snprintf(no_state, sizeof(no_state), "the parameter query returned %zd, not 0", r);
		case_fail("getrandom(NULL, 0, 0, &params, ~0UL) returned %zd, expected 0 and the parameters", r);
		return;
	}
	case_diag("size_of_opaque_state %u, mmap_prot %#x, mmap_flags %#x (%s%s)", p->size_of_opaque_state,
		  p->mmap_prot, p->mmap_flags, p->mmap_flags & MAP_ANONYMOUS ? "MAP_ANONYMOUS" : "no MAP_ANONYMOUS",
		  (p->mmap_flags & 0x0f) == MAP_DROPPABLE ? " | MAP_DROPPABLE" : "");
	if (!p->size_of_opaque_state || p->size_of_opaque_state > page)
		snprintf(bad, sizeof(bad), "size_of_opaque_state %u is not in [1, page size %zu]",
			 p->size_of_opaque_state, page);
	else if (p->mmap_prot != (PROT_READ | PROT_WRITE))
		snprintf(bad, sizeof(bad), "mmap_prot %#x, expected PROT_READ|PROT_WRITE (%#x)", p->mmap_prot,
			 PROT_READ | PROT_WRITE);
	else if (!(p->mmap_flags & MAP_ANONYMOUS))
		snprintf(bad, sizeof(bad), "mmap_flags %#x lack MAP_ANONYMOUS (%#x)", p->mmap_flags, MAP_ANONYMOUS);
	for (int i = 0; !bad[0] && i < 13; i++)
		if (p->reserved[i])
			snprintf(bad, sizeof(bad), "reserved[%d] is %#x, expected 0 (the query must zero it)", i,
				 p->reserved[i]);
	for (size_t i = sizeof(*p); !bad[0] && i < sizeof(raw); i++)
		if (raw[i] != 0xff)
			snprintf(bad, sizeof(bad), "the query wrote past the %zu-byte structure (byte %zu)", sizeof(*p), i);
	if (bad[0]) {
		case_fail("%s", bad);
	} else {
		case_pass();
	}
	if (!p->size_of_opaque_state || p->size_of_opaque_state > page) {
		snprintf(no_state, sizeof(no_state), "no usable state size in the parameters");
		return;
	}
	state_size = p->size_of_opaque_state;
	state = map_states(page);
	if (state == MAP_FAILED) {
		state = NULL;
		snprintf(no_state, sizeof(no_state), "mmap of a state with prot %#x, flags %#x: %s", params.mmap_prot,
			 params.mmap_flags, strerror(errno));
	}
}

static int skip_without_state(void)
{
	if (state)
		return 0;
	case_skip("no state to draw with: %s", no_state);
	return 1;
}

/* One page of states as the parameters say, GAP bytes of canary between
 * them (a state may not use more than it declared), none straddling. */
static int alloc_once(char *why, size_t wl, int *dropped)
{
	size_t stride = ((state_size + 15) & ~(size_t)15) + 16, per = page / stride;
	unsigned char (*out)[16] = xmalloc(per * sizeof(*out) + GUARD);
	unsigned char *pg, buf[16 + GUARD];
	int bad = -1;

	*dropped = 0;
	if (per < 2) {
		snprintf(why, wl, "a %zu-byte state leaves room for %zu per %zu-byte page", state_size, per, page);
		goto out_free;
	}
	pg = map_states(page);
	if (pg == MAP_FAILED) {
		snprintf(why, wl, "mmap(NULL, %zu, %#x, %#x, -1, 0) as the parameters say: %s", page, params.mmap_prot,
			 params.mmap_flags, strerror(errno));
		goto out_free;
	}
	/* states stay zero (a fresh state); only the gaps get the canary */
	for (size_t k = 0; k < per; k++)
		memset(pg + k * stride + state_size, GAP_CANARY, stride - state_size);
	memset(pg + per * stride, GAP_CANARY, page - per * stride);
	for (size_t k = 0; k < per; k++) {
		ssize_t r = vgr(buf, 16, 0, pg + k * stride, state_size);

		if (r != 16) {
			char rs[48];

			snprintf(why, wl, "state %zu of %zu at page offset %zu (it ends at %zu, inside the page): "
				 "getrandom returned %s, expected 16", k, per, k * stride, k * stride + state_size,
				 ret_str(r, rs, sizeof(rs)));
			goto out_unmap;
		}
		memcpy(out[k], buf, 16);
		for (size_t j = 0; j < k; j++) {
			if (!memcmp(out[j], out[k], 16)) {
				snprintf(why, wl, "states %zu and %zu gave the same 16 bytes: they are not independent", j, k);
				goto out_unmap;
			}
		}
	}
	/* MAP_DROPPABLE: the kernel may zero the whole page under memory
	 * pressure; then every gap byte is zero at once (retried), where a
	 * state writing past its size changes only the bytes after it */
	{
		size_t gaps = 0, zeros = 0, first = page;

		for (size_t i = 0; i < page; i++) {
			if (i < per * stride && i % stride < state_size)
				continue;	/* inside a state */
			gaps++;
			zeros += pg[i] == 0;
			if (pg[i] != GAP_CANARY && first == page)
				first = i;
		}
		if (first < page && zeros == gaps) {
			*dropped = 1;
			snprintf(why, wl, "the state page was dropped (zeroed) under memory pressure, 3 times in a row");
			goto out_unmap;
		}
		if (first < page) {
			size_t k = first < per * stride ? first / stride : per - 1;

			snprintf(why, wl, "byte %zu after state %zu (page offset %zu) changed from %#04x to %#04x: "
				 "a state uses more than the %zu bytes the parameters declare",
				 first - k * stride - state_size, k, first, GAP_CANARY, pg[first], state_size);
			goto out_unmap;
		}
	}
	snprintf(why, wl, "%zu states of %zu bytes (stride %zu) in one page mapped with prot %#x, flags %#x: each "
		 "returned 16 bytes, all different, none wrote outside its %zu bytes", per, state_size, stride,
		 params.mmap_prot, params.mmap_flags, state_size);
	bad = 0;
out_unmap:
	munmap(pg, page);
out_free:
	free(out);
	return bad;
}

static void check_alloc(void)
{
	char why[512];
	int dropped = 0, rc = -1;

	case_point("getrandom.alloc");
	if (skip_without_state())
		return;
	for (int attempt = 0; attempt < 3; attempt++) {
		rc = alloc_once(why, sizeof(why), &dropped);
		if (!dropped)
			break;
	}
	if (rc == 0)
		case_diag("%s", why);
	case_check(rc == 0, "%s", why);
}

/* A state that ends at the page's end is accepted; one word further it
 * straddles the page and must be refused with -EFAULT. */
static void check_straddle(void)
{
	unsigned char buf[16 + GUARD];
	unsigned char *two;
	size_t last = (page - state_size) & ~(size_t)7;
	ssize_t r_in, r_over, r_word;
	char s_in[48], s_word[48], s_over[48];

	case_point("getrandom.straddle");
	if (skip_without_state())
		return;
	two = map_states(2 * page);
	if (two == MAP_FAILED) {
		case_fail("mmap of two pages with the parameters' prot and flags: %s", strerror(errno));
		return;
	}
	r_in = vgr(buf, 16, 0, two + last, state_size);
	r_word = vgr(buf, 16, 0, two + last + 8, state_size);
	r_over = vgr(buf, 16, 0, two + page - 8, state_size);
	munmap(two, 2 * page);
	ret_str(r_in, s_in, sizeof(s_in));
	ret_str(r_word, s_word, sizeof(s_word));
	ret_str(r_over, s_over, sizeof(s_over));
	case_diag("%zu-byte state at page offset %zu (ends at %zu): %s; at %zu: %s; at %zu: %s", state_size, last,
		  last + state_size, s_in, last + 8, s_word, page - 8, s_over);
	if (r_in != 16)
		case_fail("a state at page offset %zu, ending at %zu inside the page, returned %s, expected 16", last,
			  last + state_size, s_in);
	else if (r_word != -EFAULT || r_over != -EFAULT)
		case_fail("states straddling a page boundary (page offsets %zu and %zu) returned %s and %s, "
			  "expected -EFAULT: either page of a droppable mapping may be zeroed on its own",
			  last + 8, page - 8, s_word, s_over);
	else
		case_pass();
}

/* A wrong opaque_len (CRIU restoring another kernel's state size) falls
 * back to the syscall: still a complete fill.  ~0UL with a buffer is not
 * the parameter query. */
static void check_opaque_len(void)
{
	const size_t wrong[] = { 0, state_size - 1, state_size + 1, ~(size_t)0 };
	char why[512];

	case_point("getrandom.opaque_len");
	if (skip_without_state())
		return;
	for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		if (check_fill(32, 0, state, wrong[i], why, sizeof(why))) {
			case_fail("opaque_len %zu (the state is %zu bytes; expected the syscall's fill): %s", wrong[i],
				  state_size, why);
			return;
		}
	}
	case_diag("opaque_len 0, size-1, size+1 and ~0UL with a buffer: 32 bytes filled each (the syscall fallback)");
	case_pass();
}

static void check_len(size_t n)
{
	char why[512];
	double fa = (8.0 * (n > 7 ? (double)(n - 7) : 0) + (double)n) * 5.421010862427522e-20;	/* 2^-64 */

	case_point("getrandom.len.%zu", n);
	if (skip_without_state())
		return;
	if (check_fill(n, 0, state, state_size, why, sizeof(why))) {
		case_fail("%s", why);
		return;
	}
	case_diag("8 calls of %zu bytes, each prefilled with another canary: returned %zu, every byte written, "
		  "the %d bytes after untouched (false-alarm probability %.1e)", n, n, GUARD, fa);
	case_pass();
}

static void check_nonzero(void)
{
	static const size_t sizes[] = { 16, 32, 64, 256, 4096 };
	unsigned char *buf = xmalloc(4096 + GUARD);

	case_point("getrandom.nonzero");
	if (skip_without_state())
		goto out;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		for (int i = 0; i < 16; i++) {
			ssize_t r;

			memset(buf, 0xff, sizes[s]);
			r = draw(buf, sizes[s], 0);
			if (r != (ssize_t)sizes[s]) {
				case_fail("getrandom of %zu bytes returned %zd", sizes[s], r);
				goto out;
			}
			if (all_zero(buf, sizes[s])) {
				case_fail("call %d of %zu bytes returned %zu zero bytes (probability for random output "
					  "2^-%zu)", i, sizes[s], sizes[s], 8 * sizes[s]);
				goto out;
			}
		}
	}
	case_diag("16 calls each of 16, 32, 64, 256 and 4096 bytes: none all zero (false alarm <= 2^-128)");
	case_pass();
out:
	free(buf);
}

static void check_differs(void)
{
	unsigned char a[32 + GUARD], b[32 + GUARD], c[32 + GUARD];
	unsigned char *other;
	ssize_t r;

	case_point("getrandom.differs");
	if (skip_without_state())
		return;
	for (int i = 0; i < 32; i++) {
		if (draw(a, 32, 0) != 32 || draw(b, 32, 0) != 32) {
			case_fail("a 32-byte call failed");
			return;
		}
		if (!memcmp(a, b, 32)) {
			case_fail("calls %d and %d returned the same 32 bytes (probability for random output 2^-256)",
				  2 * i, 2 * i + 1);
			return;
		}
	}
	/* a second state is keyed independently */
	other = map_states(page);
	if (other == MAP_FAILED) {
		case_fail("mmap of a second state: %s", strerror(errno));
		return;
	}
	r = vgr(c, 32, 0, other, state_size);
	munmap(other, page);
	if (r != 32 || !memcmp(b, c, 32)) {
		case_fail("a second state returned %zd, %s", r, r == 32 ? "the same 32 bytes as the first" : "not 32");
		return;
	}
	case_diag("32 pairs of consecutive 32-byte calls and a second state: all different (false alarm 2^-256 each)");
	case_pass();
}

/*
 * 1 MiB drawn in calls of a fixed cycle of sizes (the batch path below
 * one ChaCha block, the block path above), then two tests, each with a
 * false-alarm probability of about 1e-6 per side:
 *  - monobit: the number of one bits among n = 8 * 2^20 is Binomial(n, 1/2),
 *    mean n/2 = 4194304, sd sqrt(n)/2 = 1448.15; 5 sd = 7240.8, so
 *    |ones - 4194304| <= 7240 (two-sided p = 5.7e-7);
 *  - chi-square of the 256 byte counts against 4096 each, 255 degrees of
 *    freedom: P(X < 161.65) = P(X > 377.08) = 1e-6, from the regularized
 *    incomplete gamma function (Wilson-Hilferty gives 161.52 / 377.25);
 *    the lower bound catches output too even to be random (a counter).
 */
#define MONOBIT_MAX_DEV 7240
#define CHI2_LO 161.65
#define CHI2_HI 377.08
static void check_stats(void)
{
	static const size_t cycle[] = { 1, 2, 3, 7, 8, 31, 32, 33, 63, 64, 65, 100, 255, 256, 1000, 4096, 16384 };
	unsigned char *buf = xmalloc(MIB + GUARD);
	uint64_t count[256] = { 0 }, ones = 0;
	double chi2 = 0, dev;
	size_t got = 0, k = 0;

	case_point("getrandom.stats");
	if (skip_without_state())
		goto out;
	while (got < MIB) {
		size_t n = cycle[k++ % (sizeof(cycle) / sizeof(cycle[0]))];
		ssize_t r;

		if (n > MIB - got)
			n = MIB - got;
		r = draw(buf + got, n, 0);
		if (r != (ssize_t)n) {
			case_fail("a call of %zu bytes returned %zd", n, r);
			goto out;
		}
		got += n;
	}
	for (size_t i = 0; i < MIB; i++) {
		count[buf[i]]++;
		ones += (uint64_t)__builtin_popcount(buf[i]);
	}
	for (int v = 0; v < 256; v++) {
		double d = (double)count[v] - MIB / 256.0;

		chi2 += d * d / (MIB / 256.0);
	}
	dev = (double)ones - 4.0 * MIB;
	case_diag("1 MiB in %zu calls: %" PRIu64 " one bits (%+.0f, %.2f sd; bound +-%d = 5 sd), chi-square %.2f "
		  "over 255 df (bounds [%.2f, %.2f], p = 1e-6 each side)", k, ones, dev, dev / 1448.1547,
		  MONOBIT_MAX_DEV, chi2, CHI2_LO, CHI2_HI);
	if (dev > MONOBIT_MAX_DEV || dev < -MONOBIT_MAX_DEV)
		case_fail("monobit: %" PRIu64 " one bits of %d, %.1f sd from half (bound 5 sd): biased output", ones,
			  8 * MIB, dev / 1448.1547);
	else if (chi2 < CHI2_LO || chi2 > CHI2_HI)
		case_fail("byte frequencies: chi-square %.2f outside [%.2f, %.2f] (255 df, p = 1e-6 each side): %s",
			  chi2, CHI2_LO, CHI2_HI, chi2 < CHI2_LO ? "too even to be random" : "not uniform");
	else
		case_pass();
out:
	free(buf);
}

static const char *outcome(ssize_t r, size_t want, char *buf, size_t len)
{
	char rs[48];

	if (r == (ssize_t)want)
		snprintf(buf, len, "success (%zd)", r);
	else if (r < 0)
		snprintf(buf, len, "%s", ret_str(r, rs, sizeof(rs)));
	else
		snprintf(buf, len, "%zd (short)", r);
	return buf;
}

static void check_flags(size_t i)
{
	unsigned char a[32 + GUARD], b[32 + GUARD];
	char vs[64], ss[64];
	unsigned f = combos[i].flags;
	ssize_t rv, rs;
	int vok, sok;

	case_point("getrandom.flags.%s", combos[i].name);
	if (skip_without_state())
		return;
	rv = draw(a, 32, f);
	rs = sys_getrandom(b, 32, f);
	vok = rv == 32;
	sok = rs == 32;
	outcome(rv, 32, vs, sizeof(vs));
	outcome(rs, 32, ss, sizeof(ss));
	case_diag("flags %#x: vDSO %s, syscall %s", f, vs, ss);
	if (vok == sok && (vok || rv == rs))
		case_pass();
	else if (f == (GRND_RANDOM | GRND_INSECURE) && vok && rs == -EINVAL)
		case_xfail("known kernel divergence: lib/vdso/getrandom.c falls back only for unknown bits, so "
			   "GRND_RANDOM|GRND_INSECURE is served by the vDSO while sys_getrandom refuses the "
			   "combination with EINVAL");
	else
		case_fail("flags %#x: the vDSO returned %s, the syscall %s: the outcomes must agree (unknown bits "
			  "fall back to the syscall)", f, vs, ss);
}

/* MAP_DROPPABLE implies wipe-on-fork: the child's copy of the state is
 * zero, so it fetches a new key; the parent goes on with its own. */
static void check_fork(void)
{
	unsigned char mine[64 + GUARD], *theirs;
	char how[96];
	pid_t pid;
	int st;

	case_point("getrandom.fork");
	if (skip_without_state())
		return;
	theirs = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (theirs == MAP_FAILED) {
		case_fail("mmap of a shared page: %s", strerror(errno));
		return;
	}
	memset(theirs, 0, page);
	if (draw(mine, 64, 0) != 64) {	/* the state holds a key and a batch now */
		case_fail("the call before fork failed");
		goto out;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		ssize_t r = draw(theirs, 64, 0);

		theirs[64 + 8] = r == 64;
		_exit(0);
	}
	if (pid < 0) {
		case_fail("fork: %s", strerror(errno));
		goto out;
	}
	if (waitpid(pid, &st, 0) != pid)
		snprintf(how, sizeof(how), "waitpid: %s", strerror(errno));
	else if (WIFSIGNALED(st))
		snprintf(how, sizeof(how), "killed by signal %d", WTERMSIG(st));
	else
		snprintf(how, sizeof(how), "exited with status %d", WEXITSTATUS(st));
	if (!theirs[64 + 8]) {
		case_fail("the child's 64-byte call with the inherited state failed (it %s)", how);
		goto out;
	}
	if (draw(mine, 64, 0) != 64) {
		case_fail("the parent's call after fork failed");
		goto out;
	}
	case_diag("a 64-byte draw before fork, then one each in the child (with the inherited state) and the parent: "
		  "the two must differ (false alarm 2^-512)");
	if (!memcmp(mine, theirs, 64))
		case_fail("parent and child drew the same 64 bytes from the state after fork: the state was copied, "
			  "not wiped (mmap_flags %#x; MAP_DROPPABLE implies wipe-on-fork)", params.mmap_flags);
	else
		case_pass();
out:
	munmap(theirs, page);
}

struct fast_report {
	int done, rc, seeded;
	unsigned traps, bad, calls;
	long last_nr;
};

/* In a child (seccomp is irreversible): seed the state (its first call
 * fetches a key with the syscall), trap every time and random syscall,
 * draw. */
static void fast_once(struct fast_report *fr)
{
	static const size_t sizes[] = { 1, 16, 32, 33, 64, 256, 4096, 65536 };
	unsigned char *buf;
	pid_t pid;

	memset(fr, 0, sizeof(*fr));
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		buf = xmalloc(65536 + GUARD);
		fr->seeded = draw(buf, 32, 0) == 32;
		fr->rc = case_seccomp_trap_time();
		if (!fr->rc) {
			for (int i = 0; i < 16; i++) {
				for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
					fr->bad += draw(buf, sizes[s], 0) != (ssize_t)sizes[s];
					fr->calls++;
				}
			}
			fr->traps = case_traps.count;
			fr->last_nr = case_traps.last_nr;
		}
		fr->done = 1;
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static void check_fastpath(void)
{
	struct fast_report *fr;
	int attempt;

	case_point("getrandom.fastpath");
	if (skip_without_state())
		return;
	fr = mmap(NULL, sizeof(*fr), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (fr == MAP_FAILED) {
		case_fail("mmap of a shared page: %s", strerror(errno));
		return;
	}
	/* A reseed of the kernel RNG (at most every 60 s) or a dropped state
	 * page between the seeding call and the checked ones costs one
	 * legitimate syscall; two attempts in a row cannot both hit one. */
	for (attempt = 1; attempt <= 2; attempt++) {
		fast_once(fr);
		if (!fr->done || fr->rc || !fr->traps)
			break;
	}
	if (!fr->done)
		case_fail("the child under the seccomp filter died before reporting");
	else if (fr->rc)
		case_skip("cannot install the seccomp trap filter: %s", strerror(-fr->rc));
	else if (!fr->seeded)
		case_fail("the seeding call before the filter failed");
	else if (fr->traps)
		case_fail("%u of %u calls with a seeded state entered the kernel (last syscall nr %ld%s), in %d attempts: "
			  "the vDSO's getrandom falls back to the system call", fr->traps, fr->calls, fr->last_nr,
#ifdef SYS_getrandom
			  fr->last_nr == SYS_getrandom ? " = getrandom" : "",
#else
			  "",
#endif
			  attempt - 1);
	else if (fr->bad)
		case_fail("%u of %u calls under the filter returned other than their length, without a trap", fr->bad,
			  fr->calls);
	else {
		case_diag("%u calls of 1 to 65536 bytes with a seeded state under a filter trapping getrandom and every "
			  "time syscall: 0 traps (attempt %d)", fr->calls, attempt);
		case_pass();
	}
	munmap(fr, sizeof(*fr));
}

/* The output checks again, from a process inside a new time namespace
 * (its vvar pages are laid out differently). */
struct timens_report {
	int setup;		/* 0 ok, 1 skip, 2 fail */
	int done, ok;
	int64_t mono_ns;
	char why[512];
};

static void timens_grandchild(struct timens_report *tr)
{
	unsigned char a[32 + GUARD], b[32 + GUARD];
	struct timespec t;
	void *st = map_states(page);

	if (sys_clock_gettime(CLOCK_MONOTONIC, &t) == 0)
		tr->mono_ns = ts_ns(&t);
	if (st == MAP_FAILED) {
		snprintf(tr->why, sizeof(tr->why), "mmap of a state: %s", strerror(errno));
		goto done;
	}
	for (size_t i = 0; i < NLENS - 1; i++)	/* all but the 1 MiB */
		if (check_fill(lens[i], 0, st, state_size, tr->why, sizeof(tr->why)))
			goto done;
	for (int i = 0; i < 16; i++) {
		if (vgr(a, 32, 0, st, state_size) != 32 || vgr(b, 32, 0, st, state_size) != 32) {
			snprintf(tr->why, sizeof(tr->why), "a 32-byte call failed");
			goto done;
		}
		if (all_zero(a, 32) || all_zero(b, 32) || !memcmp(a, b, 32)) {
			snprintf(tr->why, sizeof(tr->why), "32-byte outputs %s", !memcmp(a, b, 32) ? "repeat" : "are all zero");
			goto done;
		}
	}
	tr->ok = 1;
done:
	tr->done = 1;
}

static void check_timens(void)
{
	static const char offsets[] = "monotonic 86400 0\nboottime 172800 0\n";
	struct timens_report *tr;
	struct timespec host;
	pid_t pid;

	case_point("getrandom.timens");
	if (skip_without_state())
		return;
	if (geteuid() != 0) {
		case_skip("needs root to unshare(CLONE_NEWTIME) (running as uid %u)", (unsigned)geteuid());
		return;
	}
	if (access("/proc/self/ns/time", F_OK)) {
		case_skip("no time namespaces: /proc/self/ns/time is absent");
		return;
	}
	tr = mmap(NULL, sizeof(*tr), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (tr == MAP_FAILED) {
		case_fail("mmap of a shared page: %s", strerror(errno));
		return;
	}
	memset(tr, 0, sizeof(*tr));
	sys_clock_gettime(CLOCK_MONOTONIC, &host);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {	/* helper: a new namespace for its children */
		int fd, e;
		pid_t g;

		alarm(20);
		if (unshare(CLONE_NEWTIME)) {
			e = errno;
			tr->setup = e == EINVAL || e == ENOSYS || e == EPERM ? 1 : 2;
			snprintf(tr->why, sizeof(tr->why), "unshare(CLONE_NEWTIME) fails with %s (%s)",
				 e == EINVAL ? "EINVAL" : e == ENOSYS ? "ENOSYS" : e == EPERM ? "EPERM" : "an error",
				 strerror(e));
			_exit(0);
		}
		fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, offsets, sizeof(offsets) - 1) != (ssize_t)(sizeof(offsets) - 1)) {
			e = errno;
			/* EPERM: no CAP_SYS_TIME (containers drop it), not a vDSO matter */
			tr->setup = e == EPERM ? 1 : 2;
			snprintf(tr->why, sizeof(tr->why), "writing /proc/self/timens_offsets: %s%s", strerror(e),
				 e == EPERM ? " (no CAP_SYS_TIME)" : "");
			_exit(0);
		}
		close(fd);
		g = fork();
		if (g == 0) {
			alarm(20);
			timens_grandchild(tr);
			_exit(0);
		}
		if (g > 0)
			waitpid(g, NULL, 0);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	if (tr->setup == 1)
		case_skip("%s", tr->why);
	else if (tr->setup == 2)
		case_fail("setting up the namespace: %s", tr->why);
	else if (!tr->done)
		case_fail("the process in the namespace died before reporting");
	else if (tr->mono_ns - ts_ns(&host) < 86400 * (int64_t)1000000000)
		case_fail("the process did not see the namespace's +1 day monotonic offset: the namespace was not in effect");
	else if (!tr->ok)
		case_fail("inside a time namespace (monotonic +1 day, boottime +2 days): %s", tr->why);
	else {
		case_diag("inside a time namespace (monotonic +1 day, boottime +2 days), a fresh state: complete fills of "
			  "0 to 4096 bytes, 16 pairs of 32-byte calls nonzero and different");
		case_pass();
	}
	munmap(tr, sizeof(*tr));
}

static unsigned plan(struct case_ctx *ctx)
{
	(void)ctx;
	/* params alloc straddle opaque_len, lens, nonzero differs stats,
	 * flags, fork fastpath timens */
	return 4 + NLENS + 3 + NCOMBOS + 3;
}

static void run(struct case_ctx *ctx)
{
	page = (size_t)sysconf(_SC_PAGESIZE);
	vgr = (vdso_getrandom_t)case_fn(ctx, "getrandom");
	check_params();
	check_alloc();
	check_straddle();
	check_opaque_len();
	for (size_t i = 0; i < NLENS; i++)
		check_len(lens[i]);
	check_nonzero();
	check_differs();
	check_stats();
	for (size_t i = 0; i < NCOMBOS; i++)
		check_flags(i);
	check_fork();
	check_fastpath();
	check_timens();
}

static const struct case_spec spec = {
	.name = "getrandom",
	.needs = CASE_NEED_VDSO,
	.roles = (const char *const[]){ "getrandom", NULL },
	.plan = plan,
	.run = run,
};
CASE_MAIN(spec)
