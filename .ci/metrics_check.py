"""Parses GET /metrics with the Prometheus Python client's parser and checks that every
lossd metric family is present and that request counters moved with the traffic sent."""
import sys
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

PORT = int(sys.argv[1])
BASE = f"http://127.0.0.1:{PORT}"


def scrape():
    with urllib.request.urlopen(f"{BASE}/metrics") as response:
        assert response.headers["Content-Type"].startswith("text/plain"), response.headers["Content-Type"]
        return {family.name: family for family in text_string_to_metric_families(response.read().decode())}


def total(families, name, **labels):
    family = families.get(name)
    if family is None:
        return 0.0
    return sum(s.value for s in family.samples
               if s.name in (name, name + "_total") and all(s.labels.get(k) == v for k, v in labels.items()))


before = scrape()
body = b'{"input": [0.5, -1.0], "target": [1, 0]}'
for _ in range(5):
    request = urllib.request.Request(f"{BASE}/v1/losses/dice", data=body, headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request).read()
after = scrape()

expected = ["lossd_requests", "lossd_request_duration_seconds", "lossd_compute_duration_seconds",
            "lossd_request_bytes", "lossd_response_bytes", "lossd_requests_in_flight", "lossd_worker_queue_depth",
            "lossd_workers_busy", "lossd_open_connections", "lossd_requests_rejected"]
missing = [name for name in expected if name not in after]
assert not missing, f"missing metric families: {missing} (have {sorted(after)})"
moved = total(after, "lossd_requests", loss="dice", status="200") - total(before, "lossd_requests", loss="dice", status="200")
assert moved == 5, f"lossd_requests_total for dice moved by {moved}, expected 5"
assert total(after, "lossd_request_bytes") - total(before, "lossd_request_bytes") >= 5 * len(body)
print(f"ok: {len(after)} metric families parsed; counters moved as expected")
