"""Golden cases for kl_div, multilabel_soft_margin, poly1 and softmax_focal.

poly1 and softmax_focal have no torch.nn.functional implementation: poly1 follows the
definition documented in Poly1Loss.swift (PyTorch cross_entropy + ε(1 − p_t)), softmax_focal
is MONAI's FocalLoss(use_softmax=True) code path with a one-hot target, kept in float64.
"""
import warnings

import torch
import torch.nn.functional as F
from generate import Case


def _reduce(loss, reduction, batch=None):
    if reduction == "none":
        return loss
    if reduction == "batchmean":
        return loss.sum() / batch
    return loss.mean() if reduction == "mean" else loss.sum()


def kl_div(x, t, w, v, p):
    reduction, log_target = p.get("reduction", "mean"), p.get("log_target", False)
    t = t.to(x.dtype).expand_as(x)
    if w is None:
        return F.kl_div(x, t, reduction=reduction, log_target=log_target)
    return _reduce(w * F.kl_div(x, t, reduction="none", log_target=log_target), reduction, x.shape[0])


def multilabel_soft_margin(x, t, w, v, p):
    return F.multilabel_soft_margin_loss(x, t.to(x.dtype), weight=w, reduction=p.get("reduction", "mean"))


def poly1(x, t, w, v, p):
    eps, ignore, reduction = p.get("epsilon", 1.0), p.get("ignore_index", -100), p.get("reduction", "mean")
    if x.dim() == 1:  # an unbatched (C) input is one item
        out = poly1(x.unsqueeze(0), t.unsqueeze(0), w, v, p)
        return out.squeeze(0) if reduction == "none" else out
    q = torch.softmax(x, dim=1)
    if t.shape == x.shape:
        keep = torch.ones(q.sum(1).shape, dtype=torch.bool)
        pt = (t * q).sum(1)
    else:
        t = t.long()
        keep = t != ignore
        pt = q.gather(1, t.where(keep, 0).unsqueeze(1)).squeeze(1)
    poly = eps * (1 - pt) * keep
    ce = F.cross_entropy(x, t, weight=w, ignore_index=ignore, reduction="none")
    if reduction == "none":
        return ce + poly
    if reduction == "sum":
        return ce.sum() + poly.sum()
    # All ignored: the CE part is NaN as PyTorch's; the poly part adds no gradient (0/0 would).
    poly_mean = poly.sum() / keep.sum() if keep.any() else poly.sum() * 0
    return F.cross_entropy(x, t, weight=w, ignore_index=ignore) + poly_mean


def softmax_focal(x, t, w, v, p):
    gamma, alpha = p.get("gamma", 2.0), p.get("alpha")
    ignore, reduction = p.get("ignore_index", -100), p.get("reduction", "mean")
    classes, view = x.shape[1], [-1] + [1] * (x.dim() - 2)
    t = t.long()
    keep = t != ignore
    target = F.one_hot(t.where(keep, 0), classes).movedim(-1, 1).to(x.dtype) * keep.unsqueeze(1)
    # monai.losses.focal_loss.softmax_focal_loss
    input_ls = x.log_softmax(1)
    loss = -(1 - input_ls.exp()).pow(gamma) * input_ls * target
    if alpha is not None:
        loss = torch.tensor([1 - alpha] + [alpha] * (classes - 1)).to(loss).view(view) * loss
    # monai.losses.FocalLoss.forward
    if w is not None and classes != 1:
        loss = w.view(view) * loss
    if reduction == "sum":
        return loss.mean(dim=list(range(2, x.dim()))).sum()
    return loss.mean() if reduction == "mean" else loss


