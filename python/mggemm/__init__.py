"""mggemm: Mixture-of-Experts grouped GEMMs (forward, grad-input,
grad-weight) compiled with MLIR for Hopper, as PyTorch ops.

    import mggemm
    y = mggemm.grouped_mm(x, w, sizes)          # x [M, K], w [G, N, K], sizes int32 [G]
    dx, dw = mggemm.grouped_mm_backward(dy, x, w, sizes)

Importing the package needs neither torch nor the runtime library. Where
torch is installed the ops are registered at import (so
``torch.ops.mggemm.*`` exist and torch.compile sees plain functions); where
it is not, the torch-facing names raise a clear ImportError on use, while
the argument checks (``mggemm._checks``) and the split generators
(``mggemm.splits``) work anywhere, CI included. The runtime library is
loaded when the first kernel launches.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any, Dict, List

from ._library import (
    LibraryNotFoundError,
    MggemmError,
    is_available,
    library_path,
    set_checked_mode,
)

__version__ = "0.1.0"

#: Public names that need torch, and the module that defines each.
_LAZY: Dict[str, str] = {
    "grouped_mm": "ops",
    "grouped_mm_grad_input": "ops",
    "grouped_mm_grad_weight": "ops",
    "grouped_mm_backward": "ops",
    "grouped_mm_fp8": "ops",
    "grouped_mm_grad_weight_fp8": "ops",
    "scaled_grouped_mm_grad_weight": "ops",
    "quantize_fp8_rowwise": "ops",
    "quantize_fp8_blockwise": "ops",
    "quantize_fp8_grouped_columns": "ops",
    "grouped_gemm_forward": "compat",
    "grouped_gemm_backward": "compat",
    "mg_grouped_gemm": "compat",
    "reference_forward": "reference",
    "reference_grad_input": "reference",
    "reference_grad_weight": "reference",
    "reference_backward": "reference",
    "reference_scaled_forward": "reference",
    "reference_scaled_grad_weight": "reference",
    "compare": "reference",
    "Comparison": "reference",
}

__all__ = [
    "MggemmError",
    "LibraryNotFoundError",
    "is_available",
    "library_path",
    "set_checked_mode",
    *_LAZY,
]

if TYPE_CHECKING or importlib.util.find_spec("torch") is not None:
    from .compat import grouped_gemm_backward, grouped_gemm_forward, mg_grouped_gemm
    from .ops import (
        grouped_mm,
        grouped_mm_backward,
        grouped_mm_fp8,
        grouped_mm_grad_input,
        grouped_mm_grad_weight,
        grouped_mm_grad_weight_fp8,
        quantize_fp8_blockwise,
        quantize_fp8_grouped_columns,
        quantize_fp8_rowwise,
        scaled_grouped_mm_grad_weight,
    )
    from .reference import (
        Comparison,
        compare,
        reference_backward,
        reference_forward,
        reference_grad_input,
        reference_grad_weight,
        reference_scaled_forward,
        reference_scaled_grad_weight,
    )


def __getattr__(name: str) -> Any:
    """Reached only for the torch-facing names when torch is missing (or for
    unknown names): try the import so the user gets the real reason."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mggemm' has no attribute {name!r}")
    try:
        value = getattr(importlib.import_module(f".{module}", __name__), name)
    except ModuleNotFoundError as err:
        if err.name == "torch":
            raise ImportError(
                f"mggemm.{name} needs PyTorch, which is not installed here; "
                f"the torch-free parts are mggemm._checks and mggemm.splits"
            ) from err
        raise
    globals()[name] = value  # cache: later lookups skip __getattr__
    return value


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(_LAZY))
