// Round-trip of every mggemm op in its tensor and memref forms, with and
// without tile configurations. The second and third RUN lines re-parse the
// printed output (custom and generic form) and must print the same thing.
// RUN: mggemm-opt %s | FileCheck %s
// RUN: mggemm-opt %s | mggemm-opt | FileCheck %s
// RUN: mggemm-opt %s --mlir-print-op-generic | mggemm-opt | FileCheck %s

// CHECK-LABEL: func.func @grouped_matmul_tensor(
// CHECK-SAME:    %[[X:.*]]: tensor<?x7168xbf16>, %[[W:.*]]: tensor<8x4096x7168xbf16>, %[[S:.*]]: tensor<8xi32>, %[[Y:.*]]: tensor<?x4096xbf16>)
// CHECK:         %[[R:.*]] = mggemm.grouped_matmul ins(%[[X]], %[[W]], %[[S]] : tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>, tensor<8xi32>) outs(%[[Y]] : tensor<?x4096xbf16>) -> tensor<?x4096xbf16>
// CHECK:         return %[[R]]
func.func @grouped_matmul_tensor(%x: tensor<?x7168xbf16>, %w: tensor<8x4096x7168xbf16>,
                                 %sizes: tensor<8xi32>, %y: tensor<?x4096xbf16>) -> tensor<?x4096xbf16> {
  %0 = mggemm.grouped_matmul
         ins(%x, %w, %sizes : tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>, tensor<8xi32>)
         outs(%y : tensor<?x4096xbf16>) -> tensor<?x4096xbf16>
  return %0 : tensor<?x4096xbf16>
}

