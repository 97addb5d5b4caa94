/* SPDX-License-Identifier: MIT */
/* vdsotool dump: the live vDSO bytes as mapped (kernel-patched
 * alternatives included), for offline inspection and diffing. */
#include "tool.h"

#include <errno.h>
#include <string.h>

int cmd_dump(int argc, char **argv)
{
	struct vdso_image img;
	const char *out = NULL;
	FILE *f;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else
			return tool_usage("dump: unexpected argument '%s'", argv[i]);
	}
	if (!out)
		return tool_usage("dump: -o FILE is required");
	rc = tool_open(&img, NULL, 1);
	if (rc)
		return rc;
	f = fopen(out, "wb");
	if (!f)
		return tool_error(out, "cannot create: %s", strerror(errno));
	if (fwrite(img.data, 1, img.size, f) != img.size || fclose(f) != 0)
		return tool_error(out, "write failed: %s", strerror(errno));
	fprintf(stderr, "vdsotool: wrote %zu bytes of the live vDSO to %s\n", img.size, out);
	vdso_close(&img);
	return EXIT_OK;
}
