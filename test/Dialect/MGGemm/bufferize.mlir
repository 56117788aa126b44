// One-Shot Bufferize turns the tensor form of each op into its memref form,
// writing in place into the destination's buffer where that is safe.
// RUN: mggemm-opt %s -one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @grouped_matmul(
// CHECK-SAME:    %[[X:[^:]*]]: memref<?x7168xbf16>, %[[W:[^:]*]]: memref<8x4096x7168xbf16>, %[[S:[^:]*]]: memref<8xi32>, %[[Y:[^:]*]]: memref<?x4096xbf16>) -> memref<?x4096xbf16>
// CHECK-NEXT:    mggemm.grouped_matmul ins(%[[X]], %[[W]], %[[S]] : memref<?x7168xbf16>, memref<8x4096x7168xbf16>, memref<8xi32>) outs(%[[Y]] : memref<?x4096xbf16>) {tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>}{{$}}
// CHECK-NEXT:    return %[[Y]]
func.func @grouped_matmul(%x: tensor<?x7168xbf16>, %w: tensor<8x4096x7168xbf16>,
                          %sizes: tensor<8xi32>, %y: tensor<?x4096xbf16>) -> tensor<?x4096xbf16> {
  %0 = mggemm.grouped_matmul
         ins(%x, %w, %sizes : tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>, tensor<8xi32>)
         outs(%y : tensor<?x4096xbf16>)
         {tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>}
         -> tensor<?x4096xbf16>
  return %0 : tensor<?x4096xbf16>
}

// -----

// CHECK-LABEL: func.func @grad_input(
// CHECK-SAME:    %[[DY:[^:]*]]: memref<?x4096xbf16>, %[[W:[^:]*]]: memref<8x4096x7168xbf16>, %[[S:[^:]*]]: memref<8xi32>, %[[DX:[^:]*]]: memref<?x7168xbf16>) -> memref<?x7168xbf16>
// CHECK-NEXT:    mggemm.grouped_matmul_grad_input ins(%[[DY]], %[[W]], %[[S]] : memref<?x4096xbf16>, memref<8x4096x7168xbf16>, memref<8xi32>) outs(%[[DX]] : memref<?x7168xbf16>){{$}}
// CHECK-NEXT:    return %[[DX]]
func.func @grad_input(%dy: tensor<?x4096xbf16>, %w: tensor<8x4096x7168xbf16>,
                      %sizes: tensor<8xi32>, %dx: tensor<?x7168xbf16>) -> tensor<?x7168xbf16> {
  %0 = mggemm.grouped_matmul_grad_input
         ins(%dy, %w, %sizes : tensor<?x4096xbf16>, tensor<8x4096x7168xbf16>, tensor<8xi32>)
         outs(%dx : tensor<?x7168xbf16>) -> tensor<?x7168xbf16>
  return %0 : tensor<?x7168xbf16>
}

// -----

// CHECK-LABEL: func.func @grad_weight(
// CHECK-SAME:    %[[DY:[^:]*]]: memref<?x4096xf16>, %[[X:[^:]*]]: memref<?x7168xf16>, %[[S:[^:]*]]: memref<8xi32>, %[[DW:[^:]*]]: memref<8x4096x7168xf16>) -> memref<8x4096x7168xf16>
// CHECK-NEXT:    mggemm.grouped_matmul_grad_weight ins(%[[DY]], %[[X]], %[[S]] : memref<?x4096xf16>, memref<?x7168xf16>, memref<8xi32>) outs(%[[DW]] : memref<8x4096x7168xf16>){{$}}
// CHECK-NEXT:    return %[[DW]]
func.func @grad_weight(%dy: tensor<?x4096xf16>, %x: tensor<?x7168xf16>,
                       %sizes: tensor<8xi32>, %dw: tensor<8x4096x7168xf16>) -> tensor<8x4096x7168xf16> {
  %0 = mggemm.grouped_matmul_grad_weight
         ins(%dy, %x, %sizes : tensor<?x4096xf16>, tensor<?x7168xf16>, tensor<8xi32>)
         outs(%dw : tensor<8x4096x7168xf16>) -> tensor<8x4096x7168xf16>
  return %0 : tensor<8x4096x7168xf16>
}

// -----

