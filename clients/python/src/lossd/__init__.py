"""Python client for lossd: training losses and their gradients over HTTP.

- ``lossd.Client``: the catalog, and ``compute(name, input, target, **params)`` → ``(loss, grad)``
  for numpy arrays and torch tensors.
- ``lossd.RemoteLoss``: a lossd loss as a ``torch.nn.Module`` whose backward uses lossd's
  gradient (needs PyTorch, imported only when ``RemoteLoss`` is first used).
- ``lossd.LossError``: every error answer, with the server's status, code, field and message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._client import Client, LossResult
from ._errors import LossError

if TYPE_CHECKING:
    from ._torch import RemoteLoss

__all__ = ["Client", "LossError", "LossResult", "RemoteLoss"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "RemoteLoss":
        try:
            from ._torch import RemoteLoss
        except ModuleNotFoundError as error:
            if error.name != "torch":
                raise
            raise ImportError("lossd.RemoteLoss needs PyTorch: pip install torch") from error
        return RemoteLoss
    raise AttributeError(f"module 'lossd' has no attribute {name!r}")
