"""``lossd.Client``: one keep-alive session to a lossd server."""

from __future__ import annotations

import email.utils
import json
import time
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple, Union
from urllib.parse import quote

import requests

from . import _wire
from ._errors import LossError

DEFAULT_URL = "http://127.0.0.1:8080"


@dataclass
class LossResult:
    """What ``Client.compute`` returns.

    - ``loss``: the loss — a 0-d value for a reduced loss (a numpy scalar, or a 0-d torch
      tensor when torch tensors were sent), the unreduced tensor for ``reduction="none"``.
    - ``grads``: d(loss)/d(tensor) by tensor name: ``{"input": grad}`` for single-input
      losses, one entry per differentiable input for losses of several inputs.
    - ``grad``: ``grads["input"]`` when the loss has a single input, else ``None``.

    It unpacks as ``loss, grad = result`` — or ``loss, grads = result`` (the dict) for a loss
    of several inputs.
    """

    loss: Any
    grads: Dict[str, Any]
    name: Optional[str] = None
    request_id: Optional[str] = field(default=None, repr=False)

    @property
    def grad(self) -> Any:
        if set(self.grads) == {"input"}:
            return self.grads["input"]
        return None

    def __iter__(self) -> Iterator[Any]:
        yield self.loss
        yield self.grad if set(self.grads) == {"input"} else self.grads


