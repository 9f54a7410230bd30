"""Golden cases for l1, smooth_l1, huber, log_cosh, charbonnier and quantile (PyTorch references)."""
import math

import torch
import torch.nn.functional as F
from generate import Case


def reduce(l, w, reduction):
    """The project's convention: weight multiplies the unreduced loss; mean divides by its element count."""
    if w is not None:
        l = l * w
    return {"mean": l.mean(), "sum": l.sum(), "none": l}[reduction]


def expanded(x, t):
    return t.to(x.dtype).expand_as(x)


def l1(x, t, w, v, p):
    return reduce(F.l1_loss(x, expanded(x, t), reduction="none"), w, p.get("reduction", "mean"))


def smooth_l1(x, t, w, v, p):
    l = F.smooth_l1_loss(x, expanded(x, t), reduction="none", beta=p.get("beta", 1.0))
    return reduce(l, w, p.get("reduction", "mean"))


def huber(x, t, w, v, p):
    l = F.huber_loss(x, expanded(x, t), reduction="none", delta=p.get("delta", 1.0))
    return reduce(l, w, p.get("reduction", "mean"))


def log_cosh(x, t, w, v, p):
    a = (x - expanded(x, t)).abs()
    return reduce(a + torch.log1p(torch.exp(-2 * a)) - math.log(2), w, p.get("reduction", "mean"))


def charbonnier(x, t, w, v, p):
    eps = p.get("eps", 1e-3)
    l = torch.sqrt((x - expanded(x, t)) ** 2 + eps ** 2) - eps
    return reduce(l, w, p.get("reduction", "mean"))


def quantile(x, t, w, v, p):
    tau = p.get("tau", 0.5)
    z = expanded(x, t) - x
    return reduce(torch.maximum(tau * z, (tau - 1) * z), w, p.get("reduction", "mean"))


def standard(name, fn, rng, params=None):
    """The shared eight: reductions, dtypes, grad_output, weight, broadcast and integer targets."""
    r = lambda *s: torch.randn(*s, generator=rng)
    u = lambda *s: torch.rand(*s, generator=rng)
    p = dict(params or {})
    with_p = lambda extra: {**p, **extra}
    return [
        Case(name, "mean_float32", fn, r(4, 5) * 2, r(4, 5), p),
        Case(name, "sum_float64", fn, r(3, 7) * 2, r(3, 7), with_p({"reduction": "sum"}), input_dtype="float64"),
        Case(name, "none_grad_output", fn, r(2, 3, 4) * 2, r(2, 3, 4), with_p({"reduction": "none"}),
             grad_output=r(2, 3, 4)),
        Case(name, "none_float64_grad_output", fn, r(3, 4), r(3, 4), with_p({"reduction": "none"}),
             grad_output=r(3, 4), input_dtype="float64"),
        Case(name, "weighted", fn, r(3, 4) * 2, r(3, 4), p, weight=u(3, 4)),
        Case(name, "broadcast_target_weight", fn, r(3, 4) * 2, r(4), with_p({"reduction": "sum"}), weight=u(3, 1),
             input_dtype="float64"),
        Case(name, "int_target_scalar_grad", fn, r(2, 5) * 2, torch.randint(-2, 3, (2, 5), generator=rng), p,
             grad_output=torch.tensor(1.5)),
        Case(name, "large_errors", fn, r(8) * 50, r(8), with_p({"reduction": "none"}), input_dtype="float64"),
    ]


def ties(name, fn, params, kinks, dtype="float64"):
    """Inputs exactly at the loss's kinks (target 0), where PyTorch's gradient conventions decide."""
    x = torch.tensor(kinks)
    return Case(name, "ties_" + "_".join(f"{k}_{v}" for k, v in params.items()) if params else "ties", fn, x,
                torch.zeros_like(x), {**params, "reduction": "none"}, input_dtype=dtype)


def cases(rng):
    out = []
    out += standard("l1", l1, rng)
    out += [ties("l1", l1, {}, [0.0, -0.0, 1e-300, -1e-300, 2.0, -2.0])]

    out += standard("smooth_l1", smooth_l1, rng)
    out += [
        ties("smooth_l1", smooth_l1, {"beta": 0.5}, [0.0, 0.5, -0.5, 0.4999, 0.5001, -3.0]),
        ties("smooth_l1", smooth_l1, {"beta": 0.0}, [0.0, 0.5, -0.5, 1e-9, -3.0]),
        Case("smooth_l1", "beta_2_float32", smooth_l1, torch.randn(3, 5, generator=rng) * 3,
             torch.randn(3, 5, generator=rng), {"beta": 2.0}),
        Case("smooth_l1", "beta_small_sum", smooth_l1, torch.randn(10, generator=rng) * 1e-3,
             torch.zeros(10), {"beta": 1e-3, "reduction": "sum"}, input_dtype="float64"),
    ]

    out += standard("huber", huber, rng)
    out += [
        ties("huber", huber, {"delta": 0.5}, [0.0, 0.5, -0.5, 0.4999, 0.5001, -3.0]),
        ties("huber", huber, {"delta": 1.0}, [1.0, -1.0, 0.0]),
        Case("huber", "delta_3_float32", huber, torch.randn(3, 5, generator=rng) * 4,
             torch.randn(3, 5, generator=rng), {"delta": 3.0}),
    ]

    out += standard("log_cosh", log_cosh, rng)
    out += [
        ties("log_cosh", log_cosh, {}, [0.0, 1e-4, -1e-4, 20.0, -30.0, 400.0, -800.0, 1000.0]),
        Case("log_cosh", "extremes_float32_sum", log_cosh, torch.tensor([0.0, 0.5, -25.0, 90.0, 800.0]),
            torch.zeros(5), {"reduction": "sum"}),
    ]

    out += standard("charbonnier", charbonnier, rng)
    out += [
        ties("charbonnier", charbonnier, {"eps": 0.01}, [0.0, 0.01, -0.01, 1e-6, 5.0]),
        Case("charbonnier", "eps_1_float32", charbonnier, torch.randn(3, 5, generator=rng),
             torch.randn(3, 5, generator=rng), {"eps": 1.0}),
    ]

    out += standard("quantile", quantile, rng, {"tau": 0.3})
    out += [
        ties("quantile", quantile, {"tau": 0.9}, [0.0, -0.0, 1.0, -1.0, 1e-300]),
        ties("quantile", quantile, {"tau": 0.5}, [0.0, 2.0, -2.0]),
        Case("quantile", "default_tau_float32", quantile, torch.randn(4, 4, generator=rng),
             torch.randn(4, 4, generator=rng)),
        Case("quantile", "tau_0_1_with_ties_mean", quantile, torch.tensor([[1.0, 2.0, 3.0], [0.0, -1.0, 5.0]]),
             torch.tensor([1.0, 0.0, 3.0]), {"tau": 0.1}, input_dtype="float64"),
    ]
    return out
