/* SPDX-License-Identifier: MIT */
/* Per-architecture expectations.  Sources: the kernel's vdso*.lds.S
 * version scripts, selftests/vDSO/vdso_config.h, and the images in Debian's
 * kernel packages.  A name whose first kernel is not certain is marked
 * OPTIONAL rather than guessed: a missing optional name is never an error. */
#include <elf.h>

#include "vdso/vdso.h"
#include "arch.h"

#define N(x) (sizeof(x) / sizeof((x)[0]))
#define OPT VDSO_SYM_OPTIONAL
#define NOTYPE VDSO_SYM_NOTYPE_OK
#define ALIAS VDSO_SYM_ALIAS

static const struct vdso_arch_sym x86_64[] = {
	{ "__vdso_clock_gettime", "LINUX_2.6", 0, 0, NULL },
	{ "__vdso_gettimeofday", "LINUX_2.6", 0, 0, NULL },
	{ "__vdso_time", "LINUX_2.6", 0, 0, NULL },
	{ "__vdso_getcpu", "LINUX_2.6", 0, 0, NULL },
	{ "__vdso_clock_getres", "LINUX_2.6", VDSO_KV(5, 3, 0), 0, NULL },
	{ "__vdso_getrandom", "LINUX_2.6", VDSO_KV(6, 11, 0), 0, NULL },
	{ "__vdso_sgx_enter_enclave", "LINUX_2.6", VDSO_KV(5, 11, 0), OPT, NULL },
	{ "clock_gettime", "LINUX_2.6", 0, ALIAS, "__vdso_clock_gettime" },
	{ "gettimeofday", "LINUX_2.6", 0, ALIAS, "__vdso_gettimeofday" },
	{ "time", "LINUX_2.6", 0, ALIAS, "__vdso_time" },
	{ "getcpu", "LINUX_2.6", 0, ALIAS, "__vdso_getcpu" },
	{ "clock_getres", "LINUX_2.6", VDSO_KV(5, 3, 0), ALIAS | OPT, "__vdso_clock_getres" },
	{ "getrandom", "LINUX_2.6", VDSO_KV(6, 11, 0), ALIAS | OPT, "__vdso_getrandom" },
};

static const struct vdso_arch_sym x32[] = {
	{ "__vdso_clock_gettime", "LINUX_2.6", 0, 0, NULL },
	{ "__vdso_gettimeofday", "LINUX_2.6", 0, 0, NULL },
	{ "__vdso_time", "LINUX_2.6", 0, 0, NULL },
	{ "__vdso_getcpu", "LINUX_2.6", 0, 0, NULL },
	{ "__vdso_clock_getres", "LINUX_2.6", VDSO_KV(5, 3, 0), 0, NULL },
	{ "__vdso_getrandom", "LINUX_2.6", VDSO_KV(6, 11, 0), OPT, NULL },
};

static const struct vdso_arch_sym i386[] = {
	{ "__vdso_clock_gettime", "LINUX_2.6", 0, 0, NULL },
	{ "__vdso_gettimeofday", "LINUX_2.6", 0, 0, NULL },
	{ "__vdso_time", "LINUX_2.6", 0, 0, NULL },
	{ "__vdso_clock_getres", "LINUX_2.6", VDSO_KV(5, 3, 0), 0, NULL },
	{ "__vdso_clock_gettime64", "LINUX_2.6", VDSO_KV(5, 6, 0), 0, NULL },
	{ "__vdso_getcpu", "LINUX_2.6", 0, OPT, NULL },
	{ "__kernel_vsyscall", "LINUX_2.5", 0, 0, NULL },
	{ "__kernel_sigreturn", "LINUX_2.5", 0, 0, NULL },
	{ "__kernel_rt_sigreturn", "LINUX_2.5", 0, 0, NULL },
};

static const struct vdso_arch_sym aarch64[] = {
	{ "__kernel_clock_gettime", "LINUX_2.6.39", 0, 0, NULL },
	{ "__kernel_gettimeofday", "LINUX_2.6.39", 0, 0, NULL },
	{ "__kernel_clock_getres", "LINUX_2.6.39", 0, 0, NULL },
	{ "__kernel_rt_sigreturn", "LINUX_2.6.39", 0, NOTYPE, NULL },
	{ "__kernel_getrandom", "LINUX_2.6.39", VDSO_KV(6, 12, 0), OPT, NULL },
};

static const struct vdso_arch_sym arm[] = {
	{ "__vdso_clock_gettime", "LINUX_2.6", 0, 0, NULL },
	{ "__vdso_gettimeofday", "LINUX_2.6", 0, 0, NULL },
	{ "__vdso_clock_gettime64", "LINUX_2.6", VDSO_KV(5, 6, 0), 0, NULL },
	{ "__vdso_clock_getres", "LINUX_2.6", VDSO_KV(5, 3, 0), OPT, NULL },
};

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
	{ "__kernel_getrandom", "LINUX_2.6.15", VDSO_KV(6, 12, 0), OPT, NULL },
};

