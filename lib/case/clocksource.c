/* SPDX-License-Identifier: MIT */
#include "clocksource.h"

#include <stdio.h>
#include <string.h>

/* Clocksources that set a vdso_clock_mode in the kernel (VDSO_CLOCKMODE_*):
 * x86 tsc and the paravirt ones, arm/arm64 arch timer, powerpc timebase,
 * s390 TOD, riscv and loongarch counters, mips r4k/GIC. */
static const char *const vdso_capable[] = {
	"tsc", "kvm-clock", "hyperv_clocksource_tsc_page", "arch_sys_counter", "arch_mem_counter",
	"timebase", "tod", "riscv_clocksource", "Constant", "MIPS", "GIC",
};

int clocksource_current(char *buf, size_t len)
{
	FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "re");
	int ok;

	if (!f)
		return -1;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

int clocksource_has_vdso_mode(char *why, size_t len)
{
	char cs[64];

	if (clocksource_current(cs, sizeof(cs))) {
		snprintf(why, len, "current clocksource unknown (no sysfs)");
		return 0;
	}
	for (size_t i = 0; i < sizeof(vdso_capable) / sizeof(vdso_capable[0]); i++)
		if (!strcmp(cs, vdso_capable[i]))
			return 1;
	snprintf(why, len, "clocksource %s has no vDSO mode", cs);
	return 0;
}
