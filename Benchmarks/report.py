"""The Markdown report of one benchmark run."""
import re
from dataclasses import dataclass, field


@dataclass
class Row:
    """Medians for one (loss, size) cell, in seconds; bytes as sent."""
    loss: str
    label: str
    elements: int
    moved_bytes: int
    torch: float = 0.0
    torch_threads: int = 0
    lossd_json: float | None = None  # None: not timed (size above --json-max)
    lossd_st: float = 0.0
    python_json: float | None = None
    lossd_json_worker: float | None = None
    lossd_st_worker: float | None = None
    json_bytes: int | None = 0
    st_bytes: int = 0
    problems: list = field(default_factory=list)
    # Medians (seconds) and c=8 throughputs (req/s) of the other measurements, by key
    # "service.client.format": service lossd | fastapi | python | sink; client http | requests |
    # triton | curl | c8; format json | st | bin; ".rps" suffix: requests/s.
    extra: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)
    rss: dict = field(default_factory=dict)  # format -> {"idle", "peak", "payload"} bytes


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def ratio(numerator: float | None, denominator: float | None) -> str:
    if not numerator or not denominator:
        return "–"
    return f"{numerator / denominator:.2f}×" if numerator / denominator < 100 else f"{numerator / denominator:.0f}×"


def size(count: int | None) -> str:
    if count is None:
        return "–"
    for unit, scale in (("MB", 1e6), ("kB", 1e3)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} B"


def bandwidth(moved: int, seconds: float | None) -> str:
    return f"{moved / seconds / 1e9:.2f}" if seconds else "–"


