"""Fixtures: a real lossd started on a free port, and a small fake server in front of it.

The binary is ``$LOSSD_BIN``, else the repository's ``.build/debug/lossd`` or
``.build/release/lossd``; without one every test that needs a server is skipped.
``LOSSD_URL`` points the tests at a server that is already running instead.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import pytest
import requests

import lossd

REPO = Path(__file__).resolve().parents[3]


def lossd_binary() -> Optional[str]:
    named = os.environ.get("LOSSD_BIN")
    if named:
        return named
    for candidate in (REPO / ".build/debug/lossd", REPO / ".build/release/lossd"):
        if candidate.is_file():
            return str(candidate)
    return None


class LossdProcess:
    """A lossd child process on a free port (``--port 0``); its log goes to a temporary file,
    which is read for the port it bound (a pipe would fill and stall the server)."""

    def __init__(self, binary: str, *args: str) -> None:
        self.log = tempfile.NamedTemporaryFile(prefix="lossd-", suffix=".log", delete=False)
        self.process = subprocess.Popen([binary, "--port", "0", *args], stdout=subprocess.DEVNULL,
                                        stderr=self.log)
        self.url = self._wait_for_port()

    def _wait_for_port(self) -> str:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            text = Path(self.log.name).read_text(errors="replace")
            match = re.search(r"address=([\d.]+):(\d+)", text) or re.search(r"port=(\d+)", text)
            if match:
                port = match.groups()[-1]
                return f"http://127.0.0.1:{port}"
            if self.process.poll() is not None:
                raise RuntimeError(f"lossd exited with {self.process.returncode}: {text.strip()[-2000:]}")
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("lossd did not report its port within 20 s")

    def log_text(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        os.unlink(self.log.name)


def start_lossd(*args: str) -> LossdProcess:
    binary = lossd_binary()
    if binary is None:
        pytest.skip("no lossd binary: build one (swift build) or set LOSSD_BIN / LOSSD_URL")
    return LossdProcess(binary, *args)


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """The URL of a lossd for the whole session."""
    external = os.environ.get("LOSSD_URL")
    if external:
        yield external.rstrip("/")
        return
    process = start_lossd()
    try:
        yield process.url
    finally:
        process.stop()


@pytest.fixture
def client(server_url: str) -> Iterator[lossd.Client]:
    with lossd.Client(server_url) as c:
        yield c


@pytest.fixture(scope="session")
def catalog(server_url: str) -> List[dict]:
    with lossd.Client(server_url) as c:
        return c.catalog()


def requires_route(call: Callable[[], object], feature: str) -> object:
    """Runs ``call``; skips the test when the server answers 404/405 for a route it does not
    have yet (a feature another branch is building), re-raises anything else."""
    try:
        return call()
    except lossd.LossError as error:
        if error.status in (404, 405) and error.code in (None, "not_found", "unknown_route", "method_not_allowed",
                                                        "unknown_loss"):
            pytest.skip(f"this lossd has no {feature} ({error.status} {error.code}: {error.message[:80]})")
        raise


class FakeFront:
    """A local HTTP server in front of lossd: answers the first ``fail`` requests with 503 and
    ``Retry-After``, then forwards each request to lossd and relays its answer. Records every
    request's method, path and headers. With ``tls=(cert, key)`` it speaks HTTPS."""

    def __init__(self, upstream: str, fail: int = 0, retry_after: Optional[str] = "0",
                 tls: Optional[Tuple[str, str]] = None) -> None:
        self.upstream = upstream
        self.fail = fail
        self.retry_after = retry_after
        self.seen: List[Dict[str, object]] = []
        self.times: List[float] = []
        front = self
        session = requests.Session()

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                front.seen.append({"method": self.command, "path": self.path, "headers": dict(self.headers)})
                front.times.append(time.monotonic())
                if len(front.seen) <= front.fail:
                    payload = json.dumps({"error": "fake overload", "code": "overloaded"}).encode()
                    self.send_response(503)
                    if front.retry_after is not None:
                        self.send_header("Retry-After", front.retry_after)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() in ("content-type", "accept", "authorization")}
                answer = session.request(self.command, front.upstream + self.path, data=body, headers=headers)
                self.send_response(answer.status_code)
                for key in ("Content-Type", "Retry-After", "X-Request-Id", "Allow"):
                    if key in answer.headers:
                        self.send_header(key, answer.headers[key])
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        scheme = "http"
        if tls is not None:
            import ssl

            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_front(server_url: str) -> Iterator[Callable[..., FakeFront]]:
    """Makes ``FakeFront``s in front of the session's lossd; closes them after the test."""
    made: List[FakeFront] = []

    def make(**options: object) -> FakeFront:
        front = FakeFront(server_url, **options)  # type: ignore[arg-type]
        made.append(front)
        return front

    yield make
    for front in made:
        front.close()
