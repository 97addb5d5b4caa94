/* SPDX-License-Identifier: MIT */
/* Per-architecture expectations.  Sources: each version's vDSO linker
 * scripts (arch/x86/entry/vdso*, arch/WHERE/kernel/vdso*, arch/WHERE/vdso)
 * and Makefiles in Debian's linux-source 6.1, 6.12, 7.2 and 7.3-rc, and
 * the images in Debian's kernel packages (docs/design.md has the table per
 * architecture, with what changed between versions).
 *
 * `since` is the upstream release that first exported a name where that is
 * established (the release whose merge window took the commit), else the
 * first Debian release seen with it, which is never too early: a kernel
 * before `since` is not held to the name.  A name that depends on the
 * kernel's configuration (#ifdef in the linker script) is OPTIONAL: its
 * absence is noted, never an error. */
#include <elf.h>
#include <string.h>

#include "vdso/vdso.h"
#include "arch.h"

#define N(x) (sizeof(x) / sizeof((x)[0]))
#define OPT VDSO_SYM_OPTIONAL
#define NOTYPE VDSO_SYM_NOTYPE_OK
#define ALIAS VDSO_SYM_ALIAS
#define T32 VDSO_SYM_TIME32

/* arch/x86/entry/vdso/vdso.lds.S, from 7.x vdso64/vdso64.lds.S */
static const struct vdso_arch_sym x86_64[] = {
	{ "__vdso_clock_gettime", "LINUX_2.6", 0, 0, NULL },
	{ "__vdso_gettimeofday", "LINUX_2.6", 0, 0, NULL },
	{ "__vdso_time", "LINUX_2.6", 0, 0, NULL },
	{ "__vdso_getcpu", "LINUX_2.6", 0, 0, NULL },
	{ "__vdso_clock_getres", "LINUX_2.6", VDSO_KV(5, 3, 0), 0, NULL },
	{ "__vdso_getrandom", "LINUX_2.6", VDSO_KV(6, 11, 0), 0, NULL },
	{ "__vdso_sgx_enter_enclave", "LINUX_2.6", VDSO_KV(5, 11, 0), OPT, NULL },	/* CONFIG_X86_SGX */
	/* CONFIG_FUTEX_ROBUST_UNLOCK (and CONFIG_COMPAT for the 32-bit one) */
	{ "__vdso_futex_robust_list64_try_unlock", "LINUX_2.6", VDSO_KV(7, 2, 0), OPT, NULL },
	{ "__vdso_futex_robust_list32_try_unlock", "LINUX_2.6", VDSO_KV(7, 2, 0), OPT, NULL },
	{ "clock_gettime", "LINUX_2.6", 0, ALIAS, "__vdso_clock_gettime" },
	{ "gettimeofday", "LINUX_2.6", 0, ALIAS, "__vdso_gettimeofday" },
	{ "time", "LINUX_2.6", 0, ALIAS, "__vdso_time" },
	{ "getcpu", "LINUX_2.6", 0, ALIAS, "__vdso_getcpu" },
	{ "clock_getres", "LINUX_2.6", VDSO_KV(5, 3, 0), ALIAS | OPT, "__vdso_clock_getres" },
	{ "getrandom", "LINUX_2.6", VDSO_KV(6, 11, 0), ALIAS | OPT, "__vdso_getrandom" },
};

/* vdsox32.lds.S: no aliases, no getrandom, no sgx */
static const struct vdso_arch_sym x32[] = {
	{ "__vdso_clock_gettime", "LINUX_2.6", 0, 0, NULL },
	{ "__vdso_gettimeofday", "LINUX_2.6", 0, 0, NULL },
	{ "__vdso_time", "LINUX_2.6", 0, 0, NULL },
	{ "__vdso_getcpu", "LINUX_2.6", 0, 0, NULL },
	{ "__vdso_clock_getres", "LINUX_2.6", VDSO_KV(5, 3, 0), 0, NULL },
	{ "__vdso_futex_robust_list64_try_unlock", "LINUX_2.6", VDSO_KV(7, 2, 0), OPT, NULL },
	{ "__vdso_futex_robust_list32_try_unlock", "LINUX_2.6", VDSO_KV(7, 2, 0), OPT, NULL },
};

