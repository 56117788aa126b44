"""A small Mixture-of-Experts language model whose experts run on mggemm.

Each layer is a tiny causal attention followed by an MoE block: a router
picks the top-k experts per token, the (token, expert) pairs are sorted by
expert so every expert's tokens are one contiguous row group, and the expert
SwiGLU MLPs (gate/up and down, weights stacked per expert as [E, N, K]) run
as grouped GEMMs on those groups. The group sizes stay on the GPU: with
``--backend mggemm`` a training step never waits for the host.

The data is a fixed random Markov chain over the vocabulary, so the loss
can fall, and its entropy rate (printed) is the best loss any model can
reach.

    python examples/moe.py --backend both          # mggemm vs per-expert loop
    python examples/moe.py --backend all           # and mggemm in fp8
    python examples/moe.py --backend loop --steps 20

``--backend loop`` is the usual per-expert ``torch.matmul`` loop (it reads the
group sizes on the host); ``both`` trains two copies from the same seed on
the same batches and prints both loss curves and step times.
``--backend mggemm_fp8`` runs the expert GEMMs through ``mggemm.grouped_mm_fp8``
(forward and input gradient in fp8 with row-wise scales, weight gradient in
bf16), ``mggemm_fp8_block`` the same with 1 x 128 / 128 x 128 block scales,
``mggemm_fp8_dw`` the row-scaled one with the weight gradient in fp8 too
(``fp8_grad_weight=True``); ``all`` trains all five.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

try:  # running from a checkout without installing the package
    import mggemm
except ImportError:  # pragma: no cover
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import mggemm

BACKENDS = ("mggemm", "loop")
FP8_BACKENDS = ("mggemm_fp8", "mggemm_fp8_block", "mggemm_fp8_dw")
ALL_BACKENDS = ("mggemm", *FP8_BACKENDS, "loop")


@dataclass
class Config:
    vocab: int = 4096
    d_model: int = 1024
    ffn: int = 2048
    experts: int = 8
    top_k: int = 2
    layers: int = 4
    heads: int = 8
    seq_len: int = 1024
    batch: int = 8          # 8 x 1024 = 8k tokens per step
    steps: int = 50
    lr: float = 1e-3
    warmup: int = 5
    aux_weight: float = 1e-2
    branching: int = 4      # successors per token in the Markov chain
    eval_batches: int = 4
    seed: int = 0
    compile: bool = False
    compile_mode: str = "default"  # torch.compile's mode with --compile, e.g. reduce-overhead


# ------------------------------------------------------------------ data


class MarkovData:
    """A fixed random first-order Markov chain: token t is followed by one of
    ``branching`` tokens drawn at random, with Dirichlet(1) probabilities."""

    def __init__(self, vocab: int, branching: int, seed: int, device: torch.device) -> None:
        gen = torch.Generator().manual_seed(seed)
        self.successors = torch.randint(vocab, (vocab, branching), generator=gen).to(device)
        weights = -torch.log(torch.rand(vocab, branching, generator=gen))  # Exp(1) -> Dirichlet(1)
        probs = weights / weights.sum(-1, keepdim=True)
        self.cumulative = probs.cumsum(-1).to(device)
        self.vocab = vocab
        self.device = device
        self.entropy_rate = self._entropy_rate(probs.to(device))
        self.gen = torch.Generator(device=device).manual_seed(seed + 1)

    def _entropy_rate(self, probs: torch.Tensor) -> float:
        """Stationary-weighted entropy of the next token (nats): the loss of
        a perfect model."""
        transition = torch.zeros(self.vocab, self.vocab, device=self.device)
        transition.scatter_add_(1, self.successors, probs)
        pi = torch.full((self.vocab,), 1.0 / self.vocab, device=self.device)
        for _ in range(200):
            pi = pi @ transition
        row_entropy = -(probs * probs.clamp_min(1e-30).log()).sum(-1)
        return float((pi * row_entropy).sum())

    def batch(self, batch: int, seq_len: int) -> torch.Tensor:
        """[batch, seq_len + 1] token ids."""
        tokens = torch.empty(batch, seq_len + 1, dtype=torch.long, device=self.device)
        cur = torch.randint(self.vocab, (batch,), device=self.device, generator=self.gen)
        uniform = torch.rand(batch, seq_len, device=self.device, generator=self.gen)
        tokens[:, 0] = cur
        for t in range(seq_len):
            choice = (uniform[:, t, None] > self.cumulative[cur]).sum(-1)
            choice = choice.clamp_max(self.successors.shape[1] - 1)
            cur = self.successors[cur, choice]
            tokens[:, t + 1] = cur
        return tokens


# ----------------------------------------------------------------- model


def expert_matmul(backend: str, x: torch.Tensor, w: torch.Tensor, sizes: torch.Tensor,
                  counts: Optional[List[int]]) -> torch.Tensor:
    """Rows of ``x`` sorted by expert times each expert's ``w[e]ᵀ``.

    mggemm: one grouped GEMM, sizes read on the GPU. loop: one matmul per
    expert, with the sizes copied to the host (``counts``) beforehand.
    """
    if backend == "mggemm":
        return mggemm.grouped_mm(x, w, sizes)
    if backend == "mggemm_fp8":
        return mggemm.grouped_mm_fp8(x, w, sizes)
    if backend == "mggemm_fp8_block":
        return mggemm.grouped_mm_fp8(x, w, sizes, scaling="block")
    if backend == "mggemm_fp8_dw":
        return mggemm.grouped_mm_fp8(x, w, sizes, fp8_grad_weight=True)
    assert counts is not None
    outs, start = [], 0
    for e, n in enumerate(counts):
        if n:
            outs.append(torch.matmul(x[start:start + n], w[e].t()))
        start += n
    return torch.cat(outs) if outs else x.new_zeros((0, w.shape[1]))


class Attention(nn.Module):
    def __init__(self, cfg: Config) -> None:
        super().__init__()
        self.heads = cfg.heads
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model, bias=False)
        self.out = nn.Linear(cfg.d_model, cfg.d_model, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.heads, d // self.heads).unbind(2)
        y = F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2),
                                           v.transpose(1, 2), is_causal=True)
        return self.out(y.transpose(1, 2).reshape(b, t, d))


class MoE(nn.Module):
    """Top-k routed SwiGLU experts with a load-balancing loss.

    Weights are fp32 masters cast to bf16 for the GEMMs (the usual mixed
    precision), stacked per expert as nn.Linear weights: ``w_gate_up``
    [E, 2F, D] (gate rows, then up rows) and ``w_down`` [E, D, F].
    """

    def __init__(self, cfg: Config, backend: str) -> None:
        super().__init__()
        self.backend = backend
        self.top_k = cfg.top_k
        self.experts = cfg.experts
        self.router = nn.Linear(cfg.d_model, cfg.experts, bias=False)
        nn.init.normal_(self.router.weight, std=0.02)
        self.w_gate_up = nn.Parameter(torch.randn(cfg.experts, 2 * cfg.ffn, cfg.d_model)
                                      / cfg.d_model**0.5)
        self.w_down = nn.Parameter(torch.randn(cfg.experts, cfg.d_model, cfg.ffn)
                                   / cfg.ffn**0.5)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        tokens = x.shape[0]
        probs = self.router(x).float().softmax(-1)                 # [T, E]
        weight, expert = probs.topk(self.top_k, dim=-1)           # [T, k]
        weight = weight / weight.sum(-1, keepdim=True)

        # Sort the (token, expert) pairs by expert: each expert's rows become
        # one contiguous group. Counting with scatter_add keeps the shapes
        # static and the sizes on the GPU.
        flat_expert = expert.reshape(-1)
        order = torch.argsort(flat_expert, stable=True)
        token_of = order // self.top_k
        sizes = torch.zeros(self.experts, dtype=torch.int64, device=x.device)
        sizes = sizes.scatter_add_(0, flat_expert, torch.ones_like(flat_expert))
        sizes32 = sizes.to(torch.int32)
        counts = sizes.tolist() if self.backend == "loop" else None

        xs = x[token_of].to(torch.bfloat16)                       # [T*k, D]
        h = expert_matmul(self.backend, xs, self.w_gate_up.to(torch.bfloat16), sizes32, counts)
        gate, up = h.chunk(2, dim=-1)
        act = F.silu(gate) * up                                   # [T*k, F], contiguous
        ys = expert_matmul(self.backend, act, self.w_down.to(torch.bfloat16), sizes32, counts)
        ys = ys * weight.reshape(-1)[order, None].to(ys.dtype)
        out = torch.zeros_like(x).index_add_(0, token_of, ys.to(x.dtype))

        # Switch-Transformer balance loss: E * sum_e (fraction of routed
        # rows on e) * (mean router probability of e); 1 when uniform.
        fraction = sizes.float() / (tokens * self.top_k)
        aux = self.experts * (fraction * probs.mean(0)).sum()
        return out, aux


class Block(nn.Module):
    def __init__(self, cfg: Config, backend: str) -> None:
        super().__init__()
        self.norm1 = nn.RMSNorm(cfg.d_model)
        self.attn = Attention(cfg)
        self.norm2 = nn.RMSNorm(cfg.d_model)
        self.moe = MoE(cfg, backend)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        x = x + self.attn(self.norm1(x))
        b, t, d = x.shape
        y, aux = self.moe(self.norm2(x).reshape(b * t, d))
        return x + y.view(b, t, d), aux


class MoELM(nn.Module):
    def __init__(self, cfg: Config, backend: str) -> None:
        super().__init__()
        self.embed = nn.Embedding(cfg.vocab, cfg.d_model)
        self.blocks = nn.ModuleList(Block(cfg, backend) for _ in range(cfg.layers))
        self.norm = nn.RMSNorm(cfg.d_model)
        self.head = nn.Linear(cfg.d_model, cfg.vocab, bias=False)

    def forward(self, tokens: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Logits [B, T, V] and the balance loss averaged over layers (1.0
        when every layer routes uniformly)."""
        x = self.embed(tokens)
        aux = x.new_zeros((), dtype=torch.float32)
        for block in self.blocks:
            x, block_aux = block(x)
            aux = aux + block_aux
        return self.head(self.norm(x)), aux / len(self.blocks)


