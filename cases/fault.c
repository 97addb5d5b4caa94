/* SPDX-License-Identifier: MIT */
/* fault: the fault ABI, as vdsotest's "abi" mode checks it.  Every output
 * pointer a vDSO function writes through is given a bad value (NULL,
 * UINTPTR_MAX, a PROT_NONE page, a read-only page).  The system call is the
 * reference and must fail with EFAULT; the vDSO must either return -EFAULT
 * (when it passes the call to the kernel, as it does for the CPU-time
 * clocks) or die by SIGSEGV (when it writes through the pointer itself;
 * for the unaligned UINTPTR_MAX, SIGBUS BUS_ADRALN where stores trap):
 * returning 0 without writing, another error, another signal or a hang is
 * a bug.  An invalid clock id with a bad pointer must give EINVAL on both
 * paths: the kernel checks the id before it writes.  The auxiliary clock
 * ids (16-23, 6.17+) get points of their own (fault.einval.*.CLOCK_AUX):
 * the vDSO must give the syscall's answer for them.  Where a 32-bit vDSO
 * exports clock_getres_time64 (7.0+), its invalid ids are judged alike
 * (fault.einval.clock_getres_time64[.CLOCK_AUX]).  Every vDSO call runs
 * in its own forked child, so a SIGSEGV kills only that child; the
 * syscall, which cannot fault, runs in the parent. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "case/case.h"
#include "case/clock.h"
#include "case/known_case.h"

/* A vDSO call that has not returned in this long hangs: the calls under
 * test take well under a microsecond, a syscall fallback a few, and a
 * forked child is scheduled within milliseconds even under stress-ng. */
#define CHILD_TIMEOUT_S 2

enum kind { K_NULL, K_MAX, K_NONE, K_RDONLY, NKINDS };
static const char *const kind_names[NKINDS] = { "NULL", "UINTPTR_MAX", "PROT_NONE", "PROT_READ" };
static void *bad_ptr[NKINDS];

/* Is a fault address where a write through ptr faults?  The pointer's page
 * or the next (an output structure may straddle the boundary), counted
 * modulo the address space: a structure at UINTPTR_MAX wraps to page 0,
 * and x86-64 reports the general protection fault of a non-canonical
 * address as si_addr 0.  Some architectures (s390) report only the page,
 * so nothing finer than a page can be asked. */
static int at_pointer(uintptr_t fault, const void *ptr)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t first = (uintptr_t)ptr & ~(page - 1);

	return fault - first < 2 * page;
}

/* What is called with a bad pointer: a function, and which argument. */
enum what { W_GETTIME, W_GETTIME64, W_GETRES, W_GETRES64, W_GTOD_TV, W_GTOD_TZ, W_TIME, W_GETCPU_CPU, W_GETCPU_NODE };

struct subject {
	enum what what;
	const char *role;
	const char *label;	/* point name after "fault." */
	int per_clock;
	const char *null_valid;	/* why NULL is a valid argument, or NULL */
};

static const struct subject subjects[] = {
	{ W_GETTIME, "clock_gettime", "clock_gettime", 1, NULL },
	{ W_GETTIME64, "clock_gettime64", "clock_gettime64", 1, NULL },
	{ W_GETRES, "clock_getres", "clock_getres", 1,
	  "NULL res is valid: clock_getres() then only validates the clock id (POSIX; the syscall returns 0)" },
	{ W_GTOD_TV, "gettimeofday", "gettimeofday.tv", 0,
	  "NULL tv is valid: gettimeofday() then only fills tz (the syscall returns 0)" },
	{ W_GTOD_TZ, "gettimeofday", "gettimeofday.tz", 0, "NULL tz is valid (the usual call; the syscall returns 0)" },
	{ W_TIME, "time", "time", 0, "NULL tloc is valid: time() then only returns the time" },
	{ W_GETCPU_CPU, "getcpu", "getcpu.cpu", 0, "NULL cpu is valid: getcpu() then only fills node" },
	{ W_GETCPU_NODE, "getcpu", "getcpu.node", 0, "NULL node is valid: getcpu() then only fills cpu" },
};

/* CLOCK_MONOTONIC: read in user space (a SIGSEGV is expected);
 * CLOCK_MONOTONIC_COARSE: the vDSO's other user-space path;
 * CLOCK_PROCESS_CPUTIME_ID: the vDSO passes it to the syscall (-EFAULT). */
