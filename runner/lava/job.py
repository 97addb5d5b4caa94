"""A LAVA job for the QEMU device type that boots a kernel with the suite in
its ramdisk and runs lava/vdsoconf.yaml there; and the device dictionary
a LAVA server would render for that device type, which `lava-run` needs
when it runs a job on its own, without a server.

The machine is the one `vdsoconf run --kernel` boots (runner/guest/qemu.py):
same CPU model, two CPUs, TCG.
"""

from pathlib import Path
from typing import Dict, List, Optional

from runner.guest import qemu
from runner.lava.ramdisk import PROMPT, SUITE
from runner.paths import REPO

DEFINITION = REPO / "lava" / "vdsoconf.yaml"
# LAVA's architecture names (Debian's), and QEMU's for the same machine
ARCHES = {"amd64": "x86_64", "arm64": "aarch64"}
ALIASES = {"x86_64": "amd64", "aarch64": "arm64"}
SMP = 2
MEMORY_MB = 512
# the suite takes 15-20 s on amd64 under TCG, arm64 about 10 s
# (docs/bench.md); LAVA adds a console round trip per test case, and a
# loaded machine can be several times slower
TIMEOUTS = {"job": 45, "deploy": 5, "boot": 5, "test": 30}


def debian_arch(name: str) -> Optional[str]:
    """amd64/x86_64 -> amd64, arm64/aarch64 -> arm64; None for the rest."""
    name = ALIASES.get(name, name)
    return name if name in ARCHES else None


def cmdline(debarch: str) -> str:
    # no panic=-1: LAVA, not the kernel, ends the machine.  LAVA waits for
    # the kernel's banner, a notice, which `quiet` would hide: loglevel=6
    # shows notices during the boot, and /init lowers the console's level
    # to quiet's afterwards (runner/lava/ramdisk.py)
    console = qemu.MACHINES[ARCHES[debarch]].console
    return f"console={console},115200 rdinit=/init loglevel=6 printk.time=1"


def definition_entry(definition: dict, repo: Optional[str], parameters: Dict[str, str]) -> dict:
    """The test definition, inline (the job carries it whole, its params
    set to the job's values: LAVA takes no parameters beside an inline
    definition) or from a git repository holding this tree."""
    if repo:
        entry = {"repository": repo, "from": "git", "path": "lava/vdsoconf.yaml", "name": "vdsoconf"}
        if parameters:
            entry["parameters"] = parameters
        return entry
    inline = dict(definition, params={**definition.get("params", {}), **parameters})
    return {"repository": inline, "from": "inline", "path": "inline/vdsoconf.yaml",
            "name": "vdsoconf"}


def job(label: str, debarch: str, kernel_url: str, ramdisk_url: str, definition: dict,
        repo: Optional[str] = None, cases: Optional[List[str]] = None,
        case_timeout: Optional[int] = None) -> dict:
    parameters = {"SUITE": SUITE}
    if cases:
        parameters["CASES"] = " ".join(cases)
    if case_timeout:
        parameters["TIMEOUT"] = str(case_timeout)
    context = {"arch": debarch, "memory": MEMORY_MB, "extra_options": ["-smp", str(SMP)]}
    if debarch == "arm64":
        context.update(machine="virt", cpu="max,pauth-impdef=on")
    else:
        context.update(cpu="max,vendor=GenuineIntel")
    return {
        "device_type": "qemu",
        "job_name": f"vdsoconf: the Linux vDSO conformance suite on {label} ({debarch}, QEMU)",
        "timeouts": {"job": {"minutes": TIMEOUTS["job"]}, "action": {"minutes": 10},
                     "connection": {"minutes": 2}},
        "priority": "medium",
        "visibility": "public",
        "context": context,
        "actions": [
            {"deploy": {
                "to": "tmpfs", "timeout": {"minutes": TIMEOUTS["deploy"]},
                "images": {
                    "kernel": {"image_arg": f'-kernel {{kernel}} -append "{cmdline(debarch)}"',
                               "url": kernel_url},
                    # LAVA adds its test shell to the cpio archive itself
                    "ramdisk": {"image_arg": "-initrd {ramdisk}", "url": ramdisk_url,
                                "format": "cpio.newc", "overlays": {"lava": True}},
                }}},
            {"boot": {"method": "qemu", "media": "tmpfs", "timeout": {"minutes": TIMEOUTS["boot"]},
                      "prompts": [PROMPT]}},
            {"test": {"timeout": {"minutes": TIMEOUTS["test"]},
                      "definitions": [definition_entry(definition, repo, parameters)]}},
        ],
    }


def device(debarch: str) -> dict:
    """The rendered device dictionary of one QEMU device, as lava-server's
    qemu device type would give it, running the QEMU this runner uses."""
    arch = ARCHES[debarch]
    m = qemu.MACHINES[arch]
    options = ["-accel", "tcg", *m.args, *qemu.firmware(), "-smp", str(SMP), "-m", f"{MEMORY_MB}M",
               "-nodefaults", "-no-user-config", "-display", "none", "-monitor", "none",
               "-serial", "stdio", "-no-reboot"]
    return {
        "constants": {
            "posix": {"lava_test_sh_cmd": "/bin/sh", "lava_test_results_dir": "/lava-%s",
                      "lava_test_shell_file": "~/.profile"},
            "shutdown-message": "The system is going down for reboot NOW",
            "kernel-start-message": "Linux version [0-9]",
            "default-shell-prompt": "lava-test: # ",
            "spawn_maxread": "4092",
            # one attempt: a boot that fails is a finding, not to be retried away
            "failure_retry": 1,
            "boot_retry": 1,
        },
        "parameters": {},
        "actions": {
            "deploy": {"connections": {"serial": None},
                       "methods": {"tmpfs": None,
                                   "image": {"parameters": {"guest": {"size": 512}}}}},
            "boot": {"connections": {"serial": None},
                     "methods": {"qemu": {"parameters": {
                         "command": qemu.qemu_binary(arch) or m.qemu, "options": options}}}},
        },
        "available_architectures": [debarch],
        "timeouts": {"actions": {}, "connections": {}},
    }
