/* SPDX-License-Identifier: MIT */
/*
 * libvdso: a resolver for the vDSO image the kernel maps into each process,
 * hardened for untrusted input (files, buffers, distro kernel images).
 *
 * Every offset, size, count and index read from an image is checked before
 * use; a malformed image yields an error code plus a message naming the
 * table and the offset, never a read outside the image.
 *
 * Thread safety: no function keeps global state.  vdso_open_*() fill the
 * struct they are given; once opened, an image is never written again, so
 * any number of threads may call the lookup, iteration and classification
 * functions on one image concurrently.  vdso_close() must not race with them.
 */
#ifndef VDSO_H
#define VDSO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum vdso_status {
	VDSO_OK = 0,
	VDSO_NO_VDSO,		/* the process has no vDSO (vdso=0): not an error */
	VDSO_NOT_FOUND,		/* a lookup found no matching symbol */
	VDSO_ERR_IO,		/* file missing, unreadable, a directory, ... */
	VDSO_ERR_NOMEM,
	VDSO_ERR_ARG,		/* caller passed something unusable */
	/* the image is malformed; the name says which part */
	VDSO_ERR_EHDR,		/* ELF header: magic, class, data, size */
	VDSO_ERR_PHDR,		/* program header table or a segment */
	VDSO_ERR_DYNAMIC,	/* PT_DYNAMIC or one of its entries */
	VDSO_ERR_STRTAB,	/* DT_STRTAB/DT_STRSZ or a name in it */
	VDSO_ERR_SYMTAB,	/* DT_SYMTAB/DT_SYMENT or a symbol */
	VDSO_ERR_HASH,		/* DT_HASH */
	VDSO_ERR_GNU_HASH,	/* DT_GNU_HASH */
	VDSO_ERR_VERSYM,	/* DT_VERSYM */
	VDSO_ERR_VERDEF,	/* DT_VERDEF/DT_VERDEFNUM */
	VDSO_ERR_NOTE,		/* PT_NOTE contents */
	VDSO_STATUS_COUNT
};

/* Short name of a status ("DT_GNU_HASH", "no vDSO", ...). */
const char *vdso_status_name(int status);

#define VDSO_MAX_LOADS 16	/* vDSOs have 1 or 2 PT_LOADs */
#define VDSO_MAX_NOTES 8	/* PT_NOTE segments recorded */
#define VDSO_MAX_VERSIONS 32	/* version definitions recorded */
#define VDSO_MAX_BUILD_ID 64

struct vdso_segment {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz, align;
};

struct vdso_version {
	uint16_t index;		/* vd_ndx */
	uint16_t flags;		/* vd_flags; VER_FLG_BASE marks the soname */
	uint16_t cnt;		/* vd_cnt */
	uint32_t hash;		/* vd_hash as stored */
	int hash_ok;		/* vd_hash == ELF hash of name */
	const char *name;	/* first vda_name */
};

/* Dynamic tags recorded for later checks.  present[] is indexed by enum
 * vdso_dt; the values are the raw d_val/d_ptr (vaddrs, unrelocated). */
enum vdso_dt {
	VDSO_DT_STRTAB, VDSO_DT_STRSZ, VDSO_DT_SYMTAB, VDSO_DT_SYMENT,
	VDSO_DT_HASH, VDSO_DT_GNU_HASH, VDSO_DT_VERSYM, VDSO_DT_VERDEF,
	VDSO_DT_VERDEFNUM, VDSO_DT_VERNEED, VDSO_DT_SONAME, VDSO_DT_FLAGS,
	VDSO_DT_FLAGS_1, VDSO_DT_RPATH, VDSO_DT_RUNPATH, VDSO_DT_REL,
	VDSO_DT_RELSZ, VDSO_DT_RELA, VDSO_DT_RELASZ, VDSO_DT_JMPREL,
	VDSO_DT_PLTRELSZ, VDSO_DT_TEXTREL, VDSO_DT_RELR, VDSO_DT_RELRSZ,
	VDSO_DT_INIT, VDSO_DT_FINI, VDSO_DT_SYMBOLIC, VDSO_DT_BIND_NOW,
	VDSO_DT_COUNT
};

/* "DT_STRTAB", ... */
const char *vdso_dt_name(enum vdso_dt idx);

