"""The block kernel against the torch ops in Triton's CPU interpreter (f32
outputs before the cast): run from the repository root with a torch venv."""
import os, sys
os.environ["TRITON_INTERPRET"] = "1"
sys.path.insert(0, "python")
import torch, triton
from mggemm import _quantize_kernels as qk
from mggemm import ops
R = torch.tensor(1 / 448, dtype=torch.float32)


def want(t):
    # the torch ops before the cast (f32), scale as torch CUDA computes it (times 1/448)
    rows = 1 if t.dim() == 2 else 128
    *lead, n, k = t.shape
    nb, kb = -(-n // rows), -(-k // 128)
    t32 = torch.nn.functional.pad(t.float(), (0, kb * 128 - k, 0, nb * rows - n))
    blocks = t32.reshape(*lead, nb, rows, kb, 128)
    amax = blocks.abs().amax(dim=(-3, -1)).clamp(min=1e-12)
    scale = amax * R
    q = (blocks / scale[..., :, None, :, None]).clamp(-448, 448)
    q = q.reshape(*lead, nb * rows, kb * 128)[..., :n, :k]
    return q, scale


for shape, dt in [((37, 300), torch.bfloat16), ((5, 128), torch.float32), ((2, 136, 320), torch.bfloat16),
                  ((1, 128, 256), torch.float32), ((3, 1, 5), torch.bfloat16), ((64, 1), torch.bfloat16)]:
    t = (torch.randn(*shape) * 7).to(dt)
    t[..., :1, :min(128, shape[-1])] = 0
    *lead, n, k = t.shape
    kb = -(-k // 128)
    q = torch.full(t.shape, 7.0)
    if t.dim() == 2:
        scale = torch.empty((kb, n)); rows, strides, batch = 32, (0, 1, n), 1
    else:
        nb = -(-n // 128); scale = torch.empty((*lead, nb, kb)); rows, strides, batch = 128, (nb * kb, kb, 1), lead[0]
    qk._blockwise_kernel[(triton.cdiv(n, rows), kb, batch)](t, q, scale, n, k, *strides,
                                                            WHOLE_TILE=t.dim() == 3, BLOCK_R=rows, BLOCK_K=128)
    wq, ws = want(t)
    got_s = scale.t() if t.dim() == 2 else scale
    print(shape, dt, torch.equal(q, wq), torch.equal(got_s, ws))
# the torch-ops path agrees with want() after the cast
t = torch.randn(2, 136, 320)
q, s = ops._quantize_blockwise_torch(t)
wq, ws = want(t)
print("torch path", torch.equal(q.float(), wq.to(torch.float8_e4m3fn).float()), (s - ws).abs().max().item())
