/* SPDX-License-Identifier: MIT */
/* hwprobe: riscv64's __vdso_riscv_hwprobe against the riscv_hwprobe system
 * call it stands in for.  The vDSO answers from a copy of what the kernel
 * found at boot when every CPU agrees, and passes the call on otherwise;
 * either way each answer must be the system call's, bit for bit.
 *
 * hwprobe.keys.all_cpus: keys 0..63 in one call and one call per key,
 *   cpusetsize 0 and no set (the all-CPUs form): the same return value,
 *   and every pair the same (an unknown key comes back as -1, value 0).
 * hwprobe.keys.cpuset: the same keys with an explicit CPU set: the
 *   process's affinity set, and each of its first CPUS_ALONE CPUs alone.
 * hwprobe.which_cpus: RISCV_HWPROBE_WHICH_CPUS with the base behaviour and
 *   IMA extension pairs as the all-CPUs call gave them: the same return
 *   value and the same CPU set left behind.
 * hwprobe.flags: an unknown flag: the system call's error.
 * No tolerance: the answers are the kernel's boot-time facts.  When the
 * system call is missing (a kernel before 6.4, an emulator that lacks it)
 * every point skips, saying so. */
#include <errno.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "case/case.h"

#define NKEYS 64
#define CPUS_ALONE 8
#define SYS_HWPROBE 258		/* riscv's __NR_riscv_hwprobe */
#define WHICH_CPUS 1u		/* RISCV_HWPROBE_WHICH_CPUS */
#define KEY_BASE_BEHAVIOR 3
#define KEY_IMA_EXT_0 4

struct pair {
	int64_t key;
	uint64_t value;
};

typedef int (*hwprobe_t)(struct pair *pairs, size_t n, size_t setsize, void *cpus, unsigned flags);

static hwprobe_t vprobe;
static char no_syscall[160];

static long sys_probe(struct pair *pairs, size_t n, size_t setsize, void *cpus, unsigned flags)
{
	long r = syscall(SYS_HWPROBE, pairs, n, setsize, cpus, flags);

	return r < 0 ? -errno : r;
}

static void keys(struct pair *p, size_t n, int64_t first)
{
	for (size_t i = 0; i < n; i++) {
		p[i].key = first + (int64_t)i;
		p[i].value = 0;
	}
}

