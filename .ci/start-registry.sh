#!/usr/bin/env bash
# Starts Apicurio Registry 3.3.3 (in-memory H2 storage) on a free loopback port, for the registry ITs.
#
#   eval "$(.ci/start-registry.sh)"      # start; prints: export SIGWATCH_REGISTRY_URL=http://127.0.0.1:<port>/apis/ccompat/v7
#   .ci/start-registry.sh stop           # stop the one this script started (pid file)
#
# The server comes from Maven Central (io.apicurio:apicurio-registry-app:3.3.3:tar.gz:all, a Quarkus
# fast-jar: quarkus-run.jar + lib/ + app/), fetched once with `mvn dependency:copy` and unpacked under
# the cache dir. It needs Java 21+, so it runs under Temurin 25 (override with SIGWATCH_REGISTRY_JAVA).
# Everything but the export line goes to stderr. Env: SIGWATCH_CACHE_DIR, SIGWATCH_REGISTRY_PORT,
# SIGWATCH_REGISTRY_TIMEOUT (seconds to wait for startup, default 120).
set -euo pipefail

VERSION=3.3.3
CACHE_DIR="${SIGWATCH_CACHE_DIR:-$HOME/.cache/sigwatch}/apicurio"
APP_DIR="$CACHE_DIR/apicurio-registry-$VERSION"
PID_FILE="$CACHE_DIR/registry.pid"
LOG_FILE="$CACHE_DIR/registry.log"
JAVA="${SIGWATCH_REGISTRY_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
TIMEOUT="${SIGWATCH_REGISTRY_TIMEOUT:-120}"

log() { echo "start-registry: $*" >&2; }

stop() {
  if [[ -f "$PID_FILE" ]]; then
    local pid; pid="$(cat "$PID_FILE")"
    if kill -0 "$pid" 2>/dev/null; then
      log "stopping registry pid $pid"
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$PID_FILE"
  else
    log "no pid file at $PID_FILE: nothing to stop"
  fi
}

if [[ "${1:-start}" == "stop" ]]; then stop; exit 0; fi

[[ -x "$JAVA" ]] || { log "no Java at $JAVA (Apicurio $VERSION needs Java 21+; set SIGWATCH_REGISTRY_JAVA)"; exit 1; }
mkdir -p "$CACHE_DIR"

# 1. Fetch and unpack once.
if [[ ! -f "$APP_DIR/quarkus-run.jar" ]]; then
  log "fetching io.apicurio:apicurio-registry-app:$VERSION:tar.gz:all from Maven Central"
  DL_DIR="$(mktemp -d "$CACHE_DIR/dl.XXXXXX")"
  mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
      -Dartifact="io.apicurio:apicurio-registry-app:$VERSION:tar.gz:all" \
      -DoutputDirectory="$DL_DIR" >&2
  rm -rf "$APP_DIR.tmp" && mkdir -p "$APP_DIR.tmp"
  tar xzf "$DL_DIR/apicurio-registry-app-$VERSION-all.tar.gz" -C "$APP_DIR.tmp"
  [[ -f "$APP_DIR.tmp/quarkus-run.jar" ]] || { log "unexpected tarball layout: no quarkus-run.jar"; exit 1; }
  rm -rf "$APP_DIR" && mv "$APP_DIR.tmp" "$APP_DIR" && rm -rf "$DL_DIR"
fi

# 2. One registry per cache dir: stop a previous one this script left running.
stop 2>/dev/null || true

# 3. A free loopback port (a refused connection means nobody listens there).
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT="${SIGWATCH_REGISTRY_PORT:-}"
if [[ -z "$PORT" ]]; then
  for _ in $(seq 1 50); do
    candidate=$(( 20000 + RANDOM % 30000 ))
    if port_free "$candidate"; then PORT=$candidate; break; fi
  done
fi
[[ -n "$PORT" ]] || { log "found no free port"; exit 1; }

# 4. Start in the background, detached from this shell. In-memory H2 (the app's default storage);
#    small heap and pool: it only serves the tests.
log "starting Apicurio Registry $VERSION on 127.0.0.1:$PORT (log: $LOG_FILE)"
nohup "$JAVA" -Xms64m -Xmx384m \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$PORT" \
    -Dapicurio.datasource.jdbc.initial-size=2 -Dapicurio.datasource.jdbc.min-size=2 \
    -Dapicurio.datasource.jdbc.max-size=10 \
    -Dquarkus.log.level=WARN -Dquarkus.log.category.\"io.apicurio\".level=WARN \
    -jar "$APP_DIR/quarkus-run.jar" >"$LOG_FILE" 2>&1 < /dev/null &
echo $! > "$PID_FILE"
PID=$(cat "$PID_FILE")

# 5. Wait until the Confluent-compatible API answers.
URL="http://127.0.0.1:$PORT/apis/ccompat/v7"
deadline=$(( SECONDS + TIMEOUT ))
until curl -fs -o /dev/null --max-time 2 "$URL/subjects" 2>/dev/null; do
  if ! kill -0 "$PID" 2>/dev/null; then
    log "registry exited during startup; last log lines:"; tail -n 40 "$LOG_FILE" >&2; rm -f "$PID_FILE"; exit 1
  fi
  if (( SECONDS >= deadline )); then
    log "registry did not answer $URL/subjects within ${TIMEOUT}s; last log lines:"; tail -n 40 "$LOG_FILE" >&2
    stop; exit 1
  fi
  sleep 1
done
log "registry ready after ${SECONDS}s (pid $PID; stop with: $0 stop)"
echo "export SIGWATCH_REGISTRY_URL=$URL"
