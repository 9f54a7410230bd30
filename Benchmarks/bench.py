#!/usr/bin/env python3
"""Measures lossd against in-process PyTorch and a Python reference service, in one run.

Started by Benchmarks/run.sh, which builds lossd in release and starts both services on
127.0.0.1. For each loss and size it times, as the median of repetitions after warm-up:

  torch     forward + backward in this process (float32, CPU; the faster of one thread per core,
            as lossd has workers, and one thread)
  lossd     one POST over a keep-alive connection with a JSON body, and with a safetensors body
  python    the same JSON POST to Benchmarks/reference_service.py (stdlib HTTP + torch autograd)

Client-side encoding and decoding are outside the timed region: the request body is built
once, and a request is timed from sending it to having read the whole response. Every service's
answer is decoded once and checked against torch (relative 1e-4), so a fast wrong answer fails.
Prints a Markdown report to stdout.
"""
import argparse
import datetime
import http.client
import json
import os
import platform
import socket
import statistics
import sys
import time

import numpy as np
import torch
from safetensors.numpy import load as load_safetensors

from cases import LOSSES, SIZES, agreement, make_case
from report import Row, render

# Repetitions per size (an upper bound; a cell also stops at its time budget after MIN_REPS).
MAX_REPS = {"1K": 200, "64K": 60, "1M": 10}
WARMUP = {"1K": 5, "64K": 3, "1M": 1}
BUDGET_SECONDS = {"1K": 1.0, "64K": 2.0, "1M": 5.0}
MIN_REPS = 3


def measure(run, label: str) -> list[float]:
    """Seconds per call of `run`, after warm-up, until the cell's repetition count or time budget."""
    for _ in range(WARMUP[label]):
        run()
    times: list[float] = []
    deadline = time.perf_counter() + BUDGET_SECONDS[label]
    while len(times) < MAX_REPS[label] and (len(times) < MIN_REPS or time.perf_counter() < deadline):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return times


class Client:
    """One keep-alive HTTP/1.1 connection to a service on 127.0.0.1."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.connection.connect()
        self.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.last_headers: dict[str, str] = {}

    def post(self, path: str, body: bytes, content_type: str) -> bytes:
        self.connection.request("POST", path, body=body, headers={"Content-Type": content_type})
        response = self.connection.getresponse()
        payload = response.read()
        self.last_headers = {k.lower(): v for k, v in response.getheaders()}
        if response.status != 200:
            raise RuntimeError(f"POST {path}: {response.status} {payload[:300]!r}")
        return payload

    def get(self, path: str) -> bytes:
        self.connection.request("GET", path)
        response = self.connection.getresponse()
        payload = response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status} {payload[:300]!r}")
        return payload

    def worker_seconds(self) -> float | None:
        """lossd's own worker time (decode + compute + encode) from its Server-Timing header."""
        for part in self.last_headers.get("server-timing", "").split(","):
            name, _, duration = part.strip().partition(";dur=")
            if name == "compute" and duration:
                return float(duration) / 1000
        return None


def decode_json(payload: bytes) -> tuple[float, np.ndarray]:
    answer = json.loads(payload)
    grad = answer["grad"]
    return float(answer["loss"]), np.asarray(grad["data"], dtype=np.float64).reshape(grad["shape"])


def decode_safetensors(payload: bytes) -> tuple[float, np.ndarray]:
    tensors = load_safetensors(payload)
    return float(tensors["loss"]), tensors["grad"]


def torch_best(step, label: str) -> tuple[float, int]:
    """torch's median at one thread per core and at one thread, whichever is faster.

    Two OpenMP threads on two cores that other processes also use stall at barriers (1M
    bce_with_logits: 8 ms at one thread, 80 ms at two, with one core busy elsewhere); the
    baseline should be torch at its best, so the ratio is a fair one against lossd.
    """
    results = []
    for threads in sorted({os.cpu_count() or 1, 1}, reverse=True):
        torch.set_num_threads(threads)
        results.append((statistics.median(measure(step, label)), threads))
    torch.set_num_threads(os.cpu_count() or 1)
    return min(results)


