#!/usr/bin/env python3
"""Measures lossd against in-process PyTorch and two Python services, in one run.

Started by Benchmarks/run.sh, which builds lossd in release and starts lossd, the stdlib
reference service, the FastAPI + uvicorn + PyTorch service and the client-floor sink on
127.0.0.1. For each loss and size it times, as the median of repetitions after warm-up:

  torch     forward + backward in this process (float32, CPU; the faster of one thread per core,
            as lossd has workers, and one thread)
  lossd     one POST over a keep-alive connection with a JSON body, and with a safetensors body
  python    the same JSON POST to Benchmarks/reference_service.py (stdlib HTTP + torch autograd)
  fastapi   the same JSON and safetensors POSTs, and KServe v2 binary, to
            Benchmarks/baselines/fastapi_service.py
  clients   http.client, requests (default headers), tritonclient (binary) and curl against
            lossd, FastAPI and the sink (baselines/sink_server.py, which answers lossd's own
            answer bytes: the client's floor for moving the same bytes)
  c=8       8 curl processes at once against lossd and FastAPI
  wrk       `wrk -c16` with the 1K JSON dice body against the three services
  RSS       a fresh lossd per (loss, size, format): peak RSS (VmHWM) after one request

Client-side encoding and decoding are outside the timed region for http.client, requests and
curl: the request body is built once, and a request is timed from sending it to having read
the whole response (tritonclient's own request assembly is part of its time, as it is for its
users). Every service's answer is decoded once per client and checked against torch (relative
1e-4), so a fast wrong answer fails. Prints a Markdown report to stdout.
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import sys
import time

import numpy as np
import torch
from safetensors.numpy import load as load_safetensors

import rss
from cases import LOSSES, SIZES, agreement, make_case
from clients import (HTTPClient, RequestsClient, TritonClient, curl_times, decode_triton, set_canned,
                     wrk_run)
from report import Row, render

# Repetitions per size (an upper bound; a cell also stops at its time budget after MIN_REPS).
MAX_REPS = {"1K": 200, "64K": 60, "1M": 10, "16M": 5}
WARMUP = {"1K": 5, "64K": 3, "1M": 1, "16M": 1}
BUDGET_SECONDS = {"1K": 1.0, "64K": 2.0, "1M": 5.0, "16M": 8.0}
MIN_REPS = 3
# curl: transfers per process after its first (connecting) one; c=8: per each of the 8 processes.
CURL_REPS = {"1K": 100, "64K": 30, "1M": 8, "16M": 3}
CONCURRENT_REPS = {"1K": 40, "64K": 10, "1M": 3, "16M": 2}
CONCURRENCY = 8
ST = "application/vnd.safetensors"


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


class Services:
    """Connections to every service of the run, one per client kind."""

    def __init__(self, args):
        self.args = args
        self.lossd, self.python = HTTPClient(args.lossd_port), HTTPClient(args.python_port)
        self.fastapi = HTTPClient(args.fastapi_port) if args.fastapi_port else None
        self.sink = HTTPClient(args.sink_port) if args.sink_port else None
        self.requests = {name: RequestsClient(port) for name, port in self.ports().items()}
        self.triton = {name: TritonClient(port) for name, port in self.ports().items()}

    def ports(self) -> dict:
        ports = {"lossd": self.args.lossd_port, "fastapi": self.args.fastapi_port, "sink": self.args.sink_port}
        return {name: port for name, port in ports.items() if port}


def bench_case(case, services: Services, args, workdir: str) -> Row:
    path = f"/v1/losses/{case.loss}"
    step = case.torch_step()
    expected_loss, expected_grad = step()
    expected_loss, expected_grad = expected_loss.item(), expected_grad.numpy().copy()
    row = Row(case.loss, case.label, case.input.size, case.moved_bytes)
    problems = []
    with_json = SIZES[case.label] <= SIZES[args.json_max]
    with_python_json = SIZES[case.label] <= SIZES[args.python_json_max]
    lossd, python, fastapi, sink = services.lossd, services.python, services.fastapi, services.sink

    row.torch, row.torch_threads = torch_best(step, case.label)

    def check(answer, name: str):
        if problem := agreement(expected_loss, expected_grad, *answer):
            problems.append(f"{name}: {problem}")

    def timed(client, body: bytes, content_type: str, decode, name: str, check_answer: bool = True):
        """Median seconds of client.post(path, body) and of lossd's Server-Timing worker time, if any."""
        answer = client.post(path, body, content_type)
        if check_answer:
            check(decode(answer), name)
        workers: list[float] = []

        def run():
            client.post(path, body, content_type)
            if hasattr(client, "worker_seconds") and (worker := client.worker_seconds()) is not None:
                workers.append(worker)
        median = statistics.median(measure(run, case.label))
        print(f"    {name:28s} {median * 1e3:10.3f} ms", file=sys.stderr)
        return median, (statistics.median(workers) if workers else None)

    json_body = case.json_body() if with_json else None
    st_body = case.safetensors_body()
    row.json_bytes, row.st_bytes = len(json_body) if json_body else None, len(st_body)
    if with_json:
        row.lossd_json, row.lossd_json_worker = timed(lossd, json_body, "application/json", decode_json, "lossd json")
    row.lossd_st, row.lossd_st_worker = timed(lossd, st_body, ST, decode_safetensors, "lossd safetensors")
    if with_python_json:
        row.python_json, _ = timed(python, json_body, "application/json", decode_json, "python service")
    ext = row.extra

    # FastAPI + PyTorch, http.client: the same JSON and safetensors bodies.
    if fastapi:
        if with_python_json:
            ext["fastapi.http.json"], _ = timed(fastapi, json_body, "application/json", decode_json, "fastapi json")
        ext["fastapi.http.st"], _ = timed(fastapi, st_body, ST, decode_safetensors, "fastapi safetensors")

    # requests with its default headers, safetensors: lossd, FastAPI, and the sink with lossd's answer.
    requests_clients = services.requests
    ext["lossd.requests.st"], _ = timed(requests_clients["lossd"], st_body, ST, decode_safetensors, "lossd requests st")
    row.notes["requests answer Content-Encoding (lossd)"] = requests_clients["lossd"].last_encoding
    if fastapi:
        ext["fastapi.requests.st"], _ = timed(requests_clients["fastapi"], st_body, ST, decode_safetensors, "fastapi requests st")
    if sink:
        set_canned(sink, lossd.post(path, st_body, ST), {"Content-Type": ST})
        ext["sink.http.st"], _ = timed(sink, st_body, ST, decode_safetensors, "floor http.client st", False)
        ext["sink.requests.st"], _ = timed(requests_clients["sink"], st_body, ST, decode_safetensors, "floor requests st", False)

    # tritonclient, KServe v2 binary tensors.
    def timed_triton(name: str, check_answer: bool = True):
        client = services.triton[name]
        inputs = client.inputs({"input": case.input, "target": case.target})
        if check_answer:
            check(decode_triton(client.infer(case.loss, inputs)), f"{name} tritonclient")
        median = statistics.median(measure(lambda: client.infer(case.loss, inputs), case.label))
        print(f"    {name + ' tritonclient':28s} {median * 1e3:10.3f} ms", file=sys.stderr)
        return median

    ext["lossd.triton.bin"] = timed_triton("lossd")
    if fastapi:
        ext["fastapi.triton.bin"] = timed_triton("fastapi")
    if sink:
        body, json_size = services.triton["lossd"].raw_request(
            services.triton["lossd"].inputs({"input": case.input, "target": case.target}))
        answer = lossd.request("POST", f"/v2/models/{case.loss}/infer", body,
                               {"Inference-Header-Content-Length": str(json_size)})
        headers = {"Content-Type": "application/octet-stream"}
        if "inference-header-content-length" in lossd.last_headers:
            headers["Inference-Header-Content-Length"] = lossd.last_headers["inference-header-content-length"]
        set_canned(sink, answer, headers)
        ext["sink.triton.bin"] = timed_triton("sink", False)

    # curl, one process, one connection; then CONCURRENCY processes at once.
    if shutil.which("curl"):
        st_file = os.path.join(workdir, "body.st")
        with open(st_file, "wb") as f:
            f.write(st_body)

        def timed_curl(name: str, port: int, processes: int = 1, body_file: str = st_file, content_type: str = ST):
            reps = CURL_REPS[case.label] if processes == 1 else CONCURRENT_REPS[case.label]
            times, wall, curl_problems = curl_times(port, path, body_file, content_type, reps, processes)
            problems.extend(f"{name} curl x{processes}: {p}" for p in curl_problems)
            median = statistics.median(times) if times else None
            rps = len(times) / wall if times else None
            print(f"    {name + ' curl x' + str(processes):28s} {(median or 0) * 1e3:10.3f} ms"
                  + (f"  {rps:8.1f} req/s" if processes > 1 else ""), file=sys.stderr)
            return (median, rps)

        ext["lossd.curl.st"] = timed_curl("lossd", args.lossd_port)[0]
        if fastapi:
            ext["fastapi.curl.st"] = timed_curl("fastapi", args.fastapi_port)[0]
        if sink:
            set_canned(sink, lossd.post(path, st_body, ST), {"Content-Type": ST})
            ext["sink.curl.st"] = timed_curl("sink", args.sink_port)[0]
        ext["lossd.c8.st"], ext["lossd.c8.st.rps"] = timed_curl("lossd", args.lossd_port, CONCURRENCY)
        if fastapi:
            ext["fastapi.c8.st"], ext["fastapi.c8.st.rps"] = timed_curl("fastapi", args.fastapi_port, CONCURRENCY)
        if SIZES[case.label] <= SIZES[args.concurrent_json_max] and with_python_json:
            json_file = os.path.join(workdir, "body.json")
            with open(json_file, "wb") as f:
                f.write(json_body)
            for name, port in (("lossd", args.lossd_port), ("fastapi", args.fastapi_port), ("python", args.python_port)):
                if port:
                    ext[f"{name}.c8.json"], ext[f"{name}.c8.json.rps"] = timed_curl(
                        name, port, CONCURRENCY, json_file, "application/json")

    # Peak RSS of a fresh lossd serving this one request.
    if args.lossd_bin:
        bodies = [("safetensors", st_body, ST)]
        if (mask := case.mask_safetensors_body()) is not None:
            bodies.append(("safetensors, uint8 target", mask, ST))
        if with_json:
            bodies.append(("JSON", json_body, "application/json"))
        for format_name, body, content_type in bodies:
            row.rss[format_name] = rss.peak_rss(args.lossd_bin, args.lossd_args.split(), path, body, content_type)
            r = row.rss[format_name]
            print(f"    RSS {format_name:24s} peak {r['peak'] / 1e6:8.1f} MB  payload {r['payload'] / 1e6:8.1f} MB",
                  file=sys.stderr)
    row.problems = problems
    return row


