#!/usr/bin/env bash
# Production rehearsal, without Docker: build what the image builds (scripts/build.sh),
# then run it as docker-compose.yml does (production settings, gunicorn, a Celery worker
# and beat, Redis, PostgreSQL, SMTP) on an EMPTY database, and drive one learner over
# HTTP from sign-in to a downloaded certificate PDF and its email.
#
#   scripts/rehearse-production.sh        (from anywhere; CI runs it after `make test`)
#
# Uses PostgreSQL and Redis on 127.0.0.1 (like .ci/run); needs root or the Debian
# run-time packages already installed, poppler-utils (pdftotext), and the dev venv
# (.venv, from `make install`) only for the SMTP server (aiosmtpd). The app itself
# runs from a fresh venv, var/rehearsal-venv, holding only the run-time dependencies;
# it is reused while constraints.txt, pyproject.toml and the Python are unchanged.
# Everything it starts is stopped on exit, also on failure (then the logs are printed).
#
# Variables (defaults): REHEARSAL_WEB_PORT (8121), REHEARSAL_SMTP_PORT (8125),
# REHEARSAL_DATABASE (hearth_rehearsal: dropped and created), REHEARSAL_BROKER_URL
# (redis://127.0.0.1:6379/3) and REHEARSAL_CACHE_URL (redis://127.0.0.1:6379/4): both
# Redis databases are the rehearsal's own and are emptied first.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
STARTED=$SECONDS

