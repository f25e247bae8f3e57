"""The systemd units in deploy/systemd (docs/deploy.md): each passes `systemd-analyze verify`
(with ExecStart pointed at the binary under test), and the Switchboard unit's ExecStart, run with
a test configuration in place of /etc/callgate/switchboard.json, starts the service, which
answers /readyz and drains on SIGTERM."""
import json
import shlex
import shutil
import signal
import subprocess
import urllib.request

import pytest

from conftest import CALLGATE, ROOT, free_port, wait_listening

UNITS = ROOT / "deploy" / "systemd"


def exec_start(unit):
    line = next(l for l in (UNITS / unit).read_text().splitlines() if l.startswith("ExecStart="))
    return shlex.split(line.removeprefix("ExecStart="))


@pytest.mark.parametrize("unit", ["callgate.service", "callgate-switchboard.service"])
def test_the_unit_passes_systemd_analyze_verify(unit, tmp_path):
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is needed (Debian package systemd)"
    text = (UNITS / unit).read_text().replace("/usr/local/bin/callgate", str(CALLGATE))
    (tmp_path / unit).write_text(text)
    result = subprocess.run([analyze, "verify", str(tmp_path / unit)], capture_output=True, text=True)
    assert result.returncode == 0 and unit not in result.stderr, result.stderr


def test_the_switchboard_units_command_line_starts_the_service(tmp_path):
    command = exec_start("callgate-switchboard.service")
    assert command[:2] == ["/usr/local/bin/callgate", "switchboard"] and "/etc/callgate/switchboard.json" in command
    port = free_port()
    (tmp_path / "secret").write_text("a-switchboard-secret-0123456789")
    config = tmp_path / "switchboard.json"
    config.write_text(json.dumps({"listen": [f"127.0.0.1:{port}"], "switchboard": {"secretFile": str(tmp_path / "secret")}}))
    command = [str(CALLGATE) if part == "/usr/local/bin/callgate" else str(config) if part == "/etc/callgate/switchboard.json"
               else part for part in command]
    log = tmp_path / "switchboard.log"
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=open(log, "wb"), cwd=tmp_path)
    try:
        wait_listening(port, process, lambda: log.read_text())
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as response:
            assert response.status == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert "drain_started" in log.read_text()
    finally:
        if process.poll() is None:
            process.kill()
