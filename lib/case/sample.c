/* SPDX-License-Identifier: MIT */
#include "sample.h"
#include "context_pc.h"
#include "timecheck.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_SAMPLES 4096
#define CPU_BUDGET_NS 250000000L	/* per function: 62 ticks at HZ=250 */
/* An emulator (QEMU TCG, more so on a loaded host) delivers fewer profiling
 * ticks per CPU second: the loop goes on past the budget until SAMPLE_MIN
 * samples are in, up to four budgets; only then is a shortfall the timer's
 * fault rather than the machine's pace. */
#define CPU_BUDGET_MAX_NS (4 * CPU_BUDGET_NS)

static volatile uintptr_t pcs[MAX_SAMPLES];
static volatile unsigned char thumb[MAX_SAMPLES];	/* context_thumb() of each */
static volatile sig_atomic_t npcs;

static void on_prof(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	if (npcs < MAX_SAMPLES) {
		thumb[npcs] = (unsigned char)context_thumb(uc);
		pcs[npcs++] = context_pc(uc);
	}
}

/* Does the instruction before pc enter the kernel?  Then the sample was
 * taken while a system call ran (the signal is delivered on its return). */
static int after_syscall(uintptr_t pc, uintptr_t map_start, int in_thumb)
{
	return insn_before_is_syscall(pc, map_start, in_thumb);
}

int sample_needs_clocksource(const char *role)
{
	return !strcmp(role, "clock_gettime") || !strcmp(role, "gettimeofday");
}

/* int64_t: a long is 32 bits on i386, where these cases run too */
static int64_t ts_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static int64_t cpu_ns(void)
{
	struct timespec t;

	syscall(SYS_clock_gettime, CLOCK_THREAD_CPUTIME_ID, &t);
	return ts_ns(&t);
}

struct loop_state {
	int64_t prev;
	struct timespec res0;
	long ncpu;
	unsigned bad;
	char why[256];
};

static int budget_spent(unsigned long i, int64_t start)
{
	/* rare enough that the clock syscall itself is not what gets sampled */
	int64_t spent;

	if (i & 65535)
		return 0;
	spent = cpu_ns() - start;
	return spent > CPU_BUDGET_NS && (npcs >= SAMPLE_MIN || spent > CPU_BUDGET_MAX_NS);
}

#define BAD(st, ...)                                                        \
	do {                                                                \
		if (!(st)->bad++)                                           \
			snprintf((st)->why, sizeof((st)->why), __VA_ARGS__); \
	} while (0)

/* One tight loop per role, so that the loop's own work stays small next
 * to the call it samples; each result is checked against the last. */
