#!/usr/bin/env bash
# v30 run 6: the MoE example (every backend, 50 steps, eager), main's
# package against this one (checks remembered), alternating, two rounds.
set -u
cd "$(dirname "$0")/../.."
export MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
for r in 1 2; do
  for v in python-main/python python; do
    tag=$(basename $(dirname $v/x))-$r; [ $v = python ] && tag=new-$r; [ $v != python ] && tag=main-$r
    PYTHONPATH=$PWD/stage/$v timeout 200 python3 stage/$v/examples/moe.py --backend all --steps 50 --no-progress --log-every 100 --json $OUT/moe-$tag.json > $OUT/moe-$tag.txt 2>&1
    echo "== $tag rc=$?"; tail -10 $OUT/moe-$tag.txt | grep -E "^mggemm|^loop|speedup"
  done
done 2>&1 | tee $OUT/moe-summary-r6.txt
