"""lossd.Client against a running lossd, with numpy arrays (no torch needed)."""

from __future__ import annotations

import numpy as np
import pytest

import lossd
from conftest import requires_route


def local_dice(x: np.ndarray, t: np.ndarray, smooth: float = 1.0):
    """The tutorial's DiceLoss and its gradient in float64."""
    x = x.astype(np.float64).ravel()
    t = t.astype(np.float64).ravel()
    p = 1 / (1 + np.exp(-x))
    num, den = 2 * (p * t).sum() + smooth, p.sum() + t.sum() + smooth
    dp = -(2 * t * den - num) / den ** 2
    return 1 - num / den, dp * p * (1 - p)


def test_catalog_lists_the_tutorial_losses_and_describe_gives_one_entry(client: lossd.Client) -> None:
    names = {entry["name"] for entry in client.catalog()}
    assert {"dice", "dice_bce", "iou", "focal", "mse"} <= names
    entry = client.describe("dice_loss")  # an alias
    assert entry["name"] == "dice"
    assert [i["name"] for i in entry["inputs"]][:2] == ["input", "target"]
    assert any(p["name"] == "smooth" for p in entry["parameters"])


def test_compute_answers_the_readme_example(client: lossd.Client) -> None:
    x = np.array([[0.2, -1.5], [3.0, 0.7]], np.float32)
    t = np.array([[0, 1], [1, 1]], np.uint8)
    loss, grad = client.compute("dice", x, t)
    assert isinstance(loss, np.float32) and loss == np.float32(0.27493164)
    assert grad.dtype == np.float32 and grad.shape == (2, 2)
    np.testing.assert_allclose(grad, [[0.02824899, -0.029930882], [-0.009066104, -0.04449359]], rtol=1e-6)


def test_dice_matches_the_tutorial_formula_in_float64(client: lossd.Client) -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(4, 1, 16, 16))
    t = (rng.random((4, 1, 16, 16)) > 0.6).astype(np.float64)
    result = client.compute("dice", x, t, smooth=0.5)
    want_loss, want_grad = local_dice(x, t, smooth=0.5)
    assert result.grad.dtype == np.float64 and result.loss.dtype == np.float64
    assert result.loss == pytest.approx(want_loss, rel=1e-12)
    np.testing.assert_allclose(result.grad.ravel(), want_grad, rtol=1e-9, atol=1e-15)
    assert result.grads.keys() == {"input"} and result.name == "dice"


def test_nested_lists_are_sent_as_float32_and_int64(client: lossd.Client) -> None:
    loss, grad = client.compute("mse", [[1.0, 2.0]], [[0.0, 0.0]], reduction="sum")
    assert grad.dtype == np.float32
    assert float(loss) == 5.0
    np.testing.assert_array_equal(grad, [[2.0, 4.0]])
    loss, _ = client.compute("cross_entropy", [[0.0, 0.0, 0.0]], [1])  # int64 class index
    assert float(loss) == pytest.approx(np.log(3), rel=1e-6)


def test_reduction_none_with_grad_output(client: lossd.Client) -> None:
    x = np.array([1.0, -2.0, 3.0], np.float32)
    t = np.zeros(3, np.float32)
    upstream = np.array([1.0, 0.5, -2.0], np.float32)
    loss, grad = client.compute("mse", x, t, reduction="none", grad_output=upstream)
    np.testing.assert_array_equal(loss, x ** 2)
    np.testing.assert_array_equal(grad, 2 * x * upstream)


def test_parameters_of_every_type_travel_in_the_metadata(client: lossd.Client) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3, 4)).astype(np.float32)
    t = rng.integers(0, 3, size=(2, 4))
    # a string choice (else the class-index target is a shape mismatch), a boolean, a numpy
    # scalar, and number arrays (numpy and list) that change the answer
    plain = client.compute("dice", x, t, mode="multiclass", log_loss=False, smooth=np.float32(1.0))
    ones = client.compute("dice", x, t, mode="multiclass", class_weights=[1, 1, 1])
    skewed = client.compute("dice", x, t, mode="multiclass", class_weights=np.array([1.0, 0.0, 0.0]))
    logged = client.compute("dice", x, t, mode="multiclass", log_loss=True)
    assert float(ones.loss) == pytest.approx(float(plain.loss), rel=1e-6)
    assert float(skewed.loss) != pytest.approx(float(plain.loss), rel=1e-3)
    assert float(logged.loss) != pytest.approx(float(plain.loss), rel=1e-3)


def test_weight_and_extra_tensors(client: lossd.Client) -> None:
    x = np.array([0.5, 1.5], np.float32)
    t = np.array([0.0, 1.0], np.float32)
    loss, _ = client.compute("mse", x, t, weight=np.array([2.0, 0.0], np.float32), reduction="sum")
    assert float(loss) == pytest.approx(0.5)
    var = np.array([1.0, 4.0], np.float32)
    loss, grad = client.compute("gaussian_nll", x, t, tensors={"var": var}, reduction="sum")
    want = 0.5 * (np.log(var) + (x - t) ** 2 / var)
    assert float(loss) == pytest.approx(want.sum(), rel=1e-6)
    np.testing.assert_allclose(grad, (x - t) / var, rtol=1e-6)


