/* SPDX-License-Identifier: MIT */
/*
 * nolibc: the vDSO as a program without any C library sees it, the way
 * Go's runtime and other freestanding runtimes use it: the image found
 * through AT_SYSINFO_EHDR on the initial stack, its functions resolved
 * in one pass over a key table {name, version, &pointer} (libvdso's
 * vdso_resolve, built freestanding), and each function's answer checked
 * against the raw system call: syscall <= vDSO <= syscall.
 *
 * No process has been set up by a C library here: no TLS, no stack
 * protector canary, no relocation of its own, no signal handlers.  The
 * vDSO must work for such a caller too.
 *
 *   nolibc [--hide-sysinfo-ehdr]
 * The option zeroes AT_SYSINFO_EHDR before the lookup, as a kernel
 * booted with vdso=0 leaves it out: the program must then skip.
 *
 * Fake targets: the suite's fakes are shared objects for ld.so, which
 * this program does not have.  Its own fakes (fixtures/nolibc) are vDSO
 * images linked into a copy of it (nolibc_fake_image, page-aligned in
 * its text); such a copy checks that image instead of the kernel's.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ktap.h"
#include "sys.h"
#include "vdso/bounds.h"
#include "vdso/parse.h"
#include "vdso/vdso.h"

#define AT_NULL 0
#define AT_PAGESZ 6
#define AT_SYSINFO_EHDR 33

/* rounds per point: each reads the vDSO between two system calls; a
 * bracket that fails once fails the point (no tolerance: the vDSO and the
 * system call read the same timekeeper) */
#define ROUNDS 200
#define MAX_CPUS 1024
#define LIVE_MAX (16u << 20)	/* lib/vdso/live.c's bound */

struct clock_name {
	int id;
	const char *name;
};

/* the ids clock_gettime can accept (10 was CLOCK_SGI_CYCLE, never on
 * Linux; 16..23 are the auxiliary clocks of 6.17+, when enabled), and the
 * CPU-time clocks of this process and thread as the kernel encodes them
 * (~pid << 3 | CPUCLOCK_SCHED, 4 for a thread; pid 0 is the caller):
 * what clock_getcpuclockid and pthread_getcpuclockid give */
static const struct clock_name clocks[] = {
	{ 0, "CLOCK_REALTIME" },	{ 1, "CLOCK_MONOTONIC" },
	{ 2, "CLOCK_PROCESS_CPUTIME_ID" }, { 3, "CLOCK_THREAD_CPUTIME_ID" },
	{ 4, "CLOCK_MONOTONIC_RAW" },	{ 5, "CLOCK_REALTIME_COARSE" },
	{ 6, "CLOCK_MONOTONIC_COARSE" }, { 7, "CLOCK_BOOTTIME" },
	{ 8, "CLOCK_REALTIME_ALARM" },	{ 9, "CLOCK_BOOTTIME_ALARM" },
	{ 11, "CLOCK_TAI" },		{ 16, "CLOCK_AUX0" },
	{ 17, "CLOCK_AUX1" },		{ 18, "CLOCK_AUX2" },
	{ 19, "CLOCK_AUX3" },		{ 20, "CLOCK_AUX4" },
	{ 21, "CLOCK_AUX5" },		{ 22, "CLOCK_AUX6" },
	{ 23, "CLOCK_AUX7" },
	{ ~0 * 8 | 2, "process_cpuclock" },	{ ~0 * 8 | 6, "thread_cpuclock" },
};
#define NCLOCKS (sizeof(clocks) / sizeof(clocks[0]))

typedef int (*clock_gettime_fn)(int, struct k_timespec *);
typedef int (*clock_gettime64_fn)(int, struct k_timespec64 *);
typedef int (*gettimeofday_fn)(struct k_timeval *, void *);
typedef kword (*time_fn)(kword *);
typedef int (*getcpu_fn)(unsigned *, unsigned *, void *);

/* The key table, Go's shape: every name this architecture's vDSO
 * exports that is checked here, resolved in one vdso_resolve() pass.
 * role[] says where each function's key is, -1 where the architecture's
 * vDSO has no such function. */
