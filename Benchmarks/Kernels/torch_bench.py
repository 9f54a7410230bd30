#!/usr/bin/env python3
"""PyTorch float32 forward + backward for the kernel benchmark's workloads, and the joined report.

    torch_bench.py [--losses a,b] [--sizes 1K,64K] [--threads 1,2] [--json PATH|-]
    torch_bench.py report --lossd lossd.jsonl --torch torch.jsonl [--commit C --load-before L ...]

The first form times each (loss, size) cell and writes one JSON object per cell. The second
joins those lines with kernel-bench's (`kernel-bench --json`) and prints the Markdown report
(Benchmarks/Kernels/run.sh runs both).

Workloads are bit-identical to kernel-bench's: the same SplitMix64 sequence (re-implemented
here with NumPy, seeded per cell by FNV-1a of "<loss>:<elements>"), shapes and dtypes:

- mse: input [n] float32, target [n] float32, both standard normal;
- bce_with_logits, focal, dice, lovasz_hinge: input [n/1000, 1, 25, 40] float32, target the
  same shape, uint8 0/1 (30 % ones) -- converted to float32 **once, before timing**, as a torch
  user holds a float target (lossd is sent the uint8 mask and converts it in every call);
- cross_entropy, softmax_focal: input [n/8, 8] float32 logits, target [n/8] int64 class indices;
  softmax_focal's one-hot float target (MONAI's to_onehot_y) is also built once, before timing.

The torch references, all with lossd's defaults (reduction mean):

- mse: F.mse_loss; bce_with_logits: F.binary_cross_entropy_with_logits;
- dice: 1 - (2 sum(p t) + 1) / (sum p + sum t + 1), p = sigmoid(x), pooled (the tutorial's DiceLoss);
- focal: torchvision.ops.sigmoid_focal_loss (alpha 0.25, gamma 2, mean), written in plain torch;
- cross_entropy: F.cross_entropy;
- softmax_focal: MONAI FocalLoss(use_softmax=True, to_onehot_y=True, gamma=2) in plain torch:
  mean over all N*C elements of -(1 - q)^gamma log q * onehot(y), log q = log_softmax(x, 1);
- lovasz_hinge: segmentation_models_pytorch's lovasz_hinge(per_image=False) in plain torch:
  errors 1 - x (2t - 1) sorted descending, Lovasz gradient of the sorted mask by cumsum, dot with relu.

Timing: x has requires_grad; each sample clears x.grad (outside the timed region), then times
loss = f(x, t); loss.backward(). Median of samples after warm-up, with the same count/budget
plan as kernel-bench, for torch.set_num_threads(1) and (2); the report takes the faster.
"""
import argparse
import json
import math
import os
import platform
import sys
import time
from datetime import datetime, timezone

import numpy as np

LOSSES = ("mse", "bce_with_logits", "dice", "focal", "cross_entropy", "softmax_focal", "lovasz_hinge")
SIZES = {"1K": 1_000, "64K": 64_000, "1M": 1_000_000, "16M": 16_000_000}
CLASSES = 8
IMAGE = (1, 25, 40)
FOREGROUND = 0.3

# Done-when targets per size: minimum speed-up over torch fwd+bwd, maximum lossd time / memcpy floor.
TARGETS = {"16M": (3.0, 2.0), "1M": (1.5, None), "64K": (1.0, None)}
# Agreement with torch before a cell's figures mean anything: loss relative, gradient L1 relative.
LOSS_RTOL, GRAD_RTOL = 1e-4, 1e-3

M64 = (1 << 64) - 1


def fnv1a(text: str) -> int:
    h = 0xCBF29CE484222325
    for byte in text.encode():
        h = ((h ^ byte) * 0x100000001B3) & M64
    return h


def splitmix64(seed: int, start: int, count: int) -> np.ndarray:
    """Draws start..start+count-1 of kernel-bench's SplitMix64 sequence, as uint64."""
    k = np.arange(start + 1, start + count + 1, dtype=np.uint64)
    z = np.uint64(seed) + k * np.uint64(0x9E3779B97F4A7C15)
    z ^= z >> np.uint64(30)
    z *= np.uint64(0xBF58476D1CE4E5B9)
    z ^= z >> np.uint64(27)
    z *= np.uint64(0x94D049BB133111EB)
    z ^= z >> np.uint64(31)
    return z


