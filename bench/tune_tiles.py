#!/usr/bin/env python3
"""Times every kernel of the runtime's library on the anchor shapes.

For each shape, split and variant, each library kernel of that variant's kind
(TileConfigs.h, as `mggemm-run --list` reports them) is forced with
`mggemm-run --tile` (the runtime's mggemmSetTileConfig) and timed with
`mggemm-run --bench`; candidates are interleaved over rounds so that clock
drift hits all of them alike. Writes every median to --out/tune.json and
prints, per case, the fastest kernel, the one the runtime selects, and how
much faster the fastest is. That is the evidence for the selection rule in
TileConfigs.h (bench/results/notes.md, v5).

Runs on the GPU machine from the bundle (no torch needed):

    python3 stage/bench/tune_tiles.py --run stage/bin/mggemm-run --out $OUT

``--dtype`` (bf16 by default) picks the element type, as ``mggemm-run
--dtype`` spells it (e4m3 has forward and grad_weight kernels),
``--variants`` and ``--shapes`` (GxMxNxK, comma-separated) narrow the sweep.
"""

import argparse
import json
import os
import re
import subprocess
import tempfile

SHAPES = [(8, 16384, 4096, 7168), (16, 32768, 2048, 7168),
          (32, 65536, 4096, 7168), (64, 65536, 2048, 7168),
          (8, 32768, 14336, 4096), (8, 32768, 4096, 14336),
          (128, 8192, 2048, 7168)]
VARIANTS = ["forward", "grad_input", "grad_weight"]
SPLITS = ["balanced", "imbalanced"]


def kernel_pattern(dtype):
    """mggemm_<kind>_<dtype>_m<M>n<N>k<K>s<S>[c<C>] for one dtype."""
    return re.compile(rf"mggemm_(\w+?)_{dtype}_m(\d+)n(\d+)k(\d+)s(\d+)(?:c(\d+))?\b")


def tile_of(match):
    """The --tile spelling of a KERNEL match's groups."""
    _, m, n, k, s, c = match
    return f"{m}x{n}x{k}s{s}c{c or 1}"


def library(run, dtype, variants):
    """{variant: [tile strings for --tile]} from `mggemm-run --list`."""
    listing = subprocess.run([run, "--list"], capture_output=True, text=True,
                             check=True).stdout
    tiles = {v: [] for v in variants}
    for match in kernel_pattern(dtype).findall(listing):
        kind, tile = match[0], tile_of(match)
        if kind in tiles and tile not in tiles[kind]:
            tiles[kind].append(tile)
    return tiles


def time_once(run, case, dtype, tile, iters, warmup):
    """Median ms of one `mggemm-run --bench`, and the kernel it ran."""
    g, m, n, k, split, variant = case
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        args = [run, "--variant", variant, "--dtype", dtype, "--groups", str(g), "--m", str(m),
                "--n", str(n), "--k", str(k), "--split", split, "--seed", "1",
                "--bench", "--iters", str(iters), "--warmup", str(warmup),
                "--json", out.name]
        if tile:
            args += ["--tile", tile]
        subprocess.run(args, capture_output=True, check=True)
        result = json.load(open(out.name))
    return result["bench"]["median_ms"], result["kernels"][0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--run", default="stage/bin/mggemm-run")
    parser.add_argument("--out", default=os.environ.get("OUT", "."))
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--iters", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--dtype", default="bf16")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--shapes", default=",".join("x".join(map(str, s)) for s in SHAPES))
    args = parser.parse_args()

    variants = args.variants.split(",")
    shapes = [tuple(int(v) for v in s.split("x")) for s in args.shapes.split(",")]
    tiles = library(args.run, args.dtype, variants)
    cases = [(*shape, split, variant) for shape in shapes for split in SPLITS
             for variant in variants]
    records = []
    for case in cases:
        variant = case[5]
        times = {tile: [] for tile in tiles[variant]}
        for _ in range(args.rounds):
            for tile in tiles[variant]:
                times[tile].append(
                    time_once(args.run, case, args.dtype, tile, args.iters, args.warmup)[0])
        _, selected_kernel = time_once(args.run, case, args.dtype, None, 1, 0)
        best = {tile: min(t) for tile, t in times.items()}
        fastest = min(best, key=best.get)
        match = kernel_pattern(args.dtype).search(selected_kernel)
        selected = tile_of(match.groups()) if match else None
        records.append({"G": case[0], "M": case[1], "N": case[2], "K": case[3],
                        "split": case[4], "variant": variant,
                        "rows_per_group": case[1] // case[0],
                        "times_ms": times, "best_ms": best,
                        "fastest": fastest, "selected": selected,
                        "selected_kernel": selected_kernel})
        loss = best[selected] / best[fastest] if selected else float("nan")
        print(f"{variant:11} {case[4]:10} G={case[0]:<3} M={case[1]:<6} "
              f"N={case[2]:<5} K={case[3]:<5} fastest {fastest:16} "
              f"selected {selected or '?':16} selected/fastest {loss:.3f} | "
              + " ".join(f"{tile} {ms:.3f}" for tile, ms in best.items()), flush=True)
    path = os.path.join(args.out, "tune.json")
    with open(path, "w") as f:
        json.dump({"dtype": args.dtype, "tiles": tiles, "rounds": args.rounds, "iters": args.iters,
                   "cases": records}, f, indent=1)
    print("wrote", path)


if __name__ == "__main__":
    main()
