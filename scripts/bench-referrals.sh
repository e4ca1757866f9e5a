#!/usr/bin/env bash
# An advisor's referral listing over HTTP (BENCHMARKS.md, "Soak"): starts the given binary on
# the given database, signs in a new advisor of the first France Travail agency, and times 21
# requests for the first page of 100 of `GET /api/v1/referrals` (that agency's referrals, of
# its offers and of the people it follows), printing the median, the fastest and the slowest.
#
#   bash scripts/bench-referrals.sh BINARY DATABASE_URL [LABEL]
#
# The database must hold a region (`passerelle simulate`); an account is added to it.
set -euo pipefail
binary=$1
url=$2
label=${3:-$binary}
work=/tmp/passerelle-bench-referrals
mkdir -p "$work"
address=127.0.0.1:8182
email="bench-referrals-$(date +%s%N)@region.fr"
"$binary" export structures --out "$work/structures.csv" --database "$url" > /dev/null
agency=$(awk -F';' '$2 == "france_travail" { print $1; exit }' "$work/structures.csv")
password=$("$binary" account create --email "$email" --name "Bench" --role advisor \
  --structure "$agency" --database "$url" | sed 's/.*password: //')
"$binary" serve --database "$url" --bind "$address" 2> "$work/serve.log" &
server=$!
trap 'kill -TERM $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 600); do
  curl -fs "http://$address/healthz" > /dev/null && break
  sleep 1
done
curl -fs -c "$work/cookies" -H 'content-type: application/json' \
  -d "{\"email\": \"$email\", \"password\": \"$password\"}" "http://$address/api/v1/session" \
  > "$work/session.json"
csrf=$(sed 's/.*"csrf_token":"\([0-9a-f]*\)".*/\1/' "$work/session.json")
token=$(curl -fs -b "$work/cookies" -H 'content-type: application/json' -H "x-csrf-token: $csrf" \
  -d '{"name": "bench"}' "http://$address/api/v1/tokens" | sed 's/.*"token":"\([^"]*\)".*/\1/')
page="http://$address/api/v1/referrals?limit=100"
count=$(curl -fs -H "Authorization: Bearer $token" "$page" \
  | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
times=$(for _ in $(seq 21); do
  curl -fs -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" "$page"
done | sort -n)
echo "$label, agency $agency: $count referrals on the first page; 21 requests:" \
  "median $(echo "$times" | sed -n 11p) s, fastest $(echo "$times" | head -1) s," \
  "slowest $(echo "$times" | tail -1) s"
