"""Run one case program and capture what it did, whatever that was."""

import errno
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Dict, Optional

TARGET_ENV = "VDSOCONF_TARGET"


@dataclass
class CaseRun:
    name: str
    path: str
    stdout: str = ""
    stderr: str = ""
    exit_code: Optional[int] = None
    signal: Optional[str] = None
    timed_out: bool = False
    timeout_s: float = 0.0
    duration_s: float = 0.0
    exec_error: Optional[str] = None     # could not be started at all
    exec_skip: Optional[str] = None      # the kernel cannot run its ABI
    exec_errno: Optional[int] = None     # execve's errno, before it is judged
    env: Dict[str, str] = field(default_factory=dict)   # what the runner added
    reproduce: Optional[str] = None      # how to run it again, when not by its path


def elf_abi(path: str) -> Optional[tuple]:
    """(EI_CLASS, EI_DATA, e_machine) of an ELF file, or None."""
    try:
        with open(path, "rb") as f:
            head = f.read(20)
    except OSError:
        return None
    if len(head) < 20 or head[:4] != b"\x7fELF" or head[5] not in (1, 2):
        return None
    return head[4], head[5], int.from_bytes(head[18:20], "little" if head[5] == 1 else "big")


def foreign_abi(path: str, reference: Optional[str] = None) -> bool:
    """An ELF program of another ABI than reference's (default: the
    runner's own interpreter)."""
    theirs, ours = elf_abi(path), elf_abi(reference or sys.executable)
    return theirs is not None and ours is not None and theirs != ours


def judge_exec_failure(run: CaseRun, err: int, program: str, reference: str,
                       kernel: str = "the kernel") -> None:
    """One rule for an execve that failed, here or in a guest: ENOEXEC for a
    program of another ELF ABI than reference (this runner's interpreter,
    or the guest's /init) is a kernel built without that ABI (x32 needs
    CONFIG_X86_X32_ABI, i386 IA32 emulation): nothing to check and nothing
    wrong, a skip.  Anything else, ENOEXEC of our own ABI included (a broken
    build), is a failure."""
    run.exec_errno = err
    if err == errno.ENOEXEC and foreign_abi(program, reference):
        run.exec_skip = (f"{kernel} cannot execute {run.name} (exec format error): "
                         "its ABI is not configured in this kernel")
    else:
        run.exec_error = f"{kernel} could not execute {run.path}: {os.strerror(err)}"


def case_env(target: Optional[str]) -> Dict[str, str]:
    return {TARGET_ENV: target} if target else {}


def run_case(path: str, timeout_s: float, target: Optional[str] = None) -> CaseRun:
    extra = case_env(target)
    run = CaseRun(name=os.path.basename(path), path=path, timeout_s=timeout_s, env=extra)
    env = dict(os.environ, **extra)
    start = time.monotonic()
    try:
        # A session of its own, so that a timeout kills the whole process
        # group: a shell case's children would otherwise keep the pipes open.
        proc = subprocess.Popen([path], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env, start_new_session=True)
    except OSError as e:
        judge_exec_failure(run, e.errno or errno.EIO, path, sys.executable)
        return run
    try:
        out, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        run.timed_out = True
        # the case is not reaped yet, so its pid cannot name another group
        _kill_group(proc.pid)
        out, err = proc.communicate()
    run.duration_s = time.monotonic() - start
    run.stdout = out.decode("utf-8", "replace")
    run.stderr = err.decode("utf-8", "replace")
    if not run.timed_out:
        if proc.returncode < 0:
            run.signal = signal_name(-proc.returncode)
        else:
            run.exit_code = proc.returncode
    return run


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"
