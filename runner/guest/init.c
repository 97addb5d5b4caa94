/* SPDX-License-Identifier: MIT */
/*
 * /init of the initramfs that `vdsoconf run --kernel` boots under QEMU.
 *
 * It runs every program in /cases and reports over the console, the one
 * channel every kernel and machine model has.  Kernel messages can land
 * between (or inside) these lines, so every line is tagged and the host
 * (runner/guest/guestlog.py) keeps only tagged ones:
 *
 *   vdsoconf-guest release=R machine=M cpus=N clocksource=C vdso=ADDR|none
 *   vdsoconf-case-begin NAME
 *   :LINE                         one line the case wrote to stdout
 *   !LINE                         one line the case wrote to stderr
 *   vdsoconf-case-end NAME exit=E signal=S timeout=0|1 ms=T errno=X
 *   vdsoconf-done N
 *
 * The lines of a case are passed on as they come, so that when the kernel
 * dies under a case the host still has what the case printed so far.
 * Then the machine is powered off.  Command line: vdsoconf.timeout=S kills
 * a case after S seconds (default 60).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/auxv.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CASES_DIR "/cases"
#define LINE_MAX_LEN 4096

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdprintf(STDOUT_FILENO, fmt, ap);
	va_end(ap);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Without /dev/console in the initramfs the kernel starts us with no
 * stdout; ours has the node, but a devtmpfs one is as good. */
static void console(void)
{
	int fd;

	if (fcntl(STDOUT_FILENO, F_GETFD) != -1)
		return;
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return;
	for (int i = 0; i < 3; i++)
		dup2(fd, i);
	if (fd > 2)
		close(fd);
}

static void mounts(void)
{
	/* errors are left to the cases: each says what it could not read */
	mkdir("/proc", 0555);
	mkdir("/sys", 0555);
	mkdir("/dev", 0755);
	mkdir("/tmp", 01777);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
	console();
}

static int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	buf[0] = '\0';
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int case_timeout_s(void)
{
	char cmdline[4096], *p;
	int s;

	if (read_small("/proc/cmdline", cmdline, sizeof(cmdline)) == 0 &&
	    (p = strstr(cmdline, "vdsoconf.timeout=")) != NULL && (s = atoi(p + 17)) > 0)
		return s;
	return 60;
}

static void hello(void)
{
	struct utsname u;
	char cs[64];
	unsigned long vdso = getauxval(AT_SYSINFO_EHDR);

	if (uname(&u) != 0)
		memset(&u, 0, sizeof(u));
	if (read_small("/sys/devices/system/clocksource/clocksource0/current_clocksource", cs,
		       sizeof(cs)) != 0 || !cs[0])
		strcpy(cs, "unknown");
	if (vdso)
		say("vdsoconf-guest release=%s machine=%s cpus=%ld clocksource=%s vdso=%#lx\n", u.release,
		    u.machine, sysconf(_SC_NPROCESSORS_ONLN), cs, vdso);
	else
		say("vdsoconf-guest release=%s machine=%s cpus=%ld clocksource=%s vdso=none\n", u.release,
		    u.machine, sysconf(_SC_NPROCESSORS_ONLN), cs);
}

struct stream {
	int fd;
	char tag;
	size_t len;
	char buf[LINE_MAX_LEN];
};

/* Pass on the first n bytes as one line, and drop skip more (its newline). */
static void emit(struct stream *s, size_t n, size_t skip)
{
	say("%c%.*s\n", s->tag, (int)n, s->buf);
	s->len -= n + skip;
	memmove(s->buf, s->buf + n + skip, s->len);
}

/* Complete lines go on at once; a line longer than the buffer, in parts.
 * Returns 0 once nothing more is to be had now (the pipes do not block:
 * a left-over process of another session may hold them open). */
static int drain(struct stream *s)
{
	ssize_t n = read(s->fd, s->buf + s->len, sizeof(s->buf) - s->len);
	char *nl;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return errno == EINTR;
	if (n <= 0) {
		if (s->len)
			emit(s, s->len, 0);
		close(s->fd);
		s->fd = -1;
		return 0;
	}
	s->len += (size_t)n;
	while ((nl = memchr(s->buf, '\n', s->len)) != NULL)
		emit(s, (size_t)(nl - s->buf), 1);
	if (s->len == sizeof(s->buf))
		emit(s, s->len, 0);
	return 1;
}

static void finish(struct stream *s)
{
	while (s->fd >= 0 && drain(s))
		;
	if (s->fd >= 0) {
		if (s->len)
			emit(s, s->len, 0);
		close(s->fd);
		s->fd = -1;
	}
}

/* As PID 1 we inherit every orphan, and must reap them all; the case's
 * own status is kept. */