// Destinations from tensor.empty become fresh allocations; both tile configs
// survive.
// CHECK-LABEL: func.func @backward(
// CHECK-SAME:    %[[DY:[^:]*]]: memref<?x4096xbf16>, %[[X:[^:]*]]: memref<?x7168xbf16>, %[[W:[^:]*]]: memref<8x4096x7168xbf16>, %[[S:[^:]*]]: memref<8xi32>)
// CHECK-DAG:     %[[DX:.*]] = memref.alloc(%{{.*}}) {{.*}} : memref<?x7168xbf16>
// CHECK-DAG:     %[[DW:.*]] = memref.alloc() {{.*}} : memref<8x4096x7168xbf16>
// CHECK:         mggemm.grouped_matmul_backward ins(%[[DY]], %[[X]], %[[W]], %[[S]] : memref<?x4096xbf16>, memref<?x7168xbf16>, memref<8x4096x7168xbf16>, memref<8xi32>) outs(%[[DX]], %[[DW]] : memref<?x7168xbf16>, memref<8x4096x7168xbf16>) {grad_input_tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>, grad_weight_tile_config = #mggemm.tile_config<m = 64, n = 128, k = 64, stages = 3>}{{$}}
// CHECK-NEXT:    return %[[DX]], %[[DW]]
func.func @backward(%dy: tensor<?x4096xbf16>, %x: tensor<?x7168xbf16>,
                    %w: tensor<8x4096x7168xbf16>, %sizes: tensor<8xi32>)
    -> (tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>) {
  %c0 = arith.constant 0 : index
  %m = tensor.dim %x, %c0 : tensor<?x7168xbf16>
  %dx_init = tensor.empty(%m) : tensor<?x7168xbf16>
  %dw_init = tensor.empty() : tensor<8x4096x7168xbf16>
  %0:2 = mggemm.grouped_matmul_backward
           ins(%dy, %x, %w, %sizes : tensor<?x4096xbf16>, tensor<?x7168xbf16>,
                                     tensor<8x4096x7168xbf16>, tensor<8xi32>)
           outs(%dx_init, %dw_init : tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>)
           {grad_input_tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>,
            grad_weight_tile_config = #mggemm.tile_config<m = 64, n = 128, k = 64, stages = 3>}
           -> tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>
  return %0#0, %0#1 : tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>
}

// -----

// The old destination is still returned, so the op cannot write into it. Rows
// past the last group keep the destination's values, so the copy carries
// them over rather than starting from an uninitialized buffer.
// CHECK-LABEL: func.func @destination_still_live(
// CHECK-SAME:    %{{[^:]*}}: memref<?x64xbf16>, %{{[^:]*}}: memref<4x64x64xbf16>, %{{[^:]*}}: memref<4xi32>, %[[Y:[^:]*]]: memref<?x64xbf16>)
// CHECK:         %[[COPY:.*]] = memref.alloc
// CHECK:         memref.copy %[[Y]], %[[COPY]]
// CHECK:         mggemm.grouped_matmul ins(%{{.*}}) outs(%[[COPY]] : memref<?x64xbf16>)
// CHECK:         return %[[COPY]], %[[Y]]
func.func @destination_still_live(%x: tensor<?x64xbf16>, %w: tensor<4x64x64xbf16>,
                                  %sizes: tensor<4xi32>, %y: tensor<?x64xbf16>)
    -> (tensor<?x64xbf16>, tensor<?x64xbf16>) {
  %0 = mggemm.grouped_matmul
         ins(%x, %w, %sizes : tensor<?x64xbf16>, tensor<4x64x64xbf16>, tensor<4xi32>)
         outs(%y : tensor<?x64xbf16>) -> tensor<?x64xbf16>
  return %0, %y : tensor<?x64xbf16>, tensor<?x64xbf16>
}

// -----

// Ops already in memref form are left alone.
// CHECK-LABEL: func.func @memref_form(
// CHECK-NEXT:    mggemm.grouped_matmul_backward ins(%{{.*}}) outs(%{{.*}}, %{{.*}} : memref<?x64xf16>, memref<4x64x64xf16>){{$}}
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

// When the destination is still needed afterwards, bufferization writes into
// a new buffer. A forward destination is read (rows past the last group keep
// their values), so it is copied first; a grad-weight destination is
// overwritten whole, so it is not.

// CHECK-LABEL: func.func @destination_reused(
// CHECK:         %[[Y2:.*]] = memref.alloc
// CHECK:         memref.copy %{{.*}}, %[[Y2]]
// CHECK:         mggemm.grouped_matmul {{.*}} outs(%[[Y2]]
// CHECK:         %[[DW2:.*]] = memref.alloc
// CHECK-NOT:     memref.copy
// CHECK:         mggemm.grouped_matmul_grad_weight {{.*}} outs(%[[DW2]]
func.func @destination_reused(%x: tensor<?x64xbf16>, %w: tensor<4x64x64xbf16>,
                              %sizes: tensor<4xi32>, %y: tensor<?x64xbf16>,
                              %dy: tensor<?x64xbf16>, %dw: tensor<4x64x64xbf16>)
    -> (tensor<?x64xbf16>, tensor<?x64xbf16>, tensor<4x64x64xbf16>, tensor<4x64x64xbf16>) {
  %0 = mggemm.grouped_matmul ins(%x, %w, %sizes : tensor<?x64xbf16>, tensor<4x64x64xbf16>, tensor<4xi32>)
         outs(%y : tensor<?x64xbf16>) -> tensor<?x64xbf16>
  %1 = mggemm.grouped_matmul_grad_weight ins(%dy, %x, %sizes : tensor<?x64xbf16>, tensor<?x64xbf16>, tensor<4xi32>)
         outs(%dw : tensor<4x64x64xbf16>) -> tensor<4x64x64xbf16>
  return %0, %y, %1, %dw : tensor<?x64xbf16>, tensor<?x64xbf16>, tensor<4x64x64xbf16>, tensor<4x64x64xbf16>
}

// -----

// CHECK-LABEL: func.func @scaled_grouped_matmul(
// CHECK-SAME:    %[[X:[^:]*]]: memref<?x256xf8E4M3FN>, %[[W:[^:]*]]: memref<2x128x256xf8E4M3FN>, %[[SX:[^:]*]]: memref<?xf32>, %[[SW:[^:]*]]: memref<2x128xf32>, %[[S:[^:]*]]: memref<2xi32>, %[[Y:[^:]*]]: memref<?x128xbf16>) -> memref<?x128xbf16>
// CHECK-NEXT:    mggemm.scaled_grouped_matmul ins(%[[X]], %[[W]], %[[SX]], %[[SW]], %[[S]] : {{.*}}) outs(%[[Y]] : memref<?x128xbf16>){{$}}
// CHECK-NEXT:    return %[[Y]]
func.func @scaled_grouped_matmul(%x: tensor<?x256xf8E4M3FN>, %w: tensor<2x128x256xf8E4M3FN>,
                                 %sx: tensor<?xf32>, %sw: tensor<2x128xf32>,
                                 %sizes: tensor<2xi32>, %y: tensor<?x128xbf16>) -> tensor<?x128xbf16> {
  %0 = mggemm.scaled_grouped_matmul
         ins(%x, %w, %sx, %sw, %sizes : tensor<?x256xf8E4M3FN>, tensor<2x128x256xf8E4M3FN>,
                                        tensor<?xf32>, tensor<2x128xf32>, tensor<2xi32>)
         outs(%y : tensor<?x128xbf16>) -> tensor<?x128xbf16>
  return %0 : tensor<?x128xbf16>
}

// -----

// The fp8 weight gradient overwrites dW whole: its destination is not read.
// CHECK-LABEL: func.func @scaled_grouped_matmul_grad_weight(
// CHECK-SAME:    %[[DW:[^:]*]]: memref<2x128x128xbf16>) -> memref<2x128x128xbf16>
// CHECK-NEXT:    mggemm.scaled_grouped_matmul_grad_weight ins({{.*}}) outs(%[[DW]] : memref<2x128x128xbf16>){{$}}
// CHECK-NEXT:    return %[[DW]]
func.func @scaled_grouped_matmul_grad_weight(%dyt: tensor<128x?xf8E4M3FN>, %xt: tensor<128x?xf8E4M3FN>,
                                             %sdy: tensor<2x128xf32>, %sx: tensor<2x128xf32>,
                                             %sizes: tensor<2xi32>, %dw: tensor<2x128x128xbf16>) -> tensor<2x128x128xbf16> {
  %0 = mggemm.scaled_grouped_matmul_grad_weight
         ins(%dyt, %xt, %sdy, %sx, %sizes : tensor<128x?xf8E4M3FN>, tensor<128x?xf8E4M3FN>,
                                            tensor<2x128xf32>, tensor<2x128xf32>, tensor<2xi32>)
         outs(%dw : tensor<2x128x128xbf16>) -> tensor<2x128x128xbf16>
  return %0 : tensor<2x128x128xbf16>
}
