/* SPDX-License-Identifier: MIT */
/* The string functions libvdso calls, defined in cases/nolibc/rt.c for a
 * build without a C library. */
#ifndef NOLIBC_STRING_H
#define NOLIBC_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *p, int c, size_t n);
int strcmp(const char *a, const char *b);
size_t strlen(const char *s);

#endif
