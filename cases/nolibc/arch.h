/* SPDX-License-Identifier: MIT */
/*
 * What differs per architecture for a program without a C library: the
 * entry point (_start hands the initial stack pointer to nolibc_start),
 * the system call instruction and its registers, the call numbers, and
 * the vDSO's names and version.  Numbers are the kernel's
 * arch/<arch>/.../syscall tables; names are its vdso*.lds.S scripts.
 *
 * The entry points are compiled once, in start.c (NOLIBC_START).
 *
 * sys6() returns what the kernel returned: -errno on error.  Where the
 * kernel reports errors out of band (powerpc's cr0.SO, mips's a3), the
 * asm turns the positive errno into -errno.
 */
#ifndef NOLIBC_ARCH_H
#define NOLIBC_ARCH_H

/* what every architecture must define:
 *   NR_write NR_exit_group NR_clock_gettime NR_gettimeofday NR_getcpu
 *   NR_sched_getaffinity NR_sched_setaffinity NR_mincore
 *   NR_time and NR_clock_gettime64 where the ABI has them
 *   VDSO_VERSION VDSO_CLOCK_GETTIME VDSO_GETTIMEOFDAY (and VDSO_TIME,
 *   VDSO_GETCPU, VDSO_CLOCK_GETTIME64 where the vDSO exports them)
 *   NOLIBC_ARCH (its name in docs/design.md)
 *   long sys6(long nr, long a, long b, long c, long d, long e, long f) */

#if defined(__x86_64__)
#ifdef __ILP32__
#define NOLIBC_ARCH "x32"
#define X32_BIT 0x40000000L
#else
#define NOLIBC_ARCH "x86_64"
#define X32_BIT 0L
#endif
#define NR_write		(X32_BIT | 1)
#define NR_mincore		(X32_BIT | 27)
#define NR_gettimeofday		(X32_BIT | 96)
#define NR_time			(X32_BIT | 201)
#define NR_sched_setaffinity	(X32_BIT | 203)
#define NR_sched_getaffinity	(X32_BIT | 204)
#define NR_clock_gettime	(X32_BIT | 228)
#define NR_exit_group		(X32_BIT | 231)
#define NR_getcpu		(X32_BIT | 309)
#define VDSO_VERSION		"LINUX_2.6"
#define VDSO_CLOCK_GETTIME	"__vdso_clock_gettime"
#define VDSO_GETTIMEOFDAY	"__vdso_gettimeofday"
#define VDSO_TIME		"__vdso_time"
#define VDSO_GETCPU		"__vdso_getcpu"

/* x32 passes 64-bit registers: its 32-bit pointers are zero-extended
 * (its stack lies above 2 GiB, where sign extension would make them
 * kernel addresses); every other argument here is a small nonnegative
 * number, the same either way */
static inline long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	register unsigned long long rax __asm__("rax") = (unsigned long)nr;
	register unsigned long long rdi __asm__("rdi") = (unsigned long)a, rsi __asm__("rsi") = (unsigned long)b;
	register unsigned long long rdx __asm__("rdx") = (unsigned long)c, r10 __asm__("r10") = (unsigned long)d;
	register unsigned long long r8 __asm__("r8") = (unsigned long)e, r9 __asm__("r9") = (unsigned long)f;

	__asm__ volatile("syscall"
			 : "+r"(rax)
			 : "r"(rdi), "r"(rsi), "r"(rdx), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return (long)rax;
}

#ifdef NOLIBC_START
__asm__(".text\n.global _start\n_start:\n"
	"\txor %ebp, %ebp\n"
	"\tmov %rsp, %rdi\n"
	"\tand $-16, %rsp\n"
	"\tcall nolibc_start\n"
	"\thlt\n");
#endif

#elif defined(__i386__)
#define NOLIBC_ARCH "i386"
#define NR_write		4
#define NR_mincore		218
#define NR_time			13
#define NR_gettimeofday		78
#define NR_sched_setaffinity	241
#define NR_sched_getaffinity	242
#define NR_exit_group		252
#define NR_clock_gettime	265
#define NR_getcpu		318
#define NR_clock_gettime64	403
#define VDSO_VERSION		"LINUX_2.6"
#define VDSO_CLOCK_GETTIME	"__vdso_clock_gettime"
#define VDSO_CLOCK_GETTIME64	"__vdso_clock_gettime64"
#define VDSO_GETTIMEOFDAY	"__vdso_gettimeofday"
#define VDSO_TIME		"__vdso_time"
#define VDSO_GETCPU		"__vdso_getcpu"

