#!/usr/bin/env bash
# The API against its own OpenAPI document, as schemathesis (PyPI) generates requests from it:
# against a demo started here, signed in as several roles by API token, with the checks for
# server errors, status codes and response schemas. Any failure fails.
# Usage: .ci/check_api.sh PASSERELLE_BINARY
set -euo pipefail
passerelle=$1
work=$(mktemp -d)
port=${PASSERELLE_API_CHECK_PORT:-8097}
base="http://127.0.0.1:$port"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check schemathesis==4.32.5
"$passerelle" demo --data-dir "$work/demo" --bind "127.0.0.1:$port" --log-format json > "$work/demo.log" 2>&1 &
demo=$!
trap 'kill $demo 2> /dev/null || true; wait $demo 2> /dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 300); do
  curl -sf "$base/healthz" > /dev/null && break
  kill -0 $demo 2> /dev/null || { cat "$work/demo.log"; echo "the demo stopped" >&2; exit 1; }
  sleep 1
done
curl -sf "$base/healthz" > /dev/null
status=0
# The two roles that write most (offers, referrals, plans, duos) get the full budget of
# generated cases per operation; the others, whose routes are mostly reads of the same
# handlers, a smaller one: the whole check then stays within a few minutes.
full=${PASSERELLE_API_CHECK_EXAMPLES:-60}
light=${PASSERELLE_API_CHECK_EXAMPLES_LIGHT:-20}
for role in recruiter advisor agency_manager partner steering admin; do
  case $role in
    recruiter | advisor) examples=$full ;;
    *) examples=$light ;;
  esac
  read -r email password < <(python3 -c "
import json, sys
for a in json.load(open('$work/demo/demo-accounts.json')):
    if a['role'] == '$role':
        print(a['email'], a['password'])")
  jar="$work/cookies-$role"
  csrf=$(curl -sf -c "$jar" -H 'content-type: application/json' \
    -d "{\"email\": \"$email\", \"password\": \"$password\"}" "$base/api/v1/session" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["csrf_token"])')
  token=$(curl -sf -b "$jar" -H "x-csrf-token: $csrf" -H 'content-type: application/json' \
    -d '{"name": "schemathesis"}' "$base/api/v1/tokens" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
  echo "== schemathesis as $role, up to $examples cases per operation ($(date -u +%H:%M:%S))"
  # Signing out would end the token's session for nothing: the session routes are left out.
  # Run from the scratch folder: schemathesis keeps a cache in the current folder. One worker:
  # with two threads, Hypothesis's `ast.parse` of its own source raced in CPython 3.11
  # ("AST constructor recursion depth mismatch", a runtime error of the tool, not of the API).
  if ! (cd "$work" && "$work/venv/bin/schemathesis" run "$base/api/v1/openapi.json" \
      --checks not_a_server_error,status_code_conformance,response_schema_conformance \
      --header "Authorization: Bearer $token" \
      --exclude-path /api/v1/session \
      --max-examples "$examples" \
      --workers 1 --no-color); then
    status=1
  fi
done
if [ $status -ne 0 ]; then
  echo "schemathesis found failures (above)" >&2
fi
exit $status
