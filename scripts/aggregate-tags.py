#!/usr/bin/env python3
"""Aggregates β-sweep bench runs into the multi-seed tables of docs/results/tags/README.md.

Each run is a directory (or a results.json) written by
  ./zooter bench --suite alpacaeval|routerdc --tags SCHEME --beta-sweep 0,0.1,0.3,0.5,0.7,0.9,1 [--seed S] --out DIR
The suite, tag scheme and seed are read from results.json ("suite", settings "router" ... "tags=SCHEME", "seed").
For every suite it prints two tables, β by tag scheme: the mean score of the routed answers (the method's
"average": the mean of its subset means) and the All-MTR, each cell the mean over the runs with (min–max) when
there are several, plus BMA, the best and the worst β, and the number of runs per column.

  python3 scripts/aggregate-tags.py RUN_DIR...                 # print the tables
  python3 scripts/aggregate-tags.py --check docs/results/tags/README.md RUN_DIR...
      # compare with the published tables: a cell aggregated from the same number of runs must be equal as
      # printed; a cell with fewer runs given here must lie within the published min–max.

Python 3 standard library only.
"""
import argparse
import json
import os
import re
import sys

SUITE_TITLES = {
    "alpacaeval": ("AlpacaEval (5-fold, 6 open models, --normalize standardize): mean AE1 win rate of the routed answers",
                   "AlpacaEval: All-MTR (lower is better)"),
    "routerdc": ("RouterDC (train split → test + ood_test, 7 models): mean score over the 10 test subsets",
                 "RouterDC: All-MTR (lower is better)"),
}
SCHEME_ORDER = {"alpacaeval": ["data", "cluster:16", "cluster:64", "keywords"],
                "routerdc": ["data", "cluster:64", "cluster:512", "keywords"]}
SCHEME_HEADER = {"data": "data (subset)"}


def load(path):
    f = os.path.join(path, "results.json") if os.path.isdir(path) else path
    with open(f, encoding="utf-8") as fh:
        d = json.load(fh)
    settings = d.get("settings", {})
    m = re.search(r"tags=([^\s,\]]+)\s*$", settings.get("router", ""))
    scheme = m.group(1) if m else "data"
    methods = d["methods"]
    betas = {}
    for name, r in methods.items():
        mb = re.fullmatch(r"zooter_beta_([0-9.]+)", name)
        if mb:
            betas[mb.group(1)] = (r["average"], r["mtr"])
    if not betas:
        raise SystemExit(f"{f}: no zooter_beta_* methods (not a --beta-sweep run)")
    return {"file": f, "suite": d["suite"], "scheme": scheme, "seed": settings.get("seed", "?"), "betas": betas,
            "bma": (methods["bma"]["average"], methods["bma"]["mtr"])}


def cell(values, digits):
    mean = sum(values) / len(values)
    if len(values) == 1:
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def tables(runs):
    """suite → (title, header, rows) for the score table and the MTR table, rows as lists of strings."""
    out = {}
    for suite in sorted({r["suite"] for r in runs}):
        mine = [r for r in runs if r["suite"] == suite]
        order = SCHEME_ORDER.get(suite, [])
        schemes = [s for s in order if any(r["scheme"] == s for r in mine)]
        schemes += sorted({r["scheme"] for r in mine} - set(schemes))
        betas = sorted({b for r in mine for b in r["betas"]}, key=float)
        titles = SUITE_TITLES.get(suite, (f"{suite}: mean score", f"{suite}: All-MTR (lower is better)"))
        result = []
        for metric, digits, better in ((0, 4, max), (1, 2, min)):
            header = ["β"] + [SCHEME_HEADER.get(s, s) for s in schemes]
            rows = []
            means = {s: {} for s in schemes}
            for b in betas:
                row = [b]
                for s in schemes:
                    vals = [r["betas"][b][metric] for r in mine if r["scheme"] == s and b in r["betas"]]
                    row.append(cell(vals, digits) if vals else "")
                    if vals:
                        means[s][b] = sum(vals) / len(vals)
                rows.append(row)
            rows.append(["BMA"] + [cell([r["bma"][metric] for r in mine if r["scheme"] == s], digits) for s in schemes])
            rows.append(["best β"] + [better(means[s], key=lambda b: means[s][b]) for s in schemes])
            worst = min if better is max else max
            rows.append(["worst β"] + [worst(means[s], key=lambda b: means[s][b]) for s in schemes])
            counts = ", ".join(f"{SCHEME_HEADER.get(s, s)} {sum(1 for r in mine if r['scheme'] == s)}" for s in schemes)
            result.append((titles[metric], header, rows, counts))
        out[suite] = result
    return out


