#!/usr/bin/env bash
# PostgreSQL throughput beside its own floor: for each client count, runs
# pgbench TPC-B (the standard 5-statement transaction) and then
# BenchmarkLifecyclePostgres (invoices created, issued and paid, 3 commits
# each, tenant per client and one shared tenant) on one scratch database,
# back to back, and prints commits/s against pgbench's TPS.
#
#   scripts/bench-postgres.sh            # 10 s per measurement, 1 8 32 clients
#   SECS=20 CLIENTS="1 8" scripts/bench-postgres.sh
#
# Needs psql, pgbench and a server reachable as PGHOST/PGPORT/PGUSER
# (default 127.0.0.1:5432, postgres, trust auth). The scratch database is
# dropped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

SECS=${SECS:-10}
CLIENTS=${CLIENTS:-"1 8 32"}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
DB=o2c_bench_$$
work=$(mktemp -d)
cleanup() {
	psql -d postgres -qc "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || psql -d test -qc "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

maxc=1
for c in $CLIENTS; do [ "$c" -gt "$maxc" ] && maxc=$c; done

psql -d postgres -qc "CREATE DATABASE $DB" 2>/dev/null || psql -d test -qc "CREATE DATABASE $DB"
echo "pgbench -i -s $maxc (scale >= clients: each client mostly has a branch of its own)"
pgbench -i -q -s "$maxc" "$DB" >"$work/init.log" 2>&1 || { cat "$work/init.log"; exit 1; }
go test -c -o "$work/sqlstore.test" ./adapters/sqlstore
dsn="postgres://$PGUSER@$PGHOST:$PGPORT/$DB?sslmode=disable"

printf '\n%s, %ss per measurement, %s\n' "$(date -u +%FT%TZ)" "$SECS" "$(uptime | sed 's/.*load/load/')"
printf '%-8s %12s %22s %8s %22s %8s\n' clients "pgbench TPS" "lifecycle commits/s" ratio "one-tenant commits/s" ratio
for c in $CLIENTS; do
	j=$((c < 2 ? c : 2))
	tps=$(pgbench -n -c "$c" -j "$j" -T "$SECS" "$DB" 2>/dev/null | awk '/^tps/ {print $3; exit}')
	O2C_POSTGRES_DSN=$dsn O2C_BENCH_CLIENTS=$c "$work/sqlstore.test" -test.run '^$' \
		-test.bench '^BenchmarkLifecyclePostgres$' -test.benchtime "${SECS}s" >"$work/go-$c.log" 2>&1 \
		|| { cat "$work/go-$c.log"; exit 1; }
	metric() { awk -v m="$1" '$0 ~ "LifecyclePostgres/"m"/" { for (i = 1; i < NF; i++) if ($(i+1) == "commits/s") print $i }' "$work/go-$c.log"; }
	per=$(metric tenants)
	one=$(metric onetenant)
	printf '%-8s %12.0f %22.0f %7.2fx %22.0f %7.2fx\n' "$c" "$tps" "$per" "$(awk -v a="$per" -v b="$tps" 'BEGIN { print a / b }')" "$one" "$(awk -v a="$one" -v b="$tps" 'BEGIN { print a / b }')"
done
