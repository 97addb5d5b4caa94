/* SPDX-License-Identifier: MIT */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "case/known.h"

/* The syscall flags (include/uapi/linux/random.h); not every libc has
 * GRND_INSECURE. */
#define KNOWN_GRND_NONBLOCK 0x0001u
#define KNOWN_GRND_RANDOM 0x0002u
#define KNOWN_GRND_INSECURE 0x0004u

/* The auxiliary clock ids, CLOCK_AUX .. CLOCK_AUX_LAST (6.17+). */
#define KNOWN_CLOCK_AUX_FIRST 16
#define KNOWN_CLOCK_AUX_LAST 23

static const struct case_known_defect defects[KNOWN_COUNT] = {
	[KNOWN_GETRES_CLOCK_AUX] = {
		.id = "getres-clock-aux",
		.since = VDSO_KV(6, 17, 0),
		.where = "lib/vdso/gettimeofday.c, __cvdso_clock_getres_common()",
		.what = "the vDSO's clock_getres answers every auxiliary clock id (16-23) with a 1 ns "
			"resolution without checking CONFIG_POSIX_AUX_CLOCKS, unlike do_aux() for clock_gettime; "
			"without that option the syscall says EINVAL",
	},
	[KNOWN_GETRANDOM_RANDOM_INSECURE] = {
		.id = "getrandom-random-insecure",
		.since = VDSO_KV(6, 11, 0),
		.where = "lib/vdso/getrandom.c, __cvdso_getrandom_data() (flag check)",
		.what = "the vDSO falls back to the syscall only for unknown flag bits, so it serves "
			"GRND_RANDOM|GRND_INSECURE, which sys_getrandom (drivers/char/random.c) refuses with EINVAL",
	},
	[KNOWN_VDSO32_NO_CFI] = {
		.id = "vdso32-c-no-cfi",
		.since = VDSO_KV(3, 15, 0),
		.where = "arch/x86/entry/vdso/Makefile, KBUILD_CFLAGS_32",
		.what = "the 32-bit vDSO's C functions are compiled with arch/x86/Makefile's "
			"-fno-asynchronous-unwind-tables, which KBUILD_CFLAGS_32 keeps (the 64-bit vDSO's CFL "
			"replaces it with -fasynchronous-unwind-tables), so its .eh_frame has FDEs only for "
			"__kernel_vsyscall and the sigreturn trampolines: a DWARF unwinder stops at a PC inside "
			"__vdso_clock_gettime and the others, and at the return into them from __kernel_vsyscall "
			"when they fall back to the system call",
	},
	[KNOWN_ARM64_NO_EH_FRAME] = {
		.id = "arm64-no-eh-frame",
		.since = VDSO_KV(5, 10, 0),
		.where = "arch/arm64/kernel/vdso/Makefile --no-eh-frame-hdr, vdso.lds.S /DISCARD/ of .eh_frame",
		.what = "the arm64 vDSO ships no unwind tables, on purpose, so that unwinders recognise the "
			"sigreturn trampoline by its code; a DWARF unwinder finds no FDE for a PC inside "
			"__kernel_clock_gettime and the others (frame pointers remain)",
	},
	[KNOWN_X86_CHACHA_NO_CFI] = {
		.id = "x86-vgetrandom-chacha-no-cfi",
		.since = VDSO_KV(6, 11, 0),
		.where = "arch/x86/entry/vdso/vgetrandom-chacha.S, __arch_chacha20_blocks_nostack",
		.what = "the vDSO getrandom's ChaCha20 routine, hand-written assembly, has no FDE: the "
			".eh_frame of the 6.12 and 6.18 images covers getrandom's C code and stops short of it, "
			"so a DWARF unwinder stops at a PC inside it",
	},
	/* 5.3: the generic vDSO's time() (lib/vdso); the order of the update
	 * is older, but this is the first release read here that shows it */
	[KNOWN_TIME_STALE_SECOND] = {
		.id = "time-syscall-stale-second",
		.since = VDSO_KV(5, 3, 0),
		.where = "kernel/time/timekeeping.c, timekeeping_update_from_shadow() (timekeeping_update() and "
			 "timekeeping_advance() before 6.14) and ktime_get_real_seconds()",
		.what = "a timekeeping update publishes the vDSO data (update_vsyscall()) before it copies the "
			"shadow timekeeper into tk_core.timekeeper, and on 64-bit kernels the time syscall reads "
			"tk_core.timekeeper.xtime_sec without the sequence count that makes every other reader wait "
			"for the update: for those microseconds, once a second, vDSO time() already has the new "
			"second and the time syscall still the old one",
	},
	/* the "since" of these three is the oldest release checked here */
	[KNOWN_RISCV_C_NO_CFI] = {
		.id = "riscv-vdso-c-no-cfi",
		.since = VDSO_KV(6, 12, 0),
		.where = "arch/riscv/Makefile, KBUILD_CFLAGS += -fno-asynchronous-unwind-tables -fno-unwind-tables",
		.what = "the riscv vDSO's C functions inherit the kernel's flags that avoid .eh_frame, so its "
			".eh_frame has FDEs only for the assembly entry points (rt_sigreturn, getcpu, flush_icache): "
			"a DWARF unwinder stops at a PC inside __vdso_clock_gettime and the others",
	},
	[KNOWN_MIPS_C_NO_CFI] = {
		.id = "mips-vdso-c-no-cfi",
		.since = VDSO_KV(6, 1, 0),
		.where = "arch/mips/vdso/Makefile, cflags-vdso (-fno-asynchronous-unwind-tables)",
		.what = "the mips vDSO's C functions are compiled without unwind tables on purpose, so no FDE "
			"covers __vdso_clock_gettime and the others: a DWARF unwinder stops at a PC inside them",
	},
	[KNOWN_RISCV_SIGRETURN_CFI] = {
		.id = "riscv-sigreturn-cfi",
		.since = VDSO_KV(6, 12, 0),
		.where = "arch/riscv/kernel/vdso/rt_sigreturn.S, __vdso_rt_sigreturn (.cfi_signal_frame, no register rule)",
		.what = "the trampoline's FDE says it is a signal frame but restores no register from the "
			"rt_sigframe, and a DWARF unwinder that finds an FDE (libgcc) uses it rather than its "
			"fallback that reads the sigcontext: a walk out of a signal handler never recovers the "
			"interrupted code's registers and ends there",
	},
	[KNOWN_S390_C_NO_CFI] = {
		.id = "s390-vdso-c-no-cfi",
		.since = VDSO_KV(6, 1, 0),
		.until = VDSO_KV(7, 2, 0),
		.where = "arch/s390/kernel/vdso64/Makefile before arch/s390/kernel/vdso/Makefile's "
			 "-fasynchronous-unwind-tables (7.2: KBUILD_CFLAGS_VDSO)",
		.what = "the s390x vDSO of 6.1 (Debian's 6.1.0-50 image) has FDEs for none of its C functions "
			"(__kernel_gettimeofday, __kernel_getcpu and the code clock_gettime and clock_getres run): a "
			"DWARF unwinder stops at a PC inside them; 7.2 compiles them with unwind tables",
	},
	[KNOWN_ARM64_COMPAT_NO_UNWIND] = {
		.id = "arm64-compat-no-unwind",
		.since = VDSO_KV(6, 1, 0),
		.where = "arch/arm64/kernel/vdso32/vdso.lds.S, PHDRS (text, dynamic, note only)",
		.what = "arm64's compat vDSO keeps .ARM.exidx but no program header points at it (no "
			"PT_ARM_EXIDX) and it has no .eh_frame (no PT_GNU_EH_FRAME): an unwinder, EHABI or DWARF, "
			"finds no unwind information for any of its code; the 32-bit ARM kernel's own vDSO "
			"(arch/arm/vdso) has a PT_GNU_EH_FRAME",
	},
	[KNOWN_PPC_CHACHA_NO_CFI] = {
		.id = "ppc-vgetrandom-chacha-no-cfi",
		.since = VDSO_KV(6, 12, 0),
		.where = "arch/powerpc/kernel/vdso/vgetrandom-chacha.S, __arch_chacha20_blocks_nostack",
		.what = "the vDSO getrandom's ChaCha20 routine, hand-written assembly, carries no CFI directive, "
			"so no FDE covers it: a DWARF unwinder stops at a PC inside it",
	},
	[KNOWN_LOONGARCH_CHACHA_CFI] = {
		.id = "loongarch-vgetrandom-chacha-cfi",
		.since = VDSO_KV(6, 12, 0),
		.where = "arch/loongarch/vdso/vgetrandom-chacha.S, __arch_chacha20_blocks_nostack",
		.what = "the vDSO getrandom's ChaCha20 routine opens an FDE (SYM_FUNC_START's .cfi_startproc, "
			"arch/loongarch/include/asm/linkage.h) but "
			"describes nothing in it, though it moves the stack pointer down 80 bytes to save s0-s8 and "
			"fp: at a PC inside it the FDE says CFA = sp, 80 bytes off, so a DWARF unwinder restores the "
			"caller's registers from the wrong slots and wanders or faults (libgcc: SIGSEGV)",
	},
};

