/* SPDX-License-Identifier: MIT */
/* What each architecture's vDSO exports: soname, version and names (the
 * table in docs/design.md), keyed by e_machine and ELF class. */
#ifndef VDSO_ARCH_H
#define VDSO_ARCH_H

#include "vdso/vdso.h"

#define VDSO_KV(a, b, c) (((uint32_t)(a) << 16) | ((uint32_t)(b) << 8) | (uint32_t)(c))

enum {
	VDSO_SYM_OPTIONAL = 1,	/* depends on kernel config (sgx) or unsure history */
	VDSO_SYM_NOTYPE_OK = 2,	/* a trampoline label, STT_NOTYPE is normal */
	VDSO_SYM_ALIAS = 4,	/* weak unprefixed alias of alias_of */
};

struct vdso_arch_sym {
	const char *name;
	const char *version;
	uint32_t since;		/* first kernel exporting it, 0 = always */
	unsigned flags;
	const char *alias_of;
};

struct vdso_arch {
	const char *name;	/* "x86_64", "x32", "i386", ... */
	uint16_t machine;
	int elfclass;
	int abi;		/* mips: 1 = n32 (EF_MIPS_ABI2), 0 otherwise */
	const char *soname;
	const char *version;	/* the version most names carry */
	unsigned hash_entsize;	/* DT_HASH word size */
	int has_gnu_hash;	/* real images carry DT_GNU_HASH too */
	const struct vdso_arch_sym *syms;
	size_t nsyms;
};

/* The table for an image, or NULL for an unknown machine/class. */
const struct vdso_arch *vdso_arch_for(const struct vdso_image *img);
/* By e_machine, class and mips abi; NULL if unknown. */
const struct vdso_arch *vdso_arch_find(uint16_t machine, int elfclass, int abi);
/* The table for the architecture this code was compiled for. */
const struct vdso_arch *vdso_arch_native(void);
/* Is sym expected in a kernel of this version (0: unknown, assume yes)? */
int vdso_arch_expects(const struct vdso_arch_sym *sym, uint32_t kernel_version);
/* All tables, for listing. */
const struct vdso_arch *vdso_arch_all(size_t *n);

#endif
