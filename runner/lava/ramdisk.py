"""The ramdisk of a LAVA job: Debian's static busybox as the test shell's
shell and tools, and the suite as `make install` lays it out, built static
for the ramdisk's architecture.

LAVA unpacks the ramdisk, adds its test-shell overlay at /lava-ID and
packs it again (the job's `overlays: {lava: true}`), boots it, waits for
the shell prompt on the console and drives the test definition from there.
"""

import subprocess
from pathlib import Path
from typing import List

from runner.guest import initramfs
from runner.guest.build import static_build
from runner.paths import REPO

SUITE = "/opt/vdsoconf"          # INSTALL_PATH on the device
PROMPT = "vdsoconf-ramdisk# "
FETCH_BUSYBOX = REPO / "lava" / "fetch-busybox"
# the per-case timeout in the installed settings, as `make install` writes
# it by default
KSFT_TIMEOUT = 120

# /init: busybox installs its applets as links in /bin, the usual
# filesystems are mounted, the console's log level becomes what `quiet`
# sets (warnings and worse: a kernel notice in the middle of a test
# shell's result line would cost that result), and the console gets a
# shell with a known prompt (cttyhack makes the console its controlling
# terminal, so that LAVA's ^C reaches a stuck command)
INIT = f"""#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
echo 4 > /proc/sys/kernel/printk
echo "vdsoconf ramdisk: Linux $(uname -r) $(uname -m), suite in {SUITE}"
export PS1='{PROMPT}'
exec setsid cttyhack sh
"""


def busybox(debarch: str) -> Path:
    r = subprocess.run([str(FETCH_BUSYBOX), debarch], capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError((r.stderr.strip().splitlines() or ["lava/fetch-busybox failed"])[-1])
    return Path(r.stdout.strip())


def cases(arch: str) -> List[Path]:
    directory = static_build(arch) / "cases"
    return sorted(p for p in directory.iterdir() if p.is_file() and p.stat().st_mode & 0o111)


def write(path: Path, arch: str, debarch: str) -> List[str]:
    """The ramdisk for arch (QEMU's name) at path; returns the case names."""
    programs = cases(arch)
    names = [p.name for p in programs]
    listed = "".join(f"vdsoconf:{n}\n" for n in names).encode()
    root = SUITE.lstrip("/")
    files = [("init", INIT.encode(), 0o755),
             ("bin/busybox", busybox(debarch).read_bytes(), 0o755),
             (f"{root}/run_vdsoconf.sh", (REPO / "runner" / "run_vdsoconf.sh").read_bytes(), 0o755),
             (f"{root}/ktap-to-lava.sh", (REPO / "lava" / "ktap-to-lava.sh").read_bytes(), 0o755),
             (f"{root}/vdsoconf-list.txt", listed, 0o644),
             (f"{root}/kselftest-list.txt", listed, 0o644),
             (f"{root}/vdsoconf/settings", f"timeout={KSFT_TIMEOUT}\n".encode(), 0o644)]
    files += [(f"{root}/vdsoconf/{p.name}", p.read_bytes(), 0o755) for p in programs]
    parts = root.split("/")
    dirs = ["bin", "dev", "proc", "sys", "tmp", "root"]
    dirs += ["/".join(parts[:i]) for i in range(1, len(parts) + 1)] + [f"{root}/vdsoconf"]
    path.parent.mkdir(parents=True, exist_ok=True)
    initramfs.write_tree(path, dirs, files)
    return names
