/* SPDX-License-Identifier: MIT */
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

void case_describe_status(int st, char *buf, size_t len)
{
	if (WIFEXITED(st))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
	else
		snprintf(buf, len, "wait status %#x", st);
}

int case_wait(pid_t pid, char *how, size_t len)
{
	int st = 0;

	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			snprintf(how, len, "waitpid: %s", strerror(errno));
			return -1;
		}
	}
	case_describe_status(st, how, len);
	return st;
}

int case_read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got == len ? 0 : -1;
}

void case_write_full(int fd, const void *buf, size_t len)
{
	size_t put = 0;

	while (put < len) {
		ssize_t n = write(fd, (const char *)buf + put, len - put);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		put += (size_t)n;
	}
}

/* kept small: after vfork the child may only exec or _exit */
static pid_t spawn(char *const argv[])
{
	pid_t pid = vfork();

	if (pid == 0) {
		execve("/proc/self/exe", argv, environ);
		_exit(127);
	}
	return pid;
}

int case_reexec(const char *argv0, const char *flag, void *report, size_t len, char *why, size_t why_len)
{
	char fdarg[16], how[96];
	char *argv[4];
	int p[2], wfd, ok;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC)) {
		snprintf(why, why_len, "pipe2: %s", strerror(errno));
		return -1;
	}
	wfd = dup(p[1]);	/* the copy has no FD_CLOEXEC: it crosses execve */
	close(p[1]);
	if (wfd < 0) {
		snprintf(why, why_len, "dup: %s", strerror(errno));
		close(p[0]);
		return -1;
	}
	snprintf(fdarg, sizeof(fdarg), "%d", wfd);
	argv[0] = (char *)argv0;
	argv[1] = (char *)flag;
	argv[2] = fdarg;
	argv[3] = NULL;
	fflush(NULL);
	pid = spawn(argv);
	close(wfd);
	if (pid < 0) {
		int e = errno;

		snprintf(why, why_len, "vfork: %s", strerror(e));
		close(p[0]);
		errno = e;	/* the caller may judge why vfork was refused */
		return -1;
	}
	ok = case_read_full(p[0], report, len) == 0;
	close(p[0]);
	case_wait(pid, how, sizeof(how));
	if (!ok) {
		snprintf(why, why_len, "the child exec'd with %s reported nothing; it %s", flag, how);
		return -1;
	}
	return 0;
}
