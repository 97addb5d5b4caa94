"""fixtures/kernels/fetch against a small Debian archive built here, in a
temporary directory, so that no test touches the network.

The archive has both kernel packagings: up to 6.x the image is in
linux-image-VER-FLAVOUR under /boot; from 7.x linux-image-VER-FLAVOUR is a
metapackage and the image is in linux-binary-VER-FLAVOUR under
/usr/lib/modules/VER.  Its suites mirror the real ones' shape: a security
suite beside bookworm and trixie with a newer kernel, experimental over sid,
an architecture a suite has no kernel for (sid i386) and one it lacks
(bookworm s390x).  Only dpkg-deb, apt-get and apt-cache are needed.
"""

import email.utils
import hashlib
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from conftest import REPO

FETCH = REPO / "fixtures" / "kernels" / "fetch"
TIMEOUT = 120

pytestmark = pytest.mark.skipif(not all(shutil.which(p) for p in ("dpkg-deb", "apt-get", "apt-cache")),
                                reason="needs dpkg-deb and apt (Debian's dpkg and apt packages)")


def image_bytes(label, elf=False):
    # distinct per package, so a test sees which package was unpacked
    head = b"\x7fELF\x02\x01\x01" if elf else b"MZ"
    return head + f" fake kernel {label} ".encode() * 64


