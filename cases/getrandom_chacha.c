/* SPDX-License-Identifier: MIT */
/*
 * getrandom_chacha: the vDSO getrandom's output, bit for bit.  Its opaque
 * state (lib/vdso/getrandom.c, struct vgetrandom_state) holds
 *
 *	u8 batch[96]; u32 key[8];	(together batch_key[128])
 *	vdso_kernel_ulong generation; u8 pos; bool in_use;
 *
 * and a call hands out batch[pos..96) first, then ChaCha20 blocks of key
 * with a 64-bit block counter from 0 straight into the buffer while 64
 * bytes or more are wanted, then refills batch_key with the next two
 * blocks (fast key erasure: the old key is overwritten by the new one)
 * and hands out the rest from the new batch.  With a snapshot of the
 * state the output and the state after the call are known exactly:
 *  - the bytes before the fresh blocks are the snapshot's batch[pos..96)
 *    (getrandom.chacha.batch);
 *  - then ChaCha20(key, 0..k-1), then ChaCha20(key, k)'s first bytes
 *    (getrandom.chacha.blocks);
 *  - the state afterwards holds ChaCha20(key, k..k+1) as batch and new
 *    key, and two more draws (one with a fresh block of the new key, one
 *    that only refills) give what a model of the kernel's algorithm
 *    gives, and leave the states it leaves (getrandom.chacha.rekey).
 * The reference is lib/case/chacha20.c (checked against RFC 8439).
 *
 * The layout is the kernel's, not an ABI: setup() first confirms it with
 * a probe that compares no random byte (a fresh state's first 1-byte
 * draw leaves pos 1, the consumed byte zeroed, in_use clear and the
 * generation set), and every point skips, naming the kernel and what
 * differed, when it does not hold.  The kernel's RNG reseeding
 * during a call (its generation changes) rekeys the state from the system
 * call: that attempt is repeated, up to ATTEMPTS times.
 *
 * Not reachable: the block counter's carry into its high word.  The
 * counter starts at 0 in every call, and a call returns at most
 * MAX_RW_COUNT (2 GiB - 4 KiB) = 2^25 blocks, so the counter never gets
 * near 2^32; the reference's carry is checked by tests/test_chacha20.py.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/utsname.h>

#include "case/case.h"
#include "case/chacha20.h"
#include "case/clock.h"
#include "case/vgetrandom_case.h"

#define BATCH 96		/* sizeof(batch): 3/2 blocks */
#define KEY_OFF 96
#define KEY_LEN 32
#define BATCH_KEY 128
/* the first draw's fresh blocks: an odd count, so that implementations
 * working 2, 4 or 8 blocks at a time reach their tails */
#define FRESH_BLOCKS 67
#define TAIL 10			/* bytes taken from the new batch */
#define ATTEMPTS 3

static struct vgr g;

/* where the state's fields are, from size_of_opaque_state */
static struct {
	size_t gen_len, pos_off, in_use_off;
	char no[400];		/* why the points skip: the layout or the draws */
} lay;

static struct {
	int done;			/* the experiment ran to its comparisons */
	size_t p;			/* pos in the snapshot */
	size_t n1, n2;			/* the two draws */
	int batch_bad, blocks_bad, rekey_bad;
	char batch_why[400], blocks_why[400], rekey_why[400];
	unsigned attempts;
} res;

static uint64_t generation(const unsigned char *st)
{
	uint64_t v = 0;

	memcpy(&v, st + BATCH_KEY, lay.gen_len);	/* nonzero is all that is asked of it */
	return v;
}

/* the kernel's struct: 128 bytes, the generation (8 bytes on 64-bit
 * kernels, 4 on 32-bit ones), pos and in_use, padded to the generation's
 * alignment (8, or 4 on i386) */
static int layout_from_size(size_t size)
{
	if (size == 144 || size == 140)
		lay.gen_len = 8;
	else if (size == 136)
		lay.gen_len = 4;
	else
		return -1;
	lay.pos_off = BATCH_KEY + lay.gen_len;
	lay.in_use_off = lay.pos_off + 1;
	return 0;
}

