#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 (Debian's postgresql package) on a free loopback port, for the alert-store tests.
#
#   eval "$(.ci/start-postgres.sh)"      # start; prints: export SIGWATCH_POSTGRES_URL=jdbc:postgresql://127.0.0.1:<port>/sigwatch?user=sigwatch&password=...
#   .ci/start-postgres.sh stop           # stop the one this script started
#
# Installs the package with apt-get when its binaries are missing (CI runs as root, like this machine). The cluster
# lives under the cache dir, owned by the 'postgres' system user (PostgreSQL refuses to run as root), listens on
# 127.0.0.1 only, with one database and a password user for the tests. fsync is off: the data is disposable, and the
# tests measure correctness, not durability of the test server.
# Everything but the export line goes to stderr. Env: SIGWATCH_POSTGRES_DIR, SIGWATCH_POSTGRES_PORT,
# SIGWATCH_POSTGRES_BIN (default /usr/lib/postgresql/15/bin).
set -euo pipefail

BIN="${SIGWATCH_POSTGRES_BIN:-/usr/lib/postgresql/15/bin}"
# Not under $HOME: root's home is private and the server runs as 'postgres'.
CACHE_DIR="${SIGWATCH_POSTGRES_DIR:-/var/tmp/sigwatch-postgres}"
DATA="$CACHE_DIR/data"
LOG_FILE="$CACHE_DIR/postgres.log"
PASSWORD="sigwatch-test"

log() { echo "start-postgres: $*" >&2; }
as_pg() { if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

stop() {
  if [[ -f "$DATA/postmaster.pid" ]]; then
    log "stopping PostgreSQL in $DATA"
    as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2 || true
  else
    log "no running cluster in $DATA: nothing to stop"
  fi
}

if [[ "${1:-start}" == "stop" ]]; then stop; exit 0; fi

# 1. The server binaries, from Debian's packages.
if [[ ! -x "$BIN/postgres" ]]; then
  [[ "$(id -u)" == 0 ]] || { log "$BIN/postgres is missing and only root can apt-get install postgresql"; exit 1; }
  log "installing postgresql-15 with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql-15 >&2
fi
[[ -x "$BIN/postgres" ]] || { log "no PostgreSQL server at $BIN"; exit 1; }

# 2. A fresh cluster each time (the tests create their own schemas, but a clean server is simplest to reason about).
stop 2>/dev/null || true
mkdir -p "$CACHE_DIR"
rm -rf "$DATA"
if [[ "$(id -u)" == 0 ]]; then chown -R postgres: "$CACHE_DIR"; fi
PWFILE="$(mktemp)"; echo "$PASSWORD" > "$PWFILE"; chmod 644 "$PWFILE"
as_pg "$BIN/initdb" -D "$DATA" -U sigwatch --pwfile="$PWFILE" -A scram-sha-256 -E UTF8 --locale=C.UTF-8 >&2
rm -f "$PWFILE"

# 3. A free loopback port.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT="${SIGWATCH_POSTGRES_PORT:-}"
if [[ -z "$PORT" ]]; then
  for _ in $(seq 1 50); do
    candidate=$(( 20000 + RANDOM % 30000 ))
    if port_free "$candidate"; then PORT=$candidate; break; fi
  done
fi
[[ -n "$PORT" ]] || { log "found no free port"; exit 1; }

# 4. Start: loopback only, socket in the data dir, small memory, no fsync (disposable data).
log "starting PostgreSQL on 127.0.0.1:$PORT (log: $LOG_FILE)"
as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOG_FILE" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=128MB -c max_connections=100" \
    start >&2
PGPASSWORD="$PASSWORD" "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U sigwatch -d postgres -q -c "CREATE DATABASE sigwatch" >&2
log "PostgreSQL ready (stop with: $0 stop)"
echo "export SIGWATCH_POSTGRES_URL='jdbc:postgresql://127.0.0.1:$PORT/sigwatch?user=sigwatch&password=$PASSWORD'"