struct vdso_notes {
	int has_linux_version;
	uint32_t linux_version;		/* LINUX_VERSION_CODE: (a<<16)|(b<<8)|c */
	const char *release;		/* owner Linux type 0x100, NUL-terminated */
	size_t build_id_len;		/* owner GNU NT_GNU_BUILD_ID */
	uint8_t build_id[VDSO_MAX_BUILD_ID];
};

struct vdso_range {
	uint64_t start, end;		/* vaddr, end exclusive */
};

enum vdso_layout {
	VDSO_LAYOUT_FILE,	/* bytes as in the file; vaddr -> offset by PT_LOAD */
	VDSO_LAYOUT_LOADED,	/* segments mapped by ld.so at load_bias + vaddr */
};

struct vdso_image {
	/* Where the bytes are.  For FILE layout, data[0..size) is the image. */
	const unsigned char *data;
	size_t size;
	void *owned;			/* buffer to free on close */
	enum vdso_layout layout;
	int loaded;			/* mapped and callable in this process */
	uintptr_t load_offset;		/* runtime address = load_offset + st_value */
	int dyn_rebased;		/* ld.so added load_offset to d_ptr values */

	/* ELF header */
	int elfclass;			/* 32 or 64 */
	int big_endian;
	uint16_t type, machine;
	uint32_t eflags;
	uint64_t phoff, shoff;
	uint16_t phnum, phentsize, shnum, shentsize, shstrndx;

	/* Program headers */
	unsigned nloads;
	struct vdso_segment loads[VDSO_MAX_LOADS];
	unsigned nnotes;
	struct vdso_segment notesegs[VDSO_MAX_NOTES];
	int has_dynamic, has_eh_frame, has_interp, has_tls, has_gnu_stack;
	struct vdso_segment dynamic, eh_frame, interp, tls;

	/* Dynamic section */
	uint64_t dt[VDSO_DT_COUNT];
	unsigned char dt_present[VDSO_DT_COUNT];
	unsigned ndyn;			/* entries before DT_NULL */
	unsigned nneeded;		/* DT_NEEDED count */
	unsigned nrelocs;		/* relocations other than R_*_NONE */
	unsigned nrelocs_none;
	const char *soname;
	const char *rpath, *runpath;

	/* Tables, validated at open; pointers into the image */
	const char *strtab;
	uint64_t strsz;
	const unsigned char *symtab;
	uint64_t syment;
	uint32_t nsyms;			/* the count the linear scan walks */
	uint32_t nsyms_fit;		/* symbols that fit in symtab's segment */

	const unsigned char *hash;	/* DT_HASH */
	unsigned hash_entsize;		/* 4, or 8 on s390x and alpha */
	uint64_t hash_nbucket, hash_nchain;

	const unsigned char *gnu;	/* DT_GNU_HASH */
	uint32_t gnu_nbuckets, gnu_symoffset, gnu_bloom_size, gnu_bloom_shift;
	uint32_t gnu_nsyms;		/* 1 + last index reached by the chains */

	const unsigned char *versym;
	uint64_t hash_bytes, gnu_bytes, verdef_bytes;	/* table extents */
	unsigned nversions;
	struct vdso_version versions[VDSO_MAX_VERSIONS];

	struct vdso_notes notes;

	unsigned ntext;
	struct vdso_range text[VDSO_MAX_LOADS];	/* executable PT_LOADs */

	char err[200];			/* message for the last failed call */
};

/* --- opening -------------------------------------------------------- */

/* The running process's vDSO: getauxval(AT_SYSINFO_EHDR), then
 * /proc/self/auxv.  Returns VDSO_NO_VDSO when the kernel mapped none. */
int vdso_open_live(struct vdso_image *img);

/* Address of the live vDSO (0 when none) and how it was found. */
uintptr_t vdso_live_base(const char **how);

/* An image file.  The bytes are copied; nothing is mapped or run. */
int vdso_open_file(struct vdso_image *img, const char *path);

/* An image in a caller's buffer, FILE layout, not copied: buf must
 * outlive img.  Not callable (loaded = 0). */
int vdso_open_buffer(struct vdso_image *img, const void *buf, size_t len);

/* A vDSO-like image mapped in this process in FILE layout at addr (the
 * live vDSO, or a vDSO moved with mremap).  Callable. */
