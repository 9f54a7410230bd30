"""50 concurrent clients, each sending 20 requests on one keep-alive connection (http.client),
checking every answer against a loss computed here in plain Python."""
import http.client
import json
import math
import random
import sys
import threading

PORT = int(sys.argv[1])
CLIENTS, REQUESTS = 50, 20
errors = []


def expected_mse(x, t):
    n = len(x)
    loss = sum((a - b) ** 2 for a, b in zip(x, t)) / n
    grad = [2 * (a - b) / n for a, b in zip(x, t)]
    return loss, grad


def client(seed):
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    try:
        for _ in range(REQUESTS):
            n = rng.randint(1, 64)
            x = [rng.uniform(-3, 3) for _ in range(n)]
            t = [rng.uniform(-3, 3) for _ in range(n)]
            body = json.dumps({"input": {"shape": [n], "dtype": "float64", "data": x},
                               "target": {"shape": [n], "dtype": "float64", "data": t}})
            conn.request("POST", "/v1/losses/mse", body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            payload = json.loads(response.read())
            if response.status != 200:
                errors.append(f"status {response.status}: {payload}")
                return
            loss, grad = expected_mse(x, t)
            if not math.isclose(payload["loss"], loss, rel_tol=1e-12, abs_tol=1e-15):
                errors.append(f"loss {payload['loss']} != {loss}")
            if any(not math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15) for a, b in zip(payload["grad"]["data"], grad)):
                errors.append("grad mismatch")
    except Exception as error:  # noqa: BLE001 - report every failure
        errors.append(repr(error))
    finally:
        conn.close()


threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
if errors:
    print("\n".join(errors[:10]))
    sys.exit(1)
print(f"ok: {CLIENTS * REQUESTS} requests on {CLIENTS} keep-alive connections")
