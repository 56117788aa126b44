"""Finds and loads the C runtime, ``libmggemm_runtime.so``, with ctypes.

Loading is lazy and cached: ``import mggemm`` must work on machines without
the library (CI, a laptop) because the argument checks, the references and
the split generators need none of it. The cached handle is the package's
only global state.

Where the library is looked for, first match wins:

1. ``$MGGEMM_RUNTIME_LIB``: a file, or a folder holding the library. When it
   is set nothing else is tried, so a typo fails loudly instead of silently
   picking another build.
2. next to the package: ``mggemm/``, then the folder holding ``mggemm/``
   (a staged copy puts it there), then ``lib/`` beside that folder;
3. the repository's ``build/lib`` (a CMake build of this checkout).
"""

from __future__ import annotations

import ctypes
import enum
import functools
import os
from pathlib import Path
from typing import Callable, List, Mapping, Optional, Sequence, Tuple

LIBRARY_NAME = "libmggemm_runtime.so"
ENV_VAR = "MGGEMM_RUNTIME_LIB"

_PACKAGE_DIR = Path(__file__).resolve().parent


class Status(enum.IntEnum):
    """``mggemmStatus`` of mggemm.h."""

    SUCCESS = 0
    INVALID_VALUE = 1
    UNSUPPORTED = 2
    NO_DEVICE = 3
    CUDA = 4
    BAD_SIZES = 5


class Dtype(enum.IntEnum):
    """``mggemmDtype`` of KernelABI.h."""

    BF16 = 0
    F16 = 1
    E4M3 = 2  # float8_e4m3fn operands with f32 row scales, bf16 output
    E4M3_BLOCK = 3  # the same with 1x128 / 128x128 block scales
    E4M3_FAST = 4  # row scales, summed in the tensor cores over all of K (of M for dW)


class Kind(enum.IntEnum):
    """``mggemmKind`` of KernelABI.h."""

    FORWARD = 0
    GRAD_INPUT = 1
    GRAD_WEIGHT = 2


#: Canonical dtype names (see ``_checks.canonical_dtype``) to C enum values.
DTYPE_CODES: Mapping[str, Dtype] = {
    "bfloat16": Dtype.BF16,
    "float16": Dtype.F16,
    "float8_e4m3fn": Dtype.E4M3,
}


class MggemmError(RuntimeError):
    """A failure reported by the runtime, or a runtime that cannot be loaded.

    ``status`` is the runtime's status code (None when the library could not
    be loaded or the failing call returns no status); ``runtime_message`` is
    what ``mggemmGetLastError`` said, verbatim.
    """

    def __init__(
        self,
        message: str,
        status: Optional[Status] = None,
        runtime_message: str = "",
    ) -> None:
        super().__init__(message)
        self.status = status
        self.runtime_message = runtime_message


class LibraryNotFoundError(MggemmError):
    """No ``libmggemm_runtime.so`` where it was looked for, or it would not load."""

    def __init__(self, message: str, tried: Sequence[Path] = ()) -> None:
        super().__init__(message)
        self.tried = tuple(tried)


def candidate_paths(
    env: Optional[Mapping[str, str]] = None, package_dir: Optional[Path] = None
) -> List[Path]:
    """The places to look for the library, in order (see the module doc)."""
    env = os.environ if env is None else env
    override = env.get(ENV_VAR, "")
    if override:
        path = Path(override).expanduser()
        return [path / LIBRARY_NAME if path.is_dir() else path]
    package_dir = _PACKAGE_DIR if package_dir is None else package_dir
    parent = package_dir.parent
    return [
        package_dir / LIBRARY_NAME,
        parent / LIBRARY_NAME,
        parent.parent / "lib" / LIBRARY_NAME,
        parent.parent / "build" / "lib" / LIBRARY_NAME,
    ]


def find_library(candidates: Optional[Sequence[Path]] = None) -> Path:
    """The first existing candidate; raises LibraryNotFoundError listing all."""
    tried = list(candidate_paths() if candidates is None else candidates)
    for path in tried:
        if path.is_file():
            return path
    listing = "\n".join(f"  {p}" for p in tried)
    raise LibraryNotFoundError(
        f"cannot find {LIBRARY_NAME}; looked in:\n{listing}\n"
        f"Build the runtime (cmake --build build, which writes build/lib/"
        f"{LIBRARY_NAME}), stage it next to the mggemm package, or set "
        f"{ENV_VAR}=/path/to/{LIBRARY_NAME}.",
        tried=tried,
    )