static const clockid_t fault_clocks[] = { CLOCK_MONOTONIC, CLOCK_MONOTONIC_COARSE, CLOCK_PROCESS_CPUTIME_ID };

/* Invalid ids tried with a NULL and a PROT_NONE pointer. */
static const enum kind einval_kinds[] = { K_NULL, K_NONE };

/* clock_getres_time64, the 32-bit ABIs' time64 clock_getres (7.0+ vDSOs) */
static long sys_getres64(clockid_t id, void *p)
{
#ifdef SYS_clock_getres_time64
	long r = syscall(SYS_clock_getres_time64, id, p);

	return r < 0 ? -errno : r;
#else
	(void)id, (void)p;
	return -ENOSYS;
#endif
}

/* The reference: the system call with the bad pointer p.  The other
 * pointer argument, where there is one, is valid (or NULL where that is
 * the ordinary call). */
static long call_sys(enum what w, clockid_t id, void *p)
{
	struct timeval tv;
	unsigned cpu;

	switch (w) {
	case W_GETTIME:
		return sys_clock_gettime(id, p);
	case W_GETTIME64:
		return sys_clock_gettime64(id, p);
	case W_GETRES:
		return sys_clock_getres(id, p);
	case W_GETRES64:
		return sys_getres64(id, p);
	case W_GTOD_TV:
		return sys_gettimeofday(p, NULL);
	case W_GTOD_TZ:
		return sys_gettimeofday(&tv, p);
	case W_TIME:
		return sys_time(p);
	case W_GETCPU_CPU:
		return sys_getcpu(p, NULL);
	case W_GETCPU_NODE:
		return sys_getcpu(&cpu, p);
	}
	return -ENOSYS;
}

/* The same call through the target's function f. */
static int64_t call_vdso(enum what w, void *f, clockid_t id, void *p)
{
	struct timeval tv;
	unsigned cpu;

	switch (w) {
	case W_GETTIME:
	case W_GETTIME64:
	case W_GETRES64:
		return ((int (*)(clockid_t, void *))f)(id, p);
	case W_GETRES:
		return ((vdso_clock_getres_t)f)(id, p);
	case W_GTOD_TV:
		return ((vdso_gettimeofday_t)f)(p, NULL);
	case W_GTOD_TZ:
		return ((vdso_gettimeofday_t)f)(&tv, p);
	case W_TIME:
		return (int64_t)((vdso_time_t)f)(p);
	case W_GETCPU_CPU:
		return ((vdso_getcpu_t)f)(p, NULL, NULL);
	case W_GETCPU_NODE:
		return ((vdso_getcpu_t)f)(&cpu, p, NULL);
	}
	return -ENOSYS;
}

/* --- one vDSO call in a forked child ------------------------------------- */

struct shared {
	volatile int returned;
	volatile int64_t ret;
	volatile int faulted;
	volatile int fault_code;
	volatile uintptr_t fault_addr;
};
static struct shared *shm;

enum outcome_kind { O_RETURN, O_SIGNAL, O_HANG, O_EXIT, O_NOFORK };
struct outcome {
	enum outcome_kind kind;
	int64_t ret;
	int sig;
	int status;
};

/* Records where the fault hit, then lets it happen again with the default
 * action (SA_RESETHAND), so the child dies by SIGSEGV (or SIGBUS) as it
 * would have. */
static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	shm->fault_addr = (uintptr_t)si->si_addr;
	shm->fault_code = si->si_code;
	shm->faulted = 1;
}

/* UINTPTR_MAX is unaligned: where the architecture traps an unaligned
 * store before it looks at any page, SIGBUS is that pointer's fault.
 * 32-bit ARM (strd, in arm64's compat vDSO) says BUS_ADRALN at the
 * pointer; mips says SI_KERNEL with no address (an address error on a
 * kernel-segment address, arch/mips/kernel/unaligned.c do_ade()). */
static int unaligned_fault(void)
{
#if defined(__mips__)
	if (shm->fault_code == SI_KERNEL)
		return 1;
#endif
	return shm->fault_code == BUS_ADRALN && at_pointer(shm->fault_addr, bad_ptr[K_MAX]);
}

static struct outcome run_child(enum what w, void *f, clockid_t id, void *p)
{
	struct outcome o = { O_NOFORK, 0, 0, 0 };
	pid_t pid;
	int st;

