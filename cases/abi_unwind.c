/* SPDX-License-Identifier: MIT */
/*
 * abi_unwind: a profiler's view of the vDSO.  A sampling profiler (perf
 * in user space, gperftools, a language runtime's SIGPROF handler) takes
 * a signal at an arbitrary PC and walks the stack from there with the
 * DWARF call-frame information of each object it meets: for a PC inside
 * the vDSO, the vDSO's .eh_frame, found through its PT_GNU_EH_FRAME (as
 * libgcc finds it, by dl_iterate_phdr).  Missing or wrong CFI there makes
 * the walk stop or wander, and the caller's frame is lost.
 *
 *	abi.unwind.eh_frame_hdr	the target has a PT_GNU_EH_FRAME
 *	abi.unwind.<function>	from every sampled PC inside the target's
 *				text while the function runs (a timer signal
 *				every 100 us; libvdso's text classifier picks
 *				the samples), libgcc's _Unwind_Backtrace,
 *				called in the signal handler, reaches the
 *				function that made the call: the first frame
 *				outside the target is the caller's; a failure
 *				names
 *				what is missing: no PT_GNU_EH_FRAME, no FDE
 *				covering the PC, or where the walk went (a
 *				walk that faults is that sample's failure)
 *
 * No tolerance: each sample unwinds or it does not.  A function whose
 * samples all fall outside the target's text (its code is a few
 * instructions, or it forwards elsewhere) has nothing to judge and skips.
 * DWARF CFI is how every architecture here unwinds but 32-bit ARM, which
 * uses EHABI tables instead: there every point skips.
 */
#include <elf.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <unwind.h>

#include "case/case.h"
#include "case/callabi_case.h"
#include "case/cfi.h"
#include "case/context_pc.h"
#include "case/guard.h"
#include "case/known_case.h"
#include "case/tick.h"

/* every architecture whose libgcc unwinds by DWARF CFI (.eh_frame) and
 * steps through a signal frame; 32-bit ARM uses EHABI tables instead */
#if defined(__x86_64__) || defined(__i386__) || defined(__aarch64__) || defined(__riscv) || \
	defined(__s390x__) || defined(__powerpc64__) || defined(__loongarch__) || defined(__mips__)
#define HAVE_DWARF_UNWIND 1
#else
#define HAVE_DWARF_UNWIND 0
#endif

#define TICK_NS 100000L
#define RUN_NS 300000000L	/* per function, at most */
#define MAX_SAMPLES 32
#define MAX_FRAMES 24

#if HAVE_DWARF_UNWIND
/* libgcc's FDE lookup (unwind-dw2-fde.h; exported, not in <unwind.h>) */
struct unwind_bases {
	void *tbase, *dbase, *func;
};
const void *_Unwind_Find_FDE(void *pc, struct unwind_bases *bases);

static int fde_covers(uintptr_t pc)
{
	struct unwind_bases bases;

	return _Unwind_Find_FDE((void *)pc, &bases) != NULL;
}

static int in_function(uintptr_t ip, const void *fn)
{
	return _Unwind_FindEnclosingFunction((void *)ip) == fn;
}

/* Whether the FDE covering pc has an empty program (cfi.h); -1 when none
 * covers it, or it lies outside the target's loaded segments, the only
 * bytes it is read within. */
static int fde_empty(const struct case_ctx *ctx, uintptr_t pc)
{
	struct unwind_bases bases;
	const unsigned char *fde = _Unwind_Find_FDE((void *)pc, &bases);

	for (unsigned i = 0; fde && i < ctx->img.nloads && ctx->img.loaded; i++) {
		const struct vdso_segment *l = &ctx->img.loads[i];
		uintptr_t lo = ctx->img.load_offset + (uintptr_t)l->vaddr;

		if ((uintptr_t)fde >= lo && (uintptr_t)fde - lo < l->filesz)
			return cfi_fde_program_empty(fde, (const unsigned char *)lo, (size_t)l->filesz);
	}
	return -1;
}
#else
static int fde_covers(uintptr_t pc)
{
	(void)pc;
	return 0;
}

static int fde_empty(const struct case_ctx *ctx, uintptr_t pc)
{
	(void)ctx;
	(void)pc;
	return -1;
}

static int in_function(uintptr_t ip, const void *fn)
{
	(void)ip;
	(void)fn;
	return 0;
}
#endif

struct sample {
	uintptr_t pc;
	unsigned n;
	int faulted;		/* the walk itself faulted: fault says how */
	uintptr_t ip[MAX_FRAMES];
	char fault[128];
};

static const struct case_ctx *the_ctx;
static struct sample samples[MAX_SAMPLES];
static volatile sig_atomic_t nsamples, armed;

