/* SPDX-License-Identifier: MIT */
/* vdsotool: inspect and dump vDSO images. */
#include "tool.h"

#include <string.h>

#ifdef VDSOTOOL_DUMP_ONLY
/* vdsodump-i386, vdsodump-x32: `dump` alone, built for the compat ABIs so
 * that the vDSO the kernel maps into those processes can be written out
 * and read by the 64-bit tool */
int main(int argc, char **argv)
{
	return cmd_dump(argc, argv);
}
#else
static const char usage[] =
	"usage: vdsotool COMMAND [ARGS]\n"
	"  inspect [--json] (--self | FILE)   describe an image: symbols, versions, notes\n"
	"  dump -o FILE                       write the live vDSO as mapped\n"
	"  lookups FILE...                    check GNU, SysV and linear lookups agree\n"
	"  extract [--json] KERNEL [-o DIR]   find the vDSOs in a kernel image, write them to DIR\n"
	"  lint [--json] [--strict] IMAGE...  check images against the kernel's vDSO rules (KTAP)\n"
	"  diff (--self | FILE) FILE          byte ranges that differ, explained by x86 alternatives\n"
	"  resolvers [--json] (--self | IMAGE...)  which consumers (glibc, musl, Go, libvdso) find each entry point\n"
	"exit status: 0 ok, 1 invalid image or failed check, 2 usage\n";

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
	if (!strcmp(argv[1], "extract"))
		return cmd_extract(argc - 1, argv + 1);
	if (!strcmp(argv[1], "lint"))
		return cmd_lint(argc - 1, argv + 1);
	if (!strcmp(argv[1], "diff"))
		return cmd_diff(argc - 1, argv + 1);
	if (!strcmp(argv[1], "resolvers"))
		return cmd_resolvers(argc - 1, argv + 1);
	return tool_usage("unknown command '%s'", argv[1]);
}
#endif
