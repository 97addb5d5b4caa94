/* SPDX-License-Identifier: MIT */
/*
 * Known kernel defects whose shape a fake cannot show (known.h), judged
 * on made-up facts (loongarch's empty FDE: its reading, tests/c/cfi_test.c).  time-syscall-stale-second: only
 * a vDSO time() exactly one second ahead of the time syscall after it,
 * with the settled CLOCK_REALTIME_COARSE already at the vDSO's second, on
 * a kernel that has the defect.  Anything else is an ordinary failure:
 * the fake time_fine_seconds (a vDSO that turns the second before the
 * kernel's tick) is one, as its settled seconds are still the old ones.
 */
#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "case/known.h"
#include "expect/arch.h"

static int fails, points;

static void expect(const char *name, int want, int got)
{
	points++;
	fails += want != got;
	printf("%s %s\n", want == got ? "ok" : "not ok", name);
}

/* The unwind-table defects (abi_unwind): only on their own machine, with
 * unwind tables present, and in the functions the defect leaves out. */
static void cfi_shapes(void)
{
	struct case_ctx rv, mips, ppc, x86;

	memset(&rv, 0, sizeof(rv));
	rv.kernel = VDSO_KV(7, 2, 0);
	rv.has_image = 1;
	rv.img.has_eh_frame = 1;
	mips = ppc = x86 = rv;
	rv.img.machine = EM_RISCV;
	mips.img.machine = EM_MIPS;
	ppc.img.machine = EM_PPC64;
	x86.img.machine = EM_X86_64;
	expect("riscv-c", 1, case_known_riscv_c_no_cfi(&rv, 0, "__vdso_clock_gettime", "clock_gettime"));
	expect("riscv-c-with-fde", 0, case_known_riscv_c_no_cfi(&rv, 1, "__vdso_clock_gettime", "clock_gettime"));
	expect("riscv-c-other-machine", 0, case_known_riscv_c_no_cfi(&x86, 0, "__vdso_clock_gettime", "clock_gettime"));
	expect("riscv-chacha", 1, case_known_riscv_c_no_cfi(&rv, 0, NULL, "getrandom"));
	expect("riscv-unnamed-not-getrandom", 0, case_known_riscv_c_no_cfi(&rv, 0, NULL, "clock_gettime"));
	expect("mips-c", 1, case_known_mips_c_no_cfi(&mips, 0, "__vdso_gettimeofday"));
	expect("mips-unnamed", 0, case_known_mips_c_no_cfi(&mips, 0, NULL));
	expect("ppc-chacha", 1, case_known_ppc_chacha_no_cfi(&ppc, 0, NULL, "getrandom"));
	expect("ppc-named", 0, case_known_ppc_chacha_no_cfi(&ppc, 0, "__kernel_getrandom", "getrandom"));
	expect("riscv-sigreturn", 1, case_known_riscv_sigreturn_cfi(&rv, 1, 1));
	expect("riscv-sigreturn-walked-on", 0, case_known_riscv_sigreturn_cfi(&rv, 1, 0));
	{
		struct case_ctx s61 = rv, s72 = rv;

		s61.kernel = VDSO_KV(6, 1, 0);
		s61.img.machine = s72.img.machine = EM_S390;
		expect("s390-6.1", 1, case_known_s390_c_no_cfi(&s61, 0, "__kernel_gettimeofday"));
		expect("s390-6.1-unnamed", 1, case_known_s390_c_no_cfi(&s61, 0, NULL));
		expect("s390-7.2-fixed", 0, case_known_s390_c_no_cfi(&s72, 0, "__kernel_gettimeofday"));
	}
	{
		struct case_ctx arm = rv;

		arm.img.machine = EM_ARM;
		arm.img.has_eh_frame = 0;
		expect("arm64-compat", 1, case_known_arm64_compat_no_unwind(&arm, 0, "armv8l"));
		expect("arm-native-kernel", 0, case_known_arm64_compat_no_unwind(&arm, 0, "armv7l"));
		expect("arm64-compat-with-exidx", 0, case_known_arm64_compat_no_unwind(&arm, 1, "aarch64"));
	}
	{
		struct case_ctx la = rv, la611 = rv;

		la.img.machine = la611.img.machine = EM_LOONGARCH;
		la611.kernel = VDSO_KV(6, 11, 0);
		expect("loongarch-chacha", 1, case_known_loongarch_chacha_cfi(&la, 1, NULL, "getrandom"));
		expect("loongarch-fde-with-rules", 0, case_known_loongarch_chacha_cfi(&la, 0, NULL, "getrandom"));
		expect("loongarch-fde-unreadable", 0, case_known_loongarch_chacha_cfi(&la, -1, NULL, "getrandom"));
		expect("loongarch-named", 0, case_known_loongarch_chacha_cfi(&la, 1, "__vdso_getrandom", "getrandom"));
		expect("loongarch-not-getrandom", 0, case_known_loongarch_chacha_cfi(&la, 1, NULL, "clock_gettime"));
		expect("loongarch-before-6.12", 0, case_known_loongarch_chacha_cfi(&la611, 1, NULL, "getrandom"));
		expect("loongarch-shape-on-riscv", 0, case_known_loongarch_chacha_cfi(&rv, 1, NULL, "getrandom"));
	}
	rv.img.has_eh_frame = 0;
	expect("riscv-no-eh-frame-at-all", 0, case_known_riscv_c_no_cfi(&rv, 0, "__vdso_clock_gettime", "x"));
}

int main(void)
{
	struct case_ctx k72, k52;

	memset(&k72, 0, sizeof(k72));
	memset(&k52, 0, sizeof(k52));
	k72.kernel = VDSO_KV(7, 2, 0);
	k52.kernel = VDSO_KV(5, 2, 0);
	printf("KTAP version 1\n1..25\n");
	expect("the-shape", 1, case_known_time_stale_second(&k72, 101, 100, 101));
	expect("settled-still-old", 0, case_known_time_stale_second(&k72, 101, 100, 100));
	expect("two-seconds-ahead", 0, case_known_time_stale_second(&k72, 102, 100, 102));
	expect("settled-past-it", 0, case_known_time_stale_second(&k72, 101, 100, 102));
	expect("behind", 0, case_known_time_stale_second(&k72, 99, 100, 99));
	expect("before-the-defect", 0, case_known_time_stale_second(&k52, 101, 100, 101));
	expect("no-target", 0, case_known_time_stale_second(NULL, 101, 100, 101));
	cfi_shapes();
	printf("# %d of %d failed\n", fails, points);
	return fails != 0;
}
