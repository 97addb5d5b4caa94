/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: any byte string through open, the inspect report
 * and every lookup method.  Sanitizers turn any out-of-image read into a
 * finding; a clean error return is the expected outcome for most inputs. */
#include <stdio.h>
#include <string.h>

#include "vdso/vdso.h"
#include "expect/arch.h"
#include "vdsotool/tool.h"

static FILE *sink;

static void lookups(const struct vdso_image *img, const char *name, const char *version)
{
	static const enum vdso_method m[] = { VDSO_BY_ANY, VDSO_BY_GNU_HASH, VDSO_BY_SYSV_HASH, VDSO_BY_LINEAR };
	struct vdso_key key;
	struct vdso_sym s;

	vdso_key_init(&key, name, version);
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		vdso_lookup(img, &key, m[i], &s);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct vdso_image img;
	const struct vdso_arch *arch;

	if (!sink)
		sink = fopen("/dev/null", "w");
	if (vdso_open_buffer(&img, data, size) != VDSO_OK)
		return 0;
	inspect_print(sink, &img, "fuzz", 0);
	inspect_print(sink, &img, "fuzz", 1);
	for (uint32_t i = 0; i < img.nsyms; i++) {
		struct vdso_sym s;

		if (vdso_sym_at(&img, i, &s) != VDSO_OK)
			continue;
		lookups(&img, s.name, s.version);
		lookups(&img, s.name, NULL);
		vdso_vaddr_in_text(&img, s.value);
	}
	arch = vdso_arch_for(&img);
	if (arch) {
		struct vdso_key keys[32];
		size_t n = arch->nsyms < 32 ? arch->nsyms : 32;

		for (size_t i = 0; i < n; i++)
			vdso_key_init(&keys[i], arch->syms[i].name, arch->syms[i].version);
		vdso_resolve(&img, keys, n, VDSO_BY_ANY);
		vdso_resolve(&img, keys, n, VDSO_BY_LINEAR);
	}
	lookups(&img, "__vdso_clock_gettime", "LINUX_2.6");
	vdso_close(&img);
	return 0;
}
