/* SPDX-License-Identifier: MIT */
#include "hold.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int saved_fd = -1;	/* the real standard output while holding */
static FILE *held;

int case_hold_begin(void)
{
	static int registered;

	if (saved_fd >= 0)
		return 0;
	fflush(stdout);
	held = tmpfile();
	if (!held)
		return -1;
	saved_fd = dup(STDOUT_FILENO);
	if (saved_fd < 0 || dup2(fileno(held), STDOUT_FILENO) < 0) {
		if (saved_fd >= 0)
			close(saved_fd);
		saved_fd = -1;
		fclose(held);
		held = NULL;
		return -1;
	}
	/* an exit while holding (ksft_exit_skip in setup) must not lose it */
	if (!registered && atexit(case_hold_flush) == 0)
		registered = 1;
	return 0;
}

void case_hold_stop(void)
{
	if (saved_fd < 0)
		return;
	fflush(stdout);
	dup2(saved_fd, STDOUT_FILENO);
	close(saved_fd);
	saved_fd = -1;
}

void case_hold_flush(void)
{
	char buf[4096];
	size_t n;

	case_hold_stop();
	if (!held)
		return;
	rewind(held);
	while ((n = fread(buf, 1, sizeof(buf), held)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(held);
	held = NULL;
	fflush(stdout);
}