def test_a_bad_target_raises_loss_error_with_status_code_and_field(client: lossd.Client) -> None:
    with pytest.raises(lossd.LossError) as caught:
        client.compute("dice", np.zeros((2, 2), np.float32), np.zeros((1, 2), np.float32))
    error = caught.value
    assert (error.status, error.code, error.field) == (422, "shape_mismatch", "target")
    assert "[2, 2]" in error.message and error.request_id
    assert "422" in str(error) and "target" in str(error)


def test_unknown_loss_and_bad_parameter(client: lossd.Client) -> None:
    with pytest.raises(lossd.LossError) as caught:
        client.compute("dcie", np.zeros(2, np.float32), np.zeros(2, np.float32))
    assert caught.value.status == 404 and caught.value.code == "unknown_loss" and "dice" in caught.value.message
    with pytest.raises(lossd.LossError) as caught:
        client.describe("nope")
    assert caught.value.status == 404
    with pytest.raises(lossd.LossError) as caught:
        client.compute("dice", np.zeros(2, np.float32), np.zeros(2, np.float32), smooth=-1)
    assert (caught.value.status, caught.value.code, caught.value.field) == (422, "invalid_parameter", "smooth")
    with pytest.raises(TypeError, match="JSON"):
        client.compute("dice", np.zeros(2, np.float32), np.zeros(2, np.float32), smooth=float("nan"))


def test_no_server_is_a_loss_error_with_status_0() -> None:
    with lossd.Client("http://127.0.0.1:9", retries=1, timeout=2) as dead:
        with pytest.raises(lossd.LossError) as caught:
            dead.catalog()
    assert caught.value.status == 0 and caught.value.code == "connection_error"
    assert not lossd.Client("http://127.0.0.1:9", retries=0).healthy()


def test_one_connection_is_kept_alive_across_calls(server_url: str) -> None:
    with lossd.Client(server_url) as c:
        c.compute("mse", [1.0], [0.0])
        for _ in range(5):
            c.compute("mse", [1.0], [0.0])
        manager = c._session.get_adapter(server_url).poolmanager
        pools = [manager.pools[key] for key in manager.pools.keys()]
        assert [(pool.num_connections, pool.num_requests) for pool in pools] == [(1, 6)]


def test_losses_of_several_inputs_answer_one_gradient_each(client: lossd.Client, catalog: list) -> None:
    multi = {e["name"]: e for e in catalog if e["name"] in ("margin_ranking", "cosine_embedding", "triplet_margin")}
    if "margin_ranking" not in multi:
        pytest.skip("this lossd has no losses of several inputs yet (issue 14: margin_ranking, ...)")
    x1 = np.array([1.0, -0.5, 0.2], np.float32)
    x2 = np.array([0.5, 0.5, 0.4], np.float32)
    y = np.array([1.0, -1.0, -1.0], np.float32)
    result = client.compute("margin_ranking", tensors={"input1": x1, "input2": x2, "target": y}, margin=0.1)
    want = np.maximum(0, -y * (x1 - x2) + 0.1)
    assert float(result.loss) == pytest.approx(want.mean(), rel=1e-6)
    active = (want > 0).astype(np.float32)
    np.testing.assert_allclose(result.grads["input1"], -y * active / 3, rtol=1e-6)
    np.testing.assert_allclose(result.grads["input2"], y * active / 3, rtol=1e-6)
    loss, grads = result
    assert isinstance(grads, dict) and set(grads) == {"input1", "input2"}


def test_an_expression_loss(client: lossd.Client) -> None:
    x = np.array([[0.5, -1.0], [2.0, 0.0]], np.float32)
    t = np.array([[1, 0], [1, 1]], np.float32)
    dice = "p = sigmoid(input); 1 - (2 * sum(p * target) + smooth) / (sum(p) + sum(target) + smooth)"
    result = requires_route(lambda: client.compute("expression", x, t, expression=dice, smooth=1),
                            "POST /v1/losses/expression (issue 12)")
    builtin = client.compute("dice", x, t)
    assert float(result.loss) == pytest.approx(float(builtin.loss), abs=1e-6)
    np.testing.assert_allclose(result.grad, builtin.grad, atol=1e-6)
    with pytest.raises(lossd.LossError) as caught:
        client.compute("expression", x, t, expression="mean((input - target)^2")
    assert caught.value.code == "invalid_expression" and "^" in caught.value.message


def test_define_compute_and_delete_a_named_loss(client: lossd.Client) -> None:
    name = "pyclient_scaled_l1"
    requires_route(lambda: client.define(name, "k * mean(abs(input - target))",
                                         {"k": {"default": 2.0, "minimum": 0}}, summary="test loss"),
                   "PUT /v1/losses/{name} (named custom losses, issue 12)")
    try:
        assert client.describe(name)["name"] == name
        loss, grad = client.compute(name, np.array([1.0, -1.0], np.float32), np.zeros(2, np.float32))
        assert float(loss) == pytest.approx(2.0)
        loss, _ = client.compute(name, np.array([1.0, -1.0], np.float32), np.zeros(2, np.float32), k=3)
        assert float(loss) == pytest.approx(3.0)
    finally:
        client.delete(name)
    with pytest.raises(lossd.LossError) as caught:
        client.describe(name)
    assert caught.value.status == 404
