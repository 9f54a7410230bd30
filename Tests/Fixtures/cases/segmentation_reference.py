"""Faithful torch re-implementations shared by the segmentation fixture modules (not a case module).

`region(score)` builds a reference for the region losses with lossd's common segmentation
parameters (SMP/MONAI semantics, see LOSSES.md "Segmentation"): probabilities and one-hot
targets viewed as (N, C, S), sums per class pooled over the batch (or per image), a loss per
group, the weighted class mean, and reduction over the loss vector ([N] per_image, [C] pooled
multiclass/multilabel with entries C*w_c/sum(w)*L_c, [1] pooled binary).
"""
import torch
import torch.nn.functional as F


def prepare(x, t, p):
    """Returns (probabilities, clean one-hot target, mask) shaped (N, C, S), and the raw logits view."""
    mode = p.get("mode", "binary")
    from_logits = p.get("from_logits", True)
    ignore = p.get("ignore_index")
    n = x.shape[0] if x.dim() >= 1 else 1
    if mode == "multiclass":
        c = x.shape[1]
        q = x.softmax(1) if from_logits else x
        labels = t.reshape(x.shape[:1] + x.shape[2:]).round().long()
        valid = labels != ignore if ignore is not None else torch.ones_like(labels, dtype=torch.bool)
        onehot = F.one_hot(torch.where(valid, labels, 0), c).movedim(-1, 1).double()
        mask = valid.unsqueeze(1).expand_as(onehot).double()
        logits = x
    else:
        c = 1 if mode == "binary" else x.shape[1]
        q = x.sigmoid() if from_logits else x
        target = t.double().reshape(x.shape)
        mask = (target != ignore).double() if ignore is not None else torch.ones_like(target)
        onehot = target * mask
        logits = x
    view = lambda a: a.reshape(n, c, -1)
    return view(q), view(onehot), view(mask), view(logits), mode


def group_sums(q, t, m, per_image, squared=False):
    dims = (2,) if per_image else (0, 2)
    pred = q * q if squared else q
    return (q * t * m).sum(dims), (pred * m).sum(dims), (t * m).sum(dims), m.sum(dims)


def smoothing(p):
    s = p.get("smooth", 1.0)
    return p.get("smooth_nr", s), p.get("smooth_dr", s)


def reduce_vector(vec, p):
    reduction = p.get("reduction", "mean")
    return {"mean": vec.mean(), "sum": vec.sum(), "none": vec}[reduction]


def class_mean(losses, mode, p):
    """losses: [N, C] per image or [C] pooled; returns the reduced loss vector."""
    c = losses.shape[-1]
    w = torch.tensor(p["class_weights"], dtype=torch.float64) if "class_weights" in p else torch.ones(c)
    shares = w / w.sum()
    if p.get("per_image", False):
        vec = (losses * shares).sum(-1)
    elif mode == "binary":
        vec = losses.reshape(1)
    else:
        vec = losses * shares * c
    return reduce_vector(vec, p)


def bce_elements(q, logits, t, p, pos=1.0, neg=1.0, explicit=False):
    """Elementwise (weighted) BCE: stable from logits, PyTorch-clamped logs from probabilities."""
    if p.get("from_logits", True):
        if pos == neg and not explicit:
            return pos * F.binary_cross_entropy_with_logits(logits, t, reduction="none")
        bce = lambda target: F.binary_cross_entropy_with_logits(logits, target, reduction="none")
        return pos * t * bce(torch.ones_like(t)) + neg * (1 - t) * bce(torch.zeros_like(t))
    if pos == neg and not explicit:
        return pos * F.binary_cross_entropy(q, t, reduction="none")
    return -(pos * t * torch.clamp(torch.log(q), min=-100) + neg * (1 - t) * torch.clamp(torch.log(1 - q), min=-100))


def region_elements(score):
    """A reference scored from the elements: score(q, t, mask, dims, params) -> per-group loss."""
    def reference(x, t, w, v, p):
        q, onehot, mask, logits, mode = prepare(x, t, p)
        dims = (2,) if p.get("per_image", False) else (0, 2)
        return class_mean(score(q, onehot, mask, dims, p), mode, p)
    return reference


def region(score, squared_key=None, term=None):
    """A reference for a loss scored per class: score(I, P, T, M, E, params) -> per-group loss."""
    def reference(x, t, w, v, p):
        q, onehot, mask, logits, mode = prepare(x, t, p)
        per_image = p.get("per_image", False)
        squared = p.get(squared_key, False) if squared_key else False
        i, pr, tr, m = group_sums(q, onehot, mask, per_image, squared)
        e = None
        if term is not None:
            dims = (2,) if per_image else (0, 2)
            e = (term(q, logits, onehot, p) * mask).sum(dims)
        return class_mean(score(i, pr, tr, m, e, p), mode, p)
    return reference


def dice_score(i, pr, tr, p):
    snr, sdr = smoothing(p)
    return (2 * i + snr) / (pr + tr + sdr)


def dice(i, pr, tr, m, e, p):
    s = dice_score(i, pr, tr, p)
    if p.get("log_loss", False):
        return -torch.log(s.clamp_min(p.get("eps", 1e-7)))
    return 1 - s


# --- The tutorial's classes, verbatim (as functions of the fixture signature) ---

def tutorial_dice(inputs, targets, w, v, p, smooth=1):
    inputs = F.sigmoid(inputs)
    inputs = inputs.view(-1)
    targets = targets.view(-1)
    intersection = (inputs * targets).sum()
    dice = (2. * intersection + smooth) / (inputs.sum() + targets.sum() + smooth)
    return 1 - dice


def tutorial_dice_bce(inputs, targets, w, v, p, smooth=1):
    inputs = F.sigmoid(inputs)
    inputs = inputs.view(-1)
    targets = targets.view(-1)
    intersection = (inputs * targets).sum()
    dice_loss = 1 - (2. * intersection + smooth) / (inputs.sum() + targets.sum() + smooth)
    BCE = F.binary_cross_entropy(inputs, targets, reduction='mean')
    return BCE + dice_loss


def tutorial_iou(inputs, targets, w, v, p, smooth=1):
    inputs = F.sigmoid(inputs)
    inputs = inputs.view(-1)
    targets = targets.view(-1)
    intersection = (inputs * targets).sum()
    total = (inputs + targets).sum()
    union = total - intersection
    IoU = (intersection + smooth) / (union + smooth)
    return 1 - IoU


def tutorial_focal(inputs, targets, w, v, p, alpha=0.8, gamma=2, smooth=1):
    inputs = F.sigmoid(inputs)
    inputs = inputs.view(-1)
    targets = targets.view(-1)
    BCE = F.binary_cross_entropy(inputs, targets, reduction='mean')
    BCE_EXP = torch.exp(-BCE)
    focal_loss = alpha * (1 - BCE_EXP) ** gamma * BCE
    return focal_loss


def cases(rng):
    """This module only holds references; the case modules import it."""
    return []
