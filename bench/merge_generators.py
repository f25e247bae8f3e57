#!/usr/bin/env python3
"""Merges the JSON lines of several load generator processes that ran the same profile against
one server at the same time (run.sh with BENCH_LOADGEN_PROCS > 1) into one line.

Counts and rates add up; the server's CPU utilisation is the mean of what each process read over
its own window (the windows start within milliseconds of each other), and the server's CPU per
message is that utilisation over the summed rate; p50 and p99 are the largest of the processes'
(a merged histogram is not available from the JSON); per-connection echoes are the fewest and the
most over all connections (and min_conn_share the worst of each process's slowest connection
over its own mean); the generators' CPU adds up (as a share of one core)."""
import json
import sys

rows = [json.loads(line) for line in sys.stdin if line.startswith("{")]
if not rows:
    sys.exit("merge_generators: no JSON lines")
merged = dict(rows[0])
rate = sum(r["msgs_per_s"] or 0 for r in rows)
merged["generator_processes"] = len(rows)
for key in ("connections", "messages", "total_sent", "total_echoed", "total_upgrades"):
    if all(isinstance(r.get(key), int) for r in rows):
        merged[key] = sum(r[key] for r in rows)
merged["msgs_per_s"] = rate
for key in ("p50_us", "p99_us", "p999_us", "max_us"):
    values = [r[key] for r in rows if r.get(key) is not None]
    merged[key] = max(values) if values else None
merged["min_conn_msgs"] = min(r["min_conn_msgs"] for r in rows)
merged["max_conn_msgs"] = max(r["max_conn_msgs"] for r in rows)
# The processes need not get equal shares of the cores, so starvation is judged within each:
# the slowest connection's echoes over its own process's mean per connection.
merged["min_conn_share"] = min(r["min_conn_msgs"] * r["connections"] / r["messages"] for r in rows if r["messages"])
merged["loadgen_cpu_util"] = sum(r["loadgen_cpu_util"] or 0 for r in rows)
if all(r.get("server_cpu_util") is not None for r in rows) and rate > 0:
    util = sum(r["server_cpu_util"] for r in rows) / len(rows)
    # user share of the server's CPU, from each process's own user and total per message
    user_share = sum(r["server_user_us_per_msg"] / r["server_cpu_us_per_msg"] for r in rows) / len(rows)
    merged["server_cpu_util"] = util
    merged["server_cpu_us_per_msg"] = util * 1e6 / rate
    merged["server_user_us_per_msg"] = util * user_share * 1e6 / rate
    merged["server_sys_us_per_msg"] = util * (1 - user_share) * 1e6 / rate
print(json.dumps(merged, separators=(",", ":")))
