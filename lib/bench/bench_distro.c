/* SPDX-License-Identifier: MIT */
/* make bench, distro part: `vdsotool lint` per image (goal: under 1 ms),
 * and `vdsotool extract` per kernel image against plain decompression of
 * the stream that holds the vDSOs (goal: within 1.5x).  Medians of 7
 * batches.  Kernels come from fixtures/distro/fetch's cache when it has
 * run; otherwise a synthetic one (a fixture image in 48 MiB of
 * kernel-like data, gzip and xz) is made here, so the bench runs offline.
 *
 *   bench_distro [--lint IMAGE...] [--extract KERNEL...]
 */
#include <fcntl.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "bench.h"
#include "vdsotool/tool.h"
#include "vdsotool/extract.h"

/* The subcommands print (and say on stderr what fixtures break); the
 * bench wants their time, not their output. */
static int saved[2] = { -1, -1 };

static void quiet(int on)
{
	fflush(stdout);
	fflush(stderr);
	for (int fd = 1; fd <= 2; fd++) {
		if (on) {
			int null = open("/dev/null", O_WRONLY);

			saved[fd - 1] = dup(fd);
			dup2(null, fd);
			close(null);
		} else {
			dup2(saved[fd - 1], fd);
			close(saved[fd - 1]);
		}
	}
}

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static void bench_lint(char **images, int n)
{
	double lo = 1e18, hi = 0, all[4096];
	int rounds = 200, k = 0;

	printf("vdsotool lint, per image (read, parse, %s rules, KTAP to /dev/null):\n", "24");
	for (int i = 0; i < n && k < 4096; i++) {
		double r[BATCHES];
		char *argv[] = { "lint", images[i], NULL };

		for (int b = 0; b < BATCHES; b++) {
			quiet(1);
			double t0 = now_ns();
			for (int j = 0; j < rounds; j++)
				cmd_lint(2, argv);
			r[b] = (now_ns() - t0) / rounds;
			quiet(0);
		}
		all[k++] = bench_median(r, BATCHES);
		if (all[k - 1] < lo)
			lo = all[k - 1];
		if (all[k - 1] > hi)
			hi = all[k - 1];
		if (n <= 16)
			printf("  %-40s %8.1f us\n", base(images[i]), all[k - 1] / 1e3);
	}
	if (k)
		printf("  %d images: min %.1f us, median %.1f us, max %.1f us per image (goal: < 1000 us)\n", k,
		       lo / 1e3, bench_median(all, k) / 1e3, hi / 1e3);
}

/* --- extract ----------------------------------------------------------------- */

static int count_found(void *ctx, const unsigned char *p, size_t size, uint64_t offset, const struct ex_origin *w)
{
	(void)p, (void)size, (void)offset, (void)w;
	++*(int *)ctx;
	return 1;
}

static void bench_extract_one(const char *path)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	static struct ex_scan s;
	struct ex_origin top = { 0, NULL, DC_GZIP, 0 };
	int found = 0;
	double ex[BATCHES], dc[BATCHES];

	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size == 0) {
		printf("  %-34s cannot read\n", base(path));
		if (fd >= 0)
			close(fd);
		return;
	}
	const unsigned char *data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (data == MAP_FAILED)
		return;
	/* one scan to learn which streams there are */
	memset(&s, 0, sizeof(s));
	s.max_output = 512u << 20;
	s.budget = 4 * s.max_output;
	s.max_depth = 2;
	s.found = count_found;
	s.ctx = &found;
	ex_scan(&s, data, (size_t)st.st_size, &top);
	char *argv[] = { "extract", (char *)path, NULL };
	for (int b = 0; b < BATCHES; b++) {
		quiet(1);
		double t0 = now_ns();
		cmd_extract(2, argv);
		ex[b] = now_ns() - t0;
		quiet(0);
		/* the baseline: decode the streams that decoded, nothing else */
		t0 = now_ns();
		for (unsigned i = 0; i < s.nstreams; i++) {
			struct dc_result r;

			if (s.streams[i].depth != 1)
				continue;
			dc_decode(s.streams[i].format, data + s.streams[i].offset, (size_t)st.st_size - s.streams[i].offset,
				  s.max_output, &r);
			free(r.data);
		}
		dc[b] = now_ns() - t0;
	}
	double e = bench_median(ex, BATCHES), d = bench_median(dc, BATCHES);
	const char *fmt = s.nstreams ? dc_name(s.streams[0].format) : "none";
	if (s.nstreams)
		printf("  %-34s %-10s %3d vDSOs  extract %8.1f ms  decompress %8.1f ms  ratio %.2fx\n", base(path), fmt,
		       found, e / 1e6, d / 1e6, e / d);
	else
		printf("  %-34s %-10s %3d vDSOs  extract %8.1f ms  (uncompressed: scan only)\n", base(path), fmt, found,
		       e / 1e6);
	munmap((void *)data, (size_t)st.st_size);
}