/* vdso32/vdso32.lds.S: the i386 kernel's vDSO and x86_64's compat one */
static const struct vdso_arch_sym i386[] = {
	{ "__vdso_clock_gettime", "LINUX_2.6", 0, T32, NULL },
	{ "__vdso_gettimeofday", "LINUX_2.6", 0, T32, NULL },
	{ "__vdso_time", "LINUX_2.6", 0, T32, NULL },
	{ "__vdso_clock_getres", "LINUX_2.6", VDSO_KV(5, 3, 0), T32, NULL },
	{ "__vdso_clock_gettime64", "LINUX_2.6", VDSO_KV(5, 6, 0), 0, NULL },
	{ "__vdso_getcpu", "LINUX_2.6", VDSO_KV(6, 3, 0), 0, NULL },
	{ "__vdso_clock_getres_time64", "LINUX_2.6", VDSO_KV(7, 0, 0), 0, NULL },
	{ "__vdso_futex_robust_list32_try_unlock", "LINUX_2.6", VDSO_KV(7, 2, 0), OPT, NULL },
	{ "__kernel_vsyscall", "LINUX_2.5", 0, 0, NULL },
	{ "__kernel_sigreturn", "LINUX_2.5", 0, 0, NULL },
	{ "__kernel_rt_sigreturn", "LINUX_2.5", 0, 0, NULL },
};

static const struct vdso_arch_sym aarch64[] = {
	{ "__kernel_clock_gettime", "LINUX_2.6.39", 0, 0, NULL },
	{ "__kernel_gettimeofday", "LINUX_2.6.39", 0, 0, NULL },
	{ "__kernel_clock_getres", "LINUX_2.6.39", 0, 0, NULL },
	{ "__kernel_rt_sigreturn", "LINUX_2.6.39", 0, NOTYPE, NULL },
	{ "__kernel_getrandom", "LINUX_2.6.39", VDSO_KV(6, 12, 0), 0, NULL },
};

/* arch/arm/vdso/vdso.lds.S and arm64's compat arch/arm64/kernel/vdso32/;
 * arm patches a name out at boot when its timer is not usable by the vDSO
 * (arch/arm/kernel/vdso.c), which the live image shows, a file does not */
static const struct vdso_arch_sym arm[] = {
	{ "__vdso_clock_gettime", "LINUX_2.6", 0, T32, NULL },
	{ "__vdso_gettimeofday", "LINUX_2.6", 0, T32, NULL },
	{ "__vdso_clock_gettime64", "LINUX_2.6", VDSO_KV(5, 6, 0), 0, NULL },
	{ "__vdso_clock_getres", "LINUX_2.6", VDSO_KV(5, 3, 0), OPT | T32, NULL },
	{ "__vdso_clock_getres_time64", "LINUX_2.6", VDSO_KV(7, 0, 0), OPT, NULL },
};

/* arch/powerpc/kernel/vdso/vdso64.lds.S */
static const struct vdso_arch_sym ppc64[] = {
	{ "__kernel_clock_gettime", "LINUX_2.6.15", 0, 0, NULL },
	{ "__kernel_clock_getres", "LINUX_2.6.15", 0, 0, NULL },
	{ "__kernel_gettimeofday", "LINUX_2.6.15", 0, 0, NULL },
	{ "__kernel_time", "LINUX_2.6.15", 0, 0, NULL },
	{ "__kernel_getcpu", "LINUX_2.6.15", 0, 0, NULL },
	{ "__kernel_get_tbfreq", "LINUX_2.6.15", 0, 0, NULL },
	{ "__kernel_get_syscall_map", "LINUX_2.6.15", 0, 0, NULL },
	{ "__kernel_sync_dicache", "LINUX_2.6.15", 0, 0, NULL },
	{ "__kernel_sigtramp_rt64", "LINUX_2.6.15", 0, NOTYPE, NULL },
	{ "__kernel_getrandom", "LINUX_2.6.15", VDSO_KV(6, 12, 0), 0, NULL },
};

/* arch/powerpc/kernel/vdso/vdso32.lds.S: ppc32, and ppc64's compat vDSO */
static const struct vdso_arch_sym ppc32[] = {
	{ "__kernel_clock_gettime", "LINUX_2.6.15", 0, T32, NULL },
	{ "__kernel_clock_gettime64", "LINUX_2.6.15", VDSO_KV(6, 1, 0), 0, NULL },
	{ "__kernel_clock_getres", "LINUX_2.6.15", 0, T32, NULL },
	{ "__kernel_clock_getres_time64", "LINUX_2.6.15", VDSO_KV(7, 0, 0), 0, NULL },
	{ "__kernel_gettimeofday", "LINUX_2.6.15", 0, T32, NULL },
	{ "__kernel_time", "LINUX_2.6.15", 0, T32, NULL },
	{ "__kernel_get_tbfreq", "LINUX_2.6.15", 0, 0, NULL },
	{ "__kernel_get_syscall_map", "LINUX_2.6.15", 0, 0, NULL },
	{ "__kernel_sync_dicache", "LINUX_2.6.15", 0, 0, NULL },
	{ "__kernel_sigtramp32", "LINUX_2.6.15", 0, NOTYPE, NULL },
	{ "__kernel_sigtramp_rt32", "LINUX_2.6.15", 0, NOTYPE, NULL },
	{ "__kernel_getcpu", "LINUX_2.6.15", 0, OPT, NULL },	/* CONFIG_PPC64 || !CONFIG_SMP */
	{ "__kernel_getrandom", "LINUX_2.6.15", VDSO_KV(6, 12, 0), 0, NULL },
};

