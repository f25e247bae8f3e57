"""The SIP benchmarks' part 3 (sip_bench.py --benches calls): call set-up INVITE → 180 → 200 → ACK
between two registered phones, directly (with a 407 each time, or cached credentials) and through
Callgate's `sip` route; one call at a time, and many pairs at once."""
import asyncio
import time

from sip_bench_paths import password, paths, percentile, register_blocking, receive_final, say
from sip_client import SDP_ANSWER, Call, Credentials, Phone, cseq_number, first, parse, respond, token
from sip_websocket import WebSocketClosed


def call_blocking(a_ws, a, b_ws, b, path, mode, cache):
    """One call a → b: INVITE (a 407 answered on a digest path, or cached credentials sent),
    b answers 180 and 200 at once, a ACKs; then BYE/200. Times in µs from the first INVITE:
    180 and 200 at a, the ACK at b."""
    call = Call(a, b.user)
    t0 = time.perf_counter_ns()
    if cache.get("credentials") and cache["credentials"].nc >= 255:
        # Kamailio's auth module keeps a nonce's count in one byte: nc 256 gets a 407 (stale), which
        # a phone answers with a new digest. Take the new challenge on this call instead.
        del cache["credentials"]
    authorization = cache.get("credentials").answer("INVITE", call.uri) if mode == "cached" and cache.get("credentials") else None
    a_ws.send_text(call.invite(authorization))
    challenged = False
    if path.digest and authorization is None:
        reply = receive_final(a_ws)
        if reply["status"] != 407:
            raise RuntimeError(f"expected 407, got {reply['start']}")
        a_ws.send_text(call.ack_failure(reply))
        credentials = Credentials(first(reply, "proxy-authenticate"), a.user, a.password)
        cache["credentials"] = credentials
        a_ws.send_text(call.invite(credentials.answer("INVITE", call.uri)))
        challenged = True
    try:
        invite = parse(b_ws.receive_text())
        while invite["method"] != "INVITE":
            invite = parse(b_ws.receive_text())
    except TimeoutError:
        raise RuntimeError(f"no INVITE at the callee within 10 s; the caller got: {pending_lines(a_ws)}") from None
    to_tag = token(10)
    b_ws.send_text(respond(invite, 180, "Ringing", to_tag, b.contact()))
    b_ws.send_text(respond(invite, 200, "OK", to_tag, b.contact(), SDP_ANSWER))
    t180 = t200 = None
    while t200 is None:
        reply = parse(a_ws.receive_text())
        status = reply["status"]
        if status == 180:
            t180 = time.perf_counter_ns()
        elif status == 200 and cseq_number(reply) == call.cseq:
            t200 = time.perf_counter_ns()
            call.established(reply)
        elif status is not None and status > 200:
            raise RuntimeError(f"call failed: {reply['start']}")
    a_ws.send_text(call.ack())
    ack = parse(b_ws.receive_text())
    if ack["method"] != "ACK":
        raise RuntimeError(f"expected the ACK at the callee, got {ack['start']}")
    t_ack = time.perf_counter_ns()
    a_ws.send_text(call.bye())
    bye = parse(b_ws.receive_text())
    b_ws.send_text(respond(bye, 200, "OK"))
    reply = receive_final(a_ws)
    if reply["status"] != 200:
        raise RuntimeError(f"BYE got {reply['start']}")
    return {"180": (t180 - t0) / 1000, "200": (t200 - t0) / 1000, "ack": (t_ack - t0) / 1000, "challenged": challenged}


def pending_lines(ws, seconds=1.0):
    """The start lines of what `ws` receives within `seconds` (to say why a call stalled)."""
    found = []
    try:
        while True:
            found.append(parse(ws.receive_text(seconds))["start"])
    except (TimeoutError, WebSocketClosed) as error:
        if isinstance(error, WebSocketClosed):
            found.append(str(error))
    return found or "nothing"


