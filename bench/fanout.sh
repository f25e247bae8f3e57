#!/usr/bin/env bash
# The fan-out benchmark: one call event to N agent sessions, time until the last socket has it,
# Callgate against a SwiftNIO fan-out server (nio-fanout) measured in the same run. See
# bench/README.md, "Fan-out". Settings come from the environment:
#   BENCH_FANOUT_SESSIONS=10000          WebSocket sessions (Callgate: 1 logged in + N-1 attached tabs)
#   BENCH_FANOUT_ROUNDS=20               measured rounds
#   BENCH_FANOUT_WARMUP_ROUNDS=3         rounds before them, run and checked but not reported
#   BENCH_FANOUT_THREADS=2               event loop threads of both servers
#   BENCH_FANOUT_SIZE=                   nio-fanout's message size in bytes (default: the size of
#                                        Callgate's callRinging in this run, else 1300)
#   BENCH_FANOUT_SERVERS="callgate nio"  which servers, in order
#   BENCH_FANOUT_TIMEOUT=10              seconds a round (or a setup step) may take
#   BENCH_FANOUT_PAUSE=0.1               seconds between rounds
#   BENCH_FANOUT_SOURCE_ADDRESSES=1      spread the sessions over 127.0.0.1 ... 127.0.0.K
#   BENCH_SERVER_CPU= BENCH_LOADGEN_CPU= taskset -c lists (empty: not pinned)
#   CALLGATE_BIN=path, BENCH_SKIP_BUILD=1   as in run.sh
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
SESSIONS=${BENCH_FANOUT_SESSIONS:-10000}
ROUNDS=${BENCH_FANOUT_ROUNDS:-20}
WARMUP_ROUNDS=${BENCH_FANOUT_WARMUP_ROUNDS:-3}
THREADS=${BENCH_FANOUT_THREADS:-2}
SIZE=${BENCH_FANOUT_SIZE:-}
SERVERS=${BENCH_FANOUT_SERVERS:-"callgate nio"}
TIMEOUT=${BENCH_FANOUT_TIMEOUT:-10}
PAUSE=${BENCH_FANOUT_PAUSE:-0.1}
SOURCE_ADDRESSES=${BENCH_FANOUT_SOURCE_ADDRESSES:-1}
SERVER_CPU=${BENCH_SERVER_CPU:-}
LOADGEN_CPU=${BENCH_LOADGEN_CPU:-}
BUILD_PRODUCT=1
[[ -n "${CALLGATE_BIN:-}" ]] && BUILD_PRODUCT=0
CALLGATE_BIN=${CALLGATE_BIN:-$BENCH_DIR/../.build/release/callgate}
BIN_DIR=$BENCH_DIR/.build/release
LOADGEN=$BIN_DIR/loadgen
NIO_FANOUT=$BIN_DIR/nio-fanout
# lib.sh's build_binaries checks that $NIO_ECHO exists; here the reference server is nio-fanout.
NIO_ECHO=$NIO_FANOUT

# The bench user, its phone, and the call the trigger makes (docs/agent-protocol.md).
AGENT_USER=bench
AGENT_IDENTIFIER=bench-phone
CALL_FROM=%2B420602123456

. "$BENCH_DIR/lib.sh"
results_folder "fanout-"

stop_server_on_exit

# pinned CPUS COMMAND...: runs COMMAND under taskset -c CPUS, or as is when CPUS is empty.
pinned() {
    local cpus=$1
    shift
    if [[ -n "$cpus" ]]; then taskset -c "$cpus" "$@"; else "$@"; fi
}

# start_pinned CPUS COMMAND... &: the same for a server started in the background. It execs, so
# $! is the server's own pid (for SIGTERM and for its CPU time), not a subshell's.
start_pinned() {
    local cpus=$1
    shift
    if [[ -n "$cpus" ]]; then exec taskset -c "$cpus" "$@"; else exec "$@"; fi
}

# =============================================================================================
# THE DIRECTORY FORMAT. write_directory FILE PASSWORD_HASH writes the switchboard directory for
# the bench: one user, one phone, no queues, in the format of docs/directory.md; if it changes,
# this function is the one place to adjust.
# =============================================================================================
write_directory() {
    local file=$1 password_hash=$2
    cat >"$file" <<JSON
{
  "users": [
    {"username": "$AGENT_USER", "id": 1, "password": "$password_hash", "firstname": "Bench", "lastname": "User", "primary_extension": 2001}
  ],
  "devices": [
    {"id": "$AGENT_IDENTIFIER", "name": "Bench phone", "extension": 2001, "identifiers": ["$AGENT_IDENTIFIER"]}
  ],
  "queues": [],
  "settings": {"acwSeconds": 0}
}
JSON
}