int vdso_open_mapped(struct vdso_image *img, const void *addr, size_t len);

/* A shared object loaded with dlopen(); resolved from its load address. */
int vdso_open_dlhandle(struct vdso_image *img, void *handle);

void vdso_close(struct vdso_image *img);

/* --- symbols -------------------------------------------------------- */

struct vdso_sym {
	uint32_t index;
	const char *name;
	const char *version;	/* NULL: unversioned, local (0) or global (1) */
	uint16_t versym;	/* raw DT_VERSYM entry, 0 when none */
	int hidden;		/* versym bit 15 */
	uint8_t bind, type, visibility;	/* STB_*, STT_*, STV_* */
	uint16_t shndx;
	uint64_t value, size;
	uintptr_t addr;		/* runtime address; 0 unless loaded */
};

/* Read symbol idx (0 <= idx < nsyms).  Name and version are validated. */
int vdso_sym_at(const struct vdso_image *img, uint32_t idx, struct vdso_sym *out);

/* Precomputed key (Go's vdsoSymbolKey).  version NULL matches the default
 * (non-hidden) definition or an unversioned symbol. */
struct vdso_key {
	const char *name;
	const char *version;
	uint32_t sysv_hash, gnu_hash, ver_hash;
	/* results of vdso_resolve() */
	int found;
	uint32_t index;
	uintptr_t addr;
	int hidden;
};

#define VDSO_KEY(n, v) { .name = (n), .version = (v) }
void vdso_key_init(struct vdso_key *key, const char *name, const char *version);

enum vdso_method {
	VDSO_BY_ANY = 0,	/* GNU hash, else SysV hash, else linear */
	VDSO_BY_GNU_HASH,
	VDSO_BY_SYSV_HASH,
	VDSO_BY_LINEAR,
};
const char *vdso_method_name(enum vdso_method m);

/* One key.  Returns VDSO_OK, VDSO_NOT_FOUND, VDSO_ERR_ARG (method not
 * available in this image) or an error for a table found corrupt.  Keys
 * whose hashes are zero are hashed on the fly. */
int vdso_lookup(const struct vdso_image *img, const struct vdso_key *key,
		enum vdso_method m, struct vdso_sym *out);

/* A whole table of keys in one pass; fills found/index/addr/hidden.
 * Returns the number of keys found, or a negative status. */
int vdso_resolve(const struct vdso_image *img, struct vdso_key *keys,
		 size_t nkeys, enum vdso_method m);

uint32_t vdso_sysv_hash(const char *name);
uint32_t vdso_gnu_hash(const char *name);

/* Version definition for a versym index, or NULL. */
const struct vdso_version *vdso_version_by_index(const struct vdso_image *img,
						 unsigned index);

/* --- sections -------------------------------------------------------- */

struct vdso_shdr {
	const char *name;	/* NULL unless a terminated string in .shstrtab */
	uint32_t name_off, type;
	uint64_t flags, addr, offset, size, entsize;
	int in_image;		/* offset and size lie inside the image bytes */
};

/* Sections of a FILE-layout image with a usable section table (0 when it
 * has none: they are optional, and not mapped for a loaded object). */
unsigned vdso_section_count(const struct vdso_image *img);
/* Section i, bounds-checked; VDSO_NOT_FOUND past the table. */
int vdso_section_at(const struct vdso_image *img, unsigned i, struct vdso_shdr *out);
/* The first section of that name; VDSO_NOT_FOUND if none. */
int vdso_section_named(const struct vdso_image *img, const char *name, struct vdso_shdr *out);

/* --- text ----------------------------------------------------------- */

/* Is this runtime address inside an executable PT_LOAD of a loaded image? */
int vdso_pc_in_text(const struct vdso_image *img, uintptr_t pc);

/* Is this vaddr inside an executable PT_LOAD (any image)? */
int vdso_vaddr_in_text(const struct vdso_image *img, uint64_t vaddr);

/* --- names ---------------------------------------------------------- */

/* "x86_64", "aarch64", ... as named in docs/design.md, or NULL for other machines. */
const char *vdso_machine_name(uint16_t e_machine);

/* Format LINUX_VERSION_CODE as "6.18.44" into buf. */
char *vdso_format_version(uint32_t code, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
