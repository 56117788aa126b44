"""v26: the Python functions behind an eager MoE-example step's host time
(cProfile over 10 steps after 5 warm ones, per backend): by own time, and
the mggemm / Triton ones by cumulative time."""
import cProfile
import pstats
import sys

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
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(10):
        tr.train_step(tokens)
    prof.disable()
    print(f"==== {backend} (10 steps)")
    st = pstats.Stats(prof).sort_stats("tottime")
    st.print_stats(25)
    st.sort_stats("cumulative").print_stats(r"mggemm|triton", 45)
    del tr
