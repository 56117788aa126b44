//===- MGGemmOps.td - mggemm operations --------------------*- tablegen -*-===//

#ifndef MGGEMM_DIALECT_MGGEMM_IR_MGGEMMOPS_TD
#define MGGEMM_DIALECT_MGGEMM_IR_MGGEMMOPS_TD

include "mggemm/Dialect/MGGemm/IR/MGGemmDialect.td"
include "mggemm/Dialect/MGGemm/IR/MGGemmAttrs.td"
include "mggemm/Dialect/MGGemm/IR/MGGemmInterfaces.td"
include "mlir/Interfaces/DestinationStyleOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def MGGemm_TensorOrMemRef :
    AnyTypeOf<[AnyRankedTensor, AnyMemRef], "ranked tensor or memref">;

class MGGemm_Op<string mnemonic, list<Trait> traits = []>
    : Op<MGGemm_Dialect, mnemonic, !listconcat(traits, [
        DestinationStyleOpInterface,
        DeclareOpInterfaceMethods<MemoryEffectsOpInterface>])> {
  let hasVerifier = 1;
}

// The three single products share operands (A, B, sizes, init), an optional
// tile config and one optional tensor result.
class MGGemm_SingleProductOp<string mnemonic>
    : MGGemm_Op<mnemonic, [DeclareOpInterfaceMethods<MGGemm_GroupedGemmOpInterface,
                            ["getGemmKind", "getLhs", "getRhs"]>]> {
  let results = (outs Optional<AnyRankedTensor>:$result);
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getInitMutable();
    }
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$lhs, "::mlir::Value":$rhs,
                   "::mlir::Value":$sizes, "::mlir::Value":$init,
                   CArg<"::mlir::mggemm::TileConfigAttr", "{}">:$tileConfig)>
  ];
}

def MGGemm_GroupedMatmulOp : MGGemm_SingleProductOp<"grouped_matmul"> {
  let summary = "Forward grouped GEMM: Y_g = X_g · W_gᵀ";
  let description = [{
    For every group `g`, multiplies the group's rows of `input` (`X`,
    `[M, K]`) by the transpose of expert `g`'s weight (`W[g]`, `[N, K]`) and
    writes the product into the same rows of the destination (`Y`,
    `[M, N]`). `sizes` (`[G]` i32) holds the group sizes; `M` is their sum
    and may be dynamic. Rows of the destination past the last group are left
    unchanged. Elements are bf16 or f16; products accumulate in f32.

    Tensor form (destination-passing style):

    ```mlir
    %y = mggemm.grouped_matmul
           ins(%x, %w, %sizes : tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>, tensor<8xi32>)
           outs(%init : tensor<?x4096xbf16>) -> tensor<?x4096xbf16>
    ```

    Memref form (after bufferization), with a tile configuration:

    ```mlir
    mggemm.grouped_matmul
        ins(%x, %w, %sizes : memref<?x7168xbf16>, memref<8x4096x7168xbf16>, memref<8xi32>)
        outs(%y : memref<?x4096xbf16>)
        {tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>}
    ```
  }];
  let arguments = (ins MGGemm_TensorOrMemRef:$input, MGGemm_TensorOrMemRef:$weight,
                       MGGemm_TensorOrMemRef:$sizes, MGGemm_TensorOrMemRef:$init,
                       OptionalAttr<MGGemm_TileConfigAttr>:$tile_config);
  let assemblyFormat = [{
    `ins` `(` $input `,` $weight `,` $sizes `:` type($input) `,` type($weight) `,` type($sizes) `)`
    `outs` `(` $init `:` type($init) `)` attr-dict (`->` type($result)^)?
  }];
}

