#!/usr/bin/env bash
# The soak: SOAK_CONNECTIONS WebSocket connections held for SOAK_SECONDS under a mixed load (agent
# tabs receiving call events, echo traffic, permessage-deflate as Chromium offers it, connections
# coming and going), with the server's RSS and open files sampled throughout; then every
# connection closes and the memory must come back. Callgate first, then the same echo load
# (without the agent part) against nio-echo. See bench/README.md, "Soak". Settings, from the
# environment:
#   SOAK_SECONDS=600 SOAK_CONNECTIONS=10000   seconds of full load after setup; connections
#   SOAK_QUICK=1                 a check of the script: 60 s x 1000 connections (explicit settings win)
#   SOAK_WARMUP=120              the first seconds of the load, not judged
#   SOAK_SETTLE=30               seconds after every connection has closed, before the last sample
#   SOAK_SAMPLE_INTERVAL=5       seconds between samples of the server's RSS and fds
#   SOAK_AGENT_SHARE=0.5 SOAK_TABS_PER_USER=2   agent tabs' share of the connections; tabs per user
#   SOAK_CALL_INTERVAL=30 SOAK_TALK=3           mean seconds between a user's calls; connected seconds
#   SOAK_ECHO_INTERVAL=2 SOAK_ECHO_MAX_SIZE=4096   mean seconds between echoes per connection; largest
#   SOAK_CHURN=0.005             share of the connections closed and reopened per second
#   SOAK_DEFLATE=1               0: offer no permessage-deflate
#   SOAK_REPLAY_AGE=60           Callgate's agents.replayAgeSeconds for the run (see README)
#   SOAK_SOURCE_ADDRESSES=8      spread the connections over 127.0.0.1 ... 127.0.0.K
#   SOAK_SERVERS="callgate nio"  which servers, in order
#   SOAK_PEER_CONNECTIONS=       nio-echo's connections (default: the echo part of SOAK_CONNECTIONS)
#   SOAK_THREADS=1               event loop threads of both servers
#   SOAK_MALLOC_PROBE=1          after the run, ask the server's glibc (through gdb) how much of its
#                                heap is in use, and what malloc_trim(0) gives back (0: skip)
#   SOAK_NICE=                   e.g. -10: run the soak as its own session whose scheduling group
#                                has this nice value (/proc/self/autogroup, and renice), so that a
#                                machine shared with other work disturbs it less (root only)
#   BENCH_SERVER_CPU=1 BENCH_LOADGEN_CPU=0   taskset -c pinning
#   CALLGATE_BIN=path, BENCH_SKIP_BUILD=1    as in run.sh
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
# SOAK_NICE: a session of its own (so that nothing else of the caller's shares the group), then
# the group's nice value (with CONFIG_SCHED_AUTOGROUP the scheduler shares CPU between sessions
# first), and the process's own for kernels without autogroups.
if [[ -n "${SOAK_NICE:-}" && -z "${SOAK_NICE_APPLIED:-}" ]]; then
    export SOAK_NICE_APPLIED=1
    exec setsid --wait "$0" "$@"
fi
if [[ -n "${SOAK_NICE:-}" ]]; then
    [[ -w /proc/self/autogroup ]] && echo "$SOAK_NICE" >/proc/self/autogroup 2>/dev/null
    renice -n "$SOAK_NICE" -p $$ >/dev/null 2>&1 || printf 'bench: could not renice to %s (root only)\n' "$SOAK_NICE" >&2
fi
if [[ "${SOAK_QUICK:-0}" == 1 ]]; then
    SECONDS_LOADED=${SOAK_SECONDS:-60}
    CONNECTIONS=${SOAK_CONNECTIONS:-1000}
    WARMUP=${SOAK_WARMUP:-20}
    SETTLE=${SOAK_SETTLE:-10}
    SAMPLE_INTERVAL=${SOAK_SAMPLE_INTERVAL:-2}