const struct case_known_defect *case_known_defect(enum case_known_id id)
{
	return (unsigned)id < KNOWN_COUNT ? &defects[id] : NULL;
}

uint32_t case_known_kernel(const struct case_ctx *ctx)
{
	if (ctx->has_image && ctx->img.notes.has_linux_version)
		return ctx->img.notes.linux_version;
	return ctx->kernel;
}

int case_known_possible(const struct case_ctx *ctx, enum case_known_id id)
{
	const struct case_known_defect *d = case_known_defect(id);

	return d && case_known_kernel(ctx) >= d->since && (!d->until || case_known_kernel(ctx) < d->until);
}

int case_known_getres_aux(const struct case_ctx *ctx, clockid_t id, int sys_rc, int vdso_rc, int has_res,
			  int64_t res_sec, int64_t res_nsec)
{
	if (id < KNOWN_CLOCK_AUX_FIRST || id > KNOWN_CLOCK_AUX_LAST)
		return 0;
	if (!case_known_possible(ctx, KNOWN_GETRES_CLOCK_AUX) || sys_rc != -EINVAL || vdso_rc != 0)
		return 0;
	return !has_res || (res_sec == 0 && res_nsec == 1);
}

int case_known_getrandom_flags(const struct case_ctx *ctx, unsigned flags, ssize_t vdso_rc, size_t want,
			       ssize_t sys_rc)
{
	const unsigned both = KNOWN_GRND_RANDOM | KNOWN_GRND_INSECURE;

	return case_known_possible(ctx, KNOWN_GETRANDOM_RANDOM_INSECURE) &&
	       (flags & both) == both && !(flags & ~(both | KNOWN_GRND_NONBLOCK)) && vdso_rc >= 0 &&
	       (size_t)vdso_rc == want &&
	       sys_rc == -EINVAL;
}

