/* SPDX-License-Identifier: MIT */
/* The PC a signal interrupted, from the handler's ucontext: for the cases
 * that sample where a vDSO call was (pc, abi_signal, abi_unwind) and for
 * the fault guard.  Safe in a signal handler. */
#ifndef VDSOCONF_CASE_CONTEXT_PC_H
#define VDSOCONF_CASE_CONTEXT_PC_H

#include <stdint.h>
#include <string.h>
#include <ucontext.h>

#if defined(__x86_64__) || defined(__i386__) || defined(__aarch64__) || defined(__arm__) || \
	defined(__powerpc64__) || defined(__s390x__) || (defined(__riscv) && __riscv_xlen == 64) || \
	(defined(__mips__) && _MIPS_SIM == _ABI64) || defined(__loongarch__)
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
#elif defined(__powerpc64__)
	return (uintptr_t)u->uc_mcontext.gp_regs[32];	/* PT_NIP */
#elif defined(__s390x__)
	return (uintptr_t)u->uc_mcontext.psw.addr;
#elif defined(__riscv) && __riscv_xlen == 64
	return (uintptr_t)u->uc_mcontext.__gregs[0];	/* REG_PC */
#elif defined(__mips__) && _MIPS_SIM == _ABI64
	return (uintptr_t)u->uc_mcontext.pc;
#elif defined(__loongarch__)
	return (uintptr_t)u->uc_mcontext.__pc;
#else
	(void)u;
	return 0;
#endif
}

/* 32-bit ARM: whether the interrupted code ran in Thumb state (CPSR.T);
 * 0 elsewhere.  The bytes before a PC read differently in each state. */
static inline int context_thumb(const void *uc)
{
#if defined(__arm__)
	return (((const ucontext_t *)uc)->uc_mcontext.arm_cpsr >> 5) & 1;
#else
	(void)uc;
	return 0;
#endif
}

/* Is the instruction that ends at pc (pc >= lo + its length) one that
 * enters the kernel?  A signal taken while a system call ran is delivered
 * on its return, with the PC just past that instruction.  thumb: what
 * context_thumb() said of it. */
static inline int insn_before_is_syscall(uintptr_t pc, uintptr_t lo, int thumb)
{
	const unsigned char *p = (const unsigned char *)pc;
	uint32_t w = 0;
	uint16_t h = 0;

	(void)thumb;
	if (pc < lo + 2)
		return 0;
	memcpy(&h, p - 2, 2);
	if (pc >= lo + 4)
		memcpy(&w, p - 4, 4);
#if defined(__x86_64__) || defined(__i386__)
	/* syscall, int $0x80, sysenter */
	return (p[-2] == 0x0f && p[-1] == 0x05) || (p[-2] == 0xcd && p[-1] == 0x80) ||
	       (p[-2] == 0x0f && p[-1] == 0x34);
#elif defined(__aarch64__)
	return pc >= lo + 4 && (w & 0xffe0001f) == 0xd4000001;	/* svc #imm */
#elif defined(__arm__)
	/* svc in T16 (Thumb has no 32-bit svc), or in A32 (any condition but
	 * the unconditional space).  The state must be known: the halfwords
	 * of a T32 instruction read as one word can look like an A32 svc
	 * (mrrc p15, 1, r0, r1, c14, which reads the counter in arm64's
	 * compat vDSO, is 0xec51 0x0f1e: the word 0x0f1eec51) */
	if (thumb)
		return (h & 0xff00) == 0xdf00;
	return pc >= lo + 4 && (w & 0x0f000000) == 0x0f000000 && (w >> 28) != 0xf;
#elif defined(__powerpc64__)
	return pc >= lo + 4 && (w == 0x44000002 || w == 0x44000001);	/* sc, scv 0 */
#elif defined(__s390x__)
	return p[-2] == 0x0a;	/* svc n: 0x0a, then the number */
#elif defined(__riscv)
	return pc >= lo + 4 && w == 0x00000073;	/* ecall */
#elif defined(__mips__)
	return pc >= lo + 4 && (w & 0xfc00003f) == 0x0000000c;	/* syscall code */
#elif defined(__loongarch__)
	return pc >= lo + 4 && (w & 0xffff8000) == 0x002b0000;	/* syscall code */
#else
	(void)w;
	(void)h;
	return 0;
#endif
}

#endif
