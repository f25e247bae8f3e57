#!/usr/bin/env bash
# Device Action URLs in (docs/compatibility.md §4.2): wrk sends a phone's "connected" Action URL for a new call on
# each request (bench/actionurl.lua) to Callgate's /action, with one agent tab of alice connected
# that counts the callConnect events it gets (bench/actionurl_tab.py); the peer is nginx answering
# the same requests with a fixed 204 (`return 204`), the floor of the HTTP work alone. Every
# request opens its own connection (`Connection: close`, as phones do and as Callgate answers).
# Callgate and nginx get one core (CPU 1, one thread/worker), wrk CPU 0. Settings:
#   BENCH_DURATION=10 BENCH_CONNECTIONS=32   seconds, wrk connections
#   CALLGATE_BIN=path   default ../.build/release/callgate (built when missing); wrk, nginx, python3 + websockets
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
DURATION=${BENCH_DURATION:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
NGINX_BIN=${NGINX_BIN:-nginx}
CALLGATE_BIN=${CALLGATE_BIN:-$REPO_DIR/.build/release/callgate}

. "$BENCH_DIR/lib.sh"
results_folder "actionurl-"
stop_server_on_exit
TAB_PID=
trap 'for pid in $SERVER_PID $TAB_PID; do kill -TERM "$pid" 2>/dev/null; done; wait 2>/dev/null' EXIT

command -v wrk >/dev/null && command -v "$NGINX_BIN" >/dev/null || { say "apt-get install -y wrk nginx"; exit 1; }
python3 -c 'import websockets' 2>/dev/null || { say "pip install websockets"; exit 1; }
if [[ ! -x "$CALLGATE_BIN" ]]; then
    say "building the product: swift build -c release"
    (cd "$REPO_DIR" && swift build -c release) >"$LOG_DIR/build-product.log" 2>&1 || { say "build failed"; exit 1; }
fi

wait_port() {  # PORT
    for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.1; done
    say "nothing answers on $1"; exit 1
}

row() {  # NAME OUTPUT EXTRA
    local rps p50 p99 errors
    rps=$(awk '/^Requests\/sec:/{print $2}' <<<"$2")
    p50=$(awk '$1=="50%"{print $2}' <<<"$2")
    p99=$(awk '$1=="99%"{print $2}' <<<"$2")
    errors=$(awk '/Non-2xx or 3xx responses:/{print $5}' <<<"$2")
    printf '%-10s %12s %10s %10s %8s  %s\n' "$1" "$rps" "$p50" "$p99" "${errors:-0}" "$3" | tee -a "$TABLE"
    printf '{"run":"%s","server":"%s","requestsPerSecond":%s,"p50":"%s","p99":"%s","non2xx3xx":%s,"note":"%s"}\n' \
        "$RUN_ID" "$1" "${rps:-0}" "$p50" "$p99" "${errors:-0}" "$3" >>"$JSONL"
}

{
    echo "device Action URLs in, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, wrk -t1 -c$CONNECTIONS -d${DURATION}s, a new connection per request"
    printf '%-10s %12s %10s %10s %8s  %s\n' server "requests/s" p50 p99 errors note
} | tee "$TABLE"

# Callgate, with alice's tab counting what arrives.
port=$(free_port)
taskset -c 1 "$CALLGATE_BIN" --listen "127.0.0.1:$port" --threads 1 --log-level warn >"$LOG_DIR/callgate.log" 2>&1 &
SERVER_PID=$!
wait_port "$port"
taskset -c 0 python3 "$BENCH_DIR/actionurl_tab.py" "$port" >"$LOG_DIR/tab.log" 2>&1 &
TAB_PID=$!
for _ in $(seq 50); do grep -q ready "$LOG_DIR/tab.log" && break; sleep 0.1; done
out=$(taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$BENCH_DIR/actionurl.lua" "http://127.0.0.1:$port" 2>&1)
echo "$out" >"$LOG_DIR/wrk-callgate.txt"
kill -TERM "$TAB_PID"; wait "$TAB_PID"; TAB_PID=
requests=$(awk '/requests in/{print $1}' <<<"$out")
row callgate "$out" "$requests requests, $(awk '/^events/{print $2}' "$LOG_DIR/tab.log") callConnect events at the tab"
kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=

# nginx: the same requests, a fixed 204.
port=$(free_port)
mkdir -p "$LOG_DIR/nginx/tmp"
cat >"$LOG_DIR/nginx.conf" <<CONF
worker_processes 1;
pid $LOG_DIR/nginx/nginx.pid;
error_log $LOG_DIR/nginx/error.log warn;
events { worker_connections 4096; use epoll; }
http {
    access_log off;
    client_body_temp_path $LOG_DIR/nginx/tmp/body;
    proxy_temp_path $LOG_DIR/nginx/tmp/proxy;
    fastcgi_temp_path $LOG_DIR/nginx/tmp/fastcgi;
    uwsgi_temp_path $LOG_DIR/nginx/tmp/uwsgi;
    scgi_temp_path $LOG_DIR/nginx/tmp/scgi;
    server { listen 127.0.0.1:$port; location / { return 204; } }
}
CONF
taskset -c 1 "$NGINX_BIN" -c "$LOG_DIR/nginx.conf" -g 'daemon off;' >"$LOG_DIR/nginx.log" 2>&1 &
SERVER_PID=$!
wait_port "$port"
out=$(taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$BENCH_DIR/actionurl.lua" "http://127.0.0.1:$port" 2>&1)
echo "$out" >"$LOG_DIR/wrk-nginx.txt"
row nginx "$out" "fixed 204, no work"
say "table: $TABLE; outputs: $LOG_DIR"