static void no_layout(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void no_layout(const char *fmt, ...)
{
	struct utsname u;
	int n;
	va_list ap;

	if (uname(&u) != 0)
		snprintf(u.release, sizeof(u.release), "(uname failed)");
	n = snprintf(lay.no, sizeof(lay.no), "the state of kernel %s is not lib/vdso/getrandom.c's "
		     "vgetrandom_state: ", u.release);
	va_start(ap, fmt);
	vsnprintf(lay.no + n, sizeof(lay.no) - (size_t)n, fmt, ap);
	va_end(ap);
}

/* The structural probe: no random byte is compared. */
static int probe_layout(void)
{
	unsigned char *st = g.state, b[1];
	ssize_t r;

	if (layout_from_size(g.state_size)) {
		no_layout("size_of_opaque_state is %zu, not 136, 140 or 144", g.state_size);
		return -1;
	}
	memset(st, 0, g.state_size);	/* a fresh state: generation 0, so the first call keys it */
	r = vgr_draw(&g, b, 1, 0);
	if (r != 1) {
		no_layout("a 1-byte draw returned %zd", r);
		return -1;
	}
	if (st[lay.pos_off] != 1 || st[0] != 0 || st[lay.in_use_off] != 0 || !generation(st)) {
		no_layout("after a fresh state's 1-byte draw, pos (byte %zu) is %u, batch[0] %#x, in_use (byte %zu) %u, "
			  "generation (%zu bytes at %d) %#" PRIx64 "; expected 1, 0, 0 and nonzero", lay.pos_off,
			  st[lay.pos_off], st[0], lay.in_use_off, st[lay.in_use_off], lay.gen_len, BATCH_KEY,
			  generation(st));
		return -1;
	}
	return 0;
}

/* "byte 88 of the output (... from byte 88): 0x12, expected 0x34" */
static int compare(const unsigned char *got, const unsigned char *want, size_t n, size_t base, const char *what,
		   char *why, size_t wl)
{
	for (size_t i = 0; i < n; i++) {
		if (got[i] != want[i]) {
			snprintf(why, wl, "byte %zu of %s (from byte %zu): 0x%02x, expected 0x%02x "
				 "(%zu bytes compared there)", base + i, what, base, got[i], want[i], n);
			return 1;
		}
	}
	snprintf(why, wl, "%zu bytes of %s as predicted", n, what);
	return 0;
}

/* The kernel's algorithm (lib/vdso/getrandom.c, __cvdso_getrandom_data
 * from more_batch on) on a model of the state's batch_key and pos. */
struct model {
	unsigned char batch_key[BATCH_KEY];
	size_t pos;
};

static void take_batch(struct model *m, unsigned char **out, size_t *n)
{
	size_t take = *n < BATCH - m->pos ? *n : BATCH - m->pos;

	memcpy(*out, m->batch_key + m->pos, take);
	memset(m->batch_key + m->pos, 0, take);	/* memcpy_and_zero_src */
	m->pos += take;
	*out += take;
	*n -= take;
}

static void model_draw(struct model *m, unsigned char *out, size_t n)
{
	uint32_t key[8];
	size_t k;

	take_batch(m, &out, &n);
	if (!n)
		return;
	memcpy(key, m->batch_key + KEY_OFF, KEY_LEN);
	k = n / CHACHA20_BLOCK;
	chacha20_vdso_blocks(key, 0, k, out);
	out += k * CHACHA20_BLOCK;
	n -= k * CHACHA20_BLOCK;
	/* the counter goes on from k: the refill, and the new key */
	chacha20_vdso_blocks(key, k, BATCH_KEY / CHACHA20_BLOCK, m->batch_key);
	m->pos = 0;
	take_batch(m, &out, &n);
}

/* the state against the model: batch_key and pos */
static int state_differs(const unsigned char *st, const struct model *m, const char *when, char *why, size_t wl)
{
	char what[96];

	snprintf(what, sizeof(what), "the state's batch and key %s", when);
	if (compare(st, m->batch_key, BATCH_KEY, 0, what, why, wl))
		return 1;
	if (st[lay.pos_off] != m->pos) {
		snprintf(why, wl, "pos %s is %u, expected %zu", when, st[lay.pos_off], m->pos);
		return 1;
	}
	return 0;
}

/* One attempt: 0 when the comparisons were made, 1 when the kernel's
 * RNG reseeded meanwhile (the snapshot no longer applies).  Three draws
 * from a snapshot: one through the rest of the batch, FRESH_BLOCKS fresh
 * blocks and TAIL bytes of the refilled batch; one through that batch,
 * one fresh block of the new key and 5 bytes; one through that batch and
 * 7 bytes of a refill with no fresh block before it. */
static int attempt(unsigned char *out, unsigned char *pred)
{
	unsigned char *st = g.state, snap[256];
	struct model m;
	size_t rest, more[2];
	ssize_t r;

	/* leave a partly used batch, then snapshot it */
	if (vgr_draw(&g, out, 7, 0) != 7)
		return 1;
	memcpy(snap, st, g.state_size);
	memcpy(m.batch_key, snap, BATCH_KEY);
	m.pos = snap[lay.pos_off];
	res.p = m.pos;
	if (m.pos >= BATCH) {
		/* the kernel's 7-byte draw leaves at least 7 bytes consumed and
		 * a refill at most 7 bytes back: never an empty batch */
		snprintf(res.batch_why, sizeof(res.batch_why), "pos %zu after a 7-byte draw: no batch left", m.pos);
		res.batch_bad = res.blocks_bad = res.rekey_bad = 1;
		snprintf(res.blocks_why, sizeof(res.blocks_why), "%s", res.batch_why);
		snprintf(res.rekey_why, sizeof(res.rekey_why), "%s", res.batch_why);
		return 0;
	}
	rest = BATCH - m.pos;
	res.n1 = rest + FRESH_BLOCKS * CHACHA20_BLOCK + TAIL;
	r = vgr_draw(&g, out, res.n1, 0);
	if (generation(st) != generation(snap))
		return 1;
	if (r != (ssize_t)res.n1) {
		snprintf(res.batch_why, sizeof(res.batch_why), "a %zu-byte draw returned %zd", res.n1, r);
		res.batch_bad = res.blocks_bad = res.rekey_bad = 1;
		snprintf(res.blocks_why, sizeof(res.blocks_why), "%s", res.batch_why);
		snprintf(res.rekey_why, sizeof(res.rekey_why), "%s", res.batch_why);
		return 0;
	}
	model_draw(&m, pred, res.n1);
	res.batch_bad = compare(out, pred, rest, 0, "the output: the snapshot's batch[pos..96)", res.batch_why,
				sizeof(res.batch_why));
	res.blocks_bad = compare(out + rest, pred + rest, res.n1 - rest, rest,
				 "the output: ChaCha20(key, counter 0..)", res.blocks_why, sizeof(res.blocks_why));
	res.rekey_bad = state_differs(st, &m, "after the draw", res.rekey_why, sizeof(res.rekey_why));

	/* the new key at work, through the fresh-block path and the
	 * refill-only path */
	more[0] = (BATCH - TAIL) + CHACHA20_BLOCK + 5;
	more[1] = (BATCH - 5) + 7;
	res.n2 = more[0] + more[1];
	for (int i = 0; i < 2 && !res.rekey_bad; i++) {
		char what[96];

		r = vgr_draw(&g, out, more[i], 0);
		if (generation(st) != generation(snap))
			return 1;
		if (r != (ssize_t)more[i]) {
			snprintf(res.rekey_why, sizeof(res.rekey_why), "a %zu-byte draw returned %zd", more[i], r);
			res.rekey_bad = 1;
			break;
		}
		model_draw(&m, pred, more[i]);
		snprintf(what, sizeof(what), "the output of draw %d (%zu bytes) after the rekey", i + 1, more[i]);
		res.rekey_bad = compare(out, pred, more[i], 0, what, res.rekey_why, sizeof(res.rekey_why)) ||
				state_differs(st, &m, "after it", res.rekey_why, sizeof(res.rekey_why));
	}
	if (!res.rekey_bad)
		snprintf(res.rekey_why, sizeof(res.rekey_why), "the state after the first draw, and two more draws of "
			 "%zu and %zu bytes with the keys it erased into the state, and their states, as predicted",
			 more[0], more[1]);
	return 0;
}

static void setup(struct case_ctx *ctx)
{
	size_t cap = BATCH + (FRESH_BLOCKS + 2) * CHACHA20_BLOCK;
	unsigned char *out, *pred;

	if (vgr_open(&g, (vdso_getrandom_t)case_fn(ctx, "getrandom"))) {
		snprintf(lay.no, sizeof(lay.no), "%s", g.no_state);
		return;
	}
	if (probe_layout())
		return;
	out = vgr_xmalloc(cap + VGR_GUARD);
	pred = vgr_xmalloc(cap + VGR_GUARD);
	for (res.attempts = 1; res.attempts <= ATTEMPTS; res.attempts++) {
		if (!attempt(out, pred)) {
			res.done = 1;
			break;
		}
	}
	if (!res.done)
		snprintf(lay.no, sizeof(lay.no), "the kernel's RNG reseeded (the state's generation changed) "
			 "during each of %d attempts", ATTEMPTS);
	free(out);
	free(pred);
}

static int skipped(void)
{
	if (!lay.no[0])
		return 0;
	case_skip("%s", lay.no);
	return 1;
}

static void report(int bad, const char *why)
{
	case_diag("snapshot pos %zu; a draw of %zu bytes (%d fresh blocks, %d bytes of the new batch), then %zu "
		  "more; attempt %u: %s", res.p, res.n1, FRESH_BLOCKS, TAIL, res.n2, res.attempts, why);
	if (bad)
		case_fail("the output is not ChaCha20 of the state as lib/vdso/getrandom.c makes it");
	else
		case_pass();
}

static void run(struct case_ctx *ctx)
{
	(void)ctx;
	if (case_point("getrandom.chacha.batch") && !skipped())
		report(res.batch_bad, res.batch_why);
	if (case_point("getrandom.chacha.blocks") && !skipped())
		report(res.blocks_bad, res.blocks_why);
	if (case_point("getrandom.chacha.rekey") && !skipped())
		report(res.rekey_bad, res.rekey_why);
}

static const struct case_spec spec = {
	.name = "getrandom_chacha",
	.needs = CASE_NEED_VDSO,
	.roles = (const char *const[]){ "getrandom", NULL },
	.setup = setup,
	.run = run,
};
CASE_MAIN(spec)
