#!/usr/bin/env bash
# The sourcing engine's benchmark of BENCHMARKS.md, on the simulated region at a given scale
# (default 1.0: about 975,000 job seekers and 60,000 open offers), with its peer: the same
# shortlists written as SQL on PostgreSQL + PostGIS, in the same run.
#
#   bash scripts/bench-engine.sh [SCALE]
#
# Needs a PostgreSQL server whose user may create databases (PASSERELLE_BENCH_POSTGRES_URL,
# default postgres://postgres@127.0.0.1:5432/postgres); installs PostGIS from Debian's packages
# when the server lacks it. Builds the release binary.
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-1.0}
admin=${PASSERELLE_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
database=passerelle_bench_engine
url="${admin%/*}/$database"

if ! psql "$admin" -tAc "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'" | grep -q 1; then
  major=$(psql "$admin" -tAc "SHOW server_version_num" | cut -c1-2)
  echo "installing PostGIS for PostgreSQL $major from Debian's packages"
  sudo_if_needed=""
  [ "$(id -u)" -ne 0 ] && sudo_if_needed="sudo"
  $sudo_if_needed apt-get install -y -q "postgresql-$major-postgis-3"
fi

cargo build --release --locked -p passerelle
passerelle=target/release/passerelle
psql "$admin" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" -c "CREATE DATABASE $database"
echo "simulating the region at scale $scale into PostgreSQL"
"$passerelle" simulate --scale "$scale" --seed 42 --database "$url"
"$passerelle" bench engine --database "$url" --peer "$url"
