/* SPDX-License-Identifier: MIT */
/* Opening image files: reading the bytes and owning them; what they mean
 * is parse.c's business (buffers and mappings: open_mapped.c). */
#include "bounds.h"
#include "parse.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Larger than any vDSO by three orders of magnitude; a guard against
 * reading a disk image by mistake, not a format limit. */
#define VDSO_MAX_FILE (64u << 20)

int vdso_open_file(struct vdso_image *img, const char *path)
{
	struct stat st;
	unsigned char *buf;
	size_t got = 0;
	int fd, rc;

	memset(img, 0, sizeof(*img));
	if (!path)
		return vdso_fail(img, VDSO_ERR_ARG, "no file name");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return vdso_fail(img, VDSO_ERR_IO, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st) < 0) {
		rc = errno;
		close(fd);
		return vdso_fail(img, VDSO_ERR_IO, "cannot stat: %s", strerror(rc));
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return vdso_fail(img, VDSO_ERR_IO, "is a directory, not an image file");
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return vdso_fail(img, VDSO_ERR_IO, "not a regular file");
	}
	if (st.st_size == 0) {
		close(fd);
		return vdso_fail(img, VDSO_ERR_EHDR, "empty file (0 bytes), not an ELF image");
	}
	if ((uint64_t)st.st_size > VDSO_MAX_FILE) {
		close(fd);
		return vdso_fail(img, VDSO_ERR_IO, "file of %lld bytes is larger than any vDSO (limit %u)",
				 (long long)st.st_size, VDSO_MAX_FILE);
	}
	buf = malloc((size_t)st.st_size);
	if (!buf) {
		close(fd);
		return vdso_fail(img, VDSO_ERR_NOMEM, "out of memory reading %lld bytes",
				 (long long)st.st_size);
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? errno : 0;
			close(fd);
			free(buf);
			return vdso_fail(img, VDSO_ERR_IO, "read failed after %zu of %lld bytes%s%s", got,
					 (long long)st.st_size, rc ? ": " : "", rc ? strerror(rc) : "");
		}
		got += (size_t)n;
	}
	close(fd);
	rc = vdso_open_buffer(img, buf, got);
	img->owned = buf;
	if (rc != VDSO_OK) {
		/* keep the message, drop the bytes */
		free(buf);
		img->owned = NULL;
		img->data = NULL;
		img->size = 0;
	}
	return rc;
}

void vdso_close(struct vdso_image *img)
{
	if (!img)
		return;
	free(img->owned);
	memset(img, 0, sizeof(*img));
}
