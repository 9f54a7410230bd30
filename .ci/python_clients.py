#!/usr/bin/env python3
"""Drives a running lossd through unmodified Python clients (issue 5).

* tritonclient.http.InferenceServerClient (KServe v2): liveness, readiness, server and model
  metadata, and inference of every loss in GET /v1/losses with binary and JSON inputs, binary
  and JSON outputs, and gzip / deflate request compression.
* safetensors.numpy + urllib: POST /v1/losses/{name} with application/vnd.safetensors.
* plain JSON over urllib: the same case through /v1 in JSON.

Inputs are the PyTorch golden cases in Tests/Fixtures/golden/<loss>.json; results must agree
with PyTorch within 2e-5 relative (float32 input) or 1e-9 (float64), and the KServe,
safetensors and JSON answers for one case must agree bit for bit.

Usage: python_clients.py PORT
"""
import json
import pathlib
import sys
import urllib.error
import urllib.request

import numpy as np
import tritonclient.http as httpclient
from safetensors.numpy import load, save
from tritonclient.utils import InferenceServerException

import synthetic_cases

ROOT = pathlib.Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "Tests" / "Fixtures" / "golden"
NUMPY = {"float32": np.float32, "float64": np.float64, "float16": np.float16, "int64": np.int64,
         "int32": np.int32, "uint8": np.uint8, "bool": np.bool_}
TRITON = {"float32": "FP32", "float64": "FP64", "float16": "FP16", "int64": "INT64", "int32": "INT32",
          "uint8": "UINT8", "bool": "BOOL"}
TENSORS = ["input", "target", "weight", "var", "grad_output"]
# (binary inputs, binary outputs, request compression, response compression)
VARIANTS = [(True, True, None, None), (False, False, None, None), (True, False, "gzip", None),
            (False, True, "deflate", "gzip"), (True, True, "deflate", "deflate")]


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def number(value):
    return {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}.get(value, value) \
        if isinstance(value, str) else value


def array(spec):
    data = [number(v) for v in spec["data"]]
    return np.array(data, dtype=NUMPY[spec["dtype"]]).reshape(spec["shape"])


def agrees(actual, expected, relative):
    """The tolerance rule of Tests/LossCoreTests/GoldenCase.swift."""
    actual = np.asarray(actual, dtype=np.float64).ravel()
    expected = np.asarray(expected, dtype=np.float64).ravel()
    if actual.shape != expected.shape:
        return False
    finite = expected[np.isfinite(expected)]
    scale = float(np.max(np.abs(finite))) if finite.size else 0.0
    for a, b in zip(actual, expected):
        if np.isnan(b):
            if not np.isnan(a):
                return False
        elif np.isinf(b):
            if a != b:
                return False
        elif abs(a - b) > relative * abs(b) + relative * 0.05 * scale + 1e-300:
            return False
    return True


def identical(a, b):
    """Bit for bit, except that any NaN equals any NaN (JSON cannot carry NaN payloads)."""
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)


def via_kserve(client, loss, tensors, params, binary_in, binary_out, request_compression, response_compression):
    inputs = []
    for name, value in tensors.items():
        tensor = httpclient.InferInput(name, list(value.shape), TRITON[str(value.dtype)])
        tensor.set_data_from_numpy(value, binary_data=binary_in)
        inputs.append(tensor)
    outputs = [httpclient.InferRequestedOutput(name, binary_data=binary_out) for name in ("loss", "grad")]
    result = client.infer(loss, inputs, outputs=outputs, parameters=params or None,
                          request_compression_algorithm=request_compression,
                          response_compression_algorithm=response_compression)
    return result.as_numpy("loss"), result.as_numpy("grad")


