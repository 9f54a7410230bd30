"""Train a small segmentation model with lossd's dice loss, side by side with the tutorial's
local DiceLoss, and print both loss curves.

    swift run -c release lossd &                      # or any running lossd
    pip install ./clients/python torch
    python examples/train_segmentation.py [--url http://127.0.0.1:8080] [--steps 40]

Two copies of one model start from the same weights and see the same batches; one is trained
with ``lossd.RemoteLoss("dice")`` (lossd computes the loss and its gradient), the other with the
DiceLoss of the "custom PyTorch losses" tutorial. The curves agree to float32 rounding: lossd's
dice with its defaults *is* that DiceLoss (sigmoid, flatten, smooth=1). Runs in seconds on a CPU.
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

import lossd


class DiceLoss(nn.Module):
    """The tutorial's DiceLoss, verbatim in substance: 1 - (2·Σp·t + smooth) / (Σp + Σt + smooth)."""

    def __init__(self, weight=None, size_average=True):
        super().__init__()

    def forward(self, inputs, targets, smooth=1):
        inputs = torch.sigmoid(inputs)
        inputs = inputs.view(-1)
        targets = targets.view(-1)
        intersection = (inputs * targets).sum()
        dice = (2.0 * intersection + smooth) / (inputs.sum() + targets.sum() + smooth)
        return 1 - dice


def make_batch(generator: torch.Generator, batch: int = 8, size: int = 32):
    """Noisy grey images with one bright disc each; the target is the disc's mask."""
    ys, xs = torch.meshgrid(torch.arange(size, dtype=torch.float32),
                            torch.arange(size, dtype=torch.float32), indexing="ij")
    centre = torch.rand(batch, 2, generator=generator) * (size - 12) + 6
    radius = torch.rand(batch, generator=generator) * 5 + 3
    dist = ((ys - centre[:, 0, None, None]) ** 2 + (xs - centre[:, 1, None, None]) ** 2).sqrt()
    mask = (dist < radius[:, None, None]).float().unsqueeze(1)
    images = mask * 0.8 + torch.randn(batch, 1, size, size, generator=generator) * 0.35
    return images, mask


def make_model() -> nn.Module:
    """A tiny fully convolutional net: 1 channel in, one logit per pixel out."""
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(),
        nn.Conv2d(8, 8, 3, padding=2, dilation=2), nn.ReLU(),
        nn.Conv2d(8, 1, 1),
    )


def train(url: str, steps: int, seed: int = 0):
    """Trains both copies; returns the two loss curves."""
    torch.manual_seed(seed)
    local_model = make_model()
    remote_model = copy.deepcopy(local_model)
    local_loss, remote_loss = DiceLoss(), lossd.RemoteLoss("dice", url=url)
    local_opt = torch.optim.SGD(local_model.parameters(), lr=0.5, momentum=0.9)
    remote_opt = torch.optim.SGD(remote_model.parameters(), lr=0.5, momentum=0.9)
    generator = torch.Generator().manual_seed(seed)
    curves = ([], [])
    for step in range(steps):
        images, masks = make_batch(generator)
        for model, criterion, optimizer, curve in ((local_model, local_loss, local_opt, curves[0]),
                                                   (remote_model, remote_loss, remote_opt, curves[1])):
            optimizer.zero_grad()
            loss = criterion(model(images), masks)
            loss.backward()
            optimizer.step()
            curve.append(loss.item())
    with torch.no_grad():                       # evaluation: one request, no graph
        images, masks = make_batch(generator)
        evaluation = (local_loss(local_model(images), masks).item(),
                      remote_loss(remote_model(images), masks).item())
    return curves, evaluation


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("LOSSD_URL", "http://127.0.0.1:8080"))
    parser.add_argument("--steps", type=int, default=40)
    args = parser.parse_args()
    started = time.perf_counter()
    try:
        (local, remote), (eval_local, eval_remote) = train(args.url, args.steps)
    except lossd.LossError as error:
        print(f"lossd at {args.url}: {error}", file=sys.stderr)
        return 1
    print(f"{'step':>4}  {'local DiceLoss':>14}  {'RemoteLoss(dice)':>16}  {'difference':>10}")
    for step, (a, b) in enumerate(zip(local, remote)):
        print(f"{step:4d}  {a:14.7f}  {b:16.7f}  {abs(a - b):10.2e}")
    worst = max(abs(a - b) for a, b in zip(local, remote))
    print(f"held-out batch: local {eval_local:.7f}, remote {eval_remote:.7f}")
    print(f"largest difference {worst:.2e} over {len(local)} steps, {time.perf_counter() - started:.1f} s")
    return 0 if worst < 1e-5 else 2


if __name__ == "__main__":
    sys.exit(main())
