#!/usr/bin/env bash
# Runs mggemm-run over the GPU test matrix. scripts/bundle copies this file to
# stage/run-gpu-tests.sh; run it there, on the GPU machine:
#
#   stage/run-gpu-tests.sh [all|preflight|fixed|random|edge|fp8|stress]... [options]
#
#   all (default)  preflight, edge, fixed, random, fp8 and stress
#   preflight      the runtime's unit tests and mggemm-run --list
#   edge           empty and one-row groups, M = 0, M past the sizes, checked
#                  mode, odd N and K, f16
#   fixed          DeepSeek (N, K) = (2048, 7168), (7168, 2048) and Mixtral
#                  (14336, 4096), (4096, 14336) with G in {1, 4, 8, 16, 64,
#                  128, 256}, M = $MGGEMM_TEST_M (8192), balanced and
#                  imbalanced splits
#   random         $MGGEMM_TEST_RANDOM (50) random shapes (--random-shape,
#                  seeds 1..n; M from 0 to 65536, empty and one-row groups)
#   Every case of edge, fixed and random runs for every variant (forward,
#   grad_input, grad_weight, backward).
#   fp8            the scaled e4m3 forward product, row-wise (--dtype e4m3),
#                  block-wise (e4m3_block) and row-wise summed in the tensor
#                  cores (e4m3_fast), on the fixed shapes, edge cases,
#                  nonnegative operands (not e4m3_fast) and both kernel
#                  shapes; the fp8 grad_weight (e4m3, e4m3_fast) on fixed
#                  shapes, sizes that are all multiples of 128 (no stage
#                  masker) and edge cases
#   stress         mggemm-run --stress: $MGGEMM_TEST_STRESS (1000) random
#                  cases over all variants (G up to 1024, invalid sizes too,
#                  each launched twice and compared bitwise) on
#                  $MGGEMM_TEST_THREADS (4) host threads with a stream each
#
#   --variants LIST   comma-separated subset of the variants
#   --budget SECONDS  start no case after this long ($MGGEMM_TEST_BUDGET_S,
#                     540, so that a 10-minute device command ends cleanly);
#                     cases not started are reported as NOT RUN
#   --timeout SECONDS per case (120): a hung kernel becomes a TIMEOUT
#
# Logs go to $OUT (set by the device tool), else ./gpu-test-logs:
#   gpu-tests.log   every case's command and output
#   results.jsonl   one mggemm-run --json record per case
#   summary.txt     the table printed last
# Exit status: 0 if every case passed (or was skipped for lack of memory),
# 1 otherwise (a failure, a timeout, or cases not run).
set -u -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
run="$here/bin/mggemm-run"
unit="$here/bin/mggemm-runtime-tests"
out="${OUT:-$here/gpu-test-logs}"
budget="${MGGEMM_TEST_BUDGET_S:-540}"
case_timeout=120
variants="forward,grad_input,grad_weight,backward"
groups=()

while (($#)); do
  case "$1" in
  all | preflight | fixed | random | edge | fp8 | stress) groups+=("$1") ;;
  --variants) variants="$2"; shift ;;
  --budget) budget="$2"; shift ;;
  --timeout) case_timeout="$2"; shift ;;
  -h | --help) sed -n '2,36p' "$0"; exit 0 ;;
  *) echo "run-gpu-tests.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done
