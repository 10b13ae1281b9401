#!/usr/bin/env python3
"""Query latency of a running `search serve`, HTTP included, on the scale kit's queries.

Usage:
  python3 bench/http_latency.py BASE_URL QUERIES_JSONL [--max-queries M] [--label L] [--peer NAME]
                                [--pid PID] [--index DIR] [--build-s S] [--kit DIR]

One thread, one keep-alive connection (http.client), GET /api/search with mode=bm25 and pageSize=10;
the queries are the kit's (../shared/bench/scale_common.py: lower-cased words minus Lucene's English
stop set, as one OR query), 30 warm-up queries first, then per query three requests in the peers'
rotating order:
  plain   : q                    (snippets, as the UI is sent them)
  filtered: q + sg=SGS[i % 10]
  facet   : q with every facet's counts (the API's default)
The API of this build computes facet counts for every search unless told otherwise: when the service
accepts the parameters of --plain-params (default facets=false; checked once), plain and filtered
send them, else they count facets too and the JSON line says so ("plain_includes_facets": true).
So the script works against an older build as well (before/after figures with an old `search.dll`).

Latency: from sending the request to having read the whole response body, in ms; an answer other than
200 (a search over its time budget on a busy machine) counts with its time and in "errors". Prints one JSON line
with the peers' keys (peer "search-http"); docs from /healthz; ru_maxrss_mb is the server's peak RSS
(VmHWM of --pid) when given; index_mb and docs_per_s when --index and --build-s are given.
The kit is found with --kit, else $SHARED/bench, else ../shared/bench beside the repository.
Standard library only.
"""
import argparse, http.client, json, os, sys, time, urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
WARMUP = 30


def kit_dir(given):
    for d in (given, os.path.join(os.environ["SHARED"], "bench") if os.environ.get("SHARED") else None,
              os.path.join(HERE, "..", "..", "shared", "bench")):
        if d and os.path.exists(os.path.join(d, "scale_common.py")):
            return os.path.abspath(d)
    sys.exit("error: the scale kit (scale_common.py) was not found: give --kit DIR or SHARED=DIR (its bench/ folder)")


class Client:
    def __init__(self, base):
        u = urllib.parse.urlsplit(base)
        if u.scheme != "http":
            sys.exit("error: only http:// base URLs are supported")
        self.host, self.port, self.prefix = u.hostname, u.port or 80, u.path.rstrip("/")
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def get(self, path, params):
        url = self.prefix + path + ("?" + urllib.parse.urlencode(params) if params else "")
        try:
            self.conn.request("GET", url, headers={"Accept": "application/json"})
            r = self.conn.getresponse()
            body = r.read()
        except (http.client.HTTPException, ConnectionError):
            # The server closed the kept-alive connection: reconnect once.
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            self.conn.request("GET", url, headers={"Accept": "application/json"})
            r = self.conn.getresponse()
            body = r.read()
        return r.status, body


def vm_hwm_mb(pid):
    try:
        with open("/proc/%d/status" % pid, encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024.0, 1)
    except OSError:
        pass
    return None


def dir_mb(path):
    total = 0
    for root, _dirs, files in os.walk(path):
        for fn in files:
            try:
                total += os.path.getsize(os.path.join(root, fn))
            except OSError:
                pass
    return round(total / 2**20, 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("base_url")
    ap.add_argument("queries")
    ap.add_argument("--max-queries", type=int, default=0, help="use only the first M queries (0: all)")
    ap.add_argument("--label", default="")
    ap.add_argument("--peer", default="search-http", help="the name in the JSON line")
    ap.add_argument("--plain-params", default="facets=false",
                    help="parameters that switch facet counts off, sent with plain and filtered when the service accepts them")
    ap.add_argument("--pid", type=int, default=0, help="the server's process id, for its peak RSS")
    ap.add_argument("--index", default=None, help="the served index folder, for index_mb")
    ap.add_argument("--build-s", type=float, default=None, help="seconds the index took to build, for docs_per_s")
    ap.add_argument("--kit", default=None, help="the scale kit folder (../shared/bench)")
    a = ap.parse_args()

    sys.path.insert(0, kit_dir(a.kit))
    from scale_common import SGS, load_queries, lat_summary  # noqa: E402 (the kit is found at run time)

    qs = load_queries(a.queries, a.max_queries)
    if not qs:
        sys.exit("error: no queries in %s" % a.queries)
    client = Client(a.base_url)
    status, body = client.get("/healthz", None)
    if status != 200:
        sys.exit("error: %s/healthz answered %d" % (a.base_url, status))
    health = json.loads(body)
    docs = health.get("documents")
    # Steady state: the service builds its typo vocabulary in the background for a large index (one core
    # for several seconds at 100k documents); the first health check starts it. Older builds do not say.
    waited = time.time()
    # (warmedUp: the vocabulary and the ranking's block bounds; older builds only say typoToleranceReady.)
    ready_key = "warmedUp" if "warmedUp" in health else "typoToleranceReady"
    while health.get(ready_key) is False and time.time() - waited < 300:
        time.sleep(1)
        status, body = client.get("/healthz", None)
        health = json.loads(body) if status == 200 else health
    if ready_key in health:
        print("%s after %.1f s" % (ready_key, time.time() - waited), file=sys.stderr)

    base = {"mode": "bm25", "pageSize": "10"}
    extra = urllib.parse.parse_qsl(a.plain_params) if a.plain_params else []
    if extra:
        status, _ = client.get("/api/search", dict(base, q=" ".join(qs[0][1]), **dict(extra)))
        if status != 200:
            extra = []        # an older build: every search counts facets

    def params(mode, terms, i):
        p = dict(base, q=" ".join(terms))
        if mode != "facet":
            p.update(extra)
        if mode == "filtered":
            p["sg"] = SGS[i % len(SGS)]
        return p

    for _qid, terms in qs[:WARMUP]:
        client.get("/api/search", params("plain", terms, 0))

    modes = ["plain", "filtered", "facet"]
    lat = {m: [] for m in modes}
    hits = []
    errors = 0
    for i, (_qid, terms) in enumerate(qs):
        for m in modes[i % 3:] + modes[:i % 3]:
            p = params(m, terms, i)
            s = time.perf_counter()
            status, body = client.get("/api/search", p)
            lat[m].append((time.perf_counter() - s) * 1000.0)
            if status != 200:
                # Over its time budget on a busy machine, say: what a user waits for an error. Counted, the run goes on.
                if not errors:
                    print("note: %s %s answered %d: %s" % (m, urllib.parse.urlencode(p), status, body[:300]), file=sys.stderr)
                errors += 1
                continue
            if m == "facet":
                hits.append(json.loads(body)["total"])
    hits.sort()
    n = len(hits)
    out = {"peer": a.peer, "label": a.label, "base_url": a.base_url, "docs": docs}
    if a.build_s:
        out.update({"build_s": round(a.build_s, 2), "docs_per_s": round(docs / a.build_s, 1) if docs else None})
    if a.index:
        out["index_mb"] = dir_mb(a.index)
    out.update({"queries": len(qs), "mean_terms": round(sum(len(t) for _q, t in qs) / len(qs), 1),
                "median_matched": (hits[n // 2] if n % 2 else (hits[n // 2 - 1] + hits[n // 2]) / 2) if n else 0,
                **{m: lat_summary(lat[m]) for m in modes},
                "plain_params": "&".join("%s=%s" % kv for kv in extra), "plain_includes_facets": not extra, "errors": errors,
                "ru_maxrss_mb": vm_hwm_mb(a.pid) if a.pid else None})
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
