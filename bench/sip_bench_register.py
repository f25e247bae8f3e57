"""The SIP benchmarks' part 1 (sip_bench.py --benches register): REGISTER and OPTIONS round trips,
one in flight, directly (digest), through Callgate's `sip` route (session token, no digest) and
through a plain `pipe` route (digest: the relay hop alone); and the servers' CPU per round trip."""
import time

from sip_bench_paths import password, paths, percentile, receive_final, register_blocking
from sip_client import DOMAIN, Phone, token


def options(phone):
    lines = [f"OPTIONS sip:{DOMAIN} SIP/2.0", phone.via(), "Max-Forwards: 70", f"To: <sip:{DOMAIN}>",
             f"From: <{phone.aor}>;tag={token(10)}", f"Call-ID: {token(20)}", "CSeq: 1 OPTIONS",
             f"Contact: {phone.contact()}", "Accept: application/sdp", "Content-Length: 0", "", ""]
    return "\r\n".join(lines)


# ---------------------------------------------------------------- 1. REGISTER round trips


def cpu_per_round_trip(path, user, n, kamailio, callgate):
    """Server CPU (utime + stime, µs) per round trip over `n` back-to-back refreshes (cached
    credentials on a digest path) and then `n` OPTIONS of one phone."""
    phone = Phone(user, password(user))
    ws = path.connect(user)
    register_blocking(ws, phone, path)
    found = {}
    for what in ("refresh", "options"):
        before = {"callgate": callgate.cpu_seconds(), "kamailio": kamailio.cpu_seconds()}
        for _ in range(n):
            if what == "refresh":
                reply, challenged = register_blocking(ws, phone, path)
            else:
                ws.send_text(options(phone))
                reply = receive_final(ws)
            if reply["status"] != 200:
                raise SystemExit(f"{path.name} {what}: {reply['start']}")
        for server in ("callgate", "kamailio"):
            seconds = (callgate if server == "callgate" else kamailio).cpu_seconds() - before[server]
            found[f"{what}_{server}_cpu_us"] = seconds * 1e6 / n
    register_blocking(ws, phone, path, expires=0)
    ws.close()
    return found


def bench_register(kamailio, callgate, users, rounds, per_round, refreshes, record, cpu_round_trips=3000):
    """Round r takes users [r·per_round, (r+1)·per_round); each path in turn (the order rotates
    each round) opens a connection per user, registers each (timed), refreshes each `refreshes`
    times, sends OPTIONS, un-registers (not timed) and closes. The paths thus see the same
    identities and an empty location table each, interleaved in time."""
    found = paths(kamailio, callgate)
    names = list(found)
    samples = {name: {} for name in names}
    failures = {name: 0 for name in names}

    def sample(name, what, start):
        samples[name].setdefault(what, []).append((time.perf_counter_ns() - start) / 1000)

    for r in range(rounds):
        block = users[r * per_round:(r + 1) * per_round]
        for name in names[r % len(names):] + names[:r % len(names)]:
            path = found[name]
            phones = [Phone(user, password(user)) for user in block]
            sockets = []
            for phone in phones:
                start = time.perf_counter_ns()
                sockets.append(path.connect(phone.user))
                sample(name, "open", start)
            for ws, phone in zip(sockets, phones):
                start = time.perf_counter_ns()
                reply, _ = register_blocking(ws, phone, path)
                sample(name, "first", start)
                failures[name] += reply["status"] != 200
            for _ in range(refreshes):
                for ws, phone in zip(sockets, phones):
                    start = time.perf_counter_ns()
                    reply, challenged = register_blocking(ws, phone, path)
                    sample(name, "refresh", start)
                    failures[name] += reply["status"] != 200 or challenged
                    if path.digest:  # as public/phone refreshes: no cached credentials, a 401 each time
                        start = time.perf_counter_ns()
                        reply, challenged = register_blocking(ws, phone, path, use_cache=False)
                        sample(name, "refresh-challenged", start)
                        failures[name] += reply["status"] != 200 or not challenged
                    start = time.perf_counter_ns()
                    ws.send_text(options(phone))
                    reply = receive_final(ws)
                    sample(name, "options", start)
                    failures[name] += reply["status"] != 200
            for ws, phone in zip(sockets, phones):
                reply, _ = register_blocking(ws, phone, path, expires=0)
                failures[name] += reply["status"] != 200
                ws.close()
        left = kamailio.registered_contacts()
        if left:
            raise SystemExit(f"register: {left} bindings left after round {r}")
    cpu = {name: cpu_per_round_trip(found[name], users[0], cpu_round_trips, kamailio, callgate) for name in names}
    rows = []
    for name in names:
        row = {"bench": "register-cpu", "path": name, "n": cpu_round_trips, **cpu[name]}
        rows.append(row)
        record(row)
        for what, values in samples[name].items():
            row = {"bench": "register", "path": name, "what": what, "n": len(values),
                   "p50_us": percentile(values, 50), "p90_us": percentile(values, 90),
                   "p99_us": percentile(values, 99), "failures": failures[name]}
            rows.append(row)
            record(row)
    return rows