/* int $0x80 is always there (the vDSO's __kernel_vsyscall is what it
 * would be used for, and this program is not to depend on the vDSO);
 * ebp is the frame pointer, so the sixth argument goes through memory */
static inline long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	long ret;
	long args[2] = { nr, f };

	__asm__ volatile("push %%ebp\n\t"
			 "mov 4(%%eax), %%ebp\n\t"
			 "mov 0(%%eax), %%eax\n\t"
			 "int $0x80\n\t"
			 "pop %%ebp"
			 : "=a"(ret)
			 : "a"(args), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
			 : "memory");
	return ret;
}

#ifdef NOLIBC_START
__asm__(".text\n.global _start\n_start:\n"
	"\txor %ebp, %ebp\n"
	"\tmov %esp, %eax\n"
	"\tand $-16, %esp\n"
	"\tsub $12, %esp\n"
	"\tpush %eax\n"
	"\tcall nolibc_start\n"
	"\thlt\n");
#endif

#elif defined(__aarch64__)
#define NOLIBC_ARCH "aarch64"
#define NR_write		64
#define NR_mincore		232
#define NR_exit_group		94
#define NR_sched_setaffinity	122
#define NR_sched_getaffinity	123
#define NR_clock_gettime	113
#define NR_getcpu		168
#define NR_gettimeofday		169
#define VDSO_VERSION		"LINUX_2.6.39"
#define VDSO_CLOCK_GETTIME	"__kernel_clock_gettime"
#define VDSO_GETTIMEOFDAY	"__kernel_gettimeofday"

static inline long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a, x1 __asm__("x1") = b, x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d, x4 __asm__("x4") = e, x5 __asm__("x5") = f;

	__asm__ volatile("svc #0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory");
	return x0;
}

#ifdef NOLIBC_START
__asm__(".text\n.global _start\n_start:\n"
	"\tmov x29, #0\n"
	"\tmov x30, #0\n"
	"\tmov x0, sp\n"
	"\tbl nolibc_start\n"
	"\tbrk #0\n");
#endif

#elif defined(__arm__)
#define NOLIBC_ARCH "arm"
#define NR_write		4
#define NR_mincore		219
#define NR_gettimeofday		78
#define NR_sched_setaffinity	241
#define NR_sched_getaffinity	242
#define NR_exit_group		248
#define NR_clock_gettime	263
#define NR_getcpu		345
#define NR_clock_gettime64	403
#define VDSO_VERSION		"LINUX_2.6"
#define VDSO_CLOCK_GETTIME	"__vdso_clock_gettime"
#define VDSO_CLOCK_GETTIME64	"__vdso_clock_gettime64"
#define VDSO_GETTIMEOFDAY	"__vdso_gettimeofday"

/* built -marm (the Makefile says so): in Thumb code r7 is the frame pointer */
static inline long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r7 __asm__("r7") = nr;
	register long r0 __asm__("r0") = a, r1 __asm__("r1") = b, r2 __asm__("r2") = c;
	register long r3 __asm__("r3") = d, r4 __asm__("r4") = e, r5 __asm__("r5") = f;

	__asm__ volatile("svc #0"
			 : "+r"(r0)
			 : "r"(r7), "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r5)
			 : "memory");
	return r0;
}

#ifdef NOLIBC_START
__asm__(".text\n.arm\n.global _start\n_start:\n"
	"\tmov fp, #0\n"
	"\tmov lr, #0\n"
	"\tmov r0, sp\n"
	"\tbic sp, sp, #15\n"
	"\tbl nolibc_start\n"
	"\tudf #0\n");
#endif

#elif defined(__s390x__)
#define NOLIBC_ARCH "s390x"
#define NR_write		4
#define NR_mincore		218
#define NR_gettimeofday		78
#define NR_sched_setaffinity	239
#define NR_sched_getaffinity	240
#define NR_exit_group		248
#define NR_clock_gettime	260
#define NR_getcpu		311
#define VDSO_VERSION		"LINUX_2.6.29"
#define VDSO_CLOCK_GETTIME	"__kernel_clock_gettime"
#define VDSO_GETTIMEOFDAY	"__kernel_gettimeofday"
#define VDSO_GETCPU		"__kernel_getcpu"