def MGGemm_ScaledGroupedMatmulOp : MGGemm_Op<"scaled_grouped_matmul", [
    DeclareOpInterfaceMethods<MGGemm_GroupedGemmOpInterface,
                              ["getGemmKind", "getLhs", "getRhs", "getScales",
                               "getDtype"]>]> {
  let summary = "Forward grouped GEMM of fp8 operands with f32 scales";
  let description = [{
    The forward product of `mggemm.grouped_matmul` on f8E4M3FN operands
    that carry f32 scales, row-wise or block-wise; the destination is bf16
    and sums are f32. `K` must be a multiple of 16 (16-byte TMA rows).

    Row-wise (the convention of `torch._scaled_grouped_mm`): `input_scale`
    is `[M]` and `weight_scale` is `[G, N]`. For row `r` of group `g`,

    ```
    Y[r, n] = bf16(input_scale[r] * weight_scale[g, n] * Σ_k X[r, k] · W[g, n, k])
    ```

    Block-wise (the DeepGEMM convention): each row of `X` has a scale per
    128 elements of K, `input_scale` `[ceil(K/128), M]` (K-block-major: the
    transpose of an `[M, ceil(K/128)]` array), and each 128 x 128 block of
    `W[g]` has one, `weight_scale` `[G, ceil(N/128), ceil(K/128)]`. With
    `b` ranging over the K blocks,

    ```
    Y[r, n] = bf16(Σ_b input_scale[b, r] * weight_scale[g, n / 128, b]
                       * Σ_{k in b} X[r, k] · W[g, n, k])
    ```

    The tensor cores sum each 128-wide block of K; the kernel adds those
    sums up in f32 (block scales: times the block's scales), in a second
    accumulator, so its tile is at most 192 wide in n. With the unit
    attribute `fast_accumulation` (row scales only) a row-scaled product
    keeps one sum in the tensor cores over all of K instead, as
    `torch._scaled_grouped_mm` does with `use_fast_accum=True`: faster (tiles
    up to 256 wide), but the tensor cores keep a running fp8 sum to about 14
    bits, so products that do not cancel lose precision as K grows.

    The fp8 input gradient is this op too: `dX = dY · W[g]` is the product
    of `dY` (quantized per row) with `Wᵀ` stored `[G, K, N]` (quantized per
    row of `Wᵀ`), because fp8 `wgmma` reads both operands K-major.

    ```mlir
    %y = mggemm.scaled_grouped_matmul
           ins(%x, %w, %sx, %sw, %sizes : tensor<?x7168xf8E4M3FN>, tensor<8x4096x7168xf8E4M3FN>,
                                          tensor<?xf32>, tensor<8x4096xf32>, tensor<8xi32>)
           outs(%init : tensor<?x4096xbf16>) -> tensor<?x4096xbf16>
    ```
  }];
  let arguments = (ins MGGemm_TensorOrMemRef:$input, MGGemm_TensorOrMemRef:$weight,
                       MGGemm_TensorOrMemRef:$input_scale,
                       MGGemm_TensorOrMemRef:$weight_scale,
                       MGGemm_TensorOrMemRef:$sizes, MGGemm_TensorOrMemRef:$init,
                       OptionalAttr<MGGemm_TileConfigAttr>:$tile_config,
                       UnitAttr:$fast_accumulation);
  let results = (outs Optional<AnyRankedTensor>:$result);
  let assemblyFormat = [{
    `ins` `(` $input `,` $weight `,` $input_scale `,` $weight_scale `,` $sizes `:`
        type($input) `,` type($weight) `,` type($input_scale) `,`
        type($weight_scale) `,` type($sizes) `)`
    `outs` `(` $init `:` type($init) `)` attr-dict (`->` type($result)^)?
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getInitMutable();
    }
    /// Whether the scales are block-wise (else row-wise).
    bool isBlockScaled();
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$input, "::mlir::Value":$weight,
                   "::mlir::Value":$inputScale, "::mlir::Value":$weightScale,
                   "::mlir::Value":$sizes, "::mlir::Value":$init,
                   CArg<"::mlir::mggemm::TileConfigAttr", "{}">:$tileConfig,
                   CArg<"bool", "false">:$fastAccumulation)>
  ];
}