static void call_loop(const char *role, void *fn, struct loop_state *st, int64_t start)
{
	unsigned long i = 0;

	if (!strcmp(role, "clock_gettime")) {
		int (*f)(clockid_t, struct timespec *) = (int (*)(clockid_t, struct timespec *))fn;

		do {
			struct timespec t;
			int rc = f(CLOCK_MONOTONIC, &t);

			if (rc || t.tv_nsec < 0 || t.tv_nsec >= 1000000000L || ts_ns(&t) < st->prev) {
				char v[48];

				BAD(st, "clock_gettime(CLOCK_MONOTONIC) = %d, %s after %lld ns", rc,
				    timecheck_fmt_ts(v, sizeof(v), (int64_t)t.tv_sec, (int64_t)t.tv_nsec),
				    (long long)st->prev);
			}
			st->prev = ts_ns(&t);
		} while (!budget_spent(++i, start));
	} else if (!strcmp(role, "gettimeofday")) {
		int (*f)(struct timeval *, void *) = (int (*)(struct timeval *, void *))fn;

		do {
			struct timeval tv;
			int rc = f(&tv, NULL);
			int64_t us = (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;

			if (rc || tv.tv_usec < 0 || tv.tv_usec >= 1000000 || us < st->prev) {
				char v[48];

				BAD(st, "gettimeofday = %d, %s after %lld us", rc,
				    timecheck_fmt_tv(v, sizeof(v), (int64_t)tv.tv_sec, (int64_t)tv.tv_usec),
				    (long long)st->prev);
			}
			st->prev = us;
		} while (!budget_spent(++i, start));
	} else if (!strcmp(role, "time")) {
		time_t (*f)(time_t *) = (time_t(*)(time_t *))fn;

		do {
			int64_t t = (int64_t)f(NULL);

			if (t < st->prev)
				BAD(st, "time() = %lld after %lld", (long long)t, (long long)st->prev);
			st->prev = t;
		} while (!budget_spent(++i, start));
	} else if (!strcmp(role, "getcpu")) {
		int (*f)(unsigned *, unsigned *, void *) = (int (*)(unsigned *, unsigned *, void *))fn;

		do {
			unsigned cpu = ~0u, node = ~0u;
			int rc = f(&cpu, &node, NULL);

			if (rc || cpu >= (unsigned)st->ncpu)
				BAD(st, "getcpu = %d, cpu %u of %ld configured", rc, cpu, st->ncpu);
		} while (!budget_spent(++i, start));
	} else if (!strcmp(role, "clock_getres")) {
		int (*f)(clockid_t, struct timespec *) = (int (*)(clockid_t, struct timespec *))fn;

		do {
			struct timespec r;
			int rc = f(CLOCK_MONOTONIC, &r);

			if (rc || r.tv_sec != st->res0.tv_sec || r.tv_nsec != st->res0.tv_nsec) {
				char v[48], w[48];

				BAD(st, "clock_getres(CLOCK_MONOTONIC) = %d, %s, syscall says %s", rc,
				    timecheck_fmt_ts(v, sizeof(v), (int64_t)r.tv_sec, (int64_t)r.tv_nsec),
				    timecheck_fmt_ts(w, sizeof(w), (int64_t)st->res0.tv_sec, (int64_t)st->res0.tv_nsec));
			}
		} while (!budget_spent(++i, start));
	}
}

/* Executable mappings, read once after sampling, so that the bytes before
 * any sampled PC can be inspected without risking a fault. */
struct xmaps {
	unsigned n;
	uintptr_t lo[256], hi[256];
};

static void read_xmaps(struct xmaps *x)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];

	x->n = 0;
	if (!f)
		return;
	while (x->n < 256 && fgets(line, sizeof(line), f)) {
		unsigned long s, e;
		char p[8];

		if (sscanf(line, "%lx-%lx %7s", &s, &e, p) == 3 && p[0] == 'r' && p[2] == 'x') {
			x->lo[x->n] = s;
			x->hi[x->n] = e;
			x->n++;
		}
	}
	fclose(f);
}

static uintptr_t xmap_start(const struct xmaps *x, uintptr_t pc)
{
	for (unsigned i = 0; i < x->n; i++)
		if (pc >= x->lo[i] && pc < x->hi[i])
			return x->lo[i];
	return 0;
}

