"""lossd.RemoteLoss and torch tensors through lossd.Client (skipped without PyTorch).

Run them with an interpreter that has torch, e.g.
``python -m pip install ./clients/python pytest torch && python -m pytest clients/python/tests``.
"""

from __future__ import annotations

import importlib.util
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

import lossd  # noqa: E402
from conftest import REPO, requires_route  # noqa: E402

pytestmark = pytest.mark.torch


def load_example():
    path = REPO / "examples" / "train_segmentation.py"
    spec = importlib.util.spec_from_file_location("train_segmentation", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tutorial_dice(inputs, targets, smooth=1.0):
    p = torch.sigmoid(inputs).view(-1)
    t = targets.view(-1)
    return 1 - (2 * (p * t).sum() + smooth) / (p.sum() + t.sum() + smooth)


@pytest.fixture
def generator():
    return torch.Generator().manual_seed(11)


def test_client_compute_takes_and_returns_torch_tensors(client: lossd.Client, generator) -> None:
    x = torch.randn(2, 1, 4, 4, generator=generator)
    t = (torch.rand(2, 1, 4, 4, generator=generator) > 0.5).to(torch.uint8)
    loss, grad = client.compute("dice", x, t)
    assert isinstance(loss, torch.Tensor) and loss.shape == () and loss.dtype == torch.float32
    assert isinstance(grad, torch.Tensor) and grad.shape == x.shape
    xr = x.clone().requires_grad_()
    want = tutorial_dice(xr, t.float())
    want.backward()
    assert loss.item() == pytest.approx(want.item(), abs=1e-6)
    torch.testing.assert_close(grad, xr.grad, atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("name, params, local", [
    ("dice", {}, lambda x, t: tutorial_dice(x, t)),
    ("bce_with_logits", {"pos_weight": 2.0},
     lambda x, t: F.binary_cross_entropy_with_logits(x, t, pos_weight=torch.tensor(2.0, dtype=x.dtype))),
    ("mse", {"reduction": "sum"}, lambda x, t: F.mse_loss(x, t, reduction="sum")),
    ("smooth_l1", {"beta": 0.5}, lambda x, t: F.smooth_l1_loss(x, t, beta=0.5)),
])
def test_remote_loss_forward_and_backward_equal_torch_autograd(server_url, generator, name, params, local) -> None:
    criterion = lossd.RemoteLoss(name, url=server_url, **params)
    x = torch.randn(3, 1, 5, 5, generator=generator, dtype=torch.float64)
    t = (torch.rand(3, 1, 5, 5, generator=generator) > 0.5).double()
    xr, xl = x.clone().requires_grad_(), x.clone().requires_grad_()
    remote = criterion(xr, t)
    (remote * 3.0).backward()  # the incoming scalar gradient scales lossd's gradient
    want = local(xl, t)
    (want * 3.0).backward()
    assert remote.dtype == torch.float64 and remote.shape == ()
    torch.testing.assert_close(remote, want.detach(), rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(xr.grad, xl.grad, rtol=1e-10, atol=1e-12)


def test_cross_entropy_with_class_indices(server_url, generator) -> None:
    x = torch.randn(6, 4, generator=generator, requires_grad=True)
    t = torch.randint(0, 4, (6,), generator=generator)
    weight = torch.tensor([1.0, 2.0, 0.5, 1.0])
    remote = lossd.RemoteLoss("cross_entropy", url=server_url, label_smoothing=0.1)(x, t, weight)
    remote.backward()
    grad, x.grad = x.grad, None
    want = F.cross_entropy(x, t, weight=weight, label_smoothing=0.1)
    want.backward()
    torch.testing.assert_close(remote, want.detach(), rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(grad, x.grad, rtol=1e-5, atol=1e-7)


def test_training_with_remote_loss_follows_the_local_loss_step_for_step(server_url) -> None:
    example = load_example()
    (local, remote), (eval_local, eval_remote) = example.train(server_url, steps=25)
    assert len(local) == len(remote) == 25
    assert local[-1] < 0.5 * local[0]  # it learned something
    for step, (a, b) in enumerate(zip(local, remote)):
        assert abs(a - b) < 1e-5, f"step {step}: local {a} vs remote {b}"
    assert abs(eval_local - eval_remote) < 1e-5


def test_reduction_none_with_a_non_uniform_upstream_gradient(server_url, generator) -> None:
    x = torch.randn(4, 6, generator=generator, dtype=torch.float64)
    t = (torch.rand(4, 6, generator=generator) > 0.5).double()
    w = torch.rand(4, 6, generator=generator, dtype=torch.float64) * 2 - 0.5
    xr, xl = x.clone().requires_grad_(), x.clone().requires_grad_()
    remote = lossd.RemoteLoss("bce_with_logits", url=server_url, reduction="none")(xr, t)
    (remote * w).sum().backward()
    want = F.binary_cross_entropy_with_logits(xl, t, reduction="none")
    (want * w).sum().backward()
    assert remote.shape == x.shape
    torch.testing.assert_close(remote, want.detach())
    torch.testing.assert_close(xr.grad, xl.grad, rtol=1e-12, atol=1e-12)


def test_reduction_none_of_a_loss_that_is_not_elementwise(server_url, generator) -> None:
    # per-image dice: each image's loss depends on all its pixels, so only lossd can apply
    # the upstream gradient exactly (sent back as grad_output)
    x = torch.randn(3, 1, 4, 4, generator=generator, dtype=torch.float64)
    t = (torch.rand(3, 1, 4, 4, generator=generator) > 0.5).double()
    w = torch.tensor([0.3, -1.0, 2.0], dtype=torch.float64)
    xr, xl = x.clone().requires_grad_(), x.clone().requires_grad_()
    remote = lossd.RemoteLoss("dice", url=server_url, per_image=True, reduction="none")(xr, t)
    (remote * w).sum().backward()
    want = torch.stack([tutorial_dice(xl[i], t[i]) for i in range(3)])
    (want * w).sum().backward()
    torch.testing.assert_close(remote, want.detach())
    torch.testing.assert_close(xr.grad, xl.grad, rtol=1e-10, atol=1e-12)
    # a uniform upstream gradient (mean) scales the gradient lossd already sent
    xr.grad = None
    xl.grad = None
    lossd.RemoteLoss("dice", url=server_url, per_image=True, reduction="none")(xr, t).mean().backward()
    torch.stack([tutorial_dice(xl[i], t[i]) for i in range(3)]).mean().backward()
    torch.testing.assert_close(xr.grad, xl.grad, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.bfloat16])
def test_dtype_is_preserved(server_url, generator, dtype) -> None:
    x = torch.randn(8, generator=generator).to(dtype).requires_grad_()
    t = torch.zeros(8, dtype=dtype)
    loss = lossd.RemoteLoss("mse", url=server_url)(x, t)
    loss.backward()
    assert loss.dtype == dtype and x.grad.dtype == dtype
    torch.testing.assert_close(x.grad.float(), (2 * x.detach().float() / 8), rtol=1e-2, atol=1e-3)


def test_under_no_grad_it_evaluates_without_a_graph(server_url, generator) -> None:
    criterion = lossd.RemoteLoss("dice", url=server_url)
    x = torch.randn(2, 1, 3, 3, generator=generator, requires_grad=True)
    t = torch.ones(2, 1, 3, 3)
    with torch.no_grad():
        loss = criterion(x, t)
    assert loss.grad_fn is None and not loss.requires_grad
    assert loss.item() == pytest.approx(tutorial_dice(x.detach(), t).item(), abs=1e-6)
    assert criterion(x.detach(), t).grad_fn is None  # nothing requires grad: no graph either


def test_the_gradient_comes_back_on_the_input_device(server_url, generator) -> None:
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device here")
    x = torch.randn(2, 4, generator=generator).cuda().requires_grad_()
    loss = lossd.RemoteLoss("mse", url=server_url)(x, torch.zeros(2, 4, device="cuda"))
    loss.backward()
    assert loss.device == x.device and x.grad.device == x.device


def test_a_tensor_lossd_does_not_differentiate_is_a_constant_with_a_warning(server_url, generator) -> None:
    x = torch.randn(5, generator=generator, requires_grad=True)
    var = torch.full((5,), 2.0, requires_grad=True)
    loss = lossd.RemoteLoss("gaussian_nll", url=server_url)(x, torch.zeros(5), var=var)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loss.backward()
    assert var.grad is None and x.grad is not None
    assert any("'var'" in str(w.message) for w in caught)
    torch.testing.assert_close(x.grad, x.detach() / 2 / 5)


def test_errors_surface_as_loss_error_from_forward(server_url) -> None:
    criterion = lossd.RemoteLoss("dice", url=server_url, smooth=-1)
    with pytest.raises(lossd.LossError) as caught:
        criterion(torch.zeros(4, requires_grad=True), torch.zeros(4))
    assert caught.value.field == "smooth"
    with pytest.raises(ValueError):
        lossd.RemoteLoss()
    assert "dice" in repr(lossd.RemoteLoss("dice", url=server_url, smooth=0.5))


def test_an_expression_remote_loss(server_url, generator) -> None:
    criterion = lossd.RemoteLoss(expression="mean((input - target)^2) * k", url=server_url, k=3)
    x = torch.randn(2, 3, generator=generator, dtype=torch.float64, requires_grad=True)
    t = torch.zeros(2, 3, dtype=torch.float64)
    loss = requires_route(lambda: criterion(x, t), "POST /v1/losses/expression (issue 12)")
    loss.backward()
    torch.testing.assert_close(loss, 3 * (x.detach() ** 2).mean())
    torch.testing.assert_close(x.grad, 3 * 2 * x.detach() / 6)


def test_a_loss_of_several_inputs_gives_each_its_gradient(server_url, catalog, generator) -> None:
    if "margin_ranking" not in {e["name"] for e in catalog}:
        pytest.skip("this lossd has no losses of several inputs yet (issue 14: margin_ranking, ...)")
    x1 = torch.randn(6, generator=generator, requires_grad=True)
    x2 = torch.randn(6, generator=generator, requires_grad=True)
    y = torch.sign(torch.randn(6, generator=generator))
    lossd.RemoteLoss("margin_ranking", url=server_url, margin=0.2)(x1, x2, y).backward()
    g1, g2 = x1.grad, x2.grad
    x1.grad = x2.grad = None
    F.margin_ranking_loss(x1, x2, y, margin=0.2).backward()
    torch.testing.assert_close(g1, x1.grad)
    torch.testing.assert_close(g2, x2.grad)
