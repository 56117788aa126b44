//===- MGGemmAttrs.td - mggemm attributes ------------------*- tablegen -*-===//

#ifndef MGGEMM_DIALECT_MGGEMM_IR_MGGEMMATTRS_TD
#define MGGEMM_DIALECT_MGGEMM_IR_MGGEMMATTRS_TD

include "mggemm/Dialect/MGGemm/IR/MGGemmDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def MGGemm_GemmKind : I32EnumAttr<"GemmKind",
    "which product of the grouped GEMM a kernel computes", [
      I32EnumAttrCase<"forward", 0>,
      I32EnumAttrCase<"grad_input", 1>,
      I32EnumAttrCase<"grad_weight", 2>
    ]> {
  let cppNamespace = "::mlir::mggemm";
  let genSpecializedAttr = 0;
}

def MGGemm_TileConfigAttr : AttrDef<MGGemm_Dialect, "TileConfig"> {
  let mnemonic = "tile_config";
  let summary = "CTA tile, pipeline depth and cluster shape of a grouped GEMM kernel";
  let description = [{
    Describes how the kernel for a grouped GEMM op is tiled:

    - `m`, `n`, `k`: the CTA tile of the product (rows of the output, columns
      of the output, reduction step). Each consumer warpgroup owns 64 rows
      (one `wgmma` m64 block), so `m / 64` consumer warpgroups run beside one
      producer warpgroup that issues the TMA loads.
    - `stages`: depth of the shared-memory ring between producer and
      consumers.
    - `cluster_m`, `cluster_n`: thread-block cluster shape, 1x1 or 2x1: a
      pair of CTAs computes two tiles adjacent along m and multicasts the
      shared B operand into both.

    The `mggemm-select-tile-config` pass attaches one; a user may write it by
    hand:

    ```mlir
    #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>
    ```
  }];
  let parameters = (ins
    "int64_t":$m,
    "int64_t":$n,
    "int64_t":$k,
    "int64_t":$stages,
    DefaultValuedParameter<"int64_t", "1">:$cluster_m,
    DefaultValuedParameter<"int64_t", "1">:$cluster_n
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Number of consumer warpgroups (each owns 64 rows of the CTA tile).
    int64_t getNumConsumerWarpgroups() const { return getM() / 64; }
    /// Threads per CTA: one producer warpgroup plus the consumers.
    int64_t getNumThreads() const {
      return 128 * (1 + getNumConsumerWarpgroups());
    }
    /// Dynamic shared memory the kernel needs for `elementBytes`-wide
    /// operands: the stage ring, the mbarriers and 1024 bytes of alignment
    /// slack (128-byte swizzled tiles must start on a 1024-byte boundary).
    int64_t getSharedMemoryBytes(int64_t elementBytes) const;
  }];
}

#endif // MGGEMM_DIALECT_MGGEMM_IR_MGGEMMATTRS_TD
