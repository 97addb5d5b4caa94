/* SPDX-License-Identifier: MIT */
/* vdsotool diff: are two images (or the running vDSO and a file) the same
 * build, differing only where the kernel patches alternatives at boot?
 * A distro proves with it that the vDSO a machine runs is the one it
 * shipped: same build-id, and every differing byte inside a patch site. */
#include "tool.h"
#include "diff_alt.h"

#include <stdlib.h>
#include <string.h>

#define DIFF_MAX_RANGES 1024

struct side {
	const char *name;
	struct vdso_image img;
};

struct range {
	uint64_t start, end;
	int site;		/* index of a covering site, -1: unexplained */
};

/* Is every byte of [a, b) inside some site?  Returns a covering site
 * (the first), or -1. */
static int covered(const struct alt_sites *alt, uint64_t a, uint64_t b)
{
	int first = -1;

	while (a < b) {
		int hit = -1;

		for (unsigned i = 0; i < alt->n; i++)
			if (alt->site[i].start <= a && a < alt->site[i].end) {
				hit = (int)i;
				break;
			}
		if (hit < 0)
			return -1;
		if (first < 0)
			first = hit;
		a = alt->site[hit].end;
	}
	return first;
}

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void print_build_id(const char *label, const struct vdso_notes *n)
{
	printf("%s", label);
	for (size_t i = 0; i < n->build_id_len; i++)
		printf("%02x", n->build_id[i]);
	if (!n->build_id_len)
		printf("(none)");
	putchar('\n');
}

static void json_ranges(const struct range *r, unsigned n, const struct alt_sites *alt)
{
	printf(", \"ranges\": [");
	for (unsigned i = 0; i < n; i++) {
		printf("%s{\"start\": %llu, \"end\": %llu, \"explained\": %s", i ? ", " : "",
		       (unsigned long long)r[i].start, (unsigned long long)r[i].end, r[i].site >= 0 ? "true" : "false");
		if (r[i].site >= 0)
			printf(", \"site\": {\"start\": %llu, \"end\": %llu, \"feature\": %u}",
			       (unsigned long long)alt->site[r[i].site].start,
			       (unsigned long long)alt->site[r[i].site].end, alt->site[r[i].site].feature);
		putchar('}');
	}
	putchar(']');
}

