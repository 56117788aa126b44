#!/usr/bin/env bash
# v28 run 5: ncu --set full of the block-scaled forward on one expert's
# product (16384 x 4096 x 7168): cuBLASLt's 128 x 128 s6 2x1 kernel, ours
# with the same tile, stages and cluster (stage/t128: main plus that
# library kernel, scripts/t128c2.patch, forced with --tile) and ours
# selected (128 x 192 s4 c2). Details as text, the SASS source page as CSV.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
export MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
shape="--groups 1 --m 16384 --n 4096 --k 7168"
prof() { # name, kernel regex, command...
  local name=$1 re=$2; shift 2
  timeout 200 ncu --clock-control none -k regex:"$re" --launch-skip 1 --launch-count 1 --set full -o $OUT/$name "$@" > $OUT/$name.log 2>&1
  echo "ncu $name rc=$? at $((SECONDS-t0)) s"
  ncu -i $OUT/$name.ncu-rep --page details > $OUT/$name-details.txt 2>&1
  ncu -i $OUT/$name.ncu-rep --page source --csv --print-source sass 2>/dev/null | gzip > $OUT/$name-sass.csv.gz
  rm -f $OUT/$name.ncu-rep
}
prof ours128 mggemm_forward env MGGEMM_RUNTIME_LIB=$PWD/stage/t128/lib/libmggemm_runtime.so stage/t128/bin/mggemm-run --dtype e4m3_block --tile 128x128x128s6c2 $shape --bench --iters 2 --warmup 1
prof ours192 mggemm_forward stage/bin/mggemm-run --dtype e4m3_block $shape --bench --iters 2 --warmup 1
PYTHONPATH=$PWD/stage/python prof cublas128 nvjet python3 stage/scratch/blockpair.py 16384 4096 7168
for n in ours128 ours192 cublas128; do
  echo "== $n"
  grep -E "Elapsed Cycles|Duration|SM Frequency|Executed Ipc Active|Issued Warp Per|No Eligible|Registers Per|Warp Cycles Per Issued|Shared Memory Configuration|highest-utilized|Stall" $OUT/$n-details.txt | head -30
  ls -la $OUT/$n-sass.csv.gz
done
echo "all done at $((SECONDS-t0)) s"
