#!/usr/bin/env bash
# The benchmark suite: in one run, on one PostgreSQL, measures
#   1. copy        psql \copy of the county file into the empty us_counties table (with its primary key): the limit
#   2. existing    sluice run of the same file into the same empty table (with its primary key), served over HTTP
#                  on loopback: download, parse, validate, load, record
#      gzip        the same, from the file gzip-packed (unpacked while it is read); its ratio is to (1) of the
#                  unpacked file
#      initial     the same, but sluice creates the table (and builds its primary key after the rows)
#   3. identical   sluice re-run with byte-identical sources (conditional GET): must not touch the table
#   4. reserialised sluice re-run with the same rows written differently: every row compared, none rewritten
#   5. nextday     sluice run of the next day's file: ~1% of rows revised, one new day
#      revise10    then the next day again with 10% of the historical rows revised (9% more than the last file)
#      revise50    then with 50% revised (40% more than the last file)
#   6. mirror      the next day again, into a mirror table that had the base file, from the next day's file without
#                  1% of its keys (which the mirror deletes)
#      history     the next day into a history table that had the base file: revised rows get new versions
# and reports median wall seconds, rows/s, the ratio to (1), peak RSS, rows written (pg_stat_user_tables) and WAL.
# It exits non-zero when sluice's outcome is wrong (a status, a count, a row rewritten), so a small run is a test.
#
#   ROWS=1000000 REPEAT=5 bench/run.sh          # writes bench/out/results-ROWS.md
#
# Needs: a JDK 17+, Maven, PostgreSQL 15 server binaries (PG_BIN), psql, python3 (for the loopback file server).
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-1000000}
REPEAT=${REPEAT:-3}
OUT=${OUT:-bench/out}
PG_PORT=${PG_PORT:-55433}
HTTP_PORT=${HTTP_PORT:-18090}
SLUICE_JAVA_OPTS=${SLUICE_JAVA_OPTS:--Xmx256m}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

[ -f target/sluice.jar ] || mvn -q -B -ntp -Dstyle.color=never package -DskipTests
base="counties-$ROWS"
[ -f "$OUT/$base-revise50.csv" ] || java bench/GenerateCounties.java "$ROWS" "$OUT"
data_rows=$(( $(wc -l < "$OUT/$base.csv") - 1 ))
# From the files, independently of sluice: the keys whose values the next day revises, and the keys of the base
# file the withdrawn next day lacks (which a mirror deletes).
read -r revised withdrawn < <(python3 - "$OUT/$base.csv" "$OUT/$base-nextday.csv" "$OUT/$base-nextday-withdrawn.csv" <<'PY'
import csv, sys
def rows(path):
    with open(path, newline="") as f:
        r = csv.reader(f); next(r)
        return {(row[0], row[3]): (row[1], row[2], row[4], row[5]) for row in r}
base, nextday = rows(sys.argv[1]), rows(sys.argv[2])
withdrawn = rows(sys.argv[3]).keys()
print(sum(1 for k, v in nextday.items() if k in base and base[k] != v), sum(1 for k in base if k not in withdrawn))
PY
)
[ -f "$OUT/$base.csv.gz" ] || gzip -k -6 "$OUT/$base.csv"
# The rows each revising step changes, from the generator's rule (a row of day d and county c is revised when
# (31d + 17c) mod 100 is below the percentage), not from the files or sluice.
read -r revised10 revised50 < <(python3 - "$data_rows" <<'PY'
import sys
days = int(sys.argv[1]) // 3200
slots = [(d * 31 + c * 17) % 100 for d in range(days) for c in range(3200)]
print(sum(1 for s in slots if 1 <= s < 10), sum(1 for s in slots if 10 <= s < 50))
PY
)

# --- PostgreSQL: a throwaway cluster ----------------------------------------------------------------------------
source bench/cluster.sh
http_pid=
cleanup_more() { [ -n "$http_pid" ] && kill "$http_pid" 2>/dev/null || true; }

# --- the files, over HTTP on loopback (python's server answers If-Modified-Since with 304) ---------------------
python3 -m http.server "$HTTP_PORT" --bind 127.0.0.1 --directory "$OUT" >/dev/null 2>&1 &
http_pid=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$HTTP_PORT/" && break; sleep 0.1; done
url() { echo "http://127.0.0.1:$HTTP_PORT/$1"; }