/* arch/s390/kernel/vdso64/vdso64.lds.S, from 7.x vdso/vdso.lds.S */
static const struct vdso_arch_sym s390x[] = {
	{ "__kernel_clock_gettime", "LINUX_2.6.29", 0, 0, NULL },
	{ "__kernel_clock_getres", "LINUX_2.6.29", 0, 0, NULL },
	{ "__kernel_gettimeofday", "LINUX_2.6.29", 0, 0, NULL },
	{ "__kernel_getcpu", "LINUX_2.6.29", 0, 0, NULL },
	{ "__kernel_restart_syscall", "LINUX_2.6.29", 0, NOTYPE, NULL },
	{ "__kernel_rt_sigreturn", "LINUX_2.6.29", 0, NOTYPE, NULL },
	{ "__kernel_sigreturn", "LINUX_2.6.29", 0, NOTYPE, NULL },
	{ "__kernel_getrandom", "LINUX_2.6.29", VDSO_KV(6, 12, 0), 0, NULL },
};

/* the 31-bit compat vDSO (arch/s390/kernel/vdso32/, gone in 7.x) names its
 * entry points apart */
static const struct vdso_arch_sym s390_compat[] = {
	{ "__kernel_compat_restart_syscall", "LINUX_2.6.29", 0, NOTYPE, NULL },
	{ "__kernel_compat_rt_sigreturn", "LINUX_2.6.29", 0, NOTYPE, NULL },
	{ "__kernel_compat_sigreturn", "LINUX_2.6.29", 0, NOTYPE, NULL },
};

/* arch/mips/vdso/vdso.lds.S: everything under CONFIG_MIPS_DISABLE_VDSO
 * (6.x) or CONFIG_GENERIC_GETTIMEOFDAY (7.x), gettimeofday under
 * CONFIG_MIPS_CLOCK_VSYSCALL in 6.12 */
static const struct vdso_arch_sym mips64[] = {
	{ "__vdso_clock_gettime", "LINUX_2.6", 0, 0, NULL },
	{ "__vdso_gettimeofday", "LINUX_2.6", 0, OPT, NULL },
	{ "__vdso_clock_getres", "LINUX_2.6", 0, OPT, NULL },
};

static const struct vdso_arch_sym mips32[] = {
	{ "__vdso_clock_gettime", "LINUX_2.6", 0, T32, NULL },
	{ "__vdso_gettimeofday", "LINUX_2.6", 0, OPT | T32, NULL },
	{ "__vdso_clock_getres", "LINUX_2.6", 0, OPT | T32, NULL },
	{ "__vdso_clock_gettime64", "LINUX_2.6", VDSO_KV(5, 6, 0), OPT, NULL },
	{ "__vdso_clock_getres_time64", "LINUX_2.6", VDSO_KV(7, 0, 0), OPT, NULL },
};

/* arch/riscv/kernel/vdso/vdso.lds.S; hwprobe and getrandom are left out
 * of the compat (rv32-on-rv64) vDSO */
static const struct vdso_arch_sym riscv[] = {
	{ "__vdso_clock_gettime", "LINUX_4.15", 0, 0, NULL },
	{ "__vdso_gettimeofday", "LINUX_4.15", 0, 0, NULL },
	{ "__vdso_clock_getres", "LINUX_4.15", 0, 0, NULL },
	{ "__vdso_getcpu", "LINUX_4.15", 0, VDSO_SYM_SYSCALL, NULL },
	{ "__vdso_flush_icache", "LINUX_4.15", 0, 0, NULL },
	{ "__vdso_riscv_hwprobe", "LINUX_4.15", VDSO_KV(6, 4, 0), OPT, NULL },
	{ "__vdso_getrandom", "LINUX_4.15", VDSO_KV(6, 16, 0), OPT, NULL },	/* CONFIG_VDSO_GETRANDOM */
	{ "__vdso_rt_sigreturn", "LINUX_4.15", 0, OPT | NOTYPE, NULL },
};