int sample_run(const struct case_ctx *ctx, const char *role, struct sample_result *r, char *why, size_t len)
{
	struct sigaction sa = { 0 }, old;
	struct itimerval on = { { 0, 1000 }, { 0, 1000 } }, off = { { 0, 0 }, { 0, 0 } };
	struct loop_state st = { 0 };
	struct timespec before, after;
	void *fn = case_fn(ctx, role), *raw = case_fn_raw(ctx, role);
	uintptr_t ms, me;
	char perms[8], name[4096];
	struct xmaps xm;
	int64_t start;

	memset(r, 0, sizeof(*r));
	if (!HAVE_CONTEXT_PC) {
		snprintf(why, len, "no way to read the interrupted PC from a ucontext is known for this architecture");
		return SAMPLE_UNSUPPORTED;
	}
	/* the mapping of the function itself: what case_fn gives may be a
	 * trampoline in this program (powerpc's error convention) */
	if (!fn || !raw || case_mapping_of((uintptr_t)raw, &ms, &me, perms, name, sizeof(name))) {
		snprintf(why, len, "%s is not resolved or not mapped", role);
		return -1;
	}
	st.ncpu = sysconf(_SC_NPROCESSORS_CONF);
	syscall(SYS_clock_getres, CLOCK_MONOTONIC, &st.res0);
	sa.sa_sigaction = on_prof;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPROF, &sa, &old);
	npcs = 0;
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &before);
	start = cpu_ns();
	setitimer(ITIMER_PROF, &on, NULL);
	call_loop(role, fn, &st, start);
	setitimer(ITIMER_PROF, &off, NULL);
	r->cpu_seconds = (cpu_ns() - start) / 1e9;
	sigaction(SIGPROF, &old, NULL);
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &after);
	if (!strcmp(role, "clock_gettime") && (st.prev < ts_ns(&before) || st.prev > ts_ns(&after)))
		BAD(&st, "last clock_gettime %lld ns outside the syscall bracket [%lld, %lld]",
		    (long long)st.prev, (long long)ts_ns(&before), (long long)ts_ns(&after));
	r->bad_values = st.bad;
	snprintf(r->bad_value_why, sizeof(r->bad_value_why), "%s", st.why);
	read_xmaps(&xm);

	r->samples = (unsigned)npcs;
	for (unsigned i = 0; i < r->samples; i++) {
		uintptr_t pc = pcs[i];
		int in_map = pc >= ms && pc < me, in = vdso_pc_in_text(&ctx->img, pc);

		if (in != in_map && !r->misclassified++) {
			r->bad_pc = pc;
			r->bad_in_map = in_map;
		}
		uintptr_t xs = xmap_start(&xm, pc);
		int sys = xs && after_syscall(pc, xs, thumb[i]);

		r->after_syscall += sys;
		if (in && !sys)
			r->in_text++;
	}
	r->fast_fraction = r->samples ? (double)r->in_text / r->samples : 0;
	r->syscall_fraction = r->samples ? (double)r->after_syscall / r->samples : 0;
	return 0;
}

/* --- mremap -------------------------------------------------------------- */

struct piece {
	uintptr_t start, end;
};

/* The vDSO code finds its data pages at a fixed distance, so [vvar*] and
 * [vdso] move together, keeping their layout, as CRIU moves them. */
static int special_mappings(struct piece *p, int max, uintptr_t *lo, uintptr_t *hi)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	int n = 0;

	if (!f)
		return -1;
	*lo = UINTPTR_MAX;
	*hi = 0;
	while (fgets(line, sizeof(line), f) && n < max) {
		unsigned long s, e;
		char name[64] = "";

		if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %63s", &s, &e, name) < 3)
			continue;
		if (strncmp(name, "[vvar", 5) && strcmp(name, "[vdso]"))
			continue;
		p[n].start = s;
		p[n].end = e;
		n++;
		if (s < *lo)
			*lo = s;
		if (e > *hi)
			*hi = e;
	}
	fclose(f);
	return n;
}

