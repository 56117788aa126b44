// RUN: mggemm-opt %s -mggemm-decompose-backward -split-input-file | FileCheck %s

// Each half reads the operands it needs and keeps its own tile config.
// CHECK-LABEL: func.func @tensor_form(
// CHECK-SAME:    %[[DY:[^:]*]]: tensor<?x4096xbf16>, %[[X:[^:]*]]: tensor<?x7168xbf16>, %[[W:[^:]*]]: tensor<8x4096x7168xbf16>, %[[S:[^:]*]]: tensor<8xi32>, %[[DXI:[^:]*]]: tensor<?x7168xbf16>, %[[DWI:[^:]*]]: tensor<8x4096x7168xbf16>)
// CHECK-NOT:     mggemm.grouped_matmul_backward
// CHECK:         %[[DX:.*]] = mggemm.grouped_matmul_grad_input ins(%[[DY]], %[[W]], %[[S]] : tensor<?x4096xbf16>, tensor<8x4096x7168xbf16>, tensor<8xi32>) outs(%[[DXI]] : tensor<?x7168xbf16>) {tile_config = #mggemm.tile_config<m = 64, n = 256, k = 64, stages = 4>} -> tensor<?x7168xbf16>
// CHECK-NEXT:    %[[DW:.*]] = mggemm.grouped_matmul_grad_weight ins(%[[DY]], %[[X]], %[[S]] : tensor<?x4096xbf16>, tensor<?x7168xbf16>, tensor<8xi32>) outs(%[[DWI]] : tensor<8x4096x7168xbf16>) {tile_config = #mggemm.tile_config<m = 128, n = 128, k = 64, stages = 3>} -> tensor<8x4096x7168xbf16>
// CHECK-NEXT:    return %[[DX]], %[[DW]]
func.func @tensor_form(%dy: tensor<?x4096xbf16>, %x: tensor<?x7168xbf16>,
                       %w: tensor<8x4096x7168xbf16>, %sizes: tensor<8xi32>,
                       %dx: tensor<?x7168xbf16>, %dw: tensor<8x4096x7168xbf16>)
    -> (tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>) {
  %0:2 = mggemm.grouped_matmul_backward
           ins(%dy, %x, %w, %sizes : tensor<?x4096xbf16>, tensor<?x7168xbf16>,
                                     tensor<8x4096x7168xbf16>, tensor<8xi32>)
           outs(%dx, %dw : tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>)
           {grad_input_tile_config = #mggemm.tile_config<m = 64, n = 256, k = 64, stages = 4>,
            grad_weight_tile_config = #mggemm.tile_config<m = 128, n = 128, k = 64, stages = 3>}
           -> tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>
  return %0#0, %0#1 : tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>
}

// -----

// Without tile configs the halves carry none either.
// CHECK-LABEL: func.func @memref_form(
// CHECK-SAME:    %[[DY:[^:]*]]: memref<?x64xf16>, %[[X:[^:]*]]: memref<?x64xf16>, %[[W:[^:]*]]: memref<4x64x64xf16>, %[[S:[^:]*]]: memref<4xi32>, %[[DX:[^:]*]]: memref<?x64xf16>, %[[DW:[^:]*]]: memref<4x64x64xf16>)
// CHECK-NEXT:    mggemm.grouped_matmul_grad_input ins(%[[DY]], %[[W]], %[[S]] : memref<?x64xf16>, memref<4x64x64xf16>, memref<4xi32>) outs(%[[DX]] : memref<?x64xf16>){{$}}
// CHECK-NEXT:    mggemm.grouped_matmul_grad_weight ins(%[[DY]], %[[X]], %[[S]] : memref<?x64xf16>, memref<?x64xf16>, memref<4xi32>) outs(%[[DW]] : memref<4x64x64xf16>){{$}}
// CHECK-NEXT:    return
func.func @memref_form(%dy: memref<?x64xf16>, %x: memref<?x64xf16>,
                       %w: memref<4x64x64xf16>, %sizes: memref<4xi32>,
                       %dx: memref<?x64xf16>, %dw: memref<4x64x64xf16>) {
  mggemm.grouped_matmul_backward
      ins(%dy, %x, %w, %sizes : memref<?x64xf16>, memref<?x64xf16>, memref<4x64x64xf16>, memref<4xi32>)
      outs(%dx, %dw : memref<?x64xf16>, memref<4x64x64xf16>)
  return
}

// -----

// Single products are not touched.
// CHECK-LABEL: func.func @single_product_untouched(
// CHECK-NEXT:    %[[Y:.*]] = mggemm.grouped_matmul ins
// CHECK-NEXT:    return %[[Y]]
func.func @single_product_untouched(%x: tensor<?x64xbf16>, %w: tensor<4x64x64xbf16>,
                                    %sizes: tensor<4xi32>, %y: tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  %0 = mggemm.grouped_matmul ins(%x, %w, %sizes : tensor<?x64xbf16>, tensor<4x64x64xbf16>, tensor<4xi32>)
         outs(%y : tensor<?x64xbf16>) -> tensor<?x64xbf16>
  return %0 : tensor<?x64xbf16>
}