class Client:
    """A connection to lossd: the catalog, and losses with their gradients.

    ``Client(url, token=None, tls_ca=None, timeout=60.0, retries=3)``

    - ``url``: the server, e.g. ``"http://127.0.0.1:8080"`` or ``"https://lossd.internal"``.
    - ``token``: bearer token sent as ``Authorization: Bearer <token>`` (lossd's
      ``--auth-token-file``). ``admin_token`` is used instead for ``define``/``delete``
      (``--admin-token-file``); it defaults to ``token``.
    - ``tls_ca``: path of a CA bundle (PEM) to verify an ``https`` server with, instead of
      the system's; ``client_cert``: a PEM path or ``(cert, key)`` pair for mutual TLS.
    - ``timeout``: seconds to connect and to wait for each answer.
    - ``retries``: how many times a ``503`` (overloaded or draining) is retried, after the
      server's ``Retry-After`` (at most ``max_retry_wait`` seconds each), and how many times a
      request whose connection failed is sent again. Every lossd route is idempotent, so
      retrying is safe.

    One ``requests.Session`` keeps the connection alive between calls; a ``Client`` is not
    meant to be shared between threads (make one per thread). Use it as a context manager or
    call ``close()``.

    Tensors travel as safetensors (``application/vnd.safetensors``), uncompressed; parameters
    ride in the file's ``__metadata__`` as JSON texts. Every error answer raises
    ``LossError`` with the server's status, code, field and message.
    """

    def __init__(self, url: str = DEFAULT_URL, token: Optional[str] = None, tls_ca: Optional[str] = None,
                 timeout: float = 60.0, retries: int = 3, *, admin_token: Optional[str] = None,
                 client_cert: Union[None, str, Tuple[str, str]] = None, max_retry_wait: float = 30.0) -> None:
        if retries < 0:
            raise ValueError("retries must be >= 0")
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.max_retry_wait = max_retry_wait
        self._token = token
        self._admin_token = admin_token if admin_token is not None else token
        self._session = requests.Session()
        self._session.headers["User-Agent"] = "lossd-python/0.1"
        # Passed with every request: requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override
        # a Session's own `verify`, which would silently drop `tls_ca`.
        self._tls: Dict[str, Any] = {}
        if tls_ca is not None:
            self._tls["verify"] = tls_ca
        if client_cert is not None:
            self._tls["cert"] = client_cert

    def __repr__(self) -> str:
        return f"Client({self.url!r})"

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        """Closes the keep-alive connection."""
        self._session.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- routes ----------------------------------------------------------------------------

    def healthy(self) -> bool:
        """``GET /healthz``: whether the server answers at all."""
        try:
            return self._request("GET", "/healthz", retry_overload=False).status_code == 200
        except LossError:
            return False

    def catalog(self) -> List[Dict[str, Any]]:
        """``GET /v1/losses``: every loss with its aliases, formula, inputs, parameters and reductions."""
        losses: List[Dict[str, Any]] = self._json("GET", "/v1/losses")["losses"]
        return losses

    def describe(self, name: str) -> Dict[str, Any]:
        """``GET /v1/losses/{name}``: one loss's catalog entry (raises ``LossError`` 404 if unknown)."""
        entry: Dict[str, Any] = self._json("GET", f"/v1/losses/{quote(name, safe='')}")
        return entry

    def compute(self, name: str, input: Any = None, target: Any = None, *, weight: Any = None,
                grad_output: Any = None, tensors: Optional[Mapping[str, Any]] = None,
                **params: Any) -> LossResult:
        """``POST /v1/losses/{name}``: the loss and its gradient(s).

        ``input``, ``target``, ``weight`` and ``grad_output`` are numpy arrays, torch tensors
        (sent from the CPU, detached) or nested lists; ``tensors`` adds any other named tensor
        (``var`` for ``gaussian_nll``, ``input1``/``input2`` for a loss of several inputs).
        Keyword arguments are the loss's parameters (``reduction="sum"``, ``smooth=0.5``,
        ``class_weights=[1, 2]``; ``expression="..."`` for ``name="expression"``); ``None``
        leaves a parameter at its default.

        With ``reduction="none"`` the loss is a tensor and the gradient is
        d(sum(loss × grad_output))/d(input), ``grad_output`` defaulting to ones.

        Returns a ``LossResult`` (``loss, grad = client.compute(...)``), in numpy arrays, or in
        CPU torch tensors when any tensor sent was a torch tensor.
        """
        named: Dict[str, Any] = {}
        for role, value in (("input", input), ("target", target), ("weight", weight),
                            ("grad_output", grad_output)):
            if value is not None:
                named[role] = value
        for role, value in (tensors or {}).items():
            if role in named:
                raise TypeError(f"tensor {role!r} given twice")
            if value is not None:
                named[role] = value
        body, torch_mode = _wire.encode(named, params)
        response = self._request("POST", f"/v1/losses/{quote(name, safe='')}", data=body,
                                 headers={"Content-Type": _wire.MEDIA_TYPE, "Accept": _wire.MEDIA_TYPE})
        out = _wire.decode(response.content, torch_mode)
        loss = out.pop("loss")
        if loss.ndim == 0 and not torch_mode:
            loss = loss[()]
        grads = {("input" if key == "grad" else key[len("grad."):]): value
                 for key, value in out.items() if key == "grad" or key.startswith("grad.")}
        return LossResult(loss=loss, grads=grads, name=name,
                          request_id=response.headers.get("X-Request-Id"))

    def define(self, name: str, expression: str, parameters: Optional[Mapping[str, Any]] = None, *,
               summary: Optional[str] = None, inputs: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """``PUT /v1/losses/{name}``: defines (or replaces) a named loss from an expression.

        ``parameters`` maps each parameter to its spec, e.g. ``{"smooth": {"default": 1.0,
        "minimum": 0}}``. The loss is then served like a built-in one (``compute(name, ...)``,
        the catalog). Uses ``admin_token``. Returns the server's answer (its catalog entry).
        """
        definition: Dict[str, Any] = {"name": name, "expression": expression}
        if summary is not None:
            definition["summary"] = summary
        if parameters is not None:
            definition["parameters"] = dict(parameters)
        if inputs is not None:
            definition["inputs"] = dict(inputs)
        response = self._request("PUT", f"/v1/losses/{quote(name, safe='')}",
                                 data=json.dumps(definition).encode(),
                                 headers={"Content-Type": "application/json"}, admin=True)
        return response.json() if response.content else {}

    def delete(self, name: str) -> None:
        """``DELETE /v1/losses/{name}``: removes a named loss defined with ``define`` (uses ``admin_token``)."""
        self._request("DELETE", f"/v1/losses/{quote(name, safe='')}", admin=True)

    # -- transport -------------------------------------------------------------------------

    def _json(self, method: str, path: str) -> Any:
        return self._request(method, path, headers={"Accept": "application/json"}).json()

    def _request(self, method: str, path: str, *, data: Optional[bytes] = None,
                 headers: Optional[Dict[str, str]] = None, admin: bool = False,
                 retry_overload: bool = True) -> requests.Response:
        """Sends one request, retrying 503s and failed connections; raises ``LossError`` for errors."""
        headers = dict(headers or {})
        token = self._admin_token if admin else self._token
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        attempt = 0
        while True:
            try:
                response = self._session.request(method, self.url + path, data=data, headers=headers,
                                                 timeout=self.timeout, **self._tls)
            except requests.exceptions.SSLError as error:
                raise LossError(0, "tls_error", None, str(error)) from error
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as error:
                if attempt < self.retries and not isinstance(error, requests.exceptions.ReadTimeout):
                    attempt += 1
                    time.sleep(min(0.05 * 2 ** attempt, self.max_retry_wait))
                    continue
                kind = "timeout" if isinstance(error, requests.exceptions.Timeout) else "connection_error"
                raise LossError(0, kind, None, f"{method} {self.url}{path}: {error}") from error
            if response.status_code == 503 and retry_overload and attempt < self.retries:
                attempt += 1
                time.sleep(self._retry_delay(response, attempt))
                continue
            if response.status_code >= 400:
                raise LossError.from_response(response.status_code, response.content,
                                              response.headers.get("X-Request-Id"))
            return response

    def _retry_delay(self, response: requests.Response, attempt: int) -> float:
        """Seconds to wait before retrying a 503: its ``Retry-After`` (seconds or an HTTP
        date), else an exponential back-off; never more than ``max_retry_wait``."""
        value = response.headers.get("Retry-After", "").strip()
        delay: Optional[float] = None
        if value:
            try:
                delay = float(value)
            except ValueError:
                try:
                    when = email.utils.parsedate_to_datetime(value)
                    delay = when.timestamp() - time.time()
                except (TypeError, ValueError):
                    delay = None
        if delay is None:
            delay = 0.1 * 2 ** (attempt - 1)
        return max(0.0, min(delay, self.max_retry_wait))
