/* SPDX-License-Identifier: MIT */
/* Finding images mapped in this process: the kernel's vDSO through the
 * auxiliary vector, and a shared object loaded with dlopen (a fake vDSO). */
#include "bounds.h"
#include "parse.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

/* A kernel vDSO is a few pages; this only stops a hostile header from
 * making us probe gigabytes. */
#define LIVE_MAX (16u << 20)

static uintptr_t auxv_file(void)
{
	unsigned long pair[2];
	uintptr_t found = 0;
	int fd = open("/proc/self/auxv", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	for (;;) {
		ssize_t n = read(fd, pair, sizeof(pair));

		if (n != (ssize_t)sizeof(pair) || pair[0] == AT_NULL)
			break;
		if (pair[0] == AT_SYSINFO_EHDR) {
			found = pair[1];
			break;
		}
	}
	close(fd);
	return found;
}

uintptr_t vdso_live_base(const char **how)
{
	uintptr_t base;

	errno = 0;
	base = getauxval(AT_SYSINFO_EHDR);
	if (base) {
		if (how)
			*how = "getauxval";
		return base;
	}
	/* static binaries on old libcs, or an auxv that getauxval lost */
	base = auxv_file();
	if (how)
		*how = base ? "/proc/self/auxv" : "none";
	return base;
}

/* mincore() fails with ENOMEM for any unmapped page in the range: a cheap
 * proof that reading [addr, addr+len) cannot fault. */
static int mapped(uintptr_t addr, size_t len)
{
	unsigned char vec[64];
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t start = addr & ~(uintptr_t)(page - 1);

	while (start < addr + len) {
		size_t chunk = (size_t)page * sizeof(vec);

		if (chunk > addr + len - start)
			chunk = addr + len - start;
		if (mincore((void *)start, chunk, vec) != 0)
			return 0;
		start += chunk;
	}
	return 1;
}

int vdso_open_live(struct vdso_image *img)
{
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t base = vdso_live_base(NULL);
	struct vdso_image hdr;
	uint64_t extent = 0;
	int rc;

	memset(img, 0, sizeof(*img));
	if (!base)
		return vdso_fail(img, VDSO_NO_VDSO,
				 "no vDSO: AT_SYSINFO_EHDR is absent from the auxiliary vector (kernel booted with vdso=0?)");
	if (!mapped(base, (size_t)page))
		return vdso_fail(img, VDSO_ERR_IO, "AT_SYSINFO_EHDR 0x%lx is not mapped", (unsigned long)base);
	/* The headers sit in the first page; they tell how far the image
	 * reaches, which is then proved mapped before anything reads it. */
	memset(&hdr, 0, sizeof(hdr));
	hdr.data = (const unsigned char *)base;
	hdr.size = (size_t)page;
	/* LOADED so that segments reaching past this first page are not yet
	 * refused: their extent is what this pass is for */
	hdr.layout = VDSO_LAYOUT_LOADED;
	if ((rc = vdso_parse_ehdr(&hdr)) != VDSO_OK || (rc = vdso_parse_phdrs(&hdr)) != VDSO_OK) {
		/* a header claiming more than one page fails bounds here */
		*img = hdr;
		img->data = NULL;
		img->size = 0;
		return rc;
	}
	for (unsigned i = 0; i < hdr.nloads; i++)
		if (vdso_add(hdr.loads[i].offset, hdr.loads[i].filesz) > extent)
			extent = vdso_add(hdr.loads[i].offset, hdr.loads[i].filesz);
	if (extent > LIVE_MAX)
		return vdso_fail(img, VDSO_ERR_PHDR, "live vDSO claims %llu bytes", (unsigned long long)extent);
	extent = (extent + (uint64_t)page - 1) & ~(uint64_t)(page - 1);
	if (!mapped(base, (size_t)extent))
		return vdso_fail(img, VDSO_ERR_PHDR, "live vDSO claims %llu bytes but they are not all mapped",
				 (unsigned long long)extent);
	return vdso_open_mapped(img, (const void *)base, (size_t)extent);
}

struct find_ctx {
	uintptr_t addr;
	const ElfW(Phdr) *phdr;
	unsigned phnum;
};

static int find_object(struct dl_phdr_info *info, size_t size, void *data)
{
	struct find_ctx *c = data;

	(void)size;
	if (info->dlpi_addr != c->addr)
		return 0;
	c->phdr = info->dlpi_phdr;
	c->phnum = info->dlpi_phnum;
	return 1;
}

int vdso_open_dlhandle(struct vdso_image *img, void *handle)
{
	struct link_map *lm = NULL;
	struct find_ctx c = { 0 };
	const ElfW(Phdr) *first = NULL;

	memset(img, 0, sizeof(*img));
	if (!handle || dlinfo(handle, RTLD_DI_LINKMAP, &lm) != 0 || !lm)
		return vdso_fail(img, VDSO_ERR_ARG, "not a dlopen handle");
	c.addr = lm->l_addr;
	if (!dl_iterate_phdr(find_object, &c) || !c.phdr)
		return vdso_fail(img, VDSO_ERR_ARG, "loaded object at 0x%lx not found by dl_iterate_phdr",
				 (unsigned long)lm->l_addr);
	/* ld.so maps file offset 0 (ELF and program headers) with the first
	 * segment; read them there, the rest through the segment table */
	for (unsigned i = 0; i < c.phnum; i++)
		if (c.phdr[i].p_type == PT_LOAD && c.phdr[i].p_offset == 0) {
			first = &c.phdr[i];
			break;
		}
	if (!first)
		return vdso_fail(img, VDSO_ERR_PHDR, "no PT_LOAD maps the ELF header");
	img->data = (const unsigned char *)(lm->l_addr + first->p_vaddr);
	img->size = first->p_filesz;
	img->layout = VDSO_LAYOUT_LOADED;
	img->loaded = 1;
	img->load_offset = lm->l_addr;
	return vdso_parse(img);
}
