/* SPDX-License-Identifier: MIT */
/* Why an image was refused: one message per failed call, kept in the
 * image so that no state is global. */
#include "bounds.h"

#include <stdarg.h>
#include <stdio.h>

int vdso_fail(struct vdso_image *img, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(img->err, sizeof(img->err), fmt, ap);
	va_end(ap);
	return status;
}
