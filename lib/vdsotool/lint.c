/* SPDX-License-Identifier: MIT */
/* vdsotool lint: every rule of lint_rules.c over each image, reported as
 * KTAP (each image a nested subtest, one point per rule, named
 * lint.<image>.<rule>) or as JSON. */
#include "tool.h"
#include "lint.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* as libvdso's own limit: a guard against linting a disk image by mistake */
#define LINT_MAX_FILE (64u << 20)

struct verdict {
	unsigned errors, warnings;	/* rules that found something */
	int failed;			/* errors, or warnings under --strict */
};

static int read_all(const char *path, unsigned char **buf, size_t *len, char *err, size_t errlen)
{
	struct stat st;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "cannot stat: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0 || (uint64_t)st.st_size > LINT_MAX_FILE) {
		snprintf(err, errlen, "%s", S_ISDIR(st.st_mode) ? "is a directory, not an image file"
					    : !S_ISREG(st.st_mode) ? "not a regular file"
					    : st.st_size == 0 ? "empty file (0 bytes), not an ELF image"
							      : "larger than any vDSO (64 MiB limit)");
		close(fd);
		return -1;
	}
	*buf = malloc((size_t)st.st_size);
	if (!*buf) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, *buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "read failed after %zu bytes%s%s", got, n ? ": " : "", n ? strerror(errno) : "");
			close(fd);
			free(*buf);
			return -1;
		}
		got += (size_t)n;
	}
	close(fd);
	*len = got;
	return 0;
}

/* lint.<image>: the file's name without .so, in characters a KTAP name
 * and a grep pattern take literally */
static void image_name(const char *file, char *out, size_t len)
{
	const char *b = strrchr(file, '/');
	size_t n, j = 0;

	b = b ? b + 1 : file;
	n = strlen(b);
	if (n > 3 && !strcmp(b + n - 3, ".so"))
		n -= 3;
	for (size_t i = 0; i < n && j + 1 < len; i++)
		out[j++] = (b[i] <= ' ' || b[i] == '#' || b[i] >= 0x7f) ? '_' : b[i];
	out[j] = 0;
}

static const char *status_word(const struct lint_rule *rule, const struct lint_result *r, int strict)
{
	if (r->status == LINT_SKIP)
		return "skip";
	if (r->status == LINT_PASS)
		return "pass";
	return rule->severity == LINT_ERROR || strict ? "fail" : "warn";
}

/* Printable: messages hold image strings already made safe, but a KTAP
 * line must not break. */
static void diag_line(const char *indent, const char *prefix, const char *msg)
{
	printf("%s# %s", indent, prefix);
	for (const char *c = msg; *c; c++)
		putchar(*c == '\n' ? ' ' : *c);
	putchar('\n');
}

static void ktap_point(unsigned n, const char *point, const struct lint_rule *rule, const struct lint_result *r,
		       int strict)
{
	const char *st = status_word(rule, r, strict);

	if (r->status == LINT_FAIL) {
		const char *prefix = !strcmp(st, "warn") ? "warning: " : "";

		for (unsigned i = 0; i < r->nmsgs; i++)
			diag_line("  ", prefix, r->msgs[i]);
		if (r->more)
			printf("  # %s... and %u more\n", prefix, r->more);
	}
	if (r->status == LINT_SKIP) {
		printf("  ok %u %s # SKIP ", n, point);
		for (const char *c = r->nmsgs ? r->msgs[0] : "not applicable"; *c; c++)
			putchar(*c == '\n' || *c == '#' ? ' ' : *c);
		putchar('\n');
		return;
	}
	printf("  %s %u %s\n", !strcmp(st, "fail") ? "not ok" : "ok", n, point);
}

