"""The one exception type of the client."""

from __future__ import annotations

import json
from typing import Optional


class LossError(Exception):
    """An error answer from lossd, or a request that could not reach it.

    lossd answers every error with ``{"error": message, "code": code, "field": field}``;
    those three, with the HTTP status, are the attributes of this exception:

    - ``status``: the HTTP status (422, 404, 503, …); ``0`` when no answer arrived
      (connection refused, timeout, TLS failure).
    - ``code``: lossd's machine code (``"shape_mismatch"``, ``"unknown_loss"``,
      ``"overloaded"``, …), ``None`` when the answer was not lossd's JSON.
    - ``field``: the request member at fault (``"target"``, a parameter name), or ``None``.
    - ``message``: the human-readable message.
    - ``request_id``: the ``X-Request-Id`` of the answer, for finding lossd's log line.
    """

    def __init__(self, status: int, code: Optional[str], field: Optional[str], message: str,
                 request_id: Optional[str] = None) -> None:
        self.status = status
        self.code = code
        self.field = field
        self.message = message
        self.request_id = request_id
        super().__init__(status, code, field, message)

    def __str__(self) -> str:
        where = f" [{self.field}]" if self.field else ""
        code = f" {self.code}" if self.code else ""
        return f"lossd {self.status}{code}{where}: {self.message}"

    @classmethod
    def from_response(cls, status: int, body: bytes, request_id: Optional[str] = None) -> "LossError":
        """Builds the error from an answer's status and body (lossd's JSON error, or any text)."""
        try:
            obj = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            obj = None
        if isinstance(obj, dict) and isinstance(obj.get("error"), str):
            code = obj.get("code")
            field = obj.get("field")
            return cls(status, code if isinstance(code, str) else None,
                       field if isinstance(field, str) else None, obj["error"], request_id)
        text = body.decode("utf-8", "replace").strip()[:500] or f"HTTP {status}"
        return cls(status, None, None, text, request_id)