static _Unwind_Reason_Code record_frame(struct _Unwind_Context *uc, void *arg)
{
	struct sample *s = arg;

	if (s->n >= MAX_FRAMES)
		return _URC_END_OF_STACK;
	s->ip[s->n++] = (uintptr_t)_Unwind_GetIP(uc);
	return _URC_NO_REASON;
}

static void walk(void *arg)
{
	_Unwind_Backtrace(record_frame, arg);
}

static void on_tick(int sig, siginfo_t *si, void *uc)
{
	uintptr_t pc = context_pc(uc);
	int saved = errno;

	(void)sig;
	(void)si;
	if (armed && nsamples < MAX_SAMPLES && vdso_pc_in_text(&the_ctx->img, pc)) {
		struct sample *s = &samples[nsamples];

		s->pc = pc;
		s->n = 0;
		/* wrong CFI sends the walk to read a made-up CFA: a fault is
		 * that sample's verdict, not the end of the case */
		s->faulted = case_guard_run(NULL, walk, s, s->fault, sizeof(s->fault)) != 0;
		nsamples++;
	}
	errno = saved;
}

/* The caller whose frame the walk must reach: the calls are in a loop,
 * never in tail position, so that it has a frame of its own. */
static __attribute__((noinline)) uintptr_t caller(enum callfn_id id, const void *fn, int64_t end)
{
	struct callfn_state s;
	uintptr_t acc = 0, a[5];
	int64_t now;

	/* Samples are taken only while the function runs.  Every other
	 * system call made while the timer ticks (the reference call here,
	 * the time budget's below, and libc's timer_settime around the
	 * loop) runs on i386 in the vDSO's __kernel_vsyscall, called from
	 * libc: a sample there is in the target's text but its caller is
	 * libc, not this function.  Where the handler outlasts the tick (an
	 * emulated guest), the next signal is already pending when the
	 * handler returns, and every sample lands at that one PC. */
	callfn_prepare(&s, id, 0, a);
	armed = 1;
	do {
		for (int k = 0; k < 4096 && nsamples < MAX_SAMPLES; k++) {
			switch (id) {
			case CF_CLOCK_GETTIME:
			case CF_CLOCK_GETRES:
			case CF_CLOCK_GETTIME64:
				acc += (uintptr_t)((int (*)(clockid_t, void *))fn)((clockid_t)a[0], (void *)a[1]);
				break;
			case CF_GETTIMEOFDAY:
				acc += (uintptr_t)((int (*)(void *, void *))fn)((void *)a[0], (void *)a[1]);
				break;
			case CF_TIME:
				acc += (uintptr_t)((time_t(*)(time_t *))fn)((time_t *)a[0]);
				break;
			case CF_GETCPU:
				acc += (uintptr_t)((int (*)(unsigned *, unsigned *, void *))fn)((unsigned *)a[0],
												(unsigned *)a[1], NULL);
				break;
			case CF_GETRANDOM:
				acc += (uintptr_t)((ssize_t(*)(void *, size_t, unsigned, void *, size_t))fn)(
					(void *)a[0], a[1], (unsigned)a[2], (void *)a[3], a[4]);
				break;
			case CF_COUNT:
				break;
			}
			__asm__ volatile("" : "+r"(acc));
		}
		armed = 0;
		now = case_mono_ns();
		armed = 1;
	} while (nsamples < MAX_SAMPLES && now < end);
	armed = 0;
	return acc;
}

/* "name+0xoff" of the target's symbol containing the runtime address a */
static const char *symbolise(const struct case_ctx *ctx, uintptr_t a, char *buf, size_t len, const char **name)
{
	struct vdso_sym s;

	*name = NULL;
	for (uint32_t i = 1; vdso_sym_at(&ctx->img, i, &s) == VDSO_OK; i++) {
		if (!s.addr || !s.name || !s.name[0] || a < s.addr || a - s.addr >= s.size)
			continue;
		*name = s.name;
		snprintf(buf, len, "%s+%#lx", s.name, (unsigned long)(a - s.addr));
		return buf;
	}
	snprintf(buf, len, "%#lx", (unsigned long)a);
	return buf;
}

static void setup(struct case_ctx *ctx)
{
	callabi_setup_random(ctx);
	the_ctx = ctx;
}

/* The image's own PT_ARM_EXIDX, which libvdso does not keep: its program
 * headers, bounded as libvdso bounded them at open, and again here. */
static int has_arm_exidx(const struct vdso_image *img)
{
	for (unsigned i = 0; i < img->phnum; i++) {
		uint64_t off = img->phoff + (uint64_t)i * img->phentsize;
		uint32_t type;

		if (img->phentsize < 4 || off > img->size || img->size - off < 4)
			return 0;
		memcpy(&type, img->data + off, 4);
		if (type == 0x70000001)	/* PT_ARM_EXIDX */
			return 1;
	}
	return 0;
}

