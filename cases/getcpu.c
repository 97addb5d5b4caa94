/* SPDX-License-Identifier: MIT */
/* getcpu: the vDSO's getcpu names the CPU the caller runs on and that
 * CPU's NUMA node.  The process pins itself to each CPU of its affinity
 * mask in turn; there the vDSO must report that CPU (getcpu.cpu.<n>) and
 * the node the getcpu system call reports (getcpu.node.<n>).  NULL for
 * either or both pointers is accepted (getcpu.null.*): 0 is returned and
 * the other pointer still filled.  The original affinity mask is restored.
 *
 * Field failures this catches: a hypervisor clobbering IA32_TSC_AUX, which
 * RDPID/RDTSCP read, so that sched_getcpu() returned CPU numbers the
 * machine does not have (microsoft/openvmm#39); a per-CPU segment limit or
 * TSC_AUX never set up (every CPU reads as 0); node and CPU bits mixed up.
 *
 * No tolerance: after pinning, the CPU is not a matter of timing.  The pin
 * is verified with the getcpu system call before the vDSO is judged; if
 * the kernel did not put us where asked (a CPU going offline, a cpuset
 * changing under us), the point skips, saying so. */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>

#include "case/case.h"
#include "case/clock.h"

#define MAX_CPUS 1024
#define UNSET 0xdeadbeefu	/* a value no CPU or node number has */

static int ncpus;
static int cpus[MAX_CPUS];

/* Pin to cpu and ask the kernel where we are: 0, or a reason in why. */
static int pin_verified(int cpu, unsigned *node, char *why, size_t len)
{
	unsigned c = UNSET;
	int rc = case_pin(cpu);

	if (rc) {
		snprintf(why, len, "cannot pin to CPU %d: %s", cpu, strerror(-rc));
		return -1;
	}
	rc = sys_getcpu(&c, node);
	if (rc) {
		snprintf(why, len, "the getcpu system call failed on CPU %d: %s", cpu, strerror(-rc));
		return -1;
	}
	if (c != (unsigned)cpu) {
		snprintf(why, len, "pinned to CPU %d, but the getcpu system call says CPU %u", cpu, c);
		return -1;
	}
	return 0;
}

/* Both points of a CPU judge one call, made pinned to it when the first
 * point is opened: the first checked in this pass, which is the node point
 * when the framework replays after the call faulted (case.h). */
static void check_cpu(vdso_getcpu_t gc, int cpu)
{
	static const char *const what[] = { "cpu", "node" };
	unsigned sys_node = UNSET, c = UNSET, node = UNSET;
	char why[256];
	int rc = 0, unpinned = 0, called = 0;

	for (size_t i = 0; i < ARRAY_SIZE(what); i++) {
		if (!case_point("getcpu.%s.%d", what[i], cpu))
			continue;
		if (!called && !(unpinned = pin_verified(cpu, &sys_node, why, sizeof(why))))
			rc = gc(&c, &node, NULL);
		called = 1;
		if (unpinned)
			case_skip("%s", why);
		else if (rc)
			case_fail("expected getcpu(&cpu, &node, NULL) to return 0 on CPU %d, seen %d", cpu, rc);
		else if (i == 0)
			case_check(c == (unsigned)cpu, "pinned to CPU %d (the system call agrees), the vDSO says CPU %u%s",
				   cpu, c, c == UNSET ? " (not written)" : "");
		else
			case_check(node == sys_node, "on CPU %d the system call says node %u, the vDSO node %u%s", cpu,
				   sys_node, node, node == UNSET ? " (not written)" : "");
	}
}

/* The three NULL points, pinned to the first CPU when the first is opened
 * (the first checked in this pass: see check_cpu()). */
static void check_null(vdso_getcpu_t gc)
{
	static const char *const what[] = { "cpu", "node", "both" };
	unsigned sys_node = UNSET, c = UNSET, node = UNSET;
	char why[256];
	int cpu = cpus[0], rc, unpinned = 0, pinned = 0;

	for (size_t i = 0; i < ARRAY_SIZE(what); i++) {
		if (!case_point("getcpu.null.%s", what[i]))
			continue;
		if (!pinned) {
			unpinned = pin_verified(cpu, &sys_node, why, sizeof(why));
			if (!unpinned)
				case_diag("pinned to CPU %d, node %u (getcpu system call)", cpu, sys_node);
			pinned = 1;
		}
		if (unpinned) {
			case_skip("%s", why);
		} else if (i == 0) {
			rc = gc(NULL, &node, NULL);
			if (rc)
				case_fail("expected getcpu(NULL, &node, NULL) to return 0, seen %d", rc);
			else
				case_check(node == sys_node, "getcpu(NULL, &node, NULL): expected node %u, seen %u%s",
					   sys_node, node, node == UNSET ? " (not written)" : "");
		} else if (i == 1) {
			rc = gc(&c, NULL, NULL);
			if (rc)
				case_fail("expected getcpu(&cpu, NULL, NULL) to return 0, seen %d", rc);
			else
				case_check(c == (unsigned)cpu, "getcpu(&cpu, NULL, NULL): expected CPU %d, seen %u%s", cpu,
					   c, c == UNSET ? " (not written)" : "");
		} else {
			rc = gc(NULL, NULL, NULL);
			case_check(rc == 0, "expected getcpu(NULL, NULL, NULL) to return 0, seen %d", rc);
		}
	}
}

static void setup(struct case_ctx *ctx)
{
	(void)ctx;
	ncpus = case_cpus(cpus, MAX_CPUS);
}

static void run(struct case_ctx *ctx)
{
	vdso_getcpu_t gc = (vdso_getcpu_t)case_fn(ctx, "getcpu");
	cpu_set_t saved;
	int have_saved = sched_getaffinity(0, sizeof(saved), &saved) == 0;

	case_diag("%d CPUs in the affinity mask", ncpus);
	for (int i = 0; i < ncpus; i++)
		check_cpu(gc, cpus[i]);
	check_null(gc);
	/* leave the process as found */
	if (!have_saved || sched_setaffinity(0, sizeof(saved), &saved))
		case_diag("could not restore the original affinity mask: %s", strerror(errno));
}

static const struct case_spec spec = {
	.name = "getcpu",
	.needs = CASE_NEED_VDSO,
	.roles = (const char *const[]){ "getcpu", NULL },
	.setup = setup,
	.run = run,
};
CASE_MAIN(spec)
