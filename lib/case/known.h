/* SPDX-License-Identifier: MIT */
/*
 * Known kernel defects: divergences between a vDSO entry point and its
 * system call that the kernel itself gets wrong, each described once here
 * (what, where in the kernel source, since which release) and recognised
 * by its exact shape wherever it shows: every entry point (time32, time64,
 * compat) and every architecture.  A case reports a recognised defect as
 * XFAIL "known kernel defect ID (...)", which the runner collects per
 * kernel; a divergence of any other shape, or of this shape on a kernel
 * older than the defect, is an ordinary failure.
 *
 * The kernel a defect is judged against is the one that built the vDSO:
 * its Linux version note (the running kernel for the live vDSO; a fake's
 * own note otherwise), else the running kernel.
 */
#ifndef VDSOCONF_CASE_KNOWN_H
#define VDSOCONF_CASE_KNOWN_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "case/target.h"

enum case_known_id {
	KNOWN_GETRES_CLOCK_AUX,
	KNOWN_GETRANDOM_RANDOM_INSECURE,
	KNOWN_VDSO32_NO_CFI,
	KNOWN_ARM64_NO_EH_FRAME,
	KNOWN_X86_CHACHA_NO_CFI,
	KNOWN_TIME_STALE_SECOND,
	KNOWN_RISCV_C_NO_CFI,
	KNOWN_MIPS_C_NO_CFI,
	KNOWN_PPC_CHACHA_NO_CFI,
	KNOWN_RISCV_SIGRETURN_CFI,
	KNOWN_S390_C_NO_CFI,
	KNOWN_ARM64_COMPAT_NO_UNWIND,
	KNOWN_LOONGARCH_CHACHA_CFI,
	KNOWN_COUNT
};

struct case_known_defect {
	const char *id;		/* stable: reports and the runner key on it */
	uint32_t since;		/* VDSO_KV() of the first release showing it */
	uint32_t until;		/* the first release seen without it (fixed), 0: none yet */
	const char *where;	/* the kernel source that causes it */
	const char *what;	/* the defect, one sentence */
};

const struct case_known_defect *case_known_defect(enum case_known_id id);

/* The kernel whose vDSO the target is (see above). */
uint32_t case_known_kernel(const struct case_ctx *ctx);

/* Whether the target's kernel is one that has the defect. */
int case_known_possible(const struct case_ctx *ctx, enum case_known_id id);

/*
 * KNOWN_GETRES_CLOCK_AUX, one clock_getres call (any entry point): an
 * auxiliary clock id that the syscall rejects with EINVAL, answered by the
 * vDSO with 0 and, when a res was given, exactly {0, 1} (1 ns).
 */
int case_known_getres_aux(const struct case_ctx *ctx, clockid_t id, int sys_rc, int vdso_rc, int has_res,
			  int64_t res_sec, int64_t res_nsec);

/*
 * KNOWN_GETRANDOM_RANDOM_INSECURE: flags with both GRND_RANDOM and
 * GRND_INSECURE (GRND_NONBLOCK allowed, no unknown bit), refused by the
 * syscall with EINVAL, served in full by the vDSO.
 */
int case_known_getrandom_flags(const struct case_ctx *ctx, unsigned flags, ssize_t vdso_rc, size_t want,
			       ssize_t sys_rc);

/*
 * KNOWN_VDSO32_NO_CFI: an i386 vDSO (EM_386) that has a PT_GNU_EH_FRAME
 * but no FDE covering a PC inside one of its __vdso_* C functions or in
 * no exported symbol (the compiler's PC thunks); symbol NULL for none.
 */
int case_known_vdso32_no_cfi(const struct case_ctx *ctx, int has_fde, const char *symbol);

/*
 * KNOWN_VDSO32_NO_CFI, met through the system call: where the i386 vDSO
 * falls back to the syscall, its C function calls __kernel_vsyscall,
 * whose hand-written FDE is right; the walk then stops in the caller.
 * The shape, every part required: the same image as above; the sampled
 * PC in __kernel_vsyscall (symbol) with an FDE covering it (has_fde);
 * the walk's next frame, the return address that FDE gave, in one of
 * the __vdso_* functions (ra_symbol) with no FDE covering it
 * (ra_has_fde 0), right after a direct call of __kernel_vsyscall
 * (ra_after_call: so the FDE told the truth) and the walk's last frame
 * (ra_last: the unwinder had nothing to go on from there).
 */
