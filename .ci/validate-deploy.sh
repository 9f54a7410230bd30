#!/usr/bin/env bash
# Validates Deploy/ without a container engine or a cluster:
#   1. every Kubernetes manifest against the API schemas of a current Kubernetes release
#      (kubernetes-validate, strict: unknown fields are errors);
#   2. what schemas cannot see: labels, selectors, ports, names and timings that must agree
#      across the manifests, the ConfigMap, docker-compose.yml and the Dockerfile, and that
#      README's "## Deploy" section names the files and numbers it describes;
#   3. the Dockerfile's HEALTHCHECK command, run against a real lossd when a built binary is
#      at hand (LOSSD_BIN, default .build/debug/lossd), and SIGTERM ending it with exit 0.
# Idempotent: the virtualenv is created once and reused while its pinned version matches.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.build-ci-venv-deploy
KUBERNETES_VALIDATE_VERSION=1.37.0   # ships schemas up to Kubernetes 1.37
KUBERNETES_VERSION=${KUBERNETES_VERSION:-1.37.0}
MANIFESTS=Deploy/kubernetes

step() { printf '\n==> %s\n' "$*"; }

step "kubernetes-validate $KUBERNETES_VALIDATE_VERSION in $VENV"
installed=$("$VENV/bin/python" -c \
  'import importlib.metadata as m; print(m.version("kubernetes-validate"))' 2>/dev/null || true)