def bench_wrk(args, rng) -> dict:
    """`wrk -c16` with the 1K-element JSON dice body against lossd, FastAPI and the stdlib service."""
    if not shutil.which("wrk") or args.wrk_seconds <= 0:
        return {}
    case = make_case("dice", "1K", rng)
    results = {}
    with tempfile.TemporaryDirectory() as workdir:
        body_file = os.path.join(workdir, "dice1k.json")
        with open(body_file, "wb") as f:
            f.write(case.json_body())
        for name, port in (("lossd", args.lossd_port), ("fastapi", args.fastapi_port), ("python", args.python_port)):
            if port:
                results[name] = wrk_run(port, "/v1/losses/dice", body_file, "application/json", args.wrk_seconds)
                print(f"  wrk -c16 dice 1K JSON {name:8s} {results[name]['rps'] or 0:10.1f} req/s", file=sys.stderr)
    return results


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
                 f"{os.cpu_count()} and 1 threads per cell; reference service: {args.python_threads} thread(s); "
                 f"FastAPI service: {args.fastapi_threads} thread(s)",
        "python": platform.python_version(),
        "load_before": "%.2f %.2f %.2f" % os.getloadavg(),
    }


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version
    found = []
    for package in ("fastapi", "uvicorn", "uvloop", "httptools", "requests", "tritonclient"):
        try:
            found.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            pass
    return ", ".join(found)


