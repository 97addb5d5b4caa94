#!/usr/bin/python3
"""Write a section 1 manual page from a command's --help.

    mkman.py --what "SUMMARY" [--version V] [--see-also NAME]... -o FILE -- CMD...

The page is the help text itself, so it cannot drift from the command:
NAME from --what, SYNOPSIS from the usage lines, then the help's
paragraphs and its lists ("heading:" followed by indented "TERM  text"
entries, as argparse and vdsotool print them).  When the help lists
subcommands (argparse's nested entries under one term), each one's own
--help becomes a subsection of COMMANDS.  A paragraph starting "exit
status:" becomes EXIT STATUS.  The date is SOURCE_DATE_EPOCH's when set,
so that a package build is reproducible.
"""

import argparse
import datetime
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

# argparse wraps to the terminal's width, breaking words at hyphens
# ("./vdsoconf-" "results"), which could not be told from words once
# joined; so it is told not to wrap, and groff fills the text instead
WIDTH = "10000"
GAP = re.compile(r"\S( {2,})\S")


@dataclass
class Entry:
    term: str
    at: int                              # the term's indentation
    text: List[str] = field(default_factory=list)
    children: List["Entry"] = field(default_factory=list)


@dataclass
class Help:
    usage: List[str] = field(default_factory=list)
    # (heading, entries) of a list, or (None, [text]) of a paragraph; a
    # list right under the usage lines has the heading ""
    blocks: List[Tuple[Optional[str], list]] = field(default_factory=list)
    exit_status: List[str] = field(default_factory=list)


def run_help(cmd: List[str]) -> str:
    env = dict(os.environ, COLUMNS=WIDTH)
    r = subprocess.run(cmd + ["--help"], capture_output=True, text=True, env=env)
    if r.returncode != 0 or not r.stdout.strip():
        raise SystemExit(f"mkman: {' '.join(cmd)} --help exited {r.returncode}: "
                         f"{(r.stderr.strip().splitlines() or ['no output'])[-1]}")
    return r.stdout


def indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def split_entry(line: str) -> Tuple[str, Optional[str], int]:
    """'  TERM   text' -> (TERM, text, column of text); text None when the
    line holds one run of words (a term alone, or wrapped text)."""
    m = GAP.search(line, indent(line))
    if not m:
        return line.strip(), None, 0
    return line[:m.start(1)].strip(), line[m.end(1):].strip(), m.end(1)


def parse_entries(lines: List[str]) -> List[Entry]:
    """Indented 'TERM  text' lines, with wrapped continuations, into entries;
    entries indented under a term that has no text of its own nest in it
    (argparse's subcommands under COMMAND)."""
    entries: List[Entry] = []
    cur: Optional[Entry] = None
    col = 0                              # where cur's text starts
    parent: Optional[Entry] = None       # a term-only entry that may hold children
    for line in lines:
        term, text, at = split_entry(line)
        if cur is not None and text is None and indent(line) > cur.at:
            if not cur.text:
                col = indent(line)       # text on the line below a long term
            if indent(line) >= col:
                cur.text.append(line.strip())
                if cur is parent:
                    parent = None
                continue
        e = Entry(term, indent(line), [text] if text else [])
        if parent is not None and indent(line) > parent.at:
            parent.children.append(e)
        else:
            entries.append(e)
            parent = e if text is None else None
        cur, col = e, at
    return entries


