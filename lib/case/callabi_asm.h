/* SPDX-License-Identifier: MIT */
/* The offsets of struct callabi_call (callabi.h) for the harnesses of the
 * 64-bit architectures, as assembler symbols computed from the register
 * set sizes: CALLABI_ASM_OFFSETS goes first in the harness's __asm__, and
 * the assembly says e.g. ".LOUT + .LGPR + 8 * 3".  callabi.c's static
 * assertions pin the C side to the same arithmetic. */
#ifndef VDSOCONF_CASE_CALLABI_ASM_H
#define VDSOCONF_CASE_CALLABI_ASM_H

#include "callabi.h"

#define CALLABI_STR_(x) #x
#define CALLABI_STR(x) CALLABI_STR_(x)

#define CALLABI_ASM_OFFSETS                                                                   \
	".set .LFPR, 0\n"                                                                     \
	".set .LGPR, 8 * " CALLABI_STR(CALLABI_MAXFPR) "\n"                                   \
	".set .LSP, .LGPR + 8 * " CALLABI_STR(CALLABI_MAXGPR) "\n"                            \
	".set .LFLAGS, .LSP + 8\n"                                                            \
	".set .LFPCTL, .LSP + 16\n"                                                           \
	".set .LREGS, .LSP + 32\n"                                                            \
	".set .LIN, 0\n"                                                                      \
	".set .LOUT, .LREGS\n"                                                                \
	".set .LFN, 2 * .LREGS\n"                                                             \
	".set .LARG, .LFN + 8\n"                                                              \
	".set .LCSP, .LFN + 48\n"                                                             \
	".set .LRET, .LFN + 56\n"

#endif