def main() -> int:
    parser = argparse.ArgumentParser(description="lossd vs torch vs Python services")
    parser.add_argument("--lossd-port", type=int, required=True)
    parser.add_argument("--python-port", type=int, required=True)
    parser.add_argument("--fastapi-port", type=int, default=0, help="Benchmarks/baselines/fastapi_service.py (0: none)")
    parser.add_argument("--sink-port", type=int, default=0, help="Benchmarks/baselines/sink_server.py (0: no floors)")
    parser.add_argument("--lossd-bin", default="", help="lossd binary for the peak-RSS probes (fresh process per cell)")
    parser.add_argument("--lossd-args", default="", help="flags for those fresh lossd processes")
    parser.add_argument("--commit", default="unknown")
    parser.add_argument("--python-threads", default="?", help="torch threads of the reference service (for the report)")
    parser.add_argument("--fastapi-threads", default="?", help="torch threads of the FastAPI service (for the report)")
    parser.add_argument("--losses", default=",".join(LOSSES))
    parser.add_argument("--sizes", default=",".join(SIZES))
    parser.add_argument("--json-max", default="1M", choices=SIZES, help="largest size timed with JSON bodies")
    parser.add_argument("--python-json-max", default="1M", choices=SIZES,
                        help="largest JSON size sent to the Python services (16M JSON takes them ~40 s a request)")
    parser.add_argument("--concurrent-json-max", default="64K", choices=SIZES, help="largest JSON size at c=8")
    parser.add_argument("--wrk-seconds", type=int, default=10, help="duration of each wrk run (0: skip wrk)")
    parser.add_argument("--codecs", default="", help="codec-bench output (Markdown) to include and check")
    args = parser.parse_args()
    if SIZES[args.python_json_max] > SIZES[args.json_max]:
        args.python_json_max = args.json_max

    torch.set_num_threads(os.cpu_count() or 1)  # lossd runs one worker per core
    info = environment(args)
    info["clients"] = versions() + f", curl {curl_version()}, {wrk_version()}"
    services = Services(args)
    info["requests default headers"] = services.requests["lossd"].default_headers()
    floor = {name: statistics.median(measure(lambda c=client: c.get("/healthz"), "1K"))
             for name, client in (("lossd", services.lossd), ("python", services.python),
                                  ("fastapi", services.fastapi), ("sink", services.sink)) if client}
    info["HTTP floor (GET /healthz, median)"] = ", ".join(f"{k} {v * 1e6:.0f} µs" for k, v in floor.items())
    rng = np.random.default_rng(20261129)
    rows = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as workdir:
        for label in args.sizes.split(","):
            for loss in args.losses.split(","):
                print(f"  {loss} {label}:", file=sys.stderr)
                row = bench_case(make_case(loss, label, rng), services, args, workdir)
                rows.append(row)
                print(f"    load {os.getloadavg()[0]:.2f}", file=sys.stderr)
    wrk = bench_wrk(args, np.random.default_rng(20261130))
    codecs = open(args.codecs).read() if args.codecs and os.path.exists(args.codecs) else None
    info["load_after"] = "%.2f %.2f %.2f" % os.getloadavg()
    info["wall"] = f"{time.perf_counter() - started:.0f} s"
    print(render(rows, info, wrk=wrk, codecs=codecs))
    failures = [f"{r.loss} {r.label}: {p}" for r in rows for p in r.problems]
    failures += [f"wrk {name}: {w['non2xx']} non-2xx responses" for name, w in wrk.items() if w["non2xx"]]
    for failure in failures:
        print(f"DISAGREEMENT {failure}", file=sys.stderr)
    return 1 if failures else 0


def curl_version() -> str:
    if not shutil.which("curl"):
        return "(missing: no curl columns)"
    return subprocess.run(["curl", "--version"], capture_output=True, text=True).stdout.split()[1]


def wrk_version() -> str:
    if not shutil.which("wrk"):
        return "wrk (missing: no wrk table)"
    out = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    return (out.stdout + out.stderr).split(" [")[0].strip() or "wrk"


if __name__ == "__main__":
    sys.exit(main())