enum { K_CLOCK_GETTIME, K_GETTIMEOFDAY, K_CLOCK_GETTIME64, K_TIME, K_GETCPU, NROLES };
static const char *const names[NROLES] = {
	[K_CLOCK_GETTIME] = VDSO_CLOCK_GETTIME,
	[K_GETTIMEOFDAY] = VDSO_GETTIMEOFDAY,
#ifdef VDSO_CLOCK_GETTIME64
	[K_CLOCK_GETTIME64] = VDSO_CLOCK_GETTIME64,
#endif
#ifdef VDSO_TIME
	[K_TIME] = VDSO_TIME,
#endif
#ifdef VDSO_GETCPU
	[K_GETCPU] = VDSO_GETCPU,
#endif
};
static struct vdso_key keys[NROLES];
static int role[NROLES];
static unsigned nkeys;

static void make_keys(void)
{
	for (int r = 0; r < NROLES; r++) {
		role[r] = -1;
		if (!names[r])
			continue;
		role[r] = (int)nkeys;
		keys[nkeys++] = (struct vdso_key)VDSO_KEY(names[r], VDSO_VERSION);
	}
}
static struct vdso_image img;
extern const unsigned char nolibc_fake_image[] __attribute__((weak));
static int resolved;

static int streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

/* "# text" as one line */
static void diag(const char *s)
{
	ktap_diag_start();
	out_str(s);
	out_end();
}

/* The function of role r, or NULL: the point skips, saying why (the
 * two every vDSO has are required by nolibc.resolve). */
static void *fn_of(int r)
{
	if (!resolved) {
		ktap_skip("the vDSO was not resolved (nolibc.resolve)");
		return NULL;
	}
	if (role[r] < 0) {
		ktap_skip("this architecture's vDSO has no such function");
		return NULL;
	}
	if (!keys[role[r]].found) {
		ktap_diag_start();
		out_str(keys[role[r]].name);
		out_str("@" VDSO_VERSION " is not in this vDSO (a kernel older than the function)");
		out_end();
		ktap_skip("not exported by this vDSO");
		return NULL;
	}
	return (void *)keys[role[r]].addr;
}

/* The image at base, length from its own program headers (as
 * vdso_open_live does): parsed and its key table resolved. */
static void check_resolve(uintptr_t base, unsigned long page)
{
	struct vdso_image hdr;
	uint64_t extent = 0;
	unsigned char vec[64];
	int rc, n;

	ktap_point("resolve", NULL);
	memset(&hdr, 0, sizeof(hdr));
	if (sys_mincore((void *)(base & ~(uintptr_t)(page - 1)), page, vec) != 0) {
		diag("AT_SYSINFO_EHDR points at no mapped page");
		ktap_fail();
		return;
	}
	/* the first page holds the headers; LOADED so that segments past it
	 * are not refused before their extent is known */
	hdr.data = (const unsigned char *)base;
	hdr.size = page;
	hdr.layout = VDSO_LAYOUT_LOADED;
	if ((rc = vdso_parse_ehdr(&hdr)) != VDSO_OK || (rc = vdso_parse_phdrs(&hdr)) != VDSO_OK) {
		ktap_diag_start();
		out_str("the ELF headers at AT_SYSINFO_EHDR: status ");
		out_i64(rc);
		out_str(", ");
		out_str(hdr.err);
		out_end();
		ktap_fail();
		return;
	}
	for (unsigned i = 0; i < hdr.nloads; i++)
		if (vdso_add(hdr.loads[i].offset, hdr.loads[i].filesz) > extent)
			extent = vdso_add(hdr.loads[i].offset, hdr.loads[i].filesz);
	/* a kernel vDSO is a few pages: this bound only keeps a hostile
	 * header from making the probe below walk gigabytes */
	if (extent > LIVE_MAX) {
		ktap_diag_start();
		out_str("the vDSO's PT_LOADs claim ");
		out_u64(extent);
		out_str(" bytes");
		out_end();
		ktap_fail();
		return;
	}
	extent = (extent + page - 1) & ~(uint64_t)(page - 1);
	for (uint64_t off = 0; off < extent; off += page * sizeof(vec)) {
		uint64_t chunk = extent - off < page * sizeof(vec) ? extent - off : page * sizeof(vec);

		if (sys_mincore((void *)(base + (uintptr_t)off), (size_t)chunk, vec) != 0) {
			ktap_diag_start();
			out_str("the vDSO's PT_LOADs reach ");
			out_u64(extent);
			out_str(" bytes, not all mapped");
			out_end();
			ktap_fail();
			return;
		}
	}
	rc = vdso_open_mapped(&img, (const void *)base, (size_t)extent);
	if (rc != VDSO_OK) {
		ktap_diag_start();
		out_str("libvdso refused the image: status ");
		out_i64(rc);
		out_str(", ");
		out_str(img.err);
		out_end();
		ktap_fail();
		return;
	}
	n = vdso_resolve(&img, keys, nkeys, VDSO_BY_ANY);
	ktap_diag_start();
	out_str(NOLIBC_ARCH " vDSO at ");
	out_hex(base);
	out_str(", ");
	out_u64(extent);
	out_str(" bytes; key table resolved ");
	out_i64(n);
	out_str(":");
	for (unsigned k = 0; k < nkeys; k++) {
		out_str(" ");
		out_str(keys[k].name);
		out_str(keys[k].found ? "=yes" : "=no");
	}
	out_end();
	if (n < 0 || !keys[role[K_CLOCK_GETTIME]].found || !keys[role[K_GETTIMEOFDAY]].found) {
		diag("clock_gettime and gettimeofday are exported by every vDSO at its version, and were not found");
		ktap_fail();
		return;
	}
	resolved = 1;
	ktap_pass();
}

