#!/usr/bin/env bash
# Shortlists over HTTP, measured with wrk on loopback (BENCHMARKS.md): the service runs on the
# simulated region at a given scale (default 1.0: about 975,000 job seekers, 60,000 open
# offers) in SQLite, or in PostgreSQL with --postgres; wrk asks for the served shortlist (the
# twenty people the territory's priority policy chooses) of a random open offer, authenticated
# by an API token, for 30 s.
#
#   bash scripts/bench-http.sh [SCALE] [--postgres] [CONNECTIONS]
#
# Installs wrk from Debian's packages if missing; builds the release binary; keeps the
# simulated database under /tmp/passerelle-bench-http for the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-1.0}
backend=${2:-}
connections=${3:-32}
work=/tmp/passerelle-bench-http
mkdir -p "$work"
address=127.0.0.1:8181

if ! command -v wrk > /dev/null; then
  sudo_if_needed=""
  [ "$(id -u)" -ne 0 ] && sudo_if_needed="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo_if_needed apt-get install -y -q wrk > /dev/null
fi
cargo build --release --locked -p passerelle
passerelle=target/release/passerelle

if [ "$backend" = "--postgres" ]; then
  admin=${PASSERELLE_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
  database=passerelle_bench_http_${scale//./_}
  url="${admin%/*}/$database"
  if ! psql "$admin" -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
    psql "$admin" -qc "CREATE DATABASE $database"
    "$passerelle" simulate --scale "$scale" --seed 42 --database "$url"
  fi
else
  url="sqlite://$work/region-$scale.db"
  if [ ! -f "$work/region-$scale.db" ]; then
    "$passerelle" simulate --scale "$scale" --seed 42 --database "$url"
  fi
fi

# An advisor (who may read every offer's shortlist) and an API token for wrk.
email="bench-$(date +%s)@region.fr"
agency=$("$passerelle" export structures --out "$work/structures.csv" --database "$url" > /dev/null \
  && awk -F';' '$2 == "france_travail" { print $1; exit }' "$work/structures.csv")
password=$("$passerelle" account create --email "$email" --name "Bench" --role advisor \
  --structure "$agency" --database "$url" | sed 's/.*password: //')

"$passerelle" serve --database "$url" --bind "$address" 2> "$work/serve.log" &
server=$!
trap 'kill -TERM $server 2>/dev/null || true' EXIT
for _ in $(seq 600); do
  curl -fs "http://$address/healthz" > /dev/null && break
  sleep 1
done
curl -fs -c "$work/cookies" -H 'content-type: application/json' \
  -d "{\"email\": \"$email\", \"password\": \"$password\"}" "http://$address/api/v1/session" \
  > "$work/session.json"
csrf=$(sed 's/.*"csrf_token":"\([0-9a-f]*\)".*/\1/' "$work/session.json")
token=$(curl -fs -b "$work/cookies" -H 'content-type: application/json' -H "x-csrf-token: $csrf" \
  -d '{"name": "wrk"}' "http://$address/api/v1/tokens" | sed 's/.*"token":"\([^"]*\)".*/\1/')
sqlite_or_psql() {
  if [ "$backend" = "--postgres" ]; then
    psql "$url" -tAc "SELECT id FROM offers WHERE status = 'open'"
  else
    python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); [print(r[0]) for r in c.execute(\"SELECT id FROM offers WHERE status = 'open'\")]" "$work/region-$scale.db"
  fi
}
sqlite_or_psql > "$work/offers.txt"
echo "$(wc -l < "$work/offers.txt") open offers; $(nproc) cores shared by the server and wrk"
echo "warming up (10 s)"
PASSERELLE_TOKEN=$token PASSERELLE_OFFERS=$work/offers.txt \
  wrk -t2 -c"$connections" -d10s -s scripts/wrk-shortlist.lua "http://$address" > /dev/null
PASSERELLE_TOKEN=$token PASSERELLE_OFFERS=$work/offers.txt \
  wrk -t2 -c"$connections" -d30s --latency -s scripts/wrk-shortlist.lua "http://$address"
ps -o rss= -p "$server" | awk '{ printf "server resident memory: %.0f MiB\n", $1 / 1024 }'
