"""Golden cases for lovasz_hinge and lovasz_softmax.

A faithful torch re-implementation of segmentation_models_pytorch.losses.lovasz, with two
documented choices: torch.sort(..., descending=True, stable=True) fixes the tie order
(ties by position ascending), and an image or batch with every pixel ignored yields 0 (SMP
returns an empty tensor there). The Lovász gradient is computed in the input's float64
(SMP casts the mask to float32). `reduction` combines per-image losses (mean = SMP).
"""
import torch
import torch.nn.functional as F
from generate import Case


def _lovasz_grad(gt_sorted):
    gts = gt_sorted.sum()
    intersection = gts - gt_sorted.cumsum(0)
    union = gts + (1 - gt_sorted).cumsum(0)
    jaccard = 1.0 - intersection / union
    if len(gt_sorted) > 1:
        jaccard[1:] = jaccard[1:] - jaccard[:-1]
    return jaccard


def _hinge_flat(logits, labels):
    if len(labels) == 0:
        return logits.sum() * 0.0
    signs = 2.0 * labels - 1.0
    errors = 1.0 - logits * signs
    errors_sorted, perm = torch.sort(errors, dim=0, descending=True, stable=True)
    return torch.dot(F.relu(errors_sorted), _lovasz_grad(labels[perm]))


def _softmax_flat(probas, labels, classes):
    if probas.numel() == 0:
        return probas.sum() * 0.0
    losses = []
    for c in range(probas.size(1)):
        fg = (labels == c).to(probas.dtype)
        if classes == "present" and fg.sum() == 0:
            continue
        errors = (fg - probas[:, c]).abs()
        errors_sorted, perm = torch.sort(errors, dim=0, descending=True, stable=True)
        losses.append(torch.dot(errors_sorted, _lovasz_grad(fg[perm])))
    return sum(losses) / len(losses) if losses else probas.sum() * 0.0


def _combine(per_image_losses, p):
    losses = torch.stack(per_image_losses)
    reduction = p.get("reduction", "mean")
    if not p.get("per_image", False):
        return losses[0]
    return {"mean": losses.mean(), "sum": losses.sum(), "none": losses}[reduction]


def lovasz_hinge(x, t, w, v, p):
    ignore, t = p.get("ignore_index"), t.to(x.dtype)
    pairs = zip(x, t) if p.get("per_image", False) else [(x, t)]
    out = []
    for logits, labels in pairs:
        logits, labels = logits.reshape(-1), labels.reshape(-1)
        if ignore is not None:
            keep = labels != ignore
            logits, labels = logits[keep], labels[keep]
        out.append(_hinge_flat(logits, labels))
    return _combine(out, p)


def lovasz_softmax(x, t, w, v, p):
    ignore, classes = p.get("ignore_index"), p.get("classes", "present")
    probas = x.softmax(dim=1) if p.get("from_logits", True) else x
    pairs = zip(probas, t) if p.get("per_image", False) else [(probas, t)]
    out = []
    for prob, lab in pairs:
        if p.get("per_image", False):
            prob, lab = prob.unsqueeze(0), lab.unsqueeze(0)
        C = prob.size(1)
        prob = torch.movedim(prob, 1, -1).reshape(-1, C)
        lab = lab.reshape(-1).long()
        if ignore is not None:
            keep = lab != ignore
            prob, lab = prob[keep], lab[keep]
        out.append(_softmax_flat(prob, lab, classes))
    return _combine(out, p)


def cases(rng):
    r = lambda *s: torch.randn(*s, generator=rng)
    u = lambda *s: torch.rand(*s, generator=rng)
    idx = lambda c, *s: torch.randint(0, c, s, generator=rng)
    mask = lambda *s: idx(2, *s)
    tied = torch.tensor([[[1.0, -1.0, 1.0, 0.0], [0.0, 1.0, -1.0, 1.0]]]).repeat(2, 1, 1)
    tied_mask = torch.tensor([[[1, 0, 0, 1], [1, 1, 0, 0]]]).repeat(2, 1, 1)
    ignored = idx(3, 2, 3, 4)
    ignored[0, 0, :] = 255
    halves = torch.full((2, 4, 4), 0.25)  # ties in every class's errors
    h, s = "lovasz_hinge", "lovasz_softmax"
    return [
        Case(h, "pooled", lovasz_hinge, r(2, 1, 4, 4), mask(2, 1, 4, 4)),
        Case(h, "per_image_float64", lovasz_hinge, r(3, 1, 3, 3), mask(3, 1, 3, 3), {"per_image": True},
             input_dtype="float64"),
        Case(h, "per_image_none_grad_output", lovasz_hinge, r(3, 5), mask(3, 5), {"per_image": True, "reduction": "none"},
             grad_output=r(3)),
        Case(h, "per_image_sum", lovasz_hinge, r(2, 6), mask(2, 6), {"per_image": True, "reduction": "sum"}),
        Case(h, "ties", lovasz_hinge, tied, tied_mask),
        Case(h, "ties_per_image_float64", lovasz_hinge, tied, 1 - tied_mask, {"per_image": True}, input_dtype="float64"),
        Case(h, "ignore_index", lovasz_hinge, r(2, 3, 4), torch.where(u(2, 3, 4) < 0.3, 255, mask(2, 3, 4)),
             {"ignore_index": 255}),
        Case(h, "all_ignored_image_per_image", lovasz_hinge, r(2, 4), torch.tensor([[2, 2, 2, 2], [0, 1, 2, 1]]),
             {"ignore_index": 2, "per_image": True}),
        Case(h, "empty_foreground_saturated", lovasz_hinge, 30 * r(2, 1, 3, 3), torch.zeros(2, 1, 3, 3, dtype=torch.int64)),
        Case(h, "scalar_grad_output_uint8", lovasz_hinge, r(4, 4), mask(4, 4).to(torch.uint8), grad_output=torch.tensor(0.5)),
        Case(s, "present_pooled", lovasz_softmax, r(2, 3, 4, 4), idx(3, 2, 4, 4)),
        Case(s, "all_classes_float64", lovasz_softmax, r(2, 4, 3, 3), idx(3, 2, 3, 3), {"classes": "all"},
             input_dtype="float64"),
        Case(s, "per_image_none_grad_output", lovasz_softmax, r(3, 3, 5), idx(3, 3, 5),
             {"per_image": True, "reduction": "none"}, grad_output=r(3)),
        Case(s, "per_image_sum_all", lovasz_softmax, r(2, 3, 6), idx(2, 2, 6), {"per_image": True, "reduction": "sum",
                                                                             "classes": "all"}),
        Case(s, "ignore_index_per_image", lovasz_softmax, r(2, 3, 3, 4), ignored, {"ignore_index": 255, "per_image": True}),
        Case(s, "ties_probabilities", lovasz_softmax, halves.reshape(1, 4, 2, 4).repeat(2, 1, 1, 1),
             idx(4, 2, 2, 4), {"from_logits": False}),
        Case(s, "ties_equal_logits_float64", lovasz_softmax, torch.zeros(2, 3, 4), idx(3, 2, 4), input_dtype="float64"),
        Case(s, "all_ignored", lovasz_softmax, r(2, 3, 4), torch.full((2, 4), 7), {"ignore_index": 7}),
        Case(s, "saturated_logits", lovasz_softmax, 40 * r(2, 4, 5), idx(4, 2, 5), {"classes": "all"}),
        Case(s, "int32_target", lovasz_softmax, r(4, 3), idx(3, 4).int()),
    ]