static const char *machine(char *buf, size_t len)
{
	struct utsname u;

	if (uname(&u))
		return NULL;
	snprintf(buf, len, "%s", u.machine);
	return buf;
}

static void check_eh_frame_hdr(struct case_ctx *ctx)
{
	char mb[65];

	if (!case_point("abi.unwind.eh_frame_hdr"))
		return;
	if (ctx->img.has_eh_frame)
		case_pass();
	else if (case_known_arm64_no_eh_frame(ctx))
		case_known_xfail(KNOWN_ARM64_NO_EH_FRAME, "no PT_GNU_EH_FRAME");
	else if (!HAVE_DWARF_UNWIND && has_arm_exidx(&ctx->img))
		case_pass();	/* 32-bit ARM: EHABI tables are what its unwinders read */
	else if (!HAVE_DWARF_UNWIND && case_known_arm64_compat_no_unwind(ctx, 0, machine(mb, sizeof(mb))))
		case_known_xfail(KNOWN_ARM64_COMPAT_NO_UNWIND, "no PT_GNU_EH_FRAME and no PT_ARM_EXIDX (kernel %s)", mb);
	else
		case_fail("the target has no PT_GNU_EH_FRAME: an unwinder finds no call-frame information for any of "
			  "its code");
}

/* Whether the return address ra follows a direct call (e8 rel32) of the
 * target's __kernel_vsyscall: the i386 vDSO's C functions call it so for
 * their system call fallback.  The bytes are the target's mapped text. */
static int after_vsyscall_call(const struct case_ctx *ctx, uintptr_t ra)
{
	const unsigned char *call = (const unsigned char *)(ra - 5);
	char buf[64];
	const char *name;
	int32_t rel;

	if (!vdso_pc_in_text(&ctx->img, ra - 5) || !vdso_pc_in_text(&ctx->img, ra - 1) || call[0] != 0xe8)
		return 0;
	memcpy(&rel, call + 1, sizeof(rel));
	symbolise(ctx, ra + (uintptr_t)(intptr_t)rel, buf, sizeof(buf), &name);
	return name && !strcmp(buf, "__kernel_vsyscall+0");
}

/* Why sample s did not reach the caller, into why; has_fde set. */
static void explain(const struct case_ctx *ctx, const struct sample *s, unsigned at, int *has_fde, char *why,
		    size_t len)
{
	char pcs[64];
	const char *name;
	size_t n;

	*has_fde = fde_covers(s->pc);
	symbolise(ctx, s->pc, pcs, sizeof(pcs), &name);
	if (!ctx->img.has_eh_frame) {
		snprintf(why, len, "from PC %s: the target has no PT_GNU_EH_FRAME", pcs);
		return;
	}
	if (!*has_fde) {
		snprintf(why, len, "from PC %s: no FDE covers the PC", pcs);
		return;
	}
	if (fde_empty(ctx, s->pc) == 1)
		n = (size_t)snprintf(why, len, "from PC %s, whose FDE has no CFA rule of its own (only DW_CFA_nop), "
				     "the walk went", pcs);
	else
		n = (size_t)snprintf(why, len, "from PC %s the walk went", pcs);
	for (unsigned i = at + 1; i < s->n && n < len; i++) {
		char ips[64];

		/* the target's frames by name: the walk through it is the tale */
		if (vdso_pc_in_text(&ctx->img, s->ip[i] - 1))
			symbolise(ctx, s->ip[i], ips, sizeof(ips), &name);
		else
			snprintf(ips, sizeof(ips), "%#lx", (unsigned long)s->ip[i]);
		n += (size_t)snprintf(why + n, len - n, " %s", ips);
	}
	if (n < len && s->faulted)
		snprintf(why + n, len - n, "%s and faulted: %s", at + 1 < s->n ? "" : " nowhere", s->fault);
	else if (n < len)
		snprintf(why + n, len - n, "%s and never reached the caller %p", at + 1 < s->n ? "" : " nowhere",
			 (void *)caller);
}

/* The facts case_known_vdso32_vsyscall_no_cfi() judges, of sample s whose
 * own frame is at (s->n: not found) */
static int vsyscall_no_cfi(const struct case_ctx *ctx, const struct sample *s, unsigned at, int has_fde,
			   const char *symbol)
{
	char buf[64];
	const char *ra_name;
	uintptr_t ra;

	if (at + 1 >= s->n)
		return 0;
	/* a return address: its call is the byte before it */
	ra = s->ip[at + 1];
	symbolise(ctx, ra - 1, buf, sizeof(buf), &ra_name);
	return case_known_vdso32_vsyscall_no_cfi(ctx, symbol, has_fde, ra_name, fde_covers(ra - 1),
						 after_vsyscall_call(ctx, ra), at + 2 == s->n);
}