int case_known_vdso32_no_cfi(const struct case_ctx *ctx, int has_fde, const char *symbol)
{
	return case_known_possible(ctx, KNOWN_VDSO32_NO_CFI) && ctx->has_image && ctx->img.machine == EM_386 &&
	       ctx->img.has_eh_frame && !has_fde && (!symbol || !strncmp(symbol, "__vdso_", 7));
}

int case_known_vdso32_vsyscall_no_cfi(const struct case_ctx *ctx, const char *symbol, int has_fde,
				      const char *ra_symbol, int ra_has_fde, int ra_after_call, int ra_last)
{
	return case_known_vdso32_no_cfi(ctx, ra_has_fde, ra_symbol) && ra_symbol && symbol &&
	       !strcmp(symbol, "__kernel_vsyscall") && has_fde && ra_after_call && ra_last;
}

int case_known_x86_chacha_no_cfi(const struct case_ctx *ctx, int has_fde, const char *symbol, const char *role)
{
	return case_known_possible(ctx, KNOWN_X86_CHACHA_NO_CFI) && ctx->has_image &&
	       ctx->img.machine == EM_X86_64 && ctx->img.has_eh_frame && !has_fde && !symbol &&
	       !strcmp(role, "getrandom");
}

/* a PC with no FDE in an image that has unwind tables, of this machine */
static int no_fde_on(const struct case_ctx *ctx, enum case_known_id id, uint16_t machine, int has_fde)
{
	return case_known_possible(ctx, id) && ctx->has_image && ctx->img.machine == machine &&
	       ctx->img.has_eh_frame && !has_fde;
}

