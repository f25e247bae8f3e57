#!/usr/bin/env bash
# Memory per idle WebSocket connection as browsers connect, Callgate against Python's `websockets`
# measured in the same run, and the agent protocol's events on the wire with and without deflate.
# See bench/README.md, "Memory". Settings come from the environment:
#   BENCH_MEMORY_CONNECTIONS=1000        idle connections per run
#   BENCH_MEMORY_MESSAGES=1              messages each connection sends (and gets echoed) before idling
#   BENCH_SETTLE=3                       seconds before each RSS reading
#   BENCH_MEMORY_PROFILES="ws-deflate wss-deflate ws wss"
#                                        -deflate: offered as Chromium offers it; ws/wss: no offer
#   BENCH_MEMORY_SERVERS="callgate websockets"   which servers, in order, within each profile;
#                                        "baseline" is a second Callgate binary (CALLGATE_BASELINE_BIN)
#   BENCH_MEMORY_EVENTS=1                also measure the agent events (Callgate and baseline)
#   BENCH_SERVER_CPU=1 BENCH_LOADGEN_CPU=0   taskset pinning of the server and of the client
#   CALLGATE_BIN=path                    Callgate binary (default ../.build/release/callgate, built
#                                        here unless CALLGATE_BIN is set or BENCH_SKIP_BUILD=1)
#   CALLGATE_BASELINE_BIN=path           an older Callgate to compare with (adds "baseline")
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
CONNECTIONS=${BENCH_MEMORY_CONNECTIONS:-1000}
MESSAGES=${BENCH_MEMORY_MESSAGES:-1}
SETTLE=${BENCH_SETTLE:-3}
PROFILES=${BENCH_MEMORY_PROFILES:-"ws-deflate wss-deflate ws wss"}
SERVERS=${BENCH_MEMORY_SERVERS:-"callgate websockets"}
EVENTS=${BENCH_MEMORY_EVENTS:-1}
SERVER_CPU=${BENCH_SERVER_CPU:-1}
LOADGEN_CPU=${BENCH_LOADGEN_CPU:-0}
BASELINE_BIN=${CALLGATE_BASELINE_BIN:-}
[[ -n "$BASELINE_BIN" && " $SERVERS " != *" baseline "* ]] && SERVERS="baseline $SERVERS"
BUILD_PRODUCT=1
[[ -n "${CALLGATE_BIN:-}" || "${BENCH_SKIP_BUILD:-0}" == 1 ]] && BUILD_PRODUCT=0
CALLGATE_BIN=${CALLGATE_BIN:-$REPO_DIR/.build/release/callgate}
CLIENT=$BENCH_DIR/memory_client.py
PEER=$BENCH_DIR/memory_peer.py

. "$BENCH_DIR/lib.sh"
results_folder "memory-"
stop_server_on_exit

if [[ $BUILD_PRODUCT == 1 ]]; then
    say "building the product: swift build -c release (log: $LOG_DIR/build-product.log)"
    (cd "$REPO_DIR" && swift build -c release) >"$LOG_DIR/build-product.log" 2>&1 \
        || { say "the product did not build (see $LOG_DIR/build-product.log)"; exit 1; }
fi
[[ -x "$CALLGATE_BIN" ]] || { say "no Callgate binary at $CALLGATE_BIN"; exit 1; }
[[ -z "$BASELINE_BIN" || -x "$BASELINE_BIN" ]] || { say "no baseline binary at $BASELINE_BIN"; exit 1; }
python3 -c 'import websockets' 2>/dev/null \
    || { say "the peer needs Python's websockets: pip install websockets"; exit 1; }
PEER_VERSION=$(python3 -c 'import websockets; print(websockets.__version__)')

make_tls_certificate
CONFIG=$LOG_DIR/callgate-memory.json
echo "{\"stateDirectory\": \"$LOG_DIR/state\", \"limits\": {\"maxConnections\": $((CONNECTIONS + 1000)), \"maxConnectionsPerAddress\": 0}}" >"$CONFIG"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
(( $(ulimit -n) >= CONNECTIONS + 100 )) || say "warning: ulimit -n is $(ulimit -n), below $CONNECTIONS connections plus headroom"

binary_of() { [[ $1 == baseline ]] && echo "$BASELINE_BIN" || echo "$CALLGATE_BIN"; }

