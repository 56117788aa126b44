# Sustained runs (about 3 s each) of mggemm forward, torch._grouped_mm and the per-expert
# loop, with nvidia-smi sampling power and SM clock every 100 ms in the background.
import subprocess, sys, time, torch, mggemm
G, M, N, K = map(int, sys.argv[1:5])
REPS = int(sys.argv[5]) if len(sys.argv) > 5 else 2
x = torch.randn(M, K, device="cuda", dtype=torch.bfloat16)
w = torch.randn(G, N, K, device="cuda", dtype=torch.bfloat16) / 64
sizes = torch.full((G,), M // G, device="cuda", dtype=torch.int32)
offs = torch.cumsum(sizes, 0, dtype=torch.int32)
wt = w.transpose(-2, -1)
r = M // G
impls = {
    "ours": lambda: mggemm.grouped_mm(x, w, sizes),
    "tgm": lambda: torch._grouped_mm(x, wt, offs=offs),
    "loop": lambda: [torch.matmul(x[g * r:(g + 1) * r], w[g].t()) for g in range(G)],
}
smi = subprocess.Popen(["nvidia-smi", "--query-gpu=timestamp,power.draw,clocks.sm,temperature.gpu",
                        "--format=csv,noheader,nounits", "-lms", "100"], stdout=subprocess.PIPE, text=True)
marks = []
for rep in range(REPS):
    for name, f in impls.items():
        for _ in range(5): f()
        torch.cuda.synchronize(); time.sleep(1.0)
        t0 = time.time(); e0 = torch.cuda.Event(enable_timing=True); e1 = torch.cuda.Event(enable_timing=True)
        e0.record(); n = 0
        while time.time() - t0 < 3.0:
            for _ in range(20): f()
            n += 20
            torch.cuda.synchronize()
        e1.record(); torch.cuda.synchronize()
        marks.append((name, rep, t0, time.time(), e0.elapsed_time(e1) / n))
time.sleep(0.3); smi.terminate()
samples = []
for line in smi.stdout.read().splitlines():
    ts, p, c, t = [s.strip() for s in line.split(",")]
    tt = time.mktime(time.strptime(ts.split(".")[0], "%Y/%m/%d %H:%M:%S")) + float("0." + ts.split(".")[1])
    samples.append((tt, float(p), float(c), float(t)))
flops = 2 * M * N * K
for name, rep, a, b, ms in marks:
    s = [q for q in samples if a + 1.0 <= q[0] <= b]  # skip the first second
    if not s: print(name, rep, "no samples"); continue
    p = sum(q[1] for q in s) / len(s); c = sum(q[2] for q in s) / len(s)
    tf = flops / ms / 1e9
    print(f"{G},{M},{N},{K} {name:5s} rep{rep} {ms:.4f} ms {tf:6.1f} TFLOP/s  power {p:6.1f} W  clock {c:6.0f} MHz  "
          f"TFLOP/s per GHz {tf / c * 1000:6.1f}  J/PFLOP {p / tf * 1000:6.1f}  temp {s[-1][3]:.0f} n={len(s)}")
