#!/usr/bin/env bash
# Runs every kernel variant under compute-sanitizer (memcheck, racecheck,
# synccheck, initcheck) on small, tail-heavy shapes, and on invalid sizes
# (negative, adding up past M) that the kernels must clamp. Run it on the GPU
# machine from the bundle: stage/sanitize-gpu.sh. Logs go to $OUT.
set -u -o pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
run="$here/bin/mggemm-run"
out="${OUT:-$here/sanitizer-logs}"
mkdir -p "$out"
failures=0
shapes=("--sizes 0,1,130,77,0,64 --n 264 --k 200" "--sizes 3,0,129 --n 136 --k 72"
  "--m 150 --sizes 5,-3,200,77 --n 136 --k 72")
# Both kernel shapes of the library: without and with clusters.
tiles=(128x256x64s4c1 128x256x64s4c2)
for tool in memcheck racecheck synccheck initcheck; do
  for variant in forward grad_input grad_weight backward; do
    for shape in "${shapes[@]}"; do
      for tile in "${tiles[@]}"; do
        # shellcheck disable=SC2086
        if compute-sanitizer --tool "$tool" --error-exitcode 9 "$run" \
          --variant "$variant" $shape --tile "$tile" --check \
          >>"$out/sanitizer.log" 2>&1; then
          result=clean
        else
          result=FAIL
          failures=$((failures + 1))
        fi
        printf '%-10s %-12s %-45s %-15s %s\n' "$tool" "$variant" "$shape" \
          "$tile" "$result"
      done
    done
  done
done
echo "compute-sanitizer: $failures failing run(s)"
exit $((failures != 0))
