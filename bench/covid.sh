#!/usr/bin/env bash
# The covid-us pipeline on the real files, end to end as a user runs it (./sluice run, a new JVM each time), with
# the embedded PostgreSQL already running (a `sluice serve` in the background owns it; each run joins as a guest).
# In one run it measures, median over REPEAT:
#   1. baseline    psql \copy of both raw files into empty unindexed tables: the database's own floor
#   2. jvm         java -version: the floor of any Java process
#   3. initial     sluice run into an empty database: download over loopback HTTP, parse, validate, merge, record
#   4. unchanged   sluice re-run with byte-identical sources (conditional GET): UNCHANGED, the table untouched
# It exits non-zero when an outcome is wrong (a status, a count).
#
#   REPEAT=10 bench/covid.sh        # writes bench/out/covid-us.md
#
# Needs: a JDK 17+, Maven, psql, python3 (the loopback file server), GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."

REPEAT=${REPEAT:-10}
OUT=${OUT:-bench/out}
HTTP_PORT=${HTTP_PORT:-18091}
WEB_PORT=${WEB_PORT:-18092}
NYT=${NYT:-../shared/data/covid/nyt/us-2022-04-19.csv}
# The JHU snapshot's columns: Date,Country/Region,Province/State,Confirmed,Recovered,Deaths (raw_jhu below).
JHU=${JHU:-../shared/data/covid/jhu/time-series-19-covid-combined-2021-02-01.csv}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
[ -f target/sluice.jar ] || mvn -q -B -ntp -Dstyle.color=never package -DskipTests

home=$(mktemp -d)
export SLUICE_HOME=$home
serve_pid= http_pid=
cleanup() {
  [ -n "$http_pid" ] && kill "$http_pid" 2>/dev/null || true
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
  rm -rf "$home"
}
trap cleanup EXIT

# The embedded PostgreSQL, started and kept by a server that schedules nothing (us-counties has no schedule).
./sluice serve --pipeline us-counties --port "$WEB_PORT" > "$OUT/covid-serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 600); do curl -sf -o /dev/null "http://127.0.0.1:$WEB_PORT/health/ready" && break; sleep 0.1; done
curl -sf -o /dev/null "http://127.0.0.1:$WEB_PORT/health/ready" || { cat "$OUT/covid-serve.log" >&2; exit 1; }
pg_port=$(sed -n 4p "$home/pg/postmaster.pid")
export PGOPTIONS="-c client_min_messages=warning"
sql() { psql -X -q -t -A -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }

files=$(mktemp -d -p "$home")
cp "$NYT" "$files/nyt.csv"
cp "$JHU" "$files/jhu.csv"
python3 -m http.server "$HTTP_PORT" --bind 127.0.0.1 --directory "$files" >/dev/null 2>&1 &
http_pid=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$HTTP_PORT/" && break; sleep 0.1; done
run=(./sluice run --json --source "nyt=http://127.0.0.1:$HTTP_PORT/nyt.csv"
     --source "jhu=http://127.0.0.1:$HTTP_PORT/jhu.csv")

results="$OUT/raw-covid-us.tsv"
: > "$results"
timed() { # NAME COMMAND... -> appends "NAME wall_seconds max_rss_kb"; the command's stdout is kept in $OUT/last.json
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$@" > "$OUT/last.json" 2> "$OUT/last.err" \
    || { cat "$OUT/last.err" >&2; exit 1; }
  echo "$name $(cat "$OUT/time.txt")" >> "$results"
}
field() { python3 -c "import json; print(json.load(open('$OUT/last.json'))$1)"; }
expect() { [ "$2" = "$3" ] || { echo "bench: $1 is $2, expected $3" >&2; exit 1; }; }
nyt_rows=$(( $(grep -c . "$NYT") - 1 ))
empty() {
  sql -c "drop table if exists covid_us_daily" -c "drop table if exists raw_nyt" -c "drop table if exists raw_jhu"
  sql -c "delete from sluice.source_state where pipeline = 'covid-us'" 2>/dev/null || true
  rm -rf "$home/cache"
}

# Warm-up, not measured: the launcher records its class-data-sharing archive; the files enter the page cache.
"${run[@]}" > /dev/null 2>&1 || true
for rep in $(seq "$REPEAT"); do
  empty
  timed baseline psql -X -q -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c "create table raw_nyt (date text, cases text, deaths text)" \
    -c "\\copy raw_nyt from '$NYT' with (format csv, header true)" \
    -c "create table raw_jhu (date text, country text, province text, confirmed text, recovered text, deaths text)" \
    -c "\\copy raw_jhu from '$JHU' with (format csv, header true)"
  timed jvm java -version
  empty
  timed initial "${run[@]}"
  expect "initial status" "$(field "['status']")" SUCCEEDED
  expect "initial inserted" "$(field "['inserted']")" "$nyt_rows"
  timed unchanged "${run[@]}"
  expect "unchanged status" "$(field "['status']")" UNCHANGED
done

python3 - "$results" "$REPEAT" > "$OUT/covid-us.md" <<'PY'
import statistics, sys
times, rss = {}, {}
for line in open(sys.argv[1]):
    name, wall, kb = line.split()
    times.setdefault(name, []).append(float(wall))
    rss.setdefault(name, []).append(int(kb))
base = statistics.median(times["baseline"])
print(f"covid-us, real files, {sys.argv[2]} repetitions, medians\n")
print("| step | wall s | max s | ratio to baseline | peak RSS MB |")
print("|---|---|---|---|---|")
for step in ["baseline", "jvm", "initial", "unchanged"]:
    t = statistics.median(times[step])
    print(f"| {step} | {t:.2f} | {max(times[step]):.2f} | {t / base:.1f}x | {statistics.median(rss[step]) / 1024:.0f} |")
PY
cat "$OUT/covid-us.md"
