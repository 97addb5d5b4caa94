/* SPDX-License-Identifier: MIT */
/*
 * getrandom: the output of the vDSO's getrandom (case/vgetrandom.h), drawn
 * with a state made as its parameters say:
 *  - it returns len and fills the buffer, every byte, nothing after it
 *    (getrandom.len.<n>);
 *  - the output looks random: never all zero, never repeated, a second
 *    state keyed independently, 1 MiB passing monobit and chi-square
 *    (getrandom.nonzero, .differs, .stats);
 *  - flags outside NONBLOCK|RANDOM|INSECURE fall back to the system call,
 *    and every combination has the system call's outcome
 *    (getrandom.flags.<f>);
 *  - it makes no system call once the state holds a key of the kernel
 *    RNG's current generation (getrandom.fastpath).
 *
 * Not checked: the MAX_RW_COUNT cap (it needs a buffer of 2 GiB).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "case/case.h"
#include "case/clock.h"
#include "case/known_case.h"
#include "case/vgetrandom_case.h"

#ifndef GRND_NONBLOCK
#define GRND_NONBLOCK 0x0001
#endif
#ifndef GRND_RANDOM
#define GRND_RANDOM 0x0002
#endif
#ifndef GRND_INSECURE
#define GRND_INSECURE 0x0004
#endif

#define MIB 1048576

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

static struct vgr g;
static const struct case_ctx *cctx;


static void check_len(size_t n)
{
	char why[512];
	double fa = (8.0 * (n > 7 ? (double)(n - 7) : 0) + (double)n) * 5.421010862427522e-20;	/* 2^-64 */

	if (!case_point("getrandom.len.%zu", n))
		return;
	if (vgr_skip_without_state(&g))
		return;
	if (vgr_check_fill(g.fn, n, 0, g.state, g.state_size, why, sizeof(why))) {
		case_fail("%s", why);
		return;
	}
	case_diag("8 calls of %zu bytes, each prefilled with another canary: returned %zu, every byte written, "
		  "the %d bytes after untouched (false-alarm probability %.1e)", n, n, VGR_GUARD, fa);
	case_pass();
}

static void check_nonzero(void)
{
	static const size_t sizes[] = { 16, 32, 64, 256, 4096 };
	unsigned char *buf = vgr_xmalloc(4096 + VGR_GUARD);

	if (!case_point("getrandom.nonzero"))
		goto out;
	if (vgr_skip_without_state(&g))
		goto out;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		for (int i = 0; i < 16; i++) {
			ssize_t r;

			memset(buf, 0xff, sizes[s]);
			r = vgr_draw(&g, buf, sizes[s], 0);
			if (r != (ssize_t)sizes[s]) {
				case_fail("getrandom of %zu bytes returned %zd", sizes[s], r);
				goto out;
			}
			if (vgr_all_zero(buf, sizes[s])) {
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
	unsigned char a[32 + VGR_GUARD], b[32 + VGR_GUARD], c[32 + VGR_GUARD];
	unsigned char *other;
	ssize_t r;

	if (!case_point("getrandom.differs"))
		return;
	if (vgr_skip_without_state(&g))
		return;
	for (int i = 0; i < 32; i++) {
		if (vgr_draw(&g, a, 32, 0) != 32 || vgr_draw(&g, b, 32, 0) != 32) {
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
	other = vgr_map_states(&g, g.page);
	if (other == MAP_FAILED) {
		case_fail("mmap of a second state: %s", strerror(errno));
		return;
	}
	r = g.fn(c, 32, 0, other, g.state_size);
	munmap(other, g.page);
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
	unsigned char *buf = vgr_xmalloc(MIB + VGR_GUARD);
	uint64_t count[256] = { 0 }, ones = 0;
	double chi2 = 0, dev;
	size_t got = 0, k = 0;

	if (!case_point("getrandom.stats"))
		goto out;
	if (vgr_skip_without_state(&g))
		goto out;
	while (got < MIB) {
		size_t n = cycle[k++ % (sizeof(cycle) / sizeof(cycle[0]))];
		ssize_t r;

		if (n > MIB - got)
			n = MIB - got;
		r = vgr_draw(&g, buf + got, n, 0);
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
		snprintf(buf, len, "%s", vgr_ret_str(r, rs, sizeof(rs)));
	else
		snprintf(buf, len, "%zd (short)", r);
	return buf;
}

static void check_flags(size_t i)
{
	unsigned char a[32 + VGR_GUARD], b[32 + VGR_GUARD];
	char vs[64], ss[64];
	unsigned f = combos[i].flags;
	ssize_t rv, rs;
	int vok, sok;

	if (!case_point("getrandom.flags.%s", combos[i].name))
		return;
	if (vgr_skip_without_state(&g))
		return;
	rv = vgr_draw(&g, a, 32, f);
	rs = sys_getrandom(b, 32, f);
	vok = rv == 32;
	sok = rs == 32;
	outcome(rv, 32, vs, sizeof(vs));
	outcome(rs, 32, ss, sizeof(ss));
	case_diag("flags %#x: vDSO %s, syscall %s", f, vs, ss);
	if (vok == sok && (vok || rv == rs))
		case_pass();
	else if (case_known_getrandom_flags(cctx, f, rv, 32, rs))
		case_known_xfail(KNOWN_GETRANDOM_RANDOM_INSECURE, "flags %#x: the vDSO served 32 bytes, the syscall "
				 "said EINVAL", f);
	else
		case_fail("flags %#x: the vDSO returned %s, the syscall %s: the outcomes must agree (unknown bits "
			  "fall back to the syscall)", f, vs, ss);
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
		buf = vgr_xmalloc(65536 + VGR_GUARD);
		fr->seeded = vgr_draw(&g, buf, 32, 0) == 32;
		fr->rc = case_seccomp_trap_time();
		if (!fr->rc) {
			for (int i = 0; i < 16; i++) {
				for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
					fr->bad += vgr_draw(&g, buf, sizes[s], 0) != (ssize_t)sizes[s];
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

	if (!case_point("getrandom.fastpath"))
		return;
	if (vgr_skip_without_state(&g))
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


static void setup(struct case_ctx *ctx)
{
	cctx = ctx;
	vgr_open(&g, (vdso_getrandom_t)case_fn(ctx, "getrandom"));
}

static void run(struct case_ctx *ctx)
{
	(void)ctx;
	for (size_t i = 0; i < NLENS; i++)
		check_len(lens[i]);
	check_nonzero();
	check_differs();
	check_stats();
	for (size_t i = 0; i < NCOMBOS; i++)
		check_flags(i);
	check_fastpath();
}

static const struct case_spec spec = {
	.name = "getrandom",
	.needs = CASE_NEED_VDSO,
	.roles = (const char *const[]){ "getrandom", NULL },
	.setup = setup,
	.run = run,
};
CASE_MAIN(spec)
