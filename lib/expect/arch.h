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
	/* a 32-bit-time entry point of a 32-bit vDSO: from 7.3 on exported
	 * only with CONFIG_COMPAT_32BIT_TIME, so optional there */
	VDSO_SYM_TIME32 = 8,
	/* the entry point is the system call by design: no fast path to
	 * look for (riscv's getcpu: arch/riscv/kernel/vdso/getcpu.S, "For
	 * now, just do the syscall") */
	VDSO_SYM_SYSCALL = 16,
};

/* The first kernel whose 32-bit vDSOs export time32 names by config only. */
#define VDSO_TIME32_OPTIONAL_SINCE VDSO_KV(7, 3, 0)

struct vdso_arch_sym {
	const char *name;
	const char *version;
	uint32_t since;		/* first kernel exporting it, 0 = always */
	unsigned flags;
	const char *alias_of;
};

/* A change of the image's build between kernel versions: what it was up
 * to `until` (the last release known to have it), what it is from `since`
 * on; between the two the history is not pinned down and either holds. */
struct vdso_arch_change {
	const char *now;	/* the new value (a soname); NULL: no change */
	uint32_t until, since;
	const char *where;	/* the kernel source that made it */
};

struct vdso_arch {
	const char *name;	/* "x86_64", "x32", "i386", ... */
	uint16_t machine;
	int elfclass;
	int abi;		/* mips: 1 = n32 (EF_MIPS_ABI2), 0 otherwise */
	const char *soname;	/* the soname (up to soname_change.until) */
	const char *version;	/* the version most names carry */
	unsigned hash_entsize;	/* DT_HASH word size */
	int has_gnu_hash;	/* real images carry DT_GNU_HASH too */
	const struct vdso_arch_sym *syms;
	size_t nsyms;
	struct vdso_arch_change soname_change;
	/* the kernel's build stopped asking the linker for DT_HASH (dropped
	 * its --hash-style), leaving it to the linker's default; `now` unused */
	struct vdso_arch_change sysv_dropped;
};

/* The table for an image, or NULL for an unknown machine/class. */
const struct vdso_arch *vdso_arch_for(const struct vdso_image *img);
/* By e_machine, class and mips abi; NULL if unknown. */
const struct vdso_arch *vdso_arch_find(uint16_t machine, int elfclass, int abi);
/* The table for the architecture this code was compiled for. */
const struct vdso_arch *vdso_arch_native(void);
/* Is sym expected in a kernel of this version (0: unknown, assume yes)? */
int vdso_arch_expects(const struct vdso_arch_sym *sym, uint32_t kernel_version);
/* The soname a kernel of this version gives its image (0: unknown, the
 * first); whether soname is one it may give. */
const char *vdso_arch_soname(const struct vdso_arch *a, uint32_t kernel_version);
int vdso_arch_soname_ok(const struct vdso_arch *a, uint32_t kernel_version, const char *soname);
/* Whether this version's build may leave DT_HASH out (0: unknown, yes if
 * any version does). */
int vdso_arch_sysv_dropped(const struct vdso_arch *a, uint32_t kernel_version);
/* May a kernel of this version leave sym out (0: unknown)? */
int vdso_arch_optional(const struct vdso_arch_sym *sym, uint32_t kernel_version);
/* All tables, for listing. */
const struct vdso_arch *vdso_arch_all(size_t *n);

#endif
