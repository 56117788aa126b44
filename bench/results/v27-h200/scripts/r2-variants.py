import sys
p='lib/Conversion/MGGemmToGPU/GroupedGemmKernelBuilder.cpp'
s=open(p).read()
v=sys.argv[1]
def rep(a,b):
    global s
    assert a in s, a
    s=s.replace(a,b)
if v=='E2':  # consumers always wait for the masker; masker not on `empty`
    rep("int64_t warps = 4 * numConsumers + (masksStages() ? 3 : 0);","int64_t warps = 4 * numConsumers;")
    rep("""    e.ifThen(g.partial, [&] { e.mbarrierWait(maskedBarrier(stage), phase); });
    return;""","""    e.mbarrierWait(maskedBarrier(stage), phase);
    return;""")
    rep("""      // then wait for the wrong phase.
      release(s);""","""      // then wait for the wrong phase.""")
elif v=='E3':  # masker as main; consumers never wait for it (aligned data only)
    rep("""    e.ifThen(g.partial, [&] { e.mbarrierWait(maskedBarrier(stage), phase); });
    return;""","""    return;""")
elif v=='E4':  # no masker warps; consumers keep the test (waits on `full`)
    rep("""        if (!masksStages()) {
          e.ifThen""","""        if (true) {
          e.ifThen""")
    rep("int64_t warps = 4 * numConsumers + (masksStages() ? 3 : 0);","int64_t warps = 4 * numConsumers;")
    rep("""    e.ifThen(g.partial, [&] { e.mbarrierWait(maskedBarrier(stage), phase); });""","""    e.ifThen(g.partial, [&] { e.mbarrierWait(fullBarrier(stage), phase); });""")
open(p,'w').write(s)
