"""Peak RSS of lossd serving one request: a fresh lossd process per cell, VmHWM from /proc.

The high-water mark cannot be reset, so each (loss, size, format) gets its own lossd, started
with the flags run.sh uses, sent one request over http.client (no Accept-Encoding), then stopped.
Reported: the idle RSS after start (VmRSS), the peak (VmHWM) after the answer has been read, the
request body ("payload"), and peak / payload.
"""
import os
import re
import signal
import subprocess
import tempfile
import time

from clients import HTTPClient


def status_kb(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} missing for pid {pid}")


class FreshLossd:
    """A lossd on a kernel-chosen port of 127.0.0.1, stopped (SIGTERM, then SIGKILL) on exit."""

    def __init__(self, binary: str, extra: list[str]):
        self.log = tempfile.NamedTemporaryFile("w+", suffix=".log")
        self.process = subprocess.Popen([binary, "--host", "127.0.0.1", "--port", "0", *extra],
                                        stdout=subprocess.DEVNULL, stderr=self.log)
        self.port = None
        for _ in range(300):
            self.log.seek(0)
            if match := re.search(r"address=127\.0\.0\.1:(\d+)", self.log.read()):
                self.port = int(match.group(1))
                break
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        if self.port is None:
            self.stop()
            raise RuntimeError("fresh lossd did not start")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.stop()


def peak_rss(binary: str, extra: list[str], path: str, body: bytes, content_type: str) -> dict:
    with FreshLossd(binary, extra) as server:
        client = HTTPClient(server.port)
        client.get("/healthz")
        idle = status_kb(server.process.pid, "VmRSS")
        client.post(path, body, content_type)
        peak = status_kb(server.process.pid, "VmHWM")
        client.connection.close()
    return {"idle": idle * 1024, "peak": peak * 1024, "payload": len(body)}
