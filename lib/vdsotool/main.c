/* SPDX-License-Identifier: MIT */
/* vdsotool: inspect and dump vDSO images. */
#include "tool.h"

#include <stdarg.h>
#include <string.h>

static const char usage[] =
	"usage: vdsotool COMMAND [ARGS]\n"
	"  inspect [--json] (--self | FILE)   describe an image: symbols, versions, notes\n"
	"  dump -o FILE                       write the live vDSO as mapped\n"
	"  lookups FILE...                    check GNU, SysV and linear lookups agree\n"
	"exit status: 0 ok, 1 invalid image or failed check, 2 usage\n";

int tool_error(const char *what, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vdsotool: %s: ", what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_INVALID;
}

int tool_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("vdsotool: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (try vdsotool --help)\n", stderr);
	return EXIT_USAGE;
}

int tool_open(struct vdso_image *img, const char *path, int self)
{
	int rc = self ? vdso_open_live(img) : vdso_open_file(img, path);

	if (rc == VDSO_OK)
		return 0;
	return tool_error(self ? "--self" : path, "%s", img->err);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return tool_usage("no command given");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "inspect"))
		return cmd_inspect(argc - 1, argv + 1);
	if (!strcmp(argv[1], "dump"))
		return cmd_dump(argc - 1, argv + 1);
	if (!strcmp(argv[1], "lookups"))
		return cmd_lookups(argc - 1, argv + 1);
	return tool_usage("unknown command '%s'", argv[1]);
}