int case_known_vdso32_vsyscall_no_cfi(const struct case_ctx *ctx, const char *symbol, int has_fde,
				      const char *ra_symbol, int ra_has_fde, int ra_after_call, int ra_last);

/*
 * KNOWN_X86_CHACHA_NO_CFI: an x86_64 vDSO with a PT_GNU_EH_FRAME but no
 * FDE covering a PC, sampled while getrandom ran, that lies in no
 * exported symbol (its ChaCha20 routine is local).
 */
int case_known_x86_chacha_no_cfi(const struct case_ctx *ctx, int has_fde, const char *symbol, const char *role);

/*
 * KNOWN_RISCV_C_NO_CFI, KNOWN_MIPS_C_NO_CFI: a riscv (EM_RISCV) or mips
 * (EM_MIPS) vDSO with a PT_GNU_EH_FRAME but no FDE covering a PC inside
 * one of its __vdso_* C functions (or, riscv, in no exported symbol while
 * getrandom ran: its ChaCha20 is hand-written without CFI).
 */
int case_known_riscv_c_no_cfi(const struct case_ctx *ctx, int has_fde, const char *symbol, const char *role);
int case_known_mips_c_no_cfi(const struct case_ctx *ctx, int has_fde, const char *symbol);
/* KNOWN_S390_C_NO_CFI: the same of an s390x vDSO (EM_S390) of the releases
 * before its C code got unwind tables, in a __kernel_* function or in no
 * exported symbol. */
int case_known_s390_c_no_cfi(const struct case_ctx *ctx, int has_fde, const char *symbol);

/*
 * KNOWN_RISCV_SIGRETURN_CFI: a riscv vDSO with a PT_GNU_EH_FRAME, a PC
 * that an FDE covers, and a walk from the signal handler that ended in
 * the target's frame (walk_ended): the FDE of __vdso_rt_sigreturn marks a
 * signal frame but restores no register, so the walk out of the handler
 * never recovers the interrupted code's registers.
 */
int case_known_riscv_sigreturn_cfi(const struct case_ctx *ctx, int has_fde, int walk_ended);

/* KNOWN_PPC_CHACHA_NO_CFI: a ppc64 vDSO (EM_PPC64) with a PT_GNU_EH_FRAME
 * but no FDE covering a PC, sampled while getrandom ran, in no exported
 * symbol. */
int case_known_ppc_chacha_no_cfi(const struct case_ctx *ctx, int has_fde, const char *symbol, const char *role);

/*
 * KNOWN_LOONGARCH_CHACHA_CFI: a loongarch vDSO (EM_LOONGARCH) with a
 * PT_GNU_EH_FRAME, and a PC, sampled while getrandom ran, in no exported
 * symbol, covered by an FDE whose program is empty (fde_empty 1, cfi.h;
 * 0 or -1: not this defect).
 */
int case_known_loongarch_chacha_cfi(const struct case_ctx *ctx, int fde_empty, const char *symbol, const char *role);

/*
 * KNOWN_ARM64_COMPAT_NO_UNWIND: a 32-bit ARM vDSO (EM_ARM) with neither a
 * PT_GNU_EH_FRAME nor a PT_ARM_EXIDX (has_exidx), read by a process that
 * runs on an arm64 kernel (machine: uname's, "armv8l" or "aarch64").
 */
int case_known_arm64_compat_no_unwind(const struct case_ctx *ctx, int has_exidx, const char *machine);

/* KNOWN_ARM64_NO_EH_FRAME: an arm64 vDSO (EM_AARCH64) without PT_GNU_EH_FRAME. */
int case_known_arm64_no_eh_frame(const struct case_ctx *ctx);

/*
 * KNOWN_TIME_STALE_SECOND: time() through the vDSO one second ahead of the
 * time system call read right after it (sys_after_sec), while the
 * CLOCK_REALTIME_COARSE system call, which waits for the timekeeper's
 * update to finish and was read right after that, already has the vDSO's
 * second (settled_sec): the time syscall read the seconds in the moment
 * the kernel had published the vDSO's data but not yet its own timekeeper.
 */
int case_known_time_stale_second(const struct case_ctx *ctx, int64_t vdso_sec, int64_t sys_after_sec,
				 int64_t settled_sec);

/* "known kernel defect ID (since V, WHERE)": the start of the XFAIL
 * reason, which the runner keys on; into buf. */
char *case_known_label(enum case_known_id id, char *buf, size_t len);

#endif