# password_hash PASSWORD: Callgate's PBKDF2 form (Sources/AuthSchemes/PasswordHash.swift),
# $pbkdf2-sha256$i=1000$<salt>$<hash>, unpadded standard base64, made with the OpenSSL CLI.
password_hash() {
    local password=$1 salt hash
    salt=$(openssl rand -hex 16) || return 1
    hash=$(openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt "pass:$password" -kdfopt "hexsalt:$salt" \
        -kdfopt iter:1000 PBKDF2 | tr -d ':\n') || return 1
    [[ ${#hash} == 64 ]] || return 1
    printf '$pbkdf2-sha256$i=1000$%s$%s' "$(hex_to_base64 "$salt")" "$(hex_to_base64 "$hash")"
}

hex_to_base64() {
    # shellcheck disable=SC2059
    printf "$(sed 's/../\\x&/g' <<<"$1")" | base64 -w0 | tr -d '='
}

# json_field LINE KEY: a scalar member of a flat JSON line.
json_field() {
    sed -n "s/.*\"$2\":\"\{0,1\}\([^\",}]*\).*/\1/p" <<<"$1"
}

# --- build -------------------------------------------------------------------------------------
build_binaries "$([[ " $SERVERS " == *" callgate "* ]] && echo 1 || echo 0)"
[[ -x "$NIO_FANOUT" ]] || { say "$NIO_FANOUT is missing: swift build -c release --package-path bench"; exit 1; }

# Both processes hold one descriptor per session.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if (( $(ulimit -n) < SESSIONS + 100 )); then
    say "warning: ulimit -n is $(ulimit -n), below the $SESSIONS sessions plus headroom"
fi

FAILED=0
CALLGATE_FAILED=

# stop_server: SIGTERM, then SIGKILL after 5 s.
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

# run_loadgen LABEL LOG PORT ARGS...: runs the fan-out client; appends its JSON line to $JSONL
# and sets LOADGEN_JSON; returns loadgen's status.
run_loadgen() {
    local label=$1 log=$2 port=$3 status
    shift 3
    pinned "$LOADGEN_CPU" "$LOADGEN" --port "$port" --fanout --connections "$SESSIONS" --rounds "$ROUNDS" --warmup-rounds "$WARMUP_ROUNDS" \
        --timeout "$TIMEOUT" --round-pause "$PAUSE" --source-addresses "$SOURCE_ADDRESSES" --server-pid "$SERVER_PID" \
        --label "$label" "$@" >"$log.loadgen-stdout" 2>"$log.loadgen-stderr"
    status=$?
    grep -v '^{' "$log.loadgen-stdout" >&2
    LOADGEN_JSON=$(grep '^{' "$log.loadgen-stdout" | tail -1)
    [[ -n "$LOADGEN_JSON" ]] && sed "s/^{/{\"bench\":\"fanout\",\"run\":\"$RUN_ID\",\"threads\":$THREADS,/" <<<"$LOADGEN_JSON" >>"$JSONL"
    return $status
}

# --- Callgate ----------------------------------------------------------------------------------
run_callgate() {
    local port log config directory password hash api_key deadline
    port=$(free_port) || { say "no free port found"; exit 1; }
    log=$LOG_DIR/callgate.log
    config=$LOG_DIR/callgate-fanout.json
    directory=$LOG_DIR/directory.json
    password=$(openssl rand -hex 12)
    api_key=$(openssl rand -hex 24)
    hash=$(password_hash "$password") || { say "openssl could not make the PBKDF2 password hash"; exit 1; }
    write_directory "$directory" "$hash"
    # maxConnections: the sessions, the trigger connections and headroom; no per-address cap.
    cat >"$config" <<JSON
{
  "listen": ["127.0.0.1:$port"],
  "threads": $THREADS,
  "stateDirectory": "$LOG_DIR/callgate-state",
  "limits": {"maxConnections": $((SESSIONS + 1000)), "maxConnectionsPerAddress": 0},
  "agents": {"directory": "$directory"},
  "admin": {"apiKey": "$api_key"}
}
JSON
    start_pinned "$SERVER_CPU" "$CALLGATE_BIN" --config "$config" --threads "$THREADS" >"$log" 2>&1 &
    SERVER_PID=$!
    deadline=$((SECONDS + 15))
    until [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port/healthz") == 200 ]]; do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            wait "$SERVER_PID" 2>/dev/null
            CALLGATE_FAILED="Callgate exited (status $?) before it was ready (config $config, log $log)"
            if grep -qE 'agents|admin' "$log"; then
                CALLGATE_FAILED+="; it refused the agents/admin config (docs/config.md)"
            fi
            say "$CALLGATE_FAILED; its log ends:"
            tail -5 "$log" | sed 's/^/    /' >&2
            SERVER_PID=
            return 1
        fi
        if (( SECONDS >= deadline )); then
            CALLGATE_FAILED="Callgate did not answer GET /healthz with 200 within 15 s (log $log)"
            say "$CALLGATE_FAILED"
            stop_server
            return 1
        fi
        sleep 0.1
    done
    say "callgate on 127.0.0.1:$port (pid $SERVER_PID, $THREADS threads${SERVER_CPU:+, CPU $SERVER_CPU}): $SESSIONS sessions, $WARMUP_ROUNDS+$ROUNDS rounds"
    if ! run_loadgen callgate "$log" "$port" --path /ws --event callRinging --hangup-event callHangup \
        --trigger "/admin/calls?from=$CALL_FROM&user=$AGENT_USER" --hangup "/admin/calls/{uniqueid}/hangup" \
        --authorization "Bearer $api_key" --agent-user "$AGENT_USER" --agent-password "$password" \
        --agent-identifier "$AGENT_IDENTIFIER"; then
        local reason
        reason=$(grep -v '^loadgen: [0-9]* sessions ready' "$log.loadgen-stderr" | tail -3)
        if [[ -z "$LOADGEN_JSON" ]]; then
            CALLGATE_FAILED="the Callgate run failed before any round: $reason"
            if grep -qE 'handshake failed on connection 0|agent login|login reply|attach refused|on connection 0: server (sent Close|closed|reset)' \
                "$log.loadgen-stderr"; then
                CALLGATE_FAILED+=" -- Callgate failed at the WebSocket upgrade on /ws or at login"
            fi
        else
            CALLGATE_FAILED="Callgate: a count did not match: $reason"
        fi
        say "$CALLGATE_FAILED"
        [[ -s "$log.loadgen-stderr" ]] && sed 's/^/    /' "$log.loadgen-stderr" >&2
        stop_server
        return 1
    fi
    stop_server
    local bytes
    bytes=$(json_field "$LOADGEN_JSON" event_bytes)
    if [[ -z "$SIZE" && -n "$bytes" && "$bytes" != null ]]; then
        SIZE=$bytes
        say "Callgate's callRinging is $SIZE bytes: nio-fanout broadcasts $SIZE bytes"
    fi
}

# --- nio-fanout --------------------------------------------------------------------------------
run_nio() {
    local port log received written
    port=$(free_port) || { say "no free port found"; exit 1; }
    log=$LOG_DIR/nio-fanout.log
    SIZE=${SIZE:-1300}
    start_pinned "$SERVER_CPU" "$NIO_FANOUT" --host 127.0.0.1 --port "$port" --threads "$THREADS" >"$log" 2>&1 &
    SERVER_PID=$!
    if ! pinned "$LOADGEN_CPU" "$LOADGEN" --port "$port" --path / --probe --timeout 10 >/dev/null 2>"$log.probe-stderr"; then
        say "nio-fanout did not come up on 127.0.0.1:$port: $(cat "$log.probe-stderr") (log $log)"
        stop_server
        FAILED=1
        return 1
    fi
    say "nio-fanout on 127.0.0.1:$port (pid $SERVER_PID, $THREADS threads${SERVER_CPU:+, CPU $SERVER_CPU}): $SESSIONS sessions, $WARMUP_ROUNDS+$ROUNDS rounds of $SIZE bytes"
    run_loadgen nio-fanout "$log" "$port" --path / --event broadcast --trigger "/broadcast?size=$SIZE"
    local status=$?
    cat "$log.loadgen-stderr" >&2
    stop_server
    if [[ $status != 0 ]]; then
        say "nio-fanout run FAILED (status $status)"
        FAILED=1
    fi
    # nio-fanout's own count of messages written must equal the events loadgen received.
    written=$(sed -n 's/.*totals connections=[0-9]* broadcasts=[0-9]* messages=\([0-9]*\).*/\1/p' "$log")
    received=$(json_field "$LOADGEN_JSON" events_received)
    if [[ -z "$written" || -z "$received" || "$written" != "$received" ]]; then
        say "MISMATCH: nio-fanout wrote ${written:-?} messages, loadgen received ${received:-?}"
        FAILED=1
    fi
}

for server in $SERVERS; do
    case $server in
    callgate)
        if [[ -n "$CALLGATE_SKIP_REASON" ]]; then
            CALLGATE_FAILED="skipped: $CALLGATE_SKIP_REASON"
            say "skipping Callgate: $CALLGATE_SKIP_REASON"
        else
            run_callgate
        fi
        [[ -n "$CALLGATE_FAILED" ]] && FAILED=1
        ;;
    nio) run_nio ;;
    *) say "unknown server '$server' (callgate or nio)"; exit 2 ;;
    esac
done

# --- table -------------------------------------------------------------------------------------
if [[ ! -s "$JSONL" ]]; then
    say "no results"
    exit 1
fi
awk -v run="$RUN_ID" -v callgate_failed="$CALLGATE_FAILED" '
function field(line, key,    m) {
    if (match(line, "\"" key "\":(\"[^\"]*\"|[^,}]*)")) {
        m = substr(line, RSTART + length(key) + 3, RLENGTH - length(key) - 3)
        gsub(/"/, "", m)
        return m
    }
    return "null"
}
function show(v, fmt) { return (v == "null" || v == "") ? "-" : sprintf(fmt, v) }
field($0, "run") == run { row[field($0, "label")] = $0 }
END {
    fmt = "%-10s %6s %7s %6s %5s %9s %9s %9s %9s %9s %10s %10s %15s\n"
    printf fmt, "server", "N", "rounds", "size B", "thr", "first p50", "half p50", "last p50", "last p90", "last max", "srv cpu ms", "gen cpu ms", "events"
    printf fmt, "", "", "", "", "", "ms", "ms", "ms", "ms", "ms", "/round", "/round", "got/expected"
    split("callgate nio-fanout", names, " ")
    for (k = 1; k <= 2; k++) {
        s = names[k]
        if (!(s in row)) continue
        l = row[s]
        printf fmt, s, field(l, "connections"), field(l, "complete_rounds") "/" field(l, "rounds"), show(field(l, "event_bytes"), "%d"),
            field(l, "threads"), show(field(l, "first_p50_ms"), "%.2f"), show(field(l, "half_p50_ms"), "%.2f"),
            show(field(l, "last_p50_ms"), "%.2f"), show(field(l, "last_p90_ms"), "%.2f"), show(field(l, "last_max_ms"), "%.2f"),
            show(field(l, "server_cpu_s_per_round") * 1000, "%.1f"), show(field(l, "loadgen_cpu_s_per_round") * 1000, "%.1f"),
            field(l, "events_received") "/" field(l, "events_expected")
        if (field(l, "counts_match") != "true") printf "  %s: COUNTS DO NOT MATCH (%s unexpected, %s seq mismatches, %s incomplete rounds)\n", s, field(l, "events_unexpected"), field(l, "seq_mismatches"), field(l, "incomplete_rounds")
    }
    if (!("callgate" in row) && callgate_failed != "") printf "callgate   not measured: %s\n", callgate_failed
    if ("callgate" in row) {
        p90 = field(row["callgate"], "last_p90_ms")
        printf "\ntarget: one call event to %s sessions, last socket <= 50 ms (judged on p90): %s (p50 %s ms, p90 %s ms, max %s ms)\n",
            field(row["callgate"], "connections"), (p90 != "null" && p90 + 0 <= 50 ? "PASS" : "FAIL"),
            field(row["callgate"], "last_p50_ms"), p90, field(row["callgate"], "last_max_ms")
        if ("nio-fanout" in row && field(row["nio-fanout"], "last_p50_ms") + 0 > 0)
            printf "Callgate / nio-fanout, last socket p50: %.2fx\n", field(row["callgate"], "last_p50_ms") / field(row["nio-fanout"], "last_p50_ms")
    }
    printf "\n(times from just before the trigger request is written; callgate rounds include the hangup step, so its cpu/round covers callNew, callRinging, the ack and callHangup; nio-fanout has one message per round)\n"
}
' "$JSONL" | tee "$TABLE"
say "results: $JSONL, table: $TABLE, logs: $LOG_DIR/"
exit $FAILED
