/* SPDX-License-Identifier: MIT */
/* <elf.h>, and the constants C libraries older than the images they read
 * may lack. */
#ifndef VDSO_ELFCOMPAT_H
#define VDSO_ELFCOMPAT_H

#include <elf.h>

#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif
#ifndef EM_RISCV
#define EM_RISCV 243
#endif
#ifndef DT_RELR
#define DT_RELRSZ 35
#define DT_RELR 36
#endif

#endif