if [ "$installed" != "$KUBERNETES_VALIDATE_VERSION" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check \
    "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" "PyYAML>=6"
fi
echo ok

step "Manifests against Kubernetes $KUBERNETES_VERSION (strict)"
# kustomization.yaml is kustomize's input, not an API object; the cross-checks cover it.
mapfile -t resources < <(find "$MANIFESTS" -name '*.yaml' ! -name kustomization.yaml | sort)
[ ${#resources[@]} -gt 0 ] || { echo "no manifests in $MANIFESTS"; exit 1; }
report=$("$VENV/bin/kubernetes-validate" --strict --kubernetes-version "$KUBERNETES_VERSION" \
  "${resources[@]}" 2>&1) || { echo "$report"; exit 1; }
echo "$report"
# An unknown kind or apiVersion is only a warning to kubernetes-validate; here it fails.
if grep -q '^WARN' <<<"$report"; then echo "FAIL: warnings above count as failures"; exit 1; fi

step "Cross-checks: kustomization, selectors, ports, probes, timings, compose, Dockerfile, README"
"$VENV/bin/python" - "$MANIFESTS" <<'PY'
import json, pathlib, re, sys
import yaml

manifests = pathlib.Path(sys.argv[1])
failures = []

def check(condition, message):
    if not condition:
        failures.append(message)
    return condition

def seconds(text):
    """Compose durations such as '40s', '1m30s' as seconds."""
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|h|m|s)", str(text))
    return sum(float(n) * units[u] for n, u in parts) if parts else float(text)

# --- kustomization lists exactly the manifests in the directory --------------------------
kustomization = yaml.safe_load((manifests / "kustomization.yaml").read_text())
listed = set(kustomization.get("resources", []))
present = {p.name for p in manifests.glob("*.yaml") if p.name != "kustomization.yaml"}
check(listed == present, f"kustomization resources {sorted(listed)} != files {sorted(present)}")

objects = {}
for name in sorted(present):
    for document in yaml.safe_load_all((manifests / name).read_text()):
        if document:
            objects[document["kind"]] = document
expected_kinds = {"ConfigMap", "Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"}
check(expected_kinds <= objects.keys(), f"missing kinds: {sorted(expected_kinds - objects.keys())}")
if failures:
    print("\n".join("FAIL: " + f for f in failures)); sys.exit(1)

config = objects["ConfigMap"]["data"]
deployment, service = objects["Deployment"], objects["Service"]
hpa, pdb = objects["HorizontalPodAutoscaler"], objects["PodDisruptionBudget"]
pod = deployment["spec"]["template"]
pod_labels = pod["metadata"]["labels"]
containers = pod["spec"]["containers"]
check(len(containers) == 1, "the pod has exactly one container")
container = containers[0]

def selects(selector):
    return all(pod_labels.get(k) == v for k, v in selector.items())

# --- settings --------------------------------------------------------------------------
for key in ("LOSSD_HOST", "LOSSD_PORT", "LOSSD_WORKERS", "LOSSD_QUEUE_DEPTH",
            "LOSSD_MAX_BODY_SIZE", "LOSSD_GRACE_PERIOD", "LOSSD_LOG_LEVEL", "LOSSD_LOG_FORMAT"):
    check(key in config, f"ConfigMap lacks {key}")
check(all(k.startswith("LOSSD_") for k in config), "ConfigMap keys are all LOSSD_* variables")
check(config.get("LOSSD_HOST") == "0.0.0.0", "LOSSD_HOST is 0.0.0.0 so the kubelet and Service reach it")
check(config.get("LOSSD_LOG_FORMAT") == "json", "LOSSD_LOG_FORMAT is json")
port = int(config.get("LOSSD_PORT", 8080))
grace = float(config.get("LOSSD_GRACE_PERIOD", 30))
check(any(e.get("configMapRef", {}).get("name") == objects["ConfigMap"]["metadata"]["name"]
          for e in container.get("envFrom", [])), "container takes envFrom the ConfigMap")

# --- deployment: selectors, ports, probes ----------------------------------------------
check(selects(deployment["spec"]["selector"]["matchLabels"]), "Deployment selector matches its pod labels")
check("replicas" not in deployment["spec"], "Deployment leaves replicas to the HPA")
ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
check(ports.get("http") == port, f"container port 'http' is LOSSD_PORT {port}")
probes = {kind: container.get(kind, {}).get("httpGet", {})
          for kind in ("readinessProbe", "livenessProbe", "startupProbe")}
check(probes["readinessProbe"].get("path") == "/readyz", "readiness probe is GET /readyz")
check(probes["livenessProbe"].get("path") == "/healthz", "liveness probe is GET /healthz")
for kind, probe in probes.items():
    if probe:
        check(probe.get("port") in ("http", port), f"{kind} targets the http port")
annotations = pod["metadata"].get("annotations", {})
check(annotations.get("prometheus.io/scrape") == "true", "pod is annotated for Prometheus scraping")
check(annotations.get("prometheus.io/path") == "/metrics", "scrape path is /metrics")
check(annotations.get("prometheus.io/port") == str(port), "scrape port is LOSSD_PORT")
resources = container.get("resources", {})
check({"cpu", "memory"} <= resources.get("requests", {}).keys(), "cpu and memory requests set (the HPA needs cpu)")
check({"cpu", "memory"} <= resources.get("limits", {}).keys(), "cpu and memory limits set")

def cpus(quantity):
    text = str(quantity)
    return float(text[:-1]) / 1000 if text.endswith("m") else float(text)

cpu_limit = resources.get("limits", {}).get("cpu", "0")
check(float(config.get("LOSSD_WORKERS", 0)) == cpus(cpu_limit),
      f"LOSSD_WORKERS {config.get('LOSSD_WORKERS')} equals the CPU limit {cpu_limit}")

# --- security ----------------------------------------------------------------------------
pod_security = pod["spec"].get("securityContext", {})
security = container.get("securityContext", {})
check(pod_security.get("runAsNonRoot") is True, "pod runAsNonRoot")
check(pod_security.get("seccompProfile", {}).get("type") == "RuntimeDefault", "seccomp RuntimeDefault")
check(security.get("readOnlyRootFilesystem") is True, "read-only root filesystem")
check(security.get("allowPrivilegeEscalation") is False, "no privilege escalation")
check(security.get("capabilities", {}).get("drop") == ["ALL"], "all capabilities dropped")

# --- drain timing: preStop sleep + grace period must end before SIGKILL -------------------
termination = pod["spec"].get("terminationGracePeriodSeconds", 30)
pre_stop = container.get("lifecycle", {}).get("preStop", {})
sleep = float(pre_stop.get("sleep", {}).get("seconds", 0))
command = pre_stop.get("exec", {}).get("command", [])
if command[:1] == ["sleep"]:
    sleep = float(command[1])
check(sleep > 0, "a preStop sleep lets endpoint removal propagate before SIGTERM")
check(termination > sleep + grace,
      f"terminationGracePeriodSeconds {termination} > preStop {sleep:g} s + LOSSD_GRACE_PERIOD {grace:g} s")

# --- service, HPA, PDB point at the Deployment's pods --------------------------------------
check(service["spec"].get("type", "ClusterIP") == "ClusterIP", "Service is ClusterIP")
check(selects(service["spec"]["selector"]), "Service selector matches the pods")
service_ports = service["spec"]["ports"]
check(any(p.get("name") == "http" and p.get("port") == 80 and p.get("targetPort") in ("http", port)
          for p in service_ports), "Service port 80 'http' -> container http")
target = hpa["spec"]["scaleTargetRef"]
check(target["kind"] == "Deployment" and target["name"] == deployment["metadata"]["name"],
      "HPA targets the Deployment")
check(any(m.get("type") == "Resource" and m["resource"]["name"] == "cpu" for m in hpa["spec"]["metrics"]),
      "HPA scales on CPU")
check(hpa["spec"].get("minReplicas", 1) >= 2, "HPA keeps at least two replicas (the PDB relies on it)")
check(selects(pdb["spec"]["selector"]["matchLabels"]), "PDB selector matches the pods")

# --- docker-compose.yml ------------------------------------------------------------------
compose_path = pathlib.Path("Deploy/docker-compose.yml")
compose = yaml.safe_load(compose_path.read_text())
lossd = compose.get("services", {}).get("lossd")
if check(isinstance(lossd, dict), "compose defines service 'lossd'"):
    build = lossd.get("build", {})
    context = (compose_path.parent / build.get("context", ".")).resolve()
    check(context == pathlib.Path.cwd().resolve(), "compose builds with the repository root as context")
    check((context / build.get("dockerfile", "Dockerfile")).resolve()
          == pathlib.Path("Deploy/Dockerfile").resolve(), "compose builds Deploy/Dockerfile")
    check(any(str(p).endswith(f":{port}") for p in lossd.get("ports", [])), f"compose publishes container port {port}")
    environment = lossd.get("environment", {})
    check(environment.get("LOSSD_HOST") == "0.0.0.0", "compose binds 0.0.0.0")
    compose_grace = float(environment.get("LOSSD_GRACE_PERIOD", 30))
    check(seconds(lossd.get("stop_grace_period", "10s")) > compose_grace,
          "compose stop_grace_period exceeds LOSSD_GRACE_PERIOD")
    check(lossd.get("read_only") is True, "compose container is read-only")
    check({k: str(v) for k, v in environment.items()} == config,
          "compose environment carries the ConfigMap's settings")

# --- Dockerfile --------------------------------------------------------------------------
dockerfile = pathlib.Path("Deploy/Dockerfile").read_text()
instructions = [line.split(None, 1) for line in re.sub(r"\\\n", " ", dockerfile).splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
ops = [(i[0].upper(), i[1] if len(i) > 1 else "") for i in instructions]
froms = [arg for op, arg in ops if op == "FROM"]
check(len(froms) >= 2 and froms[0].startswith("swift:"), "multi-stage build on the official swift image")
check("--static-swift-stdlib" in dockerfile, "Swift runtime linked statically")
users = [arg.strip() for op, arg in ops if op == "USER"]
check(bool(users) and users[-1].split(":")[0] not in ("root", "0"), "runs as a non-root USER")
check(any(op == "HEALTHCHECK" and "/healthz" in arg for op, arg in ops), "HEALTHCHECK probes /healthz")
check(("STOPSIGNAL", "SIGTERM") in [(op, arg.strip()) for op, arg in ops], "STOPSIGNAL SIGTERM")
check(any(op == "EXPOSE" and str(port) in arg.split() for op, arg in ops), f"EXPOSE {port}")
check(re.search(r"LOSSD_HOST=0\.0\.0\.0", dockerfile) is not None, "image binds 0.0.0.0")
ignore = pathlib.Path("Deploy/Dockerfile.dockerignore")
check(ignore.exists() and ".build" in ignore.read_text().split(), "Dockerfile.dockerignore keeps .build out")

# --- README's Deploy section describes these files --------------------------------------
readme = pathlib.Path("README.md").read_text()
section = re.search(r"^## Deploy\n(.*?)(?=^## |\Z)", readme, re.S | re.M)
if check(section is not None, "README has a '## Deploy' section"):
    text = section.group(1)
    for needle in ("docker build -f Deploy/Dockerfile", "Deploy/docker-compose.yml",
                   "kubectl apply -k Deploy/kubernetes", "/readyz", "/healthz",
                   f"terminationGracePeriodSeconds: {termination}", f"LOSSD_GRACE_PERIOD={grace:g}",
                   f"minReplicas: {hpa['spec']['minReplicas']}", f"maxReplicas: {hpa['spec']['maxReplicas']}",
                   f"cpu {resources['requests']['cpu']}/{resources['limits']['cpu']}",
                   f"memory {resources['requests']['memory']}/{resources['limits']['memory']}",
                   f"LOSSD_WORKERS={config['LOSSD_WORKERS']}", f"sleep {sleep:g}"):
        check(needle in text, f"README Deploy section mentions `{needle}`")
    for name in sorted(present):
        check(name in text, f"README Deploy section mentions {name}")

if failures:
    print("\n".join("FAIL: " + f for f in failures))
    sys.exit(1)
print(f"ok: {len(present)} manifests, compose, Dockerfile and README agree")
PY

step "Dockerfile HEALTHCHECK against a running lossd"
BIN=${LOSSD_BIN:-.build/debug/lossd}
if [ ! -x "$BIN" ]; then
  echo "skipped: no lossd binary at $BIN (build first or set LOSSD_BIN)"
else
  # The HEALTHCHECK's exec form is ["bash", "-c", SCRIPT]; take SCRIPT from the Dockerfile.
  probe=$("$VENV/bin/python" - <<'PY'
import json, re
text = re.sub(r"\\\n", " ", open("Deploy/Dockerfile").read())
line = next(l for l in text.splitlines() if l.lstrip().startswith("HEALTHCHECK"))
argv = json.loads(line[line.index("CMD") + 3:].strip())
assert argv[:2] == ["bash", "-c"], argv
print(argv[2])
PY
)
  WORK=$(mktemp -d)
  PID=
  cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"; }
  trap cleanup EXIT
  PORT=$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # Nothing listens yet: the probe must report unhealthy.
  if LOSSD_PORT=$PORT timeout 5 bash -c "$probe" 2>/dev/null; then
    echo "FAIL: HEALTHCHECK passes with no server"; exit 1
  fi
  LOSSD_HOST=127.0.0.1 LOSSD_PORT=$PORT LOSSD_GRACE_PERIOD=5 "$BIN" 2>"$WORK/lossd.log" &
  PID=$!
  healthy=no
  for _ in $(seq 50); do
    if LOSSD_PORT=$PORT timeout 5 bash -c "$probe" 2>/dev/null; then healthy=yes; break; fi
    sleep 0.1
  done
  [ "$healthy" = yes ] || { echo "FAIL: HEALTHCHECK never passed"; tail -20 "$WORK/lossd.log"; exit 1; }
  echo "ok: HEALTHCHECK passes against lossd on port $PORT"
  kill -TERM "$PID"
  status=0; wait "$PID" || status=$?
  PID=
  [ "$status" = 0 ] || { echo "FAIL: lossd exited $status after SIGTERM (STOPSIGNAL expects 0)"; exit 1; }
  echo "ok: SIGTERM drains and exits 0"
fi
echo "Deploy validation passed"
