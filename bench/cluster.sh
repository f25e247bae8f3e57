#!/usr/bin/env bash
# The cluster benchmarks of issue 14 (docs/benchmarks.md, "The cluster"): loopback only, every
# process started here and stopped at the end. Run it under the shared lock:
#   flock /work/wt/bench.lock bench/cluster.sh
# Parts (BENCH_CLUSTER_PARTS, default "fanout rate"):
#   fanout  one call event to N agent tabs (one user: 1 logged in + N-1 attached, as fanout.sh),
#           (a) spread over 3 gateways with `state.engine` redis and the Switchboard service,
#           (b) all on one gateway with the memory engine and the embedded Switchboard:
#           ms to the last socket, and CPU per round of each gateway, Redis and the service.
#   rate    events per second one Redis carries through Callgate: U users, a tab of each on
#           every one of the 3 gateways, each user's status toggled as fast as it is answered
#           (bench/cluster_rate.py); events/s, deliveries/s, CPU of each process, Redis's time
#           per command.
# Settings (environment):
#   BENCH_CLUSTER_SESSIONS=10000   tabs in the fan-out (within 20,000 fds per process)
#   BENCH_CLUSTER_ROUNDS=10 BENCH_CLUSTER_WARMUP_ROUNDS=2   fan-out rounds
#   BENCH_CLUSTER_THREADS=1        event-loop threads of each gateway
#   BENCH_CLUSTER_TIMEOUT=20       seconds a fan-out round or setup step may take
#   BENCH_CLUSTER_RATE_USERS=60 BENCH_CLUSTER_RATE_SECONDS=10
#   BENCH_CLUSTER_RATE_INSTANCES="1 3"   the rate part with so many gateways (a tab per user on each)
#   CALLGATE_BIN=path (default .build/release/callgate, built unless BENCH_SKIP_BUILD=1)
# Every step is bounded: a step that overruns is killed and reported, and the script exits 1.
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
SESSIONS=${BENCH_CLUSTER_SESSIONS:-10000}
ROUNDS=${BENCH_CLUSTER_ROUNDS:-10}
WARMUP_ROUNDS=${BENCH_CLUSTER_WARMUP_ROUNDS:-2}
THREADS=${BENCH_CLUSTER_THREADS:-1}
TIMEOUT=${BENCH_CLUSTER_TIMEOUT:-20}
RATE_USERS=${BENCH_CLUSTER_RATE_USERS:-60}
RATE_SECONDS=${BENCH_CLUSTER_RATE_SECONDS:-10}
PARTS=${BENCH_CLUSTER_PARTS:-"fanout rate"}
RATE_INSTANCES=${BENCH_CLUSTER_RATE_INSTANCES:-"1 3"}
BUILD_PRODUCT=1
[[ -n "${CALLGATE_BIN:-}" ]] && BUILD_PRODUCT=0
CALLGATE_BIN=${CALLGATE_BIN:-$REPO_DIR/.build/release/callgate}
LOADGEN=$BENCH_DIR/.build/release/loadgen
NIO_ECHO=$LOADGEN  # lib.sh checks both; this benchmark has no NIO peer
REDIS_SERVER=$(command -v redis-server || true)
CALL_FROM=%2B420602123456

. "$BENCH_DIR/lib.sh"
results_folder "cluster-"
build_binaries 1
[[ -z "$CALLGATE_SKIP_REASON" ]] || { say "$CALLGATE_SKIP_REASON"; exit 1; }
[[ -n "$REDIS_SERVER" ]] || { say "redis-server is not installed (Debian: apt-get install redis-server)"; exit 1; }
python3 -c 'import websockets' 2>/dev/null || { say "the rate part needs python3 websockets (pip install websockets)"; exit 1; }
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
(( $(ulimit -n) >= SESSIONS + 500 )) || { say "ulimit -n is $(ulimit -n): too few for $SESSIONS tabs"; exit 1; }

PIDS=()
stop_all() {
    local pid
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    PIDS=()
}
trap stop_all EXIT
trap 'exit 130' INT TERM

PASSWORD=$(openssl rand -hex 12)
API_KEY=$(openssl rand -hex 24)
SESSION_SECRET=$(openssl rand -hex 32)
WIDGET_SECRET=$(openssl rand -hex 32)  # with state.engine redis every instance needs the same (docs/cluster.md §3)
SERVICE_SECRET=$(openssl rand -hex 24)
DIRECTORY=$LOG_DIR/directory.json
python3 "$BENCH_DIR/cluster_rate.py" directory "$DIRECTORY" "$RATE_USERS" "$PASSWORD" || exit 1

