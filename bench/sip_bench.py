#!/usr/bin/env python3
"""The SIP benchmarks of issue 15 (bench/sip.sh runs this; docs/benchmarks.md has the figures):
the same phones, the same Kamailio (deploy/kamailio/kamailio.cfg), reached directly and through
Callgate's `sip` route.

  register  REGISTER round trips, one in flight: the WebSocket open, the first REGISTER, refreshes,
            an OPTIONS; direct (digest), through the `sip` route (session token, no digest) and
            through a plain `pipe` route (digest: the relay hop alone)
  phones    1,000 phones registered and refreshing through Callgate, with permessage-deflate as
            Chromium offers it and without, and directly: the servers' memory per phone
  calls     INVITE → 180 → 200 → ACK between two registered phones, sequential and concurrent

Every server is started here, pinned with taskset, on free loopback ports, and stopped at the end.
The tables go to stdout, every sample's summary to --out/sip.jsonl. The parts are
sip_bench_register.py, sip_bench_phones.py and sip_bench_calls.py; the servers sip_bench_servers.py;
what they share (identities, tokens, paths, a REGISTER) sip_bench_paths.py; the phones
sip_client.py over sip_websocket.py."""
import argparse
import asyncio
import json
import signal
import sys
from pathlib import Path

from sip_bench_calls import bench_calls_concurrent, bench_calls_sequential
from sip_bench_paths import paths, say, write_users
from sip_bench_phones import hold_phones
from sip_bench_register import bench_register
from sip_bench_servers import Callgate, Kamailio, OtherLoad, busy_others, machine
from sip_websocket import CHROMIUM_DEFLATE