	memset((void *)shm, 0, sizeof(*shm));
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		o.status = errno;
		return o;
	}
	if (pid == 0) {
		struct rlimit no_core = { 0, 0 };
		struct sigaction sa;

		/* the expected SIGSEGV must not leave a core dump behind */
		setrlimit(RLIMIT_CORE, &no_core);
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_segv;
		sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGSEGV, &sa, NULL);
		sigaction(SIGBUS, &sa, NULL);
		signal(SIGALRM, SIG_DFL);
		alarm(CHILD_TIMEOUT_S);
		shm->ret = call_vdso(w, f, id, p);
		shm->returned = 1;
		_exit(0);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	o.status = st;
	if (WIFSIGNALED(st)) {
		o.sig = WTERMSIG(st);
		o.kind = o.sig == SIGALRM && !shm->faulted ? O_HANG : O_SIGNAL;
	} else if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && shm->returned) {
		o.kind = O_RETURN;
		o.ret = shm->ret;
	} else {
		o.kind = O_EXIT;
	}
	return o;
}

/* "0", "-EFAULT (-14)", "1732000000" */
static const char *describe_ret(int64_t r, char *buf, size_t len)
{
	const char *name = r < 0 && r > -4096 ? strerrorname_np((int)-r) : NULL;

	if (name)
		snprintf(buf, len, "-%s (%lld)", name, (long long)r);
	else
		snprintf(buf, len, "%lld", (long long)r);
	return buf;
}

static const char *describe_outcome(const struct outcome *o, char *buf, size_t len)
{
	char r[64];

	switch (o->kind) {
	case O_RETURN:
		snprintf(buf, len, "returned %s", describe_ret(o->ret, r, sizeof(r)));
		break;
	case O_SIGNAL:
		if (o->sig == SIGSEGV || o->sig == SIGBUS)
			snprintf(buf, len, "died by %s (fault address %#lx, si_code %d)",
				 o->sig == SIGSEGV ? "SIGSEGV" : "SIGBUS", (unsigned long)shm->fault_addr,
				 shm->fault_code);
		else
			snprintf(buf, len, "died by signal %d (%s)", o->sig, strsignal(o->sig));
		break;
	case O_HANG:
		snprintf(buf, len, "did not return within %d s (hangs)", CHILD_TIMEOUT_S);
		break;
	case O_EXIT:
		snprintf(buf, len, "child ended without reporting (wait status %#x)", (unsigned)o->status);
		break;
	case O_NOFORK:
		snprintf(buf, len, "could not fork: %s", strerror(o->status));
		break;
	}
	return buf;
}

/* --- the points ---------------------------------------------------------- */

static int has_gettime64(const struct case_ctx *ctx)
{
	return case_role_sym(ctx, "clock_gettime64") != NULL;
}

static void check_fault(const struct case_ctx *ctx, const struct subject *s, clockid_t id, enum kind k)
{
	void *f = case_fn(ctx, s->role);
	char cbuf[32], sbuf[64], obuf[160];
	struct outcome o;
	long sys;

	if (s->per_clock ? !case_point("fault.%s.%s.%s", s->label, clock_name(id, cbuf, sizeof(cbuf)), kind_names[k])
			 : !case_point("fault.%s.%s", s->label, kind_names[k]))
		return;
	if (k == K_NULL && s->null_valid) {
		case_skip("%s", s->null_valid);
		return;
	}
	if (!f) {
		case_skip("target exports no %s", s->role);
		return;
	}
	if (!bad_ptr[k] && k != K_NULL) {
		case_skip("could not map the %s page", kind_names[k]);
		return;
	}
	sys = call_sys(s->what, id, bad_ptr[k]);
	if (sys != -EFAULT) {
		case_fail("expected the system call to fail with EFAULT for the %s pointer %#lx, seen %s",
			  kind_names[k], (unsigned long)(uintptr_t)bad_ptr[k], describe_ret(sys, sbuf, sizeof(sbuf)));
		return;
	}
	o = run_child(s->what, f, id, bad_ptr[k]);
	if (o.kind == O_SIGNAL && o.sig == SIGSEGV && at_pointer(shm->fault_addr, bad_ptr[k])) {
		case_diag("syscall: -EFAULT; vDSO: SIGSEGV (fault address %#lx, si_code %d)",
			  (unsigned long)shm->fault_addr, shm->fault_code);
		case_pass();
	} else if (o.kind == O_SIGNAL && o.sig == SIGSEGV) {
		case_fail("expected a SIGSEGV at the %s pointer %#lx (its page or the next, where the "
			  "structure may end); the vDSO faulted at %#lx (si_code %d): a store or load "
			  "somewhere else",
			  kind_names[k], (unsigned long)(uintptr_t)bad_ptr[k], (unsigned long)shm->fault_addr,
			  shm->fault_code);
	} else if (k == K_MAX && o.kind == O_SIGNAL && o.sig == SIGBUS && unaligned_fault()) {
		case_diag("syscall: -EFAULT; vDSO: SIGBUS, an address error (fault address %#lx, si_code %d)",
			  (unsigned long)shm->fault_addr, shm->fault_code);
		case_pass();
	} else if (o.kind == O_RETURN && o.ret == -EFAULT) {
		case_diag("syscall: -EFAULT; vDSO: -EFAULT");
		case_pass();
	} else {
		case_fail("expected the vDSO to return -EFAULT (as the system call does) or to die by SIGSEGV for the %s pointer %#lx; it %s",
			  kind_names[k], (unsigned long)(uintptr_t)bad_ptr[k], describe_outcome(&o, obuf, sizeof(obuf)));
	}
}

