#!/usr/bin/env bash
# Callgate's WebSocket echo server side by side with a SwiftNIO NIOWebSocket echo server.
# See bench/README.md for what each column means. Settings come from the environment:
#   BENCH_WARMUP=3 BENCH_DURATION=10        seconds of warm-up and of measurement per echo run
#   BENCH_IDLE_CONNECTIONS=1000 BENCH_SETTLE=3   the idle profile
#   BENCH_PROFILES="1x64 100x64 100x4096 idle"   which profiles, in order (CxS = C connections x S bytes)
#   BENCH_SERVERS="callgate nio"            which servers, in order, within each profile
#   BENCH_SERVER_CPU=1 BENCH_LOADGEN_CPU=0  taskset pinning
#   CALLGATE_BIN=path                       Callgate binary (default ../.build/release/callgate,
#                                           built here unless CALLGATE_BIN is set)
#   BENCH_SKIP_BUILD=1                      use the binaries as they are
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
WARMUP=${BENCH_WARMUP:-3}
DURATION=${BENCH_DURATION:-10}
IDLE_CONNECTIONS=${BENCH_IDLE_CONNECTIONS:-1000}
SETTLE=${BENCH_SETTLE:-3}
PROFILES=${BENCH_PROFILES:-"1x64 100x64 100x4096 idle"}
SERVERS=${BENCH_SERVERS:-"callgate nio"}
SERVER_CPU=${BENCH_SERVER_CPU:-1}
LOADGEN_CPU=${BENCH_LOADGEN_CPU:-0}
BUILD_PRODUCT=1
[[ -n "${CALLGATE_BIN:-}" ]] && BUILD_PRODUCT=0
CALLGATE_BIN=${CALLGATE_BIN:-$BENCH_DIR/../.build/release/callgate}
BIN_DIR=$BENCH_DIR/.build/release
LOADGEN=$BIN_DIR/loadgen
NIO_ECHO=$BIN_DIR/nio-echo

RUN_ID=$(date +%Y%m%d-%H%M%S)
RESULTS_DIR=$BENCH_DIR/results
LOG_DIR=$RESULTS_DIR/$RUN_ID
JSONL=$RESULTS_DIR/$RUN_ID.jsonl
TABLE=$RESULTS_DIR/$RUN_ID.txt
mkdir -p "$LOG_DIR"

say() { printf 'bench: %s\n' "$*" >&2; }

SERVER_PID=
cleanup() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build -------------------------------------------------------------------------------------
CALLGATE_SKIP_REASON=
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    if [[ $BUILD_PRODUCT == 1 && " $SERVERS " == *" callgate "* ]]; then
        say "building the product: swift build -c release (log: $LOG_DIR/build-product.log)"
        if ! (cd "$REPO_DIR" && swift build -c release) >"$LOG_DIR/build-product.log" 2>&1; then
            CALLGATE_SKIP_REASON="the product did not build (see $LOG_DIR/build-product.log)"
        fi
    fi
    say "building the bench package: swift build -c release --package-path bench (log: $LOG_DIR/build-bench.log)"
    if ! swift build -c release --package-path "$BENCH_DIR" >"$LOG_DIR/build-bench.log" 2>&1; then
        say "the bench package did not build:"
        tail -20 "$LOG_DIR/build-bench.log" >&2
        exit 1
    fi
fi
for tool in "$LOADGEN" "$NIO_ECHO"; do
    [[ -x "$tool" ]] || { say "$tool is missing: swift build -c release --package-path bench"; exit 1; }
done
if [[ -z "$CALLGATE_SKIP_REASON" && ! -x "$CALLGATE_BIN" ]]; then
    CALLGATE_SKIP_REASON="no Callgate binary at $CALLGATE_BIN (set CALLGATE_BIN)"
fi

# The idle profile needs one descriptor per connection in both processes.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if (( $(ulimit -n) < IDLE_CONNECTIONS + 100 )); then
    say "warning: ulimit -n is $(ulimit -n), below the $IDLE_CONNECTIONS idle connections plus headroom"
fi

# --- helpers -----------------------------------------------------------------------------------