static int ts_le(long long as, long long an, long long bs, long long bn)
{
	return as < bs || (as == bs && an <= bn);
}

/* sec.frac, the fraction in width digits (9: ns, 6: us) */
static void out_time(long long sec, long long frac, unsigned width)
{
	out_i64(sec);
	out_str(".");
	out_frac(frac, width);
}

static void report_bracket(const char *what, unsigned width, long round, const long long t[6])
{
	ktap_diag_start();
	out_str("expected syscall <= vDSO <= syscall; round ");
	out_i64(round);
	out_str(" of ");
	out_u64(ROUNDS);
	out_str(": ");
	out_str(what);
	out_str(" syscall ");
	out_time(t[0], t[1], width);
	out_str(", vDSO ");
	out_time(t[2], t[3], width);
	out_str(", syscall ");
	out_time(t[4], t[5], width);
	out_end();
	ktap_fail();
}

static void report_rc(const char *what, long rc)
{
	ktap_diag_start();
	out_str(what);
	out_str(" returned ");
	out_i64(rc);
	out_str(" where the system call returned 0");
	out_end();
	ktap_fail();
}

static int refused(long rc)
{
	if (rc == 0)
		return 0;
	ktap_diag_start();
	out_str("the system call returned ");
	out_i64(rc);
	out_end();
	ktap_skip("the system call refuses this clock");
	return 1;
}

static void check_clock_gettime(const struct clock_name *c)
{
	struct k_timespec a, v, b;
	clock_gettime_fn fn;

	ktap_point("clock_gettime", c->name);
	if (!(fn = (clock_gettime_fn)fn_of(K_CLOCK_GETTIME)))
		return;
	if (refused(sys_clock_gettime(c->id, &a)))
		return;
	for (long r = 0; r < ROUNDS; r++) {
		long rc1 = sys_clock_gettime(c->id, &a), rc = fn(c->id, &v), rc2 = sys_clock_gettime(c->id, &b);

		if (rc1 || rc2) {
			report_rc("the system call, mid-check,", rc1 ? rc1 : rc2);
			return;
		}
		if (rc) {
			report_rc("the vDSO's clock_gettime", rc);
			return;
		}
		if (!ts_le(a.sec, a.nsec, v.sec, v.nsec) || !ts_le(v.sec, v.nsec, b.sec, b.nsec) ||
		    v.nsec < 0 || v.nsec >= 1000000000) {
			report_bracket("clock_gettime", 9, r,
				       (const long long[6]){ a.sec, a.nsec, v.sec, v.nsec, b.sec, b.nsec });
			return;
		}
	}
	ktap_pass();
}

