#!/usr/bin/env python3
"""Writes the golden fixtures the Swift tests compare against.

Every case is computed by PyTorch in float64 with autograd. Run by hand, with torch:

    python3 -m venv /tmp/torch && /tmp/torch/bin/pip install torch safetensors numpy
    /tmp/torch/bin/python Tests/Fixtures/generate.py

Cases live in Tests/Fixtures/cases/*.py; each module defines `cases(rng)` returning a
list of `Case`. Outputs go to Tests/Fixtures/golden/<loss>.json (one file per loss,
sorted keys, so regenerating without changes is a no-op). Never edit outputs by hand.
"""
import importlib.util
import json
import math
import pathlib
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import torch

HERE = pathlib.Path(__file__).resolve().parent
SEED = 20261129


def encode(tensor: torch.Tensor, dtype: str) -> dict:
    """A tensor as the wire's {shape, dtype, data}; non-finite floats as strings."""
    flat = tensor.detach().reshape(-1).tolist()

    def value(v):
        if isinstance(v, bool):
            return v
        if isinstance(v, float):
            if math.isnan(v):
                return "NaN"
            if math.isinf(v):
                return "Infinity" if v > 0 else "-Infinity"
        return v

    return {"shape": list(tensor.shape), "dtype": dtype, "data": [value(v) for v in flat]}


FLOAT_DTYPES = {"float32": torch.float32, "float64": torch.float64}
ALL_DTYPES = {"float32": torch.float32, "float64": torch.float64, "int64": torch.int64,
              "int32": torch.int32, "uint8": torch.uint8, "bool": torch.bool}


@dataclass
class Case:
    """One golden case.

    `reference(x, target, weight, var, params)` returns the loss as PyTorch computes it
    (a scalar, or the unreduced tensor for reduction 'none'); `x` requires grad and is float64.
    Tensors are given in float64 (or integer/bool); float32-dtype tensors are rounded to float32
    first so the Swift side sees exactly the same numbers.
    """
    loss: str
    name: str
    reference: Callable[..., torch.Tensor]
    input: torch.Tensor
    target: torch.Tensor
    params: dict = field(default_factory=dict)
    weight: Optional[torch.Tensor] = None
    var: Optional[torch.Tensor] = None
    grad_output: Optional[torch.Tensor] = None
    input_dtype: str = "float32"
    target_dtype: Optional[str] = None  # default: input_dtype for float targets, else the tensor's own


def torch_dtype_name(t: torch.Tensor) -> str:
    return {torch.float32: "float32", torch.float64: "float64", torch.int64: "int64",
            torch.int32: "int32", torch.uint8: "uint8", torch.bool: "bool"}[t.dtype]


def as_wire(t: torch.Tensor, dtype: str) -> torch.Tensor:
    """Rounds to the wire dtype, then widens floats to float64 for the reference."""
    t = t.to(ALL_DTYPES[dtype])
    return t.double() if dtype in FLOAT_DTYPES else t


def run(case: Case) -> dict:
    in_dtype = case.input_dtype
    x = as_wire(case.input, in_dtype).clone().requires_grad_(True)
    if case.target.is_floating_point():
        tdtype = case.target_dtype or in_dtype
    else:
        tdtype = case.target_dtype or torch_dtype_name(case.target)
    t = as_wire(case.target, tdtype)
    w = as_wire(case.weight, in_dtype) if case.weight is not None else None
    v = as_wire(case.var, in_dtype) if case.var is not None else None
    g = as_wire(case.grad_output, in_dtype) if case.grad_output is not None else None
    loss = case.reference(x, t, w, v, dict(case.params))
    if loss.requires_grad:
        loss.backward(g if g is not None else torch.ones_like(loss))
        grad = x.grad if x.grad is not None else torch.zeros_like(x)
    else:
        grad = torch.zeros_like(x)
    out = {"name": case.name, "loss": case.loss, "params": case.params,
           "input": encode(x, in_dtype), "target": encode(t, tdtype),
           "expected_loss": encode(loss, "float64"), "expected_grad": encode(grad, "float64")}
    if w is not None:
        out["weight"] = encode(w, in_dtype)
    if v is not None:
        out["var"] = encode(v, in_dtype)
    if g is not None:
        out["grad_output"] = encode(g, in_dtype)
    return out


def load_modules():
    for path in sorted((HERE / "cases").glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"cases_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        yield path.stem, module


def main():
    torch.set_default_dtype(torch.float64)
    sys.path.insert(0, str(HERE))
    by_loss: dict = {}
    only = set(sys.argv[1:])  # optional: module stems to regenerate
    for stem, module in load_modules():
        if only and stem not in only:
            continue
        rng = torch.Generator().manual_seed(SEED + sum(map(ord, stem)))
        for case in module.cases(rng):
            by_loss.setdefault(case.loss, []).append(run(case))
    out_dir = HERE / "golden"
    out_dir.mkdir(exist_ok=True)
    for loss, cases in sorted(by_loss.items()):
        names = [c["name"] for c in cases]
        assert len(names) == len(set(names)), f"duplicate case names for {loss}"
        (out_dir / f"{loss}.json").write_text(json.dumps(cases, indent=None, sort_keys=True) + "\n")
        print(f"{loss}: {len(cases)} cases")


if __name__ == "__main__":
    main()
