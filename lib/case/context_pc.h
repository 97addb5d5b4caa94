/* SPDX-License-Identifier: MIT */
/* The PC a signal interrupted, from the handler's ucontext: for the cases
 * that sample where a vDSO call was (pc, abi_signal, abi_unwind).  Safe in
 * a signal handler. */
#ifndef VDSOCONF_CASE_CONTEXT_PC_H
#define VDSOCONF_CASE_CONTEXT_PC_H

#include <stdint.h>
#include <ucontext.h>

#if defined(__x86_64__) || defined(__i386__) || defined(__aarch64__) || defined(__arm__)
#define HAVE_CONTEXT_PC 1
#else
#define HAVE_CONTEXT_PC 0
#endif

/* 0 where HAVE_CONTEXT_PC is 0. */
static inline uintptr_t context_pc(const void *uc)
{
	const ucontext_t *u = uc;

#if defined(__x86_64__)
	return (uintptr_t)u->uc_mcontext.gregs[REG_RIP];
#elif defined(__i386__)
	return (uintptr_t)u->uc_mcontext.gregs[REG_EIP];
#elif defined(__aarch64__)
	return (uintptr_t)u->uc_mcontext.pc;
#elif defined(__arm__)
	return (uintptr_t)u->uc_mcontext.arm_pc;
#else
	(void)u;
	return 0;
#endif
}

#endif