def MGGemm_GroupedMatmulGradInputOp
    : MGGemm_SingleProductOp<"grouped_matmul_grad_input"> {
  let summary = "Grouped GEMM input gradient: dX_g = dY_g · W_g";
  let description = [{
    For every group `g`, multiplies the group's rows of `grad_output` (`dY`,
    `[M, N]`) by expert `g`'s weight (`W[g]`, `[N, K]`) and writes the result
    into the same rows of the destination (`dX`, `[M, K]`). Rows past the
    last group are left unchanged.

    ```mlir
    %dx = mggemm.grouped_matmul_grad_input
            ins(%dy, %w, %sizes : tensor<?x4096xbf16>, tensor<8x4096x7168xbf16>, tensor<8xi32>)
            outs(%init : tensor<?x7168xbf16>) -> tensor<?x7168xbf16>
    ```
  }];
  let arguments = (ins MGGemm_TensorOrMemRef:$grad_output, MGGemm_TensorOrMemRef:$weight,
                       MGGemm_TensorOrMemRef:$sizes, MGGemm_TensorOrMemRef:$init,
                       OptionalAttr<MGGemm_TileConfigAttr>:$tile_config);
  let assemblyFormat = [{
    `ins` `(` $grad_output `,` $weight `,` $sizes `:` type($grad_output) `,` type($weight) `,` type($sizes) `)`
    `outs` `(` $init `:` type($init) `)` attr-dict (`->` type($result)^)?
  }];
}

def MGGemm_GroupedMatmulGradWeightOp
    : MGGemm_SingleProductOp<"grouped_matmul_grad_weight"> {
  let summary = "Grouped GEMM weight gradient: dW_g = dY_gᵀ · X_g";
  let description = [{
    For every group `g`, reduces over the group's rows: multiplies the
    transpose of the group's rows of `grad_output` (`dY`, `[M, N]`) by the
    same rows of `input` (`X`, `[M, K]`) and writes expert `g`'s gradient
    into `dW[g]` (`[G, N, K]`). Every `dW[g]` is written: an empty group
    yields zeros. Rows past the group's end contribute nothing.

    ```mlir
    %dw = mggemm.grouped_matmul_grad_weight
            ins(%dy, %x, %sizes : tensor<?x4096xbf16>, tensor<?x7168xbf16>, tensor<8xi32>)
            outs(%init : tensor<8x4096x7168xbf16>) -> tensor<8x4096x7168xbf16>
    ```
  }];
  let arguments = (ins MGGemm_TensorOrMemRef:$grad_output, MGGemm_TensorOrMemRef:$input,
                       MGGemm_TensorOrMemRef:$sizes, MGGemm_TensorOrMemRef:$init,
                       OptionalAttr<MGGemm_TileConfigAttr>:$tile_config);
  let assemblyFormat = [{
    `ins` `(` $grad_output `,` $input `,` $sizes `:` type($grad_output) `,` type($input) `,` type($sizes) `)`
    `outs` `(` $init `:` type($init) `)` attr-dict (`->` type($result)^)?
  }];
}

def MGGemm_ScaledGroupedMatmulGradWeightOp
    : MGGemm_Op<"scaled_grouped_matmul_grad_weight", [
        DeclareOpInterfaceMethods<MGGemm_GroupedGemmOpInterface,
                                  ["getGemmKind", "getLhs", "getRhs",
                                   "getScales", "getDtype"]>]> {
  let summary = "Grouped GEMM weight gradient of transposed fp8 operands";
  let description = [{
    The weight gradient `dW_g = dY_gᵀ · X_g` of `mggemm.grouped_matmul`
    from fp8 operands. fp8 `wgmma` reads both operands K-major, and here
    the reduction runs over each group's rows, so the operands come
    transposed: `grad_output_t` (`dYᵀ`, `[N, M]`) and `input_t` (`Xᵀ`,
    `[K, M]`), f8E4M3FN, group `g` owning columns `off_g .. off_g + sizes[g]
    - 1` of both (`off_g` the sum of the sizes before it). Their f32 scales
    are per row within each group, `grad_output_scale` `[G, N]` and
    `input_scale` `[G, K]`, and the destination is bf16 `[G, N, K]`:

    ```
    dW[g, n, k] = bf16(grad_output_scale[g, n] * input_scale[g, k]
                       * Σ_{r in group g} dYᵀ[n, r] · Xᵀ[k, r])
    ```

    Every `dW[g]` is written (zeros for an empty group). `M`, the
    reduction, must be a multiple of 16 (16-byte TMA rows; pad the last
    group with zero columns) and `K` of 8. As for
    `mggemm.scaled_grouped_matmul`, the tensor cores sum each 128 columns
    and the kernel adds those sums in f32 (tiles at most 192 wide), unless
    `fast_accumulation` is set.

    ```mlir
    %dw = mggemm.scaled_grouped_matmul_grad_weight
            ins(%dyt, %xt, %sdy, %sx, %sizes : tensor<4096x?xf8E4M3FN>, tensor<7168x?xf8E4M3FN>,
                                               tensor<8x4096xf32>, tensor<8x7168xf32>, tensor<8xi32>)
            outs(%init : tensor<8x4096x7168xbf16>) -> tensor<8x4096x7168xbf16>
    ```
  }];
  let arguments = (ins MGGemm_TensorOrMemRef:$grad_output_t,
                       MGGemm_TensorOrMemRef:$input_t,
                       MGGemm_TensorOrMemRef:$grad_output_scale,
                       MGGemm_TensorOrMemRef:$input_scale,
                       MGGemm_TensorOrMemRef:$sizes, MGGemm_TensorOrMemRef:$init,
                       OptionalAttr<MGGemm_TileConfigAttr>:$tile_config,
                       UnitAttr:$fast_accumulation);
  let results = (outs Optional<AnyRankedTensor>:$result);
  let assemblyFormat = [{
    `ins` `(` $grad_output_t `,` $input_t `,` $grad_output_scale `,` $input_scale `,` $sizes `:`
        type($grad_output_t) `,` type($input_t) `,` type($grad_output_scale) `,`
        type($input_scale) `,` type($sizes) `)`
    `outs` `(` $init `:` type($init) `)` attr-dict (`->` type($result)^)?
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getInitMutable();
    }
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$gradOutputT, "::mlir::Value":$inputT,
                   "::mlir::Value":$gradOutputScale, "::mlir::Value":$inputScale,
                   "::mlir::Value":$sizes, "::mlir::Value":$init,
                   CArg<"::mlir::mggemm::TileConfigAttr", "{}">:$tileConfig,
                   CArg<"bool", "false">:$fastAccumulation)>
  ];
}

