/* SPDX-License-Identifier: MIT */
/* sigtramp: the vDSO's signal return trampolines.  Where the C library
 * installs handlers without a restorer of its own (SA_RESTORER unset), the
 * kernel makes the handler return into a trampoline of the vDSO, which
 * calls rt_sigreturn (or sigreturn): arm64 __kernel_rt_sigreturn, riscv
 * and loongarch __vdso_rt_sigreturn, 64-bit powerpc __kernel_sigtramp_rt64,
 * s390x and i386 __kernel_rt_sigreturn and __kernel_sigreturn (the
 * kernel's arch/.../vdso*.lds.S).  Unwinders and debuggers also recognise
 * a signal frame by that address.
 *
 * sigtramp.text.SYM: SYM is exported and lies in the image's executable
 *   text (its whole extent, when it has a size).
 * sigtramp.used.SYM: (the live vDSO) a handler installed with the raw
 *   rt_sigaction system call and no SA_RESTORER (SA_SIGINFO for the rt
 *   trampolines, not for the others) is entered with its return address
 *   (the stacked return address on i386, the link register elsewhere)
 *   exactly at SYM's run-time address, and returns through it: the
 *   process goes on with the signal mask restored.
 * x86_64 and x32 have no vDSO trampoline (the kernel insists on
 * SA_RESTORER), arm and mips none that the vDSO exports: the case skips
 * there, saying so.  No tolerance: the address is the kernel's choice,
 * set from the vDSO's own symbol table. */
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "case/case.h"

struct tramp {
	const char *sym;
	int rt;		/* SA_SIGINFO: the rt frame */
};

static const struct tramp tramps[] = {
#if defined(__i386__) || defined(__s390x__)
	{ "__kernel_rt_sigreturn", 1 },
	{ "__kernel_sigreturn", 0 },
#elif defined(__aarch64__) && !defined(__ILP32__)
	{ "__kernel_rt_sigreturn", 1 },
#elif (defined(__riscv) && __riscv_xlen == 64) || defined(__loongarch__)
	{ "__vdso_rt_sigreturn", 1 },
#elif defined(__powerpc64__)
	{ "__kernel_sigtramp_rt64", 1 },
#endif
	{ NULL, 0 },
};

/* the kernel's struct sigaction for rt_sigaction(2), without a restorer */
struct ksigaction {
	void *handler;
	unsigned long flags;
#if !defined(__riscv) && !defined(__loongarch__)
	void *restorer;	/* where SA_RESTORER exists; unset, it does not count */
#endif
	unsigned long mask[2];
};

static volatile uintptr_t seen;
static volatile int entered;

__attribute__((noinline)) static void on_rt(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
	seen = (uintptr_t)__builtin_extract_return_addr(__builtin_return_address(0));
	entered++;
}

__attribute__((noinline)) static void on_plain(int sig)
{
	(void)sig;
	seen = (uintptr_t)__builtin_extract_return_addr(__builtin_return_address(0));
	entered++;
}

static int lookup(const struct case_ctx *ctx, const char *name, struct vdso_sym *sym)
{
	const char *version = ctx->arch ? ctx->arch->version : NULL;
	struct vdso_key key;

	for (size_t i = 0; ctx->arch && i < ctx->arch->nsyms; i++)
		if (!strcmp(ctx->arch->syms[i].name, name))
			version = ctx->arch->syms[i].version;
	vdso_key_init(&key, name, version);
	return vdso_lookup(&ctx->img, &key, VDSO_BY_ANY, sym) == VDSO_OK ? 0 : -1;
}

