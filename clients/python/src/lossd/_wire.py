"""safetensors request and response bodies of ``POST /v1/losses/{name}``.

A request is a safetensors file whose tensors are named by their role (``input``,
``target``, ``weight``, ``grad_output``, ``var``, or a multi-input loss's argument names) and
whose ``__metadata__`` carries the loss parameters as JSON texts (``"0.5"``, ``"true"``,
``"\\"sum\\""``, ``"[1, 2]"``). The answer is a safetensors file with ``loss`` and ``grad``, or
``grad.<name>`` per differentiable input for a loss of several inputs.

Torch tensors go through ``safetensors.torch`` (which knows bfloat16) and come back as CPU
torch tensors; anything else goes through ``safetensors.numpy`` and comes back as numpy arrays.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Dict, Mapping, Tuple

import numpy as np

MEDIA_TYPE = "application/vnd.safetensors"


def is_torch_tensor(value: Any) -> bool:
    """Whether ``value`` is a ``torch.Tensor``, without importing torch."""
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.Tensor)


def _as_numpy(value: Any) -> np.ndarray:
    """An array for the wire. Python lists follow PyTorch's defaults (float32 / int64 / bool)."""
    if isinstance(value, np.ndarray):
        return np.ascontiguousarray(value)
    if isinstance(value, np.generic):
        return np.asarray(value)
    array = np.asarray(value)
    if array.dtype == np.float64:
        array = array.astype(np.float32)
    elif array.dtype.kind in "iu":
        array = array.astype(np.int64)
    elif array.dtype.kind not in "b":
        raise TypeError(f"cannot send {type(value).__name__} of dtype {array.dtype} as a tensor")
    return np.ascontiguousarray(array)


def _parameter_text(name: str, value: Any) -> str:
    """A parameter as the JSON text lossd reads from ``__metadata__``."""
    if is_torch_tensor(value):
        value = value.detach().cpu().tolist()
    elif isinstance(value, (np.ndarray, np.generic)):
        value = value.tolist()
    elif isinstance(value, (tuple, list)):
        value = [v.item() if isinstance(v, np.generic) else v for v in value]
    try:
        return json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise TypeError(f"parameter {name!r}: {value!r} is not a JSON scalar or list ({error})") from None


def encode(tensors: Mapping[str, Any], params: Mapping[str, Any]) -> Tuple[bytes, bool]:
    """The request body, and whether the answer should be decoded as torch tensors."""
    metadata = {name: _parameter_text(name, value) for name, value in params.items() if value is not None}
    torch_mode = any(is_torch_tensor(t) for t in tensors.values())
    if torch_mode:
        import torch
        from safetensors.torch import save as save_torch

        prepared = {}
        for name, value in tensors.items():
            if is_torch_tensor(value):
                prepared[name] = value.detach().cpu().contiguous()
            else:
                prepared[name] = torch.from_numpy(_as_numpy(value))
        return save_torch(prepared, metadata=metadata or None), True
    from safetensors.numpy import save as save_numpy

    return save_numpy({name: _as_numpy(value) for name, value in tensors.items()},
                      metadata=metadata or None), False


def decode(body: bytes, torch_mode: bool) -> Dict[str, Any]:
    """The tensors of an answer, by name."""
    if torch_mode:
        from safetensors.torch import load as load_torch

        return dict(load_torch(body))
    from safetensors.numpy import load as load_numpy

    return dict(load_numpy(body))
