/* SPDX-License-Identifier: MIT */
/* The target a case runs against (the live vDSO, or a fake shared object
 * named by VDSOCONF_TARGET) and the facts about it every case needs. */
#ifndef VDSOCONF_CASE_TARGET_H
#define VDSOCONF_CASE_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "vdso/vdso.h"
#include "expect/arch.h"

enum case_needs {
	CASE_NEED_VDSO = 1,	/* a target image (always true for a fake) */
	CASE_NEED_ROOT = 2,
	CASE_NEED_LIVE = 4,	/* the kernel's own vDSO, not a fake target */
	CASE_NEED_TIMENS = 8,	/* a child may enter a new time namespace and set its offsets
				   (unprivileged: through a new user namespace) */
	CASE_NEED_USERNS = 16,	/* a child may enter a new user namespace */
};

struct case_ctx {
	int has_image;
	struct vdso_image img;
	const struct vdso_arch *arch;	/* expectations for the target */
	int fake;			/* VDSOCONF_TARGET given */
	const char *target;		/* its path */
	void *handle;			/* dlopen handle of a fake */
	const char *how;		/* how the live vDSO was found */
	uint32_t kernel;		/* running kernel, from uname */
	char release[65];
	const char *argv0;
	int argc;		/* the case's own options (--duration S, ...) */
	char **argv;
};

enum { CASE_TARGET_OK, CASE_TARGET_NONE, CASE_TARGET_ERROR };

int case_target_open(struct case_ctx *ctx, const char *argv0, char *why, size_t len);
/* 0 when every need is met, else 1 with the reason in why. */
int case_unmet_needs(const struct case_ctx *ctx, unsigned needs, uint32_t min_kernel,
		     const char *const *roles, char *why, size_t len);
void case_describe_target(const struct case_ctx *ctx, char *buf, size_t len);

/* The expected symbol that plays a role ("clock_gettime" is
 * __vdso_clock_gettime on x86, __kernel_clock_gettime on arm64). */
const struct vdso_arch_sym *case_role_sym(const struct case_ctx *ctx, const char *role);
/* Whether the role's entry point is the system call by design on the
 * target's architecture (VDSO_SYM_SYSCALL): a fallback seen there is not
 * a bug. */
int case_role_is_syscall(const struct case_ctx *ctx, const char *role);
/* Its runtime address in the target, or NULL: the function itself. */
void *case_fn_raw(const struct case_ctx *ctx, const char *role);
/* What to call it through from C, with -errno on failure: the function
 * itself, or on powerpc a trampoline that turns CR0[SO] and the positive
 * errno into -errno (callfn.h).  Its address is not the symbol's. */
void *case_fn(const struct case_ctx *ctx, const char *role);

/* "6.18.44-foo" -> VDSO_KV(6, 18, 44), sublevel clamped at 255 as the
 * kernel's LINUX_VERSION_CODE does. */
uint32_t case_parse_release(const char *release);

/* The mapping containing addr, from /proc/self/maps: bounds, perms
 * ("r-xp") and the path or [name]; 0 if found. */
int case_mapping_of(uintptr_t addr, uintptr_t *start, uintptr_t *end, char *perms, char *name,
		    size_t name_len);
/* The first mapping whose name is exactly name (e.g. "[vdso]"). */
int case_mapping_named(const char *name, uintptr_t *start, uintptr_t *end);

/* The shell line that reruns this case against the same target. */
void case_reproduce(const struct case_ctx *ctx, char *buf, size_t len);

#endif