PHONE_VARIANTS = {  # name: Callgate's permessageDeflate settings (docs/config.md); "deflate" in the name: offered
    "callgate-deflate": None,  # the defaults: window 15, memoryLevel 8
    "callgate-deflate-mem1": {"memoryLevel": 1},
    "callgate": None,
    "direct": None,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--callgate", required=True, help="the callgate binary")
    parser.add_argument("--out", required=True, type=Path, help="folder for logs, configs and sip.jsonl")
    parser.add_argument("--benches", default="register,phones,calls")
    parser.add_argument("--server-cpu", default="1", help="taskset -c list for Callgate and Kamailio ('' = none)")
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument("--phone-variants", default="callgate-deflate,callgate-deflate-mem1,callgate,direct")
    parser.add_argument("--expires", type=int, default=30, help="REGISTER lifetime asked by the held phones")
    parser.add_argument("--hold", type=int, default=75, help="seconds the phones stay registered while measured")
    parser.add_argument("--register-rounds", type=int, default=10)
    parser.add_argument("--register-per-round", type=int, default=100)
    parser.add_argument("--refreshes", type=int, default=3)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--call-pairs", type=int, default=50)
    parser.add_argument("--calls-per-pair", type=int, default=20)
    parser.add_argument("--kamailio-shm-mb", type=int, default=256)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` stops the servers
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    args.callgate = str(Path(args.callgate).resolve())
    benches = args.benches.split(",")
    # sequential calls use users[0:6], the concurrent ones users[10:] (2 per pair, 3 modes)
    n_users = max(args.phones, args.register_rounds * args.register_per_round, 10 + 6 * args.call_pairs)
    users, directory, db = write_users(args.out, n_users)
    jsonl = open(args.out / "sip.jsonl", "a")
    info = {"bench": "machine", **machine(), "busy_at_start": busy_others()}
    jsonl.write(json.dumps(info) + "\n")
    say(f"machine: {info}")

    def record(row):
        jsonl.write(json.dumps(row) + "\n")
        jsonl.flush()

    results = {"machine": info, "load": {}}
    servers = []

    def start(tag, deflate_settings=None):
        kamailio = Kamailio(args.out / f"kamailio-{tag}", db, args.server_cpu, args.kamailio_shm_mb, 10)
        servers.append(kamailio)
        callgate = Callgate(args.callgate, args.out / f"callgate-{tag}", directory, kamailio.port, args.server_cpu,
                            args.phones, deflate_settings)
        servers.append(callgate)
        return kamailio, callgate

    def stop():
        for server in servers:
            server.stop()
        servers.clear()

    try:
        if "register" in benches:
            say("register: REGISTER round trips")
            kamailio, callgate = start("register")
            load = OtherLoad(servers)
            results["register"] = bench_register(kamailio, callgate, users, args.register_rounds,
                                                 args.register_per_round, args.refreshes, record)
            results["load"]["register"] = load.cores()
            stop()
        if "phones" in benches:
            results["phones"] = []
            for variant in args.phone_variants.split(","):
                say(f"phones: {args.phones} phones, {variant}, hold {args.hold} s")
                if variant not in PHONE_VARIANTS:
                    raise SystemExit(f"--phone-variants: {variant} is not one of {', '.join(PHONE_VARIANTS)}")
                kamailio, callgate = start(f"phones-{variant}", PHONE_VARIANTS[variant])
                path = paths(kamailio, callgate)["direct" if variant == "direct" else "callgate"]
                measured = {"kamailio": kamailio} if variant == "direct" else {"callgate": callgate, "kamailio": kamailio}
                deflate = CHROMIUM_DEFLATE if "deflate" in variant else None
                load = OtherLoad(servers)
                row = asyncio.run(hold_phones(path, users[:args.phones], deflate, args.expires, args.hold, 64,
                                              measured, record, variant))
                results["load"][f"phones {variant}"] = load.cores()
                results["phones"].append(row)
                stop()
        if "calls" in benches:
            say("calls: sequential")
            kamailio, callgate = start("calls")
            load = OtherLoad(servers)
            results["calls"] = bench_calls_sequential(kamailio, callgate, users, args.calls, 10, record)
            results["load"]["calls sequential"] = load.cores()
            say("calls: concurrent")
            load = OtherLoad(servers)
            results["calls"] += asyncio.run(bench_calls_concurrent(
                kamailio, callgate, users[10:], args.call_pairs, args.calls_per_pair, record,
                {"callgate": callgate, "kamailio": kamailio}))
            results["load"]["calls concurrent"] = load.cores()
            results["call_events"] = {event: callgate.metric(f'callgate_route_events_total{{channel="sip",event="{event}"}}')
                                      for event in ("callNew", "callRinging", "callConnect", "callHangup")}
            # Each call crosses two of Callgate's sip connections (the caller's and the callee's),
            # and each connection's dialog tracker reports it: two of each event per call.
            callgate_calls = sum(row["n"] for row in results["calls"] if row["path"] == "callgate")
            results["call_events_expected"] = 2 * callgate_calls
            record({"bench": "call-events", "expected_each": 2 * callgate_calls, **results["call_events"]})
            stop()
    finally:
        stop()
    record({"bench": "other-load-cores", **results["load"]})
    info_end = {"bench": "machine-end", "loadavg": open("/proc/loadavg").read().split()[:3], "busy_at_end": busy_others()}
    record(info_end)
    results["machine_end"] = info_end
    print_tables(results)
    failed = failures(results)
    if failed:
        say(f"{failed} failures: see the tables and {args.out / 'sip.jsonl'}")
        sys.exit(1)


def failures(results):
    """Failed requests, connections and calls in all the results (each path's register count once)."""
    total = sum({row["path"]: row.get("failures", 0) for row in results.get("register", [])}.values())
    for row in results.get("phones", []):
        total += row["connect_failed"] + row["register_failed"] + row["refresh_failed"] + row["closed"]
        total += row["phones"] - row["bindings_end"]
    total += sum(row.get("failures", 0) for row in results.get("calls", []))
    expected = results.get("call_events_expected")
    if expected is not None:
        total += sum(abs(count - expected) for count in results["call_events"].values())
    return total


def us(value):
    return f"{value:,.0f}" if value == value else "-"


def print_tables(results):
    m = results["machine"]
    print(f"\nSIP benchmarks, {m['date']}, {m['nproc']} × {m['cpu']}, kernel {m['kernel']}, "
          f"load average at start {' '.join(m['loadavg'])}, at end {' '.join(results['machine_end']['loadavg'])}")
    print(f"other busy processes at start: {', '.join(m['busy_at_start']) or 'none'}; "
          f"at end: {', '.join(results['machine_end']['busy_at_end']) or 'none'}")
    print("CPU used by other processes during each part (cores of " + str(m["nproc"]) + "): " +
          ", ".join(f"{part} {cores}" for part, cores in results["load"].items()))
    if "register" in results:
        print("\nREGISTER and OPTIONS round trips, one in flight (µs, from the first byte sent to the final response parsed)")
        print(f"{'path':<10} {'what':<20} {'n':>6} {'p50':>8} {'p90':>8} {'p99':>8}  failures")
        by, cpu_rows = {}, []
        for row in results["register"]:
            if row["bench"] == "register-cpu":
                cpu_rows.append(row)
                continue
            by[(row["path"], row["what"])] = row
            print(f"{row['path']:<10} {row['what']:<20} {row['n']:>6} {us(row['p50_us']):>8} {us(row['p90_us']):>8} "
                  f"{us(row['p99_us']):>8}  {row['failures']}")
        if ("callgate", "refresh") in by:
            print("\nCallgate's sip route against direct (p50, µs):")
            for what_cg, what_direct, meaning in (
                    ("first", "first", "a new phone's first REGISTER (direct: 401 + digest, two round trips)"),
                    ("refresh", "refresh-challenged", "a refresh as public/phone does it (direct: 401 + digest)"),
                    ("refresh", "refresh", "a refresh against direct with cached credentials (one round trip each)"),
                    ("options", "options", "OPTIONS, the same stateless reply from Kamailio on both paths"),
                    ("open", "open", "WebSocket open (Callgate: token, upstream connect and upgrade first)")):
                cg, direct = by[("callgate", what_cg)]["p50_us"], by[("direct", what_direct)]["p50_us"]
                print(f"  {meaning}: {us(cg)} vs {us(direct)} → {cg - direct:+,.0f}")
            for what in ("refresh", "options"):
                pipe, direct = by[("pipe", what)]["p50_us"], by[("direct", what)]["p50_us"]
                print(f"  pipe route ({what}, same messages as direct): {us(pipe)} vs {us(direct)} → {pipe - direct:+,.0f}")
        if cpu_rows:
            print(f"\nServer CPU per round trip (µs, utime + stime over {cpu_rows[0]['n']} back-to-back round trips of one phone)")
            print(f"{'path':<10} {'REGISTER: Callgate':>19} {'Kamailio':>9} {'OPTIONS: Callgate':>18} {'Kamailio':>9}")
            for row in cpu_rows:
                print(f"{row['path']:<10} {row['refresh_callgate_cpu_us']:>19.1f} {row['refresh_kamailio_cpu_us']:>9.1f} "
                      f"{row['options_callgate_cpu_us']:>18.1f} {row['options_kamailio_cpu_us']:>9.1f}")
    if "phones" in results:
        print(f"\n{results['phones'][0]['phones']:,} registered phones: memory per phone (bytes; delta from before the first phone, ÷ phones)")
        print(f"{'variant':<18} {'negotiated':<40} {'gw RSS reg':>10} {'gw RSS end':>10} {'gw peak':>9} "
              f"{'kam PSS end':>11} {'kam shm end':>11}  failures / refreshes")
        for row in results["phones"]:
            fails = row["connect_failed"] + row["register_failed"] + row["refresh_failed"] + row["closed"]
            print(f"{row['path']:<18} {', '.join(row['deflate']):<40} "
                  f"{us(row.get('callgate_rss_per_phone_registered', float('nan'))):>10} "
                  f"{us(row.get('callgate_rss_per_phone_end', float('nan'))):>10} "
                  f"{us(row.get('callgate_rss_per_phone_peak', float('nan'))):>9} "
                  f"{us(row['kamailio_pss_per_phone_end']):>11} {us(row['kamailio_shm_used_per_phone_end']):>11}  "
                  f"{fails} / {row['refreshes']} (bindings {row['bindings_registered']} → {row['bindings_end']}, "
                  f"open {row['open_at_end']}, ramp {row['ramp_s']} s)")
    if "calls" in results:
        print("\nCall set-up: INVITE → 180 → 200 → ACK (µs from the first INVITE sent; callee answers at once)")
        print(f"{'bench':<17} {'path':<14} {'n':>5} {'180 p50':>8} {'180 p99':>8} {'200 p50':>8} {'200 p99':>8} "
              f"{'ACK p50':>8} {'ACK p99':>8}  notes")
        for row in results["calls"]:
            notes = f"{row['challenged']} challenged"
            if "calls_per_s" not in row:
                notes += f", {row['failures']} failed" + (f" (e.g. {row['failure_examples'][0]})" if row["failures"] else "")
            if "calls_per_s" in row:
                notes += (f", {row['pairs']} pairs, {row['calls_per_s']} calls/s, {row['failures']} failed, CPU/call "
                          f"Callgate {row.get('callgate_cpu_us_per_call', 0):,.0f} µs, Kamailio {row.get('kamailio_cpu_us_per_call', 0):,.0f} µs")
            print(f"{row['bench']:<17} {row['path']:<14} {row['n']:>5} {us(row['180_p50_us']):>8} {us(row['180_p99_us']):>8} "
                  f"{us(row['200_p50_us']):>8} {us(row['200_p99_us']):>8} {us(row['ack_p50_us']):>8} {us(row['ack_p99_us']):>8}  {notes}")
        if "call_events" in results:
            print(f"Callgate's call events from the dialogs it relayed: {results['call_events']} "
                  f"(expected {results['call_events_expected']} each: two connections per call)")


if __name__ == "__main__":
    main()
