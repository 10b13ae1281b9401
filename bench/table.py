#!/usr/bin/env python3
"""One markdown table from the JSON lines of `search bench --json`, bench/http_latency.py and the scale
kit's peers (peer_fts5_scale.py, peer_xapian_scale.py).

Usage:
  python3 bench/table.py RESULTS.jsonl [RESULTS.jsonl ...]

Columns: engine | N | build docs/s | index MB | plain, filtered, facets p50 / p90 / p99 ms | peak RSS MB.
A figure a line does not have is shown as '-'. Standard library only.
"""
import json, sys

NAMES = {"search": "search (in-process)", "search-http": "search (HTTP)", "sqlite-fts5": "SQLite FTS5",
         "xapian": "Xapian"}


def ms(v):
    if v is None:
        return "-"
    return "%.2f" % v if v < 10 else "%.1f" % v if v < 100 else "%.0f" % v


def lat(d, key):
    s = d.get(key)
    return " / ".join(ms(s.get(p)) for p in ("p50", "p90", "p99")) if s else "-"


def num(v, fmt):
    return "-" if v is None else format(v, fmt)


def rows(paths):
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    yield json.loads(line)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = ["| engine | N | build docs/s | index MB | plain p50 / p90 / p99 ms | filtered p50 / p90 / p99 ms "
           "| facets p50 / p90 / p99 ms | peak RSS MB |",
           "| --- | ---: | ---: | ---: | --- | --- | --- | ---: |"]
    notes = set()
    for d in rows(sys.argv[1:]):
        name = NAMES.get(d.get("peer"), d.get("peer", "?"))
        plain, filtered = lat(d, "plain"), lat(d, "filtered")
        if d.get("plain_includes_facets"):
            plain, filtered = plain + " ¹", filtered + " ¹"
            notes.add("¹ this build's API counts facets on every search: plain and filtered include facet counts.")
        refused = d.get("over_limit") or d.get("errors")
        if refused:
            notes.add("² some searches were refused (over the time budget, Search:QueryTimeoutSeconds): "
                      "their time until refusal is counted; see over_limit / errors in the JSON lines.")
            name += " ²"
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            name, num(d.get("docs"), ","), num(d.get("docs_per_s"), ",.0f"), num(d.get("index_mb"), ".1f"),
            plain, filtered, lat(d, "facet"), num(d.get("ru_maxrss_mb"), ".0f")))
    print("\n".join(out))
    for n in sorted(notes, key=lambda n: "¹²".find(n[0])):
        print("\n" + n)


if __name__ == "__main__":
    main()