static int child_check(const struct case_ctx *ctx, char *out, size_t len)
{
	struct piece p[8];
	uintptr_t lo, hi, ms, me;
	int n = special_mappings(p, 8, &lo, &hi);
	uintptr_t old_base = ctx->img.load_offset, base = (uintptr_t)ctx->img.data, delta;
	struct vdso_image img;
	struct vdso_key key;
	struct vdso_sym sym;
	const struct vdso_arch_sym *cg = case_role_sym(ctx, "clock_gettime");
	unsigned char *dst;
	int (*fn)(clockid_t, struct timespec *);

	if (n <= 0 || !cg) {
		snprintf(out, len, "no [vdso] mapping or no clock_gettime to call");
		return -1;
	}
	dst = mmap(NULL, hi - lo, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (dst == MAP_FAILED) {
		snprintf(out, len, "mmap of %lu bytes: %s", (unsigned long)(hi - lo), strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		size_t sz = p[i].end - p[i].start;

		if (mremap((void *)p[i].start, sz, sz, MREMAP_MAYMOVE | MREMAP_FIXED, dst + (p[i].start - lo)) ==
		    MAP_FAILED) {
			snprintf(out, len, "mremap of [%#lx, %#lx) to %p: %s", (unsigned long)p[i].start,
				 (unsigned long)p[i].end, (void *)(dst + (p[i].start - lo)), strerror(errno));
			return -1;
		}
	}
	delta = (uintptr_t)dst - lo;
#if defined(__i386__)
	{
		/* i386 libc enters the kernel through __kernel_vsyscall, whose
		 * address it keeps in the TCB (%gs:0x10): follow the move, as
		 * CRIU must, or the next system call jumps into the old place */
		uintptr_t sysinfo;

		__asm__ volatile("movl %%gs:0x10, %0" : "=r"(sysinfo));
		if (sysinfo >= lo && sysinfo < hi)
			__asm__ volatile("movl %0, %%gs:0x10" : : "r"(sysinfo + delta) : "memory");
	}
#endif
	if (vdso_open_mapped(&img, (const void *)(base + delta), ctx->img.size) != VDSO_OK) {
		snprintf(out, len, "reopening the moved vDSO: %s", img.err);
		return -1;
	}
	vdso_key_init(&key, cg->name, cg->version);
	if (vdso_lookup(&img, &key, VDSO_BY_ANY, &sym) != VDSO_OK) {
		snprintf(out, len, "%s not found in the moved vDSO", cg->name);
		return -1;
	}
	if (img.load_offset != old_base + delta || !vdso_pc_in_text(&img, sym.addr) ||
	    vdso_pc_in_text(&img, sym.addr - delta)) {
		snprintf(out, len, "after the move by %#lx the classifier is wrong (load offset %#lx, expected %#lx)",
			 (unsigned long)delta, (unsigned long)img.load_offset, (unsigned long)(old_base + delta));
		return -1;
	}
	if (case_mapping_named("[vdso]", &ms, &me) || ms != base + delta) {
		snprintf(out, len, "/proc/self/maps shows [vdso] at %#lx, moved to %#lx", (unsigned long)ms,
			 (unsigned long)(base + delta));
		return -1;
	}
	fn = (int (*)(clockid_t, struct timespec *))sym.addr;
	for (int i = 0; i < 1000; i++) {
		struct timespec a, v, b;

		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &a);
		if (fn(CLOCK_MONOTONIC, &v) != 0) {
			snprintf(out, len, "moved clock_gettime returned an error");
			return -1;
		}
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &b);
		if (ts_ns(&v) < ts_ns(&a) || ts_ns(&v) > ts_ns(&b)) {
			snprintf(out, len, "moved clock_gettime %lld ns outside the syscall bracket [%lld, %lld]",
				 (long long)ts_ns(&v), (long long)ts_ns(&a), (long long)ts_ns(&b));
			return -1;
		}
	}
	snprintf(out, len, "moved %d mappings by %#lx; 1000 bracketed calls correct", n, (unsigned long)delta);
	return 0;
}

int sample_mremap_child(const struct case_ctx *ctx, char *why, size_t len)
{
	int fds[2], status;
	pid_t pid;
	ssize_t got;

	if (pipe(fds))
		return snprintf(why, len, "pipe: %s", strerror(errno)), -1;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return snprintf(why, len, "fork: %s", strerror(errno)), -1;
	if (pid == 0) {
		/* glibc's cached vDSO pointers are stale after the move: the
		 * child uses raw syscalls and the reopened image only */
		char msg[512];
		int rc = child_check(ctx, msg, sizeof(msg));

		close(fds[0]);
		if (write(fds[1], msg, strlen(msg)) < 0)
			_exit(3);
		_exit(rc ? 1 : 0);
	}
	close(fds[1]);
	got = read(fds[0], why, len - 1);
	why[got > 0 ? got : 0] = 0;
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (WIFSIGNALED(status)) {
		size_t l = strlen(why);

		snprintf(why + l, len - l, "%schild killed by signal %d (%s) after moving the vDSO", l ? "; " : "",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
		return -1;
	}
	return WEXITSTATUS(status) == 0 ? 0 : -1;
}
