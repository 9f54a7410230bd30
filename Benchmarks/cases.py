"""The benchmark's workloads: one loss at one size, with its data, request bodies and torch reference.

Sizes are element counts of the input (float32). cross_entropy uses C = 10 classes, so its
input is (size/10, 10) logits and its target size/10 int64 class indices.
"""
import json
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.numpy import save as save_safetensors

LOSSES = ("mse", "bce_with_logits", "dice", "cross_entropy")
SIZES = {"1K": 1_000, "64K": 64_000, "1M": 1_000_000, "16M": 16_000_000}
CLASSES = 10


def torch_dice(x, t):
    """lossd `dice` defaults: sigmoid on logits, pooled over everything, smooth 1."""
    p = x.sigmoid().reshape(-1)
    t = t.reshape(-1)
    return 1 - (2 * (p * t).sum() + 1) / (p.sum() + t.sum() + 1)


TORCH_LOSSES = {
    "mse": F.mse_loss,
    "bce_with_logits": F.binary_cross_entropy_with_logits,
    "dice": torch_dice,
    "cross_entropy": F.cross_entropy,
}


@dataclass
class Case:
    """One (loss, size) cell: the arrays, and the same arrays encoded once for each wire format."""
    loss: str
    label: str
    input: np.ndarray
    target: np.ndarray

    @property
    def moved_bytes(self) -> int:
        """Bytes a kernel must at least touch: input and target read, gradient written."""
        return 2 * self.input.nbytes + self.target.nbytes

    def json_body(self) -> bytes:
        """The body a plain Python client would send (numbers via tolist(), as json prints them)."""
        def wire(a: np.ndarray) -> dict:
            return {"shape": list(a.shape), "dtype": str(a.dtype), "data": a.reshape(-1).tolist()}
        return json.dumps({"input": wire(self.input), "target": wire(self.target),
                           "params": {"reduction": "mean"}}).encode()

    def safetensors_body(self) -> bytes:
        return save_safetensors({"input": self.input, "target": self.target})

    def mask_safetensors_body(self) -> bytes | None:
        """dice/bce_with_logits with a uint8 0/1 target, as a segmentation client sends it (else None)."""
        if self.loss not in ("dice", "bce_with_logits"):
            return None
        return save_safetensors({"input": self.input, "target": self.target.astype(np.uint8)})

    def torch_step(self):
        """A closure running forward + backward in float32 on preallocated tensors; returns (loss, grad)."""
        x = torch.from_numpy(self.input).requires_grad_(True)
        t = torch.from_numpy(self.target)
        fn = TORCH_LOSSES[self.loss]

        def step():
            x.grad = None
            loss = fn(x, t)
            loss.backward()
            return loss, x.grad
        return step


def make_case(loss: str, label: str, rng: np.random.Generator) -> Case:
    n = SIZES[label]
    if loss == "cross_entropy":
        x = rng.standard_normal((n // CLASSES, CLASSES), dtype=np.float32)
        t = rng.integers(0, CLASSES, size=n // CLASSES, dtype=np.int64)
    elif loss == "mse":
        x = rng.standard_normal(n, dtype=np.float32)
        t = rng.standard_normal(n, dtype=np.float32)
    else:  # binary targets in {0, 1} for bce_with_logits and dice
        x = rng.standard_normal(n, dtype=np.float32)
        t = (rng.random(n) < 0.3).astype(np.float32)
    return Case(loss, label, x, t)


def agreement(expected_loss: float, expected_grad: np.ndarray, loss: float, grad: np.ndarray,
              tolerance: float = 1e-4) -> str | None:
    """None when a service's answer matches torch's, else why not.

    The loss is compared relatively; the gradient relative to its largest magnitude, because
    mean-reduced gradients have many entries near zero where an elementwise relative test is noise.
    """
    if grad.shape != expected_grad.shape:
        return f"grad shape {grad.shape} != {expected_grad.shape}"
    if abs(loss - expected_loss) > tolerance * max(abs(expected_loss), 1e-30):
        return f"loss {loss!r} != torch {expected_loss!r}"
    scale = float(np.max(np.abs(expected_grad))) or 1.0
    worst = float(np.max(np.abs(grad.astype(np.float64) - expected_grad.astype(np.float64))))
    if worst > tolerance * scale:
        return f"grad differs by {worst:.3g} (scale {scale:.3g})"
    return None
