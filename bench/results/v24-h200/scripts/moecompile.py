"""v24 run 9: where the compiled MoE example's fp8 step (row fp8, bf16 dW)
spends its GPU time against bf16's: graph breaks, then the CUDA kernels of
5 profiled steps after 8 warm ones, per backend."""
import importlib.util, sys
import torch
import torch._dynamo.utils

spec = importlib.util.spec_from_file_location("moe", "stage/python/examples/moe.py")
moe = importlib.util.module_from_spec(spec)
sys.modules["moe"] = moe
spec.loader.exec_module(moe)

dev = torch.device("cuda")
cfg = moe.Config(compile=True)
data = moe.MarkovData(cfg.vocab, cfg.branching, cfg.seed, dev)
for backend in ("mggemm", "mggemm_fp8"):
    torch._dynamo.reset()
    torch._dynamo.utils.counters.clear()
    tr = moe.Trainer(cfg, backend, dev)
    for _ in range(8):
        tr.train_step(data.batch(cfg.batch, cfg.seq_len))
    breaks = dict(torch._dynamo.utils.counters["graph_break"])
    print(f"=== {backend}: step {tr.history.step_ms[-1]:.2f} ms, graph breaks {sum(breaks.values())}: "
          f"{list(breaks)[:4]}", flush=True)
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CUDA]) as prof:
        for _ in range(5):
            tr.train_step(data.batch(cfg.batch, cfg.seq_len))
    print(prof.key_averages().table(sort_by="cuda_time_total", row_limit=18, max_name_column_width=60),
          flush=True)
