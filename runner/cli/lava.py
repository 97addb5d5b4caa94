"""`vdsoconf lava-job`: a LAVA job that runs the suite on a kernel under
QEMU (LAVA's qemu device type), with what it needs beside it.

Writes into --out: job.yaml; ramdisk.cpio (busybox, the static cases as
`make install` lays them out, /init with a shell on the console); and
device.yaml, the device dictionary `lava-run` takes when it runs the job
without a server.  The kernel and the ramdisk are named by file:// URLs,
or under --image-url for a server's dispatcher to download.

Exit status: 0 when the files are written, 1 when something on this side
fails (a kernel that cannot be fetched, no compiler), 2 on usage errors.
"""

import argparse
import sys
from pathlib import Path

from runner.guest import fetch, kimage
from runner.lava import job, ramdisk
from runner.paths import BUILD, SOURCE_TREE, help_path, need_source
from runner.report.files import shown

OUT = BUILD / "lava"


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser("lava-job", help="write a LAVA job (QEMU device type) that runs the suite",
                       description="Write a LAVA job that boots a kernel under QEMU with the "
                                   "suite in its ramdisk and reports every test point as a "
                                   "LAVA test case (lava/vdsoconf.yaml).")
    p.add_argument("cases", nargs="*", metavar="CASE",
                   help="only these cases (default: every case built for the architecture)")
    p.add_argument("--kernel", required=True, metavar="NAME|FILE",
                   help=f"a kernel image, or a Debian kernel fixtures/kernels/fetch downloads "
                        f"({fetch.NAMES})")
    p.add_argument("--arch", required=True, metavar="ARCH",
                   help="the kernel's architecture: amd64 or arm64 (also x86_64, aarch64)")
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="where to write job.yaml, device.yaml, ramdisk.cpio "
                        + (f"(default: {help_path(OUT)}/ARCH)" if SOURCE_TREE
                           else "(lava-job runs from the source tree only)"))
    p.add_argument("--image-url", metavar="URL",
                   help="the kernel and ramdisk.cpio are served under this URL, under "
                        "their own file names (default: file:// URLs of the local files)")
    p.add_argument("--definitions-repo", metavar="GIT_URL",
                   help="take lava/vdsoconf.yaml from this git repository (default: inline "
                        "in the job)")
    p.add_argument("--timeout", type=int, default=None, metavar="S",
                   help="seconds a case may run on the device (default: the installed "
                        f"settings, {ramdisk.KSFT_TIMEOUT})")
    return p


def main(p: argparse.ArgumentParser, a: argparse.Namespace) -> int:
    # the ramdisk's static cases are built by the checkout's Makefile
    need_source("writing a LAVA job (lava-job)")
    debarch = job.debian_arch(a.arch)
    if debarch is None:
        p.error(f"--arch {a.arch}: LAVA jobs are written for amd64 and arm64")
    if a.timeout is not None and a.timeout < 1:
        p.error(f"--timeout {a.timeout}: expected a positive number of seconds")
    try:
        import yaml
    except ImportError:
        print("vdsoconf lava-job: needs python3-yaml (./install-deps lava)", file=sys.stderr)
        return 1
    try:
        fetched = fetch.resolve(a.kernel)
    except RuntimeError as e:
        print(f"vdsoconf lava-job: {e}", file=sys.stderr)
        return 1
    kernel = fetched.path.resolve()
    if not kernel.is_file():
        p.error(f"--kernel {a.kernel}: no such file, nor a kernel to fetch ({fetch.NAMES})")
    found = kimage.arch(kernel)
    if found and found != job.ARCHES[debarch]:
        p.error(f"--arch {a.arch}: {kernel} is an {found} kernel")
    out = (a.out or OUT / debarch).resolve()
    out.mkdir(parents=True, exist_ok=True)
    rd = out / "ramdisk.cpio"
    try:
        names = ramdisk.write(rd, job.ARCHES[debarch], debarch)
    except RuntimeError as e:
        print(f"vdsoconf lava-job: {e}", file=sys.stderr)
        return 1
    unknown = [c for c in a.cases if c not in names]
    if unknown:
        p.error(f"unknown case(s) for {debarch}: {', '.join(unknown)} (known: {', '.join(names)})")
    if a.image_url:
        base = a.image_url.rstrip("/")
        urls = (f"{base}/{kernel.name}", f"{base}/{rd.name}")
    else:
        urls = (kernel.as_uri(), rd.as_uri())
    definition = yaml.safe_load(job.DEFINITION.read_text())
    label = kimage.release(kernel) or kernel.name
    data = job.job(label, debarch, *urls, definition, repo=a.definitions_repo,
                   cases=a.cases, case_timeout=a.timeout)
    (out / "job.yaml").write_text(yaml.safe_dump(data, sort_keys=False, width=100))
    (out / "device.yaml").write_text(yaml.safe_dump(job.device(debarch), sort_keys=False, width=100))
    print(f"{'Job:':<10}{shown(str(out / 'job.yaml'))} ({len(a.cases or names)} cases, {label})")
    print(f"{'Device:':<10}{shown(str(out / 'device.yaml'))}")
    print(f"{'Ramdisk:':<10}{shown(str(rd))}")
    print(f"{'Run it:':<10}lava-run --job-id 1 --output-dir {shown(str(out / 'run'))} "
          f"--device {shown(str(out / 'device.yaml'))} {shown(str(out / 'job.yaml'))}")
    return 0