/* One call both ways; 0, or -1 with the first difference in why. */
static int same(const char *what, struct pair *asked, size_t n, size_t setsize, const cpu_set_t *cpus, unsigned flags,
		char *why, size_t len)
{
	struct pair vp[NKEYS], sp[NKEYS];
	cpu_set_t vc, sc;
	long vr, sr;

	memcpy(vp, asked, n * sizeof(*vp));
	memcpy(sp, asked, n * sizeof(*sp));
	if (cpus) {
		vc = *cpus;
		sc = *cpus;
	}
	vr = vprobe(vp, n, setsize, cpus ? &vc : NULL, flags);
	sr = sys_probe(sp, n, setsize, cpus ? &sc : NULL, flags);
	if (vr != sr) {
		snprintf(why, len, "%s: the vDSO returned %ld, the system call %ld", what, vr, sr);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (vp[i].key != sp[i].key || vp[i].value != sp[i].value) {
			snprintf(why, len, "%s: pair %zu (key %lld asked) is {%lld, %#llx} from the vDSO, "
				 "{%lld, %#llx} from the system call", what, i, (long long)asked[i].key,
				 (long long)vp[i].key, (unsigned long long)vp[i].value, (long long)sp[i].key,
				 (unsigned long long)sp[i].value);
			return -1;
		}
	if (cpus && memcmp(&vc, &sc, setsize)) {
		snprintf(why, len, "%s: the CPU set left behind differs (%d CPUs from the vDSO, %d from the system "
			 "call)", what, CPU_COUNT(&vc), CPU_COUNT(&sc));
		return -1;
	}
	return 0;
}

static void setup(struct case_ctx *ctx)
{
	struct pair p[1] = { { 0, 0 } };
	long r;

	vprobe = (hwprobe_t)case_fn(ctx, "riscv_hwprobe");
	r = sys_probe(p, 1, 0, NULL, 0);
	if (r)
		snprintf(no_syscall, sizeof(no_syscall), "the riscv_hwprobe system call fails (%s): nothing to "
			 "compare with (a kernel before 6.4, or an emulator without it)", strerror((int)-r));
}

static int skipped(void)
{
	if (!no_syscall[0])
		return 0;
	case_skip("%s", no_syscall);
	return 1;
}

static void check_all_cpus(void)
{
	struct pair p[NKEYS];
	char why[320], what[64];
	int known = 0;

	if (!case_point("hwprobe.keys.all_cpus") || skipped())
		return;
	keys(p, NKEYS, 0);
	if (same("keys 0..63, all CPUs", p, NKEYS, 0, NULL, 0, why, sizeof(why))) {
		case_fail("%s", why);
		return;
	}
	for (int k = 0; k < NKEYS; k++) {
		struct pair one[1];

		keys(one, 1, k);
		snprintf(what, sizeof(what), "key %d alone, all CPUs", k);
		if (same(what, one, 1, 0, NULL, 0, why, sizeof(why))) {
			case_fail("%s", why);
			return;
		}
		sys_probe(one, 1, 0, NULL, 0);
		known += one[0].key != -1;
	}
	case_diag("%d of keys 0..63 known to this kernel", known);
	case_pass();
}

static void check_cpuset(void)
{
	struct pair p[NKEYS];
	cpu_set_t aff, one;
	char why[320], what[64];
	int n = 0;

	if (!case_point("hwprobe.keys.cpuset") || skipped())
		return;
	if (sched_getaffinity(0, sizeof(aff), &aff)) {
		case_skip("sched_getaffinity: %s", strerror(errno));
		return;
	}
	keys(p, NKEYS, 0);
	if (same("keys 0..63, the affinity set", p, NKEYS, sizeof(aff), &aff, 0, why, sizeof(why))) {
		case_fail("%s", why);
		return;
	}
	for (int c = 0; c < CPU_SETSIZE && n < CPUS_ALONE; c++) {
		if (!CPU_ISSET(c, &aff))
			continue;
		CPU_ZERO(&one);
		CPU_SET(c, &one);
		snprintf(what, sizeof(what), "keys 0..63, CPU %d alone", c);
		if (same(what, p, NKEYS, sizeof(one), &one, 0, why, sizeof(why))) {
			case_fail("%s", why);
			return;
		}
		n++;
	}
	case_diag("the affinity set (%d CPUs) and %d CPUs alone", CPU_COUNT(&aff), n);
	case_pass();
}

static void check_which(void)
{
	struct pair p[2] = { { KEY_BASE_BEHAVIOR, 0 }, { KEY_IMA_EXT_0, 0 } };
	cpu_set_t aff;
	char why[320];

	if (!case_point("hwprobe.which_cpus") || skipped())
		return;
	if (sched_getaffinity(0, sizeof(aff), &aff)) {
		case_skip("sched_getaffinity: %s", strerror(errno));
		return;
	}
	/* the values every CPU has, as the all-CPUs form reports them */
	sys_probe(p, 2, 0, NULL, 0);
	if (same("WHICH_CPUS with the all-CPUs values", p, 2, sizeof(aff), &aff, WHICH_CPUS, why, sizeof(why))) {
		case_fail("%s", why);
		return;
	}
	p[1].value = ~p[1].value;
	if (same("WHICH_CPUS with extensions no CPU has", p, 2, sizeof(aff), &aff, WHICH_CPUS, why, sizeof(why))) {
		case_fail("%s", why);
		return;
	}
	case_pass();
}

static void check_flags(void)
{
	struct pair p[1] = { { 0, 0 } };
	char why[320];

	if (!case_point("hwprobe.flags") || skipped())
		return;
	if (same("flags 0x2 (unknown)", p, 1, 0, NULL, 2, why, sizeof(why)))
		case_fail("%s", why);
	else
		case_pass();
}

static void run(struct case_ctx *ctx)
{
	(void)ctx;
	check_all_cpus();
	check_cpuset();
	check_which();
	check_flags();
}

static const struct case_spec spec = {
	.name = "hwprobe",
	.needs = CASE_NEED_VDSO,
	.roles = (const char *const[]){ "riscv_hwprobe", NULL },
	.setup = setup,
	.run = run,
};
CASE_MAIN(spec)
