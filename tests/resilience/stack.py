"""The production stack on loopback for the load and fault tests: gunicorn, task workers, a
Redis and an SMTP server of their own, on the test database. Everything started here is stopped
when its test ends, however it ends."""

import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller
from django.conf import settings

from tests.mailserver import Inbox, free_port, worker_environment

ROOT = Path(__file__).resolve().parents[2]
# aiosmtpd logs each SMTP command at INFO: thousands of lines here.
logging.getLogger("mail.log").setLevel(logging.WARNING)
BIN = Path(sys.executable).parent


class Process:
    """A child process in a session of its own, logging to a file."""

    def __init__(self, name: str, command: list[str], env: dict[str, str]):
        self.name = name
        self.log = Path(tempfile.mkstemp(prefix=f"ewview-{name}-", suffix=".log")[1])
        with self.log.open("wb") as log:
            self.popen = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL, as the out-of-memory killer or a lost machine would."""
        if not self.alive():
            return
        os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self) -> None:
        if not self.alive():
            return
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


class Redis:
    """A redis-server of our own, which a test may stop and start again on the same port."""

    def __init__(self):
        self.port = free_port()
        self.process: Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no"]
        self.process = Process("redis", command, dict(os.environ))
        wait_for(lambda: _port_open(self.port), what="redis-server to listen")

    def stop(self) -> None:
        if self.process:
            self.process.kill()


class Sink(Inbox):
    """An SMTP server counting what it accepts; `down()` and `up()` on the same port."""

    def __init__(self):
        super().__init__()
        self.port = free_port()
        self._controller: Controller | None = None

    def up(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def down(self) -> None:
        if self._controller:
            self._controller.stop()
            self._controller = None

    def recipients(self) -> Counter:
        return Counter(message["To"] for message in list(self.messages))


@dataclass
class Stack:
    """gunicorn and workers sharing the test database, a Redis and an SMTP sink."""

    redis: Redis
    sink: Sink
    port: int = field(default_factory=free_port)
    processes: list[Process] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self, **extra: str) -> dict[str, str]:
        return worker_environment(
            smtp_port=self.sink.port,
            DEBUG="0",
            ALLOWED_HOSTS="127.0.0.1",
            SITE_URL=self.base,
            STATIC_ROOT=str(settings.STATIC_ROOT),
            REDIS_URL=self.redis.url,
            # Every reader arrives through the one proxy, which says who they are.
            NUM_PROXIES="1",
            EMAIL_TIMEOUT="2",
            MAIL_RETRY_SECONDS="1",
            MAIL_CLAIM_SECONDS="4",
            WORKER_HEARTBEAT_SECONDS="0.5",
            WORKER_LOST_SECONDS="3",
            SUBSCRIPTIONS_DIGEST_HOUR="off",
            **self.settings,
            **extra,
        )

    def web(self, *, workers: int = 2) -> Process:
        command = [str(BIN / "gunicorn"), "ewview.wsgi", "--workers", str(workers)]
        command += ["--bind", f"127.0.0.1:{self.port}", "--timeout", "30"]
        process = self._start("gunicorn", command)
        wait_for(lambda: get(self.base + "/")[0] == 200, what="gunicorn to serve the home page")
        return process

    def worker(self, worker_id: str) -> Process:
        command = [sys.executable, "manage.py", "run_worker", "--no-reload", "--interval", "0.2"]
        command += ["--no-startup-delay", "--worker-id", worker_id]
        return self._start(f"worker-{worker_id}", command)

    def _start(self, name: str, command: list[str]) -> Process:
        process = Process(name, command, self.environment())
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()

    def logs(self) -> str:
        return "".join(f"\n--- {p.name}:\n{p.tail()}" for p in self.processes)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def get(url: str, *, data: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes]:
    """The status and body of a GET, or of a POST with `data`; redirects are not followed."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with _opener.open(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, b""


def wait_for(condition, *, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.2)


def _port_open(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) paths = args; i = 0; fivexx = 0; failed = 0 end
function request() i = i + 1; return wrk.format("GET", paths[(i % #paths) + 1]) end
function response(status, headers, body)
  if status >= 500 then fivexx = fivexx + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("fivexx") end
  io.write(string.format("FIVEXX %d\\n", total))
  io.write(string.format("REQUESTS %d\\n", summary.requests))
  io.write(string.format("SOCKET_ERRORS %d\\n", summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
  io.write(string.format("P99_MS %.1f\\n", latency:percentile(99) / 1000))
end
"""


@dataclass
class Load:
    requests: int
    fivexx: int
    socket_errors: int
    p99_ms: float
    seconds: float

    def describe(self) -> str:
        return (
            f"{self.requests} requests in {self.seconds:.0f} s "
            f"({self.requests / self.seconds:.0f}/s), {self.fivexx} answered 5xx, "
            f"{self.socket_errors} socket errors, p99 {self.p99_ms:.0f} ms"
        )


def readers(
    base: str, paths: list[str], *, seconds: int, connections: int = 50, headers: tuple = ()
) -> Load:
    """`connections` readers reading `paths` in turn for `seconds`, with wrk."""
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(WRK_SCRIPT)
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s"]
    for header in headers:
        command += ["-H", header]
    command += ["-s", str(script), base, "--", *paths]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures = {}
    for line in output.splitlines():
        key, _, value = line.partition(" ")
        if key in {"FIVEXX", "REQUESTS", "SOCKET_ERRORS", "P99_MS"}:
            figures[key] = value
    return Load(
        requests=int(figures["REQUESTS"]),
        fivexx=int(figures["FIVEXX"]),
        socket_errors=int(figures["SOCKET_ERRORS"]),
        p99_ms=float(figures["P99_MS"]),
        seconds=seconds,
    )


class Background(threading.Thread):
    """Run `action` in a thread and keep what it returns."""

    def __init__(self, action):
        super().__init__(daemon=True)
        self.action, self.result, self.error = action, None, None
        self.start()

    def run(self) -> None:
        try:
            self.result = self.action()
        except BaseException as error:
            self.error = error

    def outcome(self, timeout: float = 300):
        self.join(timeout)
        if self.error:
            raise self.error
        return self.result
