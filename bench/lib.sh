# Shared by bench/run.sh, bench/proxy.sh and bench/fanout.sh (sourced, not run). The caller
# sets BENCH_DIR, REPO_DIR, BUILD_PRODUCT, CALLGATE_BIN, LOADGEN and NIO_ECHO first.

say() { printf 'bench: %s\n' "$*" >&2; }

# results_folder PREFIX: this run's RUN_ID (PREFIX + date and time), RESULTS_DIR, LOG_DIR (made),
# JSONL and TABLE.
results_folder() {
    RUN_ID=$1$(date +%Y%m%d-%H%M%S)
    RESULTS_DIR=$BENCH_DIR/results
    LOG_DIR=$RESULTS_DIR/$RUN_ID
    JSONL=$RESULTS_DIR/$RUN_ID.jsonl
    TABLE=$RESULTS_DIR/$RUN_ID.txt
    mkdir -p "$LOG_DIR"
}

# stop_server_on_exit: the server whose pid is in SERVER_PID (when set) gets SIGTERM, and is
# waited for, when the script exits; SIGINT and SIGTERM end the script.
stop_server_on_exit() {
    SERVER_PID=
    trap 'if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -TERM "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi' EXIT
    trap 'exit 130' INT TERM
}

# build_binaries WANTS_CALLGATE: builds the product (unless CALLGATE_BIN was given or WANTS_CALLGATE
# is 0) and the bench package, unless BENCH_SKIP_BUILD=1; exits if loadgen or nio-echo is missing.
# Sets CALLGATE_SKIP_REASON when Callgate cannot be measured.
build_binaries() {
    local wants_callgate=$1 tool
    CALLGATE_SKIP_REASON=
    if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
        if [[ $BUILD_PRODUCT == 1 && $wants_callgate == 1 ]]; then
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
}

# make_tls_certificate: one ECDSA P-256 self-signed certificate for localhost and 127.0.0.1 per run,
# given to every server of the run; sets TLS_CERT and TLS_KEY.
make_tls_certificate() {
    TLS_CERT=$LOG_DIR/tls-cert.pem
    TLS_KEY=$LOG_DIR/tls-key.pem
    if ! openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 7 \
        -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        -keyout "$TLS_KEY" -out "$TLS_CERT" >"$LOG_DIR/openssl-req.log" 2>&1; then
        say "could not generate the TLS certificate (log: $LOG_DIR/openssl-req.log)"
        exit 1
    fi
}

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
