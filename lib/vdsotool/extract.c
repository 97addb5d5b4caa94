/* SPDX-License-Identifier: MIT */
/* vdsotool extract: every vDSO embedded in a kernel image (bzImage, arm64
 * Image or Image.gz, zImage, vmlinux, s390 image, ...), reported and
 * written as ARCH-CLASS-SONAME.so. */
#include "tool.h"
#include "extract.h"
#include "expect/arch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define EX_MAX_IMAGES 32
#define EX_DEFAULT_MAX_MIB 512	/* per stream: vmlinux of a fat config is ~100 MiB */

struct found {
	unsigned char *bytes;
	size_t size;
	uint64_t offset;
	char where[256];
	char name[160];
};

struct found_set {
	struct found img[EX_MAX_IMAGES];
	unsigned n, dups, dropped;
};

static int record(void *ctx, const unsigned char *p, size_t size, uint64_t offset, const struct ex_origin *where)
{
	struct found_set *set = ctx;
	struct found *f;

	/* a kernel may hold the same image twice (a copy in an init section) */
	for (unsigned i = 0; i < set->n; i++)
		if (set->img[i].size == size && !memcmp(set->img[i].bytes, p, size)) {
			set->dups++;
			return 0;
		}
	if (set->n == EX_MAX_IMAGES) {
		set->dropped++;
		return 0;
	}
	f = &set->img[set->n];
	f->bytes = malloc(size);
	if (!f->bytes) {
		set->dropped++;
		return 0;
	}
	memcpy(f->bytes, p, size);
	f->size = size;
	f->offset = offset;
	ex_origin_format(where, f->where, sizeof(f->where));
	set->n++;
	return 1;
}

/* ARCH-CLASS-SONAME.so; the soname is untrusted, so only file-name-safe
 * characters survive, and a second image of the same name gets -2. */
static void name_image(struct found_set *set, unsigned k, const struct vdso_image *img)
{
	const struct vdso_arch *a = vdso_arch_for(img);
	const char *m = a ? a->name : vdso_machine_name(img->machine);
	char arch[16], so[64], base[128];
	size_t j = 0;

	if (!m) {
		snprintf(arch, sizeof(arch), "em%u", img->machine);
		m = arch;
	}
	for (const char *s = img->soname; *s && j < sizeof(so) - 1; s++)
		so[j++] = (strchr("._-+", *s) || (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
			   (*s >= 'A' && *s <= 'Z')) ? *s : '_';
	so[j] = 0;
	snprintf(base, sizeof(base), "%s-%d-%s", m, img->elfclass, so);
	snprintf(set->img[k].name, sizeof(set->img[k].name), "%s.so", base);
	for (unsigned dup = 2, i = 0; i < k; i++) {
		if (strcmp(set->img[i].name, set->img[k].name))
			continue;
		snprintf(set->img[k].name, sizeof(set->img[k].name), "%s-%u.so", base, dup++);
		i = (unsigned)-1;	/* the new name may collide too: look again */
	}
}

static int write_image(const char *dir, const struct found *f, char *path, size_t len)
{
	FILE *out;

	snprintf(path, len, "%s/%s", dir, f->name);
	out = fopen(path, "wb");
	if (!out)
		return tool_error(path, "cannot create: %s", strerror(errno));
	if (fwrite(f->bytes, 1, f->size, out) != f->size || fclose(out) != 0)
		return tool_error(path, "write failed: %s", strerror(errno));
	return 0;
}

static void print_json_image(const struct found *f, const struct vdso_image *img, const char *path, int first)
{
	const struct vdso_arch *a = vdso_arch_for(img);
	const char *m = vdso_machine_name(img->machine);
	char v[32];

	printf("%s\n  {\"name\": ", first ? "" : ",");
	json_str(stdout, f->name);
	fputs(", \"file\": ", stdout);
	json_str(stdout, path);
	printf(", \"offset\": %llu, \"size\": %zu, \"container\": ", (unsigned long long)f->offset, f->size);
	json_str(stdout, f->where);
	printf(", \"class\": %d, \"endian\": \"%s\", \"machine\": ", img->elfclass, img->big_endian ? "big" : "little");
	if (m)
		json_str(stdout, m);
	else
		printf("%u", img->machine);
	fputs(", \"arch\": ", stdout);
	json_str(stdout, a ? a->name : NULL);
	fputs(", \"soname\": ", stdout);
	json_str(stdout, img->soname);
	fputs(", \"linux_version\": ", stdout);
	json_str(stdout, img->notes.has_linux_version ? vdso_format_version(img->notes.linux_version, v, sizeof(v)) : NULL);
	fputs(", \"release\": ", stdout);
	json_str(stdout, img->notes.release);
	fputs(", \"build_id\": ", stdout);
	if (img->notes.build_id_len)
		json_hex(stdout, img->notes.build_id, img->notes.build_id_len);
	else
		fputs("null", stdout);
	fputc('}', stdout);
}

static void print_text_image(const struct found *f, const struct vdso_image *img, const char *path)
{
	const char *m = vdso_machine_name(img->machine);
	char v[32];

	printf("%-34s offset 0x%-8llx size %-6zu ELF%d %-8s %-18s Linux %-9s in %s%s%s\n", f->name,
	       (unsigned long long)f->offset, f->size, img->elfclass, m ? m : "?", img->soname,
	       img->notes.has_linux_version ? vdso_format_version(img->notes.linux_version, v, sizeof(v)) : "?",
	       f->where, path ? " -> " : "", path ? path : "");
}

static void print_json_streams(const struct ex_scan *s)
{
	static const char *const st[] = { "end", "partial", "fail" };

	fputs("],\n\"streams\": [", stdout);
	for (unsigned i = 0; i < s->nstreams; i++) {
		const struct ex_stream_note *n = &s->streams[i];

		printf("%s\n  {\"format\": \"%s\", \"depth\": %d, \"offset\": %llu, \"consumed\": %zu, "
		       "\"produced\": %zu, \"status\": \"%s\", \"error\": ",
		       i ? "," : "", dc_name(n->format), n->depth, (unsigned long long)n->offset, n->consumed,
		       n->produced, st[n->status]);
		json_str(stdout, n->err[0] ? n->err : NULL);
		fputc('}', stdout);
	}
	printf("],\n\"streams_tried\": %u, \"budget_exhausted\": %s}\n", s->streams_tried,
	       s->budget_hit ? "true" : "false");
}

/* The whole kernel file, mapped read-only. */
static int map_file(const char *path, const unsigned char **data, size_t *size)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return tool_error(path, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st) < 0) {
		int e = errno;

		close(fd);
		return tool_error(path, "cannot stat: %s", strerror(e));
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0) {
		close(fd);
		return tool_error(path, S_ISDIR(st.st_mode) ? "is a directory, not a kernel image"
				  : !S_ISREG(st.st_mode) ? "not a regular file" : "empty file (0 bytes)");
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return tool_error(path, "cannot map %lld bytes: %s", (long long)st.st_size, strerror(errno));
	*data = p;
	*size = (size_t)st.st_size;
	return 0;
}

