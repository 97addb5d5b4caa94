"""binutils readelf as the independent reference for `vdsotool inspect --json`.

describe(path) runs readelf once and rebuilds, from its text alone, the
fields of the vdsotool JSON contract.  Nothing here reads the ELF bytes: a
shared bug between this parser and libvdso would need readelf to share it.
"""

import os
import re
import subprocess

READELF = os.environ.get("READELF", "readelf")
ARGS = ["-W", "-h", "-l", "-S", "-d", "-r", "--dyn-syms", "-V", "-n"]

MACHINES = {
    "Advanced Micro Devices X86-64": ("x86_64", 62), "Intel 80386": ("i386", 3),
    "AArch64": ("aarch64", 183), "ARM": ("arm", 40), "PowerPC64": ("ppc64", 21),
    "IBM S/390": ("s390", 22), "MIPS R3000": ("mips", 8), "RISC-V": ("riscv", 243),
    "LoongArch": ("loongarch", 258),
}
SHN = {"UND": 0, "ABS": 0xFFF1, "COM": 0xFFF2}
VER_FLAGS = {"BASE": 1, "WEAK": 2, "INFO": 4}
# readelf names a Linux-owned note by its type number as if the owner were
# GNU: type 0x100 prints as "OPEN" (NT_GNU_BUILD_ATTRIBUTE_OPEN)
NOTE_TYPES = {"OPEN": 0x100}

SYM_RE = re.compile(r"^\s*(\d+): ([0-9a-f]+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+"
                    r"(?:\[[^\]]*\]\s+)?(\S+)(?: (.*))?$")
VERSYM_RE = re.compile(r"([0-9a-f]+)(h?)\s*\(([^)]*)\)")
VERDEF_RE = re.compile(r"^\s+(?:0x)?[0-9a-f]+: Rev: (\d+)\s+Flags: (.*?)\s+Index: (\d+)"
                       r"\s+Cnt: (\d+)\s+Name: (.*)$")
DYN_RE = re.compile(r"^\s*0x[0-9a-f]+ \((\w+)\)\s+(.*)$")
PHDR_RE = re.compile(r"^\s+(\w+)\s+0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) "
                     r"0x([0-9a-f]+) 0x([0-9a-f]+) ([RWE ]{3}) 0x([0-9a-f]+)$")
SHDR_RE = re.compile(r"^\s+\[\s*\d+\] (\S+)\s+(\S+)\s+[0-9a-f]+ [0-9a-f]+ [0-9a-f]+ ([0-9a-f]+) ")
NOTE_RE = re.compile(r"^\s+(\S+)\s+0x([0-9a-f]+)\s+(.*)$")
RELOC_RE = re.compile(r"^[0-9a-f]{8,16}\s+[0-9a-f]{8,16}\s+(R_\w+)")


def run(path):
    r = subprocess.run([READELF] + ARGS + [path], capture_output=True, text=True)
    if r.returncode or r.stderr.strip():
        raise AssertionError(f"readelf failed on {path}: {r.stderr.strip()}")
    return r.stdout


def sections(text):
    """Split readelf's output into (heading, lines) blocks."""
    blocks, cur = [], None
    for line in text.splitlines():
        if line and not line[0].isspace() and not RELOC_RE.match(line):
            cur = (line, [])
            blocks.append(cur)
        elif cur is not None:
            cur[1].append(line)
    return blocks


def header(lines):
    kv = dict(line.strip().split(":", 1) for line in lines if ":" in line)
    machine = kv["Machine"].strip()
    name, number = MACHINES.get(machine, (None, None))
    return {"class": 64 if kv["Class"].strip() == "ELF64" else 32,
            "endian": "big" if "big endian" in kv["Data"] else "little",
            "machine": name, "e_machine": number}


def symbols(lines):
    out = {}
    for line in lines:
        m = SYM_RE.match(line)
        if not m:
            continue
        num, value, size, typ, bind, vis, ndx, name = m.groups()
        name = name or ""
        at = re.match(r"^(.*?)(@@?)([^@ ]+)(?: \(\d+\))?$", name)
        out[int(num)] = {"index": int(num), "name": at.group(1) if at else name,
                         "suffix": at.group(2) if at else None,
                         "bind": bind, "type": typ, "visibility": vis,
                         "shndx": SHN[ndx] if ndx in SHN else int(ndx),
                         "value": int(value, 16), "size": int(size, 0)}
    return out


def versyms(lines):
    out, idx = {}, None
    for line in lines:
        m = re.match(r"^\s+([0-9a-f]+):(.*)$", line)
        if not m or "Rev:" in line or "Parent" in line:
            continue
        idx = int(m.group(1), 16)
        for k, (val, hid, _name) in enumerate(VERSYM_RE.findall(m.group(2))):
            out[idx + k] = (int(val, 16), hid == "h")
    return out


