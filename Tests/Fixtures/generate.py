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
    if not only or "expressions" in only:
        expression_cases()


# ---------------------------------------------------------------------------------------------
# Expressions (EXPRESSIONS.md): randomized programs over the whole operation list, plus the
# kink conventions, each evaluated by PyTorch float64 autograd. Output: expressions/golden.json.

def _positive(gen, depth):
    """A strictly positive subexpression (for log, sqrt, pow bases, divisors)."""
    src, fn = gen(depth)
    k = int(torch.randint(0, 3, (1,), generator=_RNG[0]))
    if k == 0:
        return f"(softplus({src}) + 0.25)", lambda e: torch.nn.functional.softplus(fn(e)) + 0.25
    if k == 1:
        return f"exp(tanh({src}))", lambda e: torch.exp(torch.tanh(fn(e)))
    return f"(abs({src}) + 0.5)", lambda e: torch.abs(fn(e)) + 0.5


_RNG = [None]


def _clamp(x, lo=None, hi=None):
    """clamp with the gradient passed at the bounds (EXPRESSIONS.md, DESIGN.md §3: "clamp passes the
    gradient at its bounds", PyTorch's long-standing convention). torch 2.15's own clamp gives 0 at
    scalar bounds and ½ at tensor bounds, so the value comes from torch.clamp and the gradient
    from autograd through a `where` that keeps x wherever lo <= x <= hi."""
    x = torch.as_tensor(x)
    inside = torch.ones_like(x, dtype=torch.bool)
    if lo is not None:
        inside = inside & (x >= lo)
    if hi is not None:
        inside = inside & (x <= hi)
    return torch.where(inside, x, torch.clamp(x, min=lo, max=hi).detach())


def _choice(options):
    return options[int(torch.randint(0, len(options), (1,), generator=_RNG[0]))]


