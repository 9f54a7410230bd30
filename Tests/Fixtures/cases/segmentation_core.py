"""Golden cases for the tutorial's segmentation losses: dice, iou, dice_bce, focal."""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from generate import Case  # noqa: E402
import segmentation_reference as ref  # noqa: E402


def iou(i, pr, tr, m, e, p):
    snr, sdr = ref.smoothing(p)
    return 1 - (i + snr) / (pr + tr - i + sdr)


def dice_bce(i, pr, tr, m, e, p):
    return p.get("bce_weight", 1.0) * e / m + p.get("dice_weight", 1.0) * (1 - ref.dice_score(i, pr, tr, p))


def focal(x, t, w, v, p):
    alpha = p.get("alpha", 0.8 if p.get("variant") == "tutorial" else 0.25)
    gamma = p.get("gamma", 2.0)
    t = t.double().expand_as(x)
    if p.get("variant") == "tutorial":
        bce = F.binary_cross_entropy_with_logits(x, t, reduction="mean")
        value = alpha * (1 - torch.exp(-bce)) ** gamma * bce
        return value.reshape(1) if p.get("reduction") == "none" else value
    # torchvision.ops.sigmoid_focal_loss, line for line.
    prob = torch.sigmoid(x)
    ce_loss = F.binary_cross_entropy_with_logits(x, t, reduction="none")
    p_t = prob * t + (1 - prob) * (1 - t)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * t + (1 - alpha) * (1 - t)
        loss = alpha_t * loss
    if w is not None:
        loss = loss * w
    return ref.reduce_vector(loss, p)


def battery(rng, loss, reference, tutorial):
    """The common cases every region loss gets: tutorial defaults, every mode and parameter."""
    r = lambda *s: torch.randn(*s, generator=rng) * 2
    mask = lambda *s: (torch.rand(*s, generator=rng) > 0.6).double()
    saturated = r(2, 1, 4, 4) * 15
    sat_target = (saturated > 0).double()
    sat_target[0, 0, 0, :2] = 1 - sat_target[0, 0, 0, :2]
    bin_ignored = mask(2, 1, 6, 5)
    bin_ignored[1, 0, :2] = 255
    return [
        Case(loss, "defaults", tutorial, r(2, 1, 8, 8), mask(2, 1, 8, 8)),
        Case(loss, "defaults_float64", tutorial, r(3, 1, 5, 5), mask(3, 1, 5, 5), input_dtype="float64"),
        Case(loss, "empty_foreground", reference, r(2, 1, 6, 6), torch.zeros(2, 1, 6, 6)),
        Case(loss, "empty_foreground_per_image", reference, r(3, 1, 4, 4), torch.zeros(3, 1, 4, 4),
             {"per_image": True}, input_dtype="float64"),
        Case(loss, "saturated_logits", reference, saturated, sat_target, input_dtype="float64"),
        Case(loss, "binary_uint8_target_squeezed", reference, r(2, 1, 5, 5), mask(2, 5, 5).to(torch.uint8)),
        Case(loss, "binary_ignore_index", reference, r(2, 1, 6, 5), bin_ignored, {"ignore_index": 255},
             input_dtype="float64"),
        Case(loss, "binary_none_grad_output", reference, r(2, 1, 4, 4), mask(2, 1, 4, 4), {"reduction": "none"},
             grad_output=torch.tensor([2.5])),
        Case(loss, "per_image_none_grad_output", reference, r(3, 1, 4, 4), mask(3, 1, 4, 4),
             {"per_image": True, "reduction": "none"}, grad_output=r(3), input_dtype="float64"),
        Case(loss, "smooth_nr_dr_sum", reference, r(2, 1, 5, 5), mask(2, 1, 5, 5),
             {"smooth_nr": 0.0, "smooth_dr": 1e-3, "reduction": "sum"}),
        Case(loss, "probabilities_input", reference, torch.rand(2, 1, 5, 5, generator=rng) * 0.98 + 0.01,
             mask(2, 1, 5, 5), {"from_logits": False}, input_dtype="float64"),
        Case(loss, "multilabel_class_weights", reference, r(2, 3, 4, 5), mask(2, 3, 4, 5),
             {"mode": "multilabel", "class_weights": [1.0, 2.0, 0.5]}, input_dtype="float64"),
        Case(loss, "multilabel_per_image_none", reference, r(2, 3, 4, 4), mask(2, 3, 4, 4),
             {"mode": "multilabel", "per_image": True, "reduction": "none"}, grad_output=r(2)),
        Case(loss, "scalar_grad_output", reference, r(4, 1, 3, 3), mask(4, 1, 3, 3), {"smooth": 0.5},
             grad_output=torch.tensor(-1.5)),
    ]