def units(z: np.ndarray) -> np.ndarray:
    return (z >> np.uint64(11)).astype(np.float64) * 2.0 ** -53


def gaussians(seed: int, start: int, count: int) -> np.ndarray:
    """count standard normals as kernel-bench draws them (Box-Muller, two draws each), float32."""
    u = units(splitmix64(seed, start, 2 * count))
    first, second = np.maximum(u[0::2], 2.0 ** -53), u[1::2]
    return (np.sqrt(-2 * np.log(first)) * np.cos(2 * np.pi * second)).astype(np.float32)


def input_shape(loss: str, n: int) -> tuple:
    if loss == "mse":
        return (n,)
    if loss in ("cross_entropy", "softmax_focal"):
        return (n // CLASSES, CLASSES)
    return (n // math.prod(IMAGE),) + IMAGE


def workload(loss: str, n: int):
    """(input, target) as NumPy arrays, identical to kernel-bench's tensors."""
    seed = fnv1a(f"{loss}:{n}")
    shape = input_shape(loss, n)
    x = gaussians(seed, 0, n).reshape(shape)
    if loss == "mse":
        t = gaussians(seed, 2 * n, n).reshape(shape)
    elif loss in ("cross_entropy", "softmax_focal"):
        t = (splitmix64(seed, 2 * n, shape[0]) % np.uint64(CLASSES)).astype(np.int64)
    else:
        t = (units(splitmix64(seed, 2 * n, n)) < FOREGROUND).astype(np.uint8).reshape(shape)
    return x, t


def torch_losses():
    import torch
    import torch.nn.functional as F

    def dice(x, t):
        p = x.sigmoid().reshape(-1)
        t = t.reshape(-1)
        return 1 - (2 * (p * t).sum() + 1) / (p.sum() + t.sum() + 1)

    def focal(x, t, alpha=0.25, gamma=2.0):
        # torchvision.ops.sigmoid_focal_loss, reduction "mean".
        p = torch.sigmoid(x)
        ce = F.binary_cross_entropy_with_logits(x, t, reduction="none")
        p_t = p * t + (1 - p) * (1 - t)
        loss = ce * ((1 - p_t) ** gamma)
        alpha_t = alpha * t + (1 - alpha) * (1 - t)
        return (alpha_t * loss).mean()

    def softmax_focal(x, onehot, gamma=2.0):
        # MONAI softmax_focal_loss + FocalLoss reduction "mean" (over all N*C elements).
        log_q = x.log_softmax(1)
        return (-(1 - log_q.exp()).pow(gamma) * log_q * onehot).mean()

    def lovasz_grad(gt_sorted):
        gts = gt_sorted.sum()
        intersection = gts - gt_sorted.cumsum(0)
        union = gts + (1 - gt_sorted).cumsum(0)
        jaccard = 1.0 - intersection / union
        if len(gt_sorted) > 1:
            jaccard[1:] = jaccard[1:] - jaccard[:-1]
        return jaccard

    def lovasz_hinge(x, t):
        # segmentation_models_pytorch losses._functional: _lovasz_hinge_flat on the flattened batch.
        logits, labels = x.reshape(-1), t.reshape(-1)
        signs = 2.0 * labels - 1.0
        errors = 1.0 - logits * signs
        errors_sorted, perm = torch.sort(errors, dim=0, descending=True)
        gt_sorted = labels[perm.data]
        return torch.dot(F.relu(errors_sorted), lovasz_grad(gt_sorted))

    return {
        "mse": F.mse_loss,
        "bce_with_logits": F.binary_cross_entropy_with_logits,
        "dice": dice,
        "focal": focal,
        "cross_entropy": F.cross_entropy,
        "softmax_focal": softmax_focal,
        "lovasz_hinge": lovasz_hinge,
    }


def plan(n: int):
    """(warm-up, max samples, budget s), as kernel-bench's RepetitionPlan (min 3 samples)."""
    if n < 100_000:
        return 5, 300, 0.5
    if n < 4_000_000:
        return 2, 30, 1.0
    return 0, 7, 2.0


def time_cell(step, x, n: int):
    warmup, max_reps, budget = plan(n)
    for _ in range(warmup):  # after the checked call, which warmed up the first setting
        x.grad = None
        step()
    samples = []
    deadline = time.perf_counter() + budget
    while len(samples) < max_reps and (len(samples) < 3 or time.perf_counter() < deadline):
        x.grad = None
        start = time.perf_counter()
        step()
        samples.append(time.perf_counter() - start)
    samples.sort()
    return samples[len(samples) // 2], samples[0], len(samples)


def bench(args) -> int:
    import torch

    functions = torch_losses()
    out = sys.stdout if args.json == "-" else open(args.json, "w") if args.json else None
    threads = [int(t) for t in args.threads.split(",")]
    for label in args.sizes.split(","):
        n = SIZES[label]
        for loss in [l for l in LOSSES if l in args.losses.split(",")]:
            print(f"torch_bench: {loss} {label}...", file=sys.stderr, flush=True)
            xa, ta = workload(loss, n)
            x = torch.from_numpy(xa).requires_grad_(True)
            t = torch.from_numpy(ta)
            if ta.dtype == np.uint8:
                t = t.float()  # once, before timing: a torch user holds a float mask
            if loss == "softmax_focal":
                t = torch.nn.functional.one_hot(t, CLASSES).float()  # MONAI's to_onehot_y, once
            f = functions[loss]

            def step():
                f(x, t).backward()

            x.grad = None
            value = f(x, t)
            value.backward()
            grad = x.grad.double()
            record = {"loss": loss, "size": label, "elements": n, "input_shape": list(xa.shape),
                      "target_dtype": str(ta.dtype), "torch_target_dtype": str(t.dtype).replace("torch.", ""),
                      "loss_value": float(value.detach()), "grad_abs_sum": float(grad.abs().sum()),
                      "grad_sum": float(grad.sum())}
            del grad
            for count in threads:
                torch.set_num_threads(count)
                median, fastest, reps = time_cell(step, x, n)
                record[f"torch_{count}t_s"] = median
                record[f"torch_{count}t_fastest_s"] = fastest
                record[f"torch_{count}t_reps"] = reps
            best = min(threads, key=lambda c: record[f"torch_{c}t_s"])
            record["torch_s"], record["torch_threads"] = record[f"torch_{best}t_s"], best
            line = json.dumps(record)
            if out:
                print(line, file=out, flush=True)
            else:
                print(line)
            del x, t, xa, ta
    if out and out is not sys.stdout:
        out.close()
    return 0


def read_lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def fmt_time(s):
    if s is None:
        return "—"
    if s < 1e-6:
        return f"{s * 1e9:.0f} ns"
    if s < 1e-3:
        return f"{s * 1e6:.1f} µs"
    if s < 1:
        return f"{s * 1e3:.2f} ms"
    return f"{s:.2f} s"


def fmt_ratio(r):
    return "—" if r is None else f"{r:.1f}×" if r >= 10 else f"{r:.2f}×"


def close(a, b, rtol, atol=1e-7):
    return a is not None and b is not None and abs(a - b) <= rtol * max(abs(a), abs(b)) + atol


def report(args) -> int:
    lossd = {(r["loss"], r["size"]): r for r in read_lines(args.lossd)}
    torch_rows = {(r["loss"], r["size"]): r for r in read_lines(args.torch)}
    try:
        import torch
        torch_version = f"{torch.__version__} (CPU capability {torch.backends.cpu.get_cpu_capability()})"
    except ImportError:
        torch_version = "unknown"
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass

    print("#### Kernel only: lossd `LossRegistry.standard.evaluate` vs PyTorch fwd+bwd vs memcpy")
    print()
    print(f"- date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
    print(f"- commit: {args.commit}")
    print(f"- cpu: {cpu}, {os.cpu_count()} cores ({platform.machine()})")
    print(f"- torch: {torch_version}, float32, best of set_num_threads(1) and (2) per cell")
    kernels = sorted({r.get("kernels", "unknown") for r in lossd.values()})
    print(f"- lossd kernels: {', '.join(kernels)} (LOSSD_TARGET_CPU={os.environ.get('LOSSD_TARGET_CPU', 'unset: native')})")
    print(f"- python: {platform.python_version()}")
    print(f"- load before: {args.load_before}")
    print(f"- load after: {args.load_after}")
    if args.wall:
        print(f"- wall: {args.wall} s")
    print()
    print("| loss | size | lossd evaluate | torch fwd+bwd (threads) | torch / lossd (speed-up) | memcpy floor (threads) "
          "| lossd × floor | GB/s lossd | GB/s copy | done-when |")
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|:-:|")
    passed = failed = 0
    disagreements = []
    order = {name: i for i, name in enumerate(LOSSES)}
    keys = sorted(set(lossd) | set(torch_rows),
                  key=lambda k: (SIZES.get(k[1], 0), order.get(k[0], len(order)), k[0]))
    for key in keys:
        loss, size = key
        l, t = lossd.get(key, {}), torch_rows.get(key, {})
        ls, ts, cs = l.get("lossd_s"), t.get("torch_s"), l.get("copy_s")
        moved = l.get("moved_bytes")
        speedup = ts / ls if ls and ts else None
        floor = ls / cs if ls and cs else None
        verdict = "—"
        if size in TARGETS:
            need_speed, max_floor = TARGETS[size]
            misses = []
            if speedup is None or speedup < need_speed:
                misses.append(f"speed-up < {need_speed:g}")
            if max_floor is not None and (floor is None or floor > max_floor):
                misses.append(f"floor > {max_floor:g}×")
            verdict = "✓" if not misses else "✗ " + ", ".join(misses)
            passed, failed = passed + (not misses), failed + bool(misses)
        if "error" in l:
            disagreements.append(f"{loss} {size}: lossd failed: {l['error']}")
        elif l and t:
            if not close(l.get("loss_value"), t.get("loss_value"), LOSS_RTOL):
                disagreements.append(f"{loss} {size}: loss lossd {l.get('loss_value')} vs torch {t.get('loss_value')}")
            if not close(l.get("grad_abs_sum"), t.get("grad_abs_sum"), GRAD_RTOL):
                disagreements.append(f"{loss} {size}: Σ|grad| lossd {l.get('grad_abs_sum')} vs torch {t.get('grad_abs_sum')}")
        gb = lambda s: f"{moved / s / 1e9:.2f}" if moved and s else "—"
        threads = f" ({t['torch_threads']})" if t else ""
        copy_threads = f" ({l['copy_threads']})" if "copy_threads" in l else ""
        print(f"| {loss} | {size} | {fmt_time(ls)} | {fmt_time(ts)}{threads} | {fmt_ratio(speedup)} "
              f"| {fmt_time(cs)}{copy_threads} | {fmt_ratio(floor)} | {gb(ls)} | {gb(cs)} | {verdict} |")
    print()
    print(f"Done-when targets (16M: ≥3× torch and ≤2× the memcpy floor; 1M: ≥1.5× torch; 64K: ≥1× torch; "
          f"1K: none): {passed} of {passed + failed} cells met.")
    print()
    if disagreements:
        print(f"**Disagreement with torch** (loss relative {LOSS_RTOL:g}, Σ|grad| relative {GRAD_RTOL:g}):")
        print()
        for d in disagreements:
            print(f"- {d}")
    else:
        print(f"Agreement with torch on identical data: every cell's loss within relative {LOSS_RTOL:g} "
              f"and Σ|grad| within {GRAD_RTOL:g}.")
    return 1 if disagreements else 0


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "report":
        p = argparse.ArgumentParser(prog="torch_bench.py report")
        p.add_argument("--lossd", required=True, help="kernel-bench --json output")
        p.add_argument("--torch", required=True, help="torch_bench.py --json output")
        p.add_argument("--commit", default="unknown")
        p.add_argument("--load-before", default="unknown")
        p.add_argument("--load-after", default="unknown")
        p.add_argument("--wall", default="")
        return report(p.parse_args(sys.argv[2:]))
    p = argparse.ArgumentParser(prog="torch_bench.py")
    p.add_argument("--losses", default=",".join(LOSSES))
    p.add_argument("--sizes", default=",".join(SIZES))
    p.add_argument("--threads", default="1,2", help="torch intra-op thread counts to try")
    p.add_argument("--json", default="-", help="where the JSON lines go ('-': stdout)")
    return bench(p.parse_args())


if __name__ == "__main__":
    sys.exit(main())
