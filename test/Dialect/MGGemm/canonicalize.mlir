// Canonicalization of mggemm.grouped_matmul_backward: a half whose tensor
// result nobody reads is not computed.
// RUN: mggemm-opt %s -canonicalize -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @grad_input_unused(
// CHECK-SAME:    %[[DY:[^:]*]]: tensor<?x4096xbf16>, %[[X:[^:]*]]: tensor<?x7168xbf16>, %{{[^:]*}}: tensor<8x4096x7168xbf16>, %[[S:[^:]*]]: tensor<8xi32>, %{{[^:]*}}: tensor<?x7168xbf16>, %[[DWI:[^:]*]]: tensor<8x4096x7168xbf16>)
// CHECK-NOT:     mggemm.grouped_matmul_backward
// CHECK-NOT:     mggemm.grouped_matmul_grad_input
// CHECK:         %[[DW:.*]] = mggemm.grouped_matmul_grad_weight ins(%[[DY]], %[[X]], %[[S]] : tensor<?x4096xbf16>, tensor<?x7168xbf16>, tensor<8xi32>) outs(%[[DWI]] : tensor<8x4096x7168xbf16>) {tile_config = #mggemm.tile_config<m = 64, n = 128, k = 64, stages = 3>} -> tensor<8x4096x7168xbf16>
// CHECK-NEXT:    return %[[DW]]
func.func @grad_input_unused(%dy: tensor<?x4096xbf16>, %x: tensor<?x7168xbf16>,
                             %w: tensor<8x4096x7168xbf16>, %sizes: tensor<8xi32>,
                             %dx: tensor<?x7168xbf16>, %dw: tensor<8x4096x7168xbf16>)
    -> tensor<8x4096x7168xbf16> {
  // The grad_weight half keeps its own tile config.
  %0:2 = mggemm.grouped_matmul_backward
           ins(%dy, %x, %w, %sizes : tensor<?x4096xbf16>, tensor<?x7168xbf16>,
                                     tensor<8x4096x7168xbf16>, tensor<8xi32>)
           outs(%dx, %dw : tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>)
           {grad_input_tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>,
            grad_weight_tile_config = #mggemm.tile_config<m = 64, n = 128, k = 64, stages = 3>}
           -> tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>
  return %0#1 : tensor<8x4096x7168xbf16>
}

// -----

// CHECK-LABEL: func.func @grad_weight_unused(
// CHECK-SAME:    %[[DY:[^:]*]]: tensor<?x4096xbf16>, %{{[^:]*}}: tensor<?x7168xbf16>, %[[W:[^:]*]]: tensor<8x4096x7168xbf16>, %[[S:[^:]*]]: tensor<8xi32>, %[[DXI:[^:]*]]: tensor<?x7168xbf16>, %{{[^:]*}}: tensor<8x4096x7168xbf16>)
// CHECK-NOT:     mggemm.grouped_matmul_backward
// CHECK-NOT:     mggemm.grouped_matmul_grad_weight
// CHECK:         %[[DX:.*]] = mggemm.grouped_matmul_grad_input ins(%[[DY]], %[[W]], %[[S]] : tensor<?x4096xbf16>, tensor<8x4096x7168xbf16>, tensor<8xi32>) outs(%[[DXI]] : tensor<?x7168xbf16>) {tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>} -> tensor<?x7168xbf16>
// CHECK-NEXT:    return %[[DX]]
func.func @grad_weight_unused(%dy: tensor<?x4096xbf16>, %x: tensor<?x7168xbf16>,
                              %w: tensor<8x4096x7168xbf16>, %sizes: tensor<8xi32>,
                              %dx: tensor<?x7168xbf16>, %dw: tensor<8x4096x7168xbf16>)
    -> tensor<?x7168xbf16> {
  %0:2 = mggemm.grouped_matmul_backward
           ins(%dy, %x, %w, %sizes : tensor<?x4096xbf16>, tensor<?x7168xbf16>,
                                     tensor<8x4096x7168xbf16>, tensor<8xi32>)
           outs(%dx, %dw : tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>)
           {grad_input_tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>,
            grad_weight_tile_config = #mggemm.tile_config<m = 64, n = 128, k = 64, stages = 3>}
           -> tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>
  return %0#0 : tensor<?x7168xbf16>
}

// -----

// Tensor-form ops have no side effects, so a backward op with no used result
// disappears altogether.
// CHECK-LABEL: func.func @both_unused(
// CHECK-NOT:     mggemm.
// CHECK:         return
func.func @both_unused(%dy: tensor<?x4096xbf16>, %x: tensor<?x7168xbf16>,
                       %w: tensor<8x4096x7168xbf16>, %sizes: tensor<8xi32>,
                       %dx: tensor<?x7168xbf16>, %dw: tensor<8x4096x7168xbf16>) {
  %0:2 = mggemm.grouped_matmul_backward
           ins(%dy, %x, %w, %sizes : tensor<?x4096xbf16>, tensor<?x7168xbf16>,
                                     tensor<8x4096x7168xbf16>, tensor<8xi32>)
           outs(%dx, %dw : tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>)
           -> tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>
  return
}

// -----

// CHECK-LABEL: func.func @both_used(
// CHECK:         %[[R:.*]]:2 = mggemm.grouped_matmul_backward
// CHECK-NEXT:    return %[[R]]#0, %[[R]]#1
func.func @both_used(%dy: tensor<?x4096xbf16>, %x: tensor<?x7168xbf16>,
                     %w: tensor<8x4096x7168xbf16>, %sizes: tensor<8xi32>,
                     %dx: tensor<?x7168xbf16>, %dw: tensor<8x4096x7168xbf16>)
    -> (tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>) {
  %0:2 = mggemm.grouped_matmul_backward
           ins(%dy, %x, %w, %sizes : tensor<?x4096xbf16>, tensor<?x7168xbf16>,
                                     tensor<8x4096x7168xbf16>, tensor<8xi32>)
           outs(%dx, %dw : tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>)
           -> tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>
  return %0#0, %0#1 : tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>
}

// -----

// The memref form writes both destinations; nothing may be dropped.
// CHECK-LABEL: func.func @memref_form_kept(
// CHECK:         mggemm.grouped_matmul_backward ins(%{{.*}}) outs(%{{.*}}, %{{.*}} : memref<?x64xf16>, memref<4x64x64xf16>)
// CHECK-NEXT:    return
func.func @memref_form_kept(%dy: memref<?x64xf16>, %x: memref<?x64xf16>,
                            %w: memref<4x64x64xf16>, %sizes: memref<4xi32>,
                            %dx: memref<?x64xf16>, %dw: memref<4x64x64xf16>) {
  mggemm.grouped_matmul_backward
      ins(%dy, %x, %w, %sizes : memref<?x64xf16>, memref<?x64xf16>, memref<4x64x64xf16>, memref<4xi32>)
      outs(%dx, %dw : memref<?x64xf16>, memref<4x64x64xf16>)
  return
}

// -----

// Same for the single products: tensor form without uses is dead, the
// memref form is not.
// CHECK-LABEL: func.func @single_products(
// CHECK-NOT:     -> tensor<?x64xbf16>
// CHECK:         mggemm.grouped_matmul ins(%{{.*}}) outs(%{{.*}} : memref<?x64xbf16>)
// CHECK-NEXT:    return
func.func @single_products(%x: tensor<?x64xbf16>, %w: tensor<4x64x64xbf16>,
                           %sizes: tensor<4xi32>, %y: tensor<?x64xbf16>,
                           %xm: memref<?x64xbf16>, %wm: memref<4x64x64xbf16>,
                           %sizesm: memref<4xi32>, %ym: memref<?x64xbf16>) {
  %0 = mggemm.grouped_matmul ins(%x, %w, %sizes : tensor<?x64xbf16>, tensor<4x64x64xbf16>, tensor<4xi32>)
         outs(%y : tensor<?x64xbf16>) -> tensor<?x64xbf16>
  mggemm.grouped_matmul ins(%xm, %wm, %sizesm : memref<?x64xbf16>, memref<4x64x64xbf16>, memref<4xi32>)
      outs(%ym : memref<?x64xbf16>)
  return
}