static void check_fn(struct case_ctx *ctx, enum callfn_id id)
{
	const void *fn = case_fn_raw(ctx, callfn_role(id));
	struct tick tick;
	unsigned bad = 0, unknown = 0, via_vsyscall = 0;
	int has_fde = 0, first_known = -1;
	char why[512] = "", known_why[512] = "";

	if (!case_point("abi.unwind.%s", callfn_role(id)))
		return;
	if (!HAVE_DWARF_UNWIND) {
		case_skip("32-bit ARM unwinds by EHABI tables, not by the DWARF CFI checked here");
		return;
	}
	if (callfn_case_skip(ctx, id, fn))
		return;
	nsamples = 0;
	if (tick_start(&tick, SIGPROF, on_tick, TICK_NS)) {
		case_fail("timer_create: %s", strerror(errno));
		return;
	}
	caller(id, fn, case_mono_ns() + RUN_NS);
	tick_stop(&tick);

	for (unsigned i = 0; i < (unsigned)nsamples; i++) {
		const struct sample *s = &samples[i];
		unsigned at = s->n;
		int reached = 0, known;
		char w[512], pcs[64];
		const char *name;

		for (unsigned f = 0; f < s->n && at == s->n; f++)
			if (s->ip[f] == s->pc)
				at = f;
		/* the first frame after the target's own must be the caller */
		for (unsigned f = at + 1; f < s->n; f++) {
			if (vdso_pc_in_text(&ctx->img, s->ip[f] - 1))
				continue;
			reached = in_function(s->ip[f] - 1, (const void *)caller);
			break;
		}
		/* a fault past the caller is no fault of the target's CFI */
		if (reached)
			continue;
		bad++;
		explain(ctx, s, at < s->n ? at : 0, &has_fde, w, sizeof(w));
		symbolise(ctx, s->pc, pcs, sizeof(pcs), &name);
		/* every failed sample is judged: one of a known defect's shape
		 * must not hide another that is not */
		known = case_known_arm64_no_eh_frame(ctx)			       ? KNOWN_ARM64_NO_EH_FRAME
			: case_known_vdso32_no_cfi(ctx, has_fde, name)		       ? KNOWN_VDSO32_NO_CFI
			: case_known_x86_chacha_no_cfi(ctx, has_fde, name, callfn_role(id)) ? KNOWN_X86_CHACHA_NO_CFI
			: case_known_riscv_c_no_cfi(ctx, has_fde, name, callfn_role(id))    ? KNOWN_RISCV_C_NO_CFI
			: case_known_mips_c_no_cfi(ctx, has_fde, name)			       ? KNOWN_MIPS_C_NO_CFI
			: case_known_s390_c_no_cfi(ctx, has_fde, name)			       ? KNOWN_S390_C_NO_CFI
			: case_known_ppc_chacha_no_cfi(ctx, has_fde, name, callfn_role(id)) ? KNOWN_PPC_CHACHA_NO_CFI
			: case_known_riscv_sigreturn_cfi(ctx, has_fde, at + 1 >= s->n)      ? KNOWN_RISCV_SIGRETURN_CFI
			: case_known_loongarch_chacha_cfi(ctx, fde_empty(ctx, s->pc), name, callfn_role(id))
				? KNOWN_LOONGARCH_CHACHA_CFI
											       : -1;
		if (known < 0 && vsyscall_no_cfi(ctx, s, at, has_fde, name)) {
			known = KNOWN_VDSO32_NO_CFI;
			via_vsyscall++;
		}
		if (known < 0 && !unknown++)
			snprintf(why, sizeof(why), "%s", w);
		if (known >= 0 && first_known < 0) {
			first_known = known;
			snprintf(known_why, sizeof(known_why), "%s", w);
		}
	}
	if (!nsamples) {
		case_skip("no sample landed in the target's text while %s ran", callfn_role(id));
		return;
	}
	case_diag("%d samples inside the target's text", (int)nsamples);
	if (via_vsyscall)
		case_diag("%u in __kernel_vsyscall, whose return address is in a C function without CFI", via_vsyscall);
	if (!bad)
		case_pass();
	else if (unknown)
		case_fail("%u of %d samples did not unwind to the caller: %s", bad, (int)nsamples, why);
	else
		case_known_xfail(first_known, "%u of %d samples did not unwind to the caller: %s", bad, (int)nsamples,
				 known_why);
}

static void run(struct case_ctx *ctx)
{
	check_eh_frame_hdr(ctx);
	callfn_case_each(ctx, check_fn);
}

static const struct case_spec spec = {
	.name = "abi_unwind",
	.needs = CASE_NEED_VDSO,
	.setup = setup,
	.run = run,
};
CASE_MAIN(spec)
