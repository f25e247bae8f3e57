"""The click-to-call gateway (`c2c_gateway`) with the source documents' workplaces, a server key and alice's own key."""
import json

import pytest

from agent_support import ADMIN_KEY, SESSION_SECRET

SERVER_KEY = "oktell-server-key-0123456789"
ALICE_KEY = "alice-crm-key-0123456789abcdef"
CAROL_ADDRESS = "127.0.0.9"  # carol's phone's identifier: the workplace map


def c2c_directory(gateway_binary):
    """The sample directory plus the source documents' workplaces and extensions: bob's PC is
    192.168.0.82 / Comp082 (docs/compatibility.md §3.3), carol's phone is also known by 127.0.0.9, and the
    internal extensions 121, 123 (docs/compatibility.md §3.4, Mia) and 1234 (Yealink) exist."""
    import subprocess
    sample = json.loads(subprocess.run([gateway_binary, "--sample-directory"], check=True,
                                       capture_output=True, text=True).stdout)
    sample["settings"].update({"ringSeconds": 30, "acwSeconds": 0})
    devices = {d["id"]: d for d in sample["devices"]}
    devices["bob-phone"]["identifiers"] += ["192.168.0.82", "Comp082"]
    devices["carol-phone"]["identifiers"].append(CAROL_ADDRESS)
    sample["devices"] += [
        {"id": f"desk-{n}", "name": f"Desk {n}", "extension": n, "identifiers": [f"sip:{n}"]} for n in (121, 123, 1234)
    ]
    return sample


@pytest.fixture
def c2c_gateway(start_gateway, tmp_path):
    """callgate with the test directory, a server key and alice's own key; `click_to_call`
    and `action_urls` go into those sections."""
    from conftest import CALLGATE

    def start(click_to_call=None, action_urls=None):
        path = tmp_path / "directory.json"
        path.write_text(json.dumps(c2c_directory(str(CALLGATE))))
        config = {"agents": {"directory": str(path)}, "admin": {"apiKey": ADMIN_KEY},
                  "auth": {"sessionSecret": SESSION_SECRET},
                  "clickToCall": {"apiKeys": [{"key": SERVER_KEY}, {"key": ALICE_KEY, "user": "alice"}],
                                  **(click_to_call or {})}}
        if action_urls is not None:
            config["actionURLs"] = action_urls
        return start_gateway(config=config)

    return start