def post(port, path, body, content_type, accept):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method="POST",
                                     headers={"Content-Type": content_type, "Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        fail(f"{path}: HTTP {error.code}: {error.read()[:300]!r}")


def via_safetensors(port, loss, tensors, params):
    body = save(tensors, metadata={key: json.dumps(value) for key, value in params.items()})
    answer = load(post(port, f"/v1/losses/{loss}", body, "application/vnd.safetensors", "application/vnd.safetensors"))
    return answer["loss"], answer["grad"]


def via_json(port, loss, case, dtype):
    body = {name: case[name] for name in TENSORS if name in case}
    body["params"] = case.get("params", {})
    answer = json.loads(post(port, f"/v1/losses/{loss}", json.dumps(body).encode(), "application/json", "application/json"))
    loss_value = answer["loss"]
    loss_array = np.array([number(v) for v in loss_value["data"]], dtype=dtype).reshape(loss_value["shape"]) \
        if isinstance(loss_value, dict) else np.array(number(loss_value), dtype=dtype)
    grad = answer["grad"]
    return loss_array, np.array([number(v) for v in grad["data"]], dtype=dtype).reshape(grad["shape"])


def check_case(client, port, loss, case, golden):
    label = f"{loss}/{case.get('name', 'synthetic')}"
    tensors = {name: array(case[name]) for name in TENSORS if name in case}
    params = case.get("params", {})
    dtype = tensors["input"].dtype
    reference = via_safetensors(port, loss, tensors, params)
    # (how, whether the bytes must match exactly, answer); JSON text cannot carry NaN payloads.
    answers = [("JSON /v1", False, via_json(port, loss, case, dtype))]
    for variant in VARIANTS:
        answers.append((f"tritonclient{variant}", variant[1], via_kserve(client, loss, tensors, params, *variant)))
    for how, exact, (loss_value, grad) in answers:
        same = (loss_value.tobytes() == reference[0].tobytes() and grad.tobytes() == reference[1].tobytes()
                and loss_value.shape == reference[0].shape and grad.shape == reference[1].shape) if exact \
            else identical(loss_value, reference[0]) and identical(grad, reference[1])
        if not same:
            fail(f"{label}: {how} disagrees with safetensors: loss {loss_value.ravel()[:4]} vs {reference[0].ravel()[:4]}")
    if golden:
        tolerance = 1e-9 if dtype == np.float64 else 2e-5
        if list(reference[0].shape) != case["expected_loss"]["shape"] or not agrees(reference[0], array(case["expected_loss"]), tolerance):
            fail(f"{label}: loss {reference[0].ravel()[:4]} vs PyTorch {array(case['expected_loss']).ravel()[:4]}")
        if list(reference[1].shape) != case["expected_grad"]["shape"] or not agrees(reference[1], array(case["expected_grad"]), tolerance):
            fail(f"{label}: grad differs from PyTorch beyond {tolerance}")
    elif not np.all(np.isfinite(reference[1].astype(np.float64))):
        fail(f"{label}: non-finite gradient on a synthetic case")


def check_metadata(client, catalog):
    if not client.is_server_live() or not client.is_server_ready():
        fail("server not live/ready")
    if "binary_tensor_data" not in client.get_server_metadata().get("extensions", []):
        fail("server metadata lacks binary_tensor_data")
    for entry in catalog:
        for version in ("", "1"):
            metadata = client.get_model_metadata(entry["name"], model_version=version)
            names = [tensor["name"] for tensor in metadata["inputs"]]
            if metadata["name"] != entry["name"] or names[:2] != ["input", "target"] \
                    or [o["name"] for o in metadata["outputs"]] != ["loss", "grad"]:
                fail(f"model metadata of {entry['name']}: {metadata}")
        if not client.is_model_ready(entry["name"]):
            fail(f"{entry['name']} not ready")
    try:
        client.get_model_metadata("dcie")
        fail("unknown model answered")
    except InferenceServerException as error:
        if error.status() != "404" or "dice" not in error.message():
            fail(f"unknown model: {error.status()} {error.message()}")


def main():
    port = int(sys.argv[1])
    client = httpclient.InferenceServerClient(url=f"127.0.0.1:{port}")
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/losses", timeout=10) as response:
        catalog = json.load(response)["losses"]
    check_metadata(client, catalog)
    counted = 0
    for entry in catalog:
        path = GOLDEN / f"{entry['name']}.json"
        cases = json.loads(path.read_text()) if path.exists() else []
        for case in cases:
            check_case(client, port, entry["name"], case, golden=True)
        # A case built from the catalog entry alone, so a loss without fixtures is still driven.
        check_case(client, port, entry["name"], synthetic_cases.build(entry), golden=False)
        counted += len(cases) + 1
    print(f"ok ({len(catalog)} losses, {counted} cases, each via safetensors, JSON and "
          f"{len(VARIANTS)} tritonclient variants)")


if __name__ == "__main__":
    main()
