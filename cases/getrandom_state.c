/* SPDX-License-Identifier: MIT */
/*
 * getrandom_state: the contract of the vDSO getrandom's opaque state
 * (case/vgetrandom.h has the signature), from the kernel's implementation:
 *  - (NULL, 0, 0, &params, ~0UL) fills struct vgetrandom_opaque_params
 *    {size_of_opaque_state, mmap_prot, mmap_flags, reserved[13]} and
 *    returns 0 (getrandom.params);
 *  - states are mmap'ed with those prot/flags, as many to a page as fit,
 *    each independent and within its declared size (getrandom.alloc);
 *  - a state must not straddle a page, else -EFAULT (getrandom.straddle);
 *  - an opaque_len other than the state's size (e.g. after CRIU) falls back
 *    to the system call (getrandom.opaque_len);
 *  - MAP_DROPPABLE wipes the state on fork (getrandom.fork).
 * A signature unlike libc's (fortanix/rust-sgx#976).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "case/case.h"
#include "case/clock.h"
#include "case/vgetrandom_case.h"

#define GAP_CANARY 0xa5		/* between the states of the alloc check */

static struct vgr g;


static void check_params(void)
{
	unsigned char raw[sizeof(struct vgetrandom_opaque_params) + VGR_GUARD];
	struct vgetrandom_opaque_params *p = (void *)raw;
	char bad[256] = "";
	ssize_t r;

	if (!case_point("getrandom.params"))
		return;
	memset(raw, 0xff, sizeof(raw));	/* reserved[] must come back zeroed */
	r = vgr_query(&g, raw);
	if (r != 0) {
		case_fail("getrandom(NULL, 0, 0, &params, ~0UL) returned %zd, expected 0 and the parameters", r);
		return;
	}
	case_diag("size_of_opaque_state %u, mmap_prot %#x, mmap_flags %#x (%s%s)", p->size_of_opaque_state,
		  p->mmap_prot, p->mmap_flags, p->mmap_flags & MAP_ANONYMOUS ? "MAP_ANONYMOUS" : "no MAP_ANONYMOUS",
		  (p->mmap_flags & 0x0f) == MAP_DROPPABLE ? " | MAP_DROPPABLE" : "");
	if (!p->size_of_opaque_state || p->size_of_opaque_state > g.page)
		snprintf(bad, sizeof(bad), "size_of_opaque_state %u is not in [1, page size %zu]",
			 p->size_of_opaque_state, g.page);
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
	vgr_open_state(&g);
}


/* One page of states as the parameters say, GAP bytes of canary between
 * them (a state may not use more than it declared), none straddling. */