def cases(rng):
    warnings.filterwarnings("ignore", message="reduction: 'mean' divides")
    r = lambda *s: torch.randn(*s, generator=rng)
    u = lambda *s: torch.rand(*s, generator=rng)
    idx = lambda c, *s: torch.randint(0, c, s, generator=rng)
    logp = lambda *s: torch.log_softmax(r(*s), dim=-1)
    probs = lambda *s: torch.softmax(2 * r(*s), dim=-1)
    sparse = probs(3, 5)
    sparse[sparse < 0.15] = 0
    ignored = idx(4, 2, 3, 3)
    ignored[0, 0, :] = -100
    k, m, p, f = "kl_div", "multilabel_soft_margin", "poly1", "softmax_focal"
    return [
        Case(k, "mean_elementwise", kl_div, logp(4, 5), probs(4, 5)),
        Case(k, "batchmean", kl_div, logp(3, 6), probs(3, 6), {"reduction": "batchmean"}),
        Case(k, "batchmean_float64_grad_output", kl_div, logp(2, 3, 4), probs(2, 3, 4), {"reduction": "batchmean"},
             grad_output=torch.tensor(1.7), input_dtype="float64"),
        Case(k, "sum_zero_targets", kl_div, logp(3, 5), sparse, {"reduction": "sum"}),
        Case(k, "none_grad_output", kl_div, logp(3, 4), probs(3, 4), {"reduction": "none"}, grad_output=r(3, 4)),
        Case(k, "log_target_mean_float64", kl_div, logp(4, 3), logp(4, 3), {"log_target": True}, input_dtype="float64"),
        Case(k, "log_target_none", kl_div, logp(2, 5), logp(2, 5), {"log_target": True, "reduction": "none"},
             grad_output=r(2, 5)),
        Case(k, "weighted_batchmean", kl_div, logp(3, 4), probs(3, 4), {"reduction": "batchmean"}, weight=u(4)),
        Case(k, "broadcast_target", kl_div, logp(3, 4), probs(1, 4)),
        Case(m, "mean", multilabel_soft_margin, r(5, 4), idx(2, 5, 4)),
        Case(m, "sum_float64", multilabel_soft_margin, r(4, 6), idx(2, 4, 6), {"reduction": "sum"}, input_dtype="float64"),
        Case(m, "none_grad_output", multilabel_soft_margin, r(3, 5), idx(2, 3, 5), {"reduction": "none"},
             grad_output=r(3)),
        Case(m, "class_weight", multilabel_soft_margin, r(4, 3), idx(2, 4, 3), weight=u(3) + 0.1),
        Case(m, "class_weight_none_float64", multilabel_soft_margin, r(4, 3), idx(2, 4, 3), {"reduction": "none"},
             weight=u(3), grad_output=r(4), input_dtype="float64"),
        Case(m, "saturated_logits", multilabel_soft_margin, 50 * r(4, 5), idx(2, 4, 5).double()),
        Case(m, "soft_labels", multilabel_soft_margin, r(3, 4), u(3, 4)),
        Case(m, "unbatched_vector", multilabel_soft_margin, r(6), idx(2, 6), {"reduction": "none"}),
        Case(p, "mean", poly1, r(6, 5), idx(5, 6)),
        Case(p, "sum_epsilon_2_float64", poly1, r(5, 4), idx(4, 5), {"reduction": "sum", "epsilon": 2.0},
             input_dtype="float64"),
        Case(p, "none_grad_output_weighted_ignored", poly1, r(2, 4, 3, 3), ignored, {"reduction": "none"},
             weight=u(4) + 0.1, grad_output=r(2, 3, 3)),
        Case(p, "weighted_mean_ignored", poly1, r(2, 4, 3, 3), ignored, weight=u(4) + 0.1),
        Case(p, "negative_epsilon_float64", poly1, r(4, 3), idx(3, 4), {"epsilon": -1.0}, input_dtype="float64"),
        Case(p, "all_ignored_nan", poly1, r(3, 4), torch.full((3,), 9), {"ignore_index": 9}),
        Case(p, "probabilities", poly1, r(4, 3, 2), probs(4, 2, 3).transpose(1, 2), weight=u(3) + 0.2),
        Case(p, "saturated_logits", poly1, 40 * r(5, 4), idx(4, 5)),
        Case(p, "unbatched_vector", poly1, r(5), torch.tensor(2), {"epsilon": 0.5}),
        Case(f, "mean_spatial", softmax_focal, r(2, 4, 3, 3), idx(4, 2, 3, 3)),
        Case(f, "sum_spatial_float64", softmax_focal, r(2, 3, 4), idx(3, 2, 4), {"reduction": "sum"},
             input_dtype="float64"),
        Case(f, "sum_rank2_is_mean_as_monai", softmax_focal, r(5, 3), idx(3, 5), {"reduction": "sum"}),
        Case(f, "none_grad_output", softmax_focal, r(2, 3, 4), idx(3, 2, 4), {"reduction": "none"},
             grad_output=r(2, 3, 4)),
        Case(f, "alpha_and_class_weight", softmax_focal, r(3, 4, 2, 2), idx(4, 3, 2, 2), {"alpha": 0.25},
             weight=u(4) + 0.1),
        Case(f, "gamma_zero_float64", softmax_focal, r(4, 5), idx(5, 4), {"gamma": 0.0}, input_dtype="float64"),
        Case(f, "gamma_half", softmax_focal, r(4, 3, 5), idx(3, 4, 5), {"gamma": 0.5}),
        Case(f, "ignore_index", softmax_focal, r(2, 4, 3, 3), ignored, {"alpha": 0.6, "reduction": "sum"}),
        Case(f, "saturated_logits", softmax_focal, 30 * r(3, 4, 4), idx(4, 3, 4), {"gamma": 3.0}),
    ]
