/* SPDX-License-Identifier: MIT */
/* The call harness (callabi.h), what x86_64 and i386 share: MXCSR and the
 * x87 control word, saved and put back around a guarded call. */
#include "callabi.h"

#if (defined(__x86_64__) && !defined(__ILP32__)) || defined(__i386__)

void callabi_ctl_save(uintptr_t ctl[2])
{
	uint32_t mxcsr;
	uint16_t cw;

	__asm__ volatile("stmxcsr %0\n\tfnstcw %1" : "=m"(mxcsr), "=m"(cw));
	ctl[0] = mxcsr;
	ctl[1] = cw;
}

void callabi_ctl_restore(const uintptr_t ctl[2])
{
	uint32_t mxcsr = (uint32_t)ctl[0];
	uint16_t cw = (uint16_t)ctl[1];

	__asm__ volatile("ldmxcsr %0\n\tfldcw %1" : : "m"(mxcsr), "m"(cw));
}

#endif