static const struct vdso_arch_sym loongarch[] = {
	{ "__vdso_clock_gettime", "LINUX_5.10", 0, 0, NULL },
	{ "__vdso_gettimeofday", "LINUX_5.10", 0, 0, NULL },
	{ "__vdso_clock_getres", "LINUX_5.10", 0, 0, NULL },
	{ "__vdso_getcpu", "LINUX_5.10", 0, 0, NULL },
	{ "__vdso_getrandom", "LINUX_5.10", VDSO_KV(6, 12, 0), 0, NULL },
	{ "__vdso_rt_sigreturn", "LINUX_5.10", 0, OPT | NOTYPE, NULL },
};

/* Where the kernel stopped passing --hash-style=sysv (or =both) to the
 * vDSO's link: Makefiles of 6.1 and 6.12 (7.2 for riscv) compared. */
#define ARM64_SYSV_DROPPED { NULL, VDSO_KV(6, 1, 0), VDSO_KV(6, 12, 0), \
	"arch/arm64/kernel/vdso/Makefile, \"arm64/vdso: Remove --hash-style=sysv\"" }
#define ARM_SYSV_DROPPED { NULL, VDSO_KV(6, 1, 0), VDSO_KV(6, 12, 0), \
	"arch/arm64/kernel/vdso32/Makefile (arm64's compat vDSO; arch/arm/vdso/ keeps --hash-style=sysv)" }
#define RISCV_SYSV_DROPPED { NULL, VDSO_KV(6, 12, 0), VDSO_KV(7, 2, 0), \
	"arch/riscv/kernel/vdso/Makefile (compat_vdso/ keeps --hash-style=both)" }
#define LOONGARCH_SYSV_DROPPED { NULL, VDSO_KV(6, 1, 0), VDSO_KV(6, 12, 0), "arch/loongarch/vdso/Makefile" }
/* s390 dropped its 31-bit compat vDSO and renamed vdso64/ to vdso/, with
 * the soname its Makefile gives */
#define S390X_SONAME { "linux-vdso.so.1", VDSO_KV(6, 12, 0), VDSO_KV(7, 2, 0), "arch/s390/kernel/vdso/Makefile" }
#define NONE { NULL, 0, 0, NULL }

#define ARCH(n, m, c, abi, so, v, es, gnu, t, soc, sysv) { n, m, c, abi, so, v, es, gnu, t, N(t), soc, sysv }
static const struct vdso_arch arches[] = {
	ARCH("x86_64", EM_X86_64, 64, 0, "linux-vdso.so.1", "LINUX_2.6", 4, 1, x86_64, NONE, NONE),
	ARCH("x32", EM_X86_64, 32, 0, "linux-vdso.so.1", "LINUX_2.6", 4, 1, x32, NONE, NONE),
	ARCH("i386", EM_386, 32, 0, "linux-gate.so.1", "LINUX_2.6", 4, 1, i386, NONE, NONE),
	ARCH("aarch64", EM_AARCH64, 64, 0, "linux-vdso.so.1", "LINUX_2.6.39", 4, 0, aarch64, NONE, ARM64_SYSV_DROPPED),
	ARCH("arm", EM_ARM, 32, 0, "linux-vdso.so.1", "LINUX_2.6", 4, 0, arm, NONE, ARM_SYSV_DROPPED),
	ARCH("ppc64", EM_PPC64, 64, 0, "linux-vdso64.so.1", "LINUX_2.6.15", 4, 1, ppc64, NONE, NONE),
	ARCH("ppc", EM_PPC, 32, 0, "linux-vdso32.so.1", "LINUX_2.6.15", 4, 1, ppc32, NONE, NONE),
	ARCH("s390x", EM_S390, 64, 0, "linux-vdso64.so.1", "LINUX_2.6.29", 8, 1, s390x, S390X_SONAME, NONE),
	ARCH("s390", EM_S390, 32, 0, "linux-vdso32.so.1", "LINUX_2.6.29", 4, 1, s390_compat, NONE, NONE),
	ARCH("mips64", EM_MIPS, 64, 0, "linux-vdso.so.1", "LINUX_2.6", 4, 0, mips64, NONE, NONE),
	ARCH("mipsn32", EM_MIPS, 32, 1, "linux-vdso.so.1", "LINUX_2.6", 4, 0, mips32, NONE, NONE),
	ARCH("mipso32", EM_MIPS, 32, 0, "linux-vdso.so.1", "LINUX_2.6", 4, 0, mips32, NONE, NONE),
	ARCH("riscv64", EM_RISCV, 64, 0, "linux-vdso.so.1", "LINUX_4.15", 4, 1, riscv, NONE, RISCV_SYSV_DROPPED),
	ARCH("riscv32", EM_RISCV, 32, 0, "linux-vdso.so.1", "LINUX_4.15", 4, 1, riscv, NONE, RISCV_SYSV_DROPPED),
	ARCH("loongarch64", EM_LOONGARCH, 64, 0, "linux-vdso.so.1", "LINUX_5.10", 4, 0, loongarch, NONE,
	     LOONGARCH_SYSV_DROPPED),
};

