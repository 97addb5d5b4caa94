"""vdsoconf's command line: the parser tree and the dispatch to a subcommand."""

import argparse
import sys
from typing import List, Optional

from runner.cli import faults, guest, lava, lint, matrix, run
from runner.cli.parser import Parser
from runner.paths import NeedsSource, need_source


def parser() -> Parser:
    # a usage error before the subcommand is known points at the common case
    top = Parser(prog="vdsoconf", description="Linux vDSO conformance suite",
                 see="vdsoconf run --help")
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    p = run.add_parser(sub)
    guest.add_arguments(p)
    p.set_defaults(main=_run, parser=p)
    for command in (faults, lint, matrix, lava):
        p = command.add_parser(sub)
        p.set_defaults(main=command.main, parser=p)
    return top


def _run(p: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.kernel:
        need_source("booting a kernel (--kernel)")
        return guest.main(p, args)
    guest.refuse_without_kernel(p, args)
    return run.main(p, args)


def main(argv: Optional[List[str]] = None) -> int:
    args, extra = parser().parse_known_args(sys.argv[1:] if argv is None else argv)
    if extra:
        # the subcommand's parser names its own --help
        args.parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return args.main(args.parser, args)
    except NeedsSource as e:
        # an installed copy has no Makefile or kernel fetcher: one line, usage error
        print(f"vdsoconf: {e}", file=sys.stderr)
        return 2
