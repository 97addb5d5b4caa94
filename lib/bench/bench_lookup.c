/* SPDX-License-Identifier: MIT */
/* make bench: resolver speed, side by side in one run.  Each figure is the
 * median of 7 batches so that one preempted batch does not move it. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vdso/vdso.h"
#include "expect/arch.h"
#include "bench.h"
#include "vdsotool/tool.h"

static volatile uintptr_t sink;

/* ns per key lookup with one method */
static double bench_method(const struct vdso_image *img, struct vdso_key *keys, size_t n,
			   enum vdso_method m, long rounds)
{
	double r[BATCHES];

	for (int b = 0; b < BATCHES; b++) {
		double t0 = now_ns();

		for (long i = 0; i < rounds; i++)
			for (size_t k = 0; k < n; k++) {
				struct vdso_sym s;

				if (vdso_lookup(img, &keys[k], m, &s) == VDSO_OK)
					sink += s.addr;
			}
		r[b] = (now_ns() - t0) / (double)(rounds * (long)n);
	}
	return bench_median(r, BATCHES);
}

static double bench_dlvsym(void *h, struct vdso_key *keys, size_t n, long rounds)
{
	double r[BATCHES];

	for (int b = 0; b < BATCHES; b++) {
		double t0 = now_ns();

		for (long i = 0; i < rounds; i++)
			for (size_t k = 0; k < n; k++)
				sink += (uintptr_t)dlvsym(h, keys[k].name, keys[k].version);
		r[b] = (now_ns() - t0) / (double)(rounds * (long)n);
	}
	return bench_median(r, BATCHES);
}

static double bench_open_live(long rounds)
{
	double r[BATCHES];
	struct vdso_image img;

	for (int b = 0; b < BATCHES; b++) {
		double t0 = now_ns();

		for (long i = 0; i < rounds; i++) {
			vdso_open_live(&img);
			sink += img.nsyms;
		}
		r[b] = (now_ns() - t0) / (double)rounds;
	}
	return bench_median(r, BATCHES);
}

static int bench_image(const char *path, FILE *devnull)
{
	struct vdso_image file, img;
	double r[BATCHES];
	long rounds = 2000;

	if (vdso_open_file(&file, path) != VDSO_OK) {
		printf("  %-44s  (not an image: %s)\n", path, file.err);
		return 0;
	}
	for (int b = 0; b < BATCHES; b++) {
		double t0 = now_ns();

		for (long i = 0; i < rounds; i++) {
			vdso_open_buffer(&img, file.data, file.size);
			inspect_print(devnull, &img, path, 1);
		}
		r[b] = (now_ns() - t0) / (double)rounds;
	}
	printf("  %-44s %8.2f us\n", strrchr(path, '/') ? strrchr(path, '/') + 1 : path, bench_median(r, BATCHES) / 1000);
	vdso_close(&file);
	return 1;
}

int main(int argc, char **argv)
{
	const struct vdso_arch *arch = vdso_arch_native();
	struct vdso_key keys[32];
	struct vdso_image img;
	size_t n = 0;
	long rounds = 20000;
	FILE *devnull = fopen("/dev/null", "w");
	void *h;

	if (vdso_open_live(&img) != VDSO_OK) {
		fprintf(stderr, "bench: %s\n", img.err);
		return 1;
	}
	for (size_t i = 0; arch && i < arch->nsyms && n < 32; i++) {
		struct vdso_sym s;

		vdso_key_init(&keys[n], arch->syms[i].name, arch->syms[i].version);
		if (vdso_lookup(&img, &keys[n], VDSO_BY_ANY, &s) == VDSO_OK)
			n++;
	}
	if (!n) {
		fprintf(stderr, "bench: no expected symbol resolves in the live vDSO\n");
		return 1;
	}
	printf("libvdso lookup, live vDSO, %zu symbols of %s, median of %d batches\n", n, arch->name, BATCHES);
	double gnu = bench_method(&img, keys, n, VDSO_BY_GNU_HASH, rounds);
	double sysv = bench_method(&img, keys, n, VDSO_BY_SYSV_HASH, rounds);
	double lin = bench_method(&img, keys, n, VDSO_BY_LINEAR, rounds);
	printf("  %-28s %8.1f ns/symbol\n", "GNU hash", gnu);
	printf("  %-28s %8.1f ns/symbol\n", "SysV hash", sysv);
	printf("  %-28s %8.1f ns/symbol\n", "linear scan", lin);
	h = dlopen("linux-vdso.so.1", RTLD_NOW | RTLD_NOLOAD);
	if (h) {
		double dl = bench_dlvsym(h, keys, n, rounds);

		printf("  %-28s %8.1f ns/symbol\n", "glibc dlvsym", dl);
		printf("  %-28s %8.2fx %s\n", "dlvsym / GNU hash", dl / gnu,
		       dl > gnu ? "(goal met: GNU lookup faster than dlvsym)" : "(GOAL MISSED)");
	} else {
		printf("  glibc dlvsym: linux-vdso.so.1 not loaded (%s)\n", dlerror());
	}
	double open_ns = bench_open_live(rounds);
	printf("  %-28s %8.1f ns %s\n", "open + parse live vDSO", open_ns,
	       open_ns < 2000 ? "(goal < 2 us met)" : "(GOAL MISSED: 2 us)");
	printf("inspect (open + parse + JSON report to /dev/null) per image\n");
	for (int i = 1; i < argc; i++)
		bench_image(argv[i], devnull);
	vdso_close(&img);
	return 0;
}
