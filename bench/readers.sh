#!/usr/bin/env bash
# The dashboard under many readers at once: a county table of ROWS rows (10 million by default) loaded by sluice
# into a throwaway PostgreSQL, `sluice serve` on it, and READERS people (50) reading its API for SECONDS (60) at once,
# each going through the page's calls in turn. Prints each endpoint's median, p95 and p99 latency (bench/Readers.java).
#
#   ROWS=10000000 READERS=50 SECONDS=60 bench/readers.sh
#
# Needs what bench/run.sh needs.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-10000000}
READERS=${READERS:-50}
SECONDS_RUN=${SECONDS:-60}
OUT=${OUT:-bench/out}
PG_PORT=${PG_PORT:-55434}
HTTP_PORT=${HTTP_PORT:-18091}
WEB_PORT=${WEB_PORT:-18092}
SLUICE_JAVA_OPTS=${SLUICE_JAVA_OPTS:--Xmx512m}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

[ -f target/sluice.jar ] || mvn -q -B -ntp -Dstyle.color=never package -DskipTests
base="counties-$ROWS"
[ -f "$OUT/$base.csv" ] || java bench/GenerateCounties.java "$ROWS" "$OUT"

source bench/cluster.sh
http_pid=
serve_pid=
cleanup_more() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
  [ -n "$http_pid" ] && kill "$http_pid" 2>/dev/null || true
}
python3 -m http.server "$HTTP_PORT" --bind 127.0.0.1 --directory "$OUT" >/dev/null 2>&1 &
http_pid=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$HTTP_PORT/" && break; sleep 0.1; done

export SLUICE_JAVA_OPTS SLUICE_HOME="$OUT/home-readers"
echo "loading $ROWS rows..."
./sluice run --pipeline us-counties --db "$db" --json \
  --source "counties=http://127.0.0.1:$HTTP_PORT/$base.csv" > "$OUT/readers-load.json"
run_id=$(python3 -c "import json; print(json.load(open('$OUT/readers-load.json'))['runId'])")
sql -c "analyze us_counties" >/dev/null

./sluice serve --pipeline us-counties --db "$db" --port "$WEB_PORT" > "$OUT/readers-serve.out" 2> "$OUT/readers-serve.err" &
serve_pid=$!
for _ in $(seq 300); do curl -s -o /dev/null "http://127.0.0.1:$WEB_PORT/health/ready" && break; sleep 0.2; done

nproc=$(nproc)
echo "$ROWS rows, $nproc cores, PostgreSQL $(sql -c 'show server_version')"
java bench/Readers.java "http://127.0.0.1:$WEB_PORT" us-counties "$READERS" "$SECONDS_RUN" "$run_id"
