"""Golden cases for mse."""
import torch
import torch.nn.functional as F
from generate import Case


def mse(x, t, w, v, p):
    reduction = p.get("reduction", "mean")
    if w is None:
        return F.mse_loss(x, t.to(x.dtype).expand_as(x), reduction=reduction)
    l = w * (x - t.to(x.dtype)) ** 2
    return {"mean": l.mean(), "sum": l.sum(), "none": l}[reduction]


def cases(rng):
    r = lambda *s: torch.randn(*s, generator=rng)
    return [
        Case("mse", "tutorial_mean", mse, r(4, 5), r(4, 5)),
        Case("mse", "sum", mse, r(3, 7), r(3, 7), {"reduction": "sum"}),
        Case("mse", "none_grad_output", mse, r(2, 3, 4), r(2, 3, 4), {"reduction": "none"}, grad_output=r(2, 3, 4)),
        Case("mse", "float64", mse, r(6), r(6), input_dtype="float64"),
        Case("mse", "broadcast_target", mse, r(3, 4), r(4)),
        Case("mse", "weighted", mse, r(3, 4), r(3, 4), weight=torch.rand(3, 4, generator=rng)),
        Case("mse", "scalar_grad_output", mse, r(5), r(5), grad_output=torch.tensor(2.5)),
        Case("mse", "int_target", mse, r(2, 3), torch.randint(0, 3, (2, 3), generator=rng)),
    ]