class Archive:
    """A flat pool plus dists/SUITE/main/binary-ARCH/Packages and an
    unsigned Release per suite (the fetcher is told trusted=yes)."""

    def __init__(self, root: Path):
        self.root = root
        self.work = root.parent / (root.name + "-build")
        self.suites = {}          # suite -> {arch: [stanza, ...]}
        self.release = {}         # suite -> extra Release fields

    def suite(self, name, archs, **fields):
        self.suites[name] = {a: [] for a in archs}
        self.release[name] = fields

    def package(self, suite, arch, name, version, depends="", files=None):
        """A .deb of name with files {path: bytes}, listed in suite's arch."""
        tree = self.work / f"{name}_{version}_{arch}"
        (tree / "DEBIAN").mkdir(parents=True, exist_ok=True)
        control = {"Package": name, "Version": version, "Architecture": arch,
                   "Maintainer": "nobody <nobody@example.org>", "Section": "kernel",
                   "Priority": "optional", "Description": f"{name} for the fetch tests"}
        if depends:
            control["Depends"] = depends
        (tree / "DEBIAN" / "control").write_text(
            "".join(f"{k}: {v}\n" for k, v in control.items()))
        for path, data in (files or {}).items():
            dest = tree / path
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
        rel = f"pool/{name}_{version.replace(':', '%3a')}_{arch}.deb"
        deb = self.root / rel
        deb.parent.mkdir(parents=True, exist_ok=True)
        if not deb.exists():
            subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", str(tree), str(deb)],
                           check=True, capture_output=True)
        data = deb.read_bytes()
        stanza = dict(control, Filename=rel, Size=str(len(data)),
                      SHA256=hashlib.sha256(data).hexdigest())
        self.suites[suite][arch].append(stanza)

    def kernel_6x(self, suite, arch, flavour, abi, version, label=None, meta=True):
        """The 6.x packaging: meta -> linux-image-ABI-FLAVOUR with /boot/vmlinuz-ABI-FLAVOUR;
        meta=False: an older version only its versioned package still names."""
        image = f"linux-image-{abi}-{flavour}"
        self.package(suite, arch, image, version,
                     files={f"boot/vmlinuz-{abi}-{flavour}": image_bytes(label or f"{image} {version}"),
                            f"boot/System.map-{abi}-{flavour}": b"map\n"})
        if meta:
            self.package(suite, arch, f"linux-image-{flavour}", version,
                         depends=f"{image} (= {version})")

    def kernel_7x(self, suite, arch, flavour, abi, version, elf=False, meta=True):
        """The 7.x packaging: meta -> linux-image-ABI-FLAVOUR (metapackage) ->
        linux-binary-ABI-FLAVOUR with /usr/lib/modules/ABI-FLAVOUR/vmlinuz;
        an unsigned twin nobody depends on, whose image must not be taken."""
        kver = f"{abi}-{flavour}"
        binary = f"linux-binary-{kver}"
        self.package(suite, arch, f"linux-base-{kver}", version,
                     files={f"usr/lib/modules/{kver}/System.map": b"map\n"})
        self.package(suite, arch, binary, version, depends=f"linux-base-{kver} (= {version})",
                     files={f"usr/lib/modules/{kver}/vmlinuz": image_bytes(f"{binary} {version}", elf)})
        self.package(suite, arch, f"linux-binary-unsigned-{kver}", version,
                     files={f"usr/lib/modules/{kver}/vmlinuz": image_bytes("unsigned", elf)})
        self.package(suite, arch, f"linux-image-{kver}", version,
                     depends=f"dracut | initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool, "
                             f"linux-base-{kver} (= {version}), {binary} (= {version})")
        if meta:
            self.package(suite, arch, f"linux-image-{flavour}", version,
                         depends=f"linux-base-{flavour} (= {version}), linux-image-{kver} (= {version})")

    def write(self):
        for suite, archs in self.suites.items():
            dist = self.root / "dists" / suite
            sums = []
            for arch, stanzas in archs.items():
                rel = f"main/binary-{arch}/Packages"
                text = "\n".join("".join(f"{k}: {v}\n" for k, v in s.items()) for s in stanzas)
                (dist / rel).parent.mkdir(parents=True, exist_ok=True)
                (dist / rel).write_text(text)
                sums.append(f" {hashlib.sha256(text.encode()).hexdigest()} {len(text.encode())} {rel}")
            fields = {"Origin": "Debian", "Label": "Debian", "Suite": suite, "Codename": suite,
                      "Date": email.utils.formatdate(usegmt=True),
                      "Architectures": " ".join(archs), "Components": "main",
                      **self.release[suite]}
            (dist / "Release").write_text("".join(f"{k}: {v}\n" for k, v in fields.items())
                                          + "SHA256:\n" + "\n".join(sums) + "\n")


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    a = Archive(tmp_path_factory.mktemp("archive") / "debian")
    a.suite("bookworm", ["amd64", "arm64"])
    a.suite("bookworm-security", ["amd64", "arm64"])
    a.suite("bookworm-backports", ["amd64"], NotAutomatic="yes", ButAutomaticUpgrades="yes")
    a.suite("trixie", ["amd64", "i386"])
    a.suite("trixie-security", ["amd64", "i386"])
    a.suite("sid", ["amd64", "ppc64el", "i386"])
    a.suite("experimental", ["amd64", "ppc64el", "i386"], NotAutomatic="yes")
    a.kernel_6x("bookworm", "amd64", "cloud-amd64", "6.1.0-9", "6.1.99-1")
    a.kernel_6x("bookworm-security", "amd64", "cloud-amd64", "6.1.0-10", "6.1.100-1")
    a.kernel_6x("bookworm-security", "amd64", "cloud-amd64", "6.1.0-8", "6.1.98-1", meta=False)
    a.kernel_6x("bookworm", "arm64", "cloud-arm64", "6.1.0-9", "6.1.99-1")
    a.kernel_6x("bookworm-backports", "amd64", "cloud-amd64", "6.12.9+deb12", "6.12.9-1~bpo12+1")
    a.kernel_6x("trixie", "amd64", "cloud-amd64", "6.12.9+deb13", "6.12.9-1")
    a.kernel_7x("sid", "amd64", "cloud-amd64", "7.2.1+deb14", "7.2.1-1")
    a.kernel_7x("sid", "amd64", "cloud-amd64", "7.1.5+deb14", "7.1.5-1", meta=False)
    a.kernel_7x("sid", "ppc64el", "powerpc64le", "7.2.1+deb14", "7.2.1-1", elf=True)
    a.kernel_7x("experimental", "amd64", "cloud-amd64", "7.3", "7.3~rc1-1~exp1")
    a.write()
    return a.root


def closed_port_url():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()                  # nothing listens there now: connection refused
    return f"http://127.0.0.1:{port}/debian"


