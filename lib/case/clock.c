/* SPDX-License-Identifier: MIT */
#include "clock.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#ifndef CLOCK_TAI
#define CLOCK_TAI 11
#endif

#define HRES_MONO (CLK_HRES | CLK_TIMENS_MONO)
const struct clock_desc clock_table[12] = {
	{ CLOCK_REALTIME, "CLOCK_REALTIME", CLK_HRES, 0 },
	{ CLOCK_MONOTONIC, "CLOCK_MONOTONIC", HRES_MONO, 0 },
	{ CLOCK_PROCESS_CPUTIME_ID, "CLOCK_PROCESS_CPUTIME_ID", CLK_CPUTIME, 0 },
	{ CLOCK_THREAD_CPUTIME_ID, "CLOCK_THREAD_CPUTIME_ID", CLK_CPUTIME, 0 },
	{ CLOCK_MONOTONIC_RAW, "CLOCK_MONOTONIC_RAW", HRES_MONO, 0 },
	{ CLOCK_REALTIME_COARSE, "CLOCK_REALTIME_COARSE", CLK_COARSE, CLOCK_REALTIME },
	{ CLOCK_MONOTONIC_COARSE, "CLOCK_MONOTONIC_COARSE", CLK_COARSE | CLK_TIMENS_MONO, CLOCK_MONOTONIC },
	{ CLOCK_BOOTTIME, "CLOCK_BOOTTIME", CLK_HRES | CLK_TIMENS_BOOT, 0 },
	{ CLOCK_REALTIME_ALARM, "CLOCK_REALTIME_ALARM", CLK_ALARM, 0 },
	{ CLOCK_BOOTTIME_ALARM, "CLOCK_BOOTTIME_ALARM", CLK_ALARM | CLK_TIMENS_BOOT, 0 },
	{ 10, "CLOCK_SGI_CYCLE", CLK_INVALID, 0 },
	{ CLOCK_TAI, "CLOCK_TAI", CLK_HRES, 0 },
};

const clockid_t clock_invalid_ids[5] = { -1, 12, 16, INT32_MAX, INT32_MIN };
const char *const clock_invalid_names[5] = { "-1", "12", "16", "INT_MAX", "INT_MIN" };

const struct clock_desc *clock_desc(clockid_t id)
{
	return id >= 0 && id < 12 ? &clock_table[id] : NULL;
}

const char *clock_name(clockid_t id, char *buf, size_t len)
{
	const struct clock_desc *d = clock_desc(id);

	if (d)
		return d->name;
	snprintf(buf, len, "CLOCK_ID_%d", (int)id);
	return buf;
}

static long ret_errno(long r)
{
	return r < 0 ? -errno : r;
}

int sys_clock_gettime(clockid_t id, struct timespec *ts)
{
	return (int)ret_errno(syscall(SYS_clock_gettime, id, ts));
}

int sys_clock_getres(clockid_t id, struct timespec *res)
{
	return (int)ret_errno(syscall(SYS_clock_getres, id, res));
}

int sys_gettimeofday(struct timeval *tv, struct timezone *tz)
{
	return (int)ret_errno(syscall(SYS_gettimeofday, tv, tz));
}

long sys_time(time_t *t)
{
#ifdef SYS_time
	return ret_errno(syscall(SYS_time, t));
#else
	struct timespec ts;
	int rc = sys_clock_gettime(CLOCK_REALTIME_COARSE, &ts);

	if (rc)
		return rc;
	if (t)
		*t = ts.tv_sec;
	return ts.tv_sec;
#endif
}

int sys_getcpu(unsigned *cpu, unsigned *node)
{
	return (int)ret_errno(syscall(SYS_getcpu, cpu, node, NULL));
}

long sys_getrandom(void *buf, size_t len, unsigned int flags)
{
#ifdef SYS_getrandom
	return ret_errno(syscall(SYS_getrandom, buf, len, flags));
#else
	(void)buf, (void)len, (void)flags;
	return -ENOSYS;
#endif
}

long sys_clock_gettime64(clockid_t id, void *ts)
{
#ifdef SYS_clock_gettime64
	return ret_errno(syscall(SYS_clock_gettime64, id, ts));
#else
	(void)id, (void)ts;
	return -ENOSYS;
#endif
}

