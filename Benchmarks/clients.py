"""The clients a lossd user actually runs, each wrapped to post one prepared request and time it.

- `HTTPClient`: the standard library's `http.client`, one keep-alive connection, no
  Accept-Encoding: the lean Python client (the original harness's only client).
- `RequestsClient`: `requests.Session()` with its default headers (it always sends
  `Accept-Encoding: gzip, deflate`, plus `br`/`zstd` when those packages are installed);
  keep-alive through its pool. Decompression of a compressed answer is part of its time.
- `TritonClient`: `tritonclient.http.InferenceServerClient.infer` with binary tensors
  (`set_data_from_numpy(..., binary_data=True)`, no outputs named, so the request asks for
  binary outputs); its own request assembly and header parsing are part of its time.
- `curl_times`: curl processes, each sending the same body to one URL N times over one
  connection (a config file with N `url` lines); times from curl's `%{time_total}`.
- `wrk_run`: `wrk -c16` with a POST body (`baselines/wrk_post.lua`).

A request body is always built once, before timing. The sink (`baselines/sink_server.py`)
answers with a canned response: `set_canned` loads it with a service's real answer, so a
client against the sink moves exactly the bytes it moves against the service.
"""
import http.client
import json
import os
import re
import socket
import subprocess
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


class HTTPClient:
    """One keep-alive HTTP/1.1 connection to a service on 127.0.0.1 (http.client, TCP_NODELAY)."""

    def __init__(self, port: int):
        self.port = port
        self.connect()
        self.last_headers: dict[str, str] = {}

    def connect(self):
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        self.connection.connect()
        self.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> bytes:
        try:
            self.connection.request(method, path, body=body, headers=headers or {})
            response = self.connection.getresponse()
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # The server closed the idle keep-alive connection (uvicorn does after 5 s): reconnect
            # once, as requests' pool does.
            self.connection.close()
            self.connect()
            self.connection.request(method, path, body=body, headers=headers or {})
            response = self.connection.getresponse()
        payload = response.read()
        self.last_headers = {k.lower(): v for k, v in response.getheaders()}
        if response.status != 200:
            raise RuntimeError(f"{method} {path}: {response.status} {payload[:300]!r}")
        return payload

    def post(self, path: str, body: bytes, content_type: str) -> bytes:
        return self.request("POST", path, body, {"Content-Type": content_type})

    def get(self, path: str) -> bytes:
        return self.request("GET", path)

    def worker_seconds(self) -> float | None:
        """lossd's own worker time (decode + compute + encode) from its Server-Timing header."""
        for part in self.last_headers.get("server-timing", "").split(","):
            name, _, duration = part.strip().partition(";dur=")
            if name == "compute" and duration:
                return float(duration) / 1000
        return None


class RequestsClient:
    """`requests.Session()` as a training script uses it: default headers, keep-alive."""

    def __init__(self, port: int):
        import requests
        self.base = f"http://127.0.0.1:{port}"
        self.session = requests.Session()
        self.last_encoding = None

    def post(self, path: str, body: bytes, content_type: str) -> bytes:
        response = self.session.post(self.base + path, data=body, headers={"Content-Type": content_type}, timeout=600)
        response.raise_for_status()
        self.last_encoding = response.headers.get("Content-Encoding", "identity")
        return response.content

    def default_headers(self) -> str:
        return ", ".join(f"{k}: {v}" for k, v in self.session.headers.items())


DATATYPES = {np.dtype(np.float32): "FP32", np.dtype(np.float64): "FP64", np.dtype(np.int64): "INT64",
             np.dtype(np.int32): "INT32", np.dtype(np.uint8): "UINT8"}