# -------------------------------------------------------------- training


@dataclass
class History:
    backend: str
    loss: List[float] = field(default_factory=list)       # cross-entropy per step
    aux: List[float] = field(default_factory=list)
    step_ms: List[float] = field(default_factory=list)
    eval_loss: float = float("nan")

    def median_ms(self, skip: int = 3) -> float:
        times = self.step_ms[skip:] if len(self.step_ms) > skip else self.step_ms
        return statistics.median(times) if times else float("nan")


class Trainer:
    """One model copy, its optimizer and its history."""

    def __init__(self, cfg: Config, backend: str, device: torch.device) -> None:
        torch.manual_seed(cfg.seed)  # same initial weights for every backend
        self.cfg = cfg
        self.model = MoELM(cfg, backend).to(device)
        self.opt = torch.optim.AdamW(self.model.parameters(), lr=cfg.lr, betas=(0.9, 0.95),
                                     weight_decay=0.0, fused=device.type == "cuda")
        self.sched = torch.optim.lr_scheduler.LambdaLR(
            self.opt, lambda s: min(1.0, (s + 1) / max(1, cfg.warmup)))
        self.step_fn = (torch.compile(self._loss, mode=cfg.compile_mode) if cfg.compile
                        else self._loss)
        self.history = History(backend)
        self.device = device

    def _loss(self, tokens: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        with torch.autocast(self.device.type, dtype=torch.bfloat16):
            logits, aux = self.model(tokens[:, :-1])
        ce = F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]),
                             tokens[:, 1:].reshape(-1))
        return ce, aux

    def train_step(self, tokens: torch.Tensor) -> None:
        torch.cuda.synchronize(self.device)
        start = time.perf_counter()
        ce, aux = self.step_fn(tokens)
        (ce + self.cfg.aux_weight * aux).backward()
        self.opt.step()
        self.opt.zero_grad(set_to_none=True)
        self.sched.step()
        torch.cuda.synchronize(self.device)
        self.history.step_ms.append((time.perf_counter() - start) * 1e3)
        self.history.loss.append(float(ce.detach()))
        self.history.aux.append(float(aux.detach()))

    @torch.no_grad()
    def evaluate(self, batches: Sequence[torch.Tensor]) -> float:
        self.model.eval()
        losses = [float(self._loss(b)[0]) for b in batches]
        self.model.train()
        self.history.eval_loss = sum(losses) / len(losses)
        return self.history.eval_loss


