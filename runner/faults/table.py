"""The detection matrix as a table: fake x case, then every miss and false alarm."""

from runner.faults.fakes import is_faithful


def render(m: dict) -> str:
    cases = m["cases"]
    width = max([len("fake")] + [len(f["name"]) for f in m["fakes"]])
    cols = [max(len(c), 6) for c in cases]
    lines = [f"{'fake':<{width}}  " + "  ".join(f"{c:<{w}}" for c, w in zip(cases, cols))]
    lines.append("-" * len(lines[0]))
    for f in m["fakes"]:
        cells = [f["cells"].get(c, "n.a.") for c in cases]
        lines.append(f"{f['name']:<{width}}  " + "  ".join(f"{x:<{w}}" for x, w in zip(cells, cols)))
    bad = [f for f in m["fakes"] if f["missed"] or f["alarms"]]
    not_run = [f for f in m["fakes"] if f.get("not_run")]
    buggy = [f for f in m["fakes"] if not is_faithful(f) and not f.get("not_run")]
    caught = sum(1 for f in buggy if not f["missed"])
    lines.append("-" * len(lines[0]))
    lines.append(f"{caught} of {len(buggy)} fakes caught at every expected point; "
                 f"{len(bad)} with a miss or a false alarm"
                 + (f"; {len(not_run)} not run" if not_run else ""))
    for f in not_run:
        lines.append(f"NOT RUN {f['name']}: {f['not_run']}")
    for f in bad:
        for what in f["missed"]:
            lines.append(f"MISSED {f['name']}: {what}")
        for what in f["alarms"]:
            lines.append(f"FALSE ALARM {f['name']}: {what}")
    return "\n".join(lines)