def register_pair(path, users, instances=()):
    """Each user's phone connected and registered; `instances`: RFC 5626 instance ids to keep (a
    phone starting again replaces its old binding instead of adding one)."""
    found = []
    for user, instance in zip(users, list(instances) or [None] * len(users)):
        phone = Phone(user, password(user))
        phone.instance = instance or phone.instance
        ws = path.connect(user)
        reply, _ = register_blocking(ws, phone, path, use_cache=False)
        if reply["status"] != 200:
            raise SystemExit(f"calls: {user} did not register via {path.name}: {reply['start']}")
        found.append((ws, phone))
    return found


CALL_MODES = {  # label: (path name, credentials)
    "direct": ("direct", "challenged"),
    "direct-cached": ("direct", "cached"),
    "callgate": ("callgate", "none"),
}


def bench_calls_sequential(kamailio, callgate, users, calls, rounds, record):
    """`calls` calls per mode, one at a time, in `rounds` interleaved rounds (modes rotate)."""
    found = paths(kamailio, callgate)
    modes = [m for m in CALL_MODES if CALL_MODES[m][0] in found]
    pairs, caches, samples = {}, {}, {m: [] for m in modes}
    for i, mode in enumerate(modes):
        pairs[mode] = register_pair(found[CALL_MODES[mode][0]], users[2 * i:2 * i + 2])
        caches[mode] = {}
    per_round = calls // rounds
    failures = {m: [] for m in modes}
    for r in range(rounds):
        for mode in modes[r % len(modes):] + modes[:r % len(modes)]:
            path = found[CALL_MODES[mode][0]]
            for _ in range(per_round):
                (a_ws, a), (b_ws, b) = pairs[mode]
                try:
                    samples[mode].append(call_blocking(a_ws, a, b_ws, b, path, CALL_MODES[mode][1], caches[mode]))
                except (RuntimeError, TimeoutError, WebSocketClosed) as error:
                    # Counted, said, and the pair starts again on new connections: a stalled
                    # transaction must not stall the calls after it.
                    failures[mode].append(repr(error))
                    say(f"sequential {mode}: call {len(samples[mode]) + len(failures[mode])} failed: {error!r}")
                    for ws in (a_ws, b_ws):
                        ws.close()
                    time.sleep(1)
                    pairs[mode] = register_pair(path, [a.user, b.user], [a.instance, b.instance])
                    caches[mode] = {}
    rows = []
    for mode in modes:
        rows.append(call_row("calls-sequential", mode, samples[mode], record,
                             {"failures": len(failures[mode]), "failure_examples": failures[mode][:3]}))
        for ws, phone in pairs[mode]:
            register_blocking(ws, phone, found[CALL_MODES[mode][0]], expires=0, use_cache=False)
            ws.close()
    return rows


def call_row(bench, mode, samples, record, extra=None):
    row = {"bench": bench, "path": mode, "n": len(samples), "challenged": sum(s["challenged"] for s in samples)}
    for key in ("180", "200", "ack"):
        values = [s[key] for s in samples]
        row[f"{key}_p50_us"], row[f"{key}_p99_us"] = percentile(values, 50), percentile(values, 99)
    row.update(extra or {})
    record(row)
    return row


