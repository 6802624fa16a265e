"""A bounded load test of the production server with wrk, on 127.0.0.1 only.

wrk (Debian's package; installed with apt-get when missing and we are root, else the load
test is skipped with the reason) runs for a fixed time from its own process, rotating
through a mixed read workload (bench-data/urls-<database>.txt, written by `bench.scale
measure --urls`): searches by place and by postcode, partnership pages, filtered
representatives lists, networks, the representation report, open seats, the API's seat and
partnership lists and the home page. Meanwhile a curator saves a seat through the admin once a
second (bench.curator), and each save empties the page cache, so readers get pages made from a
cold cache. A Lua script reports latency percentiles and every error; the server's own request
log (one JSON line a request) gives the server time of each kind of page under load.
"""

import json
import os
import re
import shutil
import subprocess
from collections import defaultdict

from .curator import Writer
from .scale import DATA, percentile

LUA = r"""
-- Rotates through the URL file; each thread starts at a different place in it.
local paths = {}
local counter = 0
local threads = 0

function setup(thread)
  thread:set("offset", threads * 101)
  threads = threads + 1
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then table.insert(paths, line) end
  end
  counter = offset or 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d bytes=%d p50=%d p90=%d p95=%d p99=%d max=%d " ..
    "status=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
"""

WARM_UP = 5  # seconds

KINDS = [
    ("search", re.compile(r"^/search/")),
    ("partnership", re.compile(r"^/partnerships/[^/]+/$")),
    ("representatives", re.compile(r"^/representatives/$")),
    ("networks", re.compile(r"^/networks/")),
    ("report", re.compile(r"^/representation/$")),
    ("get involved", re.compile(r"^/get-involved/$")),
    ("api seats", re.compile(r"^/api/v1/seats/$")),
    ("api partnerships", re.compile(r"^/api/v1/partnerships/$")),
    ("home", re.compile(r"^/$")),
    ("curator", re.compile(r"^/admin/")),  # the writer's form loads and saves
]


def ensure_wrk():
    """The wrk executable, installed from Debian's packages when missing and we are root;
    (path, None) or (None, why not)."""
    found = shutil.which("wrk")
    if found:
        return found, None
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None, "wrk is not installed and we are not root to apt-get install it"
    print("  installing wrk (apt-get install wrk)", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, timeout=600)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env, timeout=600)
    except (subprocess.SubprocessError, OSError) as error:
        return None, f"apt-get install wrk failed: {error}"
    found = shutil.which("wrk")
    return (found, None) if found else (None, "no wrk after apt-get install")


def server_times(log_path, since):
    """Server time per kind of page under load, from the request log lines after `since`."""
    times = defaultdict(list)
    with open(log_path) as log:
        log.seek(since)
        for line in log:
            if not line.startswith("{"):
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            path, ms = entry.get("path"), entry.get("ms")
            if path is None or ms is None:
                continue
            kind = next((name for name, pattern in KINDS if pattern.match(path)), "other")
            times[kind].append(ms)
    return {
        kind: {"n": len(values), "p50_ms": percentile(values, 50), "p95_ms": percentile(values, 95)}
        for kind, values in times.items()
    }


def run(wrk, server, urls_file, seconds=20, connections=8, threads=2, curator=None):
    """wrk against the server for `seconds` while `curator` (an account from
    bench.curator.account, or None for reads only) saves a seat every second; the figures
    as a dict."""
    script = DATA / "loadtest.lua"
    script.write_text(LUA)
    base = [wrk, f"-t{threads}", f"-c{connections}", "--timeout", "30s", "-s", str(script)]
    target = [server.url("/"), "--", str(urls_file)]
    # Warm up, not counted: each worker reads the postcode files and compiles templates once.
    print(f"  load test: warm-up wrk -d{WARM_UP}s (not counted)", flush=True)
    subprocess.run([*base, f"-d{WARM_UP}s", *target], capture_output=True, timeout=WARM_UP + 120)
    writer = None
    if curator is not None:
        writer = Writer(server.url("/"), curator)
        if writer.log_in():
            writer.start()
    server.log.flush()
    log_start = server.log_path.stat().st_size
    command = [*base, f"-d{seconds}s", *target]
    print(
        f"  load test: wrk -t{threads} -c{connections} -d{seconds}s"
        + (", a curator saving a seat every second" if writer and writer.is_alive() else ""),
        flush=True,
    )
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 120, check=False
        )
    finally:
        if writer is not None and writer.is_alive():
            writer.stop()
    saves = writer.results() if writer is not None else None
    match = re.search(r"^BENCH (.*)$", completed.stdout, re.MULTILINE)
    if completed.returncode != 0 or not match:
        return {
            "error": f"wrk exited {completed.returncode}: {completed.stderr[-500:]}",
            "saves": saves,
        }
    figures = {k: int(v) for k, v in (pair.split("=") for pair in match.group(1).split())}
    duration = figures["duration_us"] / 1e6
    socket_errors = sum(figures[k] for k in ("connect", "read", "write", "timeout"))
    return {
        "seconds": seconds,
        "connections": connections,
        "threads": threads,
        "urls": sum(1 for line in open(urls_file) if line.strip()),
        "requests": figures["requests"],
        "requests_per_s": figures["requests"] / duration,
        "latency_ms": {k: figures[k] / 1000 for k in ("p50", "p90", "p95", "p99", "max")},
        "non_2xx_3xx": figures["status"],
        "socket_errors": socket_errors,
        "socket_error_kinds": {k: figures[k] for k in ("connect", "read", "write", "timeout")},
        "server_times": server_times(server.log_path, log_start),
        "saves": saves,
    }
