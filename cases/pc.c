/* SPDX-License-Identifier: MIT */
/* pc: the "is this PC in vDSO text?" classifier, at its edges, at each
 * symbol's run-time address (checked against the dynamic linker's), against
 * /proc/self/maps, against real interrupted PCs (signal sampling), and
 * after the vDSO has been moved with mremap (as CRIU does). */
#include <dlfcn.h>
#include <elf.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>

#include "case/case.h"
#include "case/clocksource.h"
#include "case/sample.h"

static const char *const sampled[] = { "clock_gettime", "gettimeofday", "time", "getcpu", "clock_getres" };

static void check_boundaries(const struct case_ctx *ctx)
{
	for (unsigned i = 0; i < ctx->img.ntext; i++) {
		uintptr_t lo = ctx->img.load_offset + (uintptr_t)ctx->img.text[i].start;
		uintptr_t hi = ctx->img.load_offset + (uintptr_t)ctx->img.text[i].end;
		const char *sfx = i ? "+" : "";

		if (case_point("pc.boundary.first%s", sfx))
			case_check(vdso_pc_in_text(&ctx->img, lo), "first text byte %#lx classified out", (unsigned long)lo);
		if (case_point("pc.boundary.last%s", sfx))
			case_check(vdso_pc_in_text(&ctx->img, hi - 1), "last text byte %#lx classified out",
				   (unsigned long)(hi - 1));
		if (case_point("pc.boundary.before%s", sfx))
			case_check(!vdso_pc_in_text(&ctx->img, lo - 1), "byte before the text %#lx classified in",
				   (unsigned long)(lo - 1));
		if (case_point("pc.boundary.after%s", sfx))
			case_check(!vdso_pc_in_text(&ctx->img, hi), "byte after the text %#lx classified in",
				   (unsigned long)hi);
	}
}

/* Where the image's first byte (its ELF header) is at run time. */
static uintptr_t image_base(const struct case_ctx *ctx)
{
	return ctx->img.load_offset + (uintptr_t)ctx->img.loads[0].vaddr - (uintptr_t)ctx->img.loads[0].offset;
}

/* symbols.text judges st_value against the PT_LOADs, in the file; this is
 * the run-time address, the one a profiler or unwinder is handed: libvdso's
 * load base + st_value must be where the dynamic linker, an independent
 * relocator, has the symbol (dladdr names a symbol starting exactly there,
 * in the object whose ELF header libvdso found), and the classifier must
 * count it as text. */
static void check_symbols(const struct case_ctx *ctx)
{
	uintptr_t base = ctx->img.nloads ? image_base(ctx) : 0;

	for (uint32_t i = 1; i < ctx->img.nsyms; i++) {
		struct vdso_sym s;
		Dl_info di;

		if (vdso_sym_at(&ctx->img, i, &s) != VDSO_OK || s.type != STT_FUNC || s.shndx == SHN_UNDEF)
			continue;
		if (!case_point("pc.symbol.%s%s%s", s.name, s.hidden ? "@" : "", s.hidden ? s.version : ""))
			continue;
		memset(&di, 0, sizeof(di));
		if (!dladdr((void *)s.addr, &di) || (uintptr_t)di.dli_saddr != s.addr ||
		    (uintptr_t)di.dli_fbase != base)
			case_fail("%s: libvdso has it at %#lx (object at %#lx); the dynamic linker has %s at %p "
				  "in the object at %p", s.name, (unsigned long)s.addr, (unsigned long)base,
				  di.dli_sname ? di.dli_sname : "no symbol", di.dli_saddr, di.dli_fbase);
		else
			case_check(vdso_pc_in_text(&ctx->img, s.addr), "%s at %#lx classified outside the text",
				   s.name, (unsigned long)s.addr);
	}
}

static void check_outside(const struct case_ctx *ctx)
{
	void *heap = malloc(64);
	int local = 0;
	const struct {
		const char *what;
		uintptr_t pc;
	} out[] = {
		{ "main", (uintptr_t)&check_outside },
		{ "libc", (uintptr_t)&malloc },
		{ "heap", (uintptr_t)heap },
		{ "stack", (uintptr_t)&local },
	};

	for (size_t i = 0; i < ARRAY_SIZE(out); i++) {
		if (case_point("pc.outside.%s", out[i].what))
			case_check(!vdso_pc_in_text(&ctx->img, out[i].pc), "%s address %#lx classified inside the vDSO text",
				   out[i].what, (unsigned long)out[i].pc);
	}
	free(heap);
}

/* Each text range lies in one executable mapping; for the live vDSO that
 * mapping is [vdso] and the text spans it, page-rounded. */
/* The section headers, where the image keeps them, are a second witness
 * of where the code is, independent of the PT_LOADs the classifier uses:
 * every allocated executable section must be classified in.  Returns the
 * first section found outside, or 0 (none, or no usable section table). */
static uint64_t exec_section_outside(const struct case_ctx *ctx, uint64_t *end)
{
	unsigned n = vdso_section_count(&ctx->img);
	struct vdso_shdr sh;

	for (unsigned i = 0; i < n; i++) {
		if (vdso_section_at(&ctx->img, i, &sh) != VDSO_OK || !sh.size ||
		    (sh.flags & (SHF_ALLOC | SHF_EXECINSTR)) != (SHF_ALLOC | SHF_EXECINSTR))
			continue;
		if (!vdso_vaddr_in_text(&ctx->img, sh.addr) || !vdso_vaddr_in_text(&ctx->img, sh.addr + sh.size - 1)) {
			*end = sh.addr + sh.size;
			return sh.addr;
		}
	}
	return 0;
}