static void json_point(int first, const char *point, const struct lint_rule *rule, const struct lint_result *r,
		       int strict)
{
	printf("%s\n    {\"rule\": \"%s\", \"point\": ", first ? "" : ",", rule->id);
	json_str(stdout, point);
	printf(", \"severity\": \"%s\", \"status\": \"%s\", \"what\": ", rule->severity == LINT_ERROR ? "error" : "warning",
	       status_word(rule, r, strict));
	json_str(stdout, rule->what);
	fputs(", \"messages\": [", stdout);
	for (unsigned i = 0; i < r->nmsgs; i++) {
		fputs(i ? ", " : "", stdout);
		json_str(stdout, r->msgs[i]);
	}
	if (r->more)
		printf(", \"... and %u more\"", r->more);
	fputs("]}", stdout);
}

static void json_image_head(const struct lint_image *li, const char *name, int first)
{
	const struct vdso_image *img = &li->img;
	const char *m = li->raw.ok ? vdso_machine_name(li->raw.machine) : NULL;
	char v[32];

	printf("%s\n  {\"file\": ", first ? "" : ",");
	json_str(stdout, li->file);
	fputs(", \"name\": ", stdout);
	json_str(stdout, name);
	fputs(", \"machine\": ", stdout);
	if (m || !li->raw.ok)
		json_str(stdout, m);
	else
		printf("%u", li->raw.machine);
	fputs(", \"arch\": ", stdout);
	json_str(stdout, li->arch ? li->arch->name : NULL);
	if (li->raw.ok)
		printf(", \"class\": %d, \"endian\": \"%s\"", li->raw.elfclass, li->raw.big_endian ? "big" : "little");
	else
		fputs(", \"class\": null, \"endian\": null", stdout);
	fputs(", \"soname\": ", stdout);
	json_str(stdout, li->parsed ? img->soname : NULL);
	fputs(", \"linux_version\": ", stdout);
	json_str(stdout, li->parsed && img->notes.has_linux_version
				 ? vdso_format_version(img->notes.linux_version, v, sizeof(v)) : NULL);
	fputs(", \"release\": ", stdout);
	json_str(stdout, li->parsed ? img->notes.release : NULL);
	fputs(", \"build_id\": ", stdout);
	if (li->parsed && img->notes.build_id_len)
		json_hex(stdout, img->notes.build_id, img->notes.build_id_len);
	else
		fputs("null", stdout);
}

static void ktap_image_head(const struct lint_image *li, size_t nrules)
{
	char v[32], so[64];
	const char *m = li->raw.ok ? vdso_machine_name(li->raw.machine) : NULL;

	printf("  KTAP version 1\n");
	diag_line("  ", "file: ", li->file);
	if (li->parsed) {
		size_t j = 0;

		for (const char *s = li->img.soname ? li->img.soname : "(no soname)"; *s && j + 1 < sizeof(so); s++)
			so[j++] = (*s < 0x20 || *s >= 0x7f) ? '?' : *s;
		so[j] = 0;
		printf("  # %s ELF%d %s, %s, Linux %s\n", li->arch ? li->arch->name : m ? m : "unknown", li->raw.elfclass,
		       li->raw.big_endian ? "big endian" : "little endian", so,
		       li->img.notes.has_linux_version ? vdso_format_version(li->img.notes.linux_version, v, sizeof(v)) : "?");
	}
	printf("  1..%zu\n", nrules);
}

static struct verdict lint_one(const char *file, unsigned index, int json, int strict)
{
	struct lint_image li;
	struct verdict vd = { 0, 0, 0 };
	unsigned char *buf = NULL;
	size_t nrules, len = 0;
	const struct lint_rule *rules = lint_rules(&nrules);
	char name[128], point[200], ioerr[LINT_MSG_LEN] = "";

	memset(&li, 0, sizeof(li));
	li.file = file;
	image_name(file, name, sizeof(name));
	if (read_all(file, &buf, &len, ioerr, sizeof(ioerr)) == 0) {
		li.data = buf;
		li.size = len;
		lint_open(&li);
	}
	if (ioerr[0])
		tool_error(file, "%s", ioerr);
	else if (!li.raw.ok)
		tool_error(file, "%s", li.raw.err);
	else if (!li.parsed)
		tool_error(file, "%s", li.parse_err);

