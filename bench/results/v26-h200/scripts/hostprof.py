"""v26: where an eager MoE-example training step's host time goes, per
backend (examples/moe.py's default model; 5 warm steps, then the CPU and
CUDA profiler over 5 steps): the step's wall time, the GPU's kernel time,
and the ops by self CPU time."""
import sys
import time

import torch

sys.path.insert(0, "stage/python/examples")
import moe  # noqa: E402

cfg = moe.Config()
dev = torch.device("cuda")
data = moe.MarkovData(cfg.vocab, cfg.branching, cfg.seed, dev)
tokens = data.batch(cfg.batch, cfg.seq_len)
for backend in sys.argv[1:]:
    tr = moe.Trainer(cfg, backend, dev)
    for _ in range(5):
        tr.train_step(tokens)
    t0 = time.perf_counter()
    for _ in range(5):
        tr.train_step(tokens)
    wall = (time.perf_counter() - t0) / 5 * 1e3
    acts = [torch.profiler.ProfilerActivity.CPU, torch.profiler.ProfilerActivity.CUDA]
    with torch.profiler.profile(activities=acts) as prof:
        for _ in range(5):
            tr.train_step(tokens)
    events = prof.key_averages()
    gpu = sum(e.self_device_time_total for e in events) / 5e3
    print(f"== {backend}: step {wall:.2f} ms wall (unprofiled), GPU kernels {gpu:.2f} ms/step")
    for e in sorted(events, key=lambda e: -e.self_cpu_time_total)[:22]:
        print(f"  {e.self_cpu_time_total / 5e3:7.3f} ms self CPU  x{e.count // 5:<4d} {e.key[:90]}")
    del tr
    torch.cuda.empty_cache()