const struct vdso_arch *vdso_arch_all(size_t *n)
{
	*n = N(arches);
	return arches;
}

const struct vdso_arch *vdso_arch_find(uint16_t machine, int elfclass, int abi)
{
	for (size_t i = 0; i < N(arches); i++)
		if (arches[i].machine == machine && arches[i].elfclass == elfclass && arches[i].abi == abi)
			return &arches[i];
	return NULL;
}

const struct vdso_arch *vdso_arch_for(const struct vdso_image *img)
{
	int abi = img->machine == EM_MIPS && img->elfclass == 32 && (img->eflags & EF_MIPS_ABI2);

	return vdso_arch_find(img->machine, img->elfclass, abi);
}

const struct vdso_arch *vdso_arch_native(void)
{
#if defined(__x86_64__) && defined(__ILP32__)
	return vdso_arch_find(EM_X86_64, 32, 0);
#elif defined(__x86_64__)
	return vdso_arch_find(EM_X86_64, 64, 0);
#elif defined(__i386__)
	return vdso_arch_find(EM_386, 32, 0);
#elif defined(__aarch64__)
	return vdso_arch_find(EM_AARCH64, 64, 0);
#elif defined(__arm__)
	return vdso_arch_find(EM_ARM, 32, 0);
#elif defined(__powerpc64__)
	return vdso_arch_find(EM_PPC64, 64, 0);
#elif defined(__powerpc__)
	return vdso_arch_find(EM_PPC, 32, 0);
#elif defined(__s390x__)
	return vdso_arch_find(EM_S390, 64, 0);
#elif defined(__mips__) && _MIPS_SIM == _ABI64
	return vdso_arch_find(EM_MIPS, 64, 0);
#elif defined(__mips__) && _MIPS_SIM == _ABIN32
	return vdso_arch_find(EM_MIPS, 32, 1);
#elif defined(__mips__)
	return vdso_arch_find(EM_MIPS, 32, 0);
#elif defined(__riscv) && __riscv_xlen == 64
	return vdso_arch_find(EM_RISCV, 64, 0);
#elif defined(__riscv)
	return vdso_arch_find(EM_RISCV, 32, 0);
#elif defined(__loongarch__)
	return vdso_arch_find(EM_LOONGARCH, 64, 0);
#else
	return NULL;
#endif
}

int vdso_arch_expects(const struct vdso_arch_sym *sym, uint32_t kernel_version)
{
	return !kernel_version || kernel_version >= sym->since;
}

const char *vdso_arch_soname(const struct vdso_arch *a, uint32_t kernel_version)
{
	const struct vdso_arch_change *c = &a->soname_change;

	return c->now && kernel_version && kernel_version >= c->since ? c->now : a->soname;
}

int vdso_arch_soname_ok(const struct vdso_arch *a, uint32_t kernel_version, const char *soname)
{
	const struct vdso_arch_change *c = &a->soname_change;

	if (!soname)
		return 0;
	if (!c->now)
		return !strcmp(soname, a->soname);
	if (kernel_version && kernel_version <= c->until)
		return !strcmp(soname, a->soname);
	if (kernel_version && kernel_version >= c->since)
		return !strcmp(soname, c->now);
	return !strcmp(soname, a->soname) || !strcmp(soname, c->now);
}

int vdso_arch_sysv_dropped(const struct vdso_arch *a, uint32_t kernel_version)
{
	const struct vdso_arch_change *c = &a->sysv_dropped;

	return c->where && (!kernel_version || kernel_version > c->until);
}

int vdso_arch_optional(const struct vdso_arch_sym *sym, uint32_t kernel_version)
{
	if (sym->flags & VDSO_SYM_OPTIONAL)
		return 1;
	return (sym->flags & VDSO_SYM_TIME32) && (!kernel_version || kernel_version >= VDSO_TIME32_OPTIONAL_SINCE);
}