((${#groups[@]})) || groups=(all)
IFS=, read -r -a variant_list <<<"$variants"

mkdir -p "$out"
log="$out/gpu-tests.log"
results="$out/results.jsonl"
summary="$out/summary.txt"
rows="$out/.rows.tsv"
: >"$log"
: >"$results"
: >"$rows"
start=$SECONDS
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

wants() {
  local g
  for g in "${groups[@]}"; do
    [[ $g == all || $g == "$1" ]] && return 0
  done
  return 1
}

# run_case NAME ARGS...: one mggemm-run invocation, recorded in the log, the
# JSON lines and the summary rows.
run_case() {
  local name="$1"
  shift
  if ((SECONDS - start >= budget)); then
    printf '%s\tNOT RUN\t-\t-\t%s\n' "$name" "$*" >>"$rows"
    return
  fi
  local json="$scratch/case.json" t0=$SECONDS output code result errors
  rm -f "$json"
  {
    echo "=== $name"
    echo "\$ mggemm-run $*"
  } >>"$log"
  output=$(timeout "$case_timeout" "$run" "$@" --json "$json" 2>&1)
  code=$?
  printf '%s\n' "$output" >>"$log"
  case $code in
  0) result=PASS ;;
  4) result=SKIP ;;
  124 | 137) result=TIMEOUT ;;
  1) result=FAIL ;;
  *) result="ERROR($code)" ;;
  esac
  echo "--- $result in $((SECONDS - t0)) s" >>"$log"
  [[ -s $json ]] && cat "$json" >>"$results"
  # "check y   PASS: rel_error 2.1e-03 ..." -> "y=2.1e-03"
  errors=$(printf '%s\n' "$output" |
    sed -n 's/^check \([a-z]*\) *[A-Z]*: rel_error \([^ ]*\).*/\1=\2/p' |
    paste -sd' ' -)
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$result" "$((SECONDS - t0))" \
    "${errors:--}" "$*" >>"$rows"
  printf '%-8s %s\n' "$result" "$name"
}

for_variants() { # NAME ARGS...: the case for every variant
  local name="$1" v
  shift
  for v in "${variant_list[@]}"; do
    run_case "$name $v" --variant "$v" "$@"
  done
}

if wants preflight; then
  echo "=== preflight" | tee -a "$log"
  command -v nvidia-smi >/dev/null &&
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm,power.limit \
      --format=csv 2>&1 | tee -a "$log"
  if "$unit" "$here/lib/libmggemm_runtime.so" >>"$log" 2>&1; then
    printf 'preflight unit-tests\tPASS\t0\t-\t%s\n' "$(tail -1 "$log")" >>"$rows"
  else
    printf 'preflight unit-tests\tFAIL\t0\t-\tsee gpu-tests.log\n' >>"$rows"
  fi
  if "$run" --list 2>&1 | tee -a "$log"; then
    printf 'preflight kernel-list\tPASS\t0\t-\t--list\n' >>"$rows"
  else
    printf 'preflight kernel-list\tFAIL\t0\t-\t--list\n' >>"$rows"
  fi
fi

if wants edge; then
  for_variants "edge M=0" --groups 4 --m 0
  for_variants "edge G=1 M=1" --sizes 1 --n 256 --k 256
  for_variants "edge one-row groups" --sizes 1,1,1,1,1,1,1,1 --n 512 --k 512
  for_variants "edge only last group" --sizes 0,0,0,300 --n 1024 --k 1024
  for_variants "edge tile boundaries" --sizes 0,1,0,127,128,129,0,255,257,1 \
    --n 2048 --k 2048
  for_variants "edge odd N K" --sizes 5,0,300,64 --n 200 --k 72
  for_variants "edge small N K" --sizes 33,0,17 --n 8 --k 16
  for_variants "edge rows past sizes" --m 1000 --sizes 100,0,200 --n 512 \
    --k 512
  # Invalid sizes, unchecked: the kernels clamp them (negative as 0, groups
  # end at M) and are checked against that.
  for_variants "edge sizes past M" --m 300 --sizes 100,0,250,7 --n 520 \
    --k 136
  for_variants "edge negative sizes" --m 200 --sizes 50,-7,100,-2147483648 \
    --n 264 --k 2048
  # A size of INT32_MAX after a non-empty group, in one 32-group chunk: the
  # scheduler's saturating prefix sum once started that group at row 0.
  for_variants "edge huge size" --m 300 --sizes 100,2147483647,50 --n 264 \
    --k 136
  for_variants "edge f16" --dtype f16 --groups 8 --m 5000 --split random \
    --seed 3 --n 2048 --k 1024
  for_variants "edge checked ok" --check-sizes --groups 8 --m 3000 \
    --split imbalanced --n 1024 --k 1024
  for_variants "edge checked sum" --check-sizes --m 1000 --sizes 100,200 \
    --n 512 --k 512 --expect-status bad_sizes
  for_variants "edge checked negative" --check-sizes --m 7 --sizes 5,-1,3 \
    --n 512 --k 512 --expect-status bad_sizes
  for_variants "edge invalid N" --n 12 --k 64 --groups 2 --m 64 \
    --expect-status invalid_value
  for_variants "edge large M" --m 65536 --groups 3 --split random --seed 11 \
    --n 1024 --k 512