def verdefs(lines):
    out = []
    for line in lines:
        m = VERDEF_RE.match(line)
        if m:
            rev, flags, index, cnt, name = m.groups()
            bits = 0 if flags == "none" else sum(VER_FLAGS[f.strip()] for f in flags.split("|"))
            out.append({"index": int(index), "name": name.strip(), "flags": bits,
                        "base": bool(bits & 1)})
    return out


def notes(lines, endian):
    found, cur = [], None
    for line in lines:
        m = NOTE_RE.match(line)
        if m and m.group(1) != "Owner" and re.match(r"^[0-9a-f]+$", m.group(2)):
            cur = [m.group(1), m.group(3)]
            found.append(cur)
        elif cur is not None:
            cur[1] += " " + line.strip()
    res = {"linux_version": None, "linux_version_code": None, "release": None,
           "build_id": None}
    for owner, rest in found:
        bid = re.search(r"Build ID: ([0-9a-f]+)", rest)
        data = re.search(r"description data: ((?:[0-9a-f]{2} ?)*)", rest)
        raw = bytes.fromhex(data.group(1)) if data else b""
        typ = re.search(r"\(0x([0-9a-f]+)\)", rest)
        ntype = int(typ.group(1), 16) if typ else NOTE_TYPES.get(rest.split("\t")[0].strip())
        if owner == "GNU" and bid and res["build_id"] is None:
            res["build_id"] = bid.group(1)
        elif owner == "Linux" and ntype == 0 and len(raw) == 4 \
                and res["linux_version_code"] is None:
            code = int.from_bytes(raw, endian)
            res["linux_version_code"] = code
            res["linux_version"] = f"{code >> 16}.{(code >> 8) & 0xFF}.{code & 0xFF}"
        elif owner == "Linux" and ntype == 0x100 and res["release"] is None:
            res["release"] = raw.split(b"\0")[0].decode()
    return res


def describe(path):
    """The vdsotool JSON fields, as readelf sees them."""
    text = run(path)
    blocks = sections(text)

    def get(prefix):
        return [ln for h, ls in blocks if h.startswith(prefix) for ln in ls]

    out = header(get("ELF Header"))

    dyn = [DYN_RE.match(ln).groups() for ln in get("Dynamic section") if DYN_RE.match(ln)]
    tags = [t for t, _ in dyn]

    def first(tag):     # the [value] of the first entry with this tag
        return next((re.search(r"\[(.*)\]", v).group(1) for t, v in dyn if t == tag), None)

    out["soname"] = first("SONAME")
    out["rpath"], out["runpath"] = first("RPATH"), first("RUNPATH")
    out["needed"] = tags.count("NEEDED")
    out["hash"] = [h for h, t in (("sysv", "HASH"), ("gnu", "GNU_HASH")) if t in tags]
    shdrs = [SHDR_RE.match(ln).groups() for ln in get("Section Headers") if SHDR_RE.match(ln)]
    ent = [int(es, 16) for name, typ, es in shdrs if typ == "HASH"]
    out["hash_entsize"] = (ent[0] if ent else None) if "HASH" in tags else None

    relocs = [RELOC_RE.match(ln).group(1) for ln in get("Relocation section")
              if RELOC_RE.match(ln)]
    out["relocations"] = sum(1 for r in relocs if not r.endswith("_NONE"))

    out["text"] = []
    for ln in get("Program Headers"):
        m = PHDR_RE.match(ln)
        if m and m.group(1) == "LOAD" and "E" in m.group(7):
            va, memsz = int(m.group(3), 16), int(m.group(6), 16)
            out["text"].append({"start": va, "end": va + memsz})

    defs = verdefs(get("Version definition section"))
    names = {d["index"]: d["name"] for d in defs}
    out["version_defs"] = defs
    out["versions"] = [d["name"] for d in defs if not d["base"]]

    vs = versyms(get("Version symbols section"))
    syms = symbols(get("Symbol table '.dynsym'"))
    out["symbols"] = []
    for i in sorted(syms):
        if i == 0:
            continue
        s = dict(syms[i])
        suffix = s.pop("suffix")
        idx, hidden = vs.get(i, (0, False))
        s["version"] = names.get(idx) if idx >= 2 else None
        # for STT_SECTION readelf prints the section's name, not st_name
        # (which ld leaves 0, the empty string)
        if s["type"] == "SECTION" and s["name"] in {n for n, _, _ in shdrs}:
            s["name"] = ""
        s["hidden"] = hidden
        # readelf prints no suffix for the ABS symbol naming a version itself
        if suffix is not None:
            assert s["version"] is not None and (suffix == "@") == hidden, \
                f"readelf disagrees with itself on symbol {i}: {suffix} vs versym {idx}"
        out["symbols"].append(s)

    out["notes"] = notes(get("Displaying notes"), out["endian"])
    return out