def multiclass_battery(rng, loss, reference, pooled_length=3):
    r = lambda *s: torch.randn(*s, generator=rng) * 2
    labels = lambda *s: torch.randint(0, 3, s, generator=rng)
    some_ignored = labels(2, 5, 4)
    some_ignored[0, :2] = 255
    return [
        Case(loss, "multiclass_int64", reference, r(2, 3, 5, 4), labels(2, 5, 4), {"mode": "multiclass"},
             input_dtype="float64"),
        Case(loss, "multiclass_ignore_weights", reference, r(2, 3, 5, 4), some_ignored,
             {"mode": "multiclass", "ignore_index": 255, "class_weights": [0.2, 1.0, 3.0]}),
        Case(loss, "multiclass_per_image_none", reference, r(3, 3, 4, 4), labels(3, 4, 4).to(torch.int32),
             {"mode": "multiclass", "per_image": True, "reduction": "none"}, grad_output=r(3), input_dtype="float64"),
        Case(loss, "multiclass_pooled_none_float_target", reference, r(2, 3, 6), labels(2, 6).double(),
             {"mode": "multiclass", "reduction": "none"}, grad_output=r(pooled_length), input_dtype="float64",
             target_dtype="float64"),
        Case(loss, "multiclass_probabilities_sum", reference, torch.rand(2, 3, 4, generator=rng).softmax(1),
             labels(2, 4), {"mode": "multiclass", "from_logits": False, "reduction": "sum"}, input_dtype="float64"),
    ]


def cases(rng):
    dice = ref.region(ref.dice, squared_key="squared_pred")
    iou_ref = ref.region(iou)
    dice_bce_ref = ref.region(dice_bce, term=lambda q, logits, t, p: ref.bce_elements(q, logits, t, p))
    r = lambda *s: torch.randn(*s, generator=rng) * 2
    mask = lambda *s: (torch.rand(*s, generator=rng) > 0.6).double()
    out = []
    out += battery(rng, "dice", dice, ref.tutorial_dice) + multiclass_battery(rng, "dice", dice)
    out += [
        Case("dice", "log_loss", dice, r(2, 1, 5, 5), mask(2, 1, 5, 5), {"log_loss": True}, input_dtype="float64"),
        Case("dice", "log_loss_clamped", dice, r(2, 1, 3, 3) - 30, torch.zeros(2, 1, 3, 3),
             {"log_loss": True, "smooth": 0.0, "smooth_dr": 1.0}, input_dtype="float64"),
        Case("dice", "squared_pred_multiclass", dice, r(2, 4, 3, 3), torch.randint(0, 4, (2, 3, 3), generator=rng),
             {"squared_pred": True, "mode": "multiclass"}, input_dtype="float64"),
        Case("dice", "squared_pred_binary_float32", dice, r(2, 1, 6, 6), mask(2, 1, 6, 6), {"squared_pred": True}),
    ]
    out += battery(rng, "iou", iou_ref, ref.tutorial_iou) + multiclass_battery(rng, "iou", iou_ref)
    out += battery(rng, "dice_bce", dice_bce_ref, ref.tutorial_dice_bce)
    out += [
        Case("dice_bce", "term_weights", dice_bce_ref, r(2, 1, 4, 4), mask(2, 1, 4, 4),
             {"bce_weight": 0.3, "dice_weight": 2.0}, input_dtype="float64"),
        Case("dice_bce", "multilabel_ignore_per_image", dice_bce_ref, r(2, 2, 5), torch.tensor(
            [[[1, 0, 255, 1, 0], [0, 0, 1, 255, 1]], [[255, 255, 1, 0, 1], [1, 1, 0, 0, 0]]]).double(),
            {"mode": "multilabel", "ignore_index": 255, "per_image": True}, input_dtype="float64"),
    ]
    sat = r(3, 1, 4, 4) * 15
    out += [
        Case("focal", "torchvision_defaults", focal, r(2, 1, 8, 8), mask(2, 1, 8, 8)),
        Case("focal", "torchvision_float64_sum", focal, r(3, 7), mask(3, 7), {"reduction": "sum"}, input_dtype="float64"),
        Case("focal", "torchvision_none_grad_output", focal, r(2, 3, 4), mask(2, 3, 4), {"reduction": "none"},
             grad_output=r(2, 3, 4), input_dtype="float64"),
        Case("focal", "alpha_disabled_gamma_half", focal, r(4, 5), torch.rand(4, 5, generator=rng),
             {"alpha": -1.0, "gamma": 0.5}, input_dtype="float64"),
        Case("focal", "gamma_zero_weighted", focal, r(3, 4), mask(3, 4), {"gamma": 0.0, "alpha": 0.6},
             weight=torch.rand(3, 4, generator=rng)),
        Case("focal", "saturated_logits", focal, sat, (sat > 0).double(), input_dtype="float64"),
        Case("focal", "tutorial_verbatim", ref.tutorial_focal, r(2, 1, 8, 8), mask(2, 1, 8, 8), {"variant": "tutorial"}),
        Case("focal", "tutorial_verbatim_float64", ref.tutorial_focal, r(4, 1, 5, 5), mask(4, 1, 5, 5),
             {"variant": "tutorial"}, input_dtype="float64"),
        Case("focal", "tutorial_params_saturated", focal, sat, 1 - (sat > 0).double(),
             {"variant": "tutorial", "alpha": 0.5, "gamma": 1.5}, input_dtype="float64"),
        Case("focal", "tutorial_none_grad_output", focal, r(2, 6), mask(2, 6), {"variant": "tutorial", "reduction": "none"},
             grad_output=torch.tensor([3.0]), input_dtype="float64"),
        Case("focal", "broadcast_int_target", focal, r(3, 4), torch.randint(0, 2, (4,), generator=rng)),
    ]
    return out