// Default cluster fields are elided when printed.
// CHECK-LABEL: func.func @grouped_matmul_tensor_tiled(
// CHECK:         mggemm.grouped_matmul ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<?x64xf16>, tensor<2x128x64xf16>, tensor<2xi32>) outs(%{{.*}} : tensor<?x128xf16>) {tile_config = #mggemm.tile_config<m = 64, n = 128, k = 64, stages = 3>} -> tensor<?x128xf16>
func.func @grouped_matmul_tensor_tiled(%x: tensor<?x64xf16>, %w: tensor<2x128x64xf16>,
                                       %sizes: tensor<2xi32>, %y: tensor<?x128xf16>) -> tensor<?x128xf16> {
  %0 = mggemm.grouped_matmul
         ins(%x, %w, %sizes : tensor<?x64xf16>, tensor<2x128x64xf16>, tensor<2xi32>)
         outs(%y : tensor<?x128xf16>)
         {tile_config = #mggemm.tile_config<m = 64, n = 128, k = 64, stages = 3, cluster_m = 1, cluster_n = 1>}
         -> tensor<?x128xf16>
  return %0 : tensor<?x128xf16>
}

// CHECK-LABEL: func.func @grouped_matmul_memref(
// CHECK:         mggemm.grouped_matmul ins(%{{.*}}, %{{.*}}, %{{.*}} : memref<?x7168xbf16>, memref<8x4096x7168xbf16>, memref<8xi32>) outs(%{{.*}} : memref<?x4096xbf16>){{$}}
// CHECK:         mggemm.grouped_matmul ins({{.*}}) outs({{.*}}) {tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>}{{$}}
func.func @grouped_matmul_memref(%x: memref<?x7168xbf16>, %w: memref<8x4096x7168xbf16>,
                                 %sizes: memref<8xi32>, %y: memref<?x4096xbf16>) {
  mggemm.grouped_matmul
      ins(%x, %w, %sizes : memref<?x7168xbf16>, memref<8x4096x7168xbf16>, memref<8xi32>)
      outs(%y : memref<?x4096xbf16>)
  mggemm.grouped_matmul
      ins(%x, %w, %sizes : memref<?x7168xbf16>, memref<8x4096x7168xbf16>, memref<8xi32>)
      outs(%y : memref<?x4096xbf16>)
      {tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>}
  return
}

// CHECK-LABEL: func.func @grad_input_tensor(
// CHECK-SAME:    %[[DY:.*]]: tensor<?x4096xbf16>, %[[W:.*]]: tensor<8x4096x7168xbf16>, %[[S:.*]]: tensor<8xi32>, %[[DX:.*]]: tensor<?x7168xbf16>)
// CHECK:         mggemm.grouped_matmul_grad_input ins(%[[DY]], %[[W]], %[[S]] : tensor<?x4096xbf16>, tensor<8x4096x7168xbf16>, tensor<8xi32>) outs(%[[DX]] : tensor<?x7168xbf16>) -> tensor<?x7168xbf16>
// CHECK:         mggemm.grouped_matmul_grad_input ins({{.*}}) outs({{.*}}) {tile_config = #mggemm.tile_config<m = 128, n = 192, k = 64, stages = 2>} -> tensor<?x7168xbf16>
func.func @grad_input_tensor(%dy: tensor<?x4096xbf16>, %w: tensor<8x4096x7168xbf16>,
                             %sizes: tensor<8xi32>, %dx: tensor<?x7168xbf16>) -> (tensor<?x7168xbf16>, tensor<?x7168xbf16>) {
  %0 = mggemm.grouped_matmul_grad_input
         ins(%dy, %w, %sizes : tensor<?x4096xbf16>, tensor<8x4096x7168xbf16>, tensor<8xi32>)
         outs(%dx : tensor<?x7168xbf16>) -> tensor<?x7168xbf16>
  %1 = mggemm.grouped_matmul_grad_input
         ins(%dy, %w, %sizes : tensor<?x4096xbf16>, tensor<8x4096x7168xbf16>, tensor<8xi32>)
         outs(%dx : tensor<?x7168xbf16>)
         {tile_config = #mggemm.tile_config<m = 128, n = 192, k = 64, stages = 2>}
         -> tensor<?x7168xbf16>
  return %0, %1 : tensor<?x7168xbf16>, tensor<?x7168xbf16>
}

// CHECK-LABEL: func.func @grad_input_memref(
// CHECK:         mggemm.grouped_matmul_grad_input ins(%{{.*}}, %{{.*}}, %{{.*}} : memref<?x4096xbf16>, memref<8x4096x7168xbf16>, memref<8xi32>) outs(%{{.*}} : memref<?x7168xbf16>){{$}}
// CHECK:         mggemm.grouped_matmul_grad_input ins({{.*}}) outs({{.*}}) {tile_config = #mggemm.tile_config<m = 64, n = 64, k = 64, stages = 8>}{{$}}
func.func @grad_input_memref(%dy: memref<?x4096xbf16>, %w: memref<8x4096x7168xbf16>,
                             %sizes: memref<8xi32>, %dx: memref<?x7168xbf16>) {
  mggemm.grouped_matmul_grad_input
      ins(%dy, %w, %sizes : memref<?x4096xbf16>, memref<8x4096x7168xbf16>, memref<8xi32>)
      outs(%dx : memref<?x7168xbf16>)
  mggemm.grouped_matmul_grad_input
      ins(%dy, %w, %sizes : memref<?x4096xbf16>, memref<8x4096x7168xbf16>, memref<8xi32>)
      outs(%dx : memref<?x7168xbf16>)
      {tile_config = #mggemm.tile_config<m = 64, n = 64, k = 64, stages = 8>}
  return
}

// CHECK-LABEL: func.func @grad_weight_tensor(
// CHECK-SAME:    %[[DY:.*]]: tensor<?x4096xbf16>, %[[X:.*]]: tensor<?x7168xbf16>, %[[S:.*]]: tensor<8xi32>, %[[DW:.*]]: tensor<8x4096x7168xbf16>)
// CHECK:         mggemm.grouped_matmul_grad_weight ins(%[[DY]], %[[X]], %[[S]] : tensor<?x4096xbf16>, tensor<?x7168xbf16>, tensor<8xi32>) outs(%[[DW]] : tensor<8x4096x7168xbf16>) -> tensor<8x4096x7168xbf16>
// CHECK:         mggemm.grouped_matmul_grad_weight ins({{.*}}) outs({{.*}}) {tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>} -> tensor<8x4096x7168xbf16>
func.func @grad_weight_tensor(%dy: tensor<?x4096xbf16>, %x: tensor<?x7168xbf16>,
                              %sizes: tensor<8xi32>, %dw: tensor<8x4096x7168xbf16>)
    -> (tensor<8x4096x7168xbf16>, tensor<8x4096x7168xbf16>) {
  %0 = mggemm.grouped_matmul_grad_weight
         ins(%dy, %x, %sizes : tensor<?x4096xbf16>, tensor<?x7168xbf16>, tensor<8xi32>)
         outs(%dw : tensor<8x4096x7168xbf16>) -> tensor<8x4096x7168xbf16>
  %1 = mggemm.grouped_matmul_grad_weight
         ins(%dy, %x, %sizes : tensor<?x4096xbf16>, tensor<?x7168xbf16>, tensor<8xi32>)
         outs(%dw : tensor<8x4096x7168xbf16>)
         {tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>}
         -> tensor<8x4096x7168xbf16>
  return %0, %1 : tensor<8x4096x7168xbf16>, tensor<8x4096x7168xbf16>
}

// Dynamic G: the number of experts need not be static either.
// CHECK-LABEL: func.func @grad_weight_memref(
// CHECK:         mggemm.grouped_matmul_grad_weight ins(%{{.*}}, %{{.*}}, %{{.*}} : memref<?x4096xf16>, memref<?x7168xf16>, memref<?xi32>) outs(%{{.*}} : memref<?x4096x7168xf16>){{$}}
// CHECK:         mggemm.grouped_matmul_grad_weight ins({{.*}}) outs({{.*}}) {tile_config = #mggemm.tile_config<m = 128, n = 128, k = 64, stages = 6>}{{$}}
func.func @grad_weight_memref(%dy: memref<?x4096xf16>, %x: memref<?x7168xf16>,
                              %sizes: memref<?xi32>, %dw: memref<?x4096x7168xf16>) {
  mggemm.grouped_matmul_grad_weight
      ins(%dy, %x, %sizes : memref<?x4096xf16>, memref<?x7168xf16>, memref<?xi32>)
      outs(%dw : memref<?x4096x7168xf16>)
  mggemm.grouped_matmul_grad_weight
      ins(%dy, %x, %sizes : memref<?x4096xf16>, memref<?x7168xf16>, memref<?xi32>)
      outs(%dw : memref<?x4096x7168xf16>)
      {tile_config = #mggemm.tile_config<m = 128, n = 128, k = 64, stages = 6>}
  return
}

// CHECK-LABEL: func.func @backward_tensor(
// CHECK-SAME:    %[[DY:[^:]*]]: tensor<?x4096xbf16>, %[[X:[^:]*]]: tensor<?x7168xbf16>, %[[W:[^:]*]]: tensor<8x4096x7168xbf16>, %[[S:[^:]*]]: tensor<8xi32>, %[[DXI:[^:]*]]: tensor<?x7168xbf16>, %[[DWI:[^:]*]]: tensor<8x4096x7168xbf16>)
// CHECK:         %[[R:.*]]:2 = mggemm.grouped_matmul_backward ins(%[[DY]], %[[X]], %[[W]], %[[S]] : tensor<?x4096xbf16>, tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>, tensor<8xi32>) outs(%[[DXI]], %[[DWI]] : tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>) -> tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>
// CHECK:         %[[T:.*]]:2 = mggemm.grouped_matmul_backward
// CHECK-SAME:      grad_input_tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>
// CHECK-SAME:      grad_weight_tile_config = #mggemm.tile_config<m = 64, n = 256, k = 64, stages = 5>
// CHECK-SAME:      -> tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>
// CHECK:         return %[[R]]#0, %[[R]]#1, %[[T]]#0, %[[T]]#1
func.func @backward_tensor(%dy: tensor<?x4096xbf16>, %x: tensor<?x7168xbf16>,
                           %w: tensor<8x4096x7168xbf16>, %sizes: tensor<8xi32>,
                           %dx: tensor<?x7168xbf16>, %dw: tensor<8x4096x7168xbf16>)
    -> (tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>, tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>) {
  %0:2 = mggemm.grouped_matmul_backward
           ins(%dy, %x, %w, %sizes : tensor<?x4096xbf16>, tensor<?x7168xbf16>,
                                     tensor<8x4096x7168xbf16>, tensor<8xi32>)
           outs(%dx, %dw : tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>)
           -> tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>
  %1:2 = mggemm.grouped_matmul_backward
           ins(%dy, %x, %w, %sizes : tensor<?x4096xbf16>, tensor<?x7168xbf16>,
                                     tensor<8x4096x7168xbf16>, tensor<8xi32>)
           outs(%dx, %dw : tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>)
           {grad_input_tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>,
            grad_weight_tile_config = #mggemm.tile_config<m = 64, n = 256, k = 64, stages = 5>}
           -> tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>
  return %0#0, %0#1, %1#0, %1#1
      : tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>, tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>
}

// One tile config set, the other left to the selection pass.
// CHECK-LABEL: func.func @backward_memref(
// CHECK:         mggemm.grouped_matmul_backward ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : memref<?x64xf16>, memref<?x64xf16>, memref<4x64x64xf16>, memref<4xi32>) outs(%{{.*}}, %{{.*}} : memref<?x64xf16>, memref<4x64x64xf16>){{$}}
// CHECK:         mggemm.grouped_matmul_backward ins({{.*}}) outs({{.*}}) {grad_weight_tile_config = #mggemm.tile_config<m = 64, n = 64, k = 64, stages = 2>}{{$}}
func.func @backward_memref(%dy: memref<?x64xf16>, %x: memref<?x64xf16>,
                           %w: memref<4x64x64xf16>, %sizes: memref<4xi32>,
                           %dx: memref<?x64xf16>, %dw: memref<4x64x64xf16>) {
  mggemm.grouped_matmul_backward
      ins(%dy, %x, %w, %sizes : memref<?x64xf16>, memref<?x64xf16>, memref<4x64x64xf16>, memref<4xi32>)
      outs(%dx, %dw : memref<?x64xf16>, memref<4x64x64xf16>)
  mggemm.grouped_matmul_backward
      ins(%dy, %x, %w, %sizes : memref<?x64xf16>, memref<?x64xf16>, memref<4x64x64xf16>, memref<4xi32>)
      outs(%dx, %dw : memref<?x64xf16>, memref<4x64x64xf16>)
      {grad_weight_tile_config = #mggemm.tile_config<m = 64, n = 64, k = 64, stages = 2>}
  return
}

// The attribute also stands on its own, e.g. as a discardable attribute that
// a frontend hands down.
// CHECK-LABEL: func.func @tile_config_attr()
// CHECK-SAME:    mggemm.hint = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>
func.func @tile_config_attr() attributes {mggemm.hint = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>} {
  return
}

// CHECK-LABEL: func.func @scaled_grouped_matmul_tensor(
// CHECK:         mggemm.scaled_grouped_matmul ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x7168xf8E4M3FN>, tensor<8x4096x7168xf8E4M3FN>, tensor<?xf32>, tensor<8x4096xf32>, tensor<8xi32>) outs(%{{.*}} : tensor<?x4096xbf16>) -> tensor<?x4096xbf16>
func.func @scaled_grouped_matmul_tensor(%x: tensor<?x7168xf8E4M3FN>, %w: tensor<8x4096x7168xf8E4M3FN>,
                                        %sx: tensor<?xf32>, %sw: tensor<8x4096xf32>,
                                        %sizes: tensor<8xi32>, %y: tensor<?x4096xbf16>) -> tensor<?x4096xbf16> {
  %0 = mggemm.scaled_grouped_matmul
         ins(%x, %w, %sx, %sw, %sizes : tensor<?x7168xf8E4M3FN>, tensor<8x4096x7168xf8E4M3FN>,
                                        tensor<?xf32>, tensor<8x4096xf32>, tensor<8xi32>)
         outs(%y : tensor<?x4096xbf16>) -> tensor<?x4096xbf16>
  return %0 : tensor<?x4096xbf16>
}

// CHECK-LABEL: func.func @scaled_grouped_matmul_memref(
// CHECK:         mggemm.scaled_grouped_matmul ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : memref<?x256xf8E4M3FN>, memref<2x128x256xf8E4M3FN>, memref<?xf32>, memref<2x128xf32>, memref<2xi32>) outs(%{{.*}} : memref<?x128xbf16>) {tile_config = #mggemm.tile_config<m = 128, n = 192, k = 128, stages = 4, cluster_m = 2>}
// CHECK-NOT:     ->
func.func @scaled_grouped_matmul_memref(%x: memref<?x256xf8E4M3FN>, %w: memref<2x128x256xf8E4M3FN>,
                                        %sx: memref<?xf32>, %sw: memref<2x128xf32>,
                                        %sizes: memref<2xi32>, %y: memref<?x128xbf16>) {
  mggemm.scaled_grouped_matmul
      ins(%x, %w, %sx, %sw, %sizes : memref<?x256xf8E4M3FN>, memref<2x128x256xf8E4M3FN>,
                                     memref<?xf32>, memref<2x128xf32>, memref<2xi32>)
      outs(%y : memref<?x128xbf16>)
      {tile_config = #mggemm.tile_config<m = 128, n = 192, k = 128, stages = 4, cluster_m = 2>}
  return
}

// The fp8 weight gradient of transposed operands, with and without
// fast_accumulation.
// CHECK-LABEL: func.func @scaled_grouped_matmul_grad_weight(
// CHECK:         mggemm.scaled_grouped_matmul_grad_weight ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<4096x?xf8E4M3FN>, tensor<7168x?xf8E4M3FN>, tensor<8x4096xf32>, tensor<8x7168xf32>, tensor<8xi32>) outs(%{{.*}} : tensor<8x4096x7168xbf16>) -> tensor<8x4096x7168xbf16>
// CHECK:         mggemm.scaled_grouped_matmul_grad_weight ins({{.*}}) outs(%{{.*}} : tensor<8x4096x7168xbf16>) {fast_accumulation} -> tensor<8x4096x7168xbf16>
func.func @scaled_grouped_matmul_grad_weight(%dyt: tensor<4096x?xf8E4M3FN>, %xt: tensor<7168x?xf8E4M3FN>,
                                             %sdy: tensor<8x4096xf32>, %sx: tensor<8x7168xf32>,
                                             %sizes: tensor<8xi32>, %dw: tensor<8x4096x7168xbf16>)
    -> (tensor<8x4096x7168xbf16>, tensor<8x4096x7168xbf16>) {
  %0 = mggemm.scaled_grouped_matmul_grad_weight
         ins(%dyt, %xt, %sdy, %sx, %sizes : tensor<4096x?xf8E4M3FN>, tensor<7168x?xf8E4M3FN>,
                                            tensor<8x4096xf32>, tensor<8x7168xf32>, tensor<8xi32>)
         outs(%dw : tensor<8x4096x7168xbf16>) -> tensor<8x4096x7168xbf16>
  %1 = mggemm.scaled_grouped_matmul_grad_weight
         ins(%dyt, %xt, %sdy, %sx, %sizes : tensor<4096x?xf8E4M3FN>, tensor<7168x?xf8E4M3FN>,
                                            tensor<8x4096xf32>, tensor<8x7168xf32>, tensor<8xi32>)
         outs(%dw : tensor<8x4096x7168xbf16>) {fast_accumulation} -> tensor<8x4096x7168xbf16>
  return %0, %1 : tensor<8x4096x7168xbf16>, tensor<8x4096x7168xbf16>
}

// Summed in the tensor cores over all of K: one accumulator, tiles up to
// n = 256.
// CHECK-LABEL: func.func @scaled_grouped_matmul_fast(
// CHECK:         mggemm.scaled_grouped_matmul ins({{.*}}) outs(%{{.*}} : memref<?x128xbf16>) {fast_accumulation, tile_config = #mggemm.tile_config<m = 128, n = 256, k = 128, stages = 4, cluster_m = 2>}
func.func @scaled_grouped_matmul_fast(%x: memref<?x256xf8E4M3FN>, %w: memref<2x128x256xf8E4M3FN>,
                                      %sx: memref<?xf32>, %sw: memref<2x128xf32>,
                                      %sizes: memref<2xi32>, %y: memref<?x128xbf16>) {
  mggemm.scaled_grouped_matmul
      ins(%x, %w, %sx, %sw, %sizes : memref<?x256xf8E4M3FN>, memref<2x128x256xf8E4M3FN>,
                                     memref<?xf32>, memref<2x128xf32>, memref<2xi32>)
      outs(%y : memref<?x128xbf16>)
      {fast_accumulation, tile_config = #mggemm.tile_config<m = 128, n = 256, k = 128, stages = 4, cluster_m = 2>}
  return
}

// Block scales: [ceil(K/128), M] for the input, [G, ceil(N/128), ceil(K/128)]
// for the weight (K = 7168 is 56 blocks, N = 4096 is 32).
// CHECK-LABEL: func.func @block_scaled_grouped_matmul(
// CHECK:         mggemm.scaled_grouped_matmul ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x7168xf8E4M3FN>, tensor<8x4096x7168xf8E4M3FN>, tensor<56x?xf32>, tensor<8x32x56xf32>, tensor<8xi32>) outs(%{{.*}} : tensor<?x4096xbf16>) -> tensor<?x4096xbf16>
func.func @block_scaled_grouped_matmul(%x: tensor<?x7168xf8E4M3FN>, %w: tensor<8x4096x7168xf8E4M3FN>,
                                       %sx: tensor<56x?xf32>, %sw: tensor<8x32x56xf32>,
                                       %sizes: tensor<8xi32>, %y: tensor<?x4096xbf16>) -> tensor<?x4096xbf16> {
  %0 = mggemm.scaled_grouped_matmul
         ins(%x, %w, %sx, %sw, %sizes : tensor<?x7168xf8E4M3FN>, tensor<8x4096x7168xf8E4M3FN>,
                                        tensor<56x?xf32>, tensor<8x32x56xf32>, tensor<8xi32>)
         outs(%y : tensor<?x4096xbf16>) -> tensor<?x4096xbf16>
  return %0 : tensor<?x4096xbf16>
}
