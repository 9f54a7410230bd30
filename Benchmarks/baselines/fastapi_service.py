"""What a competent user writes instead of lossd: FastAPI + uvicorn + PyTorch autograd, ~50 lines.

JSON (lossd's request/answer), safetensors (`input`, `target` → `loss`, `grad`) and KServe v2
binary tensors (enough for tritonclient). Benchmark baseline; run by Benchmarks/run.sh:
    python Benchmarks/baselines/fastapi_service.py --port 0 [--threads 1]
"""
import argparse, json, sys
import numpy as np, torch, torch.nn.functional as F, uvicorn
from fastapi import FastAPI, Request, Response
from safetensors.torch import load as st_load, save as st_save

def dice(x, t):
    p = x.sigmoid().reshape(-1)
    return 1 - (2 * (p * t.reshape(-1)).sum() + 1) / (p.sum() + t.sum() + 1)

LOSSES = {"dice": dice, "mse": lambda x, t: F.mse_loss(x, t.to(x.dtype)),
          "bce_with_logits": lambda x, t: F.binary_cross_entropy_with_logits(x, t.to(x.dtype)),
          "cross_entropy": lambda x, t: F.cross_entropy(x, t.long())}
KSERVE = {"FP32": np.float32, "FP64": np.float64, "INT64": np.int64, "INT32": np.int32, "UINT8": np.uint8}
app = FastAPI()

def run(name, x, t):
    x = x.float().requires_grad_(True)
    loss = LOSSES[name](x, t.to(x.dtype) if name != "cross_entropy" else t)
    loss.backward()
    return loss.detach(), x.grad

@app.get("/healthz")
def healthz():
    return {"status": "ok"}

@app.post("/v1/losses/{name}")
async def losses(name: str, request: Request):
    body = await request.body()
    if request.headers.get("content-type", "").startswith("application/vnd.safetensors"):
        tensors = st_load(body)
        loss, grad = run(name, tensors["input"], tensors["target"])
        return Response(st_save({"loss": loss, "grad": grad}), media_type="application/vnd.safetensors")
    req = json.loads(body)
    x, t = (torch.tensor(req[k]["data"]).reshape(req[k]["shape"]) for k in ("input", "target"))
    loss, grad = run(name, x, t)
    return Response(json.dumps({"loss": loss.item(), "grad": {"shape": list(grad.shape), "dtype": "float32",
                    "data": grad.reshape(-1).tolist()}, "name": name}), media_type="application/json")

@app.post("/v2/models/{name}/infer")
async def infer(name: str, request: Request):
    body = await request.body()
    split = int(request.headers.get("inference-header-content-length", len(body)))
    header, offset, inputs = json.loads(body[:split]), split, {}
    for i in header["inputs"]:  # binary_data_size: raw tensor bytes follow the JSON header, in order
        size = i["parameters"]["binary_data_size"]
        inputs[i["name"]] = torch.from_numpy(np.frombuffer(body, KSERVE[i["datatype"]], size // np.dtype(KSERVE[i["datatype"]]).itemsize, offset).reshape(i["shape"]))
        offset += size
    loss, grad = run(name, inputs["input"], inputs["target"])
    out = [("loss", loss.numpy().tobytes(), []), ("grad", grad.numpy().tobytes(), list(grad.shape))]
    meta = json.dumps({"model_name": name, "outputs": [{"name": n, "datatype": "FP32", "shape": s,
                       "parameters": {"binary_data_size": len(b)}} for n, b, s in out]}).encode()
    return Response(meta + b"".join(b for _, b, _ in out), media_type="application/octet-stream",
                    headers={"Inference-Header-Content-Length": str(len(meta))})

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8082)
    parser.add_argument("--threads", type=int, default=None, help="torch intra-op threads (default: cores)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(f"fastapi service, torch {torch.__version__}, {torch.get_num_threads()} threads", file=sys.stderr, flush=True)
    uvicorn.run(app, host="127.0.0.1", port=args.port)  # one worker process, uvicorn's defaults