class Fetcher:
    def __init__(self, tmp: Path, mirror: str):
        self.cache = tmp / "cache"
        conf = tmp / "apt.conf"
        # no retries: an unreachable mirror fails at once instead of after
        # apt's back-off
        conf.write_text('Acquire::Retries "0";\n')
        self.env = dict(os.environ, VDSOCONF_CACHE=str(self.cache), DEBIAN_MIRROR=mirror,
                        DEBIAN_SECURITY_MIRROR=mirror, DEBIAN_SOURCE_OPTIONS="trusted=yes",
                        APT_CONFIG=str(conf))

    def __call__(self, *args):
        argv = ["sh", str(FETCH), *args]
        r = subprocess.run(argv, capture_output=True, text=True, env=self.env, timeout=TIMEOUT)
        r.describe = (f"$ fetch {' '.join(args)}\nexit {r.returncode}\n"
                      f"--- stdout\n{r.stdout[-3000:]}--- stderr\n{r.stderr[-3000:]}")
        return r

    def info(self, name):
        r = self("--info", name)
        assert r.returncode == 0, r.describe
        return dict(line.split("=", 1) for line in r.stdout.splitlines() if "=" in line)


@pytest.fixture
def fetch(archive, tmp_path):
    return Fetcher(tmp_path, f"file:{archive}")


def fetched(r, name, arch):
    """The path of the single NAME ARCH PATH line fetch printed."""
    assert r.returncode == 0, r.describe
    lines = r.stdout.splitlines()
    assert len(lines) == 1, r.describe
    got_name, got_arch, path = lines[0].split(" ")
    assert (got_name, got_arch) == (name, arch), r.describe
    return Path(path)


def one_error(r, code, *fragments):
    """r failed with code and said so in one line containing the fragments."""
    assert r.returncode == code, r.describe
    assert r.stdout == "", r.describe
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fetch: "), r.describe
    for f in fragments:
        assert f in lines[0], r.describe
    return lines[0]


# --- both packagings -----------------------------------------------------

