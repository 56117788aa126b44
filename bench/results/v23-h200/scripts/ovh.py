"""v23 step 2: host time per call of our ops and their parts, on a problem
small enough that the GPU waits for the host (M=512, N=K=256, G=8), against
torch._grouped_mm; then cProfile of the scaled forward op."""
import cProfile, pstats, time
import torch
import mggemm
from mggemm import ops, _checks
from mggemm._library import runtime, DTYPE_CODES

dev = "cuda"
M, N, K, G = 512, 256, 256, 8
sizes = torch.full((G,), M // G, dtype=torch.int32, device=dev)
x = torch.randn(M, K, device=dev, dtype=torch.bfloat16)
w = torch.randn(G, N, K, device=dev, dtype=torch.bfloat16)
dy = torch.randn(M, N, device=dev, dtype=torch.bfloat16)
qx, sx = mggemm.quantize_fp8_rowwise(x)
qw, sw = mggemm.quantize_fp8_rowwise(w)
offs = torch.cumsum(sizes, 0, dtype=torch.int32)
y = torch.empty(M, N, device=dev, dtype=torch.bfloat16)
rt = runtime()


def per_call(fn, n=2000):
    for _ in range(50):
        fn()
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    t1 = time.perf_counter()
    torch.cuda.synchronize()
    return (t1 - t0) / n * 1e6


cases = {
    "torch._grouped_mm": lambda: torch._grouped_mm(x, w.transpose(1, 2), offs=offs),
    "torch.empty": lambda: torch.empty((M, N), dtype=torch.bfloat16, device=dev),
    "3x _spec": lambda: (ops._spec("x", x, True), ops._spec("w", w, True), ops._spec("s", sizes, True)),
    "check_forward (specs built)": (lambda a, b, c: lambda: _checks.check_forward(a, b, c))(
        ops._spec("x", x, True), ops._spec("w", w, True), ops._spec("s", sizes, True)),
    "_stream": lambda: ops._stream(x.device),
    "_on_device": lambda: ops._on_device(x.device),
    "rt.forward (ctypes + runtime)": lambda: rt.forward(x.data_ptr(), w.data_ptr(), sizes.data_ptr(), y.data_ptr(), M, N, K, G, DTYPE_CODES["bfloat16"], ops._stream(x.device)),
    "ops._grouped_mm (custom op)": lambda: ops._grouped_mm(x, w, sizes),
    "mggemm.grouped_mm": lambda: mggemm.grouped_mm(x, w, sizes),
    "torch._scaled_grouped_mm": lambda: torch._scaled_grouped_mm(qx, qw.transpose(1, 2), sx, sw, offs=offs, out_dtype=torch.bfloat16),
    "ops._scaled_grouped_mm": lambda: ops._scaled_grouped_mm(qx, qw, sx, sw, sizes),
    "rt.scaled_forward": lambda: rt.scaled_forward(qx.data_ptr(), qw.data_ptr(), sx.data_ptr(), sw.data_ptr(), sizes.data_ptr(), y.data_ptr(), M, N, K, G, ops.Dtype.E4M3, ops._stream(x.device)),
    "quantize_fp8_rowwise eager": lambda: mggemm.quantize_fp8_rowwise(x),
    "_quantize_fused row (compiled)": lambda: ops._quantize_fused(x, "row"),
    "quantize_fp8_grouped_columns (triton)": lambda: mggemm.quantize_fp8_grouped_columns(x, sizes),
}
for name, fn in cases.items():
    try:
        print(f"{name:40s} {per_call(fn):8.1f} us/call", flush=True)
    except Exception as e:  # noqa
        print(f"{name:40s} failed: {type(e).__name__}: {str(e)[:200]}")

for name, fn in (("ops._scaled_grouped_mm", cases["ops._scaled_grouped_mm"]),
                 ("quantize_fp8_grouped_columns", cases["quantize_fp8_grouped_columns (triton)"])):
    pr = cProfile.Profile()
    pr.enable()
    for _ in range(500):
        fn()
    pr.disable()
    print(f"=== cProfile {name}, 500 calls")
    pstats.Stats(pr).sort_stats("tottime").print_stats(18)