static int reap(pid_t pid, int *wstatus)
{
	int st, got = 0;
	pid_t r;

	while ((r = waitpid(-1, &st, WNOHANG)) > 0)
		if (r == pid) {
			*wstatus = st;
			got = 1;
		}
	return got;
}

/* exec failures come back through a close-on-exec pipe: ENOEXEC is an ABI
 * this kernel lacks, which the host reports as a skip, not a failure */
static pid_t spawn(const char *path, int out, int err, int status)
{
	static char *const envp[] = { "PATH=/cases:/", "HOME=/", NULL };
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	setsid();
	dup2(out, STDOUT_FILENO);
	dup2(err, STDERR_FILENO);
	int null = open("/dev/null", O_RDONLY);
	if (null >= 0)
		dup2(null, STDIN_FILENO);
	execve(path, (char *const[]){ (char *)path, NULL }, envp);
	int e = errno;
	if (write(status, &e, sizeof(e)) < 0)
		_exit(126);
	_exit(127);
}

static void run_case(const char *name, int timeout_s)
{
	char path[512];
	int o[2], e[2], st[2], exec_errno = 0, wstatus = 0, timed_out = 0, reaped = 0, pidfd = -1;
	struct stream s[2];
	long long start = now_ms(), deadline = start + timeout_s * 1000LL, grace = 0;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/%s", CASES_DIR, name);
	say("vdsoconf-case-begin %s\n", name);
	if (pipe2(o, O_CLOEXEC) || pipe2(e, O_CLOEXEC) || pipe2(st, O_CLOEXEC) ||
	    (pid = spawn(path, o[1], e[1], st[1])) < 0) {
		say("vdsoconf-case-end %s exit=-1 signal=0 timeout=0 ms=0 errno=%d\n", name, errno);
		return;
	}
	/* only our ends: the case writes as to any pipe */
	fcntl(o[0], F_SETFL, O_NONBLOCK);
	fcntl(e[0], F_SETFL, O_NONBLOCK);
	close(o[1]);
	close(e[1]);
	close(st[1]);
	if (read(st[0], &exec_errno, sizeof(exec_errno)) != sizeof(exec_errno))
		exec_errno = 0;
	close(st[0]);
	s[0] = (struct stream){ .fd = o[0], .tag = ':' };
	s[1] = (struct stream){ .fd = e[0], .tag = '!' };
	/* the case's end wakes the poll below (Linux 5.3+): without it the
	 * loop learns of the exit only at its next 100 ms wake-up, after the
	 * pipes closed, which cost a QEMU guest 0.1-0.2 s per case */
#ifdef SYS_pidfd_open
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
#endif
	while (s[0].fd >= 0 || s[1].fd >= 0 || !reaped) {
		struct pollfd p[3] = { { s[0].fd, POLLIN, 0 }, { s[1].fd, POLLIN, 0 }, { reaped ? -1 : pidfd, POLLIN, 0 } };
		long long left = deadline - now_ms();

		if (!reaped && reap(pid, &wstatus)) {
			reaped = 1;
			/* a left-over child holding the pipes gets one second */
			grace = now_ms() + 1000;
		}
		if (grace && grace < deadline)
			left = grace - now_ms();
		if (left <= 0) {
			timed_out = !reaped;
			kill(-pid, SIGKILL);
			if (!reaped && waitpid(pid, &wstatus, 0) == pid)
				reaped = 1;
			finish(&s[0]);
			finish(&s[1]);
			break;
		}
		/* wake up now and then to reap: the pipes may outlive the case */
		if (poll(p, 3, left < 100 ? (int)left : 100) > 0)
			for (int i = 0; i < 2; i++)
				if (p[i].revents)
					drain(&s[i]);
	}
	reap(pid, &wstatus);
	if (pidfd >= 0)
		close(pidfd);
	say("vdsoconf-case-end %s exit=%d signal=%d timeout=%d ms=%lld errno=%d\n", name,
	    reaped && WIFEXITED(wstatus) && !exec_errno ? WEXITSTATUS(wstatus) : -1,
	    reaped && WIFSIGNALED(wstatus) && !timed_out ? WTERMSIG(wstatus) : 0, timed_out,
	    now_ms() - start, exec_errno);
}

static int is_case(const struct dirent *d)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", CASES_DIR, d->d_name);
	return d->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       (st.st_mode & 0111);
}

int main(void)
{
	struct dirent **list;
	int n, timeout_s;

	mounts();
	timeout_s = case_timeout_s();
	hello();
	n = scandir(CASES_DIR, &list, is_case, alphasort);
	for (int i = 0; i < n; i++)
		run_case(list[i]->d_name, timeout_s);
	say("vdsoconf-done %d\n", n < 0 ? 0 : n);
	sync();
	reboot(RB_POWER_OFF);
	/* still here: returning panics the kernel, and panic=-1 with QEMU's
	 * -no-reboot ends the machine all the same */
	return 0;
}