# wait_http URL SECONDS PID: until URL answers 200; 1 if PID exits or time runs out.
wait_http() {
    local url=$1 deadline=$((SECONDS + $2)) pid=$3
    until [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url") == 200 ]]; do
        kill -0 "$pid" 2>/dev/null || return 1
        (( SECONDS < deadline )) || return 1
        sleep 0.1
    done
}

start_redis() {
    REDIS_PORT=$(free_port)
    mkdir -p "$LOG_DIR/redis"
    "$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$LOG_DIR/redis" \
        --logfile "$LOG_DIR/redis/redis.log" --daemonize no &
    REDIS_PID=$!
    PIDS+=("$REDIS_PID")
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && return 0; sleep 0.1; done
    say "redis-server did not answer on $REDIS_PORT"; exit 1
}

start_service() {
    SERVICE_PORT=$(free_port)
    cat >"$LOG_DIR/switchboard.json" <<JSON
{"agents": {"directory": "$DIRECTORY"}, "switchboard": {"secret": "$SERVICE_SECRET"}}
JSON
    "$CALLGATE_BIN" switchboard --listen "127.0.0.1:$SERVICE_PORT" --config "$LOG_DIR/switchboard.json" >"$LOG_DIR/switchboard.log" 2>&1 &
    SERVICE_PID=$!
    PIDS+=("$SERVICE_PID")
    for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$SERVICE_PORT") 2>/dev/null && return 0; sleep 0.1; done
    say "callgate switchboard did not listen (log $LOG_DIR/switchboard.log)"; exit 1
}

# start_gateway NAME ENGINE: a gateway; sets GATEWAY_PORT and GATEWAY_PID. ENGINE redis: the
# shared state in Redis and the Switchboard service; memory: one process, embedded Switchboard.
start_gateway() {
    local name=$1 engine=$2 port shared=""
    port=$(free_port)
    if [[ $engine == redis ]]; then
        shared=", \"state\": {\"engine\": \"redis\", \"redis\": {\"url\": \"redis://127.0.0.1:$REDIS_PORT\"}},
  \"callControl\": {\"url\": \"ws://127.0.0.1:$SERVICE_PORT/callcontrol\", \"secret\": \"$SERVICE_SECRET\"}"
    fi
    cat >"$LOG_DIR/$name.json" <<JSON
{
  "listen": ["127.0.0.1:$port"],
  "threads": $THREADS,
  "stateDirectory": "$LOG_DIR/$name-state",
  "limits": {"maxConnections": $((SESSIONS + 1000)), "maxConnectionsPerAddress": 0},
  "agents": {"directory": "$DIRECTORY"},
  "admin": {"apiKey": "$API_KEY"},
  "auth": {"sessionSecret": "$SESSION_SECRET"},
  "lastCallers": {"tokenSecret": "$WIDGET_SECRET"}$shared
}
JSON
    "$CALLGATE_BIN" --config "$LOG_DIR/$name.json" --threads "$THREADS" >"$LOG_DIR/$name.log" 2>&1 &
    GATEWAY_PID=$!
    GATEWAY_PORT=$port
    PIDS+=("$GATEWAY_PID")
    wait_http "http://127.0.0.1:$port/readyz" 20 "$GATEWAY_PID" || { say "$name not ready (log $LOG_DIR/$name.log)"; tail -5 "$LOG_DIR/$name.log" >&2; exit 1; }
}

FAILED=0

# kib FIELD PIDS: FIELD (VmRSS, VmHWM) of each pid in kB, "pid=kB ...".
kib() {
    local field=$1 pid out=""
    for pid in ${2//,/ }; do out+="$pid=$(awk -v f="$field:" '$1 == f { print $2 }' "/proc/$pid/status") "; done
    echo "${out% }"
}

# fanout LABEL PORT SPREAD CPU_PIDS: loadgen's fan-out (bench/fanout.sh's generator).
fanout() {
    local label=$1 port=$2 spread=$3 pids=$4 log=$LOG_DIR/fanout-$1 rss_before
    rss_before=$(kib VmRSS "$pids")
    say "fan-out $label: $SESSIONS tabs, $WARMUP_ROUNDS+$ROUNDS rounds"
    timeout $(( (ROUNDS + WARMUP_ROUNDS) * TIMEOUT * 2 + 300 )) "$LOADGEN" --port "$port" ${spread:+--spread-ports "$spread"} \
        --fanout --connections "$SESSIONS" --rounds "$ROUNDS" --warmup-rounds "$WARMUP_ROUNDS" --timeout "$TIMEOUT" \
        --round-pause 0.5 --connect-concurrency 32 --server-pid "${pids%%,*}" --cpu-pids "$pids" --label "$label" \
        --path /ws --event callRinging --hangup-event callHangup \
        --trigger "/admin/calls?from=$CALL_FROM&user=bench" --hangup "/admin/calls/{uniqueid}/hangup" \
        --authorization "Bearer $API_KEY" --agent-user bench --agent-password "$PASSWORD" --agent-identifier bench-phone \
        >"$log.stdout" 2>"$log.stderr"
    local status=$?
    grep -v '^{' "$log.stdout" >&2
    grep '^{' "$log.stdout" | sed "s/^{/{\"bench\":\"cluster-fanout\",\"run\":\"$RUN_ID\",\"pids\":\"$pids\",\"rss_kib_before\":\"$rss_before\",\"rss_kib_peak\":\"$(kib VmHWM "$pids")\",/" >>"$JSONL"
    if [[ $status != 0 ]]; then
        say "fan-out $label FAILED (status $status):"; tail -5 "$log.stderr" >&2; FAILED=1
    fi
}

for part in $PARTS; do
    case $part in
    fanout)
        start_redis; start_service
        start_gateway gw1 redis; P1=$GATEWAY_PORT; G1=$GATEWAY_PID
        start_gateway gw2 redis; P2=$GATEWAY_PORT; G2=$GATEWAY_PID
        start_gateway gw3 redis; P3=$GATEWAY_PORT; G3=$GATEWAY_PID
        say "pids: gateways $G1 $G2 $G3, redis $REDIS_PID, switchboard service $SERVICE_PID"
        fanout cluster-3x-redis "$P1" "$P2,$P3" "$G1,$G2,$G3,$REDIS_PID,$SERVICE_PID"
        stop_all
        start_gateway single memory
        fanout single-memory "$GATEWAY_PORT" "" "$GATEWAY_PID"
        stop_all
        ;;
    rate)
        for instances in $RATE_INSTANCES; do
            start_redis; start_service
            ports=() gateways=()
            for n in $(seq "$instances"); do
                start_gateway "rate$instances-gw$n" redis
                ports+=("$GATEWAY_PORT") gateways+=("$GATEWAY_PID")
            done
            pids=$(IFS=,; echo "${gateways[*]},$REDIS_PID,$SERVICE_PID")
            say "rate: $RATE_USERS users x $instances tabs over $instances gateways, ${RATE_SECONDS}s; pids (gateways, redis, service): $pids"
            if timeout $((RATE_SECONDS + 240)) python3 "$BENCH_DIR/cluster_rate.py" rate --ports "$(IFS=,; echo "${ports[*]}")" \
                --users "$RATE_USERS" --password "$PASSWORD" --seconds "$RATE_SECONDS" --cpu-pids "$pids" \
                --redis-port "$REDIS_PORT" >"$LOG_DIR/rate$instances.stdout" 2>"$LOG_DIR/rate$instances.stderr"; then
                sed "s/^{/{\"bench\":\"cluster-rate\",\"run\":\"$RUN_ID\",\"pids\":\"$pids\",/" "$LOG_DIR/rate$instances.stdout" >>"$JSONL"
                cat "$LOG_DIR/rate$instances.stdout" >&2
            else
                say "rate with $instances gateways FAILED:"; tail -5 "$LOG_DIR/rate$instances.stderr" >&2; FAILED=1
            fi
            stop_all
        done
        ;;
    *) say "unknown part '$part' (fanout or rate)"; exit 2 ;;
    esac
done

{
    echo "run $RUN_ID on $(uname -n), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ); load: $(uptime | sed 's/.*load average: //')"
    echo "gateway threads $THREADS; pids in order: gateways, then Redis, then the Switchboard service"
    cat "$JSONL"
} | tee "$TABLE"
say "results: $JSONL, logs: $LOG_DIR/"
exit $FAILED