def _progress(steps: int, enabled: bool) -> Iterable[int]:
    if not enabled:
        return range(steps)
    try:
        from tqdm import tqdm
    except ImportError:
        return range(steps)
    return tqdm(range(steps), desc="train", unit="step", dynamic_ncols=True)


def train(cfg: Config, backends: Sequence[str], device: Optional[torch.device] = None,
          progress: bool = True, log_every: int = 0) -> Tuple[Dict[str, History], float]:
    """Train one copy per backend on the same batches, interleaved step by
    step (so drift in clocks affects both alike). Returns the histories and
    the data's entropy rate (the best achievable loss)."""
    device = device or torch.device("cuda")
    data = MarkovData(cfg.vocab, cfg.branching, cfg.seed, device)
    eval_data = [data.batch(cfg.batch, cfg.seq_len) for _ in range(cfg.eval_batches)]
    trainers = [Trainer(cfg, b, device) for b in backends]
    bar = _progress(cfg.steps, progress)
    for step in bar:
        tokens = data.batch(cfg.batch, cfg.seq_len)
        for tr in trainers:
            tr.train_step(tokens)
        if hasattr(bar, "set_postfix"):
            bar.set_postfix({tr.history.backend: f"{tr.history.loss[-1]:.3f}/{tr.history.step_ms[-1]:.0f}ms"
                             for tr in trainers})
        if log_every and (step % log_every == 0 or step == cfg.steps - 1):
            _log_row(step, trainers, bar)
    for tr in trainers:
        tr.evaluate(eval_data)
    return {tr.history.backend: tr.history for tr in trainers}, data.entropy_rate


