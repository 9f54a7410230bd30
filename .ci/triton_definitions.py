"""Named custom losses through unmodified tritonclient.http: load_model with the definition as
config, metadata, infer (agrees with the built-in dice), errors, unload_model.

    python .ci/triton_definitions.py PORT
"""
import json, sys
import numpy as np
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException
url = "127.0.0.1:" + sys.argv[1]
c = httpclient.InferenceServerClient(url)
config = json.dumps({"expression": "p = sigmoid(input); 1 - (2 * sum(p * target) + smooth) / (sum(p) + sum(target) + smooth)",
                     "summary": "Dice via tritonclient", "parameters": {"smooth": {"default": 1.0, "minimum": 0}}})
c.load_model("triton_dice", config=config)
print("loaded; ready:", c.is_model_ready("triton_dice"))
index = c.get_model_repository_index()
print("index has triton_dice:", [m for m in index if m["name"] == "triton_dice"])
print("metadata inputs:", [i["name"] for i in c.get_model_metadata("triton_dice")["inputs"]])
x = np.array([[0.1, -2.0], [0.5, 1.0]], dtype=np.float32); t = np.array([[0, 1], [1, 1]], dtype=np.float32)
inputs = [httpclient.InferInput("input", list(x.shape), "FP32"), httpclient.InferInput("target", list(t.shape), "FP32")]
inputs[0].set_data_from_numpy(x, binary_data=True); inputs[1].set_data_from_numpy(t, binary_data=True)
r = c.infer("triton_dice", inputs, parameters={"smooth": 1.0})
b = c.infer("dice", inputs)
print("custom loss", r.as_numpy("loss"), "grad", r.as_numpy("grad").ravel())
print("builtin dice", b.as_numpy("loss"), "grad", b.as_numpy("grad").ravel())
assert np.allclose(r.as_numpy("loss"), b.as_numpy("loss"), atol=2e-5) and np.allclose(r.as_numpy("grad"), b.as_numpy("grad"), atol=2e-5)
for bad, what in [(json.dumps({"expression": "mean(input) +"}), "malformed"), (config, "builtin")]:
    try:
        c.load_model("dice" if what == "builtin" else "bad_one", config=bad); print("UNEXPECTED success", what); sys.exit(1)
    except InferenceServerException as e:
        print(what, "->", e.status(), e.message().splitlines()[0])
c.unload_model("triton_dice")
print("after unload ready:", c.is_model_ready("triton_dice"))
try:
    c.infer("triton_dice", inputs); print("UNEXPECTED infer after unload"); sys.exit(1)
except InferenceServerException as e:
    print("infer after unload ->", e.status(), e.message())
print("OK")
