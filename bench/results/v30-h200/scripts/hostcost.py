"""v30 runs 2-3: host time per call of the Python ops (tiny shapes, so the GPU
never holds the host up), their parts, and torch's ops beside them."""
import cProfile, io, pstats, sys, time
import torch, mggemm
from mggemm import ops
from mggemm._checks import check_scaled_forward, check_forward

dev = torch.device("cuda", 0)
G, M, N, K = 8, 1024, 256, 512
sizes = torch.full((G,), M // G, dtype=torch.int32, device=dev)
offs = torch.cumsum(sizes, 0, dtype=torch.int32)
x = torch.randn(M, K, device=dev, dtype=torch.bfloat16)
w = torch.randn(G, N, K, device=dev, dtype=torch.bfloat16)
qx, sx = mggemm.quantize_fp8_rowwise(x)
qw, sw = mggemm.quantize_fp8_rowwise(w)
bqx, bsx = mggemm.quantize_fp8_blockwise(x)
bqw, bsw = mggemm.quantize_fp8_blockwise(w)
dy = torch.randn(M, N, device=dev, dtype=torch.bfloat16)
qdy_t, sdy, padded = mggemm.quantize_fp8_grouped_columns(dy, sizes)
qx_t, sxc, _ = mggemm.quantize_fp8_grouped_columns(x, sizes)
rt = mggemm._library.runtime() if hasattr(mggemm, "_library") else None
from mggemm._library import runtime
rt = runtime()
y = torch.empty(M, N, device=dev, dtype=torch.bfloat16)
xw = w.requires_grad_(False)
xt = x.clone().requires_grad_(True); wt = w.clone().requires_grad_(True)

def host_us(fn, n=1000, repeats=5):
    for _ in range(100): fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(n): fn()
        times.append((time.perf_counter() - t) / n * 1e6)
        torch.cuda.synchronize()
    return sorted(times)[repeats // 2]

from mggemm._library import Dtype
fns = {
 "ours bf16 grouped_mm": lambda: mggemm.grouped_mm(x, w, sizes),
 "torch._grouped_mm bf16": lambda: torch._grouped_mm(x, w.transpose(-2, -1), offs=offs),
 "ours fp8 row grouped_mm": lambda: mggemm.grouped_mm(qx, qw, sizes, scale_x=sx, scale_w=sw),
 "torch._scaled_grouped_mm row": lambda: torch._scaled_grouped_mm(qx, qw.transpose(-2, -1), scale_a=sx, scale_b=sw, offs=offs, out_dtype=torch.bfloat16),
 "ours fp8 block grouped_mm": lambda: mggemm.grouped_mm(bqx, bqw, sizes, scale_x=bsx, scale_w=bsw),
 "ours scaled_grouped_mm_grad_weight": lambda: mggemm.scaled_grouped_mm_grad_weight(qdy_t, qx_t, sdy, sxc, padded),
 "ours bf16 grouped_mm_grad_weight": lambda: mggemm.grouped_mm_grad_weight(dy, x, sizes),
 "part: 5 _spec": lambda: [ops._spec("x", qx, True), ops._spec("w", qw, True), ops._spec("a", sx, True), ops._spec("b", sw, True), ops._spec("s", sizes, True)],
 "part: check_scaled_forward": (lambda sp: lambda: check_scaled_forward(*sp))([ops._spec("x", qx, True), ops._spec("w", qw, True), ops._spec("a", sx, True), ops._spec("b", sw, True), ops._spec("s", sizes, True)]),
 "part: torch.empty": lambda: torch.empty((M, N), dtype=torch.bfloat16, device=dev),
 "part: _stream": lambda: ops._stream(dev),
 "part: _plain_eager_call": lambda: ops._plain_eager_call((qx, qw, sx, sw, sizes)),
 "part: rt.scaled_forward (C, ctypes)": lambda: rt.scaled_forward(qx.data_ptr(), qw.data_ptr(), sx.data_ptr(), sw.data_ptr(), sizes.data_ptr(), y.data_ptr(), M, N, K, G, Dtype.E4M3, ops._stream(dev)),
 "part: quantize_fp8_rowwise(x)": lambda: mggemm.quantize_fp8_rowwise(x),
 "part: quantize_fp8_blockwise(x)": lambda: mggemm.quantize_fp8_blockwise(x),
 "part: quantize_fp8_grouped_columns(dy)": lambda: mggemm.quantize_fp8_grouped_columns(dy, sizes),
 "train fp8 row fwd (no grad)": lambda: mggemm.grouped_mm_fp8(x, w, sizes),
 "train fp8 block fwd (no grad)": lambda: mggemm.grouped_mm_fp8(x, w, sizes, "block"),
}
def fwd_bwd(scaling, fp8dw):
    def f():
        yy = mggemm.grouped_mm_fp8(xt, wt, sizes, scaling, fp8_grad_weight=fp8dw)
        yy.backward(dy)
    return f
fns["train fp8 row fwd+bwd"] = fwd_bwd("row", False)
fns["train fp8 row fwd+bwd fp8 dW"] = fwd_bwd("row", True)
fns["train fp8 block fwd+bwd"] = fwd_bwd("block", False)
def bf16_fb():
    yy = mggemm.grouped_mm(xt, wt, sizes); yy.backward(dy)
fns["train bf16 fwd+bwd"] = bf16_fb
for name, fn in (fns.items() if len(sys.argv) == 1 else []):
    print(f"{name:42s} {host_us(fn, n=200 if name.startswith('train') else 1000):8.1f} us/call", flush=True)
for name in [] and ["ours fp8 row grouped_mm", "ours scaled_grouped_mm_grad_weight", "train fp8 row fwd+bwd fp8 dW"]:
    pr = cProfile.Profile(); fn = fns[name]
    pr.enable()
    for _ in range(2000): fn()
    pr.disable(); torch.cuda.synchronize()
    s = io.StringIO(); pstats.Stats(pr, stream=s).sort_stats("tottime").print_stats(25)
    print("==== profile:", name); print(s.getvalue())

# The backward's parts from the main thread, and the backward through the
# autograd engine (its CUDA work runs on the engine's device thread).
if len(sys.argv) > 1 and sys.argv[1] == "backward":
    qw_, sw_ = ops._quantize_rowwise(w)
    qx_, sx_ = ops._quantize_rowwise(x)
    parts = {
        "bwd part: dx (row, on qw)": lambda: ops._grad_input_fp8_on_row_scaled_w(dy, qw_, sw_, sizes, False),
        "bwd part: dW fp8 (row, on qx)": lambda: ops._grad_weight_fp8_on_row_scaled_x(dy, qx_, sx_, sizes, False),
        "bwd part: dW bf16": lambda: ops._grouped_mm_grad_weight(dy, x, sizes),
        "bwd part: _quantize_rowwise(dy, sizes, sw)": lambda: ops._quantize_rowwise(dy, sizes, sw_),
        "bwd part: _transpose_fp8(qw)": lambda: ops._transpose_fp8(qw_),
        "bwd part: _quantize_grouped_columns(dy)": lambda: ops._quantize_grouped_columns(dy, sizes, row_scale=sx_),
        "bwd part: _transpose_grouped(qx)": lambda: ops._transpose_grouped(qx_, sizes, ops._grouped_columns_width(M, G)),
        "bwd part: torch.ones": lambda: torch.ones((G, K), dtype=torch.float32, device=dev),
    }
    yy = mggemm.grouped_mm_fp8(xt, wt, sizes, "row", fp8_grad_weight=True)
    parts["bwd via engine (fp8 dW), retain_graph"] = lambda: yy.backward(dy, retain_graph=True)
    yb = mggemm.grouped_mm(xt, wt, sizes)
    parts["bwd via engine (bf16), retain_graph"] = lambda: yb.backward(dy, retain_graph=True)
    for name, fn in parts.items():
        print(f"{name:42s} {host_us(fn, n=300):8.1f} us/call", flush=True)
