#!/usr/bin/env bash
# Runs every kernel variant, the fp8 forward kernels (row-scaled,
# block-scaled and row-scaled with fast accumulation) and the fp8 weight
# gradient (row-scaled, with and without fast accumulation), under
# compute-sanitizer (memcheck, racecheck, synccheck,
# initcheck) on small, tail-heavy shapes, and on invalid sizes
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
# fp8 rows are multiples of 16 bytes: K rounded up to 16.
fp8_shapes=("--sizes 0,1,130,77,0,64 --n 264 --k 208" "--sizes 3,0,129 --n 136 --k 80"
  "--m 150 --sizes 5,-3,200,77 --n 136 --k 80")
# The fp8 weight gradient reduces over M, a multiple of 16; groups start
# anywhere. The last shape's 700-row group takes the stage ring round more
# than once between masked k-blocks (synccheck caught a stage masker
# arriving twice in one phase there, v22).
gw_fp8_shapes=("--sizes 0,1,130,77,0,64 --n 264 --k 200" "--sizes 3,0,125 --n 136 --k 72"
  "--m 160 --sizes 5,-3,200,77 --n 136 --k 72" "--m 1072 --sizes 33,700,27,0,300 --n 400 --k 136")
sanitize() { # TOOL TILE ARGS...
  local tool="$1" tile="$2"
  shift 2
  if compute-sanitizer --tool "$tool" --error-exitcode 9 "$run" "$@" \
    --tile "$tile" --check >>"$out/sanitizer.log" 2>&1; then
    result=clean
  else
    result=FAIL
    failures=$((failures + 1))
  fi
  printf '%-10s %-60s %-16s %s\n' "$tool" "$*" "$tile" "$result"
}
for tool in memcheck racecheck synccheck initcheck; do
  # Both kernel shapes of the library: without and with clusters.
  for c in 1 2; do
    for variant in forward grad_input grad_weight backward; do
      for shape in "${shapes[@]}"; do
        # shellcheck disable=SC2086
        sanitize "$tool" "128x256x64s4c$c" --variant "$variant" $shape
      done
    done
    for shape in "${fp8_shapes[@]}"; do
      fp8_tile=128x128x128s6c1
      ((c == 2)) && fp8_tile=128x192x128s4c2
      for dtype in e4m3 e4m3_block; do
        # shellcheck disable=SC2086
        sanitize "$tool" "$fp8_tile" --dtype $dtype $shape
      done
      # shellcheck disable=SC2086
      sanitize "$tool" "128x256x128s4c$c" --dtype e4m3_fast $shape
    done
  done
  # The fp8 weight gradient's kernels run on clusters only.
  for shape in "${gw_fp8_shapes[@]}"; do
    # shellcheck disable=SC2086
    sanitize "$tool" 128x192x128s4c2 --variant grad_weight --dtype e4m3 $shape
    # shellcheck disable=SC2086
    sanitize "$tool" 128x256x128s4c2 --variant grad_weight --dtype e4m3_fast \
      $shape
  done
done
echo "compute-sanitizer: $failures failing run(s)"
exit $((failures != 0))
