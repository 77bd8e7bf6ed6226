#!/usr/bin/env bash
# The README's curl walkthrough, run for real: a fresh ScaiDial on SQLite, the first admin,
# a tenant with its admin, a trunk, a number, an extension, a dialplan, and the simulator.
# Usage: scripts/walkthrough.sh [path/to/scaidial]   (CI runs it against the debug build)
set -euo pipefail
BIN=$(realpath "${1:-.build/debug/scaidial}")
WORK=$(mktemp -d /tmp/scaidial-walkthrough.XXXXXX)
PORT=${WALKTHROUGH_PORT:-18080}
cd "$WORK"
passed=0
check() {  # check NAME EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then passed=$((passed + 1)); echo "ok   $1"; else echo "FAIL $1: expected $2, got $3"; exit 1; fi
}
json() { python3 -c "import sys,json; d=json.load(sys.stdin); print(eval('d' + sys.argv[1]))" "$1"; }

SCAIDIAL_PORT=$PORT "$BIN" serve >serve.log 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do curl -sf "localhost:$PORT/readyz" >/dev/null && break; sleep 0.1; done
check "serve says how to create the first admin" 1 "$(grep -c 'scaidial create-admin' serve.log)"

# --- the walkthrough, as in README.md ---
API=http://localhost:$PORT
"$BIN" create-admin --email admin@example.com --password 'change-me-please'
ROOT=$(curl -s -X POST $API/v1/auth/login -d '{"email":"admin@example.com","password":"change-me-please"}' | json '["token"]')
TENANT=$(curl -s -X POST $API/v1/tenants -H "Authorization: Bearer $ROOT" \
  -d '{"name":"Acme","country":"NL","timezone":"Europe/Amsterdam","policy":{"max_concurrent_calls":20}}' | json '["id"]')
curl -s -X POST $API/v1/tenants/$TENANT/users -H "Authorization: Bearer $ROOT" \
  -d '{"email":"it@acme.example","password":"acme-admin-pw","role":"tenant_admin","display_name":"Acme IT"}' >/dev/null
ADMIN=$(curl -s -X POST $API/v1/auth/login -d '{"email":"it@acme.example","password":"acme-admin-pw"}' | json '["token"]')
AUTH="Authorization: Bearer $ADMIN"
TRUNK=$(curl -s -X POST $API/v1/tenants/$TENANT/trunks -H "$AUTH" \
  -d '{"name":"carrier","address":"sip.carrier.example:5060","transport":"udp","auth_username":"acme","auth_password":"s3cret"}' | json '["id"]')
EXT=$(curl -s -X POST $API/v1/tenants/$TENANT/extensions -H "$AUTH" -d '{"number":"101","name":"Reception"}' | json '["id"]')
PLAN=$(curl -s -X POST $API/v1/tenants/$TENANT/dialplans -H "$AUTH" -d '{
  "name":"main",
  "rules":[
    {"priority":10,"name":"office hours","conditions":{"days":["mon","tue","wed","thu","fri"],"time_from":"09:00","time_to":"17:30"},
     "action":{"type":"ring_extension","extension_id":"'$EXT'"}},
    {"priority":20,"name":"after hours","action":{"type":"voicemail","extension_id":"'$EXT'"}}]}' | json '["id"]')
DID=$(curl -s -X POST $API/v1/tenants/$TENANT/dids -H "$AUTH" \
  -d '{"number":"020 123 4567","trunk_id":"'$TRUNK'","dialplan_id":"'$PLAN'","label":"main line"}')
SIM=$(curl -s -X POST $API/v1/tenants/$TENANT/dialplans/$PLAN/simulate -H "$AUTH" \
  -d '{"from":"+31612345678","to":"+31201234567","at":"2026-06-17T10:00:00+02:00"}')
# --- end of the walkthrough ---

check "the DID was stored in E.164" "+31201234567" "$(echo "$DID" | json '["number"]')"
check "the simulator picks office hours on a Wednesday morning" "office hours" "$(echo "$SIM" | json '["rule_name"]')"
check "the trunk lists its number and hides its password" "['+31201234567'] True" \
  "$(curl -s $API/v1/tenants/$TENANT/trunks/$TRUNK -H "$AUTH" | json '["numbers"], d["has_password"]' | tr -d '(),' )"
check "the tenant admin sees only its own tenant" 1 "$(curl -s $API/v1/tenants -H "$AUTH" | json '["items"].__len__()')"
check "an unknown route is a problem document" "404" "$(curl -s $API/nope | json '["status"]')"
check "/metrics counts the simulation" 1 \
  "$(curl -s $API/metrics | grep -c 'route="/v1/tenants/{tenant_id}/dialplans/{dialplan_id}/simulate",status="200"')"
echo "walkthrough: $passed passed, 0 failed"
