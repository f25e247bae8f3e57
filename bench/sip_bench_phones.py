"""The SIP benchmarks' part 2 (sip_bench.py --benches phones): 1,000 phones registered and
refreshing through Callgate, with permessage-deflate as Chromium offers it and without, and
directly: the servers' memory per phone."""
import asyncio
import re
import time

from sip_bench_paths import password, say
from sip_client import Phone, cseq_number, first, parse
from sip_websocket import HandshakeRefused, WebSocketClosed


async def hold_phones(path, users, deflate, expires, hold_seconds, concurrency, servers, record, label):
    """Opens a connection per user (`concurrency` at a time), registers each, keeps every phone
    registered with refreshes at 85 % of the granted lifetime (as public/phone does, with a 401
    each time on a digest path) for `hold_seconds`, sampling the servers' memory every 5 s.
    Memory is read before the first phone (after one warm-up phone came and went), once all
    are registered (+3 s), and at the end of the hold."""
    counts = {"connect_failed": 0, "register_failed": 0, "refresh_failed": 0, "closed": 0,
              "refreshes": 0, "challenges": 0}
    extensions = set()

    async def transaction(ws, phone, expires_):
        authorization = None
        ws.send_text(phone.register(expires_, authorization))
        while True:
            _, text = await ws.receive_text(15)
            reply = parse(text)
            if reply["status"] is None or cseq_number(reply) != phone.cseq or reply["status"] < 200:
                continue
            if reply["status"] == 401 and path.digest and authorization is None:
                counts["challenges"] += 1
                authorization = phone.authorize_register(reply, cache=False)
                ws.send_text(phone.register(expires_, authorization))
                continue
            return reply

    def granted(reply, asked):
        contact = first(reply, "contact") or ""
        found = re.search(r";expires=(\d+)", contact)
        return int(found.group(1)) if found else int(first(reply, "expires") or asked)

    # warm-up: one phone comes and goes, so that start-up allocations are in the baseline
    warm = Phone(users[0], password(users[0]))
    ws = await path.connect_async(warm.user, deflate)
    await transaction(ws, warm, expires)
    await transaction(ws, warm, 0)
    await ws.close()
    await asyncio.sleep(2)
    before = {name: server.memory() for name, server in servers.items()}
    cpu_before = {name: server.cpu_seconds() for name, server in servers.items()}

    phones = {}
    gate = asyncio.Semaphore(concurrency)
    stop = asyncio.Event()
    registered = asyncio.Event()
    ramp_start = time.monotonic()

    async def run_phone(user):
        phone = Phone(user, password(user))
        async with gate:
            try:
                ws = await path.connect_async(user, deflate)
            except (HandshakeRefused, OSError, asyncio.TimeoutError) as error:
                counts["connect_failed"] += 1
                say(f"{label}: {user} could not connect: {error}")
                return
            extensions.add(ws.deflate.answer if ws.deflate else "none")
            try:
                reply = await transaction(ws, phone, expires)
            except (WebSocketClosed, asyncio.TimeoutError) as error:
                counts["register_failed"] += 1
                say(f"{label}: {user} REGISTER: {error!r}")
                return
        if reply["status"] != 200:
            counts["register_failed"] += 1
            say(f"{label}: {user} REGISTER got {reply['start']}")
            return
        phones[user] = ws
        if len(phones) + counts["connect_failed"] + counts["register_failed"] == len(users):
            registered.set()
        lifetime = granted(reply, expires)
        try:
            while True:
                try:
                    await asyncio.wait_for(stop.wait(), lifetime * 0.85)
                    break
                except asyncio.TimeoutError:
                    pass
                reply = await transaction(ws, phone, expires)
                counts["refreshes"] += 1
                if reply["status"] != 200:
                    counts["refresh_failed"] += 1
                    say(f"{label}: {user} refresh got {reply['start']}")
                else:
                    lifetime = granted(reply, expires)
        except (WebSocketClosed, asyncio.TimeoutError) as error:
            counts["closed"] += 1
            say(f"{label}: {user} lost: {error!r} {ws.closed}")

    tasks = [asyncio.create_task(run_phone(user)) for user in users]
    try:
        await asyncio.wait_for(registered.wait(), 120)
    except asyncio.TimeoutError:
        say(f"{label}: not every phone registered within 120 s")
    ramp = time.monotonic() - ramp_start
    await asyncio.sleep(3)
    loop = asyncio.get_running_loop()
    at_registered = {name: await loop.run_in_executor(None, server.memory) for name, server in servers.items()}
    bindings_registered = await loop.run_in_executor(None, servers["kamailio"].registered_contacts)
    peak = {name: dict(values) for name, values in at_registered.items()}
    hold_start = time.monotonic()
    while time.monotonic() - hold_start < hold_seconds:
        await asyncio.sleep(min(5, hold_seconds - (time.monotonic() - hold_start)))
        for name, server in servers.items():
            now = await loop.run_in_executor(None, server.memory)
            for key, value in now.items():
                peak[name][key] = max(peak[name][key], value)
    end = {name: await loop.run_in_executor(None, server.memory) for name, server in servers.items()}
    bindings_end = await loop.run_in_executor(None, servers["kamailio"].registered_contacts)
    cpu = {name: server.cpu_seconds() - cpu_before[name] for name, server in servers.items()}
    open_at_end = sum(1 for ws in phones.values() if not ws.closed)
    stop.set()
    await asyncio.gather(*tasks)
    for ws in phones.values():
        await ws.close()
    n = len(users)
    row = {"bench": "phones", "path": label, "phones": n, "deflate": sorted(extensions), "expires": expires,
           "hold_s": hold_seconds, "ramp_s": round(ramp, 1), "open_at_end": open_at_end,
           "bindings_registered": bindings_registered, "bindings_end": bindings_end, **counts,
           "memory_before": before, "memory_registered": at_registered, "memory_end": end, "memory_peak": peak,
           "cpu_s": cpu}
    for name in servers:
        for key in before[name]:
            row[f"{name}_{key}_per_phone_registered"] = (at_registered[name][key] - before[name][key]) / n
            row[f"{name}_{key}_per_phone_end"] = (end[name][key] - before[name][key]) / n
            row[f"{name}_{key}_per_phone_peak"] = (peak[name][key] - before[name][key]) / n
    record(row)
    return row
