/* SPDX-License-Identifier: MIT */
/* ELF header and program headers: the frame every later read is checked
 * against, so nothing here trusts a field before bounding it. */
#include "bounds.h"
#include "parse.h"

#include <elf.h>
#include <string.h>

int vdso_parse_ehdr(struct vdso_image *img)
{
	const unsigned char *e = vdso_at_offset(img, 0, EI_NIDENT);
	unsigned ehsize, phentsize;

	if (!e)
		return vdso_fail(img, VDSO_ERR_EHDR, "image of %zu bytes is shorter than e_ident (%d bytes)",
				 img->size, EI_NIDENT);
	if (memcmp(e, ELFMAG, SELFMAG) != 0)
		return vdso_fail(img, VDSO_ERR_EHDR, "not an ELF image (bad magic %02x %02x %02x %02x)",
				 e[0], e[1], e[2], e[3]);
	if (e[EI_CLASS] != ELFCLASS32 && e[EI_CLASS] != ELFCLASS64)
		return vdso_fail(img, VDSO_ERR_EHDR, "EI_CLASS %u is neither ELFCLASS32 nor ELFCLASS64", e[EI_CLASS]);
	if (e[EI_DATA] != ELFDATA2LSB && e[EI_DATA] != ELFDATA2MSB)
		return vdso_fail(img, VDSO_ERR_EHDR, "EI_DATA %u is neither little nor big endian", e[EI_DATA]);
	if (e[EI_VERSION] != EV_CURRENT)
		return vdso_fail(img, VDSO_ERR_EHDR, "EI_VERSION %u is not EV_CURRENT", e[EI_VERSION]);
	img->elfclass = e[EI_CLASS] == ELFCLASS64 ? 64 : 32;
	img->big_endian = e[EI_DATA] == ELFDATA2MSB;
	ehsize = img->elfclass == 64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	phentsize = img->elfclass == 64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	e = vdso_at_offset(img, 0, ehsize);
	if (!e)
		return vdso_fail(img, VDSO_ERR_EHDR, "image of %zu bytes is shorter than the ELF%d header (%u bytes)",
				 img->size, img->elfclass, ehsize);

	/* Elf32_Ehdr and Elf64_Ehdr agree up to e_entry, then the three
	 * address-sized fields shift everything after them. */
	img->type = vdso_rd16(img, e + 16);
	img->machine = vdso_rd16(img, e + 18);
	if (vdso_rd32(img, e + 20) != EV_CURRENT)
		return vdso_fail(img, VDSO_ERR_EHDR, "e_version %u is not EV_CURRENT", vdso_rd32(img, e + 20));
	if (img->elfclass == 64) {
		img->phoff = vdso_rd64(img, e + 32);
		img->shoff = vdso_rd64(img, e + 40);
		e += 48;
	} else {
		img->phoff = vdso_rd32(img, e + 28);
		img->shoff = vdso_rd32(img, e + 32);
		e += 36;
	}
	img->eflags = vdso_rd32(img, e);
	if (vdso_rd16(img, e + 4) != ehsize)
		return vdso_fail(img, VDSO_ERR_EHDR, "e_ehsize %u, expected %u for ELF%d",
				 vdso_rd16(img, e + 4), ehsize, img->elfclass);
	img->phentsize = vdso_rd16(img, e + 6);
	img->phnum = vdso_rd16(img, e + 8);
	img->shentsize = vdso_rd16(img, e + 10);
	img->shnum = vdso_rd16(img, e + 12);
	img->shstrndx = vdso_rd16(img, e + 14);

	if (img->type != ET_DYN)
		return vdso_fail(img, VDSO_ERR_EHDR, "e_type %u is not ET_DYN (a vDSO is a shared object)", img->type);
	if (img->phentsize != phentsize)
		return vdso_fail(img, VDSO_ERR_EHDR, "e_phentsize %u, expected %u for ELF%d",
				 img->phentsize, phentsize, img->elfclass);
	if (img->phnum == 0 || img->phnum == PN_XNUM)
		return vdso_fail(img, VDSO_ERR_EHDR, "e_phnum %u: no program headers", img->phnum);
	if (!vdso_at_offset(img, img->phoff, (uint64_t)img->phnum * phentsize))
		return vdso_fail(img, VDSO_ERR_PHDR,
				 "program header table (e_phoff 0x%llx, %u entries of %u bytes) runs past the end of the %zu-byte image",
				 (unsigned long long)img->phoff, img->phnum, phentsize, img->size);
	return VDSO_OK;
}

