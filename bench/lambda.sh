#!/usr/bin/env bash
# The Lambda function, target/sluice-lambda.jar, started as Lambda's Java runtime starts it (AWS's runtime interface
# client against a loopback Runtime API, the managed runtime's JVM options), running covid-us on the real files
# served over loopback into a local PostgreSQL. In one run it measures, median over REPEAT (bench/FunctionTimes.java
# says what each step is):
#   cold_new        start-up, then the first invocation against an empty database (migrations, the first load)
#   warm_forced     the same environment again, run-now with force (every row compared, none written)
#   warm_unchanged  the same environment, the scheduled event with nothing changed
#   cold            a new environment against the loaded database, run-now with force: the daily case
# and the floors of the same machine: a JVM with the same options doing nothing, and psql \copy of both files. It
# fails when an invocation's outcome is wrong.
#
#   REPEAT=5 bench/lambda.sh        # writes bench/out/lambda.md
#
# Needs: a JDK 17+, Maven, PostgreSQL 15 server binaries (PG_BIN), psql, python3, GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."

REPEAT=${REPEAT:-5}
OUT=${OUT:-bench/out}
PG_PORT=${PG_PORT:-55434}
NYT=${NYT:-../shared/data/covid/nyt/us-2022-04-19.csv}
JHU=${JHU:-../shared/data/covid/jhu/time-series-19-covid-combined-2021-02-01.csv}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
NYT=$(realpath "$NYT"); JHU=$(realpath "$JHU")

[ -f target/sluice-lambda.jar ] && [ -f target/test-classes/dev/sluice/testing/LambdaFunction.class ] \
  || mvn -q -B -ntp -Dstyle.color=never package -DskipTests
# The runtime interface client's jars, as Maven resolved them for the tests.
mvn -q -B -ntp -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$OUT/test-classpath.txt" >/dev/null
client=$(tr ':' '\n' < "$OUT/test-classpath.txt" \
  | grep -E 'aws-lambda-java-(runtime-interface-client|serialization)-' | paste -sd: -)
[ -n "$client" ] || { echo "bench: the runtime interface client is not among the test dependencies" >&2; exit 1; }

source bench/cluster.sh

results="$OUT/raw-lambda.tsv"
: > "$results"
for rep in $(seq "$REPEAT"); do
  # The floors: a JVM with the function's options doing nothing, and psql \copy of both raw files.
  /usr/bin/time -f "%e %M" -o "$OUT/time.txt" java -XX:+TieredCompilation -XX:TieredStopAtLevel=1 -version 2>/dev/null
  echo "jvm 0 $(awk '{print $1 * 1000, $2}' "$OUT/time.txt")" >> "$results"
  sql -c "drop table if exists raw_nyt, raw_jhu" \
      -c "create table raw_nyt (date text, cases text, deaths text)" \
      -c "create table raw_jhu (date text, country text, province text, confirmed text, recovered text, deaths text)"
  /usr/bin/time -f "%e %M" -o "$OUT/time.txt" psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d bench \
    -c "\\copy raw_nyt from '$NYT' with (format csv, header true)" \
    -c "\\copy raw_jhu from '$JHU' with (format csv, header true)"
  echo "copy 0 $(awk '{print $1 * 1000, $2}' "$OUT/time.txt")" >> "$results"

  psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "create database fn_$rep" >/dev/null
  rm -rf "$OUT/fn-work"
  java -cp "target/test-classes:target/classes:$client" bench/FunctionTimes.java \
    "jdbc:postgresql://127.0.0.1:$PG_PORT/fn_$rep?user=postgres" "$NYT" "$JHU" "$OUT/fn-work" >> "$results" \
    || { tail -n 30 "$OUT/fn-work/function.err" >&2; exit 1; }
  echo "bench: repetition $rep of $REPEAT done" >&2
done

python3 - "$results" "$(stat -c %s target/sluice-lambda.jar)" "$(unzip -l target/sluice-lambda.jar | tail -n 1 | awk '{print $1}')" \
  > "$OUT/lambda.md" <<'PY'
import statistics, sys
path, zipped, unzipped = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
steps = {}
for line in open(path):
    name, init, invoke, rss = line.split()
    steps.setdefault(name, []).append((float(init), float(invoke), int(rss)))
med = lambda name, i: statistics.median(s[i] for s in steps[name])
jvm, copy = med("jvm", 1), med("copy", 1)
print(f"covid-us in the function, {len(steps['jvm'])} repetitions, medians; sluice-lambda.jar {zipped / 1e6:.1f} MB"
      f" ({unzipped / 1e6:.1f} MB unpacked)\n")
print("| step | start-up ms | invocation ms | total ms | total / psql \\copy | peak RSS MB |")
print("|---|---|---|---|---|---|")
for name in ["jvm", "copy", "cold_new", "warm_forced", "warm_unchanged", "cold"]:
    init, invoke = med(name, 0), med(name, 1)
    print(f"| {name} | {init:.0f} | {invoke:.0f} | {init + invoke:.0f} | {(init + invoke) / copy:.1f}x |"
          f" {med(name, 2) / 1024:.0f} |")
PY
cat "$OUT/lambda.md"
