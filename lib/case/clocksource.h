/* SPDX-License-Identifier: MIT */
/* Whether the current clocksource lets the vDSO read time in user space.
 * Without a vDSO mode (hpet, acpi_pm, xen, jiffies, ...) every vDSO clock
 * call silently takes the system call: correct values, 10-50x slower. */
#ifndef VDSOCONF_CASE_CLOCKSOURCE_H
#define VDSOCONF_CASE_CLOCKSOURCE_H

#include <stddef.h>

/* Name of the current clocksource into buf; 0 on success. */
int clocksource_current(char *buf, size_t len);
/* 1 if the current clocksource is one with a vDSO mode; else 0 and why
 * says which clocksource and that it has none (or is unknown). */
int clocksource_has_vdso_mode(char *why, size_t len);

#endif
