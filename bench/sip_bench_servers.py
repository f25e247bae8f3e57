"""The processes of the SIP benchmarks (sip_bench.py): Kamailio (deploy/kamailio/kamailio.cfg) and
Callgate started pinned on free loopback ports, their CPU time and memory from /proc, and the
machine's state around a run (other processes' load)."""
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from sip_bench_paths import SESSION_SECRET

ROOT = Path(__file__).resolve().parent.parent
KAMAILIO_CFG = ROOT / "deploy" / "kamailio" / "kamailio.cfg"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_stat(pid):
    """(utime + stime in seconds, ppid) from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS, int(fields[1])


def rss_bytes(pid) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def pss_bytes(pid) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except FileNotFoundError:
        pass
    return 0


class Server:
    def __init__(self, name, command, folder: Path, cpu):
        self.name, self.folder = name, folder
        self.log_path = folder / f"{name}.log"
        if cpu:
            command = ["taskset", "-c", cpu] + command
        self.command = command
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=log, start_new_session=True, cwd=folder)
        self.pid = self.process.pid

    def wait_ready(self, probe, seconds=20):
        deadline = time.monotonic() + seconds
        while True:
            try:
                probe()
                return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                tail = self.log_path.read_text(errors="replace")[-3000:]
                self.stop()
                raise SystemExit(f"{self.name} did not start:\n{' '.join(self.command)}\n{tail}")
            time.sleep(0.1)

    def pids(self):
        """The process and its descendants (Kamailio forks its workers)."""
        children = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    children.setdefault(proc_stat(entry)[1], []).append(int(entry))
                except (FileNotFoundError, ProcessLookupError, IndexError):
                    pass
        found, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo += children.get(pid, [])
        return found

    def cpu_seconds(self):
        total = 0.0
        for pid in self.pids():
            try:
                total += proc_stat(pid)[0]
            except FileNotFoundError:
                pass
        return total

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # the group this script started
                self.process.wait(timeout=10)


class Kamailio(Server):
    """deploy/kamailio/kamailio.cfg started as Tests/interop/kamailio.py starts it (foreground,
    runtime files in our folder, WITH_RPC), with GATEWAY_ADDR so it believes Callgate's
    X-Callgate-User from 127.0.0.1, the benchmark's user table, and more shared memory for 1,000
    connections (-m)."""

    def __init__(self, folder: Path, users_db: Path, cpu, shm_mb, min_expires):
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        binary = shutil.which("kamailio") or "/usr/sbin/kamailio"
        defines = {"WS_ADDR": "127.0.0.1", "WS_PORT": str(self.port), "WITH_RPC": None,
                   "USERS_DB": f'"text://{users_db}"', "MIN_EXPIRES": str(min_expires),
                   "GATEWAY_ADDR": '"127.0.0.1"'}
        command = [binary, "-DD", "-E", "-f", str(KAMAILIO_CFG), "-Y", str(folder), "-P", str(folder / "kamailio.pid"),
                   "-w", str(folder), "-m", str(shm_mb), "-M", "8"]
        for name, value in defines.items():
            command += ["-A", name if value is None else f"{name}={value}"]
        super().__init__("kamailio", command, folder, cpu)
        self.wait_ready(lambda: self.rpc("core.version"))

    def rpc(self, method, *params):
        body = json.dumps({"jsonrpc": "2.0", "method": method, "params": list(params), "id": 1}).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/RPC", data=body, method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            reply = json.load(response)
        if "error" in reply:
            raise RuntimeError(f"kamailio RPC {method}: {reply['error']}")
        return reply["result"]

    def memory(self):
        """PSS of all its processes (shared memory counted once) and its shared-memory pool in use."""
        shm = self.rpc("core.shmmem")
        return {"pss": sum(pss_bytes(pid) for pid in self.pids()), "shm_used": int(shm["real_used"])}

    def registered_contacts(self) -> int:
        stats = self.rpc("stats.get_statistics", "usrloc:")
        for line in stats if isinstance(stats, list) else []:
            name, _, value = line.partition(" = ")
            if name.strip() == "usrloc:location_contacts":
                return int(value)
        raise RuntimeError(f"no usrloc:location_contacts in {stats!r}")


class Callgate(Server):
    def __init__(self, binary, folder: Path, directory: Path, kamailio_port, cpu, connections, deflate_settings=None):
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        backend = f"ws://127.0.0.1:{kamailio_port}/"
        config = {
            "listen": [f"127.0.0.1:{self.port}"], "threads": 1, "stateDirectory": str(folder / "state"),
            "limits": {"maxConnections": 2 * connections + 2000, "maxConnectionsPerAddress": 0},
            "auth": {"sessionSecret": SESSION_SECRET},
            "agents": {"directory": str(directory)},
            "routes": {"sip": {"backend": backend, "mode": "sip", "origins": "*"},
                       "sippipe": {"path": "/sippipe", "backend": backend, "mode": "pipe", "auth": "none",
                                   "origins": "*"}},
        }
        if deflate_settings:
            config["permessageDeflate"] = deflate_settings
        config_path = folder / "callgate.json"
        config_path.write_text(json.dumps(config, indent=1))
        super().__init__("callgate", [binary, "--config", str(config_path), "--log-level", "warn"], folder, cpu)
        self.wait_ready(lambda: urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2).read())

    def memory(self):
        return {"rss": rss_bytes(self.pid)}

    def metric(self, name):
        text = urllib.request.urlopen(f"http://127.0.0.1:{self.port}/metrics", timeout=5).read().decode()
        for line in text.splitlines():
            if line.startswith(name + " "):
                return float(line.split()[-1])
        return 0.0


def machine():
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    return {"nproc": os.cpu_count(), "cpu": model, "kernel": os.uname().release,
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "loadavg": open("/proc/loadavg").read().split()[:3]}


class OtherLoad:
    """CPU used on the machine by processes other than the driver and `servers` while a part ran,
    in cores (from /proc/stat's busy time minus ours): the load other work put on the run."""

    def __init__(self, servers):
        self.servers = servers
        self.start = self._read()

    def _read(self):
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
        busy = (sum(fields[:8]) - fields[3] - fields[4]) / CLOCK_TICKS  # all but idle and iowait
        ours = proc_stat("self")[0] + sum(server.cpu_seconds() for server in self.servers)
        return time.monotonic(), busy, ours

    def cores(self):
        (t0, busy0, ours0), (t1, busy1, ours1) = self.start, self._read()
        return round(max(0.0, (busy1 - busy0) - (ours1 - ours0)) / (t1 - t0), 2)


def busy_others():
    """The processes other than ours using CPU right now (a 1 s sample), to judge the run."""
    def ticks():
        found = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        text = f.read()
                    name = text[text.index("(") + 1:text.rindex(")")]
                    found[int(entry)] = (name, proc_stat(entry)[0])
                except (OSError, ValueError, IndexError):
                    pass
        return found
    first_, _ = ticks(), time.sleep(1)
    second = ticks()
    busy = []
    for pid, (name, t) in second.items():
        if pid in first_ and t - first_[pid][1] >= 0.05:
            busy.append(f"{name}:{round((t - first_[pid][1]) * 100)}%")
    return busy
