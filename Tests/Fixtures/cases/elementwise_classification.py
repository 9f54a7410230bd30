"""Golden cases for bce, bce_with_logits, soft_margin and hinge_embedding (PyTorch references)."""
import torch
import torch.nn.functional as F
from generate import Case


def reduce(l, w, reduction):
    """The project's convention: weight multiplies the unreduced loss; mean divides by its element count."""
    if w is not None:
        l = l * w
    return {"mean": l.mean(), "sum": l.sum(), "none": l}[reduction]


def bce(x, t, w, v, p):
    t = t.to(x.dtype).expand_as(x)
    w = w.expand_as(x) if w is not None else None
    return F.binary_cross_entropy(x, t, weight=w, reduction=p.get("reduction", "mean"))


def bce_with_logits(x, t, w, v, p):
    t = t.to(x.dtype).expand_as(x)
    s = p.get("label_smoothing", 0.0)
    if s:  # segmentation_models_pytorch's SoftBCEWithLogitsLoss
        t = (1 - t) * s + t * (1 - s)
    pw = p.get("pos_weight")
    pw = torch.tensor(pw if isinstance(pw, list) else [pw], dtype=x.dtype) if pw is not None else None
    w = w.expand_as(x) if w is not None else None
    return F.binary_cross_entropy_with_logits(x, t, weight=w, pos_weight=pw, reduction=p.get("reduction", "mean"))


def soft_margin(x, t, w, v, p):
    l = F.soft_margin_loss(x, t.to(x.dtype).expand_as(x), reduction="none")
    return reduce(l, w, p.get("reduction", "mean"))


def hinge_embedding(x, t, w, v, p):
    l = F.hinge_embedding_loss(x, t.to(x.dtype).expand_as(x), margin=p.get("margin", 1.0), reduction="none")
    return reduce(l, w, p.get("reduction", "mean"))