static int alloc_once(char *why, size_t wl, int *dropped)
{
	size_t stride = ((g.state_size + 15) & ~(size_t)15) + 16, per = g.page / stride;
	unsigned char (*out)[16] = vgr_xmalloc(per * sizeof(*out) + VGR_GUARD);
	unsigned char *pg, buf[16 + VGR_GUARD];
	int bad = -1;

	*dropped = 0;
	if (per < 2) {
		snprintf(why, wl, "a %zu-byte state leaves room for %zu per %zu-byte page", g.state_size, per, g.page);
		goto out_free;
	}
	pg = vgr_map_states(&g, g.page);
	if (pg == MAP_FAILED) {
		snprintf(why, wl, "mmap(NULL, %zu, %#x, %#x, -1, 0) as the parameters say: %s", g.page, g.params.mmap_prot,
			 g.params.mmap_flags, strerror(errno));
		goto out_free;
	}
	/* states stay zero (a fresh state); only the gaps get the canary */
	for (size_t k = 0; k < per; k++)
		memset(pg + k * stride + g.state_size, GAP_CANARY, stride - g.state_size);
	memset(pg + per * stride, GAP_CANARY, g.page - per * stride);
	for (size_t k = 0; k < per; k++) {
		ssize_t r = g.fn(buf, 16, 0, pg + k * stride, g.state_size);

		if (r != 16) {
			char rs[48];

			snprintf(why, wl, "state %zu of %zu at page offset %zu (it ends at %zu, inside the page): "
				 "getrandom returned %s, expected 16", k, per, k * stride, k * stride + g.state_size,
				 vgr_ret_str(r, rs, sizeof(rs)));
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
		size_t gaps = 0, zeros = 0, first = g.page;

		for (size_t i = 0; i < g.page; i++) {
			if (i < per * stride && i % stride < g.state_size)
				continue;	/* inside a state */
			gaps++;
			zeros += pg[i] == 0;
			if (pg[i] != GAP_CANARY && first == g.page)
				first = i;
		}
		if (first < g.page && zeros == gaps) {
			*dropped = 1;
			snprintf(why, wl, "the state page was dropped (zeroed) under memory pressure, 3 times in a row");
			goto out_unmap;
		}
		if (first < g.page) {
			size_t k = first < per * stride ? first / stride : per - 1;

			snprintf(why, wl, "byte %zu after state %zu (page offset %zu) changed from %#04x to %#04x: "
				 "a state uses more than the %zu bytes the parameters declare",
				 first - k * stride - g.state_size, k, first, GAP_CANARY, pg[first], g.state_size);
			goto out_unmap;
		}
	}
	snprintf(why, wl, "%zu states of %zu bytes (stride %zu) in one page mapped with prot %#x, flags %#x: each "
		 "returned 16 bytes, all different, none wrote outside its %zu bytes", per, g.state_size, stride,
		 g.params.mmap_prot, g.params.mmap_flags, g.state_size);
	bad = 0;
out_unmap:
	munmap(pg, g.page);
out_free:
	free(out);
	return bad;
}

static void check_alloc(void)
{
	char why[512];
	int dropped = 0, rc = -1;

	if (!case_point("getrandom.alloc"))
		return;
	if (vgr_skip_without_state(&g))
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
	unsigned char buf[16 + VGR_GUARD];
	unsigned char *two;
	size_t last = (g.page - g.state_size) & ~(size_t)7;
	ssize_t r_in, r_over, r_word;
	char s_in[48], s_word[48], s_over[48];

	if (!case_point("getrandom.straddle"))
		return;
	if (vgr_skip_without_state(&g))
		return;
	two = vgr_map_states(&g, 2 * g.page);
	if (two == MAP_FAILED) {
		case_fail("mmap of two pages with the parameters' prot and flags: %s", strerror(errno));
		return;
	}
	r_in = g.fn(buf, 16, 0, two + last, g.state_size);
	r_word = g.fn(buf, 16, 0, two + last + 8, g.state_size);
	r_over = g.fn(buf, 16, 0, two + g.page - 8, g.state_size);
	munmap(two, 2 * g.page);
	vgr_ret_str(r_in, s_in, sizeof(s_in));
	vgr_ret_str(r_word, s_word, sizeof(s_word));
	vgr_ret_str(r_over, s_over, sizeof(s_over));
	case_diag("%zu-byte state at page offset %zu (ends at %zu): %s; at %zu: %s; at %zu: %s", g.state_size, last,
		  last + g.state_size, s_in, last + 8, s_word, g.page - 8, s_over);
	if (r_in != 16)
		case_fail("a state at page offset %zu, ending at %zu inside the page, returned %s, expected 16", last,
			  last + g.state_size, s_in);
	else if (r_word != -EFAULT || r_over != -EFAULT)
		case_fail("states straddling a page boundary (page offsets %zu and %zu) returned %s and %s, "
			  "expected -EFAULT: either page of a droppable mapping may be zeroed on its own",
			  last + 8, g.page - 8, s_word, s_over);
	else
		case_pass();
}


/* Calls with each wrong opaque_len under a seccomp filter that traps
 * getrandom (in a child: the filter cannot be removed); how many trapped. */
struct opaque_traps {
	int done, rc;
	unsigned calls, trapped;
};

static void count_fallbacks(const size_t *wrong, size_t n, struct opaque_traps *t)
{
	static const long nrs[] = { SYS_getrandom };
	char buf[32];
	pid_t pid;

	memset(t, 0, sizeof(*t));
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		/* the fork wiped the state: key it first, or the key fetch
		 * itself would be the system call counted */
		g.fn(buf, sizeof(buf), 0, g.state, g.state_size);
		t->rc = case_seccomp_trap(nrs, 1);
		for (size_t i = 0; !t->rc && i < n; i++) {
			unsigned before = case_traps.count;

			g.fn(buf, sizeof(buf), 0, g.state, wrong[i]);
			t->calls++;
			t->trapped += case_traps.count != before;
		}
		t->done = 1;
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

/* A wrong opaque_len (CRIU restoring another kernel's state size) falls
 * back to the syscall: a complete fill, and the system call made for each
 * (a vDSO that used the state anyway would fill as well, from a state it
 * must not trust).  ~0UL with a buffer is not the parameter query. */
static void check_opaque_len(void)
{
	const size_t wrong[] = { 0, g.state_size - 1, g.state_size + 1, ~(size_t)0 };
	const size_t n = sizeof(wrong) / sizeof(wrong[0]);
	struct opaque_traps *t;
	char why[512];

	if (!case_point("getrandom.opaque_len"))
		return;
	if (vgr_skip_without_state(&g))
		return;
	for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		if (vgr_check_fill(g.fn, 32, 0, g.state, wrong[i], why, sizeof(why))) {
			case_fail("opaque_len %zu (the state is %zu bytes; expected the syscall's fill): %s", wrong[i],
				  g.state_size, why);
			return;
		}
	}
	t = mmap(NULL, sizeof(*t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (t == MAP_FAILED) {
		case_skip("cannot map a page shared with the seccomp child: %s", strerror(errno));
		return;
	}
	count_fallbacks(wrong, n, t);
	if (!t->done)
		case_fail("the child calling getrandom under a seccomp trap on getrandom died before reporting");
	else if (t->rc)
		case_skip("cannot install the seccomp trap filter: %s", strerror(-t->rc));
	else if (t->trapped != t->calls)
		case_fail("expected every call with a wrong opaque_len to fall back to the getrandom system "
			  "call; %u of %u made none (the vDSO used a state whose size it was not given)",
			  t->calls - t->trapped, t->calls);
	else {
		case_diag("opaque_len 0, size-1, size+1 and ~0UL with a buffer: 32 bytes filled each, and "
			  "each call made the getrandom system call (%u of %u trapped under seccomp)",
			  t->trapped, t->calls);
		case_pass();
	}
	munmap(t, sizeof(*t));
}


/* MAP_DROPPABLE implies wipe-on-fork: the child's copy of the state is
 * zero, so it fetches a new key; the parent goes on with its own. */
static void check_fork(void)
{
	unsigned char mine[64 + VGR_GUARD], *theirs;
	char how[96];
	pid_t pid;
	int st;

	if (!case_point("getrandom.fork"))
		return;
	if (vgr_skip_without_state(&g))
		return;
	theirs = mmap(NULL, g.page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (theirs == MAP_FAILED) {
		case_fail("mmap of a shared page: %s", strerror(errno));
		return;
	}
	memset(theirs, 0, g.page);
	if (vgr_draw(&g, mine, 64, 0) != 64) {	/* the state holds a key and a batch now */
		case_fail("the call before fork failed");
		goto out;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		ssize_t r = vgr_draw(&g, theirs, 64, 0);

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
	if (vgr_draw(&g, mine, 64, 0) != 64) {
		case_fail("the parent's call after fork failed");
		goto out;
	}
	case_diag("a 64-byte draw before fork, then one each in the child (with the inherited state) and the parent: "
		  "the two must differ (false alarm 2^-512)");
	if (!memcmp(mine, theirs, 64))
		case_fail("parent and child drew the same 64 bytes from the state after fork: the state was copied, "
			  "not wiped (mmap_flags %#x; MAP_DROPPABLE implies wipe-on-fork)", g.params.mmap_flags);
	else
		case_pass();
out:
	munmap(theirs, g.page);
}

static void setup(struct case_ctx *ctx)
{
	g.fn = (vdso_getrandom_t)case_fn(ctx, "getrandom");
	g.page = (size_t)sysconf(_SC_PAGESIZE);
}

static void run(struct case_ctx *ctx)
{
	(void)ctx;
	check_params();
	check_alloc();
	check_straddle();
	check_opaque_len();
	check_fork();
}

static const struct case_spec spec = {
	.name = "getrandom_state",
	.needs = CASE_NEED_VDSO,
	.roles = (const char *const[]){ "getrandom", NULL },
	.setup = setup,
	.run = run,
};
CASE_MAIN(spec)