# A port nothing listens on, below the ephemeral range the load generator's own sockets use.
free_port() {
    local port tries=0
    while (( tries++ < 200 )); do
        port=$(( 20000 + RANDOM % 12000 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

# start_server NAME PORT LOG: starts it pinned to SERVER_CPU with one event loop thread; sets SERVER_PID.
start_server() {
    local name=$1 port=$2 log=$3
    case $name in
    callgate) taskset -c "$SERVER_CPU" "$CALLGATE_BIN" --listen "127.0.0.1:$port" --echo / --threads 1 >"$log" 2>&1 & ;;
    nio) taskset -c "$SERVER_CPU" "$NIO_ECHO" --host 127.0.0.1 --port "$port" --threads 1 >"$log" 2>&1 & ;;
    esac
    SERVER_PID=$!
}

# wait_ready NAME PORT: Callgate must answer GET /healthz with 200; both must complete a WebSocket handshake.
wait_ready() {
    local name=$1 port=$2 deadline=$((SECONDS + 15))
    if [[ $name == callgate ]] && command -v curl >/dev/null; then
        until [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port/healthz") == 200 ]]; do
            kill -0 "$SERVER_PID" 2>/dev/null || return 1
            (( SECONDS < deadline )) || return 1
            sleep 0.1
        done
    fi
    taskset -c "$LOADGEN_CPU" "$LOADGEN" --port "$port" --path / --probe --timeout 10 >/dev/null
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

profile_args() {
    case $1 in
    idle) echo "--idle --connections $IDLE_CONNECTIONS --settle $SETTLE" ;;
    *x*) echo "--connections ${1%x*} --size ${1#*x} --warmup $WARMUP --duration $DURATION" ;;
    *) return 1 ;;
    esac
}

# --- runs --------------------------------------------------------------------------------------
FAILED=0
for profile in $PROFILES; do
    args=$(profile_args "$profile") || { say "unknown profile '$profile' (use CxS such as 100x64, or idle)"; exit 2; }
    for server in $SERVERS; do
        if [[ $server == callgate && -n "$CALLGATE_SKIP_REASON" ]]; then
            say "skipping Callgate, $profile: $CALLGATE_SKIP_REASON"
            continue
        fi
        [[ $server == callgate || $server == nio ]] || { say "unknown server '$server' (callgate or nio)"; exit 2; }
        port=$(free_port) || { say "no free port found"; exit 1; }
        log=$LOG_DIR/$server-$profile.log
        start_server "$server" "$port" "$log"
        if ! wait_ready "$server" "$port"; then
            if kill -0 "$SERVER_PID" 2>/dev/null; then
                say "$server did not come up on 127.0.0.1:$port for $profile (log: $log)"
            else
                wait "$SERVER_PID" 2>/dev/null
                say "$server exited (status $?) before it was ready on 127.0.0.1:$port for $profile; its log ends:"
                tail -5 "$log" | sed 's/^/    /' >&2
            fi
            stop_server
            # A server that cannot start will not start for the next profile either.
            [[ $server == callgate ]] && CALLGATE_SKIP_REASON="it did not come up for $profile (log: $log)"
            FAILED=1
            continue
        fi
        say "$profile: $server on 127.0.0.1:$port (pid $SERVER_PID, CPU $SERVER_CPU), loadgen on CPU $LOADGEN_CPU"
        # shellcheck disable=SC2086
        if output=$(taskset -c "$LOADGEN_CPU" "$LOADGEN" --port "$port" --path / --server-pid "$SERVER_PID" \
            --label "$server" $args 2>"$log.loadgen-stderr"); then
            grep -v '^{' <<<"$output" >&2
            grep '^{' <<<"$output" | sed "s/^{/{\"profile\":\"$profile\",\"run\":\"$RUN_ID\",/" >>"$JSONL"
        else
            say "$server $profile FAILED: $(cat "$log.loadgen-stderr")"
            FAILED=1
        fi
        cat "$log.loadgen-stderr" >&2
        stop_server
        # nio-echo prints what it echoed over its life; the load generator's count must match it.
        if [[ $server == nio ]]; then
            echoed=$(sed -n 's/.*totals connections=[0-9]* messages=\([0-9]*\).*/\1/p' "$log")
            counted=$(tail -1 "$JSONL" | sed -n 's/.*"total_echoed":\([0-9]*\).*/\1/p')
            if [[ -n "$echoed" && -n "$counted" && "$echoed" != "$counted" ]]; then
                say "MISMATCH: nio-echo echoed $echoed messages, loadgen verified $counted"
                FAILED=1
            fi
        fi
    done