_c_int = ctypes.c_int
_c_i32 = ctypes.c_int32
_c_i64 = ctypes.c_int64
_c_ptr = ctypes.c_void_p

_DIMS = [_c_i64, _c_i64, _c_i64, _c_i64]  # M, N, K, G

#: C prototypes of mggemm.h: name -> (restype, argtypes). Enums are ints.
_PROTOTYPES: Mapping[str, Tuple[object, List[object]]] = {
    "mggemmGetLastError": (ctypes.c_char_p, []),
    "mggemmStatusString": (ctypes.c_char_p, [_c_int]),
    "mggemmForward": (_c_int, [_c_ptr, _c_ptr, _c_ptr, _c_ptr, *_DIMS, _c_int, _c_ptr]),
    "mggemmGradInput": (_c_int, [_c_ptr, _c_ptr, _c_ptr, _c_ptr, *_DIMS, _c_int, _c_ptr]),
    "mggemmGradWeight": (_c_int, [_c_ptr, _c_ptr, _c_ptr, _c_ptr, *_DIMS, _c_int, _c_ptr]),
    "mggemmBackward": (
        _c_int,
        [_c_ptr, _c_ptr, _c_ptr, _c_ptr, _c_ptr, _c_ptr, *_DIMS, _c_int, _c_ptr],
    ),
    "mggemmScaledForward": (
        _c_int,
        [_c_ptr, _c_ptr, _c_ptr, _c_ptr, _c_ptr, _c_ptr, *_DIMS, _c_int, _c_ptr],
    ),
    "mggemmScaledGradWeight": (
        _c_int,
        [_c_ptr, _c_ptr, _c_ptr, _c_ptr, _c_ptr, _c_ptr, *_DIMS, _c_int, _c_ptr],
    ),
    "mggemmSetCheckedMode": (None, [_c_int]),
    "mggemmDeviceSMCount": (_c_i32, []),
    "mggemmEncodeTensorMap": (
        _c_int,
        [_c_ptr, _c_int, _c_i32, _c_int, _c_i32, _c_i32, _c_i32, _c_i32, _c_ptr, *_DIMS],
    ),
}


