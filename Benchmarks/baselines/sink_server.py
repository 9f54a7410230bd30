#!/usr/bin/env python3
"""The client floor: a server that does nothing but move bytes, to time a client alone.

It reads each request's whole body and answers every POST with one canned response (status
200, its body and headers as last set), so a client posting the same request body it posts to
lossd, and getting back lossd's exact answer bytes, measures what the client itself costs to
move those bytes over loopback: the floor under any service.

    PUT /canned   body = the response body to answer with; header X-Canned-Headers = JSON
                  object of extra response headers (e.g. {"Content-Type": "...",
                  "Inference-Header-Content-Length": "123"})
    GET /healthz  200
    POST <any>    the canned response

HTTP/1.1 keep-alive, Content-Length bodies (answers 100 Continue to `Expect: 100-continue`),
one thread per connection, socket reads straight into a reused buffer. A benchmark tool, not
a web server: no chunked bodies, no error model.

    python Benchmarks/baselines/sink_server.py --port 0
"""
import argparse
import json
import socket
import socketserver
import sys

canned = {"body": b"", "head": b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"}


def make_head(body: bytes, headers: dict) -> bytes:
    lines = ["HTTP/1.1 200 OK", f"Content-Length: {len(body)}"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pending = b""
        body = bytearray(1 << 16)
        while True:
            while (end := pending.find(b"\r\n\r\n")) < 0:
                chunk = sock.recv(1 << 16)
                if not chunk:
                    return
                pending += chunk
            head, pending = pending[:end].decode("latin-1"), pending[end + 4:]
            request_line, *header_lines = head.split("\r\n")
            method, path = request_line.split(" ")[:2]
            headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)}
            length = int(headers.get("content-length", "0"))
            if headers.get("expect", "").lower() == "100-continue":
                sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            if len(body) < length:
                body = bytearray(length)
            view = memoryview(body)
            got = min(len(pending), length)
            view[:got] = pending[:got]
            pending = pending[got:]
            while got < length:
                n = sock.recv_into(view[got:length])
                if n == 0:
                    return
                got += n
            if method == "PUT" and path == "/canned":
                data = bytes(view[:length])
                extra = json.loads(headers.get("x-canned-headers", "{}"))
                canned["head"], canned["body"] = make_head(data, extra), data
                sock.sendall(make_head(b"", {}))
            elif method == "GET":
                sock.sendall(make_head(b"ok", {"Content-Type": "text/plain"}) + b"ok")
            else:
                head_bytes, data = canned["head"], canned["body"]
                sock.sendall(head_bytes)
                sock.sendall(data)


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    parser = argparse.ArgumentParser(description="client-floor sink server")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    with Server(("127.0.0.1", args.port), Handler) as server:
        print(f"sink on 127.0.0.1:{server.server_address[1]}", file=sys.stderr, flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
