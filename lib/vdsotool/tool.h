/* SPDX-License-Identifier: MIT */
/* Shared pieces of the vdsotool subcommands. */
#ifndef VDSOTOOL_H
#define VDSOTOOL_H

#include <stdio.h>

#include "vdso/vdso.h"

enum { EXIT_OK = 0, EXIT_INVALID = 1, EXIT_USAGE = 2 };

/* One line on stderr, "vdsotool: what: message"; returns EXIT_INVALID. */
int tool_error(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Usage error: the message and a pointer to --help; returns EXIT_USAGE. */
int tool_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Open --self or FILE, reporting failure as one line.  Returns 0 or an
 * exit code. */
int tool_open(struct vdso_image *img, const char *path, int self);

/* An unsigned field of size bytes (1..8) in either byte order; the
 * caller has bounded p. */
uint64_t tool_rd(const unsigned char *p, unsigned size, int big_endian);

/* JSON helpers writing to f. */
void json_str(FILE *f, const char *s);
void json_hex(FILE *f, const unsigned char *p, size_t n);

const char *sym_bind_name(unsigned b, char *buf, size_t len);
const char *sym_type_name(unsigned t, char *buf, size_t len);
const char *sym_vis_name(unsigned v);

/* The inspect report of an opened image (also used by the fuzzer). */
void inspect_print(FILE *f, const struct vdso_image *img, const char *file, int json);

int cmd_inspect(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_lookups(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_resolvers(int argc, char **argv);

#endif
