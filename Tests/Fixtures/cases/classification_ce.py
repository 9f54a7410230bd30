"""Golden cases for cross_entropy and nll (PyTorch's own functions)."""
import torch
import torch.nn.functional as F
from generate import Case


def _indices(x, t):
    # Index targets travel as any integer dtype or integral floats; PyTorch wants int64.
    return t if t.shape == x.shape else t.long()


def cross_entropy(x, t, w, v, p):
    return F.cross_entropy(x, _indices(x, t), weight=w, ignore_index=p.get("ignore_index", -100),
                           label_smoothing=p.get("label_smoothing", 0.0), reduction=p.get("reduction", "mean"))


def nll(x, t, w, v, p):
    return F.nll_loss(x, t.long(), weight=w, ignore_index=p.get("ignore_index", -100),
                      reduction=p.get("reduction", "mean"))


def cases(rng):
    r = lambda *s: torch.randn(*s, generator=rng)
    u = lambda *s: torch.rand(*s, generator=rng)
    idx = lambda c, *s: torch.randint(0, c, s, generator=rng)
    probs = lambda *s: torch.softmax(2 * r(*s), dim=1)
    ignored = idx(5, 2, 3, 4)
    ignored[0, 1, 2] = -100
    ignored[1, 0, :] = -100
    all_ignored = torch.full((3,), 7)
    uint8_target = idx(4, 3, 5).to(torch.uint8)
    uint8_target[0, :2] = 255
    ce = "cross_entropy"
    out = [
        Case(ce, "mean_int64", cross_entropy, r(6, 5), idx(5, 6)),
        Case(ce, "sum_weighted_float64", cross_entropy, r(5, 4), idx(4, 5), {"reduction": "sum"},
             weight=u(4) + 0.2, input_dtype="float64"),
        Case(ce, "none_spatial_ignored_grad_output", cross_entropy, r(2, 5, 3, 4), ignored,
             {"reduction": "none"}, weight=u(5) + 0.1, grad_output=r(2, 3, 4)),
        Case(ce, "weighted_mean_spatial_ignored", cross_entropy, r(2, 5, 3, 4), ignored, weight=u(5) + 0.1),
        Case(ce, "ignore_index_is_a_class_int32", cross_entropy, r(7, 3), idx(3, 7).int(), {"ignore_index": 1},
             weight=u(3) + 0.5),
        Case(ce, "all_ignored_nan", cross_entropy, r(3, 4), all_ignored, {"ignore_index": 7}),
        Case(ce, "all_ignored_nan_smoothing_weighted", cross_entropy, r(3, 4), all_ignored,
             {"ignore_index": 7, "label_smoothing": 0.3}, weight=u(4), input_dtype="float64"),
        Case(ce, "label_smoothing_weights_ignored_float64", cross_entropy, r(2, 5, 3, 4), ignored,
             {"label_smoothing": 0.2}, weight=u(5) + 0.1, input_dtype="float64"),
        Case(ce, "label_smoothing_sum", cross_entropy, r(4, 6), idx(6, 4), {"label_smoothing": 0.1, "reduction": "sum"}),
        Case(ce, "label_smoothing_none_weighted", cross_entropy, r(2, 4, 5), torch.where(u(2, 5) < 0.3, -100, idx(4, 2, 5)),
             {"label_smoothing": 0.25, "reduction": "none"}, weight=u(4), grad_output=r(2, 5)),
        Case(ce, "probabilities_weighted_mean", cross_entropy, r(3, 4, 2, 2), probs(3, 4, 2, 2), weight=u(4) + 0.2),
        Case(ce, "probabilities_smoothing_none", cross_entropy, r(4, 5), probs(4, 5),
             {"label_smoothing": 0.15, "reduction": "none"}, grad_output=r(4), input_dtype="float64"),
        Case(ce, "probabilities_sum_smoothing_weighted", cross_entropy, r(2, 3, 4), probs(2, 3, 4),
             {"label_smoothing": 0.4, "reduction": "sum"}, weight=u(3) + 0.1),
        Case(ce, "saturated_logits", cross_entropy, 40 * r(6, 4), idx(4, 6), weight=u(4) + 0.1),
        Case(ce, "saturated_logits_smoothing_float64", cross_entropy, 60 * r(5, 3), idx(3, 5),
             {"label_smoothing": 0.1}, input_dtype="float64"),
        Case(ce, "unbatched_class_vector", cross_entropy, r(5), torch.tensor(3), weight=u(5) + 0.1),
        Case(ce, "uint8_target_ignore_255", cross_entropy, r(3, 4, 5), uint8_target, {"ignore_index": 255}),
        Case(ce, "integral_float_target", cross_entropy, r(5, 3), idx(3, 5).double(), target_dtype="float32"),
        Case(ce, "scalar_grad_output", cross_entropy, r(4, 3), idx(3, 4), {"reduction": "sum"},
             grad_output=torch.tensor(2.5), input_dtype="float64"),
    ]
    logp = lambda *s: torch.log_softmax(r(*s), dim=1)
    n = "nll"
    out += [
        Case(n, "mean_int64", nll, logp(6, 5), idx(5, 6)),
        Case(n, "weighted_mean_ignored", nll, logp(2, 5, 3, 4), ignored, weight=u(5) + 0.1),
        Case(n, "sum_float64", nll, logp(4, 3), idx(3, 4), {"reduction": "sum"}, input_dtype="float64"),
        Case(n, "none_grad_output_weighted", nll, logp(2, 5, 3, 4), ignored, {"reduction": "none"},
             weight=u(5), grad_output=r(2, 3, 4)),
        Case(n, "all_ignored_nan", nll, logp(3, 4), all_ignored, {"ignore_index": 7}, input_dtype="float64"),
        Case(n, "ignore_index_is_a_class_int32", nll, logp(7, 3), idx(3, 7).int(), {"ignore_index": 2}),
        Case(n, "unbatched_class_vector", nll, logp(1, 6)[0], torch.tensor(4), weight=u(6)),
        Case(n, "uint8_target_ignore_255", nll, logp(3, 4, 5), uint8_target, {"ignore_index": 255},
             input_dtype="float64"),
        Case(n, "arbitrary_scores", nll, 5 * r(4, 3), idx(3, 4), weight=u(3) + 0.1),
    ]
    return out
