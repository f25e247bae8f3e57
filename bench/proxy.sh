#!/usr/bin/env bash
# The cost of the proxy hop: loadgen → proxy (wss) → upstream echo (ws), with Callgate and with nginx
# as the proxy, in one run, against the same upstream (one nio-echo, plain ws, started once).
# Over 400 lines on purpose: one benchmark run, start to table, with both proxies' configurations.
# The proxy and the upstream share CPU 1; the load generator runs on CPU 0. See bench/README.md,
# "The proxy hop (proxy.sh)", for what each column means. Settings come from the environment:
#   BENCH_WARMUP=3 BENCH_DURATION=10        seconds of warm-up and of measurement per run
#   BENCH_PROXY_PROFILES="100x64 100x4096"  C connections x S-byte messages, in order
#   BENCH_PROXIES="callgate nginx"          which proxies, in order, within each profile
#   BENCH_PROXY_CPU=1 BENCH_LOADGEN_CPU=0   taskset pinning (the proxy and the upstream share BENCH_PROXY_CPU)
#   CALLGATE_BIN=path                       Callgate binary (default ../.build/release/callgate,
#                                           built here unless CALLGATE_BIN is set)
#   NGINX_BIN=nginx                         the nginx binary; BENCH_NGINX_INSTALL=0 stops the script
#                                           from running `apt-get install -y nginx` when it is missing
#   BENCH_SKIP_BUILD=1                      use the binaries as they are
#   BENCH_CALLGATE_STANDIN=1                Callgate serves its own echo (--echo /echo) instead of
#                                           proxying: checks this script's mechanics only, is labelled
#                                           "cg-standin", and is never a proxy figure
#   BENCH_PERF=1                            also `perf record` the proxy over each window (perturbs the
#                                           figures; the summaries go to the run's log directory)
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
WARMUP=${BENCH_WARMUP:-3}
DURATION=${BENCH_DURATION:-10}
PROFILES=${BENCH_PROXY_PROFILES:-"100x64 100x4096"}
PROXIES=${BENCH_PROXIES:-"callgate nginx"}
PROXY_CPU=${BENCH_PROXY_CPU:-1}
LOADGEN_CPU=${BENCH_LOADGEN_CPU:-0}
STANDIN=${BENCH_CALLGATE_STANDIN:-0}
PERF=${BENCH_PERF:-0}
NGINX_BIN=${NGINX_BIN:-nginx}
BUILD_PRODUCT=1
[[ -n "${CALLGATE_BIN:-}" ]] && BUILD_PRODUCT=0
CALLGATE_BIN=${CALLGATE_BIN:-$BENCH_DIR/../.build/release/callgate}
BIN_DIR=$BENCH_DIR/.build/release
LOADGEN=$BIN_DIR/loadgen
NIO_ECHO=$BIN_DIR/nio-echo
CLK_TCK=$(getconf CLK_TCK)

. "$BENCH_DIR/lib.sh"
results_folder "proxy-"

for p in $PROFILES; do
    [[ $p =~ ^[0-9]+x[0-9]+$ ]] || { say "unknown profile '$p' (use CxS, such as 100x64)"; exit 2; }
done
for p in $PROXIES; do
    [[ $p == callgate || $p == nginx ]] || { say "unknown proxy '$p' (callgate or nginx)"; exit 2; }
done