static void check_maps(const struct case_ctx *ctx)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t sec_end = 0, sec = exec_section_outside(ctx, &sec_end);

	if (!case_point("pc.maps"))
		return;
	if (sec) {
		case_fail("the executable section [%#llx, %#llx) is not all classified as text",
			  (unsigned long long)sec, (unsigned long long)sec_end);
		return;
	}
	for (unsigned i = 0; i < ctx->img.ntext; i++) {
		uintptr_t lo = ctx->img.load_offset + (uintptr_t)ctx->img.text[i].start;
		uintptr_t hi = ctx->img.load_offset + (uintptr_t)ctx->img.text[i].end;
		uintptr_t ms, me;
		char perms[8], name[4096];

		if (case_mapping_of(lo, &ms, &me, perms, name, sizeof(name))) {
			case_fail("text [%#lx, %#lx) is not mapped", (unsigned long)lo, (unsigned long)hi);
			return;
		}
		if (perms[2] != 'x' || hi > me) {
			case_fail("text [%#lx, %#lx) is not inside one executable mapping (%s [%#lx, %#lx) %s)",
				  (unsigned long)lo, (unsigned long)hi, perms, (unsigned long)ms, (unsigned long)me, name);
			return;
		}
		/* [vdso] maps the whole image: past the text may come the
		 * section headers (x86 6.1 keeps them after the PT_LOAD) */
		uintptr_t img_end = hi, shend = ctx->img.load_offset + (uintptr_t)ctx->img.shoff +
						(uintptr_t)ctx->img.shnum * ctx->img.shentsize;

		if (ctx->img.shnum && shend > img_end)
			img_end = shend;
		if (!ctx->fake && (strcmp(name, "[vdso]") || ms != lo ||
				   me != ((img_end + (uintptr_t)page - 1) & ~(uintptr_t)(page - 1)))) {
			case_fail("text [%#lx, %#lx) does not span the mapping %s [%#lx, %#lx)", (unsigned long)lo,
				  (unsigned long)hi, name, (unsigned long)ms, (unsigned long)me);
			return;
		}
	}
	case_pass();
}

static void check_sample(struct case_ctx *ctx, const char *role)
{
	struct sample_result r;
	char why[512];

	if (!case_point("pc.sample.%s", role))
		return;
	if (!case_fn(ctx, role)) {
		case_skip("target exports no %s", role);
		return;
	}
	switch (sample_run(ctx, role, &r, why, sizeof(why))) {
	case 0:
		break;
	case SAMPLE_UNSUPPORTED:
		case_skip("%s", why);
		return;
	default:
		case_fail("%s", why);
		return;
	}
	case_diag("%u samples: %u running vDSO code, %u right after a syscall instruction, %u elsewhere; "
		  "%.0f%% in vDSO code, %.0f%% in system calls (ceiling %.0f%%)",
		  r.samples, r.in_text, r.after_syscall, r.samples - r.in_text - r.after_syscall,
		  100.0 * r.fast_fraction, 100.0 * r.syscall_fraction, 100.0 * SAMPLE_SYSCALL_CEIL);
	if (r.misclassified) {
		case_fail("classifier disagrees with /proc/self/maps for %u samples, e.g. pc %#lx: maps says %s, classifier %s",
			  r.misclassified, (unsigned long)r.bad_pc, r.bad_in_map ? "in" : "out",
			  r.bad_in_map ? "out" : "in");
	} else if (r.bad_values) {
		case_fail("%u interrupted calls returned wrong values: %s", r.bad_values, r.bad_value_why);
	} else if (r.samples < SAMPLE_MIN) {
		case_fail("only %u samples in %.2f s of CPU time (need %u): the timer did not fire", r.samples,
			  r.cpu_seconds, SAMPLE_MIN);
	} else if (r.syscall_fraction > SAMPLE_SYSCALL_CEIL) {
		if (sample_needs_clocksource(role) && !clocksource_has_vdso_mode(why, sizeof(why)))
			case_xfail("%s runs the syscall fallback: %s", role, why);
		else if (case_role_is_syscall(ctx, role))
			case_xfail("%.0f%% of samples were in system calls: %s is the system call by design on %s",
				   100.0 * r.syscall_fraction, role, ctx->arch->name);
		else
			case_fail("%.0f%% of samples were in system calls (ceiling %.0f%%): %s falls back to the system call",
				  100.0 * r.syscall_fraction, 100.0 * SAMPLE_SYSCALL_CEIL, role);
	} else {
		case_pass();
	}
}

static void check_mremap(struct case_ctx *ctx)
{
	char why[512];

	if (!case_point("pc.mremap"))
		return;
	if (ctx->fake) {
		case_skip("moves the kernel's vDSO; the target is a fake");
		return;
	}
	if (sample_mremap_child(ctx, why, sizeof(why)))
		case_fail("%s", why);
	else
		case_pass();
}

static void check_samples(const void *arg)
{
	for (size_t i = 0; i < ARRAY_SIZE(sampled); i++)
		check_sample((struct case_ctx *)arg, sampled[i]);
}

static void run(struct case_ctx *ctx)
{
	check_boundaries(ctx);
	check_symbols(ctx);
	check_outside(ctx);
	check_maps(ctx);
	case_sub("pc.sample", check_samples, ctx);
	check_mremap(ctx);
}

static const struct case_spec spec = {
	.name = "pc",
	.needs = CASE_NEED_VDSO,
	.run = run,
};
CASE_MAIN(spec)
