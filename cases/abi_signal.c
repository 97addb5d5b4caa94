/* SPDX-License-Identifier: MIT */
/*
 * abi_signal: a vDSO function interrupted by a signal whose handler calls
 * the vDSO again.  Profilers (SIGPROF) and runtimes (Go's preemption
 * signal, its SIGPROF handler reading nanotime) do exactly that, so a
 * vDSO function must be re-entrant: no state of its own outside the
 * caller's stack and arguments (getrandom's opaque state says when it is
 * in use and the vDSO then takes the system call).
 *
 *	abi.signal.<function>	the function called in a loop while a
 *				timer signals the thread every 50 us; the
 *				handler calls every exported function; every
 *				result, in the loop and in the handler, right
 *				(bracketed by system calls as in the clock
 *				cases); at least SIGNAL_MIN_INSIDE signals
 *				arrived with the PC inside vDSO code
 *
 * The loop calls with CLOCK_MONOTONIC, the handler with CLOCK_REALTIME,
 * so a result carried over from one call into the other is seen.  The
 * loop judges PER_BRACKET calls between the same two system calls, so
 * that most of its time is spent in the function even when that is as
 * short as time() (a few ns against a system call's hundreds).
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "case/case.h"
#include "case/callfn.h"
#include "case/callabi_case.h"
#include "case/context_pc.h"
#include "case/tick.h"

#define RUN_NS 200000000L	/* per function: 0.2 s, some 2000 signals */
/* and up to 0.8 s more for a function whose code is so short (time(), a
 * few instructions) that few signals land in it, when the rate of the
 * first 0.2 s would reach SIGNAL_MIN_INSIDE in the whole second (4 or more
 * inside by then): none in 2000 signals will not become 20 in 10000, and
 * the wait cost the amd64 guest 0.8 s per ABI under QEMU */
#define EXTRA_NS 800000000L
#define TICK_NS 50000L
#define PER_BRACKET 64
/* Fewer signals inside vDSO code than this and the re-entrancy was not
 * exercised: with the loop's calls taking most of its time,
 * the signals of 0.2 s put hundreds there for most functions, tens for
 * time(); 20 still means many interruptions. */
#define SIGNAL_MIN_INSIDE 20

static const struct case_ctx *the_ctx;
static const void *fns[CF_COUNT];
static uintptr_t live_lo, live_hi;	/* the kernel's [vdso], which a fake forwards to */

static volatile sig_atomic_t handler_calls, inside, handler_bad;
static char handler_why[256];

static void on_tick(int sig, siginfo_t *si, void *uc)
{
	uintptr_t pc = context_pc(uc);
	int saved = errno;

	(void)sig;
	(void)si;
	handler_calls++;
	if (vdso_pc_in_text(&the_ctx->img, pc) || (pc >= live_lo && pc < live_hi))
		inside++;
	for (int id = 0; id < CF_COUNT; id++) {
		struct callfn_state s;
		uintptr_t a[5];
		char why[200];

		if (!fns[id])
			continue;
		/* variant 1: CLOCK_REALTIME for the clock functions */
		callfn_prepare(&s, id, 1, a);
		if (callfn_check(&s, callfn_direct(fns[id], id, a), why, sizeof(why)) && !handler_bad++)
			memcpy(handler_why, why, sizeof(why));
	}
	errno = saved;
}

static void setup(struct case_ctx *ctx)
{
	callabi_setup_random(ctx);
	the_ctx = ctx;
	for (int id = 0; id < CF_COUNT; id++)
		fns[id] = case_fn_raw(ctx, callfn_role(id));
	if (case_mapping_named("[vdso]", &live_lo, &live_hi))
		live_lo = live_hi = 0;
}

static void check_fn(struct case_ctx *ctx, enum callfn_id id)
{
	struct tick tick;
	unsigned long calls = 0, bad = 0;
	char why[256] = "";
	int64_t end, now;
	int extra;

	if (!case_point("abi.signal.%s", callfn_role(id)))
		return;
	if (callfn_case_skip(ctx, id, fns[id]))
		return;
	handler_calls = inside = handler_bad = 0;
	if (tick_start(&tick, SIGALRM, on_tick, TICK_NS)) {
		case_fail("timer_create: %s", strerror(errno));
		return;
	}
	end = case_mono_ns() + RUN_NS;
	extra = -1;
	do {
		for (int k = 0; k < 8; k++, calls += PER_BRACKET) {
			struct callfn_state s, snap[PER_BRACKET];
			uintptr_t a[5];
			char w[200];
			intptr_t r[PER_BRACKET];
			int64_t after;

			callfn_prepare(&s, id, 0, a);
			for (int j = 0; j < PER_BRACKET; j++) {
				r[j] = callfn_direct(fns[id], id, a);
				snap[j] = s;
			}
			after = callfn_after(&s);
			for (int j = 0; j < PER_BRACKET; j++) {
				snap[j].have_after = 1;
				snap[j].after = after;
				if (callfn_check(&snap[j], r[j], w, sizeof(w)) && !bad++)
					snprintf(why, sizeof(why), "%s", w);
			}
		}
		now = case_mono_ns();
		if (now >= end && extra < 0)
			extra = (int64_t)inside * (RUN_NS + EXTRA_NS) >= (int64_t)SIGNAL_MIN_INSIDE * RUN_NS;
	} while (now < end || (extra > 0 && inside < SIGNAL_MIN_INSIDE && now < end + EXTRA_NS));
	tick_stop(&tick);
	case_diag("%lu calls, %d signals, %d of them inside vDSO code", calls, (int)handler_calls, (int)inside);
	if (bad)
		case_fail("%lu of %lu interrupted-loop calls were wrong, first: %s", bad, calls, why);
	else if (handler_bad)
		case_fail("%d calls from the signal handler were wrong, first: %s", (int)handler_bad, handler_why);
	else if (inside < SIGNAL_MIN_INSIDE)
		case_skip("only %d of %d signals arrived inside vDSO code (need %d): re-entrancy not exercised",
			  (int)inside, (int)handler_calls, SIGNAL_MIN_INSIDE);
	else
		case_pass();
}

static void run(struct case_ctx *ctx)
{
	callfn_case_each(ctx, check_fn);
}

static const struct case_spec spec = {
	.name = "abi_signal",
	.needs = CASE_NEED_VDSO,
	.setup = setup,
	.run = run,
};
CASE_MAIN(spec)
