/* SPDX-License-Identifier: MIT */
/*
 * insn_before_is_syscall() (lib/case/context_pc.h), which tells pc.sample
 * whether a sampled PC sits just after a system call instruction, on
 * instruction bytes of the architecture it is built for: the machine's
 * own, and 32-bit ARM under QEMU's user mode, where the same bytes read
 * differently in Thumb and ARM state.  KTAP.
 */
#include <stdio.h>
#include <string.h>

#include "case/context_pc.h"

static int fails, points;

/* the bytes, then a PC just past them */
static void check(const char *name, const unsigned char *code, size_t len, int thumb, int want)
{
	unsigned char buf[16];
	int got;

	memset(buf, 0, sizeof(buf));
	memcpy(buf + 4, code, len);
	got = insn_before_is_syscall((uintptr_t)(buf + 4 + len), (uintptr_t)buf, thumb);
	points++;
	fails += got != want;
	printf("%s %s\n", got == want ? "ok" : "not ok", name);
}

#define CHECK(name, thumb, want, ...)                                                                        \
	do {                                                                                                 \
		static const unsigned char c_[] = { __VA_ARGS__ };                                           \
		check(name, c_, sizeof(c_), thumb, want);                                                    \
	} while (0)

int main(void)
{
	printf("KTAP version 1\n");
#if defined(__x86_64__) || defined(__i386__)
	CHECK("syscall", 0, 1, 0x0f, 0x05);
	CHECK("int80", 0, 1, 0xcd, 0x80);
	CHECK("sysenter", 0, 1, 0x0f, 0x34);
	CHECK("rdtsc", 0, 0, 0x0f, 0x31);
#elif defined(__arm__)
	/* little-endian: T16 svc #0 is 0xdf00; A32 svc #0 is 0xef000000 */
	CHECK("t16-svc", 1, 1, 0x00, 0xdf);
	CHECK("a32-svc", 0, 1, 0x00, 0x00, 0x00, 0xef);
	/* mrrc p15, 1, r0, r1, c14 in T32 (0xec51 0x0f1e): read as one word
	 * it is 0x0f1eec51, an A32 svc with condition 0 */
	CHECK("t32-mrrc", 1, 0, 0x51, 0xec, 0x1e, 0x0f);
	CHECK("a32-isb", 0, 0, 0x6f, 0xf0, 0x7f, 0xf5);
#elif defined(__aarch64__)
	CHECK("svc", 0, 1, 0x01, 0x00, 0x00, 0xd4);
	CHECK("isb", 0, 0, 0xdf, 0x3f, 0x03, 0xd5);
#endif
	printf("1..%d\n# %d of %d failed\n", points, fails, points);
	return fails != 0 || !points;
}