/* 48 MiB that compress like a kernel (text-ish runs and noise), with
 * image at 40 MiB; written gzip- and xz-compressed. */
static int synthesize(const char *image, const char dir[2048], char *gz_path, char *xz_path, size_t len)
{
	size_t n = 48u << 20, at = 40u << 20, img_len;
	unsigned char *buf = malloc(n), *img;
	FILE *f = fopen(image, "rb");
	uint32_t x = 12345;

	if (!buf || !f)
		return -1;
	img = malloc(1 << 20);
	img_len = fread(img, 1, 1 << 20, f);
	fclose(f);
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245 + 12345;
		buf[i] = (i & 4096) ? (unsigned char)(x >> 24) : (unsigned char)"mov %rax, (%rbx)\n"[i % 17];
	}
	memcpy(buf + at, img, img_len);
	free(img);

	size_t cap = n + (n >> 3) + 4096, out_len = 0;
	unsigned char *out = malloc(cap);
	z_stream z;
	memset(&z, 0, sizeof(z));
	deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
	z.next_in = buf;
	z.avail_in = (unsigned)n;
	z.next_out = out;
	z.avail_out = (unsigned)cap;
	deflate(&z, Z_FINISH);
	out_len = z.total_out;
	deflateEnd(&z);
	snprintf(gz_path, len, "%s/synthetic-gzip.bin", dir);
	f = fopen(gz_path, "wb");
	fwrite("MZ-pretend-boot-stub", 1, 20, f);
	fwrite(out, 1, out_len, f);
	fclose(f);
	out_len = 0;
	lzma_easy_buffer_encode(1, LZMA_CHECK_CRC32, NULL, buf, n, out, &out_len, cap);
	snprintf(xz_path, len, "%s/synthetic-xz.bin", dir);
	f = fopen(xz_path, "wb");
	fwrite("MZ-pretend-boot-stub", 1, 20, f);
	fwrite(out, 1, out_len, f);
	fclose(f);
	free(out);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int mode = 0, nl = 0, nk = 0;
	char **lint = calloc((size_t)argc, sizeof(char *)), **kern = calloc((size_t)argc + 2, sizeof(char *));
	static char gz[4096], xz[4096];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--lint"))
			mode = 1;
		else if (!strcmp(argv[i], "--extract"))
			mode = 2;
		else if (mode == 1)
			lint[nl++] = argv[i];
		else if (mode == 2)
			kern[nk++] = argv[i];
	}
	if (nl)
		bench_lint(lint, nl);
	if (!nk && nl) {
		/* no distro kernels cached: make two, next to this program */
		char dir[2048];
		snprintf(dir, sizeof(dir), "%.2000s", argv[0]);
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = 0;
		else
			snprintf(dir, sizeof(dir), ".");
		if (synthesize(lint[0], dir, gz, xz, sizeof(gz)) == 0) {
			kern[nk++] = gz;
			kern[nk++] = xz;
			printf("(no kernels cached by fixtures/distro/fetch: synthetic 48 MiB kernels)\n");
		}
	}
	if (nk)
		printf("vdsotool extract against decompressing the same stream (goal: within 1.5x):\n");
	for (int i = 0; i < nk; i++)
		bench_extract_one(kern[i]);
	free(lint);
	free(kern);
	return 0;
}