static inline long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r1 __asm__("r1") = nr;
	register long r2 __asm__("r2") = a, r3 __asm__("r3") = b, r4 __asm__("r4") = c;
	register long r5 __asm__("r5") = d, r6 __asm__("r6") = e, r7 __asm__("r7") = f;

	__asm__ volatile("svc 0"
			 : "+r"(r2)
			 : "r"(r1), "r"(r3), "r"(r4), "r"(r5), "r"(r6), "r"(r7)
			 : "memory");
	return r2;
}

/* the callee may store into the 160-byte register save area above its
 * stack pointer: reserve it, with a zero back chain */
#ifdef NOLIBC_START
__asm__(".text\n.global _start\n_start:\n"
	"\tlgr %r2, %r15\n"
	"\tnill %r15, 0xfff8\n"
	"\taghi %r15, -160\n"
	"\txc 0(8,%r15), 0(%r15)\n"
	"\tbrasl %r14, nolibc_start\n"
	"\t.word 0\n");
#endif

#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
#define NOLIBC_ARCH "ppc64le"
#define NR_write		4
#define NR_mincore		206
#define NR_time			13
#define NR_gettimeofday		78
#define NR_sched_setaffinity	222
#define NR_sched_getaffinity	223
#define NR_exit_group		234
#define NR_clock_gettime	246
#define NR_getcpu		302
#define VDSO_VERSION		"LINUX_2.6.15"
#define VDSO_CLOCK_GETTIME	"__kernel_clock_gettime"
#define VDSO_GETTIMEOFDAY	"__kernel_gettimeofday"
#define VDSO_TIME		"__kernel_time"
#define VDSO_GETCPU		"__kernel_getcpu"
/* its vDSO functions return like the system call: cr0.SO set and a
 * positive errno on error, so only 0 is success (which is all this
 * program compares) */

static inline long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r0 __asm__("r0") = nr;
	register long r3 __asm__("r3") = a, r4 __asm__("r4") = b, r5 __asm__("r5") = c;
	register long r6 __asm__("r6") = d, r7 __asm__("r7") = e, r8 __asm__("r8") = f;

	__asm__ volatile("sc\n\t"
			 "bns+ 1f\n\t"
			 "neg %1, %1\n"
			 "1:"
			 : "+r"(r0), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7), "+r"(r8)
			 :
			 : "r9", "r10", "r11", "r12", "cr0", "ctr", "xer", "memory");
	return r3;
}

/* a static non-PIE program: the TOC pointer is an absolute address */
#ifdef NOLIBC_START
__asm__(".text\n.global _start\n_start:\n"
	"\tlis 2, .TOC.@highest\n"
	"\tori 2, 2, .TOC.@higher\n"
	"\trldicr 2, 2, 32, 31\n"
	"\toris 2, 2, .TOC.@h\n"
	"\tori 2, 2, .TOC.@l\n"
	"\tmr 3, 1\n"
	"\tclrrdi 1, 1, 4\n"
	"\tli 0, 0\n"
	"\tstdu 0, -32(1)\n"
	"\tbl nolibc_start\n"
	"\tnop\n"
	"\ttrap\n");
#endif

#elif defined(__riscv) && __riscv_xlen == 64
#define NOLIBC_ARCH "riscv64"
#define NR_write		64
#define NR_mincore		232
#define NR_exit_group		94
#define NR_clock_gettime	113
#define NR_sched_setaffinity	122
#define NR_sched_getaffinity	123
#define NR_getcpu		168
#define NR_gettimeofday		169
#define VDSO_VERSION		"LINUX_4.15"
#define VDSO_CLOCK_GETTIME	"__vdso_clock_gettime"
#define VDSO_GETTIMEOFDAY	"__vdso_gettimeofday"
#define VDSO_GETCPU		"__vdso_getcpu"

static inline long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long a7 __asm__("a7") = nr;
	register long a0 __asm__("a0") = a, a1 __asm__("a1") = b, a2 __asm__("a2") = c;
	register long a3 __asm__("a3") = d, a4 __asm__("a4") = e, a5 __asm__("a5") = f;

	__asm__ volatile("ecall"
			 : "+r"(a0)
			 : "r"(a7), "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5)
			 : "memory");
	return a0;
}

