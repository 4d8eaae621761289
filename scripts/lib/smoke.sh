#!/usr/bin/env bash
# Starts the embedded server on a free port with a throw-away database, runs a short
# `scripts/loadtest smoke` against it (no-op baseline included) and stops the server. Fails when
# the runner fails (a lost click fails it). Used by scripts/test; bounded in time.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/common.sh
shortlink_find_java

scale=${SMOKE_SCALE:-0.05}
dir=build/smoke/$(date -u +%Y%m%dT%H%M%SZ); mkdir -p "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
SERVER_PORT=$port SHORTLINK_DATABASE_URL="jdbc:h2:file:./$dir/db;MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_ON_EXIT=FALSE" \
    "$JAVA_HOME/bin/java" -Xmx512m -jar server-helidon/target/shortlink-server.jar >"$dir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/observe/health" && break
    kill -0 $pid 2>/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    sleep 0.5
done
scripts/loadtest smoke --scale "$scale" --url "http://127.0.0.1:$port"