int case_known_riscv_c_no_cfi(const struct case_ctx *ctx, int has_fde, const char *symbol, const char *role)
{
	return no_fde_on(ctx, KNOWN_RISCV_C_NO_CFI, EM_RISCV, has_fde) &&
	       (symbol ? !strncmp(symbol, "__vdso_", 7) : !strcmp(role, "getrandom"));
}

int case_known_mips_c_no_cfi(const struct case_ctx *ctx, int has_fde, const char *symbol)
{
	return no_fde_on(ctx, KNOWN_MIPS_C_NO_CFI, EM_MIPS, has_fde) && symbol && !strncmp(symbol, "__vdso_", 7);
}

int case_known_s390_c_no_cfi(const struct case_ctx *ctx, int has_fde, const char *symbol)
{
	return no_fde_on(ctx, KNOWN_S390_C_NO_CFI, EM_S390, has_fde) && (!symbol || !strncmp(symbol, "__kernel_", 9));
}

int case_known_ppc_chacha_no_cfi(const struct case_ctx *ctx, int has_fde, const char *symbol, const char *role)
{
	return no_fde_on(ctx, KNOWN_PPC_CHACHA_NO_CFI, EM_PPC64, has_fde) && !symbol && !strcmp(role, "getrandom");
}

int case_known_loongarch_chacha_cfi(const struct case_ctx *ctx, int fde_empty, const char *symbol, const char *role)
{
	return case_known_possible(ctx, KNOWN_LOONGARCH_CHACHA_CFI) && ctx->has_image &&
	       ctx->img.machine == EM_LOONGARCH && ctx->img.has_eh_frame && fde_empty == 1 && !symbol &&
	       !strcmp(role, "getrandom");
}

int case_known_riscv_sigreturn_cfi(const struct case_ctx *ctx, int has_fde, int walk_ended)
{
	return case_known_possible(ctx, KNOWN_RISCV_SIGRETURN_CFI) && ctx->has_image &&
	       ctx->img.machine == EM_RISCV && ctx->img.has_eh_frame && has_fde && walk_ended;
}

int case_known_arm64_compat_no_unwind(const struct case_ctx *ctx, int has_exidx, const char *machine)
{
	return case_known_possible(ctx, KNOWN_ARM64_COMPAT_NO_UNWIND) && ctx->has_image &&
	       ctx->img.machine == EM_ARM && !ctx->img.has_eh_frame && !has_exidx && machine &&
	       (!strcmp(machine, "armv8l") || !strcmp(machine, "aarch64"));
}

int case_known_arm64_no_eh_frame(const struct case_ctx *ctx)
{
	return case_known_possible(ctx, KNOWN_ARM64_NO_EH_FRAME) && ctx->has_image &&
	       ctx->img.machine == EM_AARCH64 && !ctx->img.has_eh_frame;
}

int case_known_time_stale_second(const struct case_ctx *ctx, int64_t vdso_sec, int64_t sys_after_sec,
				 int64_t settled_sec)
{
	return ctx && case_known_possible(ctx, KNOWN_TIME_STALE_SECOND) && vdso_sec == sys_after_sec + 1 &&
	       settled_sec == vdso_sec;
}

char *case_known_label(enum case_known_id id, char *buf, size_t len)
{
	const struct case_known_defect *d = case_known_defect(id);
	char since[24];

	snprintf(buf, len, "known kernel defect %s (since %s, %s)", d->id,
		 vdso_format_version(d->since, since, sizeof(since)), d->where);
	return buf;
}