def _log_row(step: int, trainers: Sequence[Trainer], bar: object) -> None:
    cells = "  ".join(f"{tr.history.backend}: loss {tr.history.loss[-1]:7.4f} "
                      f"aux {tr.history.aux[-1]:6.3f} {tr.history.step_ms[-1]:8.1f} ms"
                      for tr in trainers)
    line = f"step {step:4d}  {cells}"
    write = getattr(bar, "write", None)
    write(line) if write else print(line)


def report(cfg: Config, histories: Dict[str, History], entropy: float) -> str:
    tokens = cfg.batch * cfg.seq_len
    lines = [f"tokens/step {tokens}, best possible loss (entropy rate) {entropy:.4f} nats"]
    lines.append(f"{'backend':16s} {'first':>8s} {'last':>8s} {'eval':>8s} {'ms/step':>9s} {'tok/s':>10s}")
    for name, h in histories.items():
        ms = h.median_ms()
        lines.append(f"{name:16s} {h.loss[0]:8.4f} {h.loss[-1]:8.4f} {h.eval_loss:8.4f} "
                     f"{ms:9.2f} {tokens / ms * 1e3:10.0f}")
    if "loop" in histories:
        b = histories["loop"]
        for name in ("mggemm", *FP8_BACKENDS):
            if name not in histories:
                continue
            a = histories[name]
            drift = max(abs(x - y) for x, y in zip(a.loss, b.loss))
            lines.append(f"{name} speedup over the loop: {b.median_ms() / a.median_ms():.2f}x "
                         f"(median step, first 3 steps excluded); max loss difference "
                         f"{drift:.4f}")
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    defaults = Config()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--backend", choices=(*ALL_BACKENDS, "both", "all"), default="both")
    for name, value in asdict(defaults).items():
        flag = "--" + name.replace("_", "-")
        if isinstance(value, bool):
            ap.add_argument(flag, action="store_true", default=value)
        else:
            ap.add_argument(flag, type=type(value), default=value)
    ap.add_argument("--log-every", type=int, default=5, help="print a loss row every N steps")
    ap.add_argument("--json", type=Path, help="write the loss curves and step times here")
    ap.add_argument("--no-progress", action="store_true")
    args = ap.parse_args(argv)
    cfg = Config(**{k: getattr(args, k) for k in asdict(defaults)})
    backends = {"both": BACKENDS, "all": ALL_BACKENDS}.get(args.backend, (args.backend,))
    if not torch.cuda.is_available():
        print("this example needs a CUDA GPU", file=sys.stderr)
        return 2
    if any(b.startswith("mggemm") for b in backends) and not mggemm.is_available():
        print("libmggemm_runtime.so not found (set MGGEMM_RUNTIME_LIB); use --backend loop",
              file=sys.stderr)
        return 2
    torch.backends.cuda.matmul.allow_tf32 = True
    histories, entropy = train(cfg, backends, progress=not args.no_progress,
                               log_every=args.log_every)
    print(report(cfg, histories, entropy))
    if args.json:
        args.json.write_text(json.dumps({"config": asdict(cfg), "entropy_rate": entropy,
                                         "histories": {k: asdict(v) for k, v in histories.items()}},
                                        indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
