#!/usr/bin/env bash
# The product and the scale kit's two peers (SQLite FTS5, Xapian) on the same corpus and queries, in one
# run, in one table: build docs/s, index MB, plain / filtered / facets latency p50/p90/p99, peak RSS.
#
# Usage: bench/compare.sh DATA_DIR [N ...]        (default N: 10000 100000)
#
# For each N, the corpus is DATA_DIR/N (or DATA_DIR/10k for N=10000, as make_scale.py's folders are often
# named); when neither exists, it is generated with $SHARED/bench/make_scale.py N DATA_DIR/N --txt.
# Then, one after the other (never at the same time):
#   search bench DATA --json          the product in-process: ingest DATA/txt + topics, queries via SearchService
#   search serve + http_latency.py    the same index served, the same queries over HTTP (keep-alive)
#   peer_fts5_scale.py                python3
#   peer_xapian_scale.py              /usr/bin/python3 (Debian's python3-xapian)
# The JSON lines go to DATA_DIR/results-N.jsonl (rewritten), the table (bench/table.py) to stdout.
#
# Environment:
#   SHARED       the shared folder holding bench/ (default: ../shared beside the repository)
#   SEARCH_CMD   the product's command (default: publish src/Search.Host once, for this platform and
#                ReadyToRun, to a temp folder, and run its dll)
#   BEFORE_CMD   an older build, e.g. "dotnet /tmp/before-build/search.dll": its `ingest --skip-semantic`
#                timed by wall clock (process start included) and its HTTP latency, as "search (before)"
#   MAX_QUERIES  use only the first M queries (a quick run); default all 1,109
#   XAPIAN_PYTHON  the python that imports xapian (default /usr/bin/python3)
#   WORKDIR      where indexes are built (default a fresh temp folder, removed at the end)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ $# -lt 1 ]; then
  sed -n '2,/^set -e/p' "$0" | sed -e 's/^# \{0,1\}//' -e '/^set -e/d' >&2
  exit 2
fi
DATA=$1
shift
if [ $# -gt 0 ]; then SIZES=("$@"); else SIZES=(10000 100000); fi

SHARED=${SHARED:-$REPO/../shared}
KIT=$SHARED/bench
if [ ! -f "$KIT/make_scale.py" ] || [ ! -f "$KIT/peer_fts5_scale.py" ]; then
  echo "error: the scale kit was not found in $KIT (set SHARED to the folder that holds bench/make_scale.py)" >&2
  exit 2
fi
KIT=$(cd "$KIT" && pwd)
XAPIAN_PYTHON=${XAPIAN_PYTHON:-/usr/bin/python3}
MAX=${MAX_QUERIES:-0}
mkdir -p "$DATA"
DATA=$(cd "$DATA" && pwd)

OWN_WORK=0
if [ -z "${WORKDIR:-}" ]; then
  WORKDIR=$(mktemp -d "${TMPDIR:-/tmp}/search-compare-XXXXXX")
  OWN_WORK=1
fi
SERVER=""
stop_server() {
  if [ -n "$SERVER" ]; then
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    SERVER=""
  fi
}
cleanup() {
  stop_server
  if [ "$OWN_WORK" = 1 ]; then rm -rf "$WORKDIR"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "${SEARCH_CMD:-}" ]; then
  # For this machine's platform, so that it is compiled ahead of time (ReadyToRun), as a deployment would be.
  RID=$(dotnet --info 2>/dev/null | awk '$1 == "RID:" {print $2; exit}')
  echo "publishing the product (Release, ${RID:-any platform}) to $WORKDIR/search ..." >&2
  if [ -z "$RID" ] || ! dotnet publish "$REPO/src/Search.Host" -c Release -r "$RID" --self-contained false -o "$WORKDIR/search" --nologo -v quiet >&2; then
    echo "note: no ReadyToRun publish for '${RID}'; publishing without it" >&2
    dotnet publish "$REPO/src/Search.Host" -c Release -o "$WORKDIR/search" --nologo -v quiet >&2
  fi
  SEARCH_CMD="dotnet $WORKDIR/search/search.dll"
fi
read -r -a SEARCH <<< "$SEARCH_CMD"
BEFORE=()
if [ -n "${BEFORE_CMD:-}" ]; then read -r -a BEFORE <<< "$BEFORE_CMD"; fi

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# serve CMD... -- INDEX: starts the service on a free port with semantic search off (no embedding in the
# background while latency is measured), waits for /healthz; sets SERVER (pid) and URL.
serve() {
  local index=${*: -1}
  local cmd=("${@:1:$#-2}")
  local port
  port=$(free_port)
  URL="http://127.0.0.1:$port"
  Search__SemanticEnabled=false "${cmd[@]}" serve --index "$index" --urls "$URL" > "$WORKDIR/serve.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 240); do
    if python3 -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1] + '/healthz', timeout=2)" "$URL" 2>/dev/null; then
      return 0
    fi
    if ! kill -0 "$SERVER" 2>/dev/null; then break; fi
    sleep 0.5
  done
  echo "error: the service did not answer on $URL/healthz; its log:" >&2
  tail -20 "$WORKDIR/serve.log" >&2
  return 1
}

