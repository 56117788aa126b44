# Post-processes r8's runs: average SM clock and power (nvidia-smi samples) inside each run's window,
# skipping its first second.
import sys, time
samples = []
for line in open(sys.argv[1]):
    try:
        ts, p, c = [s.strip() for s in line.split(",")]
        t = time.mktime(time.strptime(ts.split(".")[0], "%Y/%m/%d %H:%M:%S")) + float("0." + ts.split(".")[1])
        samples.append((t, float(p), float(c)))
    except ValueError:
        pass
for line in open(sys.argv[2]):
    a, b, label, result = line.rstrip("\n").split("|", 3)
    s = [q for q in samples if float(a) + 0.35 <= q[0] <= float(b)]
    if s:
        p = sum(q[1] for q in s) / len(s); c = sum(q[2] for q in s) / len(s)
        print(f"{label:55s} {result.strip():60s} {p:6.1f} W {c:6.0f} MHz n={len(s)}")
    else:
        print(f"{label:55s} {result.strip():60s} no samples")
