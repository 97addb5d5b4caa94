/* SPDX-License-Identifier: MIT */
/* ELF notes: the kernel version the image was built for (owner Linux,
 * type 0), its release string (Linux, 0x100) and the GNU build-id. */
#include "bounds.h"
#include "parse.h"

#include <elf.h>
#include <string.h>

#define NT_LINUX_VERSION 0
#define NT_LINUX_RELEASE 0x100

static uint64_t pad(uint64_t n, unsigned align)
{
	return (n + align - 1) & ~(uint64_t)(align - 1);
}

static int one_note(struct vdso_image *img, const char *name, uint32_t namesz, uint32_t type,
		    const unsigned char *desc, uint32_t descsz, unsigned seg, uint64_t off)
{
	struct vdso_notes *n = &img->notes;

	if (namesz == 6 && !memcmp(name, "Linux", 6)) {
		if (type == NT_LINUX_VERSION) {
			if (descsz != 4)
				return vdso_fail(img, VDSO_ERR_NOTE, "PT_NOTE %u offset %llu: Linux version note has %u bytes, expected 4",
						 seg, (unsigned long long)off, descsz);
			n->has_linux_version = 1;
			n->linux_version = vdso_rd32(img, desc);
		} else if (type == NT_LINUX_RELEASE) {
			if (!descsz || !memchr(desc, 0, descsz))
				return vdso_fail(img, VDSO_ERR_NOTE, "PT_NOTE %u offset %llu: Linux release string is not terminated",
						 seg, (unsigned long long)off);
			n->release = (const char *)desc;
		}
	} else if (namesz == 4 && !memcmp(name, "GNU", 4) && type == NT_GNU_BUILD_ID) {
		if (descsz == 0 || descsz > VDSO_MAX_BUILD_ID)
			return vdso_fail(img, VDSO_ERR_NOTE, "PT_NOTE %u offset %llu: build-id of %u bytes (1..%d allowed)",
					 seg, (unsigned long long)off, descsz, VDSO_MAX_BUILD_ID);
		memcpy(n->build_id, desc, descsz);
		n->build_id_len = descsz;
	}
	return VDSO_OK;
}

int vdso_parse_notes(struct vdso_image *img)
{
	for (unsigned s = 0; s < img->nnotes; s++) {
		const struct vdso_segment *seg = &img->notesegs[s];
		/* 8-byte alignment only for notes that ask for it (gnu.property);
		 * Linux and build-id notes use 4 in ELF64 as well */
		unsigned align = seg->align == 8 ? 8 : 4;
		const unsigned char *p = img->layout == VDSO_LAYOUT_FILE
						 ? vdso_at_offset(img, seg->offset, seg->filesz)
						 : vdso_at_vaddr(img, seg->vaddr, seg->filesz);
		uint64_t off = 0;

		if (!p)
			return vdso_fail(img, VDSO_ERR_NOTE, "PT_NOTE %u [0x%llx, +0x%llx) is outside the image",
					 s, (unsigned long long)seg->offset, (unsigned long long)seg->filesz);
		while (off + 12 <= seg->filesz) {
			uint32_t namesz = vdso_rd32(img, p + off), descsz = vdso_rd32(img, p + off + 4);
			uint32_t type = vdso_rd32(img, p + off + 8);
			/* name and descriptor each start aligned (from the
			 * segment's start); the last one need not be padded */
			uint64_t name = off + 12, desc = pad(name + namesz, align), end = pad(desc + descsz, align);
			int rc;

			if (desc > seg->filesz || desc + descsz > seg->filesz)
				return vdso_fail(img, VDSO_ERR_NOTE,
						 "PT_NOTE %u offset %llu: note (namesz %u, descsz %u) runs past the segment (%llu bytes)",
						 s, (unsigned long long)off, namesz, descsz, (unsigned long long)seg->filesz);
			rc = one_note(img, (const char *)p + name, namesz, type, p + desc, descsz, s, off);
			if (rc)
				return rc;
			off = end;
		}
	}
	return VDSO_OK;
}
