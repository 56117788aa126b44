# The quantize lines compare Triton's CPU interpreter with torch's CPU ops:
# they differ in a few fp8 roundings on main's kernel as well (16 of 1152
# bytes on [7, 0, 20, 13]), so only the transpose lines are a check here;
# interp_vs_old.py checks the quantize kernel against main's.
import os, sys
os.environ["TRITON_INTERPRET"] = "1"
sys.path.insert(0, "python")
import torch
from mggemm import ops
from mggemm import _quantize_kernels as qk
torch.manual_seed(0)
ok = True
for sizes, c in [([7, 0, 20, 13], 24), ([130, 0, 300, 1, 97, 128], 40), ([0, 5, 0], 8), ([3], 70),
                 ([256, 128], 16), ([100, -3, 50], 24)]:
    m = max(sum(s for s in sizes if s > 0), 0)
    if -3 in sizes:
        m = 140  # sizes past M: 100 + 50 > 140
    s = torch.tensor(sizes, dtype=torch.int32)
    t = (torch.randn(m, c) * 3).to(torch.bfloat16)
    mp = ops._grouped_columns_width(m, len(sizes))
    for rs in (None, torch.rand(m) + 0.5):
        q1, s1, _ = qk.quantize_grouped_columns(t, s, mp, rs)
        q2, s2, _ = ops._quantize_grouped_columns_torch(t, s, mp, rs)
        used = min(sum(-(-max(n, 0) // 128) * 128 for n in sizes), mp)
        same = torch.equal(q1.view(torch.uint8)[:, :used], q2.view(torch.uint8)[:, :used]) and torch.equal(s1, s2)
        ok &= same
        print("quantize", sizes, c, rs is not None, same)
    qx = (torch.randn(m, c) * 50).to(torch.float8_e4m3fn)
    o1 = qk.transpose_grouped(qx, s, mp)
    o2 = ops._transpose_grouped(qx, s, mp)  # CPU: the torch gather
    used = min(sum(-(-max(n, 0) // 128) * 128 for n in sizes), mp)
    same = torch.equal(o1.view(torch.uint8)[:, :used], o2.view(torch.uint8)[:, :used])
    ok &= same
    print("transpose", sizes, c, same)
print("ALL", ok)
