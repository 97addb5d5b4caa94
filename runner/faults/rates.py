"""Detection measured over repeated runs (`vdsoconf faults --repeat N`).

One run of the matrix says whether each fake was caught that time; a bug
that shows only near a second boundary, or only on one CPU, may be caught
in one run and missed in the next.  Over N runs each fake gets a catch
rate (runs in which every expected point failed) and each faithful fake a
false-alarm rate (runs in which some case failed something).  A fake the
kernel would not execute counts in neither.
"""

from typing import Dict, List

from runner.faults.fakes import is_faithful


def rates(runs: List[dict]) -> List[dict]:
    """[{name, faithful, runs, caught|alarmed, misses, alarms}] in manifest
    order; misses and alarms count each point over the runs."""
    out: Dict[str, dict] = {}
    for m in runs:
        for f in m["fakes"]:
            r = out.setdefault(f["name"], {"name": f["name"], "faithful": is_faithful(f),
                                           "runs": 0, "hits": 0, "not_run": None,
                                           "points": {}})
            if f.get("not_run"):
                r["not_run"] = f["not_run"]
                continue
            r["runs"] += 1
            bad = f["alarms"] if r["faithful"] else f["missed"]
            if r["faithful"] and bad:
                r["hits"] += 1
            elif not r["faithful"] and not bad:
                r["hits"] += 1
            for p in bad:
                r["points"][p] = r["points"].get(p, 0) + 1
    return list(out.values())


def failed(rows: List[dict]) -> bool:
    """A fake missed once, or a faithful fake alarmed once."""
    return any((r["hits"] if r["faithful"] else r["runs"] - r["hits"]) for r in rows
               if not r["not_run"])


def render(rows: List[dict], n: int) -> str:
    width = max([len("fake")] + [len(r["name"]) for r in rows])
    lines = [f"{'fake':<{width}}  result over {n} runs", "-" * (width + 30)]
    for r in rows:
        if r["not_run"]:
            what = f"not run: {r['not_run']}"
        elif r["faithful"]:
            what = f"false alarms in {r['hits']} of {r['runs']}"
        else:
            what = f"caught {r['hits']} of {r['runs']}"
        lines.append(f"{r['name']:<{width}}  {what}")
    buggy = [r for r in rows if not r["faithful"] and not r["not_run"]]
    faithful = [r for r in rows if r["faithful"] and not r["not_run"]]
    lines.append("-" * (width + 30))
    lines.append(f"{sum(1 for r in buggy if r['hits'] == r['runs'])} of {len(buggy)} fakes "
                 f"caught in every run; {sum(1 for r in faithful if r['hits'] == 0)} of "
                 f"{len(faithful)} faithful fakes never alarmed")
    for r in rows:
        for p, k in sorted(r["points"].items()):
            kind = "FALSE ALARM" if r["faithful"] else "MISSED"
            lines.append(f"{kind} {r['name']} in {k} of {r['runs']} runs: {p}")
    return "\n".join(lines)
