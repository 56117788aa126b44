import csv, re, sys, collections
def load(n):
    rows=list(csv.reader(open(f'/work/.device/8/{n}-sass.csv')))
    hi=[i for i,r in enumerate(rows) if 'Source' in r][0]
    h=rows[hi]; idx={k:i for i,k in enumerate(h)}
    out=[]
    for r in rows[hi+1:]:
        src=r[idx['Source']].strip()
        try: ex=int(r[idx['Instructions Executed']] or 0); smp=int(r[idx['Warp Stall Sampling (All Samples)']] or 0)
        except ValueError: continue
        out.append((r[idx['Address']],src,ex,smp))
    return out
for n in sys.argv[1:]:
    ins=load(n)
    tot=sum(e for _,_,e,_ in ins); ts=sum(s for *_,s in ins)
    by=collections.Counter(); bs=collections.Counter()
    for a,src,e,s in ins:
        op=re.sub(r'^@!?U?P\w+\s+','',src).split()[0] if src else '?'
        op=op.split('.')[0]
        by[op]+=e; bs[op]+=s
    print(f"== {n}: {tot} warp instructions executed, {ts} samples")
    for op,c in by.most_common(28):
        print(f"  {op:12s} {c:12d} {100*c/tot:5.1f}%  samples {100*bs[op]/ts:5.1f}%")