/*
 * Invalid clock ids with a bad pointer: the kernel checks the id before it
 * writes, so the syscall says EINVAL; the vDSO must say the same (check the
 * id first, or pass the call to the kernel).  The auxiliary clock ids
 * (CLOCK_AUX 16 .. CLOCK_AUX_LAST 23, since 6.17) are judged in a point of
 * their own, for clock_getres_time64 too where the 32-bit vDSO has it: whether the syscall accepts them depends on
 * CONFIG_POSIX_AUX_CLOCKS, and the vDSO must then agree with the syscall.
 */
#define CLOCK_AUX_FIRST 16
#define CLOCK_AUX_LAST 23

static int is_aux(clockid_t id)
{
	return id >= CLOCK_AUX_FIRST && id <= CLOCK_AUX_LAST;
}

/*
 * The known defect getres-clock-aux (known.h) with a bad pointer, in its
 * exact shape: 0 for a NULL res, SIGSEGV at the PROT_NONE page (the vDSO
 * writes the 1 ns resolution where the syscall would have said EINVAL).
 */
static int known_aux_getres_bug(const struct case_ctx *ctx, enum what w, enum kind k, const struct outcome *o)
{
	uintptr_t page = (uintptr_t)bad_ptr[K_NONE];

	if ((w != W_GETRES && w != W_GETRES64) || !case_known_possible(ctx, KNOWN_GETRES_CLOCK_AUX))
		return 0;
	if (k == K_NULL)
		return o->kind == O_RETURN && o->ret == 0;
	return o->kind == O_SIGNAL && o->sig == SIGSEGV && shm->fault_addr >= page &&
	       shm->fault_addr - page < (uintptr_t)sysconf(_SC_PAGESIZE);
}

