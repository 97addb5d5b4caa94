"""The QEMU machine of each architecture (runner/guest/qemu.py): its
command line, and a real boot to /init of the newest Debian kernel of the
architecture with nothing but /init in the initramfs.

The boots use only what is here already, never the network: a kernel
fixtures/kernels/fetch has cached, build/static-ARCH/init (make
guest-ARCH), and the QEMU of VDSOCONF_QEMU_DIR or of fetch-qemu's cache;
each one skips, saying which is missing.  `make test-kernels` fetches and
builds all of them."""

import os
import re
import subprocess
from pathlib import Path

import pytest
import runner_helpers  # noqa: F401  (puts the repository on sys.path)

from runner.guest import initramfs, kimage, qemu
from runner.guest.build import GUEST_ARCHES
from runner.matrix.defaults import NEWEST
from runner.paths import BUILD, REPO


def _cmdline(argv):
    return argv[argv.index("-append") + 1].split()


def test_every_architecture_has_a_machine_a_console_and_a_kernel():
    assert set(qemu.ARCHES) == set(NEWEST) == set(GUEST_ARCHES)
    text = (REPO / "Makefile").read_text().replace("\\\n", " ")
    kernels = re.search(r"^KERNELS \?= (.*)$", text, re.M).group(1).split()
    assert kernels == list(NEWEST.values()), "the Makefile's KERNELS is not defaults.NEWEST"
    for arch, name in NEWEST.items():
        r = subprocess.run([str(REPO / "fixtures" / "kernels" / "fetch"), "--check", name],
                           capture_output=True, text=True)
        assert r.stdout.split()[1] == arch
    consoles = {a: m.console for a, m in qemu.MACHINES.items()}
    assert consoles == {"x86_64": "ttyS0", "i386": "ttyS0", "aarch64": "ttyAMA0",
                        "arm": "ttyAMA0", "ppc64": "hvc0", "s390x": "ttysclp0",
                        "riscv64": "ttyS0", "mips64el": "ttyS0", "loongarch64": "ttyS0"}
    for arch, m in qemu.MACHINES.items():
        argv = qemu.command(Path("k"), Path("i"), arch, 2, 60)
        assert Path(argv[0]).name == m.qemu == f"qemu-system-{arch}"
        assert f"console={m.console}" in _cmdline(argv)
        assert argv[argv.index("-accel") + 1] == "tcg"


def test_machine_quirks():
    mips = qemu.command(Path("k"), Path("i"), "mips64el", 2, 60)
    assert mips[mips.index("-smp") + 1] == "1"           # Malta boots one CPU only
    x86 = qemu.command(Path("k"), Path("i"), "x86_64", 4, 60)
    assert x86[x86.index("-smp") + 1] == "4"
    loong = qemu.command(Path("k"), Path("i"), "loongarch64", 2, 60, append="vdso=0")
    assert _cmdline(loong)[-2:] == ["initcall_blacklist=i8042_init", "vdso=0"]
    riscv = qemu.command(Path("k"), Path("i"), "riscv64", 2, 60)
    assert riscv[riscv.index("-bios") + 1] == "default"
    assert qemu.MACHINES["x86_64"].boot_timeout == 60.0
    assert all(m.boot_timeout >= 120 for a, m in qemu.MACHINES.items() if a != "x86_64")


def _cached_kernel(name: str):
    r = subprocess.run([str(REPO / "fixtures" / "kernels" / "fetch"), "--check", name],
                       capture_output=True, text=True)
    _, _, suite, debarch, flavour = r.stdout.split()
    cache = Path(os.environ.get("VDSOCONF_CACHE") or
                 Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "vdsoconf")
    info = cache / "kernels" / f"{suite}-{debarch}-{flavour}" / "info"
    if not info.is_file():
        return None, cache
    fields = dict(line.split("=", 1) for line in info.read_text().splitlines() if "=" in line)
    image = info.parent / fields.get("file", "?")
    return (image if image.is_file() else None), cache


@pytest.mark.parametrize("arch", sorted(NEWEST))
def test_boots_to_init(arch, tmp_path, monkeypatch):
    image, cache = _cached_kernel(NEWEST[arch])
    if image is None:
        pytest.skip(f"{NEWEST[arch]} not cached (fixtures/kernels/fetch {NEWEST[arch]})")
    init = BUILD / f"static-{arch}" / "init"
    if not init.is_file():
        pytest.skip(f"no {init} (make guest-{arch})")
    if not os.environ.get(qemu.QEMU_DIR_ENV):
        monkeypatch.setenv(qemu.QEMU_DIR_ENV, str(cache / "qemu"))
    if qemu.qemu_binary(arch) is None:
        pytest.skip(f"no qemu-system-{arch} in {os.environ[qemu.QEMU_DIR_ENV]} "
                    "(fixtures/kernels/fetch-qemu)")
    initrd = tmp_path / "initramfs.cpio"
    initramfs.write(initrd, init, [])
    b = qemu.boot(image, initrd, arch, boot_timeout=300.0, case_timeout=30.0)
    assert b.ok and b.log.done, f"{b.outcome}: {b.detail}\n" + "\n".join(b.tail())
    assert b.log.hello["release"] == kimage.release(image)
    assert b.log.hello["vdso"] != "none"
    assert b.powered_off


def test_an_old_qemu_is_named_when_loongarch64_does_not_boot():
    from runner.guest import guestcase
    b = qemu.Boot(kernel="k", arch="loongarch64", outcome="no output", qemu_version="7.2.22")
    assert "cannot boot Debian's loong64 kernels" in " ".join(guestcase._old_qemu(b))
    b.qemu_version = "10.0.2"
    assert guestcase._old_qemu(b) == []


def test_fetched_qemu_used_without_the_variable(tmp_path, monkeypatch):
    # fetch-qemu's cache is used when VDSOCONF_QEMU_DIR is not set; the
    # variable, when set, wins; with neither, QEMU comes from PATH
    binary = tmp_path / "cache" / "qemu" / "usr" / "bin" / qemu.MACHINES["loongarch64"].qemu
    binary.parent.mkdir(parents=True)
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    monkeypatch.delenv(qemu.QEMU_DIR_ENV, raising=False)
    monkeypatch.setenv("VDSOCONF_CACHE", str(tmp_path / "cache"))
    assert qemu.qemu_binary("loongarch64") == str(binary)
    monkeypatch.setenv(qemu.QEMU_DIR_ENV, str(tmp_path / "elsewhere"))
    assert qemu.qemu_binary("loongarch64") is None
    monkeypatch.delenv(qemu.QEMU_DIR_ENV)
    monkeypatch.setenv("VDSOCONF_CACHE", str(tmp_path / "none"))
    monkeypatch.setenv("PATH", str(tmp_path))
    assert qemu.qemu_binary("loongarch64") is None
