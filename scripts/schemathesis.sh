#!/usr/bin/env bash
# Does the OpenAPI schema tell the truth? (issue 11)
#
# On a fresh PostgreSQL database with the demo data, start Hearth on a spare port
# (DEBUG off, tasks in-process) and run schemathesis with every check three times:
# anonymous, as a signed-in learner (session cookie + CSRF token) and with an org
# admin's read-write API key. Exits non-zero if any run finds any failure.
#
# Settings (environment):
#   SCHEMATHESIS_DATABASE   database name, dropped and recreated (hearth_schemathesis)
#   SCHEMATHESIS_PG         PostgreSQL server URL without a database (postgres://postgres@127.0.0.1:5432)
#   SCHEMATHESIS_PORT       port for the live server (8765)
#   SCHEMATHESIS_MAX_EXAMPLES  examples per operation and phase (12)
#   SCHEMATHESIS_SEED       random seed, for a reproducible run (random)
#   SCHEMATHESIS_ARGS       extra arguments for every `schemathesis run`
#   SCHEMATHESIS_LOG_DIR    keep each run's full output here (default: a temporary folder)
set -euo pipefail
cd "$(dirname "$0")/.."

VENV_BIN=${VENV_BIN:-.venv/bin}
PG=${SCHEMATHESIS_PG:-postgres://postgres@127.0.0.1:5432}
DATABASE=${SCHEMATHESIS_DATABASE:-hearth_schemathesis}
PORT=${SCHEMATHESIS_PORT:-8765}
MAX_EXAMPLES=${SCHEMATHESIS_MAX_EXAMPLES:-12}
SEED=${SCHEMATHESIS_SEED:-}
BASE="http://127.0.0.1:$PORT"
WORK=$(mktemp -d)
LOGS=${SCHEMATHESIS_LOG_DIR:-$WORK}
mkdir -p "$LOGS"

# The server: the local overlay with DEBUG off, tasks in-process (no broker), a memory
# cache per process (one worker), and no API throttle in the way of the generated calls.
export DJANGO_SETTINGS_MODULE=config.settings.local
export DATABASE_URL="$PG/$DATABASE"
export DEBUG=false
export LOG_LEVEL=ERROR
export CELERY_BROKER_URL=
export CACHE_URL=
export EMAIL_HOST=
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
export HEARTH_VAR_DIR="$WORK/var"
export PYTHONPATH="backend:.${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONDONTWRITEBYTECODE=1
MANAGE=("$VENV_BIN/python" backend/manage.py)

server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    echo "+ stopping the server (pid $server_pid)"
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

run() {
  echo "+ $*"
  "$@"
}

echo "schemathesis: database $DATABASE_URL, settings $DJANGO_SETTINGS_MODULE (DEBUG=$DEBUG," \
  "eager tasks, memory cache), server $BASE, max examples $MAX_EXAMPLES${SEED:+, seed $SEED}"

run "$VENV_BIN/python" - "$PG/postgres" "$DATABASE" <<'PY'
import sys

import psycopg

url, name = sys.argv[1], sys.argv[2]
with psycopg.connect(url, autocommit=True) as connection:
    connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.execute(f'CREATE DATABASE "{name}"')
PY
run "${MANAGE[@]}" migrate --noinput -v 0
run "${MANAGE[@]}" seed_demo

echo "+ ${MANAGE[*]} shell -c '<create an org admin's read-write API key>'"
API_KEY=$("${MANAGE[@]}" shell -v 0 -c '
from accounts import selectors, services
from accounts.models import KeyScope, User

admin = User.objects.get(email="admin@riverside-nhs.example")
actor = selectors.actor_for_user(admin)
_, key = services.api_key_create(
    actor=actor,
    organisation_id=min(actor.admin_organisation_ids),
    name="schemathesis",
    scope=KeyScope.READ_WRITE,
)
print(key)
' | tail -n 1)

if curl -s -o /dev/null "$BASE/"; then
  echo "FATAL: something already answers on port $PORT; set SCHEMATHESIS_PORT" >&2
  exit 1
fi
# No request-line limit: a 414 from gunicorn in front of Hearth is not the API's answer.
server=("$VENV_BIN/gunicorn" config.wsgi --bind "127.0.0.1:$PORT" --workers 1 --threads 4
  --limit-request-line 0
  --access-logfile /dev/null --error-logfile "$WORK/server.log" --log-level warning)
echo "+ ${server[*]} &"
"${server[@]}" 2>>"$WORK/django.log" &
server_pid=$!
for _ in $(seq 1 60); do
  if curl -fsS -o /dev/null "$BASE/api/schema/" 2>/dev/null; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "FATAL: the server did not start" >&2
    cat "$WORK/server.log" >&2
    exit 1
  fi
  sleep 1
done

echo "+ signing in as learner@riverside-nhs.example through /sign-in/"
jar="$WORK/cookies.txt"
page=$(curl -fsS -c "$jar" -b "$jar" "$BASE/sign-in/")
form_token=$(sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' <<<"$page" | head -n 1)
curl -fsS -o /dev/null -c "$jar" -b "$jar" -X POST "$BASE/sign-in/" \
  --data-urlencode "csrfmiddlewaretoken=$form_token" \
  --data-urlencode "username=learner@riverside-nhs.example" \
  --data-urlencode "password=hearth-demo-2026"
session=$(awk '$6 == "sessionid" {print $7}' "$jar")
csrf=$(awk '$6 == "csrftoken" {print $7}' "$jar")
if [ -z "$session" ] || [ -z "$csrf" ]; then
  echo "FATAL: signing in as the demo learner gave no session" >&2
  exit 1
fi

# scripts/schemathesis.toml: the few operations whose rules JSON Schema cannot state.
common=(
  run "$VENV_BIN/schemathesis" --config-file scripts/schemathesis.toml run "$BASE/api/schema/"
  --checks all --max-examples "$MAX_EXAMPLES" --workers 2 --no-color
  --report junit --report-dir "$WORK/reports"
)
[ -n "$SEED" ] && common+=(--seed "$SEED")
# shellcheck disable=SC2206
extra=(${SCHEMATHESIS_ARGS:-})

failed=()
summaries=()
schemathesis_as() {
  local who=$1
  shift
  echo
  echo "=== schemathesis as $who"
  local log="$LOGS/$who.log"
  local status=0
  "${common[@]}" "${extra[@]}" "$@" 2>&1 | tee "$log" || status=$?
  summaries+=("$who: $(grep -E '^=+ .*(passed|failed|error|in [0-9.]+s).* =+$' "$log" | tail -n 1)")
  if [ "$status" -ne 0 ]; then failed+=("$who"); fi
}

schemathesis_as anonymous
schemathesis_as learner -H "Cookie: sessionid=$session; csrftoken=$csrf" -H "X-CSRFToken: $csrf"
schemathesis_as admin-key -H "Authorization: Api-Key $API_KEY"

echo
echo "=== schemathesis summaries"
printf '%s\n' "${summaries[@]}"
if grep -qE "ERROR|Traceback" "$WORK/server.log" "$WORK/django.log" 2>/dev/null; then
  echo "=== server errors"
  grep -hE -A30 "ERROR|Traceback" "$WORK/server.log" "$WORK/django.log" | head -n 200
fi
if [ "${#failed[@]}" -gt 0 ]; then
  echo "FAILED: schemathesis found failures as: ${failed[*]}"
  exit 1
fi
echo "OK: no schemathesis failures anonymous, as a learner or with an admin's key"