static void check_einval(const struct case_ctx *ctx, enum what w, const char *role, int aux)
{
	void *f = case_fn(ctx, role);
	unsigned bad = 0, known = 0, tried = 0, accepted = 0;
	char sbuf[64], ebuf[64], obuf[160], ids[128] = "", cbuf[32];
	clockid_t list[16];
	size_t n = 0;

	if (aux ? !case_point("fault.einval.%s.CLOCK_AUX", role) : !case_point("fault.einval.%s", role))
		return;
	if (aux) {
		for (clockid_t id = CLOCK_AUX_FIRST; id <= CLOCK_AUX_LAST; id++)
			list[n++] = id;
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(clock_invalid_ids); i++)
			if (!is_aux(clock_invalid_ids[i]))
				list[n++] = clock_invalid_ids[i];
	}
	if (!f) {
		case_skip("target exports no %s", role);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		clockid_t id = list[i];
		struct timespec ok_ts[2];	/* room for a 64-bit timespec on 32-bit */
		const char *name = id == INT32_MAX ? "INT_MAX" : id == INT32_MIN ? "INT_MIN" : cbuf;

		snprintf(cbuf, sizeof(cbuf), "%d", (int)id);
		/* with a valid pointer: is the id invalid on this kernel at all? */
		if (call_sys(w, id, ok_ts) == 0) {
			accepted++;
			if (!aux) {
				case_diag("clock id %s: the system call accepts it (expected EINVAL)", name);
				bad++;
			}
			continue;
		}
		snprintf(ids + strlen(ids), sizeof(ids) - strlen(ids), "%s%s", strlen(ids) ? ", " : "", name);
		for (size_t j = 0; j < ARRAY_SIZE(einval_kinds); j++) {
			enum kind k = einval_kinds[j];
			long sys, want = -EINVAL;
			struct outcome o;

			if (k != K_NULL && !bad_ptr[k])
				continue;
			tried++;
			sys = call_sys(w, id, bad_ptr[k]);
			if (aux && sys < 0 && sys != -EFAULT)
				want = sys;	/* EINVAL, or the aux clock's own error */
			if (sys != want) {
				case_diag("clock id %s, %s pointer: expected the system call to fail with %s, seen %s",
					  name, kind_names[k], describe_ret(want, ebuf, sizeof(ebuf)),
					  describe_ret(sys, sbuf, sizeof(sbuf)));
				bad++;
				continue;
			}
			o = run_child(w, f, id, bad_ptr[k]);
			if (o.kind == O_RETURN && o.ret == want)
				continue;
			bad++;
			if (aux && known_aux_getres_bug(ctx, w, k, &o)) {
				if (known++)
					continue;	/* one example of the known bug is enough */
			}
			case_diag("clock id %s, %s pointer: the syscall says %s; expected the vDSO to say so too "
				  "(check the id first, or pass the call to the kernel); it %s",
				  name, kind_names[k], describe_ret(want, ebuf, sizeof(ebuf)),
				  describe_outcome(&o, obuf, sizeof(obuf)));
		}
	}
	if (aux && !tried) {
		case_skip("the system call accepts all %u auxiliary clock ids (CONFIG_POSIX_AUX_CLOCKS)", accepted);
	} else if (bad && bad == known) {
		case_diag("the vDSO returned 0 for every NULL res and died by SIGSEGV at every PROT_NONE page "
			  "(ids %s)", ids);
		case_known_xfail(KNOWN_GETRES_CLOCK_AUX, "0 for a NULL res, SIGSEGV at the PROT_NONE page: %u of %u calls",
				 bad, tried);
	} else if (bad) {
		case_fail("%u of %u calls with an invalid clock id did not fail alike on both paths", bad, tried);
	} else {
		case_diag("%u calls (each of the ids %s with a NULL and a PROT_NONE pointer): "
			  "syscall and vDSO gave the same error", tried, ids);
		case_pass();
	}
}

static void setup(struct case_ctx *ctx)
{
	long page = sysconf(_SC_PAGESIZE);
	void *none, *rdonly;

	(void)ctx;
	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED)
		ksft_exit_fail_msg("mmap of the shared result page: %s\n", strerror(errno));
	none = mmap(NULL, (size_t)page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	rdonly = mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	bad_ptr[K_NULL] = NULL;
	bad_ptr[K_MAX] = (void *)UINTPTR_MAX;
	bad_ptr[K_NONE] = none == MAP_FAILED ? NULL : none;
	bad_ptr[K_RDONLY] = rdonly == MAP_FAILED ? NULL : rdonly;
	case_diag("bad pointers: NULL, UINTPTR_MAX %p, PROT_NONE page %p, PROT_READ page %p", bad_ptr[K_MAX],
		  bad_ptr[K_NONE], bad_ptr[K_RDONLY]);
}

static void run(struct case_ctx *ctx)
{
	for (size_t i = 0; i < ARRAY_SIZE(subjects); i++) {
		const struct subject *s = &subjects[i];

		if (s->what == W_GETTIME64 && !has_gettime64(ctx))
			continue;
		for (size_t c = 0; c < (s->per_clock ? ARRAY_SIZE(fault_clocks) : 1); c++)
			for (int k = 0; k < NKINDS; k++)
				check_fault(ctx, s, s->per_clock ? fault_clocks[c] : 0, (enum kind)k);
	}
	for (int aux = 0; aux < 2; aux++) {
		check_einval(ctx, W_GETTIME, "clock_gettime", aux);
		if (has_gettime64(ctx))
			check_einval(ctx, W_GETTIME64, "clock_gettime64", aux);
		check_einval(ctx, W_GETRES, "clock_getres", aux);
		if (case_role_sym(ctx, "clock_getres_time64"))
			check_einval(ctx, W_GETRES64, "clock_getres_time64", aux);
	}
}

static const struct case_spec spec = {
	.name = "fault",
	.needs = CASE_NEED_VDSO,
	.roles = (const char *const[]){ "clock_gettime", NULL },
	.setup = setup,
	.run = run,
};
CASE_MAIN(spec)