def bench_case(case, lossd: Client, python: Client) -> Row:
    path = f"/v1/losses/{case.loss}"
    step = case.torch_step()
    expected_loss, expected_grad = step()
    expected_loss, expected_grad = expected_loss.item(), expected_grad.numpy().copy()
    row = Row(case.loss, case.label, case.input.size, case.moved_bytes)
    problems = []

    row.torch, row.torch_threads = torch_best(step, case.label)

    def timed_service(client: Client, body: bytes, content_type: str, decode, name: str):
        answer = decode(client.post(path, body, content_type))
        problem = agreement(expected_loss, expected_grad, *answer)
        if problem:
            problems.append(f"{name}: {problem}")
        workers: list[float] = []

        def run():
            client.post(path, body, content_type)
            if (worker := client.worker_seconds()) is not None:
                workers.append(worker)
        median = statistics.median(measure(run, case.label))
        return median, (statistics.median(workers) if workers else None)

    json_body = case.json_body()
    st_body = case.safetensors_body()
    row.json_bytes, row.st_bytes = len(json_body), len(st_body)
    row.lossd_json, row.lossd_json_worker = timed_service(lossd, json_body, "application/json", decode_json, "lossd json")
    row.lossd_st, row.lossd_st_worker = timed_service(
        lossd, st_body, "application/vnd.safetensors", decode_safetensors, "lossd safetensors")
    row.python_json, _ = timed_service(python, json_body, "application/json", decode_json, "python service")
    row.problems = problems
    return row


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def environment(args) -> dict:
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": args.commit,
        "cores": os.cpu_count(),
        "cpu": cpu_model(),
        "torch": f"{torch.__version__} ({torch.backends.cpu.get_cpu_capability()}); in-process: best of "
                 f"{os.cpu_count()} and 1 threads per cell; reference service: {args.python_threads} thread(s)",
        "python": platform.python_version(),
        "load_before": "%.2f %.2f %.2f" % os.getloadavg(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description="lossd vs torch vs a Python service")
    parser.add_argument("--lossd-port", type=int, required=True)
    parser.add_argument("--python-port", type=int, required=True)
    parser.add_argument("--commit", default="unknown")
    parser.add_argument("--python-threads", default="?", help="torch threads of the reference service (for the report)")
    parser.add_argument("--losses", default=",".join(LOSSES))
    parser.add_argument("--sizes", default=",".join(SIZES))
    args = parser.parse_args()

    torch.set_num_threads(os.cpu_count() or 1)  # lossd runs one worker per core
    info = environment(args)
    lossd, python = Client(args.lossd_port), Client(args.python_port)
    floor = {name: statistics.median(measure(lambda c=client: c.get("/healthz"), "1K"))
             for name, client in (("lossd", lossd), ("python", python))}
    info["HTTP floor (GET /healthz, median)"] = ", ".join(f"{k} {v * 1e6:.0f} µs" for k, v in floor.items())
    rng = np.random.default_rng(20261129)
    rows = []
    started = time.perf_counter()
    for label in args.sizes.split(","):
        for loss in args.losses.split(","):
            row = bench_case(make_case(loss, label, rng), lossd, python)
            print(f"  {loss:16s} {label:>4s}: torch {row.torch * 1e3:8.3f} ms  lossd json {row.lossd_json * 1e3:8.3f} ms"
                  f"  lossd st {row.lossd_st * 1e3:8.3f} ms  python {row.python_json * 1e3:9.3f} ms", file=sys.stderr)
            rows.append(row)
    info["load_after"] = "%.2f %.2f %.2f" % os.getloadavg()
    info["wall"] = f"{time.perf_counter() - started:.0f} s"
    print(render(rows, info))
    failures = [f"{r.loss} {r.label}: {p}" for r in rows for p in r.problems]
    for failure in failures:
        print(f"DISAGREEMENT {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