async def bench_calls_concurrent(kamailio, callgate, users, pairs_n, calls_per_pair, record, servers):
    """`pairs_n` caller/callee pairs per mode, each placing `calls_per_pair` calls one after
    another, all pairs at once. The callee answers 180 and 200 as soon as the INVITE arrives."""
    found = paths(kamailio, callgate)
    modes = [m for m in CALL_MODES if CALL_MODES[m][0] in found]
    rows = []
    offset = 0
    for mode in modes:
        path = found[CALL_MODES[mode][0]]
        group = users[offset:offset + 2 * pairs_n]
        offset += 2 * pairs_n
        phones = []
        for user in group:
            phone = Phone(user, password(user))
            ws = await path.connect_async(user)
            ws.send_text(phone.register(600))
            reply = parse((await ws.receive_text())[1])
            if reply["status"] == 401:
                ws.send_text(phone.register(600, phone.authorize_register(reply, cache=False)))
                reply = parse((await ws.receive_text())[1])
            if reply["status"] != 200:
                raise SystemExit(f"concurrent calls: {user} did not register: {reply['start']}")
            phones.append((ws, phone))
        samples, failures = [], []
        cpu_before = {name: server.cpu_seconds() for name, server in servers.items()}
        started = time.perf_counter()
        await asyncio.gather(*[pair_calls(phones[2 * i], phones[2 * i + 1], path, CALL_MODES[mode][1],
                                          calls_per_pair, samples, failures) for i in range(pairs_n)])
        elapsed = time.perf_counter() - started
        cpu = {name: server.cpu_seconds() - cpu_before[name] for name, server in servers.items()}
        extra = {"pairs": pairs_n, "failures": len(failures), "calls_per_s": round(len(samples) / elapsed, 1),
                 **{f"{name}_cpu_us_per_call": round(seconds * 1e6 / max(1, len(samples)), 1)
                    for name, seconds in cpu.items()}}
        if failures:
            say(f"concurrent {mode}: {len(failures)} failed, first: {failures[0]}")
        rows.append(call_row("calls-concurrent", mode, samples, record, extra))
        for ws, phone in phones:
            await ws.close()
        await asyncio.sleep(1)
    return rows


async def pair_calls(caller, callee, path, mode, n, samples, failures):
    (a_ws, a), (b_ws, b) = caller, callee
    acks = {}

    async def answer():
        while True:
            when, text = await b_ws.receive_text(3600)
            request = parse(text)
            if request["method"] == "INVITE":
                tag = token(10)
                b_ws.send_text(respond(request, 180, "Ringing", tag, b.contact()))
                b_ws.send_text(respond(request, 200, "OK", tag, b.contact(), SDP_ANSWER))
            elif request["method"] == "ACK":
                future = acks.get(first(request, "call-id"))
                if future and not future.done():
                    future.set_result(when)
            elif request["method"] in ("BYE", "OPTIONS"):
                b_ws.send_text(respond(request, 200, "OK"))

    async def final(call, expect_method="INVITE"):
        t180 = None
        while True:
            when, text = await a_ws.receive_text(10)
            reply = parse(text)
            if reply["status"] is None or first(reply, "call-id") != call.call_id:
                continue
            if reply["status"] == 180:
                t180 = when
            elif reply["status"] >= 200 and first(reply, "cseq").endswith(expect_method) and cseq_number(reply) == call.cseq:
                return reply, when, t180

    answering = asyncio.create_task(answer())
    credentials = None
    loop = asyncio.get_running_loop()
    try:
        for _ in range(n):
            call = Call(a, b.user)
            acks[call.call_id] = loop.create_future()
            t0 = time.perf_counter()
            try:
                stage = "INVITE"
                authorization = credentials.answer("INVITE", call.uri) if mode == "cached" and credentials else None
                a_ws.send_text(call.invite(authorization))
                reply, t200, t180 = await final(call)
                challenged = False
                if reply["status"] == 407 and path.digest:
                    a_ws.send_text(call.ack_failure(reply))
                    credentials = Credentials(first(reply, "proxy-authenticate"), a.user, a.password)
                    a_ws.send_text(call.invite(credentials.answer("INVITE", call.uri)))
                    reply, t200, t180 = await final(call)
                    challenged = True
                if reply["status"] != 200:
                    raise RuntimeError(reply["start"])
                call.established(reply)
                a_ws.send_text(call.ack())
                stage = "ACK"
                t_ack = await asyncio.wait_for(acks[call.call_id], 10)
                del acks[call.call_id]
                samples.append({"180": (t180 - t0) * 1e6 if t180 else float("nan"), "200": (t200 - t0) * 1e6,
                                "ack": (t_ack - t0) * 1e6, "challenged": challenged})
                a_ws.send_text(call.bye())
                stage = "BYE"
                reply, _, _ = await final(call, "BYE")
                if reply["status"] != 200:
                    raise RuntimeError("BYE: " + reply["start"])
            except (RuntimeError, WebSocketClosed, asyncio.TimeoutError) as error:
                failures.append(f"{stage}: {error!r}")
    finally:
        answering.cancel()