else
    SECONDS_LOADED=${SOAK_SECONDS:-600}
    CONNECTIONS=${SOAK_CONNECTIONS:-10000}
    WARMUP=${SOAK_WARMUP:-120}
    SETTLE=${SOAK_SETTLE:-30}
    SAMPLE_INTERVAL=${SOAK_SAMPLE_INTERVAL:-5}
fi
AGENT_SHARE=${SOAK_AGENT_SHARE:-0.5}
TABS_PER_USER=${SOAK_TABS_PER_USER:-2}
CALL_INTERVAL=${SOAK_CALL_INTERVAL:-30}
TALK=${SOAK_TALK:-3}
ECHO_INTERVAL=${SOAK_ECHO_INTERVAL:-2}
ECHO_MAX_SIZE=${SOAK_ECHO_MAX_SIZE:-4096}
CHURN=${SOAK_CHURN:-0.005}
DEFLATE=${SOAK_DEFLATE:-1}
REPLAY_AGE=${SOAK_REPLAY_AGE:-60}
SOURCE_ADDRESSES=${SOAK_SOURCE_ADDRESSES:-8}
SERVERS=${SOAK_SERVERS:-"callgate nio"}
THREADS=${SOAK_THREADS:-1}
MALLOC_PROBE=${SOAK_MALLOC_PROBE:-1}
SERVER_CPU=${BENCH_SERVER_CPU:-1}
LOADGEN_CPU=${BENCH_LOADGEN_CPU:-0}
BUILD_PRODUCT=1
[[ -n "${CALLGATE_BIN:-}" ]] && BUILD_PRODUCT=0
CALLGATE_BIN=${CALLGATE_BIN:-$BENCH_DIR/../.build/release/callgate}
BIN_DIR=$BENCH_DIR/.build/release
LOADGEN=$BIN_DIR/loadgen
NIO_ECHO=$BIN_DIR/nio-echo

# Whole users: the tabs are the agent share of the connections, rounded down to whole users.
USERS=$(awk -v c="$CONNECTIONS" -v s="$AGENT_SHARE" -v t="$TABS_PER_USER" 'BEGIN { print int(int(c * s) / t) }')
TABS=$((USERS * TABS_PER_USER))
PEER_CONNECTIONS=${SOAK_PEER_CONNECTIONS:-$((CONNECTIONS - TABS))}
USER_PREFIX=soak

. "$BENCH_DIR/lib.sh"
results_folder "soak-"
stop_server_on_exit

# --- the machine -------------------------------------------------------------------------------
MACHINE="$(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), kernel $(uname -r), $(awk '/MemTotal/ { printf "%.1f GiB RAM", $2 / 1048576 }' /proc/meminfo), ulimit -n $(ulimit -Hn)"
say "machine: $MACHINE; $(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg)${SOAK_NICE:+; soak at nice $SOAK_NICE ($(cat /proc/self/autogroup 2>/dev/null || echo 'no autogroup'))}"

# --- build -------------------------------------------------------------------------------------
build_binaries "$([[ " $SERVERS " == *" callgate "* ]] && echo 1 || echo 0)"

# Both processes hold one descriptor per connection.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if (( $(ulimit -n) < CONNECTIONS + 200 )); then
    say "ulimit -n is $(ulimit -n), below the $CONNECTIONS connections plus headroom"
    exit 1
fi

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

# write_directory FILE HASH: USERS users soak1 ... soakN (one password) with phones soakI-phone,
# in the format of docs/directory.md. One ended call is kept per user (historyCalls), so that the
# call history reaches its bound within the warm-up.
write_directory() {
    local file=$1 hash=$2
    awk -v n="$USERS" -v p="$USER_PREFIX" -v h="$hash" 'BEGIN {
        printf "{\n  \"settings\": {\"acwSeconds\": 0, \"ringSeconds\": 30, \"historyCalls\": 1},\n  \"users\": [\n"
        for (i = 1; i <= n; i++)
            printf "    {\"username\": \"%s%d\", \"id\": %d, \"password\": \"%s\", \"primary_extension\": %d}%s\n", p, i, i, h, 100000 + i, (i < n ? "," : "")
        printf "  ],\n  \"devices\": [\n"
        for (i = 1; i <= n; i++)
            printf "    {\"id\": \"%s%d-phone\", \"extension\": %d, \"owner\": \"%s%d\", \"identifiers\": [\"%s%d-phone\"]}%s\n", p, i, 100000 + i, p, i, p, i, (i < n ? "," : "")
        printf "  ],\n  \"queues\": []\n}\n"
    }' >"$file"
}

