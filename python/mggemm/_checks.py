"""Argument validation for the grouped GEMMs, written without torch.

The C runtime rejects bad arguments too, but only with a status code and a
terse message, and only on a machine that has the library. Checking here, on
plain descriptions of the tensors, gives errors that say what was expected,
what was found and how to fix it, works under torch.compile's fake tensors
(shapes may be symbolic integers: nothing here calls ``int()`` on them), and
can be tested in CI where neither torch nor a GPU exists.

Shape, dtype and device problems raise ``ValueError`` except a wrong element
type, which raises ``TypeError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence, Tuple

#: Element types the kernels compute in (fp32 accumulation inside).
SUPPORTED_DTYPES: Tuple[str, ...] = ("bfloat16", "float16")

#: The fp8 element type of the scaled forward product (bf16 output).
FP8_DTYPE = "float8_e4m3fn"

#: N and K must be multiples of this: TMA wants 16-byte row strides and
#: 16-bit elements are 2 bytes each.
DIM_ALIGNMENT = 8

#: Global addresses that TMA reads must be 16-byte aligned.
POINTER_ALIGNMENT = 16

#: The kernels take M, N, K and G as int32 parameters.
INT32_MAX = 2**31 - 1

#: The most rows the kernels accept (MGGEMM_MAX_ROWS in KernelABI.h): they
#: saturate prefix sums of group sizes, which must stay within int32.
MAX_ROWS = 2**30 - 1

_DTYPE_ALIASES = {
    "bf16": "bfloat16",
    "f16": "float16",
    "fp16": "float16",
    "half": "float16",
    "f32": "float32",
    "fp32": "float32",
    "float": "float32",
    "i32": "int32",
    "int": "int64",
    "long": "int64",
    "i64": "int64",
}


def canonical_dtype(dtype: str) -> str:
    """Name of a dtype without the ``torch.`` prefix: ``"torch.bfloat16"``,
    ``"bf16"`` and ``"bfloat16"`` all give ``"bfloat16"``."""
    name = str(dtype)
    if name.startswith("torch."):
        name = name[len("torch.") :]
    return _DTYPE_ALIASES.get(name, name)


def _torch_name(dtype: str) -> str:
    return "torch." + canonical_dtype(dtype)


@dataclass(frozen=True)
class TensorSpec:
    """What the checks need to know about one tensor.

    ``shape`` and ``stride`` may hold torch SymInts under torch.compile;
    ``data_ptr`` is None where there is no storage (fake or meta tensors).
    """

    name: str
    shape: Tuple[Any, ...]
    stride: Tuple[Any, ...]
    dtype: str
    device: str
    data_ptr: Optional[int] = None

    @property
    def rank(self) -> int:
        return len(self.shape)


@dataclass(frozen=True)
class Problem:
    """The validated dimensions of one call, as the C API takes them."""

    M: Any
    N: Any
    K: Any
    G: Any
    dtype: str
    device: str


def contiguous_strides(shape: Sequence[Any]) -> Tuple[Any, ...]:
    """Row-major strides of a dense tensor of ``shape``."""
    strides = []
    running: Any = 1
    for size in reversed(tuple(shape)):
        strides.append(running)
        running = running * size
    return tuple(reversed(strides))


def is_contiguous(shape: Sequence[Any], stride: Sequence[Any]) -> bool:
    """Row-major dense, ignoring the strides of size-1 dimensions (as
    ``torch.Tensor.is_contiguous`` does); an empty tensor always is."""
    shape = tuple(shape)
    stride = tuple(stride)
    if len(shape) != len(stride):
        return False
    if any(size == 0 for size in shape):
        return True
    expected: Any = 1
    for size, step in zip(reversed(shape), reversed(stride)):
        if size != 1 and step != expected:
            return False
        expected = expected * size
    return True


def _fmt_shape(shape: Sequence[Any]) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ")"


def _check_rank(t: TensorSpec, rank: int, layout: str, hint: str) -> None:
    if t.rank != rank:
        raise ValueError(
            f"{t.name} must be {rank}-D {layout}, got shape "
            f"{_fmt_shape(t.shape)} ({t.rank}-D): {hint}"
        )


def _check_operand_dtype(t: TensorSpec) -> str:
    dtype = canonical_dtype(t.dtype)
    if dtype == FP8_DTYPE:
        raise TypeError(
            f"{t.name} is {_torch_name(dtype)}, which only the scaled forward "
            f"product takes: pass both row scales, grouped_mm(x, w, sizes, "
            f"scale_x=..., scale_w=...) (mggemm.quantize_fp8_rowwise returns "
            f"them), or use {t.name}.to(torch.bfloat16)"
        )
    if dtype not in SUPPORTED_DTYPES:
        raise TypeError(
            f"{t.name} has dtype {_torch_name(dtype)}, but mggemm computes in "
            f"torch.bfloat16 or torch.float16 (with fp32 accumulation): use "
            f"{t.name}.to(torch.bfloat16)"
        )
    return dtype


def _check_same_dtype(a: TensorSpec, b: TensorSpec) -> str:
    da = _check_operand_dtype(a)
    db = _check_operand_dtype(b)
    if da != db:
        raise TypeError(
            f"{a.name} is {_torch_name(da)} but {b.name} is {_torch_name(db)}; "
            f"both operands must have one dtype (the output takes it too): "
            f"use {b.name}.to({a.name}.dtype)"
        )
    return da


def _check_sizes(sizes: TensorSpec, groups: Any, groups_from: str) -> None:
    dtype = canonical_dtype(sizes.dtype)
    if dtype != "int32":
        raise TypeError(
            f"{sizes.name} must be torch.int32 (the kernels read it as int32[G]), "
            f"got {_torch_name(dtype)}: use {sizes.name}.to(torch.int32)"
        )
    if sizes.rank != 1:
        raise ValueError(
            f"{sizes.name} must be 1-D [G] with one row count per group, got "
            f"shape {_fmt_shape(sizes.shape)}: use {sizes.name}.reshape(-1)"
        )
    if groups is not None and sizes.shape[0] != groups:
        raise ValueError(
            f"{sizes.name} has {sizes.shape[0]} entries but {groups_from} has "
            f"G={groups} groups: pass one row count per group"
        )


def _check_device(t: TensorSpec, device: str, ref: str) -> None:
    if t.device == device:
        return
    if t.name.startswith("sizes") or t.name.startswith("m_sizes"):
        why = (
            " (the kernels read the group sizes on the GPU so that the host "
            "never waits for them)"
        )
    else:
        why = ""
    raise ValueError(
        f"{t.name} is on {t.device} but must be on {device} with the other "
        f"operands{why}: use {t.name}.to({ref}.device)"
    )


def _check_cuda(t: TensorSpec) -> str:
    device = str(t.device)
    # "meta" is what shape propagation (register_fake, torch.compile) uses.
    if device.startswith("cuda") or device == "meta":
        return device
    raise ValueError(
        f"{t.name} is on {device}, but mggemm's kernels run on CUDA devices "
        f"(sm_90): move it with {t.name}.cuda(), or use mggemm.reference for a "
        f"CPU computation"
    )


def _check_contiguous(t: TensorSpec) -> None:
    if not is_contiguous(t.shape, t.stride):
        raise ValueError(
            f"{t.name} is not contiguous (shape {_fmt_shape(t.shape)}, stride "
            f"{_fmt_shape(t.stride)}; expected stride "
            f"{_fmt_shape(contiguous_strides(t.shape))}): call "
            f"{t.name}.contiguous()"
        )


def _check_pointer(t: TensorSpec) -> None:
    if t.data_ptr is not None and t.data_ptr % POINTER_ALIGNMENT != 0:
        raise ValueError(
            f"{t.name} starts at address {t.data_ptr:#x}, which is not "
            f"{POINTER_ALIGNMENT}-byte aligned as TMA requires (a view that "
            f"starts mid-row does this): call {t.name}.clone()"
        )


def _check_multiple(value: Any, what: str, where: str,
                    multiple: int = DIM_ALIGNMENT) -> None:
    if value % multiple != 0:
        pad = (-value) % multiple
        raise ValueError(
            f"{what}={value} ({where}) is not a multiple of {multiple}: "
            f"TMA needs 16-byte aligned row strides; pad {what} to a multiple "
            f"of {multiple} (add {pad} zero columns, e.g. with "
            f"torch.nn.functional.pad, to every operand that has {what})"
        )


def _check_int32(**dims: Any) -> None:
    if dims["M"] > MAX_ROWS:
        raise ValueError(
            f"M={dims['M']} exceeds the kernels' row limit {MAX_ROWS} (2**30 - 1): "
            f"split the tokens into several calls"
        )
    for what, value in dims.items():
        if value > INT32_MAX:
            raise ValueError(
                f"{what}={value} exceeds the kernels' int32 limit {INT32_MAX}: "
                f"split the call into smaller pieces"
            )


def _check_tensors(*tensors: TensorSpec) -> str:
    device = _check_cuda(tensors[0])
    for t in tensors:
        _check_device(t, device, tensors[0].name)
        _check_contiguous(t)
        _check_pointer(t)
    return device


def _check_groups_vs_rows(M: Any, G: Any, rows_from: str) -> None:
    if G == 0 and M != 0:
        raise ValueError(
            f"there are no groups (G=0) but {rows_from} has M={M} rows: every "
            f"row must belong to a group"
        )


def _check_forward_ranks(x: TensorSpec, w: TensorSpec) -> None:
    _check_rank(x, 2, "[M, K] (tokens x features)",
                f"flatten leading dimensions with {x.name}.reshape(-1, {x.name}.shape[-1])")
    _check_rank(w, 3, "[G, N, K] (one nn.Linear weight [N, K] per group)",
                f"for the seed's stacked [G*N, K] layout use {w.name}.view(G, -1, K) "
                f"or mggemm.grouped_gemm_forward")


def check_forward(x: TensorSpec, w: TensorSpec, sizes: TensorSpec) -> Problem:
    """Y[M, N] = per group g: X_g · W[g]ᵀ with X [M, K], W [G, N, K]."""
    _check_forward_ranks(x, w)
    dtype = _check_same_dtype(x, w)
    return _check_forward_shapes(x, w, sizes, dtype, k_multiple=DIM_ALIGNMENT)


def _check_forward_shapes(x: TensorSpec, w: TensorSpec, sizes: TensorSpec,
                          dtype: str, k_multiple: int) -> Problem:
    M, K = x.shape
    G, N, Kw = w.shape
    if K != Kw:
        raise ValueError(
            f"{x.name} has K={K} columns but {w.name} (shape "
            f"{_fmt_shape(w.shape)}, [G, N, K]) has K={Kw}: {x.name}.shape[1] "
            f"must equal {w.name}.shape[2]"
        )
    _check_sizes(sizes, G, w.name)
    _check_multiple(N, "N", f"{w.name}.shape[1]")
    _check_multiple(K, "K", f"{x.name}.shape[1]", k_multiple)
    _check_int32(M=M, N=N, K=K, G=G)
    _check_groups_vs_rows(M, G, x.name)
    device = _check_tensors(x, w, sizes)
    return Problem(M=M, N=N, K=K, G=G, dtype=dtype, device=device)


#: Extent of a scale block along K (and N), SCALE_BLOCK in KernelABI.h.
SCALE_BLOCK = 128

_ROW_SCALES = ("row-wise scales, as mggemm.quantize_fp8_rowwise returns them; "
               "block-wise ones are scale_x [M, ceil(K/128)] and scale_w "
               "[G, ceil(N/128), ceil(K/128)]")
_BLOCK_SCALES = ("block-wise scales, as mggemm.quantize_fp8_blockwise returns "
                 "them; row-wise ones are scale_x [M] and scale_w [G, N]")


def _check_scale(scale: TensorSpec, shape: Tuple[Any, ...], layout: str,
                 device: str, ref: str, blocks: bool,
                 source: Optional[str] = None) -> None:
    """``source`` says where such scales come from (default: the forward's
    row-wise or block-wise ones)."""
    dtype = canonical_dtype(scale.dtype)
    if dtype != "float32":
        raise TypeError(
            f"{scale.name} must be torch.float32 (one scale per "
            f"{'block' if blocks else 'row'}), got {_torch_name(dtype)}: use "
            f"{scale.name}.float()"
        )
    if tuple(scale.shape) != tuple(shape):
        source = source or (_BLOCK_SCALES if blocks else _ROW_SCALES)
        raise ValueError(
            f"{scale.name} must have shape {layout} = {_fmt_shape(shape)}, got "
            f"{_fmt_shape(scale.shape)} ({source})"
        )
    _check_device(scale, device, ref)
    # Block scales of x may have any strides (the op transposes them to
    # [ceil(K/128), M], which is free for column-major ones).
    if not (blocks and scale.rank == 2):
        _check_contiguous(scale)
    if scale.data_ptr is not None and scale.data_ptr % 4 != 0:
        raise ValueError(
            f"{scale.name} starts at address {scale.data_ptr:#x}, which is not "
            f"4-byte aligned: call {scale.name}.clone()"
        )


def _check_fp8_operand(t: TensorSpec, product: str, quantize: str, otherwise: str) -> None:
    dtype = canonical_dtype(t.dtype)
    if dtype != FP8_DTYPE:
        raise TypeError(
            f"{t.name} has dtype {_torch_name(dtype)}, but the {product} takes "
            f"torch.{FP8_DTYPE} operands: quantize with {quantize}, or "
            f"{otherwise} for bf16/f16"
        )


def check_scaled_forward(x: TensorSpec, w: TensorSpec, scale_x: TensorSpec,
                         scale_w: TensorSpec, sizes: TensorSpec) -> Problem:
    """Y[M, N] (bf16) = per group g: (scale_x X_g) · (scale_w[g] W[g])ᵀ with
    fp8 X [M, K], W [G, N, K] and row-wise scales, scale_x [M] and scale_w
    [G, N], or block-wise ones (scale_x of rank 2), scale_x [M, ceil(K/128)]
    per 1 x 128 block of X and scale_w [G, ceil(N/128), ceil(K/128)] per
    128 x 128 block of W."""
    _check_forward_ranks(x, w)
    for t in (x, w):
        _check_fp8_operand(t, "scaled product", f"mggemm.quantize_fp8_rowwise({t.name})",
                           "call grouped_mm without scales")
    # fp8 rows of K elements must fill multiples of 16 bytes.
    p = _check_forward_shapes(x, w, sizes, FP8_DTYPE, k_multiple=16)
    if scale_x.rank == 2:
        kb = (p.K + SCALE_BLOCK - 1) // SCALE_BLOCK
        nb = (p.N + SCALE_BLOCK - 1) // SCALE_BLOCK
        _check_scale(scale_x, (p.M, kb), "[M, ceil(K/128)]", p.device, x.name, True)
        _check_scale(scale_w, (p.G, nb, kb), "[G, ceil(N/128), ceil(K/128)]",
                     p.device, x.name, True)
    else:
        _check_scale(scale_x, (p.M,), "[M]", p.device, x.name, False)
        _check_scale(scale_w, (p.G, p.N), "[G, N]", p.device, x.name, False)
    return p


#: fp8 rows along M (the reduction of the weight gradient) must fill
#: multiples of 16 bytes.
FP8_M_ALIGNMENT = 16

_GROUPED_COLUMN_SCALES = ("one per group and column of dy or x, a row of dy_t or x_t, "
                          "as mggemm.quantize_fp8_grouped_columns returns them")


def check_scaled_grad_weight(dy_t: TensorSpec, x_t: TensorSpec, scale_dy: TensorSpec,
                             scale_x: TensorSpec, sizes: TensorSpec) -> Problem:
    """dW[G, N, K] (bf16) = per group g: (scale_dy[g] dYᵀ_g) · (scale_x[g]
    Xᵀ_g)ᵀ with fp8 operands given transposed, dy_t [N, M] and x_t [K, M]
    (group g's rows of the forward are their columns off_g .. off_g +
    sizes[g] - 1), f32 scales scale_dy [G, N] and scale_x [G, K]. M must be
    a multiple of 16 (columns past the last group are not read) and K of 8
    (dW's bf16 rows); N is no row length here and may be anything."""
    _check_rank(dy_t, 2, "[N, M] (the output gradient, transposed)",
                f"quantize dy [M, N] with mggemm.quantize_fp8_grouped_columns(dy, sizes), "
                f"which returns it transposed")
    _check_rank(x_t, 2, "[K, M] (the forward input, transposed)",
                f"quantize x [M, K] with mggemm.quantize_fp8_grouped_columns(x, sizes), "
                f"which returns it transposed")
    for t, source in ((dy_t, "dy"), (x_t, "x")):
        _check_fp8_operand(t, "fp8 weight gradient",
                           f"mggemm.quantize_fp8_grouped_columns({source}, sizes)",
                           "call grouped_mm_grad_weight")
    N, M = dy_t.shape
    K, Mx = x_t.shape
    if M != Mx:
        raise ValueError(
            f"{dy_t.name} has M={M} columns but {x_t.name} has M={Mx}: both hold "
            f"the same tokens (transposed), so {dy_t.name}.shape[1] must equal "
            f"{x_t.name}.shape[1]"
        )
    _check_sizes(sizes, None, "")
    G = sizes.shape[0]
    if M % FP8_M_ALIGNMENT != 0:
        pad = (-M) % FP8_M_ALIGNMENT
        raise ValueError(
            f"M={M} ({dy_t.name}.shape[1], the tokens) is not a multiple of "
            f"{FP8_M_ALIGNMENT}: TMA needs 16-byte aligned fp8 rows; pad "
            f"{dy_t.name} and {x_t.name} with {pad} columns, which are not read "
            f"(mggemm.quantize_fp8_grouped_columns(t, sizes) returns them padded)"
        )
    _check_multiple(K, "K", f"{x_t.name}.shape[0]")
    _check_int32(M=M, N=N, K=K, G=G)
    _check_groups_vs_rows(M, G, f"{dy_t.name}.shape[1]")
    device = _check_tensors(dy_t, x_t, sizes)
    _check_scale(scale_dy, (G, N), "[G, N]", device, dy_t.name, False,
                 _GROUPED_COLUMN_SCALES)
    _check_scale(scale_x, (G, K), "[G, K]", device, dy_t.name, False,
                 _GROUPED_COLUMN_SCALES)
    return Problem(M=M, N=N, K=K, G=G, dtype=FP8_DTYPE, device=device)


def check_grad_input(dy: TensorSpec, w: TensorSpec, sizes: TensorSpec) -> Problem:
    """dX[M, K] = per group g: dY_g · W[g] with dY [M, N], W [G, N, K]."""
    _check_rank(dy, 2, "[M, N] (the gradient of the forward output)",
                f"flatten leading dimensions with {dy.name}.reshape(-1, {dy.name}.shape[-1])")
    _check_rank(w, 3, "[G, N, K] (one nn.Linear weight [N, K] per group)",
                f"view the seed's stacked [G*N, K] layout as {w.name}.view(G, -1, K)")
    dtype = _check_same_dtype(dy, w)
    M, N = dy.shape
    G, Nw, K = w.shape
    if N != Nw:
        raise ValueError(
            f"{dy.name} has N={N} columns but {w.name} (shape "
            f"{_fmt_shape(w.shape)}, [G, N, K]) has N={Nw}: {dy.name}.shape[1] "
            f"must equal {w.name}.shape[1]"
        )
    _check_sizes(sizes, G, w.name)
    _check_multiple(N, "N", f"{dy.name}.shape[1]")
    _check_multiple(K, "K", f"{w.name}.shape[2]")
    _check_int32(M=M, N=N, K=K, G=G)
    _check_groups_vs_rows(M, G, dy.name)
    device = _check_tensors(dy, w, sizes)
    return Problem(M=M, N=N, K=K, G=G, dtype=dtype, device=device)


def check_grad_weight(dy: TensorSpec, x: TensorSpec, sizes: TensorSpec) -> Problem:
    """dW[G, N, K]: dW[g] = dY_gᵀ · X_g with dY [M, N], X [M, K]."""
    _check_rank(dy, 2, "[M, N] (the gradient of the forward output)",
                f"flatten leading dimensions with {dy.name}.reshape(-1, {dy.name}.shape[-1])")
    _check_rank(x, 2, "[M, K] (the forward input)",
                f"flatten leading dimensions with {x.name}.reshape(-1, {x.name}.shape[-1])")
    dtype = _check_same_dtype(dy, x)
    M, N = dy.shape
    Mx, K = x.shape
    if M != Mx:
        raise ValueError(
            f"{dy.name} has M={M} rows but {x.name} has M={Mx}: both hold the "
            f"same tokens, so {dy.name}.shape[0] must equal {x.name}.shape[0]"
        )
    _check_sizes(sizes, None, "")
    G = sizes.shape[0]
    _check_multiple(N, "N", f"{dy.name}.shape[1]")
    _check_multiple(K, "K", f"{x.name}.shape[1]")
    _check_int32(M=M, N=N, K=K, G=G)
    _check_groups_vs_rows(M, G, dy.name)
    device = _check_tensors(dy, x, sizes)
    return Problem(M=M, N=N, K=K, G=G, dtype=dtype, device=device)


def seed_weight_groups(w_shape: Sequence[Any], groups: Any, name: str = "w") -> Any:
    """N of the seed's stacked weight ``[G*N, K]``; checks that it splits
    evenly into ``groups`` experts."""
    if len(w_shape) != 2:
        raise ValueError(
            f"{name} must be the seed's 2-D stacked weight [G*N, K], got shape "
            f"{_fmt_shape(w_shape)}: pass a [G, N, K] weight to mggemm.grouped_mm"
        )
    rows = w_shape[0]
    if groups == 0 or rows % groups != 0:
        raise ValueError(
            f"{name} has {rows} rows, which do not split into G={groups} equal "
            f"experts: the seed layout stacks one [N, K] weight per group, so "
            f"{name}.shape[0] must be G*N"
        )
    return rows // groups


def check_seed_backward_weight(
    w_shape: Sequence[Any], groups: Any, n: Any, name: str = "w"
) -> None:
    """The seed's backward takes ``w`` as ``[G*N, K]`` with N from grad_output.
    A single shared ``[N, K]`` weight (as an old seed version allowed) is
    not a grouped GEMM, so say how to express it."""
    if len(w_shape) == 2 and w_shape[0] != groups * n:
        raise ValueError(
            f"{name} has shape {_fmt_shape(w_shape)} but grad_output has N={n} "
            f"columns and there are G={groups} groups, so {name} must be "
            f"[G*N, K] = [{groups}*{n}, K]; for one weight shared by all groups "
            f"use a plain matmul, or {name}.repeat(G, 1)"
        )