results="$OUT/raw-$ROWS.tsv"
: > "$results"
timed() { # NAME COMMAND... -> appends "NAME wall_seconds max_rss_kb" and keeps the command's stdout in $OUT/last.json
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$@" > "$OUT/last.json" 2> "$OUT/last.err" \
    || { [ $? -eq 3 ] || { cat "$OUT/last.err" >&2; exit 1; }; }
  echo "$name $(cat "$OUT/time.txt")" >> "$results"
}
# Through the launcher, as users run it (it maps a class-data-sharing archive: see ./sluice).
export SLUICE_JAVA_OPTS
sluice=(./sluice run --pipeline us-counties --db "$db" --json)
field() { python3 -c "import json,sys; print(json.load(open('$OUT/last.json'))$1)"; }
expect() { # WHAT ACTUAL EXPECTED
  [ "$2" = "$3" ] || { echo "bench: $1 is $2, expected $3" >&2; exit 1; }
}
table_stats() { sql -c "select pg_stat_force_next_flush()" >/dev/null; sleep 1
  sql -c "select coalesce(sum(n_tup_ins), 0) || ' ' || coalesce(sum(n_tup_upd), 0) from pg_stat_user_tables
          where relname = 'us_counties'"; }
wal() { sql -c "select pg_current_wal_lsn()"; }
wal_since() { sql -c "select pg_wal_lsn_diff(pg_current_wal_lsn(), '$1')::bigint"; }

# Warm-up, not measured: the launcher records its class-data-sharing archive, and the files enter the page cache.
"${sluice[@]}" --source "counties=$(url "$base.csv")" > /dev/null 2>&1
sql -c "drop table if exists us_counties" -c "delete from sluice.source_state"

first_load() { # STEP SQL [FILE]: empties the target with SQL, forgets the last load, and times sluice's first load
  sql -c "$2"
  sql -c "delete from sluice.source_state where pipeline = 'us-counties'" 2>/dev/null || true
  sql -c "checkpoint"
  timed "$1" "${sluice[@]}" --source "counties=$(url "${3:-$base.csv}")"
  expect "$1 status" "$(field "['status']")" SUCCEEDED
  expect "$1 inserted" "$(field "['inserted']")" "$data_rows"
}

for rep in $(seq "$REPEAT"); do
  # 1. the limit: psql \copy into the empty table with its primary key
  sql -c "drop table if exists us_counties" -c "create table us_counties (date date not null, fips text not null,
          county text not null, state text not null, cases bigint not null, deaths bigint not null,
          primary key (date, fips))"
  sql -c "checkpoint"
  timed copy psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d bench -c \
    "\\copy us_counties (date, county, state, fips, cases, deaths) from '$OUT/$base.csv' with (format csv, header true)"

  # 2a. sluice's first load into the same empty table with its primary key, as psql had it
  first_load existing "truncate us_counties"
  # 2c. the same from the gzip file
  first_load gzip "truncate us_counties" "$base.csv.gz"
  # 2b. the same, creating the table (its primary key is built after the rows)
  first_load initial "drop table us_counties"

  # 3. byte-identical re-run: conditional GET, the table untouched
  before=$(table_stats); lsn=$(wal)
  timed identical "${sluice[@]}" --source "counties=$(url "$base.csv")"
  expect "identical status" "$(field "['status']")" UNCHANGED
  expect "identical rows written" "$(table_stats)" "$before"
  echo "identical_wal $(wal_since "$lsn")" >> "$results"

  # 4. the same rows written differently: every row compared, none written
  before=$(table_stats); lsn=$(wal)
  timed reserialised "${sluice[@]}" --source "counties=$(url "$base-reserialised.csv")"
  expect "reserialised status" "$(field "['status']")" SUCCEEDED
  expect "reserialised inserted+updated" "$(field "['inserted'] + json.load(open('$OUT/last.json'))['updated']")" 0
  expect "reserialised rows written" "$(table_stats)" "$before"
  echo "reserialised_wal $(wal_since "$lsn")" >> "$results"

  # 5. the next day: ~1% revised, one new day
  before=$(table_stats); lsn=$(wal)
  timed nextday "${sluice[@]}" --source "counties=$(url "$base-nextday.csv")"
  expect "nextday status" "$(field "['status']")" SUCCEEDED
  expect "nextday inserted" "$(field "['inserted']")" 3200
  expect "nextday updated" "$(field "['updated']")" "$revised"
  after=$(table_stats)
  written=$(( ${after% *} - ${before% *} + ${after#* } - ${before#* } ))
  expect "nextday rows written" "$written" "$(( $(field "['inserted']") + $(field "['updated']") ))"
  echo "nextday_updated $(field "['updated']")" >> "$results"
  echo "nextday_wal $(wal_since "$lsn")" >> "$results"

  # 5b. the next day again, revising 10%, then 50% of the historical rows
  for step in revise10 revise50; do
    lsn=$(wal)
    timed "$step" "${sluice[@]}" --source "counties=$(url "$base-$step.csv")"
    expect "$step status" "$(field "['status']")" SUCCEEDED
    expect "$step inserted" "$(field "['inserted']")" 0
    want=$revised10; [ "$step" = revise50 ] && want=$revised50
    expect "$step updated" "$(field "['updated']")" "$want"
    echo "${step}_wal $(wal_since "$lsn")" >> "$results"
    echo "${step}_comparison $(python3 -c "import json; c = json.load(open('$OUT/last.json')).get('comparison') or ''; print(1 if c.startswith('with the last load') else 0)")" >> "$results"
  done
  # Back to the next day's file, so that the other modes' tables and the next repetition start alike.
  "${sluice[@]}" --source "counties=$(url "$base-nextday.csv")" > /dev/null

  # 6. the other modes' next day, each into its own table loaded with the base file first (not timed)
  for mode in mirror history; do
    sed -e "s|^  table: us_counties|  table: us_counties_$mode\n  mode: $mode|" \
        -e "s|    url: .*|    url: $(url "$base.csv")|" src/main/resources/pipelines/us-counties.yaml \
        > "$OUT/us-counties-$mode.yaml"
    sql -c "drop table if exists us_counties_$mode cascade" \
        -c "delete from sluice.source_state where pipeline = 'us-counties'" >/dev/null
    ./sluice run --pipeline "$OUT/us-counties-$mode.yaml" --db "$db" --json > /dev/null
    # A day passes: autovacuum has analyzed the new table by the next run, as it had the upsert table.
    sql -c "vacuum analyze us_counties_$mode"
    next="$base-nextday.csv"; [ "$mode" = mirror ] && next="$base-nextday-withdrawn.csv"
    sed -i "s|    url: .*|    url: $(url "$next")|" "$OUT/us-counties-$mode.yaml"
    sql -c "checkpoint"
    timed "$mode" ./sluice run --pipeline "$OUT/us-counties-$mode.yaml" --db "$db" --json
    expect "$mode status" "$(field "['status']")" SUCCEEDED
    # Counts from the files, not from sluice: the keys withdrawn are deleted; the history versions the revised keys
    # and opens the new day's.
    if [ "$mode" = mirror ]; then
      expect "mirror deleted" "$(field "['deleted']")" "$withdrawn"
    else
      expect "history updated" "$(field "['updated']")" "$revised"
      expect "history inserted" "$(field "['inserted']")" 3200
    fi
    echo "${mode}_deleted $(field "['deleted']")" >> "$results"
  done
  sql -c "drop table us_counties_mirror, us_counties_history cascade" >/dev/null
  echo "bench: repetition $rep of $REPEAT done" >&2
done

# --- report --------------------------------------------------------------------------------------------------
python3 - "$results" "$data_rows" "$ROWS" > "$OUT/results-$ROWS.md" <<'PY'
import statistics, sys
path, rows, label = sys.argv[1], int(sys.argv[2]), sys.argv[3]
times, rss, extra = {}, {}, {}
for line in open(path):
    parts = line.split()
    if len(parts) == 3:
        times.setdefault(parts[0], []).append(float(parts[1]))
        rss.setdefault(parts[0], []).append(int(parts[2]))
    else:
        extra.setdefault(parts[0], []).append(int(parts[1]))
copy = statistics.median(times["copy"])
print(f"{rows:,} rows ({label}), {len(times['copy'])} repetitions, medians\n")
print("| step | wall s | spread s | rows/s | ratio to copy | peak RSS MB | WAL written |")
print("|---|---|---|---|---|---|---|")
for step in ["copy", "existing", "gzip", "initial", "identical", "reserialised", "nextday", "revise10", "revise50",
             "mirror", "history"]:
    t = statistics.median(times[step])
    wal = extra.get(step + "_wal")
    wal_text = f"{statistics.median(wal) / 1e6:.2f} MB" if wal else ""
    spread = f"{min(times[step]):.2f}-{max(times[step]):.2f}"
    print(f"| {step} | {t:.2f} | {spread} | {rows / t:,.0f} | {t / copy:.2f}x | {statistics.median(rss[step]) / 1024:.0f} | {wal_text} |")
print(f"\nnext day: {statistics.median(extra['nextday_updated']):,.0f} rows updated, 3,200 inserted;"
      " reserialised and identical runs wrote no row.")
nextday = statistics.median(times["nextday"])
print(f"mirror next day: {statistics.median(extra['mirror_deleted']):,.0f} keys deleted,"
      f" {statistics.median(times['mirror']) / nextday:.2f}x the upsert next day;"
      f" history next day: {statistics.median(times['history']) / nextday:.2f}x the upsert next day.")
for step in ["revise10", "revise50"]:
    by_digest = sum(extra[step + "_comparison"])
    print(f"{step}: compared with the last load's digest in {by_digest} of {len(extra[step + '_comparison'])} runs.")
PY
cat "$OUT/results-$ROWS.md"
