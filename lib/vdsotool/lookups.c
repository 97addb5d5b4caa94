/* SPDX-License-Identifier: MIT */
/* vdsotool lookups: every defined symbol of every image looked up by GNU
 * hash, SysV hash and linear scan; every available method must find that
 * symbol itself. */
#include "tool.h"

#include <elf.h>
#include <string.h>

static int check_one(const char *file)
{
	static const enum vdso_method methods[] = { VDSO_BY_GNU_HASH, VDSO_BY_SYSV_HASH, VDSO_BY_LINEAR };
	struct vdso_image img;
	int bad = 0, rc = tool_open(&img, file, 0);
	unsigned checked = 0;

	if (rc)
		return rc;
	for (uint32_t i = 1; i < img.nsyms; i++) {
		struct vdso_sym s;
		struct vdso_key key;
		long got[3];

		if (vdso_sym_at(&img, i, &s) != VDSO_OK || s.shndx == SHN_UNDEF || s.bind == STB_LOCAL)
			continue;
		/* the hidden definition is only reachable by its version */
		vdso_key_init(&key, s.name, s.version);
		for (int m = 0; m < 3; m++) {
			struct vdso_sym r;
			int st = vdso_lookup(&img, &key, methods[m], &r);

			got[m] = st == VDSO_OK ? (long)r.index : st == VDSO_ERR_ARG ? -2 : -1;
		}
		/* each method must find this very symbol: agreeing on "not found"
		 * would pass a resolver that finds nothing */
		for (int m = 0; m < 3; m++) {
			if (got[m] == -2 || got[m] == (long)i)
				continue;
			printf("%s: %s@%s: %s lookup gives %s%ld, expected symbol %u\n", file, s.name,
			       s.version ? s.version : "", vdso_method_name(methods[m]),
			       got[m] == -1 ? "nothing: " : "symbol ", got[m], i);
			bad = 1;
		}
		checked++;
	}
	if (!bad)
		printf("%s: %u symbols agree (%s%s%slinear)\n", file, checked, img.gnu ? "gnu, " : "",
		       img.hash ? "sysv, " : "", "");
	vdso_close(&img);
	return bad ? EXIT_INVALID : EXIT_OK;
}

int cmd_lookups(int argc, char **argv)
{
	int worst = EXIT_OK;

	if (argc < 2)
		return tool_usage("lookups: no FILE given");
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1])
			return tool_usage("lookups: unknown option '%s'", argv[i]);
	}
	for (int i = 1; i < argc; i++) {
		int rc = check_one(argv[i]);

		if (rc > worst)
			worst = rc;
	}
	return worst;
}