fi

if wants fixed; then
  M="${MGGEMM_TEST_M:-8192}"
  for nk in "2048 7168" "7168 2048" "14336 4096" "4096 14336"; do
    read -r N K <<<"$nk"
    i=0
    for G in 1 4 8 16 64 128 256; do
      split=balanced
      ((i++ % 2)) && split=imbalanced
      for_variants "fixed N=$N K=$K G=$G $split" --groups "$G" --m "$M" \
        --n "$N" --k "$K" --split "$split" --seed "$G"
    done
  done
fi

if wants random; then
  for ((seed = 1; seed <= ${MGGEMM_TEST_RANDOM:-50}; ++seed)); do
    dtype=bf16
    ((seed % 4 == 3)) && dtype=f16
    for_variants "random seed=$seed $dtype" --random-shape --seed "$seed" \
      --dtype "$dtype"
  done
fi

if wants fp8; then
  for dtype in e4m3 e4m3_block e4m3_fast; do
    fp8() { run_case "$dtype $1" --dtype "$dtype" --variant forward "${@:2}"; }
    tiles="128x128x128s6c1 128x192x128s4c2"
    [[ $dtype == e4m3_fast ]] && tiles="128x256x128s4c1 128x256x128s4c2"
    for nk in "2048 7168" "7168 2048" "14336 4096" "4096 14336"; do
      read -r N K <<<"$nk"
      for G in 1 8 64 256; do
        fp8 "N=$N K=$K G=$G" --groups "$G" --m "${MGGEMM_TEST_M:-8192}" \
          --n "$N" --k "$K" --split imbalanced --seed "$G"
      done
    done
    fp8 "empty and one-row groups" --sizes 0,1,0,127,0,129,0 --n 264 --k 144
    fp8 "odd N K" --groups 5 --m 3001 --split random --n 136 --k 48
    fp8 "M = 0" --groups 4 --m 0 --n 512 --k 512
    fp8 "M past the sizes" --m 1000 --sizes 100,200,300 --n 512 --k 256
    fp8 "negative and huge sizes" --m 300 --sizes 100,-5,2147483647,50 \
      --n 264 --k 144
    fp8 "K = 16" --groups 3 --m 700 --split random --n 1024 --k 16
    fp8 "invalid K" --groups 2 --m 64 --n 64 --k 72 --expect-status invalid_value
    # Operands in [0, 2): no cancellation, so the sums grow with K. The
    # tensor cores' own fp8 sums over K = 14336 are 21-23% off, so e4m3_fast
    # does not take these.
    if [[ $dtype != e4m3_fast ]]; then
      for tile in $tiles; do
        fp8 "nonnegative, tile $tile" --groups 8 --m 4096 --n 4096 \
          --k 14336 --split imbalanced --nonnegative --tile "$tile"
      done
    fi
    for tile in $tiles; do
      fp8 "tile $tile" --groups 16 --m 20000 --split imbalanced --n 4096 \
        --k 7168 --tile "$tile"
    done
  done
  # The weight gradient of transposed fp8 operands (row scales per group):
  # the reduction runs over M, which must be a multiple of 16; N may be odd.
  for dtype in e4m3 e4m3_fast; do
    gw() { run_case "$dtype grad_weight $1" --dtype "$dtype" \
      --variant grad_weight "${@:2}"; }
    for nk in "2048 7168" "7168 2048" "4096 14336"; do
      read -r N K <<<"$nk"
      for G in 1 8 64 256; do
        gw "N=$N K=$K G=$G" --groups "$G" --m "${MGGEMM_TEST_M:-8192}" \
          --n "$N" --k "$K" --split imbalanced --seed "$G"
      done
    done
    # Sizes that are all multiples of 128 run without the stage masker.
    for G in 1 8 64; do
      gw "N=2048 K=7168 G=$G balanced" --groups "$G" \
        --m "${MGGEMM_TEST_M:-8192}" --n 2048 --k 7168 --split balanced
    done
    gw "aligned sizes past M" --m 1008 --sizes 128,0,384,256,512 --n 264 --k 136
    gw "aligned sizes short of M" --m 1024 --sizes 256,0,512 --n 512 --k 256
    gw "one group off 128" --m 880 --sizes 128,256,112,384 --n 264 --k 136
    # Checked mode lets the transposed operands end in padding columns.
    gw "checked, sizes short of M" --check-sizes --m 1024 --sizes 256,0,512 \
      --n 512 --k 256
    gw "checked, sizes past M" --check-sizes --m 512 --sizes 256,384 --n 512 \
      --k 256 --expect-status bad_sizes
    gw "empty and odd groups" --sizes 0,1,0,127,0,129,0,15 --n 264 --k 136
    gw "odd N K" --groups 5 --m 3008 --split random --n 100 --k 40
    gw "M = 0" --groups 4 --m 0 --n 512 --k 512
    gw "M past the sizes" --m 1008 --sizes 100,200,300 --n 512 --k 256
    gw "negative and huge sizes" --m 304 --sizes 100,-5,2147483647,50 \
      --n 264 --k 144
    gw "invalid M" --groups 2 --m 72 --n 64 --k 64 --expect-status invalid_value
    [[ $dtype == e4m3 ]] &&
      gw "nonnegative" --groups 8 --m 32768 --n 2048 --k 2048 \
        --split imbalanced --nonnegative
  done