def parse(text: str) -> Help:
    h = Help()
    lines = text.rstrip("\n").split("\n") + [""]
    i = 0
    if lines[0].startswith("usage:"):
        h.usage.append(lines[0][len("usage: "):].strip())
        i = 1
        # argparse aligns wrapped usage under the program's name
        while lines[i].strip() and indent(lines[i]) >= len("usage: "):
            h.usage.append(lines[i].strip())
            i += 1
    heading: Optional[str] = None        # of the list being read
    body: List[str] = []
    para: List[str] = []

    def flush() -> None:
        nonlocal heading, body, para
        if heading is not None:
            h.blocks.append((heading, parse_entries(body)))
        if para:
            words = " ".join(para)
            if words.lower().startswith("exit status:"):
                h.exit_status.append(words[len("exit status:"):].strip())
            else:
                h.blocks.append((None, [words]))
        heading, body, para = None, [], []

    for line in lines[i:]:
        if not line.strip():
            flush()
        elif indent(line) > 0:
            if heading is None:
                flush()
                heading = ""
            body.append(line)
        elif line.endswith(":"):
            flush()
            heading = line[:-1]
        else:
            if heading is not None:
                flush()
            para.append(line.strip())
    return h


def esc(s: str) -> str:
    s = s.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + s if s[:1] in (".", "'") else s


def roff_entries(entries: List[Entry], out: List[str]) -> None:
    for e in entries:
        if e.children and not e.text:
            # a placeholder (COMMAND) says nothing its choices do not
            roff_entries(e.children, out)
            continue
        out += [".TP", f"\\fB{esc(e.term)}\\fR", esc(" ".join(e.text))]


def roff_blocks(h: Help, out: List[str], heading_macro: str) -> None:
    for heading, body in h.blocks:
        if heading is None:
            out += [".PP", esc(body[0])]
            continue
        if heading:
            out.append(heading_macro.format(esc(heading[:1].upper() + heading[1:])))
        roff_entries(body, out)


def roff_usage(usage: List[str], out: List[str]) -> None:
    out += [".PP", esc(" ".join(usage))]


def subcommands(h: Help) -> List[str]:
    return [c.term for heading, body in h.blocks if heading
            for e in body for c in e.children]


def page(name: str, what: str, version: str, top: Help, subs: List[Tuple[str, Help]],
         see_also: List[str]) -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    day = (datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc) if epoch
           else datetime.datetime.now(datetime.timezone.utc)).strftime("%Y-%m-%d")
    out = [f'.TH {name.upper()} 1 "{day}" "vdsoconf {version}" "User Commands"',
           # no hyphenation, ragged right: option names must survive intact
           ".nh", ".ad l",
           ".SH NAME", f"{esc(name)} \\- {esc(what)}", ".SH SYNOPSIS"]
    roff_usage(top.usage, out)
    out.append(".SH DESCRIPTION")
    roff_blocks(top, out, '.SS "{}"')
    if subs:
        out.append(".SH COMMANDS")
        for sub, h in subs:
            out.append(f'.SS "{esc(name)} {esc(sub)}"')
            roff_usage(h.usage, out)
            roff_blocks(h, out, '.PP\n.B "{}"')
    statuses = top.exit_status + [s for _, h in subs for s in h.exit_status]
    if statuses:
        out.append('.SH "EXIT STATUS"')
        for s in statuses:
            out += [".PP", esc(s)]
    if see_also:
        out += ['.SH "SEE ALSO"', ",\n".join(f"\\fB{esc(s)}\\fR(1)" for s in see_also)]
    # no blank lines: a blank line is a warning in man's checks
    return "\n".join(x for x in out if x != "") + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description="Write a manual page from a command's --help.")
    p.add_argument("--what", required=True, help="the one-line summary for NAME")
    p.add_argument("--version", default="", help="the version in the page's footer")
    p.add_argument("--name", help="the command's name (default: the last word of CMD)")
    p.add_argument("--see-also", action="append", default=[], metavar="NAME")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.add_argument("cmd", nargs="+", metavar="CMD")
    a = p.parse_args(argv)
    name = a.name or os.path.basename(a.cmd[-1])
    top = parse(run_help(a.cmd))
    if not top.usage:
        print(f"mkman: {' '.join(a.cmd)} --help printed no 'usage:' line", file=sys.stderr)
        return 1
    subs = [(s, parse(run_help(a.cmd + [s]))) for s in subcommands(top)]
    text = page(name, a.what, a.version, top, subs, a.see_also)
    tmp = a.output + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
