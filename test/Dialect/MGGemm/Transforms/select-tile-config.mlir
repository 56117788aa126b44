// RUN: mggemm-opt %s -mggemm-select-tile-config -split-input-file | FileCheck %s

// The table in include/mggemm/Runtime/TileConfigs.h picks 128x256x64 tiles
// with 4 stages on clusters of two CTAs for every kind when the rows per
// group are unknown (they are data); the DEFAULT capture below spells it.

// CHECK-LABEL: func.func @fills_missing_configs(
// CHECK:         mggemm.grouped_matmul ins({{.*}}) outs({{.*}}) {tile_config = #mggemm.tile_config<[[DEFAULT:m = 128, n = 256, k = 64, stages = 4, cluster_m = 2]]>} -> tensor<?x4096xbf16>
// CHECK:         mggemm.grouped_matmul_grad_input ins({{.*}}) outs({{.*}}) {tile_config = #mggemm.tile_config<[[DEFAULT]]>} -> tensor<?x7168xbf16>
// CHECK:         mggemm.grouped_matmul_grad_weight ins({{.*}}) outs({{.*}}) {tile_config = #mggemm.tile_config<[[DEFAULT]]>} -> tensor<8x4096x7168xbf16>
// CHECK:         mggemm.grouped_matmul_backward ins({{.*}}) outs({{.*}}) {grad_input_tile_config = #mggemm.tile_config<[[DEFAULT]]>, grad_weight_tile_config = #mggemm.tile_config<[[DEFAULT]]>}
func.func @fills_missing_configs(%x: tensor<?x7168xbf16>, %w: tensor<8x4096x7168xbf16>,
                                 %sizes: tensor<8xi32>, %y: tensor<?x4096xbf16>,
                                 %dy: tensor<?x4096xbf16>, %dx: tensor<?x7168xbf16>,
                                 %dw: tensor<8x4096x7168xbf16>) {
  %0 = mggemm.grouped_matmul
         ins(%x, %w, %sizes : tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>, tensor<8xi32>)
         outs(%y : tensor<?x4096xbf16>) -> tensor<?x4096xbf16>
  %1 = mggemm.grouped_matmul_grad_input
         ins(%dy, %w, %sizes : tensor<?x4096xbf16>, tensor<8x4096x7168xbf16>, tensor<8xi32>)
         outs(%dx : tensor<?x7168xbf16>) -> tensor<?x7168xbf16>
  %2 = mggemm.grouped_matmul_grad_weight
         ins(%dy, %x, %sizes : tensor<?x4096xbf16>, tensor<?x7168xbf16>, tensor<8xi32>)
         outs(%dw : tensor<8x4096x7168xbf16>) -> tensor<8x4096x7168xbf16>
  %3:2 = mggemm.grouped_matmul_backward
           ins(%dy, %x, %w, %sizes : tensor<?x4096xbf16>, tensor<?x7168xbf16>,
                                     tensor<8x4096x7168xbf16>, tensor<8xi32>)
           outs(%dx, %dw : tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>)
           -> tensor<?x7168xbf16>, tensor<8x4096x7168xbf16>
  return
}

// -----