WEB_PORT=${REHEARSAL_WEB_PORT:-8121}
SMTP_PORT=${REHEARSAL_SMTP_PORT:-8125}
DATABASE=${REHEARSAL_DATABASE:-hearth_rehearsal}
BROKER_URL=${REHEARSAL_BROKER_URL:-redis://127.0.0.1:6379/3}
CACHE=${REHEARSAL_CACHE_URL:-redis://127.0.0.1:6379/4}
MODULE=homes-and-health
VENV=$ROOT/var/rehearsal-venv
WORK=$ROOT/var/rehearsal
# Bounds on every wait, in seconds.
BUILD_WAIT=600   # pip install into a fresh venv
STEP_WAIT=180    # migrate, import, seed, and the HTTP drive (plus CERTIFICATE_WAIT)
READY_WAIT=60    # each server to start
STATIC_WAIT=240  # collectstatic
CERTIFICATE_WAIT=90  # the certificate PDF and its email, after the module is completed

log() { printf '[rehearsal %s +%ss] %s\n' "$(date -u +%H:%M:%S)" "$((SECONDS - STARTED))" "$*"; }
fail() { log "FAILED: $*"; exit 1; }

# --- processes we start, and stopping them --------------------------------------------
names=()
pids=()
start() {  # start NAME COMMAND...: run in the background, logging to $WORK/NAME.log
  local name=$1
  shift
  "$@" >"$WORK/$name.log" 2>&1 &
  names+=("$name")
  pids+=("$!")
  log "started $name (pid $!): $*"
}
running() { kill -0 "$1" 2>/dev/null; }
stop_all() {
  local index pid
  for ((index = ${#pids[@]} - 1; index >= 0; index--)); do
    pid=${pids[index]}
    running "$pid" && kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do running "$pid" || break; sleep 0.2; done
    if running "$pid"; then
      log "pid $pid ignored TERM for 10s: KILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
}
finish() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "${static_pid:-}" ] && running "$static_pid"; then
    kill -TERM -- "-$static_pid" 2>/dev/null || true  # its own process group (setsid)
    wait "$static_pid" 2>/dev/null || true
  fi
  if [ ${#pids[@]} -gt 0 ]; then
    log "stopping ${names[*]}"
    stop_all
  fi
  if [ "$status" -ne 0 ]; then
    for name in collectstatic "${names[@]}"; do
      echo "===== $name log (last 150 lines): $WORK/$name.log ====="
      tail -n 150 "$WORK/$name.log" 2>/dev/null || true
    done
    log "REHEARSAL FAILED (exit $status) after $((SECONDS - STARTED))s; database $DATABASE kept for inspection"
  else
    sql "DROP DATABASE IF EXISTS $DATABASE WITH (FORCE)"
    log "REHEARSAL PASSED in $((SECONDS - STARTED))s; everything it started is stopped"
  fi
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT TERM

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...: until COMMAND succeeds, or fail
  local limit=$1 what=$2 deadline=$((SECONDS + $1))
  shift 2
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || fail "$what: not within ${limit}s"
    for index in "${!pids[@]}"; do
      running "${pids[index]}" || fail "${names[index]} exited while waiting for $what"
    done
    sleep 0.5
  done
}
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
log_has() { grep -q -- "$2" "$WORK/$1.log"; }
sql() { PGOPTIONS="--client-min-messages=warning" psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres -d postgres -c "$1"; }

# --- 0. what the rehearsal needs -----------------------------------------------------
for tool in psql redis-cli pdftotext; do
  command -v "$tool" >/dev/null || fail "$tool is missing (scripts/system-deps.sh installs poppler-utils)"
done
[ -x .venv/bin/python ] && .venv/bin/python -c "import aiosmtpd" 2>/dev/null \
  || fail ".venv with aiosmtpd is missing: run make install first"
pg_isready -q -h 127.0.0.1 -p 5432 -U postgres || fail "PostgreSQL is not reachable at 127.0.0.1:5432"
[ "$(redis-cli -u "$BROKER_URL" ping 2>/dev/null)" = PONG ] || fail "Redis is not reachable at $BROKER_URL"
[ "$WEB_PORT" != "$SMTP_PORT" ] || fail "REHEARSAL_WEB_PORT and REHEARSAL_SMTP_PORT must differ"
for port in "$WEB_PORT" "$SMTP_PORT"; do
  port_free "$port" || fail "port $port on 127.0.0.1 is in use (set REHEARSAL_WEB_PORT/REHEARSAL_SMTP_PORT)"
done
rm -rf "$WORK"
mkdir -p "$WORK"

# --- 1. build: what the Dockerfile runs -----------------------------------------------
log "build: Debian run-time packages (scripts/runtime-packages.txt)"
scripts/build.sh system-packages
python=$(scripts/find-python.sh)
stamp="$("$python" -VV | tr '\n' ' ') $(cat constraints.txt pyproject.toml | sha256sum | cut -c1-16)"
if [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/.built-from" 2>/dev/null)" = "$stamp" ]; then
  log "build: reusing $VENV (same Python, constraints.txt and pyproject.toml: $stamp)"
else
  log "build: fresh venv $VENV from $python"
  rm -rf "$VENV"
  "$python" -m venv "$VENV"
  timeout "$BUILD_WAIT" scripts/build.sh python "$VENV/bin/python"
  echo "$stamp" >"$VENV/.built-from"
fi
log "build: $("$VENV/bin/python" -m pip list --format=freeze 2>/dev/null | wc -l) packages in the venv; no dev tools: $(
  "$VENV/bin/python" -c 'import importlib.util as u; print(all(u.find_spec(m) is None for m in ("pytest", "aiosmtpd", "ruff")))')"

# --- 2. the production environment (as docker-compose.yml sets it, on loopback) ------
# Start from none of the documented variables, so nothing leaks in from CI's shell.
while read -r name; do unset "$name"; done < <(grep -oE '^[A-Z_]+' .env.example)
export DJANGO_SETTINGS_MODULE=config.settings.production
SECRET_KEY=$("$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(48))')
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1,localhost
export CSRF_TRUSTED_ORIGINS=http://127.0.0.1:$WEB_PORT
export SITE_URL=http://127.0.0.1:$WEB_PORT
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DATABASE
export CELERY_BROKER_URL=$BROKER_URL
export CACHE_URL=$CACHE
export EMAIL_HOST=127.0.0.1 EMAIL_PORT=$SMTP_PORT
export DEFAULT_FROM_EMAIL="Hearth <hearth@localhost>"
export HEARTH_VAR_DIR=$WORK MEDIA_ROOT=$WORK/media
export SECURE_SSL_REDIRECT=false SECURE_COOKIES=false BEHIND_TLS_PROXY=false SECURE_HSTS_SECONDS=0
export PYTHONPATH=$ROOT/backend:$ROOT PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
unset HEARTH_TEST_DATABASE
export WEB_CONCURRENCY=2
# The rehearsal's learner, for scripts/rehearse_production.py.
export REHEARSAL_DIR=$WORK REHEARSAL_MAILDIR=$WORK/mail REHEARSAL_MODULE=$MODULE
export REHEARSAL_LEARNER_EMAIL=sian.adebayo@rehearsal.example REHEARSAL_LEARNER_NAME="Siân Adebayo"
export REHEARSAL_CERTIFICATE_WAIT=$CERTIFICATE_WAIT
REHEARSAL_PASSWORD=$("$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(18))')
export REHEARSAL_PASSWORD

# --- 3. an empty database, empty Redis databases, static files ------------------------
sql "DROP DATABASE IF EXISTS $DATABASE WITH (FORCE)"
sql "CREATE DATABASE $DATABASE"
redis-cli -u "$BROKER_URL" flushdb >/dev/null
redis-cli -u "$CACHE_URL" flushdb >/dev/null
log "empty database $DATABASE created; broker $BROKER_URL and cache $CACHE_URL emptied"
# collectstatic (compressing every file) is the slowest step: it runs while the database
# is migrated and the worker starts; gunicorn starts once it is done.
log "collectstatic under config.settings.production (scripts/build.sh static), in the background"
setsid scripts/build.sh static "$VENV/bin/python" >"$WORK/collectstatic.log" 2>&1 &
static_pid=$!
log "migrate on the empty database"
timeout "$STEP_WAIT" "$VENV/bin/python" backend/manage.py migrate --noinput | tail -n 1
timeout "$STEP_WAIT" "$VENV/bin/python" backend/manage.py import_content "content/modules/$MODULE.md" \
  | tail -n 1

# --- 4. the services docker-compose.yml runs -------------------------------------------
start smtp .venv/bin/python -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" \
  -c aiosmtpd.handlers.Mailbox "$WORK/mail"
wait_for "$READY_WAIT" "the SMTP server on port $SMTP_PORT" port_open "$SMTP_PORT"

start worker "$VENV/bin/celery" -A worker worker --loglevel=INFO --concurrency=1 -Q hearth \
  -n "rehearsal@%h"
wait_for "$READY_WAIT" "the Celery worker to be ready" log_has worker "ready\."
grep -E 'startup check|\[queues\]|\.> hearth' "$WORK/worker.log" | sed 's/^/[worker] /'
start beat "$VENV/bin/celery" -A worker beat --loglevel=INFO --schedule="$WORK/celerybeat-schedule"
wait_for "$READY_WAIT" "Celery beat to start" log_has beat "beat: Starting"
grep -m1 'beat: Starting' "$WORK/beat.log" | sed 's/^/[beat] /'

log "seed one learner, through Hearth's services"
timeout "$STEP_WAIT" "$VENV/bin/python" scripts/rehearse_production.py seed

deadline=$((SECONDS + STATIC_WAIT))
while running "$static_pid"; do
  [ "$SECONDS" -lt "$deadline" ] || fail "collectstatic did not finish within ${STATIC_WAIT}s"
  sleep 0.5
done
wait "$static_pid" || fail "collectstatic failed: $(tail -n 20 "$WORK/collectstatic.log")"
static_pid=""
log "collectstatic done: $(tail -n 1 "$WORK/collectstatic.log")"

# The Dockerfile's CMD, bound to loopback.
start web "$VENV/bin/gunicorn" config.wsgi --bind "127.0.0.1:$WEB_PORT" \
  --workers "$WEB_CONCURRENCY" --access-logfile -
wait_for "$READY_WAIT" "gunicorn's /healthz" \
  "$VENV/bin/python" -c "import urllib.request; urllib.request.urlopen('$SITE_URL/healthz', timeout=5)"
wait_for "$READY_WAIT" "every gunicorn worker loaded the app" \
  test "$(grep -c 'Hearth loaded in process' "$WORK/web.log")" -ge "$WEB_CONCURRENCY"
log "gunicorn: $(grep -m1 'Listening at' "$WORK/web.log" | sed 's/^.*\] //')"
grep 'Hearth loaded in process' "$WORK/web.log" | sed 's/^/[web] /'
grep -q 'with settings config.settings.production (DEBUG=False)' "$WORK/web.log" \
  || fail "gunicorn's workers did not load config.settings.production"

# --- 5. one learner, driven over HTTP ----------------------------------------------------
timeout "$((STEP_WAIT + CERTIFICATE_WAIT))" "$VENV/bin/python" scripts/rehearse_production.py drive

# --- 6. everything still up, and what the servers logged ---------------------------------
for index in "${!pids[@]}"; do
  running "${pids[index]}" || fail "${names[index]} is no longer running"
done
grep -E 'rendering certificate|emailed to learner|succeeded in' "$WORK/worker.log" | sed 's/^/[worker] /'
grep -E '"(GET|POST) ' "$WORK/web.log" | tail -n 5 | sed 's/^/[web] /'
errors=$(grep -cE '(ERROR|CRITICAL)[/ ]|Traceback' "$WORK"/{web,worker,beat}.log || true)
[ -z "$(echo "$errors" | grep -v ':0$')" ] || fail "errors in the server logs: $errors"
log "web, worker, beat and SMTP ran to the end with no errors logged"