def MGGemm_GroupedMatmulBackwardOp : MGGemm_Op<"grouped_matmul_backward"> {
  let summary = "Both gradients of the forward grouped GEMM";
  let description = [{
    Computes `dX_g = dY_g · W_g` into `grad_input_init` and
    `dW_g = dY_gᵀ · X_g` into `grad_weight_init`. The
    `mggemm-decompose-backward` pass splits it into
    `mggemm.grouped_matmul_grad_input` and
    `mggemm.grouped_matmul_grad_weight`; canonicalization drops the half
    whose tensor result is unused.

    ```mlir
    %dx, %dw = mggemm.grouped_matmul_backward
        ins(%dy, %x, %w, %sizes : tensor<?x4096xbf16>, tensor<?x7168xbf16>,
                                  tensor<8x4096x7168xbf16>, tensor<8xi32>)
        outs(%dx_init, %dw_init : tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>)
        -> tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>
    ```
  }];
  let arguments = (ins MGGemm_TensorOrMemRef:$grad_output, MGGemm_TensorOrMemRef:$input,
                       MGGemm_TensorOrMemRef:$weight, MGGemm_TensorOrMemRef:$sizes,
                       MGGemm_TensorOrMemRef:$grad_input_init,
                       MGGemm_TensorOrMemRef:$grad_weight_init,
                       OptionalAttr<MGGemm_TileConfigAttr>:$grad_input_tile_config,
                       OptionalAttr<MGGemm_TileConfigAttr>:$grad_weight_tile_config);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let assemblyFormat = [{
    `ins` `(` $grad_output `,` $input `,` $weight `,` $sizes `:`
        type($grad_output) `,` type($input) `,` type($weight) `,` type($sizes) `)`
    `outs` `(` $grad_input_init `,` $grad_weight_init `:`
        type($grad_input_init) `,` type($grad_weight_init) `)`
    attr-dict (`->` type($results)^)?
  }];
  let hasCanonicalizer = 1;
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return ::mlir::MutableOperandRange(getOperation(), /*start=*/4,
                                         /*length=*/2);
    }
    /// Creates the grad_input half (same operands and tile config) at the
    /// builder's insertion point.
    GroupedMatmulGradInputOp createGradInput(::mlir::OpBuilder &builder);
    /// Creates the grad_weight half likewise.
    GroupedMatmulGradWeightOp createGradWeight(::mlir::OpBuilder &builder);
  }];
}

#endif // MGGEMM_DIALECT_MGGEMM_IR_MGGEMMOPS_TD