static void check_text(const struct case_ctx *ctx, const struct tramp *t)
{
	struct vdso_sym sym;

	if (!case_point("sigtramp.text.%s", t->sym))
		return;
	if (lookup(ctx, t->sym, &sym)) {
		case_fail("%s is not exported (at its version): a handler without SA_RESTORER has nowhere to return",
			  t->sym);
		return;
	}
	case_diag("%s at %#llx, size %llu, type %u", t->sym, (unsigned long long)sym.value,
		  (unsigned long long)sym.size, (unsigned)sym.type);
	if (!vdso_vaddr_in_text(&ctx->img, sym.value))
		case_fail("%s = %#llx is outside the image's executable text", t->sym, (unsigned long long)sym.value);
	else if (sym.size && !vdso_vaddr_in_text(&ctx->img, sym.value + sym.size - 1))
		case_fail("%s [%#llx, +%llu) runs past the executable text", t->sym, (unsigned long long)sym.value,
			  (unsigned long long)sym.size);
	else
		case_pass();
}

/* The handler installed without a restorer, one signal, the old action
 * back.  0, or -1 with why. */
static int deliver(const struct tramp *t, char *why, size_t len)
{
	struct ksigaction ka, old;
	sigset_t before, after;

	memset(&ka, 0, sizeof(ka));
	ka.handler = t->rt ? (void *)on_rt : (void *)on_plain;
	ka.flags = t->rt ? SA_SIGINFO : 0;
	if (syscall(SYS_rt_sigaction, SIGUSR1, &ka, &old, 8)) {
		snprintf(why, len, "rt_sigaction without SA_RESTORER: %s", strerror(errno));
		return -1;
	}
	/* the kernel's 64 signals: the first 8 bytes of glibc's 1024-bit set */
	sigemptyset(&before);
	sigemptyset(&after);
	sigprocmask(SIG_SETMASK, NULL, &before);
	seen = 0;
	entered = 0;
	raise(SIGUSR1);
	sigprocmask(SIG_SETMASK, NULL, &after);
	syscall(SYS_rt_sigaction, SIGUSR1, &old, NULL, 8);
	if (entered != 1) {
		snprintf(why, len, "the handler ran %d times for one signal", entered);
		return -1;
	}
	if (memcmp(&before, &after, 8)) {
		snprintf(why, len, "the signal mask after the handler returned differs from the one before it");
		return -1;
	}
	return 0;
}

static void check_used(const struct case_ctx *ctx, const struct tramp *t)
{
	struct vdso_sym sym;
	char why[256];

	if (!case_point("sigtramp.used.%s", t->sym))
		return;
	if (ctx->fake) {
		case_skip("the kernel returns through its own vDSO, not the fake target's");
		return;
	}
	if (lookup(ctx, t->sym, &sym) || !sym.addr) {
		case_skip("%s is not exported (sigtramp.text says so)", t->sym);
		return;
	}
	if (deliver(t, why, sizeof(why))) {
		case_fail("%s", why);
		return;
	}
	case_diag("handler (%s) returned to %#lx; %s is at %#lx", t->rt ? "SA_SIGINFO" : "plain", (unsigned long)seen,
		  t->sym, (unsigned long)sym.addr);
	case_check(seen == sym.addr, "the %s handler's return address is %#lx, not %s at %#lx%s",
		   t->rt ? "SA_SIGINFO" : "plain", (unsigned long)seen, t->sym, (unsigned long)sym.addr,
		   vdso_pc_in_text(&ctx->img, seen) ? " (inside the vDSO's text)" : " (outside the vDSO)");
}

static int unsupported(const struct case_ctx *ctx, char *why, size_t len)
{
	if (tramps[0].sym)
		return 0;
	snprintf(why, len, "no signal trampoline on %s: %s", ctx->arch ? ctx->arch->name : "this architecture",
#if defined(__x86_64__)
		 "the kernel requires the C library's own restorer (SA_RESTORER)"
#else
		 "its vDSO exports none"
#endif
	);
	return 1;
}

static void run(struct case_ctx *ctx)
{
	for (size_t i = 0; tramps[i].sym; i++) {
		check_text(ctx, &tramps[i]);
		check_used(ctx, &tramps[i]);
	}
}

static const struct case_spec spec = {
	.name = "sigtramp",
	.needs = CASE_NEED_VDSO,
	.unsupported = unsupported,
	.run = run,
};
CASE_MAIN(spec)