static void check_clock_gettime64(const struct clock_name *c)
{
#ifdef NR_clock_gettime64
	struct k_timespec64 a, v, b;
	clock_gettime64_fn fn;

	ktap_point("clock_gettime64", c->name);
	if (!(fn = (clock_gettime64_fn)fn_of(K_CLOCK_GETTIME64)))
		return;
	if (refused(sys_clock_gettime64(c->id, &a)))
		return;
	for (long r = 0; r < ROUNDS; r++) {
		long rc1 = sys_clock_gettime64(c->id, &a), rc = fn(c->id, &v), rc2 = sys_clock_gettime64(c->id, &b);

		if (rc1 || rc2) {
			report_rc("the system call, mid-check,", rc1 ? rc1 : rc2);
			return;
		}
		if (rc) {
			report_rc("the vDSO's clock_gettime64", rc);
			return;
		}
		if (!ts_le(a.sec, a.nsec, v.sec, v.nsec) || !ts_le(v.sec, v.nsec, b.sec, b.nsec) ||
		    v.nsec < 0 || v.nsec >= 1000000000) {
			report_bracket("clock_gettime64", 9, r,
				       (const long long[6]){ a.sec, a.nsec, v.sec, v.nsec, b.sec, b.nsec });
			return;
		}
	}
	ktap_pass();
#else
	(void)c;
#endif
}

static void check_gettimeofday(void)
{
	struct k_timeval a, v, b;
	gettimeofday_fn fn;

	ktap_point("gettimeofday", NULL);
	if (!(fn = (gettimeofday_fn)fn_of(K_GETTIMEOFDAY)))
		return;
	for (long r = 0; r < ROUNDS; r++) {
		long rc1 = sys_gettimeofday(&a), rc = fn(&v, NULL), rc2 = sys_gettimeofday(&b);

		if (rc1 || rc2) {
			report_rc("the system call", rc1 ? rc1 : rc2);
			return;
		}
		if (rc) {
			report_rc("the vDSO's gettimeofday", rc);
			return;
		}
		if (!ts_le(a.sec, a.usec, v.sec, v.usec) || !ts_le(v.sec, v.usec, b.sec, b.usec) ||
		    v.usec < 0 || v.usec >= 1000000) {
			report_bracket("gettimeofday", 6, r,
				       (const long long[6]){ a.sec, a.usec, v.sec, v.usec, b.sec, b.usec });
			return;
		}
	}
	ktap_pass();
}

static void check_time(void)
{
	ktap_point("time", NULL);
#ifdef NR_time
	time_fn fn = (time_fn)fn_of(K_TIME);

	if (!fn)
		return;
	for (long r = 0; r < ROUNDS; r++) {
		kword a = 0, b = 0, stored = -1, v;
		long rc1 = sys_time(&a);

		v = fn(&stored);
		if (rc1 < 0 || sys_time(&b) < 0) {
			report_rc("the system call time", rc1 < 0 ? rc1 : -1);
			return;
		}
		if (a > v || v > b || stored != v) {
			ktap_diag_start();
			out_str("expected syscall <= vDSO <= syscall and *tloc == the return: round ");
			out_i64(r);
			out_str(": syscall ");
			out_i64(a);
			out_str(", vDSO ");
			out_i64(v);
			out_str(" (stored ");
			out_i64(stored);
			out_str("), syscall ");
			out_i64(b);
			out_end();
			ktap_fail();
			return;
		}
	}
	ktap_pass();
#else
	ktap_skip("this architecture has no time system call (nor a vDSO time)");
#endif
}

/* Pinned to each CPU it may run on in turn: the vDSO's CPU and node are
 * the system call's (exact: the process cannot move while pinned). */
static void check_getcpu(void)
{
	static unsigned long all[MAX_CPUS / (8 * sizeof(unsigned long))], one[MAX_CPUS / (8 * sizeof(unsigned long))];
	const unsigned bits = 8 * sizeof(unsigned long);
	unsigned pinned = 0;
	getcpu_fn fn;
	long got;

	ktap_point("getcpu", NULL);
	if (!(fn = (getcpu_fn)fn_of(K_GETCPU)))
		return;
	got = sys_sched_getaffinity(sizeof(all), all);
	if (got <= 0) {
		ktap_skip("sched_getaffinity failed");
		return;
	}
	for (unsigned cpu = 0; cpu < (unsigned)got * 8; cpu++) {
		unsigned sc = ~0u, sn = ~0u, vc = ~0u, vn = ~0u;
		long rc;

		if (!(all[cpu / bits] >> (cpu % bits) & 1))
			continue;
		memset(one, 0, sizeof(one));
		one[cpu / bits] = 1ul << (cpu % bits);
		if (sys_sched_setaffinity(sizeof(one), one) != 0)
			continue;	/* went offline meanwhile */
		pinned++;
		if (sys_getcpu(&sc, &sn) != 0 || (rc = fn(&vc, &vn, NULL)) != 0 || vc != sc || vn != sn) {
			ktap_diag_start();
			out_str("pinned to CPU ");
			out_u64(cpu);
			out_str(": system call cpu ");
			out_u64(sc);
			out_str(" node ");
			out_u64(sn);
			out_str(", vDSO cpu ");
			out_u64(vc);
			out_str(" node ");
			out_u64(vn);
			out_end();
			sys_sched_setaffinity(sizeof(all), all);
			ktap_fail();
			return;
		}
	}
	sys_sched_setaffinity(sizeof(all), all);
	if (!pinned) {
		ktap_skip("could not pin to any CPU");
		return;
	}
	ktap_diag_start();
	out_str("pinned to each of ");
	out_u64(pinned);
	out_str(" CPUs: cpu and node as the system call's");
	out_end();
	ktap_pass();
}