static void read_phdr(const struct vdso_image *img, const unsigned char *p, struct vdso_segment *s)
{
	s->type = vdso_rd32(img, p);
	if (img->elfclass == 64) {
		s->flags = vdso_rd32(img, p + 4);
		s->offset = vdso_rd64(img, p + 8);
		s->vaddr = vdso_rd64(img, p + 16);
		s->filesz = vdso_rd64(img, p + 32);
		s->memsz = vdso_rd64(img, p + 40);
		s->align = vdso_rd64(img, p + 48);
	} else {
		s->offset = vdso_rd32(img, p + 4);
		s->vaddr = vdso_rd32(img, p + 8);
		s->filesz = vdso_rd32(img, p + 16);
		s->memsz = vdso_rd32(img, p + 20);
		s->flags = vdso_rd32(img, p + 24);
		s->align = vdso_rd32(img, p + 28);
	}
}

static int one_of(struct vdso_image *img, int *has, struct vdso_segment *dst,
		  const struct vdso_segment *s, unsigned i, const char *what)
{
	if (*has)
		return vdso_fail(img, VDSO_ERR_PHDR, "second %s at program header %u", what, i);
	*has = 1;
	*dst = *s;
	return VDSO_OK;
}

int vdso_parse_phdrs(struct vdso_image *img)
{
	const unsigned char *p = img->data + img->phoff;
	int rc;

	for (unsigned i = 0; i < img->phnum; i++, p += img->phentsize) {
		struct vdso_segment s;

		read_phdr(img, p, &s);
		switch (s.type) {
		case PT_LOAD:
			if (img->nloads == VDSO_MAX_LOADS)
				return vdso_fail(img, VDSO_ERR_PHDR, "more than %d PT_LOAD segments", VDSO_MAX_LOADS);
			if (s.filesz > s.memsz)
				return vdso_fail(img, VDSO_ERR_PHDR, "PT_LOAD %u: p_filesz 0x%llx exceeds p_memsz 0x%llx",
						 i, (unsigned long long)s.filesz, (unsigned long long)s.memsz);
			if (vdso_add(s.vaddr, s.memsz) == UINT64_MAX ||
			    (img->elfclass == 32 && s.vaddr + s.memsz > UINT32_MAX + 1ull))
				return vdso_fail(img, VDSO_ERR_PHDR, "PT_LOAD %u: p_vaddr + p_memsz wraps", i);
			if (img->layout == VDSO_LAYOUT_FILE && !vdso_at_offset(img, s.offset, s.filesz))
				return vdso_fail(img, VDSO_ERR_PHDR,
						 "PT_LOAD %u: file bytes [0x%llx, +0x%llx) run past the end of the %zu-byte image",
						 i, (unsigned long long)s.offset, (unsigned long long)s.filesz, img->size);
			img->loads[img->nloads++] = s;
			break;
		case PT_DYNAMIC:
			rc = one_of(img, &img->has_dynamic, &img->dynamic, &s, i, "PT_DYNAMIC");
			if (rc)
				return rc;
			break;
		case PT_NOTE:
			if (img->nnotes == VDSO_MAX_NOTES)
				return vdso_fail(img, VDSO_ERR_PHDR, "more than %d PT_NOTE segments", VDSO_MAX_NOTES);
			img->notesegs[img->nnotes++] = s;
			break;
		case PT_GNU_EH_FRAME:
			rc = one_of(img, &img->has_eh_frame, &img->eh_frame, &s, i, "PT_GNU_EH_FRAME");
			if (rc)
				return rc;
			break;
		case PT_INTERP:
			rc = one_of(img, &img->has_interp, &img->interp, &s, i, "PT_INTERP");
			if (rc)
				return rc;
			break;
		case PT_TLS:
			rc = one_of(img, &img->has_tls, &img->tls, &s, i, "PT_TLS");
			if (rc)
				return rc;
			break;
		case PT_GNU_STACK:
			img->has_gnu_stack = 1;
			break;
		default:
			break;
		}
	}
	if (img->nloads == 0)
		return vdso_fail(img, VDSO_ERR_PHDR, "no PT_LOAD segment among %u program headers", img->phnum);
	return VDSO_OK;
}