done

# --- table -------------------------------------------------------------------------------------
[[ -s "$JSONL" ]] || { say "no results"; exit 1; }
awk -v profiles="$PROFILES" -v warmup="$WARMUP" -v duration="$DURATION" '
function field(line, key,    m) {
    if (match(line, "\"" key "\":(\"[^\"]*\"|[^,}]*)")) {
        m = substr(line, RSTART + length(key) + 3, RLENGTH - length(key) - 3)
        gsub(/"/, "", m)
        return m
    }
    return "null"
}
function show(v, fmt) { return (v == "null" || v == "") ? "-" : sprintf(fmt, v) }
{
    p = field($0, "profile"); s = field($0, "label")
    row[p, s] = $0; seen[p, s] = 1
}
END {
    printf "%-9s %-9s %10s %9s %9s %11s %12s %9s %11s %7s %7s\n", "profile", "server", "msgs/s", "p50 us", "p99 us", "cpu us/msg", "user us/msg", "cpu/NIO", "rss/conn B", "srv %", "gen %"
    n = split(profiles, list, " ")
    for (i = 1; i <= n; i++) {
        p = list[i]
        for (k = 1; k <= 2; k++) {
            s = (k == 1) ? "callgate" : "nio"
            if (!((p, s) in seen)) continue
            line = row[p, s]
            ratio = "-"
            if (s == "callgate" && ((p, "nio") in seen)) {
                a = field(line, "server_cpu_us_per_msg"); b = field(row[p, "nio"], "server_cpu_us_per_msg")
                if (a != "null" && b != "null" && b + 0 > 0) ratio = sprintf("%.2fx", a / b)
            }
            util = field(line, "server_cpu_util"); gen = field(line, "loadgen_cpu_util")
            printf "%-9s %-9s %10s %9s %9s %11s %12s %9s %11s %7s %7s\n", p, (s == "nio" ? "nio-echo" : s),
                show(field(line, "msgs_per_s"), "%.0f"), show(field(line, "p50_us"), "%.1f"), show(field(line, "p99_us"), "%.1f"),
                show(field(line, "server_cpu_us_per_msg"), "%.2f"), show(field(line, "server_user_us_per_msg"), "%.2f"), ratio,
                show(field(line, "rss_per_conn_bytes"), "%.0f"),
                (util == "null" ? "-" : sprintf("%.0f", util * 100)), (gen == "null" ? "-" : sprintf("%.0f", gen * 100))
        }
    }
    # The issue'"'"'s targets, where both servers ran.
    if (((("100x64", "callgate") in seen)) && ((("100x64", "nio") in seen))) {
        c = row["100x64", "callgate"]; o = row["100x64", "nio"]
        printf "\ntargets at 100x64:\n"
        # awk compares substr() results as strings unless forced to numbers with + 0.
        verdict(field(c, "server_cpu_us_per_msg") + 0 <= 0.7 * field(o, "server_cpu_us_per_msg"), "server cpu/msg <= 0.7x NIO")
        verdict(field(c, "server_user_us_per_msg") + 0 <= 1.5, "server user cpu/msg <= 1.5 us")
        verdict(field(c, "msgs_per_s") + 0 >= field(o, "msgs_per_s") + 0, "msgs/s >= NIO")
        verdict(field(c, "p99_us") + 0 <= field(o, "p99_us") + 0, "p99 <= NIO")
    }
    if ((("idle", "callgate") in seen)) {
        if (!((("100x64", "callgate") in seen) && (("100x64", "nio") in seen))) printf "\ntargets:\n"
        verdict(field(row["idle", "callgate"], "rss_per_conn_bytes") + 0 <= 4096, "idle RSS/conn <= 4096 B")
    }
    printf "\n(warm-up %s s, measured %s s per echo run; server pinned apart from the load generator)\n", warmup, duration
}
function verdict(ok, text) { printf "  %-4s %s\n", ok ? "PASS" : "FAIL", text }
' "$JSONL" | tee "$TABLE"
say "results: $JSONL, table: $TABLE, logs: $LOG_DIR/"
exit $FAILED
