#!/usr/bin/env bash
# Starts the server on a free port, runs a short `scripts/loadtest smoke` against it (no-op
# baseline included) and stops the server. Fails when the runner fails (a click lost or counted
# twice, on the client's count, fails it). Used by scripts/test; bounded in time.
#
#   scripts/lib/smoke.sh [embedded|phase3]
#     embedded (default)  H2 in a throw-away file under build/smoke/
#     phase3              MariaDB and Kafka of scripts/services (must be up): clicks go through
#                         the publisher, the topic and the consumer; spill under build/smoke/
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/common.sh
shortlink_find_java

stack=${1:-embedded}
scale=${SMOKE_SCALE:-0.05}
dir=build/smoke/$stack-$(date -u +%Y%m%dT%H%M%SZ); mkdir -p "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
# The server's first admin key goes to the run's folder, never over the developer's data/admin-key.
env=(SERVER_PORT="$port" SHORTLINK_CLICKS_QUARANTINE_dash_FILE="$dir/quarantine.jsonl"
     SHORTLINK_API_ADMIN_dash_KEY_dash_FILE="$dir/admin-key")
case "$stack" in
    embedded) env+=(SHORTLINK_DATABASE_H2_dash_FILE="./$dir/db") ;;
    phase3) env+=(SHORTLINK_KAFKA_SPILL_dash_DIR="$dir/spill" SHORTLINK_KAFKA_QUARANTINE_dash_FILE="$dir/records.jsonl") ;;
    *) echo "smoke: unknown stack '$stack' (embedded, phase3)" >&2; exit 2 ;;
esac
env "${env[@]}" "$JAVA_HOME/bin/java" -Xmx512m -cp server-helidon/target/shortlink-server.jar \
    io.shortlink.server.Main --stack "$stack" >"$dir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/observe/health" && break
    kill -0 $pid 2>/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    sleep 0.5
done
# A new database (embedded) got its first admin key at start; one that held keys already
# (phase3's MariaDB) gets an admin key for this run, valid for an hour.
if [ -s "$dir/admin-key" ]; then
    key=$(cat "$dir/admin-key")
else
    key=$(scripts/keys create --stack "$stack" --label "smoke $(basename "$dir")" --scope admin \
          --expires "$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)")
fi
SHORTLINK_API_KEY=$key scripts/loadtest smoke --scale "$scale" --url "http://127.0.0.1:$port"
