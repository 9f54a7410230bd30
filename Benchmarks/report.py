"""The Markdown report of one benchmark run."""
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
    lossd_json: float = 0.0
    lossd_st: float = 0.0
    python_json: float = 0.0
    lossd_json_worker: float | None = None
    lossd_st_worker: float | None = None
    json_bytes: int = 0
    st_bytes: int = 0
    problems: list = field(default_factory=list)


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


def size(count: int) -> str:
    for unit, scale in (("MB", 1e6), ("kB", 1e3)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} B"


def bandwidth(moved: int, seconds: float | None) -> str:
    return f"{moved / seconds / 1e9:.2f}" if seconds else "–"


def render(rows: list[Row], info: dict) -> str:
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
        lines.append(f"| {r.loss} | {r.label} | {size(r.json_bytes)} | {size(r.st_bytes)} "
                     f"| {duration(r.lossd_json_worker)} | {duration(r.lossd_st_worker)} | {duration(overhead)} "
                     f"| {bandwidth(r.moved_bytes, r.torch)} | {bandwidth(r.moved_bytes, r.lossd_st_worker)} "
                     f"| {bandwidth(r.moved_bytes, r.lossd_st)} |")
    failures = [f"{r.loss} {r.label}: {p}" for r in rows for p in r.problems]
    lines += ["", "Agreement with torch (relative 1e-4): " + ("all cells agree." if not failures else "**FAILED**")]
    lines += [f"- {failure}" for failure in failures]
    return "\n".join(lines) + "\n"