# stop_server: SIGTERM, then SIGKILL after 10 s.
stop_server() {
    [[ -n "$SERVER_PID" ]] || return 0
    kill -TERM "$SERVER_PID" 2>/dev/null
    local i
    for i in $(seq 100); do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=
}

FAILED=0
declare -A RESULT

# run_soak LABEL LOG PORT ARGS...: the soak against the server in SERVER_PID; keeps its JSON line
# in $JSONL and RESULT[LABEL], its report in LOG.report and its series in LOG.csv.
run_soak() {
    local label=$1 log=$2 port=$3 status json
    shift 3
    local deflate_flag=()
    [[ "$DEFLATE" == 1 ]] || deflate_flag=(--no-deflate)
    say "$label: report $log.report, series $log.csv"
    taskset -c "$LOADGEN_CPU" "$LOADGEN" --soak --port "$port" --server-pid "$SERVER_PID" --label "$label" \
        --duration "$SECONDS_LOADED" --warmup "$WARMUP" --settle "$SETTLE" --sample-interval "$SAMPLE_INTERVAL" \
        --echo-interval "$ECHO_INTERVAL" --echo-max-size "$ECHO_MAX_SIZE" --churn "$CHURN" \
        --source-addresses "$SOURCE_ADDRESSES" --series "$log.csv" "${deflate_flag[@]}" "$@" \
        >"$log.report" 2>"$log.loadgen-stderr"
    status=$?
    grep -v '^{' "$log.report"
    json=$(grep '^{' "$log.report" | tail -1)
    if [[ -n "$json" ]]; then
        json=$(sed "s/^{/{\"bench\":\"soak\",\"run\":\"$RUN_ID\",\"threads\":$THREADS,/" <<<"$json")
        echo "$json" >>"$JSONL"
        RESULT[$label]=$json
    else
        say "$label: no report (loadgen exit status $status); its stderr ends:"
        tail -5 "$log.loadgen-stderr" | sed 's/^/    /' >&2
    fi
    return $status
}

# malloc_probe LOG: with every connection closed, what the server's heap holds. gdb calls glibc's
# malloc_stats() (its per-arena "system bytes" and "in use bytes" go to the server's stderr, which
# is LOG.log) and then malloc_trim(0), and VmRSS is read before and after: memory that the trim
# gives back was free but kept by the allocator, not leaked. Appends one line to LOG.report.
malloc_probe() {
    local log=$1 before after in_use system
    [[ "$MALLOC_PROBE" == 1 && -n "$SERVER_PID" ]] || return 0
    if ! command -v gdb >/dev/null; then
        say "malloc probe skipped: no gdb (apt-get install gdb, or SOAK_MALLOC_PROBE=0)"
        return 0
    fi
    before=$(awk '/^VmRSS/ { print $2 }' "/proc/$SERVER_PID/status")
    if ! gdb -p "$SERVER_PID" -batch -ex 'call (void)malloc_stats()' -ex 'call (int)malloc_trim(0)' >"$log.gdb" 2>&1; then
        say "malloc probe failed (gdb -p $SERVER_PID, see $log.gdb)"
        return 0
    fi
    sleep 0.5
    after=$(awk '/^VmRSS/ { print $2 }' "/proc/$SERVER_PID/status")
    system=$(awk '/^Total/ { t = 1 } t && /system bytes/ { print $4; exit }' "$log.log")
    in_use=$(awk '/^Total/ { t = 1 } t && /in use bytes/ { print $5; exit }' "$log.log")
    echo "  malloc probe after close: VmRSS $((before / 1024)) MiB; glibc heap $((${system:-0} / 1048576)) MiB, in use $((${in_use:-0} / 1048576)) MiB; after malloc_trim(0) VmRSS $((after / 1024)) MiB" | tee -a "$log.report"
}