static const struct vdso_arch_sym s390x[] = {
	{ "__kernel_clock_gettime", "LINUX_2.6.29", 0, 0, NULL },
	{ "__kernel_clock_getres", "LINUX_2.6.29", 0, 0, NULL },
	{ "__kernel_gettimeofday", "LINUX_2.6.29", 0, 0, NULL },
	{ "__kernel_getcpu", "LINUX_2.6.29", 0, 0, NULL },
	{ "__kernel_restart_syscall", "LINUX_2.6.29", 0, NOTYPE, NULL },
	{ "__kernel_rt_sigreturn", "LINUX_2.6.29", 0, NOTYPE, NULL },
	{ "__kernel_sigreturn", "LINUX_2.6.29", 0, NOTYPE, NULL },
	{ "__kernel_getrandom", "LINUX_2.6.29", VDSO_KV(6, 12, 0), OPT, NULL },
};

/* the 31-bit compat vDSO names its entry points apart (Debian 6.1 image) */
static const struct vdso_arch_sym s390_compat[] = {
	{ "__kernel_compat_restart_syscall", "LINUX_2.6.29", 0, NOTYPE, NULL },
	{ "__kernel_compat_rt_sigreturn", "LINUX_2.6.29", 0, NOTYPE, NULL },
	{ "__kernel_compat_sigreturn", "LINUX_2.6.29", 0, NOTYPE, NULL },
};

static const struct vdso_arch_sym mips64[] = {
	{ "__vdso_clock_gettime", "LINUX_2.6", 0, 0, NULL },
	{ "__vdso_gettimeofday", "LINUX_2.6", 0, 0, NULL },
	{ "__vdso_clock_getres", "LINUX_2.6", 0, OPT, NULL },
};

static const struct vdso_arch_sym mips32[] = {
	{ "__vdso_clock_gettime", "LINUX_2.6", 0, 0, NULL },
	{ "__vdso_gettimeofday", "LINUX_2.6", 0, 0, NULL },
	{ "__vdso_clock_getres", "LINUX_2.6", 0, OPT, NULL },
	{ "__vdso_clock_gettime64", "LINUX_2.6", VDSO_KV(5, 6, 0), OPT, NULL },
};

static const struct vdso_arch_sym riscv[] = {
	{ "__vdso_clock_gettime", "LINUX_4.15", 0, 0, NULL },
	{ "__vdso_gettimeofday", "LINUX_4.15", 0, 0, NULL },
	{ "__vdso_clock_getres", "LINUX_4.15", 0, 0, NULL },
	{ "__vdso_getcpu", "LINUX_4.15", 0, 0, NULL },
	{ "__vdso_flush_icache", "LINUX_4.15", 0, 0, NULL },
	{ "__vdso_riscv_hwprobe", "LINUX_4.15", VDSO_KV(6, 4, 0), OPT, NULL },
	{ "__vdso_rt_sigreturn", "LINUX_4.15", 0, OPT | NOTYPE, NULL },
};

static const struct vdso_arch_sym loongarch[] = {
	{ "__vdso_clock_gettime", "LINUX_5.10", 0, 0, NULL },
	{ "__vdso_gettimeofday", "LINUX_5.10", 0, 0, NULL },
	{ "__vdso_clock_getres", "LINUX_5.10", 0, 0, NULL },
	{ "__vdso_getcpu", "LINUX_5.10", 0, 0, NULL },
	{ "__vdso_getrandom", "LINUX_5.10", VDSO_KV(6, 11, 0), OPT, NULL },
	{ "__vdso_rt_sigreturn", "LINUX_5.10", 0, OPT | NOTYPE, NULL },
};

#define ARCH(n, m, c, abi, so, v, es, gnu, t) { n, m, c, abi, so, v, es, gnu, t, N(t) }
static const struct vdso_arch arches[] = {
	ARCH("x86_64", EM_X86_64, 64, 0, "linux-vdso.so.1", "LINUX_2.6", 4, 1, x86_64),
	ARCH("x32", EM_X86_64, 32, 0, "linux-vdso.so.1", "LINUX_2.6", 4, 1, x32),
	ARCH("i386", EM_386, 32, 0, "linux-gate.so.1", "LINUX_2.6", 4, 1, i386),
	ARCH("aarch64", EM_AARCH64, 64, 0, "linux-vdso.so.1", "LINUX_2.6.39", 4, 0, aarch64),
	ARCH("arm", EM_ARM, 32, 0, "linux-vdso.so.1", "LINUX_2.6", 4, 0, arm),
	ARCH("ppc64", EM_PPC64, 64, 0, "linux-vdso64.so.1", "LINUX_2.6.15", 4, 1, ppc64),
	ARCH("s390x", EM_S390, 64, 0, "linux-vdso64.so.1", "LINUX_2.6.29", 8, 1, s390x),
	ARCH("s390", EM_S390, 32, 0, "linux-vdso32.so.1", "LINUX_2.6.29", 4, 1, s390_compat),
	ARCH("mips64", EM_MIPS, 64, 0, "linux-vdso.so.1", "LINUX_2.6", 4, 0, mips64),
	ARCH("mipsn32", EM_MIPS, 32, 1, "linux-vdso.so.1", "LINUX_2.6", 4, 0, mips32),
	ARCH("mipso32", EM_MIPS, 32, 0, "linux-vdso.so.1", "LINUX_2.6", 4, 0, mips32),
	ARCH("riscv64", EM_RISCV, 64, 0, "linux-vdso.so.1", "LINUX_4.15", 4, 0, riscv),
	ARCH("riscv32", EM_RISCV, 32, 0, "linux-vdso.so.1", "LINUX_4.15", 4, 0, riscv),
	ARCH("loongarch64", EM_LOONGARCH, 64, 0, "linux-vdso.so.1", "LINUX_5.10", 4, 0, loongarch),
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