QARGS=()
if [ "$MAX" != 0 ]; then QARGS=(--max-queries "$MAX"); fi
FAILED=0
RESULTS=()
for N in "${SIZES[@]}"; do
  D="$DATA/$N"
  if [ ! -d "$D" ] && [ $((N % 1000)) = 0 ] && [ -d "$DATA/$((N / 1000))k" ]; then D="$DATA/$((N / 1000))k"; fi
  if [ ! -f "$D/corpus.jsonl" ] || [ ! -d "$D/txt" ]; then
    echo "generating $N documents in $D ..." >&2
    python3 "$KIT/make_scale.py" "$N" "$D" --txt >&2
  fi
  OUT="$DATA/results-$N.jsonl"
  : > "$OUT"
  RESULTS+=("$OUT")
  IDX="$WORKDIR/search-$N"
  rm -rf "$IDX"

  echo "[$N] search bench (in-process) ..." >&2
  if "${SEARCH[@]}" bench "$D" --index "$IDX" --json --label "$N" "${QARGS[@]}" >> "$OUT"; then
    echo "[$N] search serve + bench/http_latency.py ..." >&2
    if serve "${SEARCH[@]}" -- "$IDX"; then
      python3 "$REPO/bench/http_latency.py" "$URL" "$D/queries.jsonl" --kit "$KIT" --label "$N" --pid "$SERVER" "${QARGS[@]}" >> "$OUT" || FAILED=1
    else
      FAILED=1
    fi
    stop_server
  else
    echo "error: search bench failed" >&2
    FAILED=1
  fi
  rm -rf "$IDX"

  if [ ${#BEFORE[@]} -gt 0 ]; then
    echo "[$N] before: ${BEFORE[*]} ingest --skip-semantic, serve + http_latency.py ..." >&2
    BIDX="$WORKDIR/before-$N"
    rm -rf "$BIDX"
    T0=$(date +%s.%N)
    if "${BEFORE[@]}" ingest "$D/txt" --index "$BIDX" --skip-semantic > "$WORKDIR/before-ingest.log" 2>&1; then
      T1=$(date +%s.%N)
      BUILD=$(python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$T0" "$T1")
      if serve "${BEFORE[@]}" -- "$BIDX"; then
        python3 "$REPO/bench/http_latency.py" "$URL" "$D/queries.jsonl" --kit "$KIT" --label "$N" --peer "search (before)" \
          --pid "$SERVER" --index "$BIDX" --build-s "$BUILD" "${QARGS[@]}" >> "$OUT" || FAILED=1
      else
        FAILED=1
      fi
      stop_server
    else
      echo "error: the older build's ingest failed; its log:" >&2
      tail -20 "$WORKDIR/before-ingest.log" >&2
      FAILED=1
    fi
    rm -rf "$BIDX"
  fi

  echo "[$N] SQLite FTS5 ..." >&2
  python3 "$KIT/peer_fts5_scale.py" "$D/corpus.jsonl" "$D/queries.jsonl" --workdir "$WORKDIR" --label "$N" "${QARGS[@]}" >> "$OUT" || FAILED=1
  echo "[$N] Xapian ..." >&2
  "$XAPIAN_PYTHON" "$KIT/peer_xapian_scale.py" "$D/corpus.jsonl" "$D/queries.jsonl" --workdir "$WORKDIR" --label "$N" "${QARGS[@]}" >> "$OUT" || FAILED=1
done

python3 "$REPO/bench/table.py" "${RESULTS[@]}"
if [ "$FAILED" != 0 ]; then
  echo "warning: a step failed (see above); its row is missing from the table" >&2
  exit 1
fi
