#!/usr/bin/env python3
"""A minimal Python loss service: the baseline lossd is compared against.

It is what a team would write in an afternoon instead of lossd: the standard library's
ThreadingHTTPServer, `json`, and PyTorch autograd. It accepts the same JSON request as
lossd's `POST /v1/losses/{name}` for mse, bce_with_logits, dice and cross_entropy
(default parameters; `reduction` honoured) and answers `{"loss", "grad", "name"}`.

It is a benchmark baseline, not a product: no limits, no error model beyond 400/404.

    /tmp/torch/bin/python Benchmarks/reference_service.py --port 8081 [--threads 2]
"""
import argparse
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import torch
import torch.nn.functional as F

DTYPES = {"float32": torch.float32, "float64": torch.float64, "int64": torch.int64,
          "int32": torch.int32, "uint8": torch.uint8, "bool": torch.bool}
DTYPE_NAMES = {v: k for k, v in DTYPES.items()}


def decode_tensor(value, default_dtype="float32"):
    """A wire tensor ({shape, dtype, data} or nested lists) as a torch tensor."""
    if isinstance(value, dict):
        dtype = DTYPES[value.get("dtype", default_dtype)]
        return torch.tensor(value["data"], dtype=dtype).reshape(value["shape"])
    return torch.tensor(value, dtype=DTYPES[default_dtype])


def dice(x, t, reduction):
    """Binary Dice on logits, pooled over the batch, smooth 1 (lossd's `dice` defaults)."""
    p = x.sigmoid().reshape(-1)
    t = t.to(p.dtype).reshape(-1)
    return 1 - (2 * (p * t).sum() + 1) / (p.sum() + t.sum() + 1)


LOSSES = {
    "mse": lambda x, t, r: F.mse_loss(x, t.to(x.dtype), reduction=r),
    "bce_with_logits": lambda x, t, r: F.binary_cross_entropy_with_logits(x, t.to(x.dtype), reduction=r),
    "dice": dice,
    "cross_entropy": lambda x, t, r: F.cross_entropy(x, t.long() if not t.is_floating_point() else t, reduction=r),
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as lossd
    disable_nagle_algorithm = True  # otherwise small responses wait on delayed ACKs

    def log_message(self, *args):  # quiet: per-request logging would be measured too
        pass

    def reply(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/healthz":
            self.reply(200, {"status": "ok"})
        else:
            self.reply(404, {"error": "no route", "code": "not_found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        prefix = "/v1/losses/"
        name = self.path[len(prefix):] if self.path.startswith(prefix) else None
        if name not in LOSSES:
            self.reply(404, {"error": f"unknown loss {name!r}", "code": "unknown_loss"})
            return
        try:
            request = json.loads(raw)
            x = decode_tensor(request["input"]).requires_grad_(True)
            t = decode_tensor(request["target"], DTYPE_NAMES[x.dtype])
            reduction = (request.get("params") or {}).get("reduction", "mean")
            loss = LOSSES[name](x, t, reduction)
        except (KeyError, ValueError, TypeError, RuntimeError) as error:
            self.reply(400, {"error": str(error), "code": "bad_request"})
            return
        loss.backward(torch.ones_like(loss))
        loss_value = loss.item() if loss.dim() == 0 else loss.detach().reshape(-1).tolist()
        grad = {"shape": list(x.shape), "dtype": DTYPE_NAMES[x.dtype], "data": x.grad.reshape(-1).tolist()}
        self.reply(200, {"loss": loss_value, "grad": grad, "name": name})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--threads", type=int, default=None, help="torch intra-op threads (default: cores)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    print(f"reference service on {args.host}:{server.server_address[1]}, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
