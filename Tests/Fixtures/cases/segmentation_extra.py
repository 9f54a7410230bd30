"""Golden cases for tversky, focal_tversky, generalized_dice, combo and mcc."""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from generate import Case  # noqa: E402
import segmentation_reference as ref  # noqa: E402
from segmentation_core import battery, multiclass_battery  # noqa: E402


def tversky_index(q, t, m, dims, p):
    """SMP TverskyLoss: fp and fn summed directly."""
    snr, sdr = ref.smoothing(p)
    alpha, beta = p.get("alpha", 0.5), p.get("beta", 0.5)
    tp = (q * t * m).sum(dims)
    fp = (q * (1 - t) * m).sum(dims)
    fn = ((1 - q) * t * m).sum(dims)
    return (tp + snr) / (tp + alpha * fp + beta * fn + sdr)


def tversky(q, t, m, dims, p):
    return 1 - tversky_index(q, t, m, dims, p)


def focal_tversky(q, t, m, dims, p):
    return (1 - tversky_index(q, t, m, dims, p)) ** p.get("gamma", 0.75)


def mcc(q, t, m, dims, p):
    """SMP MCCLoss on each group."""
    eps = p.get("eps", 1e-5)
    tp = (q * t * m).sum(dims) + eps
    tn = ((1 - q) * (1 - t) * m).sum(dims) + eps
    fp = (q * (1 - t) * m).sum(dims) + eps
    fn = ((1 - q) * t * m).sum(dims) + eps
    numerator = tp * tn - fp * fn
    denominator = torch.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    return 1.0 - numerator / denominator


def combo(i, pr, tr, m, e, p):
    ratio = p.get("ce_ratio", 0.5)
    return ratio * e / m + (1 - ratio) * (1 - ref.dice_score(i, pr, tr, p))


def combo_term(q, logits, t, p):
    alpha = p.get("alpha", 0.5)
    return ref.bce_elements(q, logits, t, p, pos=alpha, neg=1 - alpha, explicit=True)


def generalized_dice(x, t, w, v, p):
    """MONAI GeneralizedDiceLoss (batch = not per_image), weights in float64."""
    q, onehot, mask, _, _ = ref.prepare(x, t, p)
    per_image = p.get("per_image", False)
    dims = (2,) if per_image else (0, 2)
    intersection = (q * onehot * mask).sum(dims)
    ground_o = (onehot * mask).sum(dims)
    pred_o = (q * mask).sum(dims)
    denominator = ground_o + pred_o
    w_type = p.get("w_type", "square")
    if w_type == "square":
        wt = torch.reciprocal(ground_o * ground_o)
    elif w_type == "simple":
        wt = torch.reciprocal(ground_o)
    else:
        wt = torch.ones_like(ground_o)
    infs = torch.isinf(wt)
    wt[infs] = 0.0
    if per_image:
        wt = wt + infs * torch.max(wt, dim=1)[0].unsqueeze(1)
    else:
        wt = wt + infs * torch.max(wt)
    # MONAI's defaults: smooth_nr = smooth_dr = 1e-5 (not the family's smooth = 1).
    s = p.get("smooth", 1e-5)
    snr, sdr = p.get("smooth_nr", s), p.get("smooth_dr", s)
    reduce_dim = 1 if per_image else 0
    numer = 2.0 * (intersection * wt).sum(reduce_dim) + snr
    denom = (denominator * wt).sum(reduce_dim) + sdr
    vec = (1.0 - numer / denom).reshape(-1)
    return ref.reduce_vector(vec, p)


def monai_generalized_dice(x, t, w, v, p):
    """MONAI's own GeneralizedDiceLoss, for the cases that map onto its arguments one to one:
    binary/multilabel → sigmoid, multiclass → softmax + to_onehot_y, per_image → batch=False,
    smooth_nr/smooth_dr as given (MONAI's 1e-5 defaults when absent), reduction mean."""
    from monai.losses import GeneralizedDiceLoss
    mode = p.get("mode", "binary")
    from_logits = p.get("from_logits", True)
    s = p.get("smooth", 1e-5)
    loss = GeneralizedDiceLoss(
        include_background=True, to_onehot_y=mode == "multiclass",
        sigmoid=from_logits and mode != "multiclass", softmax=from_logits and mode == "multiclass",
        w_type=p.get("w_type", "square"), reduction="mean",
        smooth_nr=p.get("smooth_nr", s), smooth_dr=p.get("smooth_dr", s), batch=not p.get("per_image", False))
    target = t.long().unsqueeze(1) if mode == "multiclass" else t.double().reshape(x.shape)
    return loss(x, target)


