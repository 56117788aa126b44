// One expert projection of a DeepSeek-V3-like Mixture-of-Experts layer:
// hidden size 7168, expert width 2048, 64 experts on this device. The tokens
// routed here arrive sorted by expert, `sizes[g]` rows for expert g, so the
// number of rows M is only known at run time.
//
// Run it through the pipeline with scripts/demo, or by hand:
//   mggemm-opt examples/moe_layer.mlir --mggemm-select-tile-config \
//     --mggemm-decompose-backward \
//     --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map"

// Forward: Y_g = X_g · W_gᵀ for every expert g.
func.func @moe_forward(%x: tensor<?x7168xbf16>, %w: tensor<64x2048x7168xbf16>,
                       %sizes: tensor<64xi32>) -> tensor<?x2048xbf16> {
  %c0 = arith.constant 0 : index
  %m = tensor.dim %x, %c0 : tensor<?x7168xbf16>
  %y_init = tensor.empty(%m) : tensor<?x2048xbf16>
  %y = mggemm.grouped_matmul
         ins(%x, %w, %sizes : tensor<?x7168xbf16>, tensor<64x2048x7168xbf16>, tensor<64xi32>)
         outs(%y_init : tensor<?x2048xbf16>) -> tensor<?x2048xbf16>
  return %y : tensor<?x2048xbf16>
}

// Backward: dX_g = dY_g · W_g and dW_g = dY_gᵀ · X_g in one op, which
// mggemm-decompose-backward splits into one kernel per gradient.
func.func @moe_backward(%dy: tensor<?x2048xbf16>, %x: tensor<?x7168xbf16>,
                        %w: tensor<64x2048x7168xbf16>, %sizes: tensor<64xi32>)
    -> (tensor<?x7168xbf16>, tensor<64x2048x7168xbf16>) {
  %c0 = arith.constant 0 : index
  %m = tensor.dim %x, %c0 : tensor<?x7168xbf16>
  %dx_init = tensor.empty(%m) : tensor<?x7168xbf16>
  %dw_init = tensor.empty() : tensor<64x2048x7168xbf16>
  %dx, %dw = mggemm.grouped_matmul_backward
               ins(%dy, %x, %w, %sizes : tensor<?x2048xbf16>, tensor<?x7168xbf16>,
                                         tensor<64x2048x7168xbf16>, tensor<64xi32>)
               outs(%dx_init, %dw_init : tensor<?x7168xbf16>, tensor<64x2048x7168xbf16>)
               -> tensor<?x7168xbf16>, tensor<64x2048x7168xbf16>
  return %dx, %dw : tensor<?x7168xbf16>, tensor<64x2048x7168xbf16>
}

// Fine-tuning with frozen experts needs dX but not dW: canonicalization turns
// the backward op into its grad_input half alone.
func.func @moe_backward_frozen_experts(%dy: tensor<?x2048xbf16>, %x: tensor<?x7168xbf16>,
                                       %w: tensor<64x2048x7168xbf16>, %sizes: tensor<64xi32>)
    -> tensor<?x7168xbf16> {
  %c0 = arith.constant 0 : index
  %m = tensor.dim %x, %c0 : tensor<?x7168xbf16>
  %dx_init = tensor.empty(%m) : tensor<?x7168xbf16>
  %dw_init = tensor.empty() : tensor<64x2048x7168xbf16>
  %dx, %dw = mggemm.grouped_matmul_backward
               ins(%dy, %x, %w, %sizes : tensor<?x2048xbf16>, tensor<?x7168xbf16>,
                                         tensor<64x2048x7168xbf16>, tensor<64xi32>)
               outs(%dx_init, %dw_init : tensor<?x7168xbf16>, tensor<64x2048x7168xbf16>)
               -> tensor<?x7168xbf16>, tensor<64x2048x7168xbf16>
  return %dx : tensor<?x7168xbf16>
}