def markdown(title, header, rows, counts):
    lines = [f"**{title}**", "", "| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    lines += ["", f"Runs per column: {counts}."]
    return "\n".join(lines)


def published(md_text, title):
    """The table under **title** in a markdown file: header and rows as lists of cells."""
    i = md_text.find(f"**{title}**")
    if i < 0:
        return None
    lines = md_text[i:].splitlines()[2:]
    table = []
    for line in lines:
        if not line.startswith("|"):
            break
        table.append([c.strip() for c in line.strip().strip("|").split("|")])
    return table[0], table[2:]


def parse_cell(text):
    m = re.fullmatch(r"([0-9.]+)(?: \(([0-9.]+)–([0-9.]+)\))?", text)
    if not m:
        return None
    mean = float(m.group(1))
    return mean, float(m.group(2) or mean), float(m.group(3) or mean), m.group(2) is not None


def check(md_file, runs, tabs):
    with open(md_file, encoding="utf-8") as fh:
        text = fh.read()
    problems = 0
    checked = 0
    for suite, result in tabs.items():
        for title, header, rows, counts in result:
            pub = published(text, title)
            if pub is None:
                print(f"MISSING  no table '{title}' in {md_file}")
                problems += 1
                continue
            pub_header, pub_rows = pub
            counts_line = re.search(r"Runs per column: (.*)", text[text.find(f"**{title}**"):]).group(1)
            pub_counts = {k.strip(): int(v) for k, v in re.findall(r"([^,]+?) (\d+)(?=,|\.|$)", counts_line)}
            for c, name in enumerate(header[1:], start=1):
                if name not in pub_header:
                    print(f"MISSING  {title}: no column {name}")
                    problems += 1
                    continue
                pc = pub_header.index(name)
                have = sum(1 for r in runs if r["suite"] == suite and SCHEME_HEADER.get(r["scheme"], r["scheme"]) == name)
                full = pub_counts.get(name, -1) == have
                for row in rows:
                    pub_row = next((p for p in pub_rows if p[0] == row[0]), None)
                    if pub_row is None or not row[c]:
                        continue
                    checked += 1
                    if full or row[0] in ("best β", "worst β"):
                        if not full:
                            continue  # best/worst need every run
                        ok = pub_row[pc] == row[c]
                    else:
                        mine, pubc = parse_cell(row[c]), parse_cell(pub_row[pc])
                        digits = 4 if "All-MTR" not in title else 2
                        lo, hi = (pubc[1], pubc[2]) if pubc else (None, None)
                        ok = pubc is not None and all(lo - 0.5 * 10 ** -digits <= v <= hi + 0.5 * 10 ** -digits
                                                      for v in (mine[1], mine[2]))
                    status = "OK      " if ok else "DIFFERS "
                    if not ok:
                        problems += 1
                    how = "equal" if full else f"within the published min–max: {have} of {pub_counts.get(name)} runs given"
                    print(f"{status}{title[:40]} | {name} | β {row[0]}: {row[c]} vs published {pub_row[pc]} ({how})")
    print(f"{checked} cells checked, {problems} problems")
    return problems == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runs", nargs="+", help="bench output directories (or results.json files)")
    ap.add_argument("--check", metavar="MARKDOWN", help="compare with the tables published in this file")
    a = ap.parse_args()
    runs = [load(p) for p in a.runs]
    seen = {}
    for r in runs:
        key = (r["suite"], r["scheme"], r["seed"])
        if key in seen:
            raise SystemExit(f"two runs of {key}: {seen[key]} and {r['file']}")
        seen[key] = r["file"]
    tabs = tables(runs)
    if a.check:
        sys.exit(0 if check(a.check, runs, tabs) else 1)
    for suite, result in tabs.items():
        for t in result:
            print(markdown(*t))
            print()


if __name__ == "__main__":
    main()