def cases(rng):
    r = lambda *s: torch.randn(*s, generator=rng)
    u = lambda *s: torch.rand(*s, generator=rng)
    bits = lambda *s: torch.randint(0, 2, s, generator=rng)
    signs = lambda *s: bits(*s) * 2 - 1
    probabilities = lambda *s: u(*s).clamp(0.02, 0.98)
    out = []

    # bce: probabilities in, clamped logs at the ends.
    out += [
        Case("bce", "mean_float32", bce, probabilities(4, 5), bits(4, 5).double()),
        Case("bce", "sum_float64", bce, probabilities(3, 7), u(3, 7), {"reduction": "sum"}, input_dtype="float64"),
        Case("bce", "none_grad_output", bce, probabilities(2, 3, 4), bits(2, 3, 4).double(), {"reduction": "none"},
             grad_output=r(2, 3, 4)),
        Case("bce", "weighted_float64", bce, probabilities(3, 4), u(3, 4), weight=u(3, 4), input_dtype="float64"),
        Case("bce", "broadcast_weight", bce, probabilities(3, 4), bits(3, 4).double(), weight=u(4)),
        Case("bce", "broadcast_target", bce, probabilities(3, 4), bits(4).double()),
        Case("bce", "scalar_grad_output", bce, probabilities(6), u(6), grad_output=torch.tensor(-1.75)),
        Case("bce", "log_clamp_at_0_and_1", bce, torch.tensor([0.0, 0.0, 1.0, 1.0, 1e-45, 1 - 1e-16, 0.5]),
             torch.tensor([0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.25]), {"reduction": "none"}, input_dtype="float64"),
        Case("bce", "log_clamp_float32_sum", bce, torch.tensor([0.0, 1.0, 1e-30, 0.999, 0.5]),
             torch.tensor([1.0, 0.0, 1.0, 0.0, 1.0]), {"reduction": "sum"}),
        Case("bce", "bool_target", bce, probabilities(2, 5), bits(2, 5).bool()),
    ]

    # bce_with_logits: stable form, pos_weight on the last dimension, SMP label smoothing.
    saturated = torch.tensor([-40.0, -25.0, -20.5, 20.5, 25.0, 40.0, -100.0, 100.0])
    out += [
        Case("bce_with_logits", "mean_float32", bce_with_logits, r(4, 5) * 3, bits(4, 5).double()),
        Case("bce_with_logits", "sum_float64_soft_targets", bce_with_logits, r(3, 7) * 3, u(3, 7),
             {"reduction": "sum"}, input_dtype="float64"),
        Case("bce_with_logits", "none_grad_output", bce_with_logits, r(2, 3, 4), bits(2, 3, 4).double(),
             {"reduction": "none"}, grad_output=r(2, 3, 4)),
        Case("bce_with_logits", "weighted", bce_with_logits, r(3, 4), bits(3, 4).double(), weight=u(3, 4)),
        Case("bce_with_logits", "broadcast_target", bce_with_logits, r(3, 4), bits(4).double()),
        Case("bce_with_logits", "pos_weight_per_class", bce_with_logits, r(5, 3) * 2, bits(5, 3).double(),
             {"pos_weight": [0.5, 2.0, 3.5]}, input_dtype="float64"),
        Case("bce_with_logits", "pos_weight_single_none", bce_with_logits, r(2, 4), u(2, 4),
             {"pos_weight": [2.5], "reduction": "none"}, grad_output=r(2, 4)),
        Case("bce_with_logits", "label_smoothing", bce_with_logits, r(4, 3) * 2, bits(4, 3).double(),
             {"label_smoothing": 0.1}, input_dtype="float64"),
        Case("bce_with_logits", "smoothing_pos_weight_weight_sum", bce_with_logits, r(2, 3, 4), bits(2, 3, 4).double(),
             {"label_smoothing": 0.2, "pos_weight": [1.0, 0.25, 4.0, 2.0], "reduction": "sum"},
             weight=u(3, 4)),
        Case("bce_with_logits", "saturated_logits_float64", bce_with_logits, saturated,
             torch.tensor([0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0, 0.0]), {"reduction": "none"}, input_dtype="float64"),
        Case("bce_with_logits", "saturated_logits_float32", bce_with_logits, saturated,
             torch.tensor([0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0]), {"reduction": "none"}),
        Case("bce_with_logits", "saturated_mean_pos_weight", bce_with_logits, saturated.reshape(2, 4),
             torch.tensor([[0.0, 1.0, 0.0, 1.0], [1.0, 0.0, 1.0, 0.0]]), {"pos_weight": [3.0, 0.5, 1.0, 2.0]},
             input_dtype="float64"),
        Case("bce_with_logits", "scalar_grad_output", bce_with_logits, r(6), u(6), grad_output=torch.tensor(0.3)),
    ]

    # soft_margin: targets ±1 (PyTorch also takes any real), including saturated margins.
    out += [
        Case("soft_margin", "mean_float32", soft_margin, r(4, 5) * 2, signs(4, 5).double()),
        Case("soft_margin", "sum_float64", soft_margin, r(3, 7) * 2, signs(3, 7).double(), {"reduction": "sum"},
             input_dtype="float64"),
        Case("soft_margin", "none_grad_output", soft_margin, r(2, 3, 4), signs(2, 3, 4).double(),
             {"reduction": "none"}, grad_output=r(2, 3, 4)),
        Case("soft_margin", "weighted", soft_margin, r(3, 4), signs(3, 4).double(), weight=u(3, 4)),
        Case("soft_margin", "broadcast_target", soft_margin, r(3, 4), signs(4).double()),
        Case("soft_margin", "saturated", soft_margin, torch.tensor([-30.0, 30.0, -25.0, 25.0, 0.0, 40.0]),
             torch.tensor([1.0, 1.0, -1.0, -1.0, 1.0, -1.0]), {"reduction": "none"}, input_dtype="float64"),
        Case("soft_margin", "int_target", soft_margin, r(2, 5), signs(2, 5)),
        Case("soft_margin", "real_targets_scalar_grad", soft_margin, r(6), r(6), grad_output=torch.tensor(2.0),
             input_dtype="float64"),
    ]

    # hinge_embedding: targets exactly ±1; the clamp's boundary x = margin is a tie.
    out += [
        Case("hinge_embedding", "mean_float32", hinge_embedding, r(4, 5) + 0.5, signs(4, 5).double()),
        Case("hinge_embedding", "sum_float64", hinge_embedding, r(3, 7), signs(3, 7).double(), {"reduction": "sum"},
             input_dtype="float64"),
        Case("hinge_embedding", "none_grad_output", hinge_embedding, r(2, 3, 4), signs(2, 3, 4).double(),
             {"reduction": "none"}, grad_output=r(2, 3, 4)),
        Case("hinge_embedding", "weighted_margin", hinge_embedding, r(3, 4), signs(3, 4).double(),
             {"margin": 0.5}, weight=u(3, 4)),
        Case("hinge_embedding", "broadcast_target", hinge_embedding, r(3, 4), signs(4).double()),
        Case("hinge_embedding", "boundary_ties", hinge_embedding, torch.tensor([1.0, 1.0, 0.999, 1.001, 0.0, -2.0]),
             torch.tensor([-1.0, 1.0, -1.0, -1.0, -1.0, 1.0]), {"reduction": "none"}, input_dtype="float64"),
        Case("hinge_embedding", "negative_margin_int_target", hinge_embedding, r(2, 5), signs(2, 5),
             {"margin": -0.25}, input_dtype="float64"),
        Case("hinge_embedding", "margin_two_scalar_grad", hinge_embedding, r(6) + 1, signs(6).double(),
             {"margin": 2.0}, grad_output=torch.tensor(-0.5)),
    ]
    return out
