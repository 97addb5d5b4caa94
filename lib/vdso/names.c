/* SPDX-License-Identifier: MIT */
/* Human-readable names for statuses, machines and kernel versions. */
#include "elfcompat.h"
#include "vdso.h"

#include <stdio.h>

const char *vdso_status_name(int status)
{
	static const char *const names[VDSO_STATUS_COUNT] = {
		[VDSO_OK] = "ok",
		[VDSO_NO_VDSO] = "no vDSO",
		[VDSO_NOT_FOUND] = "not found",
		[VDSO_ERR_IO] = "I/O",
		[VDSO_ERR_NOMEM] = "out of memory",
		[VDSO_ERR_ARG] = "bad argument",
		[VDSO_ERR_EHDR] = "ELF header",
		[VDSO_ERR_PHDR] = "program headers",
		[VDSO_ERR_DYNAMIC] = "PT_DYNAMIC",
		[VDSO_ERR_STRTAB] = "DT_STRTAB",
		[VDSO_ERR_SYMTAB] = "DT_SYMTAB",
		[VDSO_ERR_HASH] = "DT_HASH",
		[VDSO_ERR_GNU_HASH] = "DT_GNU_HASH",
		[VDSO_ERR_VERSYM] = "DT_VERSYM",
		[VDSO_ERR_VERDEF] = "DT_VERDEF",
		[VDSO_ERR_NOTE] = "PT_NOTE",
	};

	if (status < 0 || status >= VDSO_STATUS_COUNT)
		return "unknown status";
	return names[status];
}

const char *vdso_machine_name(uint16_t m)
{
	switch (m) {
	case EM_X86_64: return "x86_64";
	case EM_386: return "i386";
	case EM_AARCH64: return "aarch64";
	case EM_ARM: return "arm";
	case EM_PPC64: return "ppc64";
	case EM_PPC: return "ppc";
	case EM_S390: return "s390";
	case EM_MIPS: return "mips";
	case EM_RISCV: return "riscv";
	case EM_LOONGARCH: return "loongarch";
	default: return NULL;
	}
}

char *vdso_format_version(uint32_t code, char *buf, size_t len)
{
	/* KERNEL_VERSION clamps the sublevel to 255 since 4.9.256 */
	snprintf(buf, len, "%u.%u.%u", (code >> 16) & 0xff, (code >> 8) & 0xff, code & 0xff);
	return buf;
}