int64_t case_mono_ns(void)
{
	struct timespec t;

	sys_clock_gettime(CLOCK_MONOTONIC, &t);
	return ts_ns(&t);
}

void case_cpuset_init(struct case_cpuset *s)
{
	s->have_orig = sched_getaffinity(0, sizeof(s->orig), &s->orig) == 0;
	s->n = case_cpus(s->cpu, CASE_MAX_CPUS);
}

void case_cpuset_pin(const struct case_cpuset *s, int k)
{
	if (s->n > 1)
		case_pin(s->cpu[k % s->n]);
}

void case_cpuset_restore(const struct case_cpuset *s)
{
	if (s->have_orig)
		sched_setaffinity(0, sizeof(s->orig), &s->orig);
}

int case_cpus(int *cpus, int max)
{
	cpu_set_t set;
	int n = 0;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 0;
	for (int c = 0; c < CPU_SETSIZE && n < max; c++)
		if (CPU_ISSET(c, &set))
			cpus[n++] = c;
	return n;
}

int case_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

struct case_traps case_traps;

/* the audit architecture of this program's own system calls: a filter
 * that matched another one's numbers would judge calls it does not know */
#if defined(__x86_64__) && defined(__ILP32__)
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_X86_64
#elif defined(__x86_64__)
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_X86_64
#elif defined(__i386__)
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_I386
#elif defined(__aarch64__)
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_AARCH64
#elif defined(__arm__) && defined(__ARMEB__)
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_ARMEB
#elif defined(__arm__)
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_ARM
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_PPC64LE
#elif defined(__powerpc64__)
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_PPC64
#elif defined(__s390x__)
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_S390X
#elif defined(__riscv) && __riscv_xlen == 64
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_RISCV64
#elif defined(__mips__) && defined(_ABI64) && _MIPS_SIM == _ABI64 && defined(__MIPSEL__)
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_MIPSEL64
#elif defined(__mips__) && defined(_ABI64) && _MIPS_SIM == _ABI64
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_MIPS64
#elif defined(__loongarch__) && __loongarch_grlen == 64 && defined(AUDIT_ARCH_LOONGARCH64)
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_LOONGARCH64
#endif

#ifdef AUDIT_ARCH_NATIVE
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	case_traps.count++;
	case_traps.last_nr = si->si_syscall;
}
#endif

int case_seccomp_trap(const long *nrs, size_t n)
{
#ifdef AUDIT_ARCH_NATIVE
	struct sock_filter f[64];
	struct sock_fprog prog;
	struct sigaction sa;
	size_t k = 0;

	if (n > 56)
		return -E2BIG;
	/* another architecture's calls (int 0x80 on x86_64) are not ours to judge */
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_NATIVE, 1, 0);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	for (size_t i = 0; i < n; i++) {
		f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nrs[i], 0, 1);
		f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP);
	}
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog.len = (unsigned short)k;
	prog.filter = f;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL))
		return -errno;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		return -errno;
	return 0;
#else
	(void)nrs, (void)n;
	return -ENOSYS;
#endif
}

int case_seccomp_trap_time(void)
{
	static const long nrs[] = {
		SYS_clock_gettime, SYS_clock_getres, SYS_gettimeofday, SYS_getcpu,
#ifdef SYS_time
		SYS_time,
#endif
#ifdef SYS_clock_gettime64
		SYS_clock_gettime64,
#endif
#ifdef SYS_clock_getres_time64
		SYS_clock_getres_time64,
#endif
#ifdef SYS_getrandom
		SYS_getrandom,
#endif
	};

	return case_seccomp_trap(nrs, sizeof(nrs) / sizeof(nrs[0]));
}

double case_duration(const struct case_ctx *ctx, double dflt)
{
	const char *env = getenv("VDSOCONF_DURATION");

	for (int i = 1; ctx->argv && i + 1 < ctx->argc; i++)
		if (!strcmp(ctx->argv[i], "--duration"))
			return atof(ctx->argv[i + 1]);
	if (env && *env)
		return atof(env);
	return dflt;
}
