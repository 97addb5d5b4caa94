/* SPDX-License-Identifier: MIT */
/* Children of a case: waiting for them, pipes to them, and re-executing
 * the case program as a child of itself. */
#ifndef VDSOCONF_CASE_CHILD_H
#define VDSOCONF_CASE_CHILD_H

#include <stddef.h>
#include <sys/types.h>

/* "exited with status 1", "killed by signal 9 (Killed)" */
void case_describe_status(int st, char *buf, size_t len);
/* waitpid through EINTR: the wait status, how described in how; or -1 */
int case_wait(pid_t pid, char *how, size_t len);

/* All len bytes, through EINTR and short transfers: 0, or -1 when the
 * other end closed or failed first (read) / silently short (write). */
int case_read_full(int fd, void *buf, size_t len);
void case_write_full(int fd, const void *buf, size_t len);

/*
 * Re-execute this program (vfork + execve of /proc/self/exe) as
 * {argv0, flag, FD}: a new process image, not a copy of this one.  FD is
 * the write end of a pipe the child inherits; its report, len bytes, is
 * read into report.  0 when the whole report came, or -1 with why (the
 * child's end told too).
 */
int case_reexec(const char *argv0, const char *flag, void *report, size_t len, char *why, size_t why_len);

#endif