def test_image_from_linux_image_under_boot(fetch):
    path = fetched(fetch("trixie-amd64"), "trixie-amd64", "x86_64")
    assert path.name == "vmlinuz-6.12.9+deb13-cloud-amd64"
    assert path.read_bytes() == image_bytes("linux-image-6.12.9+deb13-cloud-amd64 6.12.9-1")
    info = fetch.info("trixie-amd64")
    assert info["package"] == "linux-image-6.12.9+deb13-cloud-amd64"
    assert info["version"] == "6.12.9-1"
    assert info["member"] == "./boot/vmlinuz-6.12.9+deb13-cloud-amd64"
    assert info["meta"] == "linux-image-cloud-amd64"
    assert info["image"] == str(path)
    assert info["qemu_arch"] == "x86_64" and info["flavour"] == "cloud-amd64"
    assert info["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    # only the image is unpacked, beside its record
    assert sorted(p.name for p in path.parent.iterdir()) == sorted(["info", path.name])


def test_image_from_linux_binary_under_usr_lib_modules(fetch):
    path = fetched(fetch("sid-amd64"), "sid-amd64", "x86_64")
    assert path.name == "vmlinuz-7.2.1+deb14-cloud-amd64"
    # the signed linux-binary the metapackage depends on, not its unsigned twin
    assert path.read_bytes() == image_bytes("linux-binary-7.2.1+deb14-cloud-amd64 7.2.1-1")
    info = fetch.info("sid-amd64")
    assert info["package"] == "linux-binary-7.2.1+deb14-cloud-amd64"
    assert info["version"] == "7.2.1-1"
    assert info["member"] == "./usr/lib/modules/7.2.1+deb14-cloud-amd64/vmlinuz"


def test_elf_image_is_named_vmlinux(fetch):
    path = fetched(fetch("sid-ppc64el"), "sid-ppc64el", "ppc64")
    assert path.name == "vmlinux-7.2.1+deb14-powerpc64le"
    assert fetch.info("sid-ppc64el")["flavour"] == "powerpc64le"


def test_experimental_kernel_not_sids(fetch):
    path = fetched(fetch("experimental-amd64"), "experimental-amd64", "x86_64")
    assert path.read_bytes() == image_bytes("linux-binary-7.3-cloud-amd64 7.3~rc1-1~exp1")
    info = fetch.info("experimental-amd64")
    assert (info["package"], info["version"]) == ("linux-binary-7.3-cloud-amd64", "7.3~rc1-1~exp1")
    assert info["archive"].endswith(" experimental")


def test_security_suite_and_old_names(fetch):
    r = fetch()
    assert r.returncode == 0, r.describe
    rows = [line.split(" ") for line in r.stdout.splitlines()]
    assert [row[:2] for row in rows] == [["6.1-amd64", "x86_64"], ["6.1-arm64", "aarch64"],
                                         ["6.12-amd64", "x86_64"]], r.describe
    # bookworm's newest kernel is the one in bookworm-security
    assert Path(rows[0][2]).name == "vmlinuz-6.1.0-10-cloud-amd64"
    assert Path(rows[2][2]).name == "vmlinuz-6.12.9+deb12-cloud-amd64"
    info = fetch.info("6.1-amd64")
    assert (info["package"], info["version"]) == ("linux-image-6.1.0-10-cloud-amd64", "6.1.100-1")
    assert info["archive"].endswith(" bookworm-security")
    # an old name and its new one share the cached kernel
    assert fetched(fetch("bookworm-amd64-cloud-amd64"), "bookworm-amd64-cloud-amd64", "x86_64") \
        == Path(rows[0][2])


def mirror_without(archive, tmp_path, deb):
    """A copy of the archive whose pool lacks deb, and a fetcher reading it."""
    mirror = tmp_path / "debian"
    shutil.copytree(archive, mirror)
    (mirror / "pool" / deb).unlink()
    return mirror, Fetcher(tmp_path, f"file:{mirror}")


def test_falls_back_to_the_newest_version_that_downloads(archive, tmp_path):
    # the index names a version the mirror does not serve: the security
    # suite's image is gone from the pool, bookworm's own one is there
    mirror, fetch = mirror_without(archive, tmp_path, "linux-image-6.1.0-10-cloud-amd64_6.1.100-1_amd64.deb")
    r = fetch("bookworm-amd64")
    assert fetched(r, "bookworm-amd64", "x86_64").name == "vmlinuz-6.1.0-9-cloud-amd64"
    assert "cannot download linux-image-6.1.0-10-cloud-amd64=6.1.100-1" in r.stderr, r.describe
    assert "fell back to linux-image-6.1.0-9-cloud-amd64 6.1.99-1" in r.stderr, r.describe
    assert fetch.info("bookworm-amd64")["version"] == "6.1.99-1"
    # the metapackage's versions gone: an older versioned package the
    # suite still lists (trixie's ppc64el and s390x in 2026-12)
    (mirror / "pool" / "linux-image-6.1.0-9-cloud-amd64_6.1.99-1_amd64.deb").unlink()
    r = fetch("--refetch", "bookworm-amd64")
    assert fetched(r, "bookworm-amd64", "x86_64").name == "vmlinuz-6.1.0-8-cloud-amd64"
    assert "fell back to linux-image-6.1.0-8-cloud-amd64 6.1.98-1" in r.stderr, r.describe
    assert fetch.info("bookworm-amd64")["archive"].endswith(" bookworm-security")
    # with no version left to try, one error per version tried and exit 1
    (mirror / "pool" / "linux-image-6.1.0-8-cloud-amd64_6.1.98-1_amd64.deb").unlink()
    r = fetch("--refetch", "bookworm-amd64")
    assert r.returncode == 1 and r.stdout == "", r.describe
    assert r.stderr.count("cannot download") == 3, r.describe


def test_falls_back_through_an_older_linux_binary(archive, tmp_path):
    _, fetch = mirror_without(archive, tmp_path, "linux-binary-7.2.1+deb14-cloud-amd64_7.2.1-1_amd64.deb")
    r = fetch("sid-amd64")
    assert fetched(r, "sid-amd64", "x86_64").name == "vmlinuz-7.1.5+deb14-cloud-amd64"
    assert "fell back to linux-binary-7.1.5+deb14-cloud-amd64 7.1.5-1" in r.stderr, r.describe
    assert fetch.info("sid-amd64")["package"] == "linux-binary-7.1.5+deb14-cloud-amd64"


# --- the cache -----------------------------------------------------------

def test_cached_kernel_used_with_the_mirror_gone(archive, tmp_path):
    copy = tmp_path / "mirror"
    shutil.copytree(archive, copy)
    fetch = Fetcher(tmp_path, f"file:{copy}")
    first = fetched(fetch("sid-amd64"), "sid-amd64", "x86_64")
    shutil.rmtree(copy)
    r = fetch("sid-amd64")
    assert fetched(r, "sid-amd64", "x86_64") == first
    assert r.stderr == "", r.describe
    assert fetch.info(str(first))["package"] == "linux-binary-7.2.1+deb14-cloud-amd64"
    # and with a mirror that refuses connections: still not asked
    fetch.env["DEBIAN_MIRROR"] = fetch.env["DEBIAN_SECURITY_MIRROR"] = closed_port_url()
    assert fetched(fetch("sid-amd64"), "sid-amd64", "x86_64") == first
    assert fetch.info("sid-amd64")["version"] == "7.2.1-1"


def test_corrupt_cached_image(fetch):
    path = fetched(fetch("sid-amd64"), "sid-amd64", "x86_64")
    good = path.read_bytes()
    path.write_bytes(b"X" + good[1:])
    one_error(fetch("sid-amd64"), 1, "sid-amd64", "corrupt", str(path), "fetch --refetch sid-amd64")
    path.write_bytes(good[:100])
    one_error(fetch("sid-amd64"), 1, "corrupt", "--refetch sid-amd64")
    path.unlink()
    one_error(fetch("sid-amd64"), 1, "lacks its image", "--refetch sid-amd64")
    assert fetched(fetch("--refetch", "sid-amd64"), "sid-amd64", "x86_64") == path
    assert path.read_bytes() == good
    assert fetched(fetch("sid-amd64"), "sid-amd64", "x86_64") == path


# --- --list and --check --------------------------------------------------

def test_list(fetch):
    r = fetch("--list", "sid", "bookworm")
    assert r.returncode == 0, r.describe
    qemu = {"amd64": "x86_64", "arm64": "aarch64", "armhf": "arm", "i386": "i386",
            "ppc64el": "ppc64", "s390x": "s390x", "riscv64": "riscv64",
            "loong64": "loongarch64", "mips64el": "mips64el"}
    have = {"sid-amd64": "linux-binary-7.2.1+deb14-cloud-amd64 7.2.1-1",
            "sid-ppc64el": "linux-binary-7.2.1+deb14-powerpc64le 7.2.1-1",
            "bookworm-amd64": "linux-image-6.1.0-10-cloud-amd64 6.1.100-1",
            "bookworm-arm64": "linux-image-6.1.0-9-cloud-arm64 6.1.99-1"}
    want = [f"{s}-{a} {q} {have.get(f'{s}-{a}', '- -')}"
            for s in ("sid", "bookworm") for a, q in qemu.items()]
    assert r.stdout.splitlines() == want, r.describe
    # the package lists only: no image was downloaded
    assert not (fetch.cache / "kernels").exists(), r.describe


def test_list_unknown_suite(fetch):
    one_error(fetch("--list", "sid", "buster"), 2, "unknown suite 'buster'", "bookworm-backports")


def test_check(fetch):
    fetch.env["DEBIAN_MIRROR"] = fetch.env["DEBIAN_SECURITY_MIRROR"] = closed_port_url()
    r = fetch("--check", "sid-arm64", "6.12-amd64", "sid-armhf-armmp-lpae", "bookworm-i386",
              "experimental-s390x", "trixie-riscv64", "sid-loong64", "bookworm-mips64el")
    assert r.returncode == 0, r.describe
    assert r.stdout.splitlines() == [
        "sid-arm64 aarch64 sid arm64 cloud-arm64",
        "6.12-amd64 x86_64 bookworm-backports amd64 cloud-amd64",
        "sid-armhf-armmp-lpae arm sid armhf armmp-lpae",
        "bookworm-i386 i386 bookworm i386 686-pae",
        "experimental-s390x s390x experimental s390x s390x",
        "trixie-riscv64 riscv64 trixie riscv64 riscv64",
        "sid-loong64 loongarch64 sid loong64 loong64",
        "bookworm-mips64el mips64el bookworm mips64el 5kc-malta",
    ]
    one_error(fetch("--check", "sid-sparc64"), 2, "unknown architecture 'sparc64'")
    one_error(fetch("--check", "/boot/vmlinuz"), 2, "unknown suite")


# --- errors: one line each -----------------------------------------------

@pytest.mark.parametrize("name, fragments", [
    ("jessie-amd64", ["unknown suite 'jessie'", "bookworm bookworm-backports trixie sid experimental"]),
    ("bookworm-backportz-amd64", ["unknown suite 'bookworm-backportz'"]),
    ("6.2-amd64", ["unknown suite '6.2'"]),
    ("sid-sparc64", ["unknown architecture 'sparc64'", "amd64 arm64 armhf i386 ppc64el s390x riscv64 "
                                                       "loong64 mips64el"]),
    ("sid-armhf-omap", ["unknown flavour 'omap' for armhf", "armmp armmp-lpae rt-armmp"]),
    ("sid-amd64-cloud-arm64", ["unknown flavour 'cloud-arm64' for amd64", "cloud-amd64"]),
])
def test_unknown_name(fetch, name, fragments):
    one_error(fetch(name), 2, name, *fragments)
    one_error(fetch("--check", name), 2, *fragments)
    # a bad name among good ones: nothing is fetched
    one_error(fetch("sid-amd64", name), 2, *fragments)
    assert not (fetch.cache / "kernels").exists()


@pytest.mark.parametrize("name, fragments", [
    ("sid-i386", ["sid-i386", "no kernel", "sid has no linux-image-686-pae for i386"]),
    ("bookworm-s390x", ["bookworm-s390x", "no kernel", "bookworm has no s390x architecture"]),
    ("experimental-ppc64el", ["no kernel", "experimental has no linux-image-powerpc64le"]),
    ("sid-amd64-rt-amd64", ["no kernel", "sid has no linux-image-rt-amd64 for amd64"]),
])
def test_no_kernel_in_suite(fetch, name, fragments):
    one_error(fetch(name), 1, *fragments)


def test_unreachable_archive(fetch):
    url = closed_port_url()
    fetch.env["DEBIAN_MIRROR"] = url
    one_error(fetch("sid-amd64"), 1, "cannot read the archive", url)
    one_error(fetch("--list", "sid"), 1, "cannot read the archive", url)
    fetch.env["DEBIAN_MIRROR"] = "file:/nonexistent/debian"
    one_error(fetch("trixie-amd64"), 1, "/nonexistent/debian")


def test_unreachable_security_archive(fetch):
    url = closed_port_url()
    fetch.env["DEBIAN_SECURITY_MIRROR"] = url
    one_error(fetch("bookworm-amd64"), 1, "cannot read the archive", url)


def test_no_kernel_image_in_package(archive, tmp_path):
    # a linux-image package without /boot/vmlinuz-*: said, nothing cached
    a = Archive(tmp_path / "odd")
    a.suite("sid", ["arm64"])
    a.package("sid", "arm64", "linux-image-7.0.0-cloud-arm64", "7.0.0-1",
              files={"usr/share/doc/linux/README": b"no kernel here\n"})
    a.package("sid", "arm64", "linux-image-cloud-arm64", "7.0.0-1",
              depends="linux-image-7.0.0-cloud-arm64 (= 7.0.0-1)")
    a.write()
    fetch = Fetcher(tmp_path, f"file:{a.root}")
    one_error(fetch("sid-arm64"), 1, "linux-image-7.0.0-cloud-arm64", "holds no kernel image",
              "--refetch sid-arm64")
    assert not list((fetch.cache / "kernels" / "sid-arm64-cloud-arm64").glob("*"))


@pytest.mark.parametrize("args", [["--frobnicate"], ["--check"], ["--info"], ["sid-amd64", "--list"]])
def test_usage_errors(fetch, args):
    one_error(fetch(*args), 2, "usage: fetch")