def render(rows: list[Row], info: dict, wrk: dict | None = None, codecs: str | None = None) -> str:
    lines = ["## lossd benchmark", ""]
    lines += [f"- {key.replace('_', ' ')}: {value}" for key, value in info.items()]
    lines += ["", "### Latency (median) and ratios (lower is better for lossd)", "",
              "| loss | size | torch fwd+bwd (threads) | lossd JSON | lossd safetensors | Python svc JSON "
              "| lossd JSON / torch | lossd st / torch | lossd JSON / Python svc | lossd st / Python svc |",
              "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for r in rows:
        lines.append(f"| {r.loss} | {r.label} | {duration(r.torch)} ({r.torch_threads}) | {duration(r.lossd_json)} | {duration(r.lossd_st)} "
                     f"| {duration(r.python_json)} | {ratio(r.lossd_json, r.torch)} | {ratio(r.lossd_st, r.torch)} "
                     f"| {ratio(r.lossd_json, r.python_json)} | {ratio(r.lossd_st, r.python_json)} |")
    lines += ["", "### Where lossd's time goes", "",
              "Worker = lossd's Server-Timing `compute` (decode + loss + encode on a worker thread); "
              "the rest of end-to-end is HTTP parsing, queueing, socket copies and the client. "
              "GB/s = (input + target + gradient bytes) / time.", "",
              "| loss | size | JSON body | st body | worker JSON | worker st | e2e − worker (st) "
              "| GB/s torch | GB/s lossd worker st | GB/s lossd e2e st |",
              "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for r in rows:
        overhead = r.lossd_st - r.lossd_st_worker if r.lossd_st_worker is not None else None
        if overhead is not None and overhead <= 0:
            overhead = None
        lines.append(f"| {r.loss} | {r.label} | {size(r.json_bytes)} | {size(r.st_bytes)} "
                     f"| {duration(r.lossd_json_worker)} | {duration(r.lossd_st_worker)} | {duration(overhead)} "
                     f"| {bandwidth(r.moved_bytes, r.torch)} | {bandwidth(r.moved_bytes, r.lossd_st_worker)} "
                     f"| {bandwidth(r.moved_bytes, r.lossd_st)} |")
    lines += render_services(rows, info)
    if wrk:
        lines += render_wrk(wrk)
    lines += render_rss(rows)
    if codecs:
        lines += ["", "### JSON codecs (Benchmarks/Codecs, no HTTP)", "", codecs.strip()]
    lines += render_done_when(rows, wrk, codecs)
    failures = [f"{r.loss} {r.label}: {p}" for r in rows for p in r.problems]
    lines += ["", "Agreement with torch (relative 1e-4): " + ("all cells agree." if not failures else "**FAILED**")]
    lines += [f"- {failure}" for failure in failures]
    return "\n".join(lines) + "\n"


def rate(value: float | None) -> str:
    return "–" if not value else (f"{value:,.0f}" if value >= 100 else f"{value:.1f}")


def mark(ok: bool | None) -> str:
    return "–" if ok is None else ("✓" if ok else "✗")


def render_services(rows: list[Row], info: dict) -> list[str]:
    lines = ["", "### Against FastAPI + uvicorn + PyTorch (c = 1, http.client, median)", "",
             "[`baselines/fastapi_service.py`](baselines/fastapi_service.py): the same bodies; lower ratio is better for lossd.", "",
             "| loss | size | FastAPI JSON | lossd JSON | lossd / FastAPI (JSON) | FastAPI st | lossd st | lossd / FastAPI (st) |",
             "|---|---|--:|--:|--:|--:|--:|--:|"]
    for r in rows:
        e = r.extra
        lines.append(f"| {r.loss} | {r.label} | {duration(e.get('fastapi.http.json'))} | {duration(r.lossd_json or None)} "
                     f"| {ratio(r.lossd_json, e.get('fastapi.http.json'))} | {duration(e.get('fastapi.http.st'))} "
                     f"| {duration(r.lossd_st)} | {ratio(r.lossd_st, e.get('fastapi.http.st'))} |")
    lines += ["", "### Clients a user runs (c = 1, median): lossd, FastAPI, and the client's own floor", "",
              "Floor = the same client posting the same body to [`baselines/sink_server.py`](baselines/sink_server.py), "
              "which answers with lossd's own answer bytes (uncompressed) and does nothing else: what the client "
              "itself costs to move those bytes. `requests`: a `Session` with its default headers "
              f"({info.get('requests default headers', '?')}); tritonclient: KServe v2 binary tensors "
              "(`/v2/models/{loss}/infer`), FastAPI answering the same binary protocol.", "",
              "| loss | size | st body | requests floor | requests lossd | requests FastAPI | lossd / FastAPI | lossd − floor "
              "| triton floor | triton lossd | triton FastAPI | lossd / FastAPI | lossd − floor | lossd answer to requests |",
              "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|:-:|"]
    for r in rows:
        e = r.extra
        cells = []
        for client, fmt in (("requests", "st"), ("triton", "bin")):
            floor, lossd, fastapi = (e.get(f"{s}.{client}.{fmt}") for s in ("sink", "lossd", "fastapi"))
            cells += [duration(floor), duration(lossd), duration(fastapi), ratio(lossd, fastapi),
                      duration(lossd - floor) if lossd and floor and lossd > floor else "–"]
        lines.append(f"| {r.loss} | {r.label} | {size(r.st_bytes)} | " + " | ".join(cells)
                     + f" | {r.notes.get('requests answer Content-Encoding (lossd)') or '–'} |")
    lines += ["", "### Lean clients (c = 1, safetensors, median) against torch in-process", "",
              "http.client: one keep-alive connection, no Accept-Encoding; curl: one process sending the body N times over "
              "one connection, `%{time_total}` per transfer (the first, connecting one left out).", "",
              "| loss | size | torch fwd+bwd | http.client floor | http.client lossd | lossd / torch | curl floor | curl lossd "
              "| curl FastAPI | lossd / torch (curl) |",
              "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for r in rows:
        e = r.extra
        lines.append(f"| {r.loss} | {r.label} | {duration(r.torch)} | {duration(e.get('sink.http.st'))} | {duration(r.lossd_st)} "
                     f"| {ratio(r.lossd_st, r.torch)} | {duration(e.get('sink.curl.st'))} | {duration(e.get('lossd.curl.st'))} "
                     f"| {duration(e.get('fastapi.curl.st'))} | {ratio(e.get('lossd.curl.st'), r.torch)} |")
    lines += ["", "### Concurrency 8: eight curl processes at once, one connection each", "",
              "p50 of every transfer (each process's first left out); req/s = all transfers / wall time of the eight "
              "processes. lossd runs 2 workers, FastAPI one uvicorn worker process, the stdlib service a thread per "
              "connection. Higher req/s is better.", "",
              "| loss | size | body | lossd p50 | lossd req/s | FastAPI p50 | FastAPI req/s | stdlib svc p50 | stdlib svc req/s "
              "| lossd / FastAPI (req/s) |",
              "|---|---|---|--:|--:|--:|--:|--:|--:|--:|"]
    for r in rows:
        e = r.extra
        for fmt, name in (("st", "safetensors"), ("json", "JSON")):
            if f"lossd.c8.{fmt}" not in e:
                continue
            lossd_rps, fastapi_rps = e.get(f"lossd.c8.{fmt}.rps"), e.get(f"fastapi.c8.{fmt}.rps")
            lines.append(f"| {r.loss} | {r.label} | {name} | {duration(e.get(f'lossd.c8.{fmt}'))} | {rate(lossd_rps)} "
                         f"| {duration(e.get(f'fastapi.c8.{fmt}'))} | {rate(fastapi_rps)} "
                         f"| {duration(e.get(f'python.c8.{fmt}'))} | {rate(e.get(f'python.c8.{fmt}.rps'))} "
                         f"| {ratio(lossd_rps, fastapi_rps)} |")
    return lines


def render_wrk(wrk: dict) -> list[str]:
    command = next(iter(wrk.values()))["command"]
    lines = ["", "### Throughput: 1K-element JSON dice under `wrk -c16`", "",
             f"`{command}` (wrk's default 2 threads), body from `Case.json_body()`; higher is better.", "",
             "| service | req/s | p50 latency | non-2xx | socket errors |", "|---|--:|--:|--:|---|"]
    names = {"lossd": "lossd", "fastapi": "FastAPI + PyTorch", "python": "stdlib svc + PyTorch"}
    for name, result in wrk.items():
        lines.append(f"| {names.get(name, name)} | {rate(result['rps'])} | {duration(result['p50'])} "
                     f"| {result['non2xx']} | {result['errors'] or '–'} |")
    return lines


def render_rss(rows: list[Row]) -> list[str]:
    if not any(r.rss for r in rows):
        return []
    lines = ["", "### Peak RSS of lossd serving one request", "",
             "A fresh lossd process per row (the high-water mark cannot be reset), one request over http.client; "
             "idle = VmRSS after start, peak = VmHWM after the answer. Payload = the request body.", "",
             "| loss | size | body | payload | idle RSS | peak RSS | peak / payload | (peak − idle) / payload |",
             "|---|---|---|--:|--:|--:|--:|--:|"]
    for r in rows:
        for fmt, m in r.rss.items():
            lines.append(f"| {r.loss} | {r.label} | {fmt} | {size(m['payload'])} | {size(m['idle'])} | {size(m['peak'])} "
                         f"| {m['peak'] / m['payload']:.2f}× | {(m['peak'] - m['idle']) / m['payload']:.2f}× |")
    return lines


def codec_rates(codecs: str | None) -> dict:
    """MB/s (median) of codec-bench's direct float32 parse and float32 gradient print rows."""
    found = {}
    for line in (codecs or "").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 5 or not re.fullmatch(r"\d+", cells[3]):
            continue
        if cells[0].startswith("parse float32") and "JSONTensorDocument" in cells[0]:
            found["parse"] = float(cells[3])
        elif cells[0].startswith("print float32 gradient"):
            found["print"] = float(cells[3])
    return found


def render_done_when(rows: list[Row], wrk: dict | None, codecs: str | None) -> list[str]:
    """Issue 10's done-when ratios, each with ✓/✗."""
    results: list[bool] = []
    lines = ["", "### Done-when targets (issue 10)", "",
             "**1. Safetensors with `requests` defaults, and tritonclient binary, at 1M and 16M: lossd p50 ≤ ⅓ of "
             "FastAPI + PyTorch's.** Floor = the same client against the sink (same bytes).", "",
             "| loss | size | client | client floor | lossd | FastAPI | lossd / FastAPI | ≤ 0.33 |", "|---|---|---|--:|--:|--:|--:|:-:|"]
    for r in rows:
        if r.label not in ("1M", "16M"):
            continue
        for client, fmt, name in (("requests", "st", "requests (defaults)"), ("triton", "bin", "tritonclient binary")):
            lossd, fastapi, floor = (r.extra.get(f"{s}.{client}.{fmt}") for s in ("lossd", "fastapi", "sink"))
            ok = lossd / fastapi <= 1 / 3 if lossd and fastapi else None
            if ok is not None:
                results.append(ok)
            lines.append(f"| {r.loss} | {r.label} | {name} | {duration(floor)} | {duration(lossd)} | {duration(fastapi)} "
                         f"| {ratio(lossd, fastapi)} | {mark(ok)} |")
    if not any(r.label in ("1M", "16M") for r in rows):
        lines.append("| not measured (1M and 16M not in `--sizes`) | | | | | | | – |")
    lines += ["", "**2. Lean client at 1M: lossd p50 ≤ 2.5× PyTorch in-process forward + backward.**", "",
              "| loss | client | torch fwd+bwd | lossd | lossd / torch | ≤ 2.5× |", "|---|---|--:|--:|--:|:-:|"]
    for r in rows:
        if r.label != "1M":
            continue
        for name, value in (("http.client", r.lossd_st), ("curl", r.extra.get("lossd.curl.st"))):
            ok = value / r.torch <= 2.5 if value and r.torch else None
            if ok is not None:
                results.append(ok)
            lines.append(f"| {r.loss} | {name} | {duration(r.torch)} | {duration(value)} | {ratio(value, r.torch)} | {mark(ok)} |")
    if not any(r.label == "1M" for r in rows):
        lines.append("| not measured (1M not in `--sizes`) | | | | | – |")
    lossd_rps = (wrk or {}).get("lossd", {}).get("rps")
    fastapi_rps = (wrk or {}).get("fastapi", {}).get("rps")
    ok = lossd_rps / fastapi_rps >= 40 if lossd_rps and fastapi_rps else None
    if ok is not None:
        results.append(ok)
    lines += ["", f"**3. 1K JSON dice under `wrk -c16`: lossd ≥ 40× FastAPI's req/s.** lossd {rate(lossd_rps)} req/s, "
              f"FastAPI {rate(fastapi_rps)} req/s: {ratio(lossd_rps, fastapi_rps)} {mark(ok)}"]
    lines += ["", "**4. Peak RSS serving a 16M-element request ≤ 2.5× its payload.**", ""]
    sixteen = [(r, fmt, m) for r in rows if r.label == "16M" for fmt, m in r.rss.items()]
    if not sixteen:
        lines.append("not measured (16M not in `--sizes`, or no `--lossd-bin`) –")
    for r, fmt, m in sixteen:
        ok = m["peak"] / m["payload"] <= 2.5
        results.append(ok)
        lines.append(f"- {r.loss}, {fmt}: peak {size(m['peak'])} / payload {size(m['payload'])} = "
                     f"{m['peak'] / m['payload']:.2f}× {mark(ok)}")
    rates = codec_rates(codecs)
    lines += ["", "**5. JSON float parsing ≥ 500 MB/s and printing ≥ 300 MB/s of JSON text** (codec-bench, median; "
              "parse: `JSONTensorDocument` direct float32, print: `JSONWriter.tensor` float32 gradient)."]
    for key, target in (("parse", 500), ("print", 300)):
        value = rates.get(key)
        ok = value >= target if value is not None else None
        if ok is not None:
            results.append(ok)
        lines.append(f"- {key}: {f'{value:.0f} MB/s' if value is not None else 'not measured (CODECS=0)'} {mark(ok)}")
    lines += ["", f"Targets met: {sum(results)} of {len(results)} measured."]
    return lines
