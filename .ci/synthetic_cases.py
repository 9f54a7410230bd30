"""Builds a valid request for a loss from its GET /v1/losses catalog entry alone.

python_clients.py sends one such case per loss next to the PyTorch golden cases, so a loss
added to the catalog is driven through every client even before it has fixtures. The
values are checked for agreement between transports and a finite gradient, not against
PyTorch.
"""
import zlib

import numpy as np

# Losses whose target is class indices over the channel dimension (input N, C, H, W).
CLASS_INDEX = {"cross_entropy", "nll", "poly1", "softmax_focal", "lovasz_softmax"}
# Losses whose target is ±1.
SIGNED = {"hinge_embedding", "soft_margin"}
CLASSES = 3


def tensor(values):
    """A golden-style tensor spec (shape, dtype, flat data) from a numpy array."""
    dtype = {np.dtype(np.float32): "float32", np.dtype(np.int64): "int64"}[values.dtype]
    return {"shape": list(values.shape), "dtype": dtype, "data": values.ravel().tolist()}


def build(entry):
    """A request case (golden-case layout, no expected values) for the catalog `entry`."""
    name = entry["name"]
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    inputs = {spec["name"]: spec for spec in entry["inputs"]}
    target_dtypes = inputs.get("target", {}).get("dtypes", ["float32"])
    shape = (2, CLASSES, 2, 2)
    logits = rng.normal(size=shape).astype(np.float32)
    case = {"name": "catalog", "params": {}}

    if name in CLASS_INDEX or not any(d.startswith("float") for d in target_dtypes):
        target = rng.integers(0, CLASSES, size=(2, 2, 2)).astype(np.int64)
        if name == "nll":
            logits = (logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))).astype(np.float32)
    elif name == "kl_div":
        logits = (logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))).astype(np.float32)
        target = np.exp(rng.normal(size=shape))
        target = (target / target.sum(axis=1, keepdims=True)).astype(np.float32)
    elif name in SIGNED:
        target = np.where(rng.random(size=shape) < 0.5, -1.0, 1.0).astype(np.float32)
    elif name == "bce":
        # bce reads probabilities, strictly inside (0, 1) so its log never clamps.
        logits = (1 / (1 + np.exp(-logits))).astype(np.float32)
        target = (rng.random(size=shape) < 0.5).astype(np.float32)
    elif name == "poisson_nll":
        target = rng.poisson(2.0, size=shape).astype(np.float32)
    else:
        # Masks and regression targets alike: 0/1 values suit both.
        target = (rng.random(size=shape) < 0.5).astype(np.float32)

    if "var" in inputs:
        case["var"] = tensor(rng.uniform(0.5, 2.0, size=shape).astype(np.float32))
    case["input"] = tensor(logits)
    case["target"] = tensor(target)
    return case