# start_server NAME PORT LOG PROFILE: one event loop (Python: one thread) pinned to SERVER_CPU; sets SERVER_PID.
start_server() {
    local name=$1 port=$2 log=$3 profile=$4
    case $name-$profile in
    websockets-ws-deflate) taskset -c "$SERVER_CPU" python3 "$PEER" --port "$port" >"$log" 2>&1 & ;;
    websockets-wss-deflate) taskset -c "$SERVER_CPU" python3 "$PEER" --port "$port" --tls --cert "$TLS_CERT" --key "$TLS_KEY" >"$log" 2>&1 & ;;
    websockets-ws) taskset -c "$SERVER_CPU" python3 "$PEER" --port "$port" --no-compression >"$log" 2>&1 & ;;
    websockets-wss)
        taskset -c "$SERVER_CPU" python3 "$PEER" --port "$port" --no-compression --tls --cert "$TLS_CERT" \
            --key "$TLS_KEY" >"$log" 2>&1 & ;;
    *-wss*)
        taskset -c "$SERVER_CPU" "$(binary_of "$name")" --config "$CONFIG" --listen-tls "127.0.0.1:$port" \
            --cert "$TLS_CERT" --key "$TLS_KEY" --echo / --threads 1 >"$log" 2>&1 & ;;
    *) taskset -c "$SERVER_CPU" "$(binary_of "$name")" --config "$CONFIG" --listen "127.0.0.1:$port" --echo / \
            --threads 1 >"$log" 2>&1 & ;;
    esac
    SERVER_PID=$!
}

stop_server() {
    [[ -n "$SERVER_PID" ]] || return 0
    kill -TERM "$SERVER_PID" 2>/dev/null
    local i
    for i in $(seq 50); do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=
}

client() { taskset -c "$LOADGEN_CPU" python3 "$CLIENT" "$@"; }

# --- idle connections --------------------------------------------------------------------------
FAILED=0
for profile in $PROFILES; do
    case $profile in ws-deflate | wss-deflate | ws | wss) ;; *) say "unknown profile '$profile'"; exit 2 ;; esac
    flags=()
    [[ $profile == wss* ]] && flags+=(--tls)
    probe_flags=("${flags[@]}")
    [[ $profile == *-deflate ]] && flags+=(--deflate)
    for server in $SERVERS; do
        case $server in callgate | baseline | websockets) ;; *) say "unknown server '$server'"; exit 2 ;; esac
        port=$(free_port) || { say "no free port found"; exit 1; }
        log=$LOG_DIR/$server-$profile.log
        start_server "$server" "$port" "$log" "$profile"
        if ! client probe --port "$port" --timeout 30 "${probe_flags[@]}" 2>>"$log"; then
            say "$server did not come up for $profile (log: $log)"
            stop_server
            FAILED=1
            continue
        fi
        say "$profile: $server on 127.0.0.1:$port (pid $SERVER_PID), $CONNECTIONS connections"
        if output=$(client idle --port "$port" "${flags[@]}" --connections "$CONNECTIONS" --messages "$MESSAGES" \
            --server-pid "$SERVER_PID" --settle "$SETTLE" 2>>"$log"); then
            echo "{\"run\":\"$RUN_ID\",\"profile\":\"$profile\",\"server\":\"$server\",${output#\{}" >>"$JSONL"
        else
            say "$server $profile FAILED: $(tail -1 "$log")"
            FAILED=1
        fi
        stop_server
    done
done

# --- the agent protocol's events ---------------------------------------------------------------
if [[ $EVENTS == 1 ]]; then
    for server in $SERVERS; do
        [[ $server == websockets ]] && continue
        for deflate in "" --deflate; do
            port=$(free_port) || { say "no free port found"; exit 1; }
            log=$LOG_DIR/$server-events$deflate.log
            taskset -c "$SERVER_CPU" "$(binary_of "$server")" --config "$CONFIG" --listen "127.0.0.1:$port" \
                --threads 1 >"$log" 2>&1 &
            SERVER_PID=$!
            if client probe --port "$port" --path /ws 2>>"$log" \
                && output=$(client events --port "$port" $deflate 2>>"$log"); then
                echo "{\"run\":\"$RUN_ID\",\"profile\":\"events${deflate:+-deflate}\",\"server\":\"$server\",${output#\{}" >>"$JSONL"
            else
                say "$server events$deflate FAILED: $(tail -1 "$log")"
                FAILED=1
            fi
            stop_server
        done
    done
fi