// Configurations set by hand are kept, including one half of a backward op;
// the other half gets the table's choice.
// CHECK-LABEL: func.func @keeps_hand_set_configs(
// CHECK:         mggemm.grouped_matmul ins({{.*}}) outs({{.*}}) {tile_config = #mggemm.tile_config<m = 64, n = 128, k = 64, stages = 6>}{{$}}
// CHECK:         mggemm.grouped_matmul_grad_input ins({{.*}}) outs({{.*}}) {tile_config = #mggemm.tile_config<m = 128, n = 192, k = 64, stages = 3>}{{$}}
// CHECK:         mggemm.grouped_matmul_grad_weight ins({{.*}}) outs({{.*}}) {tile_config = #mggemm.tile_config<m = 64, n = 64, k = 64, stages = 8>}{{$}}
// CHECK:         mggemm.grouped_matmul_backward ins({{.*}}) outs({{.*}}) {grad_input_tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4, cluster_m = 2>, grad_weight_tile_config = #mggemm.tile_config<m = 64, n = 256, k = 64, stages = 2>}{{$}}
// CHECK:         mggemm.grouped_matmul_backward ins({{.*}}) outs({{.*}}) {grad_input_tile_config = #mggemm.tile_config<m = 64, n = 192, k = 64, stages = 5>, grad_weight_tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4, cluster_m = 2>}{{$}}
func.func @keeps_hand_set_configs(%x: memref<?x64xf16>, %w: memref<4x64x64xf16>,
                                  %sizes: memref<4xi32>, %y: memref<?x64xf16>,
                                  %dy: memref<?x64xf16>, %dx: memref<?x64xf16>,
                                  %dw: memref<4x64x64xf16>) {
  mggemm.grouped_matmul
      ins(%x, %w, %sizes : memref<?x64xf16>, memref<4x64x64xf16>, memref<4xi32>)
      outs(%y : memref<?x64xf16>)
      {tile_config = #mggemm.tile_config<m = 64, n = 128, k = 64, stages = 6>}
  mggemm.grouped_matmul_grad_input
      ins(%dy, %w, %sizes : memref<?x64xf16>, memref<4x64x64xf16>, memref<4xi32>)
      outs(%dx : memref<?x64xf16>)
      {tile_config = #mggemm.tile_config<m = 128, n = 192, k = 64, stages = 3>}
  mggemm.grouped_matmul_grad_weight
      ins(%dy, %x, %sizes : memref<?x64xf16>, memref<?x64xf16>, memref<4xi32>)
      outs(%dw : memref<4x64x64xf16>)
      {tile_config = #mggemm.tile_config<m = 64, n = 64, k = 64, stages = 8>}
  mggemm.grouped_matmul_backward
      ins(%dy, %x, %w, %sizes : memref<?x64xf16>, memref<?x64xf16>, memref<4x64x64xf16>, memref<4xi32>)
      outs(%dx, %dw : memref<?x64xf16>, memref<4x64x64xf16>)
      {grad_weight_tile_config = #mggemm.tile_config<m = 64, n = 256, k = 64, stages = 2>}
  mggemm.grouped_matmul_backward
      ins(%dy, %x, %w, %sizes : memref<?x64xf16>, memref<?x64xf16>, memref<4x64x64xf16>, memref<4xi32>)
      outs(%dx, %dw : memref<?x64xf16>, memref<4x64x64xf16>)
      {grad_input_tile_config = #mggemm.tile_config<m = 64, n = 192, k = 64, stages = 5>}
  return
}

// -----

// Fully dynamic shapes still get a configuration.
// CHECK-LABEL: func.func @dynamic_shapes(
// CHECK:         mggemm.grouped_matmul_grad_weight ins({{.*}}) outs({{.*}}) {tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4, cluster_m = 2>}{{$}}
func.func @dynamic_shapes(%dy: memref<?x?xbf16>, %x: memref<?x?xbf16>,
                          %sizes: memref<?xi32>, %dw: memref<?x?x?xbf16>) {
  mggemm.grouped_matmul_grad_weight
      ins(%dy, %x, %sizes : memref<?x?xbf16>, memref<?x?xbf16>, memref<?xi32>)
      outs(%dw : memref<?x?x?xbf16>)
  return
}

// -----

// fp8 products get the e4m3 kernels' tiles: k = 128, one 128-byte row; 192
// wide where the sums are added up per K block, 256 with fast_accumulation.

// CHECK-LABEL: func.func @scaled(
// CHECK:         mggemm.scaled_grouped_matmul ins({{.*}}) outs({{.*}}) {tile_config = #mggemm.tile_config<m = 128, n = 192, k = 128, stages = 4, cluster_m = 2>} -> tensor<?x4096xbf16>
// CHECK:         mggemm.scaled_grouped_matmul ins({{.*}}) outs({{.*}}) {fast_accumulation, tile_config = #mggemm.tile_config<m = 128, n = 256, k = 128, stages = 4, cluster_m = 2>} -> tensor<?x4096xbf16>
func.func @scaled(%x: tensor<?x7168xf8E4M3FN>, %w: tensor<8x4096x7168xf8E4M3FN>,
                  %sx: tensor<?xf32>, %sw: tensor<8x4096xf32>,
                  %sizes: tensor<8xi32>, %y: tensor<?x4096xbf16>) {
  %0 = mggemm.scaled_grouped_matmul
         ins(%x, %w, %sx, %sw, %sizes : tensor<?x7168xf8E4M3FN>, tensor<8x4096x7168xf8E4M3FN>,
                                        tensor<?xf32>, tensor<8x4096xf32>, tensor<8xi32>)
         outs(%y : tensor<?x4096xbf16>) -> tensor<?x4096xbf16>
  %1 = mggemm.scaled_grouped_matmul
         ins(%x, %w, %sx, %sw, %sizes : tensor<?x7168xf8E4M3FN>, tensor<8x4096x7168xf8E4M3FN>,
                                        tensor<?xf32>, tensor<8x4096xf32>, tensor<8xi32>)
         outs(%y : tensor<?x4096xbf16>) {fast_accumulation} -> tensor<?x4096xbf16>
  return
}

// -----

// Block-scaled fp8 products get the 128 x 192 tile with 4 stages on
// clusters. (The runtime, which knows the rows per group, picks 128 x 128
// with 6 stages without clusters for groups smaller than a cluster tile.)

// CHECK-LABEL: func.func @block_scaled(
// CHECK:         mggemm.scaled_grouped_matmul ins({{.*}}) outs({{.*}}) {tile_config = #mggemm.tile_config<m = 128, n = 192, k = 128, stages = 4, cluster_m = 2>} -> tensor<?x4096xbf16>
func.func @block_scaled(%x: tensor<?x7168xf8E4M3FN>, %w: tensor<8x4096x7168xf8E4M3FN>,
                        %sx: tensor<56x?xf32>, %sw: tensor<8x32x56xf32>,
                        %sizes: tensor<8xi32>, %y: tensor<?x4096xbf16>) {
  %0 = mggemm.scaled_grouped_matmul
         ins(%x, %w, %sx, %sw, %sizes : tensor<?x7168xf8E4M3FN>, tensor<8x4096x7168xf8E4M3FN>,
                                        tensor<56x?xf32>, tensor<8x32x56xf32>, tensor<8xi32>)
         outs(%y : tensor<?x4096xbf16>) -> tensor<?x4096xbf16>
  return
}

