# New Triton cast-transpose (padded layout) against main's (unpadded), both in
# Triton's CPU interpreter: the same bytes, moved to the padded columns.
import os, sys, importlib
os.environ["TRITON_INTERPRET"] = "1"
import torch

def load(path):
    for k in [k for k in sys.modules if k.startswith("mggemm")]:
        del sys.modules[k]
    sys.path.insert(0, path)
    import mggemm.ops as ops, mggemm._quantize_kernels as qk
    sys.path.pop(0)
    return ops, qk

new_ops, new_qk = load("python")
old_ops, old_qk = load("/tmp/oldpy/python")
ok = True
for sizes, c, m in [([7, 0, 20, 13], 24, 40), ([130, 0, 300, 1, 97, 128], 40, 656), ([0, 5, 0], 8, 5),
                    ([3], 70, 3), ([256, 128], 16, 384), ([100, -3, 50], 24, 140)]:
    torch.manual_seed(1)
    s = torch.tensor(sizes, dtype=torch.int32)
    t = (torch.randn(m, c) * 3).to(torch.bfloat16)
    mp_old = -(-m // 16) * 16
    mp = new_ops._grouped_columns_width(m, len(sizes))
    for rs in (None, torch.rand(m) + 0.5):
        q_new, s_new, p_new = new_qk.quantize_grouped_columns(t, s, mp, rs)
        q_old, s_old = old_qk.quantize_grouped_columns(t, s, mp_old, rs)
        want = torch.zeros((c, mp), dtype=torch.uint8)
        lo = plo = 0
        for n in sizes:
            n = max(n, 0)
            hi = min(lo + n, m)
            want[:, plo:plo + hi - lo] = q_old.view(torch.uint8)[:, lo:hi]
            lo += n; plo += -(-n // 128) * 128
            lo = min(lo, m)
        used = min(sum(-(-max(n, 0) // 128) * 128 for n in sizes), mp)
        same = torch.equal(q_new.view(torch.uint8)[:, :used], want[:, :used])
        same &= torch.equal(s_new, s_old)
        same &= p_new.tolist() == [-(-max(n, 0) // 128) * 128 for n in sizes]
        q_t2, s_t2, p_t2 = new_ops._quantize_grouped_columns_torch(t, s, mp, rs)
        same &= torch.equal(p_t2, p_new) and torch.equal(s_t2, s_new)
        ok &= same
        print(sizes, c, m, rs is not None, same)
for sizes in ([5, -2, 0, 2**31 - 1, 7], [1] * 300, [0], [2**30, 2**30, 5]):
    s = torch.tensor(sizes, dtype=torch.int32)
    a = new_qk.padded_layout(s)
    b = new_ops._padded_layout(s)
    same = torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    ok &= same
    print("layout", sizes[:6], same)
print("ALL", ok)
