/* SPDX-License-Identifier: MIT */
/*
 * The shape of the known defect time-syscall-stale-second (known.h): only
 * a vDSO time() exactly one second ahead of the time syscall after it,
 * with the settled CLOCK_REALTIME_COARSE already at the vDSO's second, on
 * a kernel that has the defect.  Anything else is an ordinary failure:
 * the fake time_fine_seconds (a vDSO that turns the second before the
 * kernel's tick) is one, as its settled seconds are still the old ones.
 */
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

int main(void)
{
	struct case_ctx k72, k52;

	memset(&k72, 0, sizeof(k72));
	memset(&k52, 0, sizeof(k52));
	k72.kernel = VDSO_KV(7, 2, 0);
	k52.kernel = VDSO_KV(5, 2, 0);
	printf("KTAP version 1\n1..7\n");
	expect("the-shape", 1, case_known_time_stale_second(&k72, 101, 100, 101));
	expect("settled-still-old", 0, case_known_time_stale_second(&k72, 101, 100, 100));
	expect("two-seconds-ahead", 0, case_known_time_stale_second(&k72, 102, 100, 102));
	expect("settled-past-it", 0, case_known_time_stale_second(&k72, 101, 100, 102));
	expect("behind", 0, case_known_time_stale_second(&k72, 99, 100, 99));
	expect("before-the-defect", 0, case_known_time_stale_second(&k52, 101, 100, 101));
	expect("no-target", 0, case_known_time_stale_second(NULL, 101, 100, 101));
	printf("# %d of %d failed\n", fails, points);
	return fails != 0;
}
