/* SPDX-License-Identifier: MIT */
/*
 * Recovering from a fault in a call into the target.  A target with a bug
 * may fault when called (a NULL dereference, a symbol pointing outside its
 * text); that should cost the point that called it, not the whole case.
 *
 * case_guard_run() calls fn(arg) with a sigsetjmp in its own frame, which
 * stays live while fn runs; a SIGSEGV, SIGBUS, SIGILL or SIGFPE raised by
 * the kernel for an instruction of this thread siglongjmps back there
 * (the handler runs on an alternate signal stack, so a smashed or
 * exhausted stack still reaches it).  Guards nest: the innermost one open
 * catches.
 *
 * What is safe afterwards: the frames between the guard and the fault are
 * gone without having returned.  Locals of those frames are lost, a lock
 * or a malloc the faulting code held is not released, and objects it was
 * writing may be half written.  The target's functions take no locks and
 * do not allocate, so a fault inside the target leaves the case's own
 * state as it was before the call; the caller resumes only with state
 * that lives outside the abandoned frames.  The signal mask is restored
 * (sigsetjmp with savesigs).
 *
 * Not caught, but left to the default action (the process dies as it
 * would without a guard): a fault in another thread, in a forked child
 * (a child must not jump into frames of its parent's stack), outside any
 * guard, and the same signals sent by kill() or raise(), which are no
 * fault of an instruction.
 */
#ifndef VDSOCONF_CASE_GUARD_H
#define VDSOCONF_CASE_GUARD_H

#include <stddef.h>

#include "target.h"

/* 0 when fn returned; after a fault, the signal number, with
 * "SIGSEGV at ADDR (symbol+offset)..." in why (symbols from img, which
 * may be NULL). */
int case_guard_run(const struct vdso_image *img, void (*fn)(void *), void *arg, char *why, size_t len);

/* Whether what the fault hit was in the target: the faulting instruction
 * lies in one of its symbols, or execution jumped to a bad address. */
int case_guard_in_target(void);

/* 1, with "NAME is STT_OBJECT, not a function: not called" in why, when
 * the symbol that plays role exists but is not a function: calling it
 * would execute data. */
int case_role_not_function(const struct case_ctx *ctx, const char *role, char *why, size_t len);

#endif
