"""Retries on 503, bearer tokens and TLS: through a fake front server (deterministic) and, where
this lossd supports it, against lossd itself."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import requests

import lossd
from conftest import start_lossd

X = np.array([1.0, -2.0], np.float32)
T = np.zeros(2, np.float32)


def test_503_is_retried_after_retry_after(fake_front) -> None:
    front = fake_front(fail=2, retry_after="1")
    with lossd.Client(front.url, retries=3) as client:
        loss, grad = client.compute("mse", X, T)
    assert float(loss) == pytest.approx(2.5)
    np.testing.assert_array_equal(grad, X)
    assert len(front.seen) == 3
    gaps = np.diff(front.times)
    assert all(gap >= 0.95 for gap in gaps), gaps  # waited Retry-After: 1 each time


def test_retries_are_bounded_and_the_last_503_is_raised(fake_front) -> None:
    front = fake_front(fail=10, retry_after="0")
    with lossd.Client(front.url, retries=2) as client:
        with pytest.raises(lossd.LossError) as caught:
            client.compute("mse", X, T)
    assert (caught.value.status, caught.value.code) == (503, "overloaded")
    assert len(front.seen) == 3  # the first try and two retries


def test_retry_after_is_capped_and_a_missing_one_backs_off(fake_front) -> None:
    front = fake_front(fail=1, retry_after="3600")
    with lossd.Client(front.url, retries=1, max_retry_wait=0.2) as client:
        started = time.monotonic()
        client.compute("mse", X, T)
    assert time.monotonic() - started < 5
    front = fake_front(fail=2, retry_after=None)
    with lossd.Client(front.url, retries=2) as client:
        client.compute("mse", X, T)
    assert len(front.seen) == 3


def test_no_retries_means_the_503_is_raised_at_once(fake_front) -> None:
    front = fake_front(fail=1)
    with lossd.Client(front.url, retries=0) as client:
        with pytest.raises(lossd.LossError) as caught:
            client.catalog()
    assert caught.value.status == 503 and len(front.seen) == 1


def test_lossd_overloaded_under_concurrent_load_still_answers_every_request() -> None:
    server = start_lossd("--workers", "1", "--queue-depth", "1")
    try:
        rng = np.random.default_rng(1)
        x = rng.normal(size=(1 << 16,)).astype(np.float32)
        t = (rng.random(1 << 16) > 0.5).astype(np.uint8)
        want = lossd.Client(server.url).compute("dice", x, t)
        results, errors = [], []

        def worker() -> None:
            with lossd.Client(server.url, retries=2000, max_retry_wait=0.02) as client:
                try:
                    for _ in range(4):
                        results.append(client.compute("dice", x, t))
                except lossd.LossError as error:  # pragma: no cover - shown on failure
                    errors.append(error)

        threads = [threading.Thread(target=worker) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == [] and len(results) == 24
        assert all(r.loss == want.loss for r in results)  # deterministic under load
        metrics = requests.get(server.url + "/metrics").text
        rejected = sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
                       if line.startswith("lossd_requests_rejected_total"))
        print(f"lossd rejected {rejected:.0f} requests with 503; the client retried them all")
    finally:
        server.stop()


def test_the_token_is_sent_as_a_bearer_header_and_the_admin_token_for_definitions(fake_front) -> None:
    front = fake_front()
    with lossd.Client(front.url, token="s3cret", admin_token="adm1n") as client:
        client.compute("mse", X, T)
        client.catalog()
        try:
            client.define("pyclient_token_check", "mean(abs(input - target))")
        except lossd.LossError:
            pass  # this lossd may not have named losses; the header is what is checked
        try:
            client.delete("pyclient_token_check")
        except lossd.LossError:
            pass
    tokens = [seen["headers"].get("Authorization") for seen in front.seen]
    assert tokens == ["Bearer s3cret", "Bearer s3cret", "Bearer adm1n", "Bearer adm1n"]
    with lossd.Client(front.url) as client:
        client.catalog()
    assert "Authorization" not in front.seen[-1]["headers"]


def test_the_wire_is_safetensors_without_compressed_bodies(fake_front) -> None:
    front = fake_front()
    with lossd.Client(front.url) as client:
        client.compute("mse", X, T, reduction="sum")
    headers = front.seen[0]["headers"]
    assert headers["Content-Type"] == "application/vnd.safetensors"
    assert headers["Accept"] == "application/vnd.safetensors"
    assert "Content-Encoding" not in headers


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory) -> tuple:
    if shutil.which("openssl") is None:
        pytest.skip("no openssl command to make a test certificate")
    directory = tmp_path_factory.mktemp("tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return str(cert), str(key)


def test_tls_ca_verifies_an_https_server_and_an_unknown_ca_is_refused(fake_front, self_signed) -> None:
    cert, key = self_signed
    front = fake_front(tls=(cert, key))
    with lossd.Client(front.url, tls_ca=cert) as client:
        loss, _ = client.compute("mse", X, T)
    assert float(loss) == pytest.approx(2.5)
    with lossd.Client(front.url, retries=0) as client:  # system CAs do not know this certificate
        with pytest.raises(lossd.LossError) as caught:
            client.catalog()
    assert caught.value.status == 0 and caught.value.code == "tls_error"


def lossd_with_flags(*flags: str):
    """A lossd started with ``flags``, or a skip when this lossd does not know them."""
    try:
        return start_lossd(*flags)
    except RuntimeError as error:
        if "exited" in str(error):
            pytest.skip(f"this lossd does not take {flags[0]} yet (issue 13): {str(error)[-160:]}")
        raise


def test_lossd_with_auth_tokens_accepts_the_client_token(tmp_path: Path) -> None:
    token_file = tmp_path / "tokens"
    token_file.write_text("pyclient-token\n")
    server = lossd_with_flags("--auth-token-file", str(token_file))
    try:
        with lossd.Client(server.url, token="pyclient-token") as client:
            loss, _ = client.compute("mse", X, T)
        assert float(loss) == pytest.approx(2.5)
        with lossd.Client(server.url, token="wrong") as client:
            with pytest.raises(lossd.LossError) as caught:
                client.compute("mse", X, T)
        assert caught.value.status == 401
    finally:
        server.stop()


def test_lossd_over_tls_with_tls_ca(self_signed) -> None:
    cert, key = self_signed
    server = lossd_with_flags("--tls-cert", cert, "--tls-key", key)
    try:
        url = server.url.replace("http://", "https://")
        with lossd.Client(url, tls_ca=cert) as client:
            loss, _ = client.compute("mse", X, T)
        assert float(loss) == pytest.approx(2.5)
    finally:
        server.stop()
