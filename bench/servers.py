"""Start and stop the servers the benchmark talks to over HTTP, on 127.0.0.1 only:
the production server (gunicorn, DEBUG off) and Datasette. Each is a child process of the
benchmark, stopped by its own process id when the benchmark is done with it."""

import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .scale import DATA, ROOT, percentile, production_env

HOST = "127.0.0.1"


def port_is_free(port):
    with socket.socket() as probe:
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
        return True


def free_port(preferred):
    """The preferred port, or the next free one (another run may be using it)."""
    for port in range(preferred, preferred + 50):
        if port_is_free(port):
            return port
    raise RuntimeError(f"No free port from {preferred}")


def wait_until_up(url, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                response.read()
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds}s")


class Server:
    """A child process serving HTTP on 127.0.0.1:port, its output in a log file."""

    def __init__(self, name, command, port, env=None, probe="/", cwd=ROOT):
        self.name, self.port = name, port
        self.log_path = DATA / f"{name}.log"
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its workers too are stopped by our signal
        )
        try:
            wait_until_up(self.url(probe), self.process)
        except Exception:
            self.stop()
            raise

    def url(self, path):
        return f"http://{HOST}:{self.port}{path}"

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # this process's own group only
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def gunicorn(database_url, port=8766, workers=3):
    """The production server on the bench database (collectstatic must have run)."""
    port = free_port(port)
    command = [sys.executable, "-m", "gunicorn", "lsp_directory.wsgi", "-w", str(workers)]
    command += ["-b", f"{HOST}:{port}", "--timeout", "120"]
    return Server("gunicorn", command, port, env=production_env(database_url), probe="/healthz")


def datasette(executable, sqlite_file, port=8765):
    port = free_port(port)
    command = [str(executable), "serve", str(sqlite_file), "--host", HOST, "--port", str(port)]
    for setting in ("sql_time_limit_ms 60000", "max_returned_rows 1000", "max_csv_mb 0"):
        command += ["--setting", *setting.split()]
    return Server("datasette", command, port, probe=f"/{Path(sqlite_file).stem}.json")


def fetch(url, timeout=600):
    """GET the url and read the whole body; (status, rows as newlines, bytes, seconds)."""
    started = time.perf_counter()
    size = lines = 0
    request = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        status = response.status
        while chunk := response.read(1 << 16):
            size += len(chunk)
            lines += chunk.count(b"\n")
    return status, lines, size, time.perf_counter() - started


def time_url(url, requests=20, warm=2):
    for _ in range(warm):
        fetch(url)
    times, statuses = [], set()
    for _ in range(requests):
        status, _, _, seconds = fetch(url)
        statuses.add(status)
        times.append(seconds * 1000)
    return {
        "n": len(times),
        "median_ms": statistics.median(times),
        "p95_ms": percentile(times, 95),
        "statuses": sorted(statuses),
    }
