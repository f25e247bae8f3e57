"""Every interop test of the agent features (test_agent.py, click-to-call, Action URLs, last
callers, Vodia links, the login throttle, the replay window, the web phone's busy, liveness) run
again, unchanged, against gateways whose back end is the Switchboard as its own process
(`callgate switchboard --listen`, docs/backend-protocol.md §12), with the RELEASE binary. What only
a remote back end has is in test_switchboard_service.py."""
import importlib
import inspect

import pytest

from crm_support import crm  # noqa: F401  (fixtures of the scenarios run below)
from blackhole import relay  # noqa: F401
from switchboard_support import remote_start_gateway  # noqa: F401 (fixture)

# built on `start_gateway`) run again here, unchanged, with the Switchboard as its own process.
MODULES = ["test_agent", "test_agent_accounts", "test_login_throttle", "test_replay_window", "test_call_identity",
           "test_click_to_call", "test_action_urls", "test_last_callers", "test_vodia", "test_sip_route", "test_liveness"]
FACTORIES = {"agent_gateway", "c2c_gateway", "action_gateway", "lc_gateway", "vodia_gateway"}
OTHER_FIXTURES = {"crm", "relay"}


def existing_scenarios():
    cases = []
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name, function in vars(module).items():
            if not name.startswith("test_") or not inspect.isfunction(function) or function.__module__ != module_name:
                continue
            if hasattr(function, "pytestmark"):
                continue  # parametrized or marked: not run from here
            parameters = list(inspect.signature(function).parameters)
            if parameters and parameters[0] in FACTORIES and set(parameters[1:]) <= OTHER_FIXTURES:
                cases.append(pytest.param(module_name, name, id=f"{module_name.removeprefix('test_')}:{name.removeprefix('test_')}"))
    return cases


@pytest.mark.parametrize("module_name,name", existing_scenarios())
def test_existing_scenario_over_the_switchboard_service(module_name, name, remote_start_gateway, tmp_path, request):
    module = importlib.import_module(module_name)
    function = getattr(module, name)
    parameters = list(inspect.signature(function).parameters)
    started = []

    def start(*args, **kwargs):
        started.append(remote_start_gateway(*args, **kwargs))
        return started[-1]

    factory = getattr(module, parameters[0]).__wrapped__(start, tmp_path)
    function(factory, *[request.getfixturevalue(p) for p in parameters[1:]])
    # The scenario's requests went to a service, not to a Switchboard inside the gateway.
    assert started
    for gw in started:
        assert "callcontrol_ready" in gw.log
        assert "switchboard_resync" in gw.switchboard.log