static int report(const char *kernel, const char *dir, int json, struct found_set *set, const struct ex_scan *s)
{
	int rc = EXIT_OK;

	if (json) {
		fputs("{\"kernel\": ", stdout);
		json_str(stdout, kernel);
		fputs(", \"images\": [", stdout);
	}
	for (unsigned i = 0; i < set->n; i++) {
		struct vdso_image img;
		char path[4096];
		const char *shown = NULL;

		/* parsed at scan time already, so this cannot fail */
		if (vdso_open_buffer(&img, set->img[i].bytes, set->img[i].size) != VDSO_OK)
			continue;
		name_image(set, i, &img);
		if (dir) {
			if (write_image(dir, &set->img[i], path, sizeof(path))) {
				rc = EXIT_INVALID;
				continue;
			}
			shown = path;
		}
		if (json)
			print_json_image(&set->img[i], &img, shown, i == 0);
		else
			print_text_image(&set->img[i], &img, shown);
	}
	if (json)
		print_json_streams(s);
	if (set->dropped)
		fprintf(stderr, "vdsotool: %s: more than %d images; %u not extracted\n", kernel, EX_MAX_IMAGES,
			set->dropped);
	return rc;
}

static int no_vdso(const char *kernel, size_t size, const struct ex_scan *s)
{
	unsigned ok = 0;

	for (unsigned i = 0; i < s->nstreams; i++)
		ok += s->streams[i].status != DC_FAIL;
	return tool_error(kernel, "no vDSO found (%zu bytes and %u compressed stream%s decoded%s)", size, ok,
			  ok == 1 ? "" : "s", s->budget_hit ? "; decode budget exhausted" : "");
}

int cmd_extract(int argc, char **argv)
{
	const char *kernel = NULL, *dir = NULL;
	int json = 0, rc;
	unsigned long max_mib = EX_DEFAULT_MAX_MIB;
	const unsigned char *data = NULL;
	size_t size = 0;

	for (int i = 1; i < argc; i++) {
		char *end;

		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "--max-output") && i + 1 < argc) {
			max_mib = strtoul(argv[++i], &end, 10);
			if (*end || max_mib == 0 || max_mib > 65536)
				return tool_usage("extract: --max-output takes MiB, 1..65536");
		} else if (argv[i][0] == '-' && argv[i][1])
			return tool_usage("extract: unknown option '%s'", argv[i]);
		else if (kernel)
			return tool_usage("extract: more than one KERNEL");
		else
			kernel = argv[i];
	}
	if (!kernel)
		return tool_usage("extract: no KERNEL given");
	if (dir && mkdir(dir, 0777) < 0 && errno != EEXIST)
		return tool_error(dir, "cannot create directory: %s", strerror(errno));
	if ((rc = map_file(kernel, &data, &size)))
		return rc;

	static struct found_set set;	/* 32 records: too big for the stack */
	static struct ex_scan s;
	struct ex_origin top = { 0, NULL, DC_GZIP, 0 };

	memset(&set, 0, sizeof(set));
	memset(&s, 0, sizeof(s));
	s.max_output = (size_t)max_mib << 20;
	s.budget = 4 * s.max_output;
	s.max_depth = 2;
	s.found = record;
	s.ctx = &set;
	ex_scan(&s, data, size, &top);
	rc = set.n ? report(kernel, dir, json, &set, &s) : no_vdso(kernel, size, &s);
	for (unsigned i = 0; i < set.n; i++)
		free(set.img[i].bytes);
	munmap((void *)data, size);
	return rc;
}
