"""Run one kernel's kunit_parser over a KTAP file; write what it made of
it as JSON.

    kunit_tree.py KUNIT_DIR KTAP_FILE OUT_JSON

A separate process per kernel version, since every version's modules are
named alike (kunit_parser, kunit_printer).  The parser prints its own
report on stdout as it goes; that stays on stdout, the tree goes to
OUT_JSON: {"tree": {...}} or {"exception": "..."} when the parser raised.
"""

import inspect
import json
import sys
import traceback


def tree(t):
    c = t.counts
    return {"name": t.name, "status": t.status.name, "expected_count": t.expected_count,
            "counts": {"passed": c.passed, "failed": c.failed, "crashed": c.crashed,
                       "skipped": c.skipped, "errors": c.errors},
            "subtests": [tree(s) for s in t.subtests]}


def main(kunit_dir, ktap_file, out):
    sys.path.insert(0, kunit_dir)
    import kunit_parser
    try:
        with open(ktap_file, errors="backslashreplace") as f:
            # 6.1 prints through a module-wide printer; later versions take one
            if len(inspect.signature(kunit_parser.parse_run_tests).parameters) > 1:
                from kunit_printer import Printer
                result = {"tree": tree(kunit_parser.parse_run_tests(f, Printer()))}
            else:
                result = {"tree": tree(kunit_parser.parse_run_tests(f))}
    except Exception:  # the parser's own crash is what the test reports
        result = {"exception": traceback.format_exc(limit=-2)}
    with open(out, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main(*sys.argv[1:])
