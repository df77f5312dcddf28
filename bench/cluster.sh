# Sourced by the benchmarks: a throwaway PostgreSQL cluster in $OUT/pg-$PG_PORT, listening on 127.0.0.1:$PG_PORT,
# with a database named bench, stopped on exit. Defines as_pg, sql (psql on bench) and db (its JDBC URL), and sets
# the EXIT trap to run cleanup_more (which the sourcing script may define) and then stop the cluster.
# PostgreSQL refuses to run as root: as root, the postgres user runs it.
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pgdata="$OUT/pg-$PG_PORT"
rm -rf "$pgdata"
mkdir -p "$pgdata"
[ "$(id -u)" = 0 ] && chown postgres "$pgdata" "$OUT" && chmod a+rx "$OUT"
as_pg "$PG_BIN/initdb" -D "$pgdata" --auth=trust --username=postgres --encoding=UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w \
  -o "-p $PG_PORT -k $pgdata -c listen_addresses=127.0.0.1" start >/dev/null
cleanup_more() { :; }
cleanup() {
  cleanup_more
  as_pg "$PG_BIN/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
export PGOPTIONS="-c client_min_messages=warning"
sql() { psql -X -q -t -A -h 127.0.0.1 -p "$PG_PORT" -U postgres -d bench -v ON_ERROR_STOP=1 "$@"; }
psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "create database bench" >/dev/null
db="jdbc:postgresql://127.0.0.1:$PG_PORT/bench?user=postgres"
