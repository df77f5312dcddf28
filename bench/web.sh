#!/usr/bin/env bash
# Measures the dashboard on a running sluice (serve or demo): the JSON API's response times with curl, and the time
# until the page is usable in headless Chromium (app.js logs it when the charts are drawn).
#   bench/web.sh http://127.0.0.1:8080 covid-us
set -euo pipefail
base=${1:-http://127.0.0.1:8080}
pipeline=${2:-covid-us}
runs=${RUNS:-50}

median_p95() {
  sort -n | awk '{a[NR]=$1} END {p=int(NR*0.95); if (p<1) p=1; printf "median %.1f ms, p95 %.1f ms (n=%d)\n", a[int((NR+1)/2)], a[p], NR}'
}

for path in "/api/pipelines" "/api/pipelines/$pipeline/summary" "/api/pipelines/$pipeline/series" \
            "/api/pipelines/$pipeline/rows" "/api/pipelines/$pipeline/rows.csv" "/api/runs" "/metrics"; do
  curl -s -o /dev/null "$base$path"   # warm-up
  printf '%-40s ' "$path"
  for _ in $(seq "$runs"); do curl -s -o /dev/null -w '%{time_total}\n' "$base$path"; done \
    | awk '{print $1 * 1000}' | median_p95
done

# The page: Selenium drives a fresh Chromium per sample; the page reports when its charts are drawn.
classpath=$(cd "$(dirname "$0")/.." && mvn -q -B -ntp dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=/dev/stdout)
java -cp "$classpath" "$(dirname "$0")/PageTiming.java" "$base/#/p/$pipeline" "${PAGE_RUNS:-10}" 2>/dev/null \
  | grep 'page usable'
