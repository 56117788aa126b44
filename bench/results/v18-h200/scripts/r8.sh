#!/bin/bash
# Session 7 run 8: e4m3_fast under compute-sanitizer (4 tools x 3 shapes x both tiles) and 500 stress launches
# (a third of the forward cases fp8, e4m3_fast among them).
set -u
cd "$(dirname "$0")/../.."
R=stage/bin/mggemm-run; f=0
for tool in memcheck racecheck synccheck initcheck; do
 for c in 1 2; do
  for shape in "--sizes 0,1,130,77,0,64 --n 264 --k 208" "--sizes 3,0,129 --n 136 --k 80" "--m 150 --sizes 5,-3,200,77 --n 136 --k 80"; do
   if compute-sanitizer --tool $tool --error-exitcode 9 $R --dtype e4m3_fast $shape --tile 128x256x128s4c$c --check > /dev/null 2>&1; then r=clean; else r=FAIL; f=$((f+1)); fi
   echo "$tool c$c $shape: $r"
  done
 done
done
echo "sanitizer failures: $f"
$R --stress 500 --threads 4 --seed 11 2>&1 | tail -4