class TritonClient:
    """`tritonclient.http` with binary tensors; one InferenceServerClient (a keep-alive pool)."""

    def __init__(self, port: int):
        import tritonclient.http as httpclient
        self.httpclient = httpclient
        self.client = httpclient.InferenceServerClient(f"127.0.0.1:{port}", connection_timeout=600,
                                                       network_timeout=600)

    def inputs(self, arrays: dict):
        built = []
        for name, array in arrays.items():
            tensor = self.httpclient.InferInput(name, list(array.shape), DATATYPES[array.dtype])
            tensor.set_data_from_numpy(array, binary_data=True)
            built.append(tensor)
        return built

    def infer(self, model: str, inputs) -> tuple[float, np.ndarray]:
        result = self.client.infer(model, inputs)
        return result

    def raw_request(self, inputs) -> tuple[bytes, int]:
        """The exact body and JSON-header length `infer` sends for these inputs."""
        body, json_size = self.httpclient.InferenceServerClient.generate_request_body(inputs)
        return body, (json_size if json_size is not None else len(body))


def decode_triton(result) -> tuple[float, np.ndarray]:
    return float(result.as_numpy("loss").reshape(-1)[0]), result.as_numpy("grad")


def set_canned(sink: HTTPClient, body: bytes, headers: dict):
    """Makes the sink answer every POST with `body` and these headers."""
    sink.request("PUT", "/canned", body, {"X-Canned-Headers": json.dumps(headers)})


def curl_times(port: int, path: str, body_file: str, content_type: str, repetitions: int,
               processes: int = 1) -> tuple[list[float], float, list[str]]:
    """Per-transfer seconds (each process's first transfer, which connects, left out), the wall time
    of all processes together, and any non-200 statuses. curl's defaults otherwise (it sends
    `Expect: 100-continue` for bodies over 1 MB, and no Accept-Encoding)."""
    with tempfile.NamedTemporaryFile("w", suffix=".curlrc", delete=False) as config:
        config.write('silent\nshow-error\n')
        config.write(f'data-binary = "@{body_file}"\nheader = "Content-Type: {content_type}"\n')
        config.write('write-out = "%{time_total} %{http_code}\\n"\n')
        for _ in range(repetitions + 1):
            config.write(f'url = "http://127.0.0.1:{port}{path}"\noutput = "/dev/null"\n')
        name = config.name
    try:
        started = time.perf_counter()
        running = [subprocess.Popen(["curl", "-q", "-K", name], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                   for _ in range(processes)]
        outputs = [p.communicate() for p in running]
        wall = time.perf_counter() - started
    finally:
        os.unlink(name)
    times, problems = [], []
    for (out, err), process in zip(outputs, running):
        lines = out.decode().split()
        pairs = list(zip(lines[0::2], lines[1::2]))
        if process.returncode != 0 or len(pairs) != repetitions + 1:
            problems.append(f"curl exit {process.returncode}: {err.decode()[:200]}")
        problems += [f"curl HTTP {code}" for _, code in pairs if code != "200"][:1]
        times += [float(t) for t, _ in pairs[1:]]
    return times, wall, problems


def wrk_run(port: int, path: str, body_file: str, content_type: str, seconds: int,
            connections: int = 16) -> dict:
    """wrk with its default threads and `-c connections`: requests/s, p50 latency, non-2xx count."""
    command = ["wrk", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", os.path.join(HERE, "baselines", "wrk_post.lua"),
               f"http://127.0.0.1:{port}{path}", "--", body_file, content_type]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60).stdout
    rps = re.search(r"Requests/sec:\s*([\d.]+)", out)
    p50 = re.search(r"^\s*50%\s+([\d.]+)(us|ms|s)\b", out, re.M)
    bad = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    scale = {"us": 1e-6, "ms": 1e-3, "s": 1.0}
    return {"rps": float(rps.group(1)) if rps else None,
            "p50": float(p50.group(1)) * scale[p50.group(2)] if p50 else None,
            "non2xx": int(bad.group(1)) if bad else 0,
            "errors": errors.group(1).strip() if errors else None,
            "command": " ".join(command[:5]) + " … URL", "raw": out}
