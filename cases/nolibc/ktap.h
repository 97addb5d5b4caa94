/* SPDX-License-Identifier: MIT */
/* KTAP output without printf: lines are built piece by piece in a buffer
 * and written whole with write(2), so that a line is never split. */
#ifndef NOLIBC_KTAP_H
#define NOLIBC_KTAP_H

#include <stdint.h>

/* the line under construction */
void out_str(const char *s);
void out_u64(uint64_t v);
void out_i64(int64_t v);
void out_hex(uint64_t v);
void out_frac(int64_t v, unsigned width);	/* zero-padded to width digits */
void out_end(void);			/* newline, then written */

/* KTAP: the header and plan, one result, a diagnostic, the totals */
void ktap_plan(unsigned n);
void ktap_skip_all(const char *why);	/* "1..0 # SKIP why" */
/* opens point name (prefixed "nolibc."); its diagnostics follow */
void ktap_point(const char *name, const char *detail);
void ktap_diag_start(void);		/* "# " then out_*() and out_end() */
void ktap_pass(void);
void ktap_fail(void);
void ktap_skip(const char *why);
/* exit status as kselftest's: 1 if anything failed, else 0 */
int ktap_finish(void);

#endif