fi

if wants stress; then
  stress_cases=${MGGEMM_TEST_STRESS:-1000}
  stress() { # NAME ARGS...
    local name="$1"
    shift
    case_timeout=$((case_timeout > 600 ? case_timeout : 600)) run_case \
      "$name" --threads "${MGGEMM_TEST_THREADS:-4}" "$@"
  }
  stress "stress $stress_cases cases" --stress "$stress_cases" --seed 1
  # Each kernel shape on every case, whatever the selection would pick.
  for c in 1 2; do
    stress "stress $((stress_cases / 2)) cases c$c" --seed $((1 + c)) \
      --stress $((stress_cases / 2)) --tile "128x256x64s4c$c"
  done
fi

# The summary table, last.
{
  printf '%-44s %-9s %5s  %-26s %s\n' CASE RESULT SEC "REL ERROR" ARGUMENTS
  while IFS=$'\t' read -r name result secs errors args; do
    printf '%-44s %-9s %5s  %-26s %s\n' "$name" "$result" "$secs" "$errors" \
      "$args"
  done <"$rows"
  total=$(wc -l <"$rows")
  passed=$(cut -f2 "$rows" | grep -c '^PASS$')
  skipped=$(cut -f2 "$rows" | grep -c '^SKIP$')
  notrun=$(cut -f2 "$rows" | grep -c '^NOT RUN$')
  failed=$((total - passed - skipped - notrun))
  echo
  echo "$total cases: $passed passed, $failed failed, $skipped skipped" \
    "(GPU memory), $notrun not run (budget ${budget}s); $((SECONDS - start)) s"
} | tee "$summary"
rm -f "$rows"
failed=$(grep -o '[0-9]* failed' "$summary" | tail -1 | cut -d' ' -f1)
notrun=$(grep -o '[0-9]* not run' "$summary" | tail -1 | cut -d' ' -f1)
[[ $failed == 0 && $notrun == 0 ]]
