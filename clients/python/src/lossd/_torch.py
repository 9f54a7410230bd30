"""``lossd.RemoteLoss``: a lossd loss as a ``torch.nn.Module`` (imported only when used)."""

from __future__ import annotations

import warnings
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple

import torch
from torch.autograd.function import once_differentiable

from ._client import DEFAULT_URL, Client, LossResult

_DEFAULT_ROLES = ("input", "target", "weight")


def _device_like(value: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """``value`` on ``like``'s device, and in its dtype when ``like`` is floating point."""
    dtype = like.dtype if like.is_floating_point() else value.dtype
    return value.to(device=like.device, dtype=dtype)


def _uniform(grad: torch.Tensor) -> Optional[torch.Tensor]:
    """The one value of ``grad`` (a 0-d tensor) when every element is that value, else ``None``."""
    flat = grad.reshape(-1)
    if flat.numel() == 0:
        return flat.new_zeros(())
    first = flat[0]
    return first if bool(torch.all(flat == first)) else None


class _RemoteLossFunction(torch.autograd.Function):
    """Forward asks lossd for the loss and the gradients; backward scales them by the
    incoming gradient, or, when that gradient is a non-uniform tensor (``reduction="none"``),
    asks lossd again with it as ``grad_output`` — the only way that is exact for every loss."""

    @staticmethod
    def forward(ctx: Any, module: "RemoteLoss", names: Tuple[str, ...], *tensors: torch.Tensor) -> torch.Tensor:
        named = dict(zip(names, tensors))
        result = module._compute(named)
        ctx.module = module
        ctx.names = names
        ctx.result = result
        ctx.save_for_backward(*tensors)
        like = next(t for t in tensors if t.is_floating_point()) if any(t.is_floating_point() for t in tensors) else tensors[0]
        return _device_like(result.loss, like)

    @staticmethod
    @once_differentiable
    def backward(ctx: Any, grad_loss: torch.Tensor) -> Tuple[Optional[torch.Tensor], ...]:
        tensors = ctx.saved_tensors
        result: LossResult = ctx.result
        scale = grad_loss if grad_loss.dim() == 0 else _uniform(grad_loss)
        if scale is None:
            named = dict(zip(ctx.names, tensors))
            named["grad_output"] = grad_loss
            grads = ctx.module._compute(named).grads
        else:
            grads = {name: g * scale.to("cpu", g.dtype) for name, g in result.grads.items()}
        out: List[Optional[torch.Tensor]] = [None, None]
        for name, tensor, needed in zip(ctx.names, tensors, ctx.needs_input_grad[2:]):
            grad = grads.get(name)
            if needed and grad is None:
                _warn_constant(ctx.module.name, name)
            out.append(_device_like(grad, tensor) if needed and grad is not None else None)
        return tuple(out)


_warned: Set[Tuple[str, str]] = set()


def _warn_constant(loss: str, tensor: str) -> None:
    """Warns once per loss and tensor that a tensor requiring grad gets none from lossd."""
    if (loss, tensor) not in _warned:
        _warned.add((loss, tensor))
        warnings.warn(f"lossd answers no gradient of {loss!r} for {tensor!r}; RemoteLoss treats it as a constant",
                      stacklevel=3)


class RemoteLoss(torch.nn.Module):
    """A lossd loss as a PyTorch loss module: the forward pass asks lossd for the loss and its
    gradient, ``backward()`` feeds lossd's gradient into autograd.

    ``RemoteLoss(name, url="http://127.0.0.1:8080", **params)`` — ``params`` are the loss's
    parameters (``smooth=1.0``, ``reduction="none"``, ``mode="multiclass"``, …). Or
    ``RemoteLoss(expression="mean((input - target)^2)", **params)`` for a loss written in
    lossd's expression language. Pass ``client=`` to share a ``lossd.Client``; otherwise
    ``token``, ``tls_ca``, ``timeout`` and ``retries`` configure the module's own client.

    ``loss = criterion(input, target)`` (and ``weight``, or keyword tensors such as
    ``var=...``). A loss of several inputs takes its tensors positionally in the catalog's
    order (``RemoteLoss("margin_ranking")(x1, x2, y)``) or by name, and each differentiable
    input gets its gradient.

    - Tensors are sent from the CPU; the loss and the gradients come back on each input's
      device and in its dtype (float16/bfloat16 are computed in float32 by lossd).
    - For a reduced loss, backward returns lossd's gradient × the incoming scalar gradient.
      For ``reduction="none"``, an incoming gradient that is the same everywhere (``.sum()``,
      ``.mean()``) scales the gradient lossd already sent; any other is sent back to lossd as
      ``grad_output`` (one more request), so the result is exact for every loss.
    - Under ``torch.no_grad()`` it is a plain evaluation: one request, no graph.
    """

    def __init__(self, name: Optional[str] = None, url: str = DEFAULT_URL, *, expression: Optional[str] = None,
                 client: Optional[Client] = None, token: Optional[str] = None, tls_ca: Optional[str] = None,
                 timeout: float = 60.0, retries: int = 3, **params: Any) -> None:
        super().__init__()
        if (name is None) == (expression is None):
            raise ValueError("give either a loss name or expression=, not both")
        self.name = name if name is not None else "expression"
        self.params: Dict[str, Any] = dict(params)
        if expression is not None:
            self.params["expression"] = expression
        self.client = client if client is not None else Client(url, token=token, tls_ca=tls_ca,
                                                               timeout=timeout, retries=retries)
        self._roles: Optional[Tuple[str, ...]] = None

    def extra_repr(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.name!r}, url={self.client.url!r}" + (f", {shown}" if shown else "")

    def forward(self, *tensors: torch.Tensor, **named: torch.Tensor) -> torch.Tensor:
        roles = self._positional_roles(len(tensors))
        if len(tensors) > len(roles):
            raise TypeError(f"{self.name} takes at most {len(roles)} tensors ({', '.join(roles)}), got {len(tensors)}")
        all_named: Dict[str, torch.Tensor] = dict(zip(roles, tensors))
        for key, value in named.items():
            if key in all_named:
                raise TypeError(f"tensor {key!r} given twice")
            all_named[key] = value
        pairs = [(k, v) for k, v in all_named.items() if v is not None]
        for key, value in pairs:
            if not isinstance(value, torch.Tensor):
                raise TypeError(f"{key} must be a torch.Tensor, not {type(value).__name__}")
        names = tuple(k for k, _ in pairs)
        loss: torch.Tensor = _RemoteLossFunction.apply(self, names, *(v for _, v in pairs))
        return loss

    def _positional_roles(self, count: int) -> Sequence[str]:
        """Names for positional tensors: ``input, target`` for up to two; for more, the
        catalog's input order (``input1, input2, target``; asked once, then cached)."""
        if count <= 2 or self.name == "expression":
            return _DEFAULT_ROLES
        if self._roles is None:
            entry = self.client.describe(self.name)
            self._roles = tuple(i["name"] for i in entry.get("inputs", [])) or _DEFAULT_ROLES
        return self._roles

    def _compute(self, named: Dict[str, torch.Tensor]) -> LossResult:
        tensors = dict(named)
        input = tensors.pop("input", None)
        target = tensors.pop("target", None)
        return self.client.compute(self.name, input, target, tensors=tensors, **self.params)