static unsigned plan(void)
{
	unsigned n = 1 + NCLOCKS + 3;	/* resolve, the clocks, gettimeofday, time, getcpu */
#ifdef NR_clock_gettime64
	n += NCLOCKS;
#endif
	return n;
}

static const char *env_get(char **envp, const char *name)
{
	size_t len = strlen(name);

	for (; *envp; envp++)
		if (!memcmp(*envp, name, len) && (*envp)[len] == '=')
			return *envp + len + 1;
	return NULL;
}

static __attribute__((noreturn)) void usage(const char *bad)
{
	const char *msg1 = "nolibc: unknown argument '";
	const char *msg2 = "' (usage: nolibc [--hide-sysinfo-ehdr])\n";

	sys_write(2, msg1, strlen(msg1));
	sys_write(2, bad, strlen(bad));
	sys_write(2, msg2, strlen(msg2));
	sys_exit(2);
}

/* called by _start with the initial stack: argc, argv[], NULL, envp[],
 * NULL, then the auxiliary vector's (type, value) pairs */
__attribute__((noreturn, used)) void nolibc_start(unsigned long *sp);
__attribute__((noreturn, used)) void nolibc_start(unsigned long *sp)
{
	unsigned long argc = sp[0], *auxv, page = 4096;
	char **argv = (char **)(sp + 1), **envp = argv + argc + 1, **e = envp;
	uintptr_t base = 0;
	int hide = 0;

	for (unsigned long i = 1; i < argc; i++) {
		if (streq(argv[i], "--hide-sysinfo-ehdr"))
			hide = 1;
		else
			usage(argv[i]);
	}
	while (*e)
		e++;
	for (auxv = (unsigned long *)(e + 1); auxv[0] != AT_NULL; auxv += 2) {
		if (auxv[0] == AT_SYSINFO_EHDR && hide)
			auxv[1] = 0;
		if (auxv[0] == AT_SYSINFO_EHDR)
			base = auxv[1];
		if (auxv[0] == AT_PAGESZ)
			page = auxv[1];
	}
	/* fake targets are shared objects for ld.so to load, and there is
	 * no ld.so here */
	if (env_get(envp, "VDSOCONF_TARGET")) {
		ktap_skip_all("a fake target (VDSOCONF_TARGET) needs a dynamic loader, and this program has none");
		sys_exit(4);
	}
	if (nolibc_fake_image)
		base = (uintptr_t)nolibc_fake_image;
	if (!base) {
		ktap_skip_all(hide ? "no vDSO: AT_SYSINFO_EHDR hidden (--hide-sysinfo-ehdr)"
				   : "no vDSO: the auxiliary vector has no AT_SYSINFO_EHDR (vdso=0?)");
		sys_exit(4);
	}
	make_keys();
	ktap_plan(plan());
	if (nolibc_fake_image)
		diag("a fake vDSO image linked into this program, not the kernel's (fixtures/nolibc)");
	check_resolve(base, page);
	for (unsigned i = 0; i < NCLOCKS; i++)
		check_clock_gettime(&clocks[i]);
	for (unsigned i = 0; i < NCLOCKS; i++)
		check_clock_gettime64(&clocks[i]);
	check_gettimeofday();
	check_time();
	check_getcpu();
	sys_exit(ktap_finish());
}
