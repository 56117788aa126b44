"""v23 step 5: the quantizer's two kernels timed alone on X [65536, 7168]
(32 imbalanced groups) and dY [65536, 4096]: tiles and warps, and a cast
kernel that loads one scale row where the tile lies inside one group."""
import itertools, os, sys
import torch
import triton
import triton.language as tl
import mggemm
from mggemm import ops, _quantize_kernels as qk
from mggemm.splits import make_split

INTERP = os.environ.get("TRITON_INTERPRET") == "1"
dev = "cpu" if INTERP else "cuda"


@triton.jit
def cast_uniform_kernel(t_ptr, ends_ptr, scale_ptr, q_ptr, m, c, g, mp, stride_t,
                        LOG_G: tl.constexpr, BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr):
    rows = tl.program_id(0) * BLOCK_R + tl.arange(0, BLOCK_R)
    cols = tl.program_id(1) * BLOCK_C + tl.arange(0, BLOCK_C)
    col_ok = cols < c
    offsets = rows.to(tl.int64)[:, None] * stride_t + cols[None, :]
    a = tl.load(t_ptr + offsets, mask=(rows < m)[:, None] & col_ok[None, :], other=0.0)
    group = qk._row_groups(ends_ptr, rows, g, LOG_G)
    first = tl.min(group)
    last = tl.max(group)
    if first == last:
        scale = tl.broadcast_to(tl.load(scale_ptr + first * c + cols, mask=col_ok, other=1.0)[None, :],
                                (BLOCK_R, BLOCK_C))
    else:
        scale = tl.load(scale_ptr + group[:, None] * c + cols[None, :], mask=col_ok[None, :], other=1.0)
    q = tl.clamp(tl.div_rn(a.to(tl.float32), scale), -qk._E4M3_MAX, qk._E4M3_MAX)
    q_offsets = cols.to(tl.int64)[None, :] * mp + rows[:, None]
    tl.store(q_ptr + q_offsets, q.to(q_ptr.dtype.element_ty), mask=(rows < mp)[:, None] & col_ok[None, :])


def timeit(fn, iters=20):
    if INTERP:
        fn(); return 1.0
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    ts = []
    for _ in range(iters):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record(); fn(); b.record(); b.synchronize()
        ts.append(a.elapsed_time(b))
    ts.sort()
    return ts[len(ts) // 2]


shapes = [(65536, 7168, 32), (65536, 4096, 32)] if not INTERP else [(700, 136, 5)]
for m, c, g in shapes:
    sizes = torch.tensor(make_split("imbalanced", m, g, seed=0), dtype=torch.int32, device=dev)
    t = torch.randn(m, c, device=dev, dtype=torch.bfloat16)
    mp = -(-m // 16) * 16
    ends = torch.cumsum(sizes.clamp(min=0), 0, dtype=torch.int32)
    lg = (g - 1).bit_length()
    amax = torch.zeros((g, c), dtype=torch.float32, device=dev)
    qdt = torch.float32 if INTERP else torch.float8_e4m3fn
    q = torch.empty((c, mp), dtype=qdt, device=dev)
    gb = t.numel() * 2 / 1e6
    res = []
    for br, bc, nw in itertools.product([128, 256, 512], [32, 64, 128], [4, 8]):
        if INTERP and (br, bc, nw) != (128, 64, 4):
            continue
        grid = (triton.cdiv(m, br), triton.cdiv(c, bc))
        fn = lambda: qk._grouped_column_amax_kernel[grid](t, ends, amax.zero_(), m, c, g, t.stride(0), LOG_G=lg, BLOCK_R=br, BLOCK_C=bc, num_warps=nw)
        res.append((timeit(fn), f"amax {br}x{bc} w{nw}"))
    res.sort()
    for ms, name in res[:5]:
        print(f"M={m} C={c}: {name}: {ms:.3f} ms ({gb / ms:.0f} GB/s read)", flush=True)
    scale = amax.clamp(min=1e-12) / 448
    ref = None
    res = []
    for (kname, kern), br, bc, nw in itertools.product([("gather", qk._scaled_cast_transpose_kernel), ("uniform", cast_uniform_kernel)],
                                                        [32, 64, 128], [64, 128], [4, 8]):
        if INTERP and (br, bc, nw) != (64, 64, 4):
            continue
        grid = (triton.cdiv(mp, br), triton.cdiv(c, bc))
        fn = lambda: kern[grid](t, ends, scale, q, m, c, g, mp, t.stride(0), LOG_G=lg, BLOCK_R=br, BLOCK_C=bc, num_warps=nw)
        ms = timeit(fn)
        got = q.clone()
        if ref is None:
            ref = got
        ok = torch.equal(got.view(torch.uint8) if not INTERP else got, ref.view(torch.uint8) if not INTERP else ref)
        res.append((ms, f"cast {kname} {br}x{bc} w{nw} same={ok}"))
    res.sort()
    for ms, name in res[:8]:
        print(f"M={m} C={c}: {name}: {ms:.3f} ms ({gb * 1.5 / ms:.0f} GB/s read+write)", flush=True)
    print(f"M={m} C={c}: all cast variants equal: {all('same=True' in n for _, n in res)}")
