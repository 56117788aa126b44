# Splits an ncu source-page CSV (SASS) of a promoting fp8 kernel into regions: the consumer's main
# loop (first QGMMA - 20 .. the end of its longest FADD/FFMA run), its epilogue (.. the next
# UCGABAR_ARV), the rest; prints each region's share of the warp-state samples, the epilogue's
# instructions per execution and its top stall reasons.
import csv, sys
for path in sys.argv[1:]:
    rows = list(csv.reader(open(path)))
    h = rows[1]; data = rows[2:]
    ia = h.index("Warp Stall Sampling (All Samples)"); src = h.index("Source"); ie = h.index("Instructions Executed")
    stalls = [i for i, x in enumerate(h) if x.startswith("stall_") and "Not Issued" not in x]
    def op(r):
        t = r[src].split()
        o = t[1] if t and t[0].startswith("@") else (t[0] if t else "?")
        return o.split(".")[0]
    ops = [op(r) for r in data]
    best = (0, 0, 0); i = 0
    while i < len(ops):
        if ops[i] in ("FADD", "FFMA"):
            j = i
            while j < len(ops) and ops[j] in ("FADD", "FFMA", "SYNCS"): j += 1
            if j - i > best[0]: best = (j - i, i, j)
            i = j
        else: i += 1
    main_end = best[2]
    main_start = max(0, ops.index("QGMMA") - 20)
    epi_end = next(k for k in range(main_end, len(ops)) if ops[k] == "UCGABAR_ARV")
    s = lambda a, b: sum(float(r[ia] or 0) for r in data[a:b])
    tot = s(0, len(data))
    main, epi = s(main_start, main_end), s(main_end, epi_end)
    idle = sum(float(r[ia] or 0) for r, o in zip(data, ops) if o == "UCGABAR_WAIT")
    counts = [float(r[ie] or 0) for r in data[main_end:epi_end] if float(r[ie] or 0) > 0]
    execs = max(set(counts), key=counts.count)  # executions of a straight-line instruction
    n_instr = sum(float(r[ie] or 0) for r in data[main_end:epi_end]) / execs
    print(f"{path}: samples {tot:.0f}; main loop {100*main/tot:.1f}%, epilogue {100*epi/tot:.1f}%, "
          f"idle producer warps {100*idle/tot:.1f}%; epilogue / (main + epilogue) {100*epi/(main+epi):.1f}%; "
          f"epilogue ~{n_instr:.0f} instructions per warp and tile")
    st = {}
    for r in data[main_end:epi_end]:
        for i in stalls: st[h[i][6:]] = st.get(h[i][6:], 0) + float(r[i] or 0)
    print("  epilogue stalls (% of all samples):", ", ".join(f"{k} {100*v/tot:.1f}" for k, v in sorted(st.items(), key=lambda x: -x[1])[:6]))
