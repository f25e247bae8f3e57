#!/usr/bin/env bash
# The SIP benchmarks of issue 15 (bench/sip_bench.py does the work; bench/README.md "SIP" and
# docs/benchmarks.md explain them): REGISTER round trips through Callgate's `sip` route against
# direct to the same Kamailio (deploy/kamailio/kamailio.cfg with GATEWAY_ADDR), 1,000 registered
# phones (memory per phone, with Chromium's permessage-deflate offer and without), and call
# set-up INVITE → 180 → 200 → ACK. Loopback only; Callgate (one loop) and Kamailio on
# BENCH_SERVER_CPU, the Python driver on BENCH_DRIVER_CPU. Settings, all from the environment:
#   BENCH_SIP_BENCHES=register,phones,calls   which parts
#   BENCH_SIP_PHONES=1000 BENCH_SIP_HOLD=75 BENCH_SIP_EXPIRES=30   the held phones
#   BENCH_SIP_VARIANTS=callgate-deflate,callgate-deflate-mem1,callgate,direct   how they connect
#   BENCH_SIP_ROUNDS=10 BENCH_SIP_PER_ROUND=100 BENCH_SIP_REFRESHES=3   the REGISTER round trips
#   BENCH_SIP_CALLS=1000 BENCH_SIP_PAIRS=50 BENCH_SIP_CALLS_PER_PAIR=20 the calls
#   BENCH_SERVER_CPU=1 BENCH_DRIVER_CPU=0 ("" leaves a process unpinned), BENCH_SIP_TIMEOUT=1800 s
#   CALLGATE_BIN=path   default ../.build/release/callgate (built when missing)
# Needs kamailio and kamailio-websocket-modules (Debian), python3; check_sip_client.py needs websockets.
# sip_bench.py runs the parts in sip_bench_register.py, sip_bench_phones.py and sip_bench_calls.py.
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
CALLGATE_BIN=${CALLGATE_BIN:-$REPO_DIR/.build/release/callgate}
SERVER_CPU=${BENCH_SERVER_CPU-1}
DRIVER_CPU=${BENCH_DRIVER_CPU-0}

. "$BENCH_DIR/lib.sh"
results_folder "sip-"

KAMAILIO=$(command -v kamailio || echo /usr/sbin/kamailio)
[[ -x "$KAMAILIO" ]] || { say "kamailio is missing: apt-get install kamailio kamailio-websocket-modules"; exit 1; }
compgen -G "/usr/lib/*/kamailio/modules/websocket.so" >/dev/null \
    || { say "kamailio's websocket module is missing: apt-get install kamailio-websocket-modules"; exit 1; }
command -v taskset >/dev/null || { say "taskset is missing (util-linux)"; exit 1; }
if [[ ! -x "$CALLGATE_BIN" ]]; then
    say "building the product: swift build -c release (log: $LOG_DIR/build-product.log)"
    (cd "$REPO_DIR" && swift build -c release) >"$LOG_DIR/build-product.log" 2>&1 || { say "the product did not build"; exit 1; }
fi

# 1,000 phones: the driver holds 1,000 sockets, Callgate 2,000, Kamailio 1,000; at most 20,000.
limit=$(ulimit -Hn)
[[ "$limit" == unlimited || "$limit" -gt 20000 ]] && limit=20000
ulimit -n "$limit"

driver=(python3 "$BENCH_DIR/sip_bench.py")
[[ -n "$DRIVER_CPU" ]] && driver=(taskset -c "$DRIVER_CPU" "${driver[@]}")
say "results: $TABLE, logs and configs: $LOG_DIR"
timeout --signal=TERM "${BENCH_SIP_TIMEOUT:-1800}" "${driver[@]}" \
    --callgate "$CALLGATE_BIN" --out "$LOG_DIR" --server-cpu "$SERVER_CPU" \
    --benches "${BENCH_SIP_BENCHES:-register,phones,calls}" \
    --phones "${BENCH_SIP_PHONES:-1000}" --hold "${BENCH_SIP_HOLD:-75}" --expires "${BENCH_SIP_EXPIRES:-30}" \
    --phone-variants "${BENCH_SIP_VARIANTS:-callgate-deflate,callgate-deflate-mem1,callgate,direct}" \
    --register-rounds "${BENCH_SIP_ROUNDS:-10}" --register-per-round "${BENCH_SIP_PER_ROUND:-100}" \
    --refreshes "${BENCH_SIP_REFRESHES:-3}" \
    --calls "${BENCH_SIP_CALLS:-1000}" --call-pairs "${BENCH_SIP_PAIRS:-50}" \
    --calls-per-pair "${BENCH_SIP_CALLS_PER_PAIR:-20}" | tee "$TABLE"
status=${PIPESTATUS[0]}
[[ -f "$LOG_DIR/sip.jsonl" ]] && cp "$LOG_DIR/sip.jsonl" "$JSONL"
(( status == 124 )) && say "stopped after ${BENCH_SIP_TIMEOUT:-1800} s"
exit "$status"
