"""The replay window's byte bound (issue 18, defect 7; docs/agent-protocol.md §4, docs/config.md
`agents.replayBytes`) against the release binary: large `notify` messages do not pile up per
user; a tab that attaches past what the window still holds gets `complete: false` and a fresh
state, one within it every missed event."""
from conftest import eventually, metric
from agent_support import Tab, agent_gateway, ready_tab  # noqa: F401  (fixture)
from route_support import run

TITLE_BYTES = 60_000  # a `message` event of about 60 KB; requests may have 64 KiB


async def notify(tab, count):
    """`count` large notifications from `tab`; the seq of the last one."""
    for index in range(count):
        await tab.ok("notify", title=f"{index:05d}" + "x" * (TITLE_BYTES - 5))
        message = await tab.message("message")
        assert len(message["data"]["message"]["message"]) == TITLE_BYTES
    return message["seq"]


async def attach(gw, token, last_seq):
    tab = await Tab.open(gw)
    result = await tab.ok("attach", lastSeq=last_seq, token=token)
    return tab, result


def test_the_window_keeps_what_fits_in_replay_bytes(agent_gateway):
    gw = agent_gateway(replayBytes=200_000)  # three events of 60 KB fit, four do not

    async def scenario():
        tab = await ready_tab(gw)
        last = await notify(tab, 10)
        await tab.close()

        within, result = await attach(gw, tab.token, last - 3)
        assert result["complete"] is True and result["lastSeq"] == last, result
        replayed = [await within.message("message") for _ in range(3)]
        assert [m["seq"] for m in replayed] == [last - 2, last - 1, last]
        assert replayed[0]["data"]["message"]["message"].startswith("00007")
        await within.close()

        past, result = await attach(gw, tab.token, last - 4)
        assert result["complete"] is False and result["lastSeq"] == last, result
        state = (await past.event("ready"))["state"]
        assert state["lastSeq"] == last and state["status"] == "READY"
        assert "message" not in [m["event"] for m in past.buffer] + await past.quiet(0.3)

    run(scenario())
    assert eventually(lambda: metric(gw, 'callgate_route_events_total{channel="ws",event="attach_incomplete"}'),
                      lambda n: n == 1) == 1


def test_the_default_bound_holds_well_under_the_event_count(agent_gateway):
    """40 events of 60 KB are far under `replayEvents` (1,000) but 2.4 MB, over the default
    `replayBytes` (1 MiB): a tab behind all of them gets a fresh state, one behind the last
    sixteen (960 KB) gets them all."""
    gw = agent_gateway()

    async def scenario():
        tab = await ready_tab(gw)
        last = await notify(tab, 40)
        await tab.close()
        _, result = await attach(gw, tab.token, last - 40)
        assert result["complete"] is False, result
        within, result = await attach(gw, tab.token, last - 16)
        assert result["complete"] is True, result
        assert [(await within.message("message"))["seq"] for _ in range(16)] == list(range(last - 15, last + 1))

    run(scenario())
