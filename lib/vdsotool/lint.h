/* SPDX-License-Identifier: MIT */
/* vdsotool lint: the rules a vDSO image must keep (lint_rules.c), the raw
 * header reads they need when libvdso cannot parse an image (lint_elf.c),
 * and the command with its KTAP and JSON output (lint.c). */
#ifndef VDSOTOOL_LINT_H
#define VDSOTOOL_LINT_H

#include <stddef.h>
#include <stdint.h>

#include "vdso/vdso.h"
#include "expect/arch.h"

#define LINT_MAX_PHDRS 64	/* more are counted, not kept */
#define LINT_MAX_MSGS 8
#define LINT_MSG_LEN 320

/* The ELF and program headers as read byte by byte, so that the header
 * rules can judge an image the library rejects. */
struct lint_raw {
	int ok;				/* ELF magic, class, data and e_ident version */
	char err[LINT_MSG_LEN];		/* why not ok */
	int elfclass, big_endian;
	uint16_t type, machine;
	uint32_t eflags;
	unsigned phnum_all, phnum;	/* in the header; kept below */
	struct vdso_segment ph[LINT_MAX_PHDRS];
};

enum lint_severity { LINT_ERROR, LINT_WARNING };
enum lint_status { LINT_PASS, LINT_FAIL, LINT_SKIP };

struct lint_result {
	enum lint_status status;
	unsigned nmsgs, more;		/* messages kept, and dropped */
	char msgs[LINT_MAX_MSGS][LINT_MSG_LEN];
};

struct lint_image {
	const char *file;
	const unsigned char *data;
	size_t size;
	struct lint_raw raw;
	const struct vdso_arch *arch;	/* NULL: machine/class not in the table */
	int parsed;			/* img is valid */
	int sysv_masked;		/* parsed with DT_HASH hidden (wrong entry size) */
	unsigned char *masked;		/* the copy that was parsed then */
	struct vdso_image img;
	char parse_err[LINT_MSG_LEN];
	unsigned hash_width;		/* DT_HASH entry size the table is consistent with, 0 unknown */
	char hash_width_why[LINT_MSG_LEN];
};

struct lint_rule {
	const char *id;			/* the last part of lint.<image>.<id> */
	enum lint_severity severity;
	const char *what;		/* one line: the rule and why it exists */
	int needs_parse;		/* skipped when libvdso rejects the image */
	void (*check)(const struct lint_image *li, struct lint_result *r);
};

/* The rules, in report order. */
const struct lint_rule *lint_rules(size_t *n);

/* Add a message to r (printf-style); keeps LINT_MAX_MSGS, counts the rest. */
void lint_msg(struct lint_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* lint_msg and mark the rule failed. */
void lint_fail(struct lint_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Printable copy of an untrusted string (NULL: "(none)"). */
const char *lint_safe(const char *s, char *buf, size_t len);

/* The rules (lint_headers.c, lint_symbols.c, lint_rules.c). */
void lint_r_elf(const struct lint_image *li, struct lint_result *r);
void lint_r_machine(const struct lint_image *li, struct lint_result *r);
void lint_r_dynamic(const struct lint_image *li, struct lint_result *r);
void lint_r_parse(const struct lint_image *li, struct lint_result *r);
void lint_r_interp(const struct lint_image *li, struct lint_result *r);
void lint_r_tls(const struct lint_image *li, struct lint_result *r);
void lint_r_writable(const struct lint_image *li, struct lint_result *r);
void lint_r_eh_frame(const struct lint_image *li, struct lint_result *r);
void lint_r_align(const struct lint_image *li, struct lint_result *r);
void lint_r_relocs(const struct lint_image *li, struct lint_result *r);
void lint_r_needed(const struct lint_image *li, struct lint_result *r);
void lint_r_soname(const struct lint_image *li, struct lint_result *r);
void lint_r_runpath(const struct lint_image *li, struct lint_result *r);
void lint_r_undefined(const struct lint_image *li, struct lint_result *r);
void lint_r_type(const struct lint_image *li, struct lint_result *r);
void lint_r_bind(const struct lint_image *li, struct lint_result *r);
void lint_r_expected(const struct lint_image *li, struct lint_result *r);
void lint_r_version(const struct lint_image *li, struct lint_result *r);
void lint_r_hash_present(const struct lint_image *li, struct lint_result *r);
void lint_r_hash_agree(const struct lint_image *li, struct lint_result *r);
void lint_r_hash_entsize(const struct lint_image *li, struct lint_result *r);
void lint_r_note_version(const struct lint_image *li, struct lint_result *r);
void lint_r_note_release(const struct lint_image *li, struct lint_result *r);
void lint_r_build_id(const struct lint_image *li, struct lint_result *r);

/* lint_elf.c: headers, then the library parse (with DT_HASH hidden when
 * its entry size is wrong, so the other rules can still run). */
void lint_raw_read(struct lint_raw *raw, const unsigned char *p, size_t n);
void lint_open(struct lint_image *li);
void lint_close(struct lint_image *li);

#endif
