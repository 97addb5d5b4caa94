/* SPDX-License-Identifier: MIT */
/* Recovering from a fault in a call into the target (guard.h). */
#include "guard.h"

#include "context_pc.h"

#include <elf.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

static const int fault_sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE };

/* The innermost open guard, and the thread that opened it.  Written only
 * outside the handler, read by it.  Lock-free atomics, as everything the
 * handler touches: C11 allows a handler no other static objects. */
static _Atomic(sigjmp_buf *) guard_jb;
static _Atomic pid_t guard_tid;

/* The last fault, written by the handler just before it jumps. */
static volatile sig_atomic_t fault_sig, fault_have_pc;
static _Atomic uintptr_t fault_addr, fault_pc;

static pid_t this_tid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* The interrupted instruction, where the ABI says where to find it. */
static int fault_context_pc(const void *uc, uintptr_t *pc)
{
	*pc = context_pc(uc);
	return HAVE_CONTEXT_PC;
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	sigjmp_buf *jb = guard_jb;
	uintptr_t pc;

	/* si_code <= 0: sent by a process, not raised by an instruction */
	if (!jb || si->si_code <= 0 || this_tid() != guard_tid) {
		struct sigaction dfl;

		/* the default action, as without a guard: the signal is
		 * blocked while we are here, so raise() delivers it (and a
		 * returning fault instruction re-faults) once we return */
		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		sigemptyset(&dfl.sa_mask);
		sigaction(sig, &dfl, NULL);
		if (si->si_code <= 0)
			raise(sig);
		return;
	}
	fault_sig = sig;
	fault_addr = (uintptr_t)si->si_addr;
	fault_have_pc = fault_context_pc(uc, &pc);
	fault_pc = pc;
	siglongjmp(*jb, 1);
}

/* Once per process: the alternate stack and the handlers. */
static void install(void)
{
	static int done;
	static char altstack[64 * 1024] __attribute__((aligned(16)));
	struct sigaction sa;
	stack_t ss;

	if (done)
		return;
	done = 1;
	memset(&ss, 0, sizeof(ss));
	ss.ss_sp = altstack;
	ss.ss_size = sizeof(altstack);
	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(fault_sigs) / sizeof(fault_sigs[0]); i++)
		sigaction(fault_sigs[i], &sa, NULL);
}

static const char *sig_name(int sig)
{
	switch (sig) {
	case SIGSEGV:
		return "SIGSEGV";
	case SIGBUS:
		return "SIGBUS";
	case SIGILL:
		return "SIGILL";
	case SIGFPE:
		return "SIGFPE";
	}
	return "signal";
}

/* The symbol of img containing the runtime address a: 1 with its name
 * and the offset.  A zero-sized symbol contains nothing. */
static int symbol_of(const struct vdso_image *img, uintptr_t a, const char **name, uintptr_t *off)
{
	struct vdso_sym s;

	if (!img)
		return 0;
	for (uint32_t i = 1; vdso_sym_at(img, i, &s) == VDSO_OK; i++) {
		if (!s.addr || !s.name || !s.name[0] || a < s.addr || a - s.addr >= s.size)
			continue;
		*name = s.name;
		*off = a - s.addr;
		return 1;
	}
	return 0;
}

static int last_in_target;

int case_guard_in_target(void)
{
	return last_in_target;
}

static void describe(const struct vdso_image *img, char *why, size_t len)
{
	const char *sig = sig_name(fault_sig), *name;
	uintptr_t pc = fault_pc, addr = fault_addr, off;
	int have_pc = fault_have_pc;

	last_in_target = 0;
	if (have_pc && symbol_of(img, pc, &name, &off)) {
		last_in_target = 1;
		snprintf(why, len, "%s at 0x%" PRIxPTR " (%s+0x%" PRIxPTR ")", sig, pc, name, off);
		if (fault_sig == SIGSEGV || fault_sig == SIGBUS) {
			size_t n = strlen(why);

			snprintf(why + n, len > n ? len - n : 0, ", accessing 0x%" PRIxPTR, addr);
		}
	} else if (have_pc && pc == addr) {
		/* the fetch of the instruction itself faulted: a jump to a
		 * bad address, which a call to the target is */
		last_in_target = 1;
		if (symbol_of(img, addr, &name, &off))
			snprintf(why, len, "%s at 0x%" PRIxPTR " (%s+0x%" PRIxPTR ")", sig, addr, name, off);
		else
			snprintf(why, len, "%s at 0x%" PRIxPTR " (in no symbol of the target: a jump to a bad address)",
				 sig, addr);
	} else if (have_pc) {
		snprintf(why, len, "%s at 0x%" PRIxPTR " (outside the target), accessing 0x%" PRIxPTR, sig, pc, addr);
	} else {
		snprintf(why, len, "%s accessing 0x%" PRIxPTR, sig, addr);
	}
}

int case_guard_run(const struct vdso_image *img, void (*fn)(void *), void *arg, char *why, size_t len)
{
	sigjmp_buf jb;
	/* not modified after sigsetjmp: valid after the jump */
	sigjmp_buf *const prev = guard_jb;
	const pid_t prev_tid = guard_tid;

	install();
	if (sigsetjmp(jb, 1)) {
		guard_jb = prev;
		guard_tid = prev_tid;
		describe(img, why, len);
		return fault_sig;
	}
	guard_tid = this_tid();
	guard_jb = &jb;
	fn(arg);
	guard_jb = prev;
	guard_tid = prev_tid;
	return 0;
}

static const char *type_name(unsigned t)
{
	switch (t) {
	case STT_NOTYPE:
		return "STT_NOTYPE";
	case STT_OBJECT:
		return "STT_OBJECT";
	case STT_SECTION:
		return "STT_SECTION";
	case STT_FILE:
		return "STT_FILE";
	case STT_COMMON:
		return "STT_COMMON";
	case STT_TLS:
		return "STT_TLS";
	case STT_GNU_IFUNC:
		return "STT_GNU_IFUNC";
	}
	return NULL;
}

int case_role_not_function(const struct case_ctx *ctx, const char *role, char *why, size_t len)
{
	const struct vdso_arch_sym *s = case_role_sym(ctx, role);
	struct vdso_key key;
	struct vdso_sym sym;
	const char *t;

	if (!s || !ctx->has_image)
		return 0;
	vdso_key_init(&key, s->name, s->version);
	/* the lookup case_fn() makes: the symbol it would call */
	if (vdso_lookup(&ctx->img, &key, VDSO_BY_ANY, &sym) != VDSO_OK || !sym.addr || sym.type == STT_FUNC)
		return 0;
	t = type_name(sym.type);
	if (t)
		snprintf(why, len, "%s is %s, not a function: not called", s->name, t);
	else
		snprintf(why, len, "%s has symbol type %u, not a function: not called", s->name, (unsigned)sym.type);
	return 1;
}