def _elementwise(depth):
    """A random elementwise expression of shape [2, 3, 4]: (source, torch function of the env)."""
    F = torch.nn.functional
    leaves = [("input", lambda e: e["input"]), ("target", lambda e: e["target"]),
              ("weight", lambda e: e["weight"]), ("alpha", lambda e: torch.as_tensor(e["alpha"])), ("0.75", lambda e: torch.tensor(0.75))]
    if depth <= 0:
        return _choice(leaves)
    d = depth - 1
    kind = _choice(["unary", "unary", "positive", "binary", "binary", "pow", "minmax", "clamp", "where",
                    "softmax", "keepdim", "leaf"])
    if kind == "leaf":
        return _choice(leaves[:3])
    if kind == "unary":
        name, f = _choice([("exp", lambda v: torch.exp(torch.tanh(v))), ("abs", torch.abs), ("sign", torch.sign),
                           ("sigmoid", torch.sigmoid), ("logsigmoid", F.logsigmoid), ("softplus", F.softplus),
                           ("tanh", torch.tanh), ("relu", torch.relu), ("expm1", lambda v: torch.expm1(torch.tanh(v))),
                           ("-", lambda v: -v)])
        src, fn = _elementwise(d)
        if name == "exp":
            return f"exp(tanh({src}))", lambda e: f(fn(e))
        if name == "expm1":
            return f"expm1(tanh({src}))", lambda e: f(fn(e))
        if name == "-":
            return f"(-{src})", lambda e: f(fn(e))
        return f"{name}({src})", lambda e: f(fn(e))
    if kind == "positive":
        name, f = _choice([("log", torch.log), ("sqrt", torch.sqrt), ("log1p", torch.log1p)])
        src, fn = _positive(_elementwise, d)
        return f"{name}({src})", lambda e: f(fn(e))
    if kind == "binary":
        op = _choice(["+", "-", "*", "/"])
        a, fa = _elementwise(d)
        if op == "/":
            b, fb = _positive(_elementwise, d)
        else:
            b, fb = _elementwise(d)
        ops = {"+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y, "/": lambda x, y: x / y}
        return f"({a} {op} {b})", lambda e: ops[op](fa(e), fb(e))
    if kind == "pow":
        base, fb = _positive(_elementwise, d)
        if _choice([True, False]):
            return f"{base}^2", lambda e: fb(e) ** 2
        ex, fe = _elementwise(d)
        return f"pow({base}, tanh({ex}))", lambda e: torch.pow(fb(e), torch.tanh(fe(e)))
    if kind == "minmax":
        name = _choice(["min", "max"])
        a, fa = _elementwise(d)
        b, fb = _elementwise(d)
        f = torch.minimum if name == "min" else torch.maximum
        return f"{name}({a}, {b})", lambda e: f(torch.as_tensor(fa(e)), torch.as_tensor(fb(e)))
    if kind == "clamp":
        a, fa = _elementwise(d)
        return f"clamp({a}, -0.5, 0.8)", lambda e: _clamp(fa(e), -0.5, 0.8)
    if kind == "where":
        op = _choice(["<", ">", "<=", ">="])
        cmp = {"<": torch.lt, ">": torch.gt, "<=": torch.le, ">=": torch.ge}[op]
        a, fa = _elementwise(d)
        b, fb = _elementwise(d)
        x, fx = _elementwise(d)
        y, fy = _elementwise(d)
        return (f"where({a} {op} {b}, {x}, {y})",
                lambda e: torch.where(cmp(torch.as_tensor(fa(e)), torch.as_tensor(fb(e))), fx(e), fy(e)))
    if kind == "softmax":
        name = _choice(["softmax", "log_softmax"])
        axis = _choice([None, 0, 1, 2, -1])
        a, fa = _elementwise(d)
        f = torch.softmax if name == "softmax" else torch.log_softmax
        src = f"{name}({a} + 0 * input)" if axis is None else f"{name}({a} + 0 * input, axis={axis})"
        return src, lambda e: f(fa(e) + 0 * e["input"], dim=1 if axis is None else axis)
    # keepdim reductions broadcast back against the full shape
    name = _choice(["sum", "mean", "amax", "amin", "logsumexp"])
    axis = _choice([0, 1, 2, -1])
    a, fa = _elementwise(d)
    f = {"sum": lambda v: torch.sum(v, dim=axis, keepdim=True), "mean": lambda v: torch.mean(v, dim=axis, keepdim=True),
         "amax": lambda v: torch.amax(v, dim=axis, keepdim=True), "amin": lambda v: torch.amin(v, dim=axis, keepdim=True),
         "logsumexp": lambda v: torch.logsumexp(v, dim=axis, keepdim=True)}[name]
    b, fb = _elementwise(d)
    return (f"({name}({a} + 0 * input, axis={axis}, keepdim=true) * {b})",
            lambda e: f(fa(e) + 0 * e["input"]) * fb(e))


def _expression_env(rng):
    return {"input": torch.randn(2, 3, 4, generator=rng), "target": torch.rand(2, 3, 4, generator=rng),
            "weight": torch.randn(3, 1, generator=rng)}


def _expression_case(name, source, fn, env, params, reduction="mean", grad_output=None, wrt=("input", "weight"),
                     extra=None):
    leaves = {k: v.clone().requires_grad_(k in wrt) for k, v in env.items()}
    scope = dict(leaves)
    scope.update(params)
    value = fn(scope) + torch.zeros(())
    if value.dim() > 0 and reduction != "none":
        value = value.mean() if reduction == "mean" else value.sum()
    if reduction == "none" and grad_output is not None:
        grad_output = torch.randn(value.shape, generator=_RNG[0])
    seed = grad_output if grad_output is not None else torch.ones_like(value)
    if value.requires_grad:
        grads = torch.autograd.grad(value, [leaves[k] for k in wrt], seed, allow_unused=True)
    else:
        grads = [None for _ in wrt]
    expected = {k: encode(g if g is not None else torch.zeros_like(leaves[k]), "float64") for k, g in zip(wrt, grads)}
    case = {"name": name, "expression": source, "params": params, "reduction": reduction, "wrt": list(wrt),
            "tensors": {k: encode(v, "float64") for k, v in env.items()},
            "expected_loss": encode(value, "float64"), "expected_grads": expected}
    if grad_output is not None:
        case["grad_output"] = encode(grad_output, "float64")
    return case


def expression_cases():
    F = torch.nn.functional
    rng = torch.Generator().manual_seed(SEED + 12)
    _RNG[0] = rng
    cases = []
    for i in range(60):
        env = _expression_env(rng)
        src, fn = _elementwise(1 + i % 4)
        reduction = _choice(["mean", "mean", "sum", "none", "full"])
        if reduction == "full":
            src, fn, reduction = f"sum({src}) / 7", (lambda f: lambda e: torch.sum(f(e)) / 7)(fn), "mean"
        grad_output = torch.zeros(()) if reduction == "none" else None  # drawn once the loss's shape is known
        source = f"a = {src}\nmean(a) + 0 * sum(a) + a" if i % 10 == 9 else src
        f = (lambda f: lambda e: torch.mean(f(e)) + 0 * torch.sum(f(e)) + f(e))(fn) if i % 10 == 9 else fn
        cases.append(_expression_case(f"random_{i:02d}", source, f, env, {"alpha": float(0.5 + i / 40)},
                                      reduction, grad_output))
    # Kinks: PyTorch's conventions where the derivative is not defined.
    x = torch.tensor([[-1.0, 0.0, 0.5, 2.0], [0.0, 3.0, 3.0, -2.0]])
    t = torch.tensor([[-1.0, 1.0, 0.5, 0.0], [0.0, 3.0, 1.0, -2.0]])
    kinks = [
        ("abs_at_zero", "sum(abs(input - target))", lambda e: torch.sum(torch.abs(e["input"] - e["target"]))),
        ("sign_everywhere", "sum(sign(input) * input)", lambda e: torch.sum(torch.sign(e["input"]) * e["input"])),
        ("relu_at_zero", "sum(relu(input))", lambda e: torch.sum(torch.relu(e["input"]))),
        ("clamp_at_bounds", "sum(clamp(input, 0, 2))", lambda e: torch.sum(_clamp(e["input"], 0, 2))),
        ("clamp_min_only", "sum(clamp(input, min=0.5))", lambda e: torch.sum(_clamp(e["input"], lo=0.5))),
        ("max_ties", "sum(max(input, target))", lambda e: torch.sum(torch.maximum(e["input"], e["target"]))),
        ("min_ties", "sum(min(input, target))", lambda e: torch.sum(torch.minimum(e["input"], e["target"]))),
        ("amax_ties", "sum(amax(input, axis=1))", lambda e: torch.sum(torch.amax(e["input"], dim=1))),
        ("amin_ties_all", "amin(input - target)", lambda e: torch.amin(e["input"] - e["target"])),
        ("where_branches", "sum(where(input > 0, input^2, -input))",
         lambda e: torch.sum(torch.where(e["input"] > 0, e["input"] ** 2, -e["input"]))),
        ("sqrt_at_zero", "sum(sqrt(relu(input)))", lambda e: torch.sum(torch.sqrt(torch.relu(e["input"])))),
        ("log_at_zero", "sum(log(relu(input)))", lambda e: torch.sum(torch.log(torch.relu(e["input"])))),
        ("pow_zero_base", "sum(pow(relu(input), target))", lambda e: torch.sum(torch.pow(torch.relu(e["input"]), e["target"]))),
        ("cross_entropy", "-mean(sum(one_hot(target, 5) * log_softmax(input, axis=1), axis=1))", None),
    ]
    for name, source, fn in kinks:
        env = {"input": x.clone(), "target": t.clone()}
        if name == "cross_entropy":
            env = {"input": torch.randn(3, 5, 2, generator=rng), "target": torch.tensor([[0.0, 4.0], [2.0, 7.0], [-1.0, 1.0]])}
            fn = lambda e: -torch.mean(torch.sum(
                F.one_hot(torch.where((e["target"] >= 0) & (e["target"] < 5), e["target"], 5).long(), 6)[..., :5]
                .movedim(-1, 1).double() * torch.log_softmax(e["input"], dim=1), dim=1))
        cases.append(_expression_case(f"kink_{name}", source, fn, env, {}, "mean", None, ("input",)))
    out = HERE / "expressions"
    out.mkdir(exist_ok=True)
    (out / "golden.json").write_text(json.dumps(cases, indent=None, sort_keys=True) + "\n")
    print(f"expressions: {len(cases)} cases")


if __name__ == "__main__":
    main()