# --- the tables --------------------------------------------------------------------------------
python3 - "$JSONL" "$CONNECTIONS" "$PEER_VERSION" >"$TABLE" <<'EOF'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
connections, peer_version = int(sys.argv[2]), sys.argv[3]
idle = [r for r in rows if "rss_per_connection_bytes" in r]
kib = lambda b: f"{b / 1024:.1f}"
print(f"idle connections: {connections} per run, each after one echoed message; websockets {peer_version}")
print(f"{'profile':<12} {'server':<11} {'KiB/conn':>9} {'RSS before':>11} {'open':>9} {'after close':>12} {'after/before':>13}  negotiated")
for r in idle:
    print(f"{r['profile']:<12} {r['server']:<11} {kib(r['rss_per_connection_bytes']):>9} "
          f"{r['rss_before_bytes'] / 2**20:>9.1f}Mi {r['rss_open_bytes'] / 2**20:>7.1f}Mi "
          f"{r['rss_after_close_bytes'] / 2**20:>10.1f}Mi {r['rss_after_close_ratio']:>12.3f}x  "
          f"{'; '.join(r['extensions']) or '-'}")
by = {(r["profile"], r["server"]): r for r in idle}
checks = []
def check(label, ok):
    checks.append(f"  {'met    ' if ok else 'MISSED '} {label}")
for server in ("callgate", "baseline"):
    if (r := by.get(("ws-deflate", server))):
        per = r["rss_per_connection_bytes"]
        check(f"{server} ws-deflate {kib(per)} KiB/conn <= 8 KiB", per <= 8192)
        if (peer := by.get(("ws-deflate", "websockets"))):
            ratio = per / peer["rss_per_connection_bytes"]
            check(f"{server} ws-deflate {ratio:.2f}x websockets' {kib(peer['rss_per_connection_bytes'])} KiB <= 0.2x", ratio <= 0.2)
    if (r := by.get(("wss-deflate", server))):
        check(f"{server} wss-deflate {kib(r['rss_per_connection_bytes'])} KiB/conn <= 24 KiB", r["rss_per_connection_bytes"] <= 24576)
    if (r := by.get(("wss", server))):
        check(f"{server} wss {kib(r['rss_per_connection_bytes'])} KiB/conn <= 12 KiB", r["rss_per_connection_bytes"] <= 12288)
    for profile in ("ws-deflate", "wss-deflate", "ws", "wss"):
        if (r := by.get((profile, server))):
            check(f"{server} {profile}: RSS after close {r['rss_after_close_ratio']:.3f}x before <= 1.10x", r["rss_after_close_ratio"] <= 1.10)
events = {(r["profile"], r["server"]): r for r in rows if "messages" in r}
if events:
    print()
    print("agent events on the wire, bytes (json / wire with deflate as Chromium offers it)")
    servers = [s for s in ("baseline", "callgate") if ("events-deflate", s) in events]
    names = []
    for s in servers:
        for m in events[("events-deflate", s)]["messages"]:
            if m["name"] not in names: names.append(m["name"])
    print(f"{'message':<26}" + "".join(f" {s + ' json':>14} {s + ' wire':>14}" for s in servers))
    totals = {}
    for name in names:
        line = f"{name:<26}"
        for s in servers:
            ms = [m for m in events[("events-deflate", s)]["messages"] if m["name"] == name]
            j, w = sum(m["json_bytes"] for m in ms), sum(m["wire_bytes"] for m in ms)
            totals[s] = (totals.get(s, (0, 0))[0] + j, totals.get(s, (0, 0))[1] + w)
            line += f" {j:>14} {w:>14}"
        print(line)
    print(f"{'all':<26}" + "".join(f" {totals[s][0]:>14} {totals[s][1]:>14}" for s in servers))
    for s in servers:
        print(f"  {s}: extensions {events[('events-deflate', s)]['extensions']}")
    if len(servers) == 2:
        def wire(s, names):
            return sum(m["wire_bytes"] for m in events[("events-deflate", s)]["messages"] if m["name"] in names)
        for label, picked in (("callRinging", {"callRinging"}), ("ready", {"ready"}), ("all messages", set(names))):
            ratio = wire("callgate", picked) / wire("baseline", picked)
            check(f"events: {label} compressed {ratio:.2f}x the baseline's <= 1.2x", ratio <= 1.2)
if checks:
    print()
    print("targets (issue 16):")
    print("\n".join(checks))
EOF
cat "$TABLE"
say "results: $JSONL, $TABLE, logs in $LOG_DIR"
exit $FAILED
