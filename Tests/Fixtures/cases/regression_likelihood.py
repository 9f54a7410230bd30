"""Golden cases for poisson_nll and gaussian_nll (PyTorch references)."""
import torch
import torch.nn.functional as F
from generate import Case


def reduce(l, w, reduction):
    """The project's convention: weight multiplies the unreduced loss; mean divides by its element count."""
    if w is not None:
        l = l * w
    return {"mean": l.mean(), "sum": l.sum(), "none": l}[reduction]


def poisson_nll(x, t, w, v, p):
    l = F.poisson_nll_loss(x, t.to(x.dtype).expand_as(x), log_input=p.get("log_input", True),
                           full=p.get("full", False), eps=p.get("eps", 1e-8), reduction="none")
    return reduce(l, w, p.get("reduction", "mean"))


def gaussian_nll(x, t, w, v, p):
    l = F.gaussian_nll_loss(x, t.to(x.dtype).expand_as(x), v, full=p.get("full", False),
                            eps=p.get("eps", 1e-6), reduction="none")
    return reduce(l, w, p.get("reduction", "mean"))


def cases(rng):
    r = lambda *s: torch.randn(*s, generator=rng)
    u = lambda *s: torch.rand(*s, generator=rng)
    counts = lambda *s: torch.poisson(torch.full(s, 2.5), generator=rng)
    out = [
        Case("poisson_nll", "mean_float32", poisson_nll, r(4, 5), counts(4, 5)),
        Case("poisson_nll", "sum_float64", poisson_nll, r(3, 7), counts(3, 7), {"reduction": "sum"},
             input_dtype="float64"),
        Case("poisson_nll", "none_grad_output", poisson_nll, r(2, 3, 4), counts(2, 3, 4), {"reduction": "none"},
             grad_output=r(2, 3, 4)),
        Case("poisson_nll", "weighted", poisson_nll, r(3, 4), counts(3, 4), weight=u(3, 4)),
        Case("poisson_nll", "broadcast_int_target", poisson_nll, r(3, 4),
             torch.randint(0, 5, (4,), generator=rng), input_dtype="float64"),
        Case("poisson_nll", "full_stirling", poisson_nll, r(3, 5),
             torch.tensor([0.0, 1.0, 1.5, 2.0, 7.0]), {"full": True, "reduction": "none"}, input_dtype="float64"),
        Case("poisson_nll", "rates_not_log", poisson_nll, u(4, 3) * 3 + 0.1, counts(4, 3), {"log_input": False},
             input_dtype="float64"),
        Case("poisson_nll", "rates_at_zero_eps", poisson_nll, torch.tensor([0.0, 0.0, 1e-9, 2.0]),
             torch.tensor([0.0, 3.0, 1.0, 2.0]), {"log_input": False, "eps": 1e-4, "reduction": "none"},
             grad_output=torch.tensor([1.0, 0.5, -2.0, 3.0]), input_dtype="float64"),
        Case("poisson_nll", "rates_full_sum_float32", poisson_nll, u(2, 5) * 4 + 0.01, counts(2, 5),
             {"log_input": False, "full": True, "reduction": "sum"}),
        Case("poisson_nll", "scalar_grad_output", poisson_nll, r(6), counts(6), grad_output=torch.tensor(-0.5)),
    ]
    out += [
        Case("gaussian_nll", "mean_float32", gaussian_nll, r(4, 5), r(4, 5), var=u(4, 5) + 0.1),
        Case("gaussian_nll", "sum_float64_full", gaussian_nll, r(3, 7), r(3, 7), {"reduction": "sum", "full": True},
             var=u(3, 7) + 0.1, input_dtype="float64"),
        Case("gaussian_nll", "none_grad_output", gaussian_nll, r(2, 3, 4), r(2, 3, 4), {"reduction": "none"},
             var=u(2, 3, 4) + 0.05, grad_output=r(2, 3, 4)),
        Case("gaussian_nll", "var_one_dim_short", gaussian_nll, r(3, 4), r(3, 4), var=u(3) + 0.2,
             input_dtype="float64"),
        Case("gaussian_nll", "var_last_dim_1", gaussian_nll, r(2, 3, 4), r(2, 3, 4), {"reduction": "sum"},
             var=u(2, 3, 1) + 0.2),
        Case("gaussian_nll", "var_middle_dim_1", gaussian_nll, r(2, 3, 4), r(2, 3, 4), {"reduction": "none"},
             var=u(2, 1, 4) + 0.2, grad_output=r(2, 3, 4), input_dtype="float64"),
        Case("gaussian_nll", "var_clamped_by_eps", gaussian_nll, r(5), r(5),
             {"eps": 1e-2, "reduction": "none"}, var=torch.tensor([0.0, 1e-3, 1e-2, 0.5, 2.0]), input_dtype="float64"),
        Case("gaussian_nll", "weighted_broadcast_target", gaussian_nll, r(3, 4), r(4), weight=u(3, 4),
             var=u(3, 4) + 0.3),
        Case("gaussian_nll", "default_eps_zero_var_float32", gaussian_nll, r(4), r(4), {"full": True},
             var=torch.tensor([0.0, 1e-8, 1.0, 3.0]), grad_output=torch.tensor(2.0)),
    ]
    return out