	if (json) {
		json_image_head(&li, name, index == 1);
		fputs(", \"rules\": [", stdout);
	} else {
		ktap_image_head(&li, nrules);
	}
	for (size_t i = 0; i < nrules; i++) {
		struct lint_result r;

		memset(&r, 0, sizeof(r));
		if (ioerr[0]) {
			if (i == 0)
				lint_fail(&r, "%s", ioerr);
			else
				r.status = LINT_SKIP, lint_msg(&r, "file not read");
		} else if (!li.raw.ok && i > 0) {
			r.status = LINT_SKIP;
			lint_msg(&r, "not an ELF file");
		} else if (rules[i].needs_parse && !li.parsed) {
			r.status = LINT_SKIP;
			lint_msg(&r, "libvdso rejects the image (see lint.%s.parse)", name);
		} else {
			rules[i].check(&li, &r);
		}
		if (r.status == LINT_FAIL) {
			if (rules[i].severity == LINT_ERROR)
				vd.errors++;
			else
				vd.warnings++;
		}
		snprintf(point, sizeof(point), "lint.%s.%s", name, rules[i].id);
		if (json)
			json_point(i == 0, point, &rules[i], &r, strict);
		else
			ktap_point((unsigned)i + 1, point, &rules[i], &r, strict);
	}
	vd.failed = vd.errors || (strict && vd.warnings);
	if (json)
		printf("],\n   \"errors\": %u, \"warnings\": %u, \"result\": \"%s\"}", vd.errors, vd.warnings,
		       vd.failed ? "fail" : "pass");
	else
		printf("%s %u lint.%s\n", vd.failed ? "not ok" : "ok", index, name);
	lint_close(&li);
	free(buf);
	return vd;
}

int cmd_lint(int argc, char **argv)
{
	int json = 0, strict = 0, nfiles = 0, options = 1;
	unsigned failed = 0, errors = 0, warnings = 0;
	char **files = calloc((size_t)argc, sizeof(*files));

	if (!files)
		return tool_error("lint", "out of memory");
	for (int i = 1; i < argc; i++) {
		if (options && !strcmp(argv[i], "--json"))
			json = 1;
		else if (options && !strcmp(argv[i], "--strict"))
			strict = 1;
		else if (options && !strcmp(argv[i], "--"))
			options = 0;
		else if (options && argv[i][0] == '-' && argv[i][1]) {
			free(files);
			return tool_usage("lint: unknown option '%s'", argv[i]);
		} else
			files[nfiles++] = argv[i];
	}
	if (!nfiles) {
		free(files);
		return tool_usage("lint: no IMAGE given");
	}
	if (json)
		printf("{\"strict\": %s, \"images\": [", strict ? "true" : "false");
	else
		printf("KTAP version 1\n1..%d\n", nfiles);
	for (int i = 0; i < nfiles; i++) {
		struct verdict vd = lint_one(files[i], (unsigned)i + 1, json, strict);

		failed += vd.failed != 0;
		errors += vd.errors;
		warnings += vd.warnings;
	}
	free(files);
	if (json)
		printf("],\n\"totals\": {\"images\": %d, \"passed\": %u, \"failed\": %u, \"errors\": %u, \"warnings\": %u}}\n",
		       nfiles, (unsigned)nfiles - failed, failed, errors, warnings);
	else
		printf("# lint: %d image%s, %u failed; %u error%s, %u warning%s%s\n", nfiles, nfiles == 1 ? "" : "s", failed,
		       errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s", strict ? " (--strict)" : "");
	if (fflush(stdout) != 0)
		return tool_error("stdout", "write failed");
	return failed ? EXIT_INVALID : EXIT_OK;
}
