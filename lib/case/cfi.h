/* SPDX-License-Identifier: MIT */
/*
 * What one FDE of a mapped .eh_frame says, as far as a known defect needs
 * it (known.h): whether its call-frame program is empty, nothing but
 * DW_CFA_nop padding.  Such an FDE claims that the CIE's initial rules
 * (on most machines: CFA = SP + 0, return address in its register) hold
 * at every PC it covers, which is false for any function that moves its
 * stack pointer.  The .eh_frame layout read here is the LSB's (Linux
 * Standard Base Core, "Exception Frames"): length, CIE pointer, the
 * encoded PC begin and range, the 'z' augmentation data, the program.
 *
 * Every byte read lies within [lo, lo + len), which the caller takes
 * from the target's mapping: an FDE pointer from libgcc is trusted only
 * that far.
 */
#ifndef VDSOCONF_CASE_CFI_H
#define VDSOCONF_CASE_CFI_H

#include <stddef.h>

/* 1: the FDE's program is only DW_CFA_nop (or nothing); 0: it has a real
 * instruction; -1: it, or its CIE, cannot be read within bounds (64-bit
 * length, unknown augmentation, an encoding of unknown size). */
int cfi_fde_program_empty(const unsigned char *fde, const unsigned char *lo, size_t len);

#endif
