/* SPDX-License-Identifier: MIT */
/*
 * The little of a C library that libvdso's parse and lookup steps call:
 * the string functions, and vdso_fail() (lib/vdso/fail.c formats with
 * vsnprintf; here the message is the format itself, unformatted, which
 * is enough to tell which table was refused).  The compiler may also
 * emit calls to memcpy/memset/memcmp for structure copies; these are
 * those.  Built with -fno-tree-loop-distribute-patterns so that the
 * loops below are not turned back into calls to themselves.
 */
#include <stddef.h>
#include <string.h>

#include "sys.h"
#include "vdso/bounds.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

void *memchr(const void *p, int c, size_t n)
{
	const unsigned char *s = p;

	for (; n; n--, s++)
		if (*s == (unsigned char)c)
			return (void *)s;
	return NULL;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int vdso_fail(struct vdso_image *img, int status, const char *fmt, ...)
{
	size_t i;

	for (i = 0; fmt[i] && i + 1 < sizeof(img->err); i++)
		img->err[i] = fmt[i];
	img->err[i] = 0;
	return status;
}

#ifdef __arm__
/* libgcc's ARM EABI division helpers report a division by zero with
 * raise(SIGFPE); libvdso divides only by checked nonzero values */
int raise(int sig);
int raise(int sig)
{
	sys_exit(128 + sig);
}
#endif