# Every process this script starts: the upstream, the proxy of the moment, loadgen, perf.
UPSTREAM_PID= PROXY_PID= LOADGEN_PID= PERF_PID=
stop_pid() {  # stop_pid PID: SIGTERM, up to 5 s, then SIGKILL; reaps it
    local pid=$1 i
    [[ -n "$pid" ]] || return 0
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 0
}
cleanup() {
    local pid
    for pid in "$PERF_PID" "$LOADGEN_PID" "$PROXY_PID" "$UPSTREAM_PID"; do
        [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && stop_pid "$pid"
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build -------------------------------------------------------------------------------------
build_binaries "$([[ " $PROXIES " == *" callgate "* ]] && echo 1 || echo 0)"
if [[ -z "$CALLGATE_SKIP_REASON" ]] && ! "$CALLGATE_BIN" --help 2>&1 | grep -q -- '--listen-tls'; then
    CALLGATE_SKIP_REASON="'callgate --help' does not mention --listen-tls: this Callgate has no TLS"
fi

# nginx: the Debian package, run by this script in the foreground with its own configuration. The
# package's service is never started (policy-rc.d usually forbids it in containers anyway).
NGINX_SKIP_REASON=
if [[ " $PROXIES " == *" nginx "* ]] && ! command -v "$NGINX_BIN" >/dev/null; then
    if [[ "${BENCH_NGINX_INSTALL:-1}" == 1 && $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        say "nginx is missing: apt-get install -y nginx (log: $LOG_DIR/apt-nginx.log)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y nginx >"$LOG_DIR/apt-nginx.log" 2>&1 ||
            say "apt-get install nginx failed (see $LOG_DIR/apt-nginx.log)"
    fi
    command -v "$NGINX_BIN" >/dev/null ||
        NGINX_SKIP_REASON="no '$NGINX_BIN' on PATH: install it (as root: apt-get install -y nginx) or set NGINX_BIN"
fi

# --- the certificate, the configurations --------------------------------------------------------
# One ECDSA P-256 self-signed certificate per run, for both proxies.
make_tls_certificate

# 100 connections need 100 descriptors towards the client and 100 towards the upstream per proxy.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true


# write_nginx_conf FILE PORT UPSTREAM_PORT DIR
write_nginx_conf() {
    local file=$1 port=$2 upstream=$3 dir=$4
    mkdir -p "$dir/tmp"
    cat >"$file" <<EOF
# Generated by bench/proxy.sh: nginx as a wss-to-ws proxy in front of the shared nio-echo upstream.
worker_processes 1;
worker_rlimit_nofile 20000;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events {
    worker_connections 4096;
    use epoll;
}
http {
    access_log off;
    server_tokens off;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    tcp_nodelay on;
    map \$http_upgrade \$connection_upgrade {
        default upgrade;
        ''      close;
    }
    server {
        listen 127.0.0.1:$port ssl;
        server_name localhost;
        ssl_certificate $TLS_CERT;
        ssl_certificate_key $TLS_KEY;
        # TLS 1.3 only, AES-128-GCM chosen by the server (what Callgate and loadgen negotiate), x25519.
        ssl_protocols TLSv1.3;
        ssl_prefer_server_ciphers on;
        ssl_conf_command Ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256;
        ssl_ecdh_curve X25519:prime256v1;
        ssl_session_tickets on;
        ssl_session_cache shared:SSL:1m;
        ssl_early_data off;
        location /echo {
            proxy_pass http://127.0.0.1:$upstream/;
            proxy_http_version 1.1;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
            proxy_set_header Host \$host;
            proxy_buffering off;
            # One buffer per direction for an upgraded connection: 16 KiB holds a 4 KiB message whole.
            proxy_buffer_size 16k;
            proxy_buffers 8 16k;
            proxy_busy_buffers_size 32k;
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
        }
    }
}
EOF
}

# cpu_ticks PID: utime and stime of all its threads, in clock ticks (/proc/PID/stat fields 14, 15).
cpu_ticks() {
    local stat rest
    stat=$(<"/proc/$1/stat") || return 1
    rest=${stat##*) }
    # shellcheck disable=SC2086
    set -- $rest
    echo "${12} ${13}"
}

# core_ticks CPU: that core's busy (user, nice, system, irq, softirq) and steal ticks, from /proc/stat.
core_ticks() {
    awk -v c="cpu$1" '$1 == c { print $2 + $3 + $4 + $7 + $8, $9 }' /proc/stat
}

# --- the upstream ------------------------------------------------------------------------------
UPSTREAM_PORT=$(free_port) || { say "no free port found"; exit 1; }
UPSTREAM_LOG=$LOG_DIR/upstream-nio-echo.log
taskset -c "$PROXY_CPU" "$NIO_ECHO" --host 127.0.0.1 --port "$UPSTREAM_PORT" --threads 1 >"$UPSTREAM_LOG" 2>&1 &
UPSTREAM_PID=$!
if ! taskset -c "$LOADGEN_CPU" "$LOADGEN" --port "$UPSTREAM_PORT" --path / --probe --timeout 10 >/dev/null; then
    say "the upstream (nio-echo) did not come up on 127.0.0.1:$UPSTREAM_PORT (log: $UPSTREAM_LOG)"
    exit 1
fi
say "upstream: nio-echo ws on 127.0.0.1:$UPSTREAM_PORT (pid $UPSTREAM_PID, CPU $PROXY_CPU)"
# Connections and messages the upstream must have seen at the end: its own probe so far.
EXPECT_CONNECTIONS=1
EXPECT_MESSAGES=0
PROBES=0

# --- runs --------------------------------------------------------------------------------------
FAILED=0
for profile in $PROFILES; do
    connections=${profile%x*} size=${profile#*x}
    for proxy in $PROXIES; do
        label=$proxy
        if [[ $proxy == callgate && -n "$CALLGATE_SKIP_REASON" ]]; then
            say "skipping Callgate, $profile: $CALLGATE_SKIP_REASON"
            continue
        fi
        if [[ $proxy == nginx && -n "$NGINX_SKIP_REASON" ]]; then
            say "skipping nginx, $profile: $NGINX_SKIP_REASON"
            continue
        fi
        port=$(free_port) || { say "no free port found"; exit 1; }
        log=$LOG_DIR/$proxy-$profile.log
        case $proxy in
        callgate)
            if [[ $STANDIN == 1 ]]; then
                # Not a proxy: Callgate's own echo, only to check this script's mechanics.
                label=cg-standin
                say "STAND-IN: Callgate serves its own echo on /echo, no upstream hop; these figures are not a proxy result"
                taskset -c "$PROXY_CPU" "$CALLGATE_BIN" --listen-tls "127.0.0.1:$port" --cert "$TLS_CERT" --key "$TLS_KEY" \
                    --echo /echo --threads 1 >"$log" 2>&1 &
            else
                config=$LOG_DIR/callgate-proxy.json
                printf '{"routes": {"echo": {"path": "/echo", "backend": "ws://127.0.0.1:%s/", "mode": "pipe", "auth": "none", "origins": "*"}}, "permessageDeflate": {"enabled": false}}\n' \
                    "$UPSTREAM_PORT" >"$config"
                taskset -c "$PROXY_CPU" "$CALLGATE_BIN" --config "$config" --listen-tls "127.0.0.1:$port" --cert "$TLS_CERT" \
                    --key "$TLS_KEY" --threads 1 >"$log" 2>&1 &
            fi
            PROXY_PID=$!
            ;;
        nginx)
            dir=$LOG_DIR/nginx-$profile
            mkdir -p "$dir"
            write_nginx_conf "$dir/nginx.conf" "$port" "$UPSTREAM_PORT" "$dir"
            taskset -c "$PROXY_CPU" "$NGINX_BIN" -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' >"$log" 2>&1 &
            PROXY_PID=$!
            ;;
        esac
        if ! taskset -c "$LOADGEN_CPU" "$LOADGEN" --port "$port" --path /echo --tls --probe --timeout 10 \
            >/dev/null 2>"$log.probe-stderr"; then
            if kill -0 "$PROXY_PID" 2>/dev/null; then
                say "$label did not come up (or did not complete a wss upgrade on /echo) on 127.0.0.1:$port for $profile: $(cat "$log.probe-stderr")"
            else
                wait "$PROXY_PID" 2>/dev/null
                say "$label exited (status $?) before it was ready on 127.0.0.1:$port for $profile; its log ends:"
                for f in "$log" "$LOG_DIR/nginx-$profile/error.log"; do
                    [[ -s $f ]] && tail -n 5 "$f" | sed 's/^/    /' >&2
                done
            fi
            stop_pid "$PROXY_PID"; PROXY_PID=
            # A proxy that cannot start will not start for the next profile either.
            [[ $proxy == callgate ]] && CALLGATE_SKIP_REASON="it did not come up for $profile (log: $log)"
            [[ $proxy == nginx ]] && NGINX_SKIP_REASON="it did not come up for $profile (log: $log)"
            FAILED=1
            continue
        fi
        # The probe's hop: nginx always makes it; Callgate starts its upstream connection once the
        # browser's upgrade is done, and the probe's immediate close may cancel it before the upstream
        # counts it, so the probes only widen the range the upstream's count may fall in.
        [[ $label == cg-standin ]] || PROBES=$((PROBES + 1))
        # The process whose CPU is the proxy's: Callgate itself, or nginx's one worker (not its master).
        cpu_pid=$PROXY_PID
        if [[ $proxy == nginx ]]; then
            cpu_pid=$(pgrep -P "$PROXY_PID" | head -1)
            [[ -n "$cpu_pid" ]] || { say "nginx has no worker process"; FAILED=1; stop_pid "$PROXY_PID"; PROXY_PID=; continue; }
        fi
        say "$profile: $label on 127.0.0.1:$port (pid $cpu_pid), upstream pid $UPSTREAM_PID, both on CPU $PROXY_CPU; loadgen on CPU $LOADGEN_CPU"

        out=$log.loadgen-stdout err=$log.loadgen-stderr
        started=$EPOCHREALTIME
        taskset -c "$LOADGEN_CPU" "$LOADGEN" --port "$port" --path /echo --tls --server-pid "$cpu_pid" --label "$label" \
            --connections "$connections" --size "$size" --warmup "$WARMUP" --duration "$DURATION" >"$out" 2>"$err" &
        LOADGEN_PID=$!
        # The script's own window for the upstream's CPU (loadgen reads only the proxy's): it opens
        # WARMUP s after loadgen starts and closes DURATION s later. loadgen's window opens WARMUP s
        # after its connections are up, a little later, so this window lies within steady traffic,
        # and CPU per message is then the CPU rate over loadgen's message rate. The proxy is sampled
        # alongside as a check of that.
        sleep "$(awk -v s="$started" -v n="$EPOCHREALTIME" -v w="$WARMUP" 'BEGIN { d = s + w - n; print (d > 0 ? d : 0) }')"
        up0=$(cpu_ticks "$UPSTREAM_PID") px0=$(cpu_ticks "$cpu_pid") core0=$(core_ticks "$PROXY_CPU") t0=$EPOCHREALTIME
        if [[ $PERF == 1 ]] && command -v perf >/dev/null; then
            taskset -c "$LOADGEN_CPU" perf record -F 999 -p "$cpu_pid" -o "$log.perf.data" -- sleep "$DURATION" \
                >"$log.perf-record.log" 2>&1 &
            PERF_PID=$!
        fi
        sleep "$(awk -v s="$started" -v n="$EPOCHREALTIME" -v w="$WARMUP" -v d="$DURATION" 'BEGIN { x = s + w + d - n; print (x > 0 ? x : 0) }')"
        up1=$(cpu_ticks "$UPSTREAM_PID") px1=$(cpu_ticks "$cpu_pid") core1=$(core_ticks "$PROXY_CPU") t1=$EPOCHREALTIME
        wait "$LOADGEN_PID"; status=$?
        LOADGEN_PID=
        if [[ -n "$PERF_PID" ]]; then
            wait "$PERF_PID" 2>/dev/null; PERF_PID=
            { perf report -i "$log.perf.data" --stdio --sort dso 2>/dev/null | grep -E '^ +[0-9]' | head -12
              echo
              perf report -i "$log.perf.data" --stdio --sort dso,sym 2>/dev/null | grep -E '^ +[0-9]' | head -40
            } >"$log.perf-top.txt"
            say "perf: top symbols in $log.perf-top.txt"
        fi
        grep -v '^{' "$out" >&2
        if [[ $status != 0 ]] || ! grep -q '^{' "$out"; then
            say "$label $profile FAILED: $(cat "$err")"
            FAILED=1
        else
            json=$(grep '^{' "$out" | tail -1)
            extra=$(awk -v up0="$up0" -v up1="$up1" -v px0="$px0" -v px1="$px1" -v core0="$core0" -v core1="$core1" -v t0="$t0" -v t1="$t1" -v tck="$CLK_TCK" \
                -v json="$json" '
                function num(key,    m) {
                    if (match(json, "\"" key "\":[^,}]*")) { m = substr(json, RSTART + length(key) + 3, RLENGTH - length(key) - 3); return m + 0 }
                    return 0
                }
                BEGIN {
                    split(up0, a, " "); split(up1, b, " "); split(px0, c, " "); split(px1, d, " "); split(core0, e, " "); split(core1, g, " ")
                    w = t1 - t0; rate = num("msgs_per_s")
                    uu = (b[1] - a[1]) / tck; us = (b[2] - a[2]) / tck; pu = (d[1] - c[1]) / tck; ps = (d[2] - c[2]) / tck
                    f = (w > 0 && rate > 0) ? 1e6 / (w * rate) : 0
                    printf "\"upstream_cpu_us_per_msg\":%.3f,\"upstream_user_us_per_msg\":%.3f,\"upstream_cpu_util\":%.3f,", (uu + us) * f, uu * f, (w > 0 ? (uu + us) / w : 0)
                    printf "\"proxy_cpu_us_per_msg_sampled\":%.3f,\"proxy_cpu_util_sampled\":%.3f,\"sample_window_s\":%.3f,", (pu + ps) * f, (w > 0 ? (pu + ps) / w : 0), w
                    # Whatever else ran on the proxy core (other processes, interrupts), and hypervisor steal.
                    other = (g[1] - e[1]) / tck - (uu + us + pu + ps)
                    printf "\"core_other_util\":%.3f,\"core_steal_util\":%.3f,", (w > 0 ? (other > 0 ? other : 0) / w : 0), (w > 0 ? (g[2] - e[2]) / tck / w : 0)
                }')
            sed "s/^{/{\"bench\":\"proxy\",\"profile\":\"$profile\",\"run\":\"$RUN_ID\",\"proxy\":\"$label\",\"upstream_port\":$UPSTREAM_PORT,$extra/" \
                <<<"$json" >>"$JSONL"
            if [[ $label != cg-standin ]]; then
                EXPECT_CONNECTIONS=$((EXPECT_CONNECTIONS + $(sed -n 's/.*"total_upgrades":\([0-9]*\).*/\1/p' <<<"$json")))
                EXPECT_MESSAGES=$((EXPECT_MESSAGES + $(sed -n 's/.*"total_echoed":\([0-9]*\).*/\1/p' <<<"$json")))
            fi
        fi
        cat "$err" >&2
        stop_pid "$PROXY_PID"; PROXY_PID=
    done
done

# The upstream prints what it echoed over its life, and how many connections it upgraded: every
# echo loadgen verified through a proxy, and every connection loadgen opened through one, must have
# gone through it (the readiness probes may or may not have). A stand-in run adds nothing to either.
stop_pid "$UPSTREAM_PID"; UPSTREAM_PID=
echoed=$(sed -n 's/.*totals connections=[0-9]* messages=\([0-9]*\).*/\1/p' "$UPSTREAM_LOG")
upgraded=$(sed -n 's/.*totals connections=\([0-9]*\).*/\1/p' "$UPSTREAM_LOG")
if [[ -z "$echoed" || -z "$upgraded" ]]; then
    say "MISMATCH: the upstream printed no totals (log: $UPSTREAM_LOG)"
    FAILED=1
else
    if [[ $echoed != "$EXPECT_MESSAGES" ]]; then
        say "MISMATCH: the upstream echoed $echoed messages, loadgen verified $EXPECT_MESSAGES through the proxies"
        FAILED=1
    fi
    if (( upgraded < EXPECT_CONNECTIONS || upgraded > EXPECT_CONNECTIONS + PROBES )); then
        say "MISMATCH: the upstream upgraded $upgraded connections, expected $EXPECT_CONNECTIONS (loadgen's through the proxies and its own probe) plus up to $PROBES readiness probes"
        FAILED=1
    fi
    say "upstream totals: $upgraded connections, $echoed messages (expected $EXPECT_CONNECTIONS to $((EXPECT_CONNECTIONS + PROBES)), and $EXPECT_MESSAGES)"
fi

# --- table -------------------------------------------------------------------------------------
[[ -s "$JSONL" ]] || { say "no results"; exit 1; }
awk -v profiles="$PROFILES" -v warmup="$WARMUP" -v duration="$DURATION" -v run="$RUN_ID" '
function field(line, key,    m) {
    if (match(line, "\"" key "\":(\"[^\"]*\"|[^,}]*)")) {
        m = substr(line, RSTART + length(key) + 3, RLENGTH - length(key) - 3)
        gsub(/"/, "", m)
        return m
    }
    return "null"
}
function show(v, fmt) { return (v == "null" || v == "") ? "-" : sprintf(fmt, v) }
function pct(v) { return (v == "null" || v == "") ? "-" : sprintf("%.0f", v * 100) }
function verdict(ok, text) { printf "  %-4s %s\n", ok ? "PASS" : "FAIL", text }
field($0, "run") == run { p = field($0, "profile"); s = field($0, "proxy"); row[p, s] = $0; seen[p, s] = 1 }
END {
    n = split(profiles, list, " ")
    split("callgate cg-standin nginx", names, " ")
    fmt = "%-9s %-10s %9s %8s %8s %10s %11s %10s %6s %6s %6s %6s\n"
    printf fmt, "profile", "proxy", "msgs/s", "p50 us", "p99 us", "proxy cpu", "proxy user", "upstr cpu", "prx %", "up %", "oth %", "gen %"
    printf fmt, "", "", "", "", "", "us/msg", "us/msg", "us/msg", "", "", "", ""
    for (i = 1; i <= n; i++) {
        p = list[i]
        for (k = 1; k <= 3; k++) {
            s = names[k]
            if (!((p, s) in seen)) continue
            l = row[p, s]
            printf fmt, p, s, show(field(l, "msgs_per_s"), "%.0f"), show(field(l, "p50_us"), "%.1f"), show(field(l, "p99_us"), "%.1f"),
                show(field(l, "server_cpu_us_per_msg"), "%.2f"), show(field(l, "server_user_us_per_msg"), "%.2f"),
                show(field(l, "upstream_cpu_us_per_msg"), "%.2f"), pct(field(l, "server_cpu_util")), pct(field(l, "upstream_cpu_util")),
                pct(field(l, "core_other_util")), pct(field(l, "loadgen_cpu_util"))
            if (field(l, "core_other_util") + field(l, "core_steal_util") > 0.05) busy = busy sprintf("  note: %s %s: %.0f %% of the proxy core went to other work and %.0f %% to hypervisor steal\n", p, s, 100 * field(l, "core_other_util"), 100 * field(l, "core_steal_util"))
            a = field(l, "server_cpu_us_per_msg") + 0; b = field(l, "proxy_cpu_us_per_msg_sampled") + 0
            if (a > 0 && (b / a > 1.05 || b / a < 0.95)) warn = warn sprintf("  note: %s %s: the script sampled %.2f us/msg for the proxy against loadgen'"'"'s %.2f; the upstream figure is as uncertain\n", p, s, b, a)
            if (field(l, "tls") == "true" && !(s in tls))
                tls[s] = field(l, "tls_version") " " field(l, "tls_cipher") " " field(l, "tls_group") " " field(l, "tls_peer_key") " ALPN " field(l, "alpn")
        }
    }
    printf "%s%s", warn, busy
    if ("cg-standin" in tls) printf "\ncg-standin is Callgate serving its own echo (BENCH_CALLGATE_STANDIN=1): no proxy hop, not a proxy figure.\n"
    printf "\nwss negotiated:\n"
    for (k = 1; k <= 3; k++) if (names[k] in tls) printf "  %-10s %s\n", names[k], tls[names[k]]
    if (("callgate" in tls) && ("nginx" in tls) && tls["callgate"] != tls["nginx"]) printf "  NOTE the proxies negotiated different parameters: compare with care\n"
    for (i = 1; i <= n; i++) {
        p = list[i]
        if (!((p, "callgate") in seen) || !((p, "nginx") in seen)) continue
        c = row[p, "callgate"]; g = row[p, "nginx"]
        cr = field(c, "server_cpu_us_per_msg") / field(g, "server_cpu_us_per_msg")
        mr = field(c, "msgs_per_s") / field(g, "msgs_per_s")
        pr = field(c, "p99_us") / field(g, "p99_us")
        printf "\nCallgate / nginx at %s: proxy cpu/msg %.2fx, msgs/s %.2fx, p99 %.2fx, upstream cpu/msg %.2fx\n", p, cr, mr, pr,
            (field(g, "upstream_cpu_us_per_msg") > 0 ? field(c, "upstream_cpu_us_per_msg") / field(g, "upstream_cpu_us_per_msg") : 0)
        verdict(cr <= 0.75, "proxy cpu/msg <= 0.75x nginx")
        verdict(mr >= 1, "msgs/s >= nginx")
        verdict(pr <= 1, "p99 <= nginx")
    }
    printf "\n(warm-up %s s, measured %s s per run; proxy and upstream nio-echo share one pinned core, loadgen on the other)\n", warmup, duration
}
' "$JSONL" | tee "$TABLE"
say "results: $JSONL, table: $TABLE, logs: $LOG_DIR/"
exit $FAILED