# log_summary LOG: Callgate's log lines counted by event (the first word after the level).
log_summary() {
    awk '/^[0-9][0-9][0-9][0-9]-/ { for (i = 1; i <= NF; i++) if ($i !~ /=/ && $i !~ /^[0-9T:.Z-]+$/ && $i !~ /^(info|debug|warning|error|notice)$/) { n[$i]++; break } }
         END { for (k in n) printf "%s %d\n", k, n[k] }' "$1" | sort -k2,2nr | head -12 | tr '\n' ';'
}

# --- Callgate ----------------------------------------------------------------------------------
run_callgate() {
    local port log config directory password hash api_key deadline agent_args=()
    port=$(free_port) || { say "no free port found"; exit 1; }
    log=$LOG_DIR/callgate
    config=$LOG_DIR/callgate-soak.json
    directory=$LOG_DIR/directory.json
    password=$(openssl rand -hex 12)
    api_key=$(openssl rand -hex 24)
    hash=$(password_hash "$password") || { say "openssl could not make the PBKDF2 password hash"; exit 1; }
    write_directory "$directory" "$hash"
    # maxConnections: the connections, churn's reconnects and the admin requests; no per-address
    # cap (the load generator's addresses are few). replayAgeSeconds: see bench/README.md, "Soak".
    cat >"$config" <<JSON
{
  "listen": ["127.0.0.1:$port"],
  "threads": $THREADS,
  "stateDirectory": "$LOG_DIR/callgate-state",
  "echoPaths": ["/echo"],
  "limits": {"maxConnections": $((CONNECTIONS + 1000)), "maxConnectionsPerAddress": 0},
  "agents": {"directory": "$directory", "replayAgeSeconds": $REPLAY_AGE},
  "admin": {"apiKey": "$api_key"}
}
JSON
    taskset -c "$SERVER_CPU" "$CALLGATE_BIN" --config "$config" >"$log.log" 2>&1 &
    SERVER_PID=$!
    deadline=$((SECONDS + 15))
    until [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port/healthz") == 200 ]]; do
        if ! kill -0 "$SERVER_PID" 2>/dev/null || (( SECONDS >= deadline )); then
            say "Callgate did not come up on 127.0.0.1:$port (config $config); its log ends:"
            tail -5 "$log.log" | sed 's/^/    /' >&2
            stop_server
            FAILED=1
            return 1
        fi
        sleep 0.1
    done
    (( TABS > 0 )) && agent_args=(--agent-share "$AGENT_SHARE" --tabs-per-user "$TABS_PER_USER" --user-prefix "$USER_PREFIX"
        --agent-password "$password" --authorization "Bearer $api_key" --call-interval "$CALL_INTERVAL" --talk "$TALK")
    (( TABS > 0 )) || agent_args=(--agent-share 0)
    say "callgate on 127.0.0.1:$port (pid $SERVER_PID, $THREADS thread(s), CPU $SERVER_CPU): $CONNECTIONS connections ($TABS tabs of $USERS users), ${SECONDS_LOADED} s"
    run_soak callgate "$log" "$port" --connections "$CONNECTIONS" --echo-path /echo --agent-path /ws \
        "${agent_args[@]}" $([[ "$DEFLATE" == 1 ]] && echo --require-deflate) || FAILED=1
    kill -0 "$SERVER_PID" 2>/dev/null || { say "Callgate is no longer running (log $log.log)"; FAILED=1; }
    malloc_probe "$log"
    stop_server
    say "callgate log: $(wc -l <"$log.log") lines: $(log_summary "$log.log")"
}

# --- nio-echo ----------------------------------------------------------------------------------
run_nio() {
    local port log echoed sent
    port=$(free_port) || { say "no free port found"; exit 1; }
    log=$LOG_DIR/nio-echo
    taskset -c "$SERVER_CPU" "$NIO_ECHO" --host 127.0.0.1 --port "$port" --threads "$THREADS" >"$log.log" 2>&1 &
    SERVER_PID=$!
    if ! taskset -c "$LOADGEN_CPU" "$LOADGEN" --port "$port" --path / --probe --timeout 10 >/dev/null 2>"$log.probe-stderr"; then
        say "nio-echo did not come up on 127.0.0.1:$port: $(cat "$log.probe-stderr")"
        stop_server
        FAILED=1
        return 1
    fi
    say "nio-echo on 127.0.0.1:$port (pid $SERVER_PID, $THREADS thread(s), CPU $SERVER_CPU): $PEER_CONNECTIONS echo connections, ${SECONDS_LOADED} s"
    # NIOWebSocket has no permessage-deflate: nio-echo declines the offer, and the echoes go
    # uncompressed (bench/README.md, "Soak").
    run_soak nio-echo "$log" "$port" --connections "$PEER_CONNECTIONS" --agent-share 0 --echo-path / || FAILED=1
    malloc_probe "$log"
    stop_server
    # nio-echo's own count of echoed messages must equal what loadgen sent (the probe sent none).
    echoed=$(sed -n 's/.*totals connections=[0-9]* messages=\([0-9]*\).*/\1/p' "$log.log")
    sent=$(json_field "${RESULT[nio-echo]:-}" echoes_sent)
    if [[ -z "$echoed" || -z "$sent" || "$echoed" != "$sent" ]]; then
        say "MISMATCH: nio-echo echoed ${echoed:-?} messages, loadgen sent ${sent:-?}"
        FAILED=1
    fi
}

# json_field LINE KEY: a scalar member of a flat JSON line.
json_field() {
    sed -n "s/.*\"$2\":\"\{0,1\}\([^\",}]*\).*/\1/p" <<<"$1"
}

for server in $SERVERS; do
    case $server in
    callgate)
        if [[ -n "$CALLGATE_SKIP_REASON" ]]; then
            say "skipping Callgate: $CALLGATE_SKIP_REASON"
            FAILED=1
        else
            run_callgate
        fi
        ;;
    nio) run_nio ;;
    *) say "unknown server '$server' (callgate or nio)"; exit 2 ;;
    esac