static int report(struct side *a, struct side *b, const struct alt_sites *alt, int json)
{
	static struct range r[DIFF_MAX_RANGES];
	const struct vdso_image *x = &a->img, *y = &b->img;
	size_t common = x->size < y->size ? x->size : y->size;
	unsigned n = 0, unexplained = 0, dropped = 0;
	uint64_t bytes = 0;
	int same_id = x->notes.build_id_len && x->notes.build_id_len == y->notes.build_id_len &&
		      !memcmp(x->notes.build_id, y->notes.build_id, x->notes.build_id_len);
	int no_id = !x->notes.build_id_len || !y->notes.build_id_len;
	const struct vdso_image *longer = x->size > y->size ? x : y;
	int tail_zero = all_zero(longer->data + common, longer->size - common);

	for (size_t i = 0; i < common;) {
		size_t j;

		if (x->data[i] == y->data[i]) {
			i++;
			continue;
		}
		for (j = i; j < common && x->data[j] != y->data[j]; j++)
			;
		bytes += j - i;
		if (n < DIFF_MAX_RANGES) {
			r[n] = (struct range){ i, j, covered(alt, i, j) };
			unexplained += r[n].site < 0;
			n++;
		} else {
			dropped++;
			unexplained++;	/* unseen: cannot be called explained */
		}
		i = j;
	}
	/* the live mapping is whole pages: zeros past the file are padding */
	if (!tail_zero)
		unexplained++;
	int ok = (same_id || no_id) && !unexplained;

	if (json) {
		fputs("{\"a\": ", stdout);
		json_str(stdout, a->name);
		fputs(", \"b\": ", stdout);
		json_str(stdout, b->name);
		printf(", \"size_a\": %zu, \"size_b\": %zu, \"tail\": \"%s\", \"same_build_id\": %s, \"build_id_a\": ",
		       x->size, y->size, common == longer->size ? "none" : tail_zero ? "zero" : "data",
		       same_id ? "true" : no_id ? "null" : "false");
		json_hex(stdout, x->notes.build_id, x->notes.build_id_len);
		fputs(", \"build_id_b\": ", stdout);
		json_hex(stdout, y->notes.build_id, y->notes.build_id_len);
		printf(", \"alt_sites\": %u, \"alt_entry_size\": %u, \"differing_bytes\": %llu", alt->n, alt->entsize,
		       (unsigned long long)bytes);
		json_ranges(r, n, alt);
		printf(", \"unexplained\": %u, \"result\": \"%s\"}\n", unexplained, ok ? "same" : "different");
		return ok ? EXIT_OK : EXIT_INVALID;
	}
	printf("a: %s (%zu bytes)\nb: %s (%zu bytes)\n", a->name, x->size, b->name, y->size);
	print_build_id("build-id a: ", &x->notes);
	print_build_id("build-id b: ", &y->notes);
	if (no_id)
		printf("build-id: missing, so only the bytes can be compared\n");
	else if (!same_id)
		printf("build-id: DIFFERENT: not the same build, nothing to explain\n");
	if (common != longer->size)
		printf("tail: %zu bytes past the shorter image are %s\n", longer->size - common,
		       tail_zero ? "zero (page padding)" : "NOT zero: unexplained");
	if (!alt->found)
		printf("alternatives: no .altinstructions section: no difference can be explained\n");
	else if (!alt->entsize)
		printf("alternatives: %s\n", alt->why);
	else
		printf("alternatives: %u patch sites, %s\n", alt->n, alt->layout);
	printf("differences: %u range%s, %llu byte%s\n", n + dropped, n + dropped == 1 ? "" : "s",
	       (unsigned long long)bytes, bytes == 1 ? "" : "s");
	for (unsigned i = 0; i < n; i++) {
		printf("  [0x%llx, 0x%llx) %3llu bytes  ", (unsigned long long)r[i].start, (unsigned long long)r[i].end,
		       (unsigned long long)(r[i].end - r[i].start));
		if (r[i].site < 0) {
			printf("UNEXPLAINED\n");
			continue;
		}
		const struct alt_site *s = &alt->site[r[i].site];
		printf("explained: alternative site [0x%llx, 0x%llx), feature 0x%x, replacement %u bytes at 0x%llx\n",
		       (unsigned long long)s->start, (unsigned long long)s->end, s->feature, s->repl_len,
		       (unsigned long long)s->repl);
	}
	if (dropped)
		printf("  ... %u more ranges not listed\n", dropped);
	printf("result: %s\n", ok ? (n ? "same build; every difference is an alternative patch site" : "identical")
			      : !same_id && !no_id ? "different builds" : "differences the alternatives do not explain");
	return ok ? EXIT_OK : EXIT_INVALID;
}

int cmd_diff(int argc, char **argv)
{
	static struct alt_sites alt;
	struct side s[2];
	const char *files[2];
	int nfiles = 0, self = 0, json = 0, rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--self"))
			self = 1;
		else if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			return tool_usage("diff: unknown option '%s'", argv[i]);
		else if (nfiles == 2)
			return tool_usage("diff: too many FILEs");
		else
			files[nfiles++] = argv[i];
	}
	if (nfiles + self != 2)
		return tool_usage("diff: give --self FILE or two FILEs");
	memset(s, 0, sizeof(s));
	for (int k = 0; k < 2; k++) {
		int live = self && k == 0;

		s[k].name = live ? "[vdso]" : files[k - self];
		if ((rc = tool_open(&s[k].img, s[k].name, live))) {
			if (k)
				vdso_close(&s[0].img);
			return rc;
		}
	}
	/* patch sites from the shipped file: its table is what the kernel
	 * applied; the live image holds the same bytes there anyway */
	alt_sites_read(&s[1].img, &alt);
	if (!alt.n)
		alt_sites_read(&s[0].img, &alt);
	rc = report(&s[0], &s[1], &alt, json);
	vdso_close(&s[0].img);
	vdso_close(&s[1].img);
	return rc;
}