class Runtime:
    """Typed wrappers around one loaded ``libmggemm_runtime.so``.

    Pointers are plain integers (``tensor.data_ptr()``), ``stream`` is a
    ``CUstream`` as an integer (``torch.cuda.Stream.cuda_stream``; 0 is the
    legacy default stream). Every failing status becomes a MggemmError that
    carries the runtime's own message.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self._lib = ctypes.CDLL(str(self.path))
        except OSError as err:
            raise LibraryNotFoundError(
                f"cannot load {self.path}: {err}", tried=[self.path]
            ) from err
        for name, (restype, argtypes) in _PROTOTYPES.items():
            try:
                fn = getattr(self._lib, name)
            except AttributeError as err:
                raise LibraryNotFoundError(
                    f"{self.path} has no symbol {name}: it was built from an "
                    f"older mggemm.h than this package expects; rebuild it",
                    tried=[self.path],
                ) from err
            fn.restype = restype
            fn.argtypes = argtypes

    def _fn(self, name: str) -> Callable[..., object]:
        fn: Callable[..., object] = getattr(self._lib, name)
        return fn

    def last_error(self) -> str:
        raw = self._fn("mggemmGetLastError")()
        return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else ""

    def status_string(self, status: int) -> str:
        raw = self._fn("mggemmStatusString")(int(status))
        return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else ""

    def _check(self, name: str, status: object) -> None:
        code = int(status)  # type: ignore[call-overload]
        if code == Status.SUCCESS:
            return
        message = self.last_error()
        kind: Optional[Status]
        try:
            kind = Status(code)
            label = f"MGGEMM_ERROR_{kind.name}"
        except ValueError:
            kind, label = None, f"status {code}"
        detail = message or self.status_string(code) or "no message"
        raise MggemmError(f"{name} failed ({label}): {detail}", status=kind,
                          runtime_message=message)

    def forward(self, x: int, w: int, sizes: int, y: int, M: int, N: int,
                K: int, G: int, dtype: Dtype, stream: int) -> None:
        """Y = per group X_g · W[g]ᵀ (mggemmForward)."""
        self._check("mggemmForward", self._fn("mggemmForward")(
            x, w, sizes, y, M, N, K, G, int(dtype), stream))

    def grad_input(self, dy: int, w: int, sizes: int, dx: int, M: int, N: int,
                   K: int, G: int, dtype: Dtype, stream: int) -> None:
        """dX = per group dY_g · W[g] (mggemmGradInput)."""
        self._check("mggemmGradInput", self._fn("mggemmGradInput")(
            dy, w, sizes, dx, M, N, K, G, int(dtype), stream))

    def grad_weight(self, dy: int, x: int, sizes: int, dw: int, M: int, N: int,
                    K: int, G: int, dtype: Dtype, stream: int) -> None:
        """dW[g] = dY_gᵀ · X_g, zeros for empty groups (mggemmGradWeight)."""
        self._check("mggemmGradWeight", self._fn("mggemmGradWeight")(
            dy, x, sizes, dw, M, N, K, G, int(dtype), stream))

    def backward(self, dy: int, x: int, w: int, sizes: int, dx: int, dw: int,
                 M: int, N: int, K: int, G: int, dtype: Dtype, stream: int) -> None:
        """Both gradients back to back on ``stream`` (mggemmBackward)."""
        self._check("mggemmBackward", self._fn("mggemmBackward")(
            dy, x, w, sizes, dx, dw, M, N, K, G, int(dtype), stream))

    def scaled_forward(self, x: int, w: int, scale_x: int, scale_w: int, sizes: int,
                       y: int, M: int, N: int, K: int, G: int, dtype: Dtype,
                       stream: int) -> None:
        """Y = per group (scale_x X_g) · (scale_w[g] W[g])ᵀ on fp8 operands,
        bf16 out (mggemmScaledForward)."""
        self._check("mggemmScaledForward", self._fn("mggemmScaledForward")(
            x, w, scale_x, scale_w, sizes, y, M, N, K, G, int(dtype), stream))

    def scaled_grad_weight(self, dy_t: int, x_t: int, scale_dy: int, scale_x: int,
                           sizes: int, dw: int, M: int, N: int, K: int, G: int,
                           dtype: Dtype, stream: int) -> None:
        """dW[g] = (scale_dy[g] dYᵀ_g) · (scale_x[g] Xᵀ_g)ᵀ on fp8 operands given
        transposed (dy_t [N, M], x_t [K, M], group g's columns), bf16 out,
        zeros for empty groups (mggemmScaledGradWeight)."""
        self._check("mggemmScaledGradWeight", self._fn("mggemmScaledGradWeight")(
            dy_t, x_t, scale_dy, scale_x, sizes, dw, M, N, K, G, int(dtype), stream))

    def set_checked_mode(self, enabled: bool) -> None:
        self._fn("mggemmSetCheckedMode")(1 if enabled else 0)

    def device_sm_count(self) -> int:
        count: int = int(self._fn("mggemmDeviceSMCount")())  # type: ignore[call-overload]
        if count < 0:
            message = self.last_error()
            raise MggemmError(
                f"mggemmDeviceSMCount failed: {message or 'no message'}",
                runtime_message=message,
            )
        return count


@functools.lru_cache(maxsize=None)
def runtime() -> Runtime:
    """The loaded runtime (loaded on first use, then cached). A failure is
    not cached, so setting MGGEMM_RUNTIME_LIB and retrying works."""
    return Runtime(find_library())


def is_available() -> bool:
    """Whether the runtime library can be found and loaded."""
    try:
        runtime()
    except MggemmError:
        return False
    return True


def library_path() -> Optional[Path]:
    """Path of the runtime that is (or would be) loaded, or None."""
    try:
        return runtime().path
    except MggemmError:
        return None


def set_checked_mode(enabled: bool) -> None:
    """Turn the runtime's checked mode on or off (process-wide, off at start).

    Checked mode copies ``sizes`` to the host before every launch (a stream
    synchronization) and raises MggemmError with status BAD_SIZES if any size
    is negative or they do not add up to M. It is for debugging: it costs a
    sync per call and cannot run inside CUDA graph capture.
    """
    runtime().set_checked_mode(enabled)