done

# --- summary -----------------------------------------------------------------------------------
{
    echo "soak $RUN_ID: $MACHINE"
    echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    printf '%-9s %6s %5s %9s %9s %9s %9s %8s %9s %7s %7s %7s %6s %s\n' server conns tabs "before" "ref" "min" "max" "dev %" "after" "ret %" "fd ref" "fd aft" errors verdicts
    for label in callgate nio-echo; do
        json=${RESULT[$label]:-}
        [[ -n "$json" ]] || continue
        mib() { awk -v b="$(json_field "$json" "$1")" 'BEGIN { if (b == "null" || b == "") print "-"; else printf "%.1f", b / 1048576 }'; }
        printf '%-9s %6s %5s %9s %9s %9s %9s %8s %9s %7s %7s %7s %6s %s\n' "$label" "$(json_field "$json" connections)" "$(json_field "$json" tabs)" \
            "$(mib rss_before)" "$(mib rss_reference)" "$(mib rss_loaded_min)" "$(mib rss_loaded_max)" \
            "$(awk -v l="$(json_field "$json" rss_deviation_low_pct)" -v h="$(json_field "$json" rss_deviation_high_pct)" 'BEGIN { printf "%+.1f/%+.1f", l, h }')" \
            "$(mib rss_after)" "$(awk -v s="$(json_field "$json" returned_share)" 'BEGIN { if (s == "null") print "-"; else printf "%.0f", s * 100 }')" \
            "$(json_field "$json" fds_reference)" "$(json_field "$json" fds_after)" "$(json_field "$json" errors)" \
            "rss:$(json_field "$json" rss_stable) fds:$(json_field "$json" fds_flat) returned:$(json_field "$json" memory_returned)"
    done
    echo "(RSS in MiB: before the first connection, after warm-up (the reference), min and max while loaded, after every connection closed and ${SETTLE} s)"
} | tee "$TABLE"
say "results: $JSONL, table: $TABLE, reports, series (.csv) and logs: $LOG_DIR/"
exit $FAILED
