"""Ports shared only on purpose (`sharePort`, docs/config.md; `PortLock`): a second callgate process
started on a port another one listens on exits 1 with `port_in_use` instead of binding silently
(every loop's socket has SO_REUSEPORT, and the kernel would split clients between the two), unless
both set `sharePort: true`. Real processes on loopback."""
import json
import signal
import subprocess
import time

from conftest import CALLGATE, free_port, listening, wait_listening


def spawn(tmp_path, name, port, share=None):
    """A callgate process on 127.0.0.1:`port` (plain only), with `sharePort` if given."""
    command = [str(CALLGATE), "--listen", f"127.0.0.1:{port}", "--threads", "2"]
    if share is not None:
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"sharePort": share}))
        command += ["--config", str(path)]
    log = tmp_path / f"{name}.log"
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=open(log, "wb"))
    process.log_path = log
    return process


def log(process):
    return process.log_path.read_text(errors="replace")


def stop(*processes):
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def started(process, port):
    wait_listening(port, process, lambda: "callgate did not start:\n" + log(process))
    deadline = time.monotonic() + 5
    while "listening" not in log(process):
        assert process.poll() is None and time.monotonic() < deadline, log(process)
        time.sleep(0.05)


def refused(process):
    """The process exits 1 with `port_in_use` naming the setting."""
    assert process.wait(timeout=10) == 1, log(process)
    text = log(process)
    assert "port_in_use" in text and "sharePort" in text, text
    assert "listening" not in text, text


def test_a_second_process_on_a_port_in_use_exits_with_a_clear_error(tmp_path):
    port = free_port()
    first = spawn(tmp_path, "first", port)
    try:
        started(first, port)
        second = spawn(tmp_path, "second", port)
        refused(second)
        assert f"127.0.0.1:{port}" in log(second)
        assert first.poll() is None and listening(port), "the first process goes on"
    finally:
        stop(first)


def test_with_share_port_on_both_both_run_and_without_it_on_either_side_the_second_fails(tmp_path):
    port = free_port()
    one = spawn(tmp_path, "one", port, share=True)
    two = spawn(tmp_path, "two", port, share=True)
    try:
        started(one, port)
        started(two, port)
        time.sleep(0.5)
        assert one.poll() is None and two.poll() is None, (log(one), log(two))
        # A process that does not share finds the sharers listening.
        refused(spawn(tmp_path, "exclusive", port, share=False))
    finally:
        stop(one, two)

    # And a sharer does not join a process that does not share.
    port = free_port()
    exclusive = spawn(tmp_path, "alone", port)
    try:
        started(exclusive, port)
        refused(spawn(tmp_path, "joiner", port, share=True))
    finally:
        stop(exclusive)


def test_the_claim_goes_with_the_process_even_after_kill_9(tmp_path):
    port = free_port()
    first = spawn(tmp_path, "killed", port)
    started(first, port)
    first.kill()
    first.wait(timeout=5)
    second = spawn(tmp_path, "after", port)
    try:
        started(second, port)
    finally:
        stop(second)