/* gp-relative addressing needs gp before any C code runs */
#ifdef NOLIBC_START
__asm__(".text\n.global _start\n_start:\n"
	"\t.option push\n"
	"\t.option norelax\n"
	"\tlla gp, __global_pointer$\n"
	"\t.option pop\n"
	"\tmv a0, sp\n"
	"\tandi sp, sp, -16\n"
	"\tcall nolibc_start\n"
	"\tebreak\n");
#endif

#elif defined(__mips__) && _MIPS_SIM == _ABI64 && defined(__MIPSEL__)
#define NOLIBC_ARCH "mips64el"
#define NR_write		5001
#define NR_mincore		5026
#define NR_gettimeofday		5094
#define NR_sched_setaffinity	5195
#define NR_sched_getaffinity	5196
#define NR_exit_group		5205
#define NR_clock_gettime	5222
#define NR_getcpu		5271
#define VDSO_VERSION		"LINUX_2.6"
#define VDSO_CLOCK_GETTIME	"__vdso_clock_gettime"
#define VDSO_GETTIMEOFDAY	"__vdso_gettimeofday"

/* a3 says whether v0 is a result or a positive errno */
static inline long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long v0 __asm__("$2") = nr;
	register long a0 __asm__("$4") = a, a1 __asm__("$5") = b, a2 __asm__("$6") = c;
	register long a3 __asm__("$7") = d, a4 __asm__("$8") = e, a5 __asm__("$9") = f;

	__asm__ volatile("syscall"
			 : "+r"(v0), "+r"(a3)
			 : "r"(a0), "r"(a1), "r"(a2), "r"(a4), "r"(a5)
			 : "$1", "$3", "$10", "$11", "$12", "$13", "$14", "$15", "$24", "$25", "hi", "lo",
			   "memory");
	return a3 ? -v0 : v0;
}

/* abicalls code finds its gp from $25, the address it was called at
 * (loaded absolutely: the assembler would make dla a GOT load through a
 * gp not yet set); the MIPS linkers look for __start */
#ifdef NOLIBC_START
__asm__(".text\n.global _start\n.global __start\n.ent _start\n_start:\n__start:\n"
	"\tmove $4, $sp\n"
	"\tdli $12, -16\n"
	"\tand $sp, $sp, $12\n"
	"\tdaddiu $sp, $sp, -16\n"
	"\tlui $25, %highest(nolibc_start)\n"
	"\tdaddiu $25, $25, %higher(nolibc_start)\n"
	"\tdsll $25, $25, 16\n"
	"\tdaddiu $25, $25, %hi(nolibc_start)\n"
	"\tdsll $25, $25, 16\n"
	"\tdaddiu $25, $25, %lo(nolibc_start)\n"
	"\tjalr $25\n"
	"\tbreak\n"
	".end _start\n");
#endif

#elif defined(__loongarch__) && __loongarch_grlen == 64
#define NOLIBC_ARCH "loongarch64"
/* the generic call table (include/uapi/asm-generic/unistd.h), as riscv64 */
#define NR_write		64
#define NR_mincore		232
#define NR_exit_group		94
#define NR_clock_gettime	113
#define NR_sched_setaffinity	122
#define NR_sched_getaffinity	123
#define NR_getcpu		168
#define NR_gettimeofday		169
#define VDSO_VERSION		"LINUX_5.10"
#define VDSO_CLOCK_GETTIME	"__vdso_clock_gettime"
#define VDSO_GETTIMEOFDAY	"__vdso_gettimeofday"
#define VDSO_GETCPU		"__vdso_getcpu"

/* the kernel may change the temporaries $t0-$t8 across the call */
static inline long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long a7 __asm__("$a7") = nr;
	register long a0 __asm__("$a0") = a, a1 __asm__("$a1") = b, a2 __asm__("$a2") = c;
	register long a3 __asm__("$a3") = d, a4 __asm__("$a4") = e, a5 __asm__("$a5") = f;

	__asm__ volatile("syscall 0"
			 : "+r"(a0)
			 : "r"(a7), "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5)
			 : "$t0", "$t1", "$t2", "$t3", "$t4", "$t5", "$t6", "$t7", "$t8", "memory");
	return a0;
}

/* the stack pointer rounded down to 16 by clearing its low four bits */
#ifdef NOLIBC_START
__asm__(".text\n.global _start\n_start:\n"
	"\tmove $a0, $sp\n"
	"\tbstrins.d $sp, $zero, 3, 0\n"
	"\tbl nolibc_start\n"
	"\tbreak 0\n");
#endif

#else
#error "no nolibc support for this architecture"
#endif

#endif
