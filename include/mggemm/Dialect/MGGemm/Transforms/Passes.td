//===- Passes.td - mggemm dialect transformation passes ----*- tablegen -*-===//

#ifndef MGGEMM_DIALECT_MGGEMM_TRANSFORMS_PASSES_TD
#define MGGEMM_DIALECT_MGGEMM_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def MGGemmDecomposeBackward : Pass<"mggemm-decompose-backward"> {
  let summary = "Split mggemm.grouped_matmul_backward into its two halves";
  let description = [{
    Rewrites every `mggemm.grouped_matmul_backward` into an
    `mggemm.grouped_matmul_grad_input` and an
    `mggemm.grouped_matmul_grad_weight` that read the same operands, in
    either the tensor or the memref form. Each half keeps its tile
    configuration. The two kernels then run back to back on one stream.
  }];
  let dependentDialects = [];
}

def MGGemmSelectTileConfig : Pass<"mggemm-select-tile-config"> {
  let summary = "Attach a tile configuration to grouped GEMM ops without one";
  let description = [{
    Gives every grouped GEMM op that has no `tile_config` the configuration
    that the selection table holds for its kind, element type and (where
    static) N and K. The rows per group are data, so the pass picks the
    clustered kernel that the table uses for large groups; the runtime,
    which knows M / G, may pick the unclustered one for small groups. The
    table is filled from benchmark sweeps on the H100 (bench/tune_tiles.py);
    configurations set by hand are kept.
  }];
}

def MGGemmMaterializeKernelLibrary
    : Pass<"mggemm-materialize-kernel-library", "::mlir::ModuleOp"> {
  let summary = "Add one function per kernel of the runtime's library";
  let description = [{
    Appends to the module, for every entry of the runtime's kernel table
    (`mggemm/Runtime/TileConfigs.h`) and every element type it lists, a
    function holding that memref-form grouped GEMM op with fully dynamic
    shapes and the entry's tile configuration. Compiling the result with
    `mggemm-to-cubin` yields exactly the kernels the runtime embeds, so the
    runtime and the compiler cannot disagree about which kernels exist.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::mggemm::MGGemmDialect"];
}

#endif // MGGEMM_DIALECT_MGGEMM_TRANSFORMS_PASSES_TD