def monai_cases(rng):
    """generalized_dice with its defaults, against MONAI itself (pip install monai beside torch).

    float32 inputs (agreement 2e-5): MONAI computes its class weights in float32
    (`w_func(ground_o.float())`), so it cannot be a 1e-9 float64 reference; the float64 battery
    above uses the float64 reimplementation."""
    r = lambda *s: torch.randn(*s, generator=rng) * 2
    mask = lambda *s: (torch.rand(*s, generator=rng) > 0.6).double()
    labels = lambda *s: torch.randint(0, 3, s, generator=rng)
    g = monai_generalized_dice
    return [
        Case("generalized_dice", "monai_defaults_binary", g, r(2, 1, 6, 5), mask(2, 1, 6, 5), {}),
        Case("generalized_dice", "monai_defaults_binary_float32", g, r(3, 1, 8), mask(3, 1, 8), {}),
        Case("generalized_dice", "monai_defaults_multiclass", g, r(2, 3, 4, 5), labels(2, 4, 5), {"mode": "multiclass"}),
        Case("generalized_dice", "monai_defaults_multilabel", g, r(2, 2, 7), mask(2, 2, 7), {"mode": "multilabel"}),
        Case("generalized_dice", "monai_per_image", g, r(3, 3, 6), labels(3, 6), {"mode": "multiclass", "per_image": True}),
        Case("generalized_dice", "monai_simple", g, r(2, 3, 9), labels(2, 9), {"mode": "multiclass", "w_type": "simple"}),
        Case("generalized_dice", "monai_uniform", g, r(2, 2, 3, 3), mask(2, 2, 3, 3), {"mode": "multilabel", "w_type": "uniform"}),
        Case("generalized_dice", "monai_probabilities", g, torch.rand(2, 1, 10, generator=rng, dtype=torch.float64),
             mask(2, 1, 10), {"from_logits": False}),
        Case("generalized_dice", "monai_smoothing_given", g, r(2, 3, 5), labels(2, 5),
             {"mode": "multiclass", "smooth_nr": 0.5, "smooth_dr": 2.0}),
    ]


def cases(rng):
    r = lambda *s: torch.randn(*s, generator=rng) * 2
    mask = lambda *s: (torch.rand(*s, generator=rng) > 0.6).double()
    labels = lambda *s: torch.randint(0, 3, s, generator=rng)
    tv, ftv, mc = ref.region_elements(tversky), ref.region_elements(focal_tversky), ref.region_elements(mcc)
    cb = ref.region(combo, term=combo_term)
    out = []
    for name, reference in [("tversky", tv), ("focal_tversky", ftv), ("mcc", mc), ("generalized_dice", generalized_dice)]:
        pooled_length = 1 if name == "generalized_dice" else 3
        out += battery(rng, name, reference, reference) + multiclass_battery(rng, name, reference, pooled_length)
    out += battery(rng, "combo", cb, cb)
    # Parameters a loss does not take are dropped from the shared batteries (its reference ignores them too).
    unused = {"mcc": {"smooth", "smooth_nr", "smooth_dr"}, "generalized_dice": {"class_weights"}}
    for case in out:
        case.params = {k: v for k, v in case.params.items() if k not in unused.get(case.loss, ())}
    out += [
        Case("tversky", "fn_heavy", tv, r(2, 1, 5, 5), mask(2, 1, 5, 5), {"alpha": 0.3, "beta": 0.7}, input_dtype="float64"),
        Case("tversky", "multilabel_weights", tv, r(2, 2, 6), mask(2, 2, 6),
             {"mode": "multilabel", "alpha": 0.9, "beta": 0.2, "class_weights": [3.0, 1.0]}),
        Case("focal_tversky", "gamma_two_fp_heavy", ftv, r(2, 1, 5, 5), mask(2, 1, 5, 5),
             {"alpha": 0.7, "beta": 0.3, "gamma": 2.0}, input_dtype="float64"),
        Case("focal_tversky", "multiclass_gamma_half", ftv, r(2, 3, 7), labels(2, 7),
             {"mode": "multiclass", "gamma": 0.5, "per_image": True}, input_dtype="float64"),
        Case("mcc", "eps_large", mc, r(2, 1, 5, 5), mask(2, 1, 5, 5), {"eps": 0.1}, input_dtype="float64"),
        Case("generalized_dice", "simple_empty_class", generalized_dice, r(2, 3, 5), torch.tensor(
            [[0, 1, 1, 0, 0], [1, 0, 1, 1, 0]]), {"mode": "multiclass", "w_type": "simple", "smooth": 1e-5},
            input_dtype="float64"),
        Case("generalized_dice", "square_empty_class_per_image", generalized_dice, r(2, 3, 5), torch.tensor(
            [[0, 1, 1, 0, 0], [2, 2, 2, 2, 2]]), {"mode": "multiclass", "per_image": True, "reduction": "none"},
            grad_output=r(2), input_dtype="float64"),
        Case("generalized_dice", "uniform_multilabel", generalized_dice, r(2, 2, 4, 3), mask(2, 2, 4, 3),
             {"mode": "multilabel", "w_type": "uniform"}),
        Case("generalized_dice", "all_empty_square", generalized_dice, r(2, 1, 4), torch.zeros(2, 1, 4),
             {"smooth_nr": 1e-5, "smooth_dr": 1e-5}, input_dtype="float64"),
        Case("combo", "alpha_ratio", cb, r(2, 1, 5, 5), mask(2, 1, 5, 5), {"alpha": 0.8, "ce_ratio": 0.3},
             input_dtype="float64"),
        Case("combo", "multilabel_ignore_per_image_none", cb, r(2, 2, 5), torch.tensor(
            [[[1, 0, 255, 1, 0], [0, 0, 1, 255, 1]], [[255, 255, 1, 0, 1], [1, 1, 0, 0, 0]]]).double(),
            {"mode": "multilabel", "ignore_index": 255, "per_image": True, "reduction": "none", "alpha": 0.2},
            grad_output=r(2), input_dtype="float64"),
    ]
    return out + monai_cases(rng)
