"""v23 step 2: where the MoE example's step goes, per backend: torch
profiler over 3 steps after 5 warm-up steps (CUDA and CPU time)."""
import sys, time
import torch
sys.path.insert(0, "stage/python/examples")
import moe
from torch.profiler import profile, ProfilerActivity

dev = torch.device("cuda")
cfg = moe.Config()
data = moe.MarkovData(cfg.vocab, cfg.branching, cfg.seed, dev)
for backend in sys.argv[1:]:
    tr = moe.Trainer(cfg, backend, dev)
    batches = [data.batch(cfg.batch, cfg.seq_len) for _ in range(8)]
    for b in batches[:5]:
        tr.train_step(b)
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        for b in batches[5:]:
            tr.train_step(b)
    print(f"=== {backend}: steps {[round(s, 1) for s in tr.history.step_ms]} ms")
    ka = prof.key_averages()
    print(ka.table(sort_by="self_device_time_total", row_limit=25, max_name_column_width=70))
    print(ka.table(sort_by="cpu_time_total", row_limit=20, max_name_column_width=70))
    tr.model.cpu()
    del tr
    torch.cuda.empty_cache()
