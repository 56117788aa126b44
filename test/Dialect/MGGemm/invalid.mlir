// Every diagnostic of the mggemm verifiers (MGGemmOps.cpp) and of
// TileConfigAttr::verify (MGGemmDialect.cpp), one case each. Dimension
// mismatches have one case per symbolic dimension and the multiple-of-8 rule
// one per constrained dimension, since each names its dimension.
// RUN: mggemm-opt %s -split-input-file -verify-diagnostics

//===----------------------------------------------------------------------===//
// Tensor and memref forms
//===----------------------------------------------------------------------===//

func.func @mixed_tensor_and_memref(%x: tensor<?x64xbf16>, %w: tensor<4x64x64xbf16>,
                                   %sizes: memref<4xi32>, %y: tensor<?x64xbf16>) {
  // expected-error @+1 {{'mggemm.grouped_matmul' op operands must be all tensors or all memrefs, but 'sizes' is 'memref<4xi32>' and 'input' is 'tensor<?x64xbf16>'}}
  %0 = mggemm.grouped_matmul ins(%x, %w, %sizes : tensor<?x64xbf16>, tensor<4x64x64xbf16>, memref<4xi32>)
         outs(%y : tensor<?x64xbf16>) -> tensor<?x64xbf16>
  return
}

// -----

func.func @tensor_form_without_result(%dy: tensor<?x64xbf16>, %w: tensor<4x64x64xbf16>,
                                      %sizes: tensor<4xi32>, %dx: tensor<?x64xbf16>) {
  // expected-error @+1 {{'mggemm.grouped_matmul_grad_input' op tensor form must return 1 result(s), one per destination, but has 0}}
  mggemm.grouped_matmul_grad_input ins(%dy, %w, %sizes : tensor<?x64xbf16>, tensor<4x64x64xbf16>, tensor<4xi32>)
      outs(%dx : tensor<?x64xbf16>)
  return
}

// -----

func.func @result_type_differs_from_destination(%dy: tensor<?x64xbf16>, %x: tensor<?x64xbf16>,
                                                 %sizes: tensor<4xi32>, %dw: tensor<4x64x64xbf16>) {
  // expected-error @+1 {{'mggemm.grouped_matmul_grad_weight' op result type 'tensor<4x64x64xf16>' must match its destination type 'tensor<4x64x64xbf16>'}}
  %0 = mggemm.grouped_matmul_grad_weight ins(%dy, %x, %sizes : tensor<?x64xbf16>, tensor<?x64xbf16>, tensor<4xi32>)
         outs(%dw : tensor<4x64x64xbf16>) -> tensor<4x64x64xf16>
  return
}

// -----

func.func @memref_form_with_results(%dy: memref<?x64xbf16>, %x: memref<?x64xbf16>,
                                    %w: memref<4x64x64xbf16>, %sizes: memref<4xi32>,
                                    %dx: memref<?x64xbf16>, %dw: memref<4x64x64xbf16>) {
  // expected-error @+1 {{'mggemm.grouped_matmul_backward' op memref form must not return results, but has 2}}
  %0:2 = mggemm.grouped_matmul_backward
           ins(%dy, %x, %w, %sizes : memref<?x64xbf16>, memref<?x64xbf16>, memref<4x64x64xbf16>, memref<4xi32>)
           outs(%dx, %dw : memref<?x64xbf16>, memref<4x64x64xbf16>)
           -> tensor<?x64xbf16>, tensor<4x64x64xbf16>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Ranks and element types
//===----------------------------------------------------------------------===//

func.func @weight_of_rank_2(%x: tensor<?x64xbf16>, %w: tensor<64x64xbf16>,
                            %sizes: tensor<4xi32>, %y: tensor<?x64xbf16>) {
  // expected-error @+1 {{'mggemm.grouped_matmul' op 'weight' must have rank 3 ([G, N, K]), but has rank 2}}
  %0 = mggemm.grouped_matmul ins(%x, %w, %sizes : tensor<?x64xbf16>, tensor<64x64xbf16>, tensor<4xi32>)
         outs(%y : tensor<?x64xbf16>) -> tensor<?x64xbf16>
  return
}

// -----

#sparse = #sparse_tensor.encoding<{map = (d0, d1) -> (d0 : dense, d1 : compressed)}>
func.func @sparse_input(%x: tensor<?x64xbf16, #sparse>, %w: tensor<4x64x64xbf16>,
                        %sizes: tensor<4xi32>, %y: tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  // expected-error @+1 {{'mggemm.grouped_matmul' op 'input' must be a dense tensor without encoding, but has #sparse_tensor.encoding}}
  %r = mggemm.grouped_matmul ins(%x, %w, %sizes : tensor<?x64xbf16, #sparse>, tensor<4x64x64xbf16>, tensor<4xi32>)
      outs(%y : tensor<?x64xbf16>) -> tensor<?x64xbf16>
  return %r : tensor<?x64xbf16>
}

// -----

func.func @sizes_of_i64(%x: memref<?x64xbf16>, %w: memref<4x64x64xbf16>,
                        %sizes: memref<4xi64>, %y: memref<?x64xbf16>) {
  // expected-error @+1 {{'mggemm.grouped_matmul' op 'sizes' must have element type i32, but has 'i64'}}
  mggemm.grouped_matmul ins(%x, %w, %sizes : memref<?x64xbf16>, memref<4x64x64xbf16>, memref<4xi64>)
      outs(%y : memref<?x64xbf16>)
  return
}

// -----

func.func @f32_operands(%x: tensor<?x64xf32>, %w: tensor<4x64x64xf32>,
                        %sizes: tensor<4xi32>, %y: tensor<?x64xf32>) {
  // expected-error @+1 {{'mggemm.grouped_matmul' op element type must be bf16 or f16, but 'input' has 'f32'}}
  %0 = mggemm.grouped_matmul ins(%x, %w, %sizes : tensor<?x64xf32>, tensor<4x64x64xf32>, tensor<4xi32>)
         outs(%y : tensor<?x64xf32>) -> tensor<?x64xf32>
  return
}

// -----

func.func @mixed_element_types(%dy: tensor<?x64xbf16>, %x: tensor<?x64xbf16>,
                               %w: tensor<4x64x64xf16>, %sizes: tensor<4xi32>,
                               %dx: tensor<?x64xbf16>, %dw: tensor<4x64x64xbf16>) {
  // expected-error @+1 {{'mggemm.grouped_matmul_backward' op element type of 'weight' ('f16') must match 'grad_output' ('bf16')}}
  %0:2 = mggemm.grouped_matmul_backward
           ins(%dy, %x, %w, %sizes : tensor<?x64xbf16>, tensor<?x64xbf16>, tensor<4x64x64xf16>, tensor<4xi32>)
           outs(%dx, %dw : tensor<?x64xbf16>, tensor<4x64x64xbf16>)
           -> tensor<?x64xbf16>, tensor<4x64x64xbf16>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Dimensions
//===----------------------------------------------------------------------===//

func.func @m_mismatch(%x: tensor<16x64xbf16>, %w: tensor<4x64x64xbf16>,
                      %sizes: tensor<4xi32>, %y: tensor<32x64xbf16>) {
  // expected-error @+1 {{'mggemm.grouped_matmul' op dimension M is 16 in 'input' (dim 0) but 32 in 'init' (dim 0)}}
  %0 = mggemm.grouped_matmul ins(%x, %w, %sizes : tensor<16x64xbf16>, tensor<4x64x64xbf16>, tensor<4xi32>)
         outs(%y : tensor<32x64xbf16>) -> tensor<32x64xbf16>
  return
}

// -----

func.func @n_mismatch(%dy: tensor<?x128xbf16>, %w: tensor<4x64x64xbf16>,
                      %sizes: tensor<4xi32>, %dx: tensor<?x64xbf16>) {
  // expected-error @+1 {{'mggemm.grouped_matmul_grad_input' op dimension N is 128 in 'grad_output' (dim 1) but 64 in 'weight' (dim 1)}}
  %0 = mggemm.grouped_matmul_grad_input ins(%dy, %w, %sizes : tensor<?x128xbf16>, tensor<4x64x64xbf16>, tensor<4xi32>)
         outs(%dx : tensor<?x64xbf16>) -> tensor<?x64xbf16>
  return
}

// -----

func.func @k_mismatch(%dy: memref<?x64xbf16>, %x: memref<?x128xbf16>,
                      %sizes: memref<4xi32>, %dw: memref<4x64x64xbf16>) {
  // expected-error @+1 {{'mggemm.grouped_matmul_grad_weight' op dimension K is 128 in 'input' (dim 1) but 64 in 'init' (dim 2)}}
  mggemm.grouped_matmul_grad_weight ins(%dy, %x, %sizes : memref<?x64xbf16>, memref<?x128xbf16>, memref<4xi32>)
      outs(%dw : memref<4x64x64xbf16>)
  return
}

// -----

func.func @g_mismatch(%x: tensor<?x64xbf16>, %w: tensor<4x64x64xbf16>,
                      %sizes: tensor<8xi32>, %y: tensor<?x64xbf16>) {
  // expected-error @+1 {{'mggemm.grouped_matmul' op dimension G is 4 in 'weight' (dim 0) but 8 in 'sizes' (dim 0)}}
  %0 = mggemm.grouped_matmul ins(%x, %w, %sizes : tensor<?x64xbf16>, tensor<4x64x64xbf16>, tensor<8xi32>)
         outs(%y : tensor<?x64xbf16>) -> tensor<?x64xbf16>
  return
}

// -----

func.func @n_not_multiple_of_8(%x: tensor<?x64xbf16>, %w: tensor<4x60x64xbf16>,
                               %sizes: tensor<4xi32>, %y: tensor<?x60xbf16>) {
  // expected-error @+1 {{'mggemm.grouped_matmul' op dimension N must be a multiple of 8 (TMA needs 16-byte row strides), but is 60}}
  %0 = mggemm.grouped_matmul ins(%x, %w, %sizes : tensor<?x64xbf16>, tensor<4x60x64xbf16>, tensor<4xi32>)
         outs(%y : tensor<?x60xbf16>) -> tensor<?x60xbf16>
  return
}

// -----

// K is known only from the destination here: dynamic extents elsewhere do not
// hide it.
func.func @k_not_multiple_of_8(%dy: tensor<?x64xf16>, %x: tensor<?x?xf16>,
                               %sizes: tensor<?xi32>, %dw: tensor<?x64x36xf16>) {
  // expected-error @+1 {{'mggemm.grouped_matmul_grad_weight' op dimension K must be a multiple of 8 (TMA needs 16-byte row strides), but is 36}}
  %0 = mggemm.grouped_matmul_grad_weight ins(%dy, %x, %sizes : tensor<?x64xf16>, tensor<?x?xf16>, tensor<?xi32>)
         outs(%dw : tensor<?x64x36xf16>) -> tensor<?x64x36xf16>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Tile configurations
//===----------------------------------------------------------------------===//

// Four stages of 128x64 + 256x64 bf16 tiles fit in 227 KB; five do not. The
// grad_weight config is checked as well as the grad_input one.
func.func @tile_config_exceeds_shared_memory(%dy: tensor<?x64xbf16>, %x: tensor<?x64xbf16>,
                                             %w: tensor<4x64x64xbf16>, %sizes: tensor<4xi32>,
                                             %dx: tensor<?x64xbf16>, %dw: tensor<4x64x64xbf16>) {
  // expected-error @+1 {{'mggemm.grouped_matmul_backward' op tile config #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 5> needs 280576 bytes of shared memory, more than the 232448 an sm_90a CTA can use}}
  %0:2 = mggemm.grouped_matmul_backward
           ins(%dy, %x, %w, %sizes : tensor<?x64xbf16>, tensor<?x64xbf16>, tensor<4x64x64xbf16>, tensor<4xi32>)
           outs(%dx, %dw : tensor<?x64xbf16>, tensor<4x64x64xbf16>)
           {grad_input_tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>,
            grad_weight_tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 5>}
           -> tensor<?x64xbf16>, tensor<4x64x64xbf16>
  return
}

// -----

// expected-error @+1 {{tile m must be 64 or 128 (one or two consumer warpgroups of 64 rows each), but is 256}}
#bad_m = #mggemm.tile_config<m = 256, n = 256, k = 64, stages = 4>

// -----

// expected-error @+1 {{tile n must be 64, 128, 192 or 256 (a multiple of the 64-element swizzle width, at most the wgmma limit of 256), but is 96}}
#bad_n = #mggemm.tile_config<m = 128, n = 96, k = 64, stages = 4>

// -----

// expected-error @+1 {{tile k must be 64 or 128 (one 128-byte swizzled row of 16-bit or 8-bit elements), but is 32}}
#bad_k = #mggemm.tile_config<m = 128, n = 256, k = 32, stages = 4>

// -----

// expected-error @+1 {{stages must be between 2 and 8, but is 1}}
#bad_stages = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 1>

// -----

// expected-error @+1 {{cluster shape must be 1x1 or 2x1 (two CTAs along m sharing the B operand), but is 1x2}}
#bad_cluster = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4, cluster_n = 2>

// -----

func.func @grad_input_cluster_tile_n(%dy: memref<?x256xbf16>, %w: memref<4x256x256xbf16>,
                                     %sizes: memref<4xi32>, %dx: memref<?x256xbf16>) {
  // expected-error @+1 {{'mggemm.grouped_matmul_grad_input' op tile config #mggemm.tile_config<m = 128, n = 192, k = 64, stages = 4, cluster_m = 2> has n = 192, but backward products on a 2x1 cluster need n = 128 or 256 (each CTA loads half of B in 64-wide boxes)}}
  mggemm.grouped_matmul_grad_input ins(%dy, %w, %sizes : memref<?x256xbf16>, memref<4x256x256xbf16>, memref<4xi32>)
      outs(%dx : memref<?x256xbf16>) {tile_config = #mggemm.tile_config<m = 128, n = 192, k = 64, stages = 4, cluster_m = 2>}
  return
}

//===----------------------------------------------------------------------===//
// Scaled (fp8) products
//===----------------------------------------------------------------------===//

// -----

func.func @scaled_bf16_operand(%x: tensor<?x64xbf16>, %w: tensor<4x64x64xf8E4M3FN>,
                               %sx: tensor<?xf32>, %sw: tensor<4x64xf32>,
                               %sizes: tensor<4xi32>, %y: tensor<?x64xbf16>) {
  // expected-error @+1 {{'mggemm.scaled_grouped_matmul' op 'input' must have element type 'f8E4M3FN' (an fp8 operand), but has 'bf16'}}
  %0 = mggemm.scaled_grouped_matmul ins(%x, %w, %sx, %sw, %sizes : tensor<?x64xbf16>, tensor<4x64x64xf8E4M3FN>, tensor<?xf32>, tensor<4x64xf32>, tensor<4xi32>)
         outs(%y : tensor<?x64xbf16>) -> tensor<?x64xbf16>
  return
}

// -----

func.func @scaled_f16_product(%x: tensor<?x64xf8E4M3FN>, %w: tensor<4x64x64xf8E4M3FN>,
                              %sx: tensor<?xf32>, %sw: tensor<4x64xf32>,
                              %sizes: tensor<4xi32>, %y: tensor<?x64xf16>) {
  // expected-error @+1 {{'mggemm.scaled_grouped_matmul' op 'init' must have element type 'bf16' (the scaled product), but has 'f16'}}
  %0 = mggemm.scaled_grouped_matmul ins(%x, %w, %sx, %sw, %sizes : tensor<?x64xf8E4M3FN>, tensor<4x64x64xf8E4M3FN>, tensor<?xf32>, tensor<4x64xf32>, tensor<4xi32>)
         outs(%y : tensor<?x64xf16>) -> tensor<?x64xf16>
  return
}

// -----

func.func @scaled_bf16_scales(%x: tensor<?x64xf8E4M3FN>, %w: tensor<4x64x64xf8E4M3FN>,
                              %sx: tensor<?xbf16>, %sw: tensor<4x64xf32>,
                              %sizes: tensor<4xi32>, %y: tensor<?x64xbf16>) {
  // expected-error @+1 {{'mggemm.scaled_grouped_matmul' op 'input_scale' must have element type 'f32' (scales), but has 'bf16'}}
  %0 = mggemm.scaled_grouped_matmul ins(%x, %w, %sx, %sw, %sizes : tensor<?x64xf8E4M3FN>, tensor<4x64x64xf8E4M3FN>, tensor<?xbf16>, tensor<4x64xf32>, tensor<4xi32>)
         outs(%y : tensor<?x64xbf16>) -> tensor<?x64xbf16>
  return
}

// -----

func.func @scaled_weight_scale_rank(%x: tensor<?x64xf8E4M3FN>, %w: tensor<4x64x64xf8E4M3FN>,
                                    %sx: tensor<?xf32>, %sw: tensor<256xf32>,
                                    %sizes: tensor<4xi32>, %y: tensor<?x64xbf16>) {
  // expected-error @+1 {{'mggemm.scaled_grouped_matmul' op scales must be row-wise (input_scale [M], weight_scale [G, N]) or block-wise (input_scale [ceil(K/128), M], weight_scale [G, ceil(N/128), ceil(K/128)]), but have ranks 1 and 1}}
  %0 = mggemm.scaled_grouped_matmul ins(%x, %w, %sx, %sw, %sizes : tensor<?x64xf8E4M3FN>, tensor<4x64x64xf8E4M3FN>, tensor<?xf32>, tensor<256xf32>, tensor<4xi32>)
         outs(%y : tensor<?x64xbf16>) -> tensor<?x64xbf16>
  return
}

// -----

func.func @block_scales_mixed(%x: tensor<?x256xf8E4M3FN>, %w: tensor<4x256x256xf8E4M3FN>,
                              %sx: tensor<2x?xf32>, %sw: tensor<4x256xf32>,
                              %sizes: tensor<4xi32>, %y: tensor<?x256xbf16>) {
  // expected-error @+1 {{'mggemm.scaled_grouped_matmul' op scales must be row-wise (input_scale [M], weight_scale [G, N]) or block-wise (input_scale [ceil(K/128), M], weight_scale [G, ceil(N/128), ceil(K/128)]), but have ranks 2 and 2}}
  %0 = mggemm.scaled_grouped_matmul ins(%x, %w, %sx, %sw, %sizes : tensor<?x256xf8E4M3FN>, tensor<4x256x256xf8E4M3FN>, tensor<2x?xf32>, tensor<4x256xf32>, tensor<4xi32>)
         outs(%y : tensor<?x256xbf16>) -> tensor<?x256xbf16>
  return
}

// -----

func.func @block_scales_k_blocks(%x: tensor<?x320xf8E4M3FN>, %w: tensor<4x256x320xf8E4M3FN>,
                                 %sx: tensor<2x?xf32>, %sw: tensor<4x2x2xf32>,
                                 %sizes: tensor<4xi32>, %y: tensor<?x256xbf16>) {
  // expected-error @+1 {{'mggemm.scaled_grouped_matmul' op 'input_scale' has 2 blocks of 128 along K (dim 0), but K = 320 needs 3}}
  %0 = mggemm.scaled_grouped_matmul ins(%x, %w, %sx, %sw, %sizes : tensor<?x320xf8E4M3FN>, tensor<4x256x320xf8E4M3FN>, tensor<2x?xf32>, tensor<4x2x2xf32>, tensor<4xi32>)
         outs(%y : tensor<?x256xbf16>) -> tensor<?x256xbf16>
  return
}

// -----

func.func @block_scales_n_blocks(%x: tensor<?x256xf8E4M3FN>, %w: tensor<4x264x256xf8E4M3FN>,
                                 %sx: tensor<2x?xf32>, %sw: tensor<4x2x2xf32>,
                                 %sizes: tensor<4xi32>, %y: tensor<?x264xbf16>) {
  // expected-error @+1 {{'mggemm.scaled_grouped_matmul' op 'weight_scale' has 2 blocks of 128 along N (dim 1), but N = 264 needs 3}}
  %0 = mggemm.scaled_grouped_matmul ins(%x, %w, %sx, %sw, %sizes : tensor<?x256xf8E4M3FN>, tensor<4x264x256xf8E4M3FN>, tensor<2x?xf32>, tensor<4x2x2xf32>, tensor<4xi32>)
         outs(%y : tensor<?x264xbf16>) -> tensor<?x264xbf16>
  return
}

// -----

func.func @block_scales_groups(%x: tensor<?x256xf8E4M3FN>, %w: tensor<4x256x256xf8E4M3FN>,
                               %sx: tensor<2x?xf32>, %sw: tensor<3x2x2xf32>,
                               %sizes: tensor<4xi32>, %y: tensor<?x256xbf16>) {
  // expected-error @+1 {{'mggemm.scaled_grouped_matmul' op dimension G is 4 in 'weight' (dim 0) but 3 in 'weight_scale' (dim 0)}}
  %0 = mggemm.scaled_grouped_matmul ins(%x, %w, %sx, %sw, %sizes : tensor<?x256xf8E4M3FN>, tensor<4x256x256xf8E4M3FN>, tensor<2x?xf32>, tensor<3x2x2xf32>, tensor<4xi32>)
         outs(%y : tensor<?x256xbf16>) -> tensor<?x256xbf16>
  return
}

// -----

func.func @block_scales_tile_n(%x: memref<?x256xf8E4M3FN>, %w: memref<4x256x256xf8E4M3FN>,
                               %sx: memref<2x?xf32>, %sw: memref<4x2x2xf32>,
                               %sizes: memref<4xi32>, %y: memref<?x256xbf16>) {
  // expected-error @+1 {{'mggemm.scaled_grouped_matmul' op tile config #mggemm.tile_config<m = 128, n = 256, k = 128, stages = 4> has n = 256, but fp8 products need n <= 192 (two f32 accumulators of the tile must fit the consumers' registers)}}
  mggemm.scaled_grouped_matmul ins(%x, %w, %sx, %sw, %sizes : memref<?x256xf8E4M3FN>, memref<4x256x256xf8E4M3FN>, memref<2x?xf32>, memref<4x2x2xf32>, memref<4xi32>)
      outs(%y : memref<?x256xbf16>) {tile_config = #mggemm.tile_config<m = 128, n = 256, k = 128, stages = 4>}
  return
}

// -----

func.func @block_scales_fast_accumulation(%x: memref<?x256xf8E4M3FN>, %w: memref<4x256x256xf8E4M3FN>,
                                          %sx: memref<2x?xf32>, %sw: memref<4x2x2xf32>,
                                          %sizes: memref<4xi32>, %y: memref<?x256xbf16>) {
  // expected-error @+1 {{'mggemm.scaled_grouped_matmul' op has block scales and fast_accumulation: block scales change with each 128-wide block of K, so its sums are always added up in f32}}
  mggemm.scaled_grouped_matmul ins(%x, %w, %sx, %sw, %sizes : memref<?x256xf8E4M3FN>, memref<4x256x256xf8E4M3FN>, memref<2x?xf32>, memref<4x2x2xf32>, memref<4xi32>)
      outs(%y : memref<?x256xbf16>) {fast_accumulation}
  return
}

// -----

func.func @row_scales_tile_n(%x: memref<?x256xf8E4M3FN>, %w: memref<4x256x256xf8E4M3FN>,
                             %sx: memref<?xf32>, %sw: memref<4x256xf32>,
                             %sizes: memref<4xi32>, %y: memref<?x256xbf16>) {
  // expected-error @+1 {{'mggemm.scaled_grouped_matmul' op tile config #mggemm.tile_config<m = 128, n = 256, k = 128, stages = 4, cluster_m = 2> has n = 256, but fp8 products need n <= 192 (two f32 accumulators of the tile must fit the consumers' registers)}}
  mggemm.scaled_grouped_matmul ins(%x, %w, %sx, %sw, %sizes : memref<?x256xf8E4M3FN>, memref<4x256x256xf8E4M3FN>, memref<?xf32>, memref<4x256xf32>, memref<4xi32>)
      outs(%y : memref<?x256xbf16>) {tile_config = #mggemm.tile_config<m = 128, n = 256, k = 128, stages = 4, cluster_m = 2>}
  return
}

// -----

func.func @scaled_weight_scale_per_k(%x: tensor<?x64xf8E4M3FN>, %w: tensor<4x128x64xf8E4M3FN>,
                                     %sx: tensor<?xf32>, %sw: tensor<4x64xf32>,
                                     %sizes: tensor<4xi32>, %y: tensor<?x128xbf16>) {
  // expected-error @+1 {{'mggemm.scaled_grouped_matmul' op dimension N is 128 in 'weight' (dim 1) but 64 in 'weight_scale' (dim 1)}}
  %0 = mggemm.scaled_grouped_matmul ins(%x, %w, %sx, %sw, %sizes : tensor<?x64xf8E4M3FN>, tensor<4x128x64xf8E4M3FN>, tensor<?xf32>, tensor<4x64xf32>, tensor<4xi32>)
         outs(%y : tensor<?x128xbf16>) -> tensor<?x128xbf16>
  return
}

// -----

func.func @scaled_input_scale_rows(%x: tensor<100x64xf8E4M3FN>, %w: tensor<4x64x64xf8E4M3FN>,
                                   %sx: tensor<99xf32>, %sw: tensor<4x64xf32>,
                                   %sizes: tensor<4xi32>, %y: tensor<100x64xbf16>) {
  // expected-error @+1 {{'mggemm.scaled_grouped_matmul' op dimension M is 100 in 'input' (dim 0) but 99 in 'input_scale' (dim 0)}}
  %0 = mggemm.scaled_grouped_matmul ins(%x, %w, %sx, %sw, %sizes : tensor<100x64xf8E4M3FN>, tensor<4x64x64xf8E4M3FN>, tensor<99xf32>, tensor<4x64xf32>, tensor<4xi32>)
         outs(%y : tensor<100x64xbf16>) -> tensor<100x64xbf16>
  return
}

// -----

func.func @scaled_k_not_multiple_of_16(%x: tensor<?x72xf8E4M3FN>, %w: tensor<4x64x72xf8E4M3FN>,
                                       %sx: tensor<?xf32>, %sw: tensor<4x64xf32>,
                                       %sizes: tensor<4xi32>, %y: tensor<?x64xbf16>) {
  // expected-error @+1 {{'mggemm.scaled_grouped_matmul' op dimension K must be a multiple of 16 (TMA needs 16-byte row strides), but is 72}}
  %0 = mggemm.scaled_grouped_matmul ins(%x, %w, %sx, %sw, %sizes : tensor<?x72xf8E4M3FN>, tensor<4x64x72xf8E4M3FN>, tensor<?xf32>, tensor<4x64xf32>, tensor<4xi32>)
         outs(%y : tensor<?x64xbf16>) -> tensor<?x64xbf16>
  return
}

// -----

func.func @scaled_tile_k_of_16_bit(%x: memref<?x64xf8E4M3FN>, %w: memref<4x64x64xf8E4M3FN>,
                                   %sx: memref<?xf32>, %sw: memref<4x64xf32>,
                                   %sizes: memref<4xi32>, %y: memref<?x64xbf16>) {
  // expected-error @+1 {{'mggemm.scaled_grouped_matmul' op tile config #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4> has k = 64, but one 128-byte swizzled row of 'f8E4M3FN' holds 128 elements}}
  mggemm.scaled_grouped_matmul ins(%x, %w, %sx, %sw, %sizes : memref<?x64xf8E4M3FN>, memref<4x64x64xf8E4M3FN>, memref<?xf32>, memref<4x64xf32>, memref<4xi32>)
      outs(%y : memref<?x64xbf16>) {tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>}
  return
}

// -----

func.func @fp8_unscaled(%x: tensor<?x64xf8E4M3FN>, %w: tensor<4x64x64xf8E4M3FN>,
                        %sizes: tensor<4xi32>, %y: tensor<?x64xf8E4M3FN>) {
  // expected-error @+1 {{'mggemm.grouped_matmul' op element type must be bf16 or f16, but 'input' has 'f8E4M3FN'}}
  %0 = mggemm.grouped_matmul ins(%x, %w, %sizes : tensor<?x64xf8E4M3FN>, tensor<4x64x64xf8E4M3FN>, tensor<4xi32>)
         outs(%y : tensor<?x64xf8E4M3FN>) -> tensor<?x64xf8E4M3FN>
  return
}

// -----

func.func @bf16_tile_k_of_8_bit(%x: memref<?x64xbf16>, %w: memref<4x64x64xbf16>,
                                %sizes: memref<4xi32>, %y: memref<?x64xbf16>) {
  // expected-error @+1 {{'mggemm.grouped_matmul' op tile config #mggemm.tile_config<m = 128, n = 256, k = 128, stages = 4> has k = 128, but one 128-byte swizzled row of 'bf16' holds 64 elements}}
  mggemm.grouped_matmul ins(%x, %w, %sizes : memref<?x64xbf16>, memref<4x64x64xbf16>, memref<4xi32>)
      outs(%y : memref<?x64xbf16>) {tile_config = #mggemm.tile_config<m = 128, n = 256, k = 128, stages = 4>}
  return
}

// -----

func.func @scaled_grad_weight_m_not_multiple_of_16(%dyt: tensor<64x72xf8E4M3FN>, %xt: tensor<64x72xf8E4M3FN>,
                                                   %sdy: tensor<4x64xf32>, %sx: tensor<4x64xf32>,
                                                   %sizes: tensor<4xi32>, %dw: tensor<4x64x64xbf16>) {
  // expected-error @+1 {{'mggemm.scaled_grouped_matmul_grad_weight' op dimension M must be a multiple of 16 (TMA needs 16-byte row strides), but is 72}}
  %0 = mggemm.scaled_grouped_matmul_grad_weight ins(%dyt, %xt, %sdy, %sx, %sizes : tensor<64x72xf8E4M3FN>, tensor<64x72xf8E4M3FN>, tensor<4x64xf32>, tensor<4x64xf32>, tensor<4xi32>)
         outs(%dw : tensor<4x64x64xbf16>) -> tensor<4x64x64xbf16>
  return
}

// -----

func.func @scaled_grad_weight_k_not_multiple_of_8(%dyt: tensor<64x?xf8E4M3FN>, %xt: tensor<60x?xf8E4M3FN>,
                                                  %sdy: tensor<4x64xf32>, %sx: tensor<4x60xf32>,
                                                  %sizes: tensor<4xi32>, %dw: tensor<4x64x60xbf16>) {
  // expected-error @+1 {{'mggemm.scaled_grouped_matmul_grad_weight' op dimension K must be a multiple of 8 (TMA needs 16-byte row strides), but is 60}}
  %0 = mggemm.scaled_grouped_matmul_grad_weight ins(%dyt, %xt, %sdy, %sx, %sizes : tensor<64x?xf8E4M3FN>, tensor<60x?xf8E4M3FN>, tensor<4x64xf32>, tensor<4x60xf32>, tensor<4xi32>)
         outs(%dw : tensor<4x64x60xbf16>) -> tensor<4x64x60xbf16>
  return
}

// -----

func.func @scaled_grad_weight_scale_shape(%dyt: tensor<64x?xf8E4M3FN>, %xt: tensor<64x?xf8E4M3FN>,
                                          %sdy: tensor<4x64xf32>, %sx: tensor<3x64xf32>,
                                          %sizes: tensor<4xi32>, %dw: tensor<4x64x64xbf16>) {
  // expected-error @+1 {{'mggemm.scaled_grouped_matmul_grad_weight' op dimension G is 4 in 'init' (dim 0) but 3 in 'input_scale' (dim 0)}}
  %0 = mggemm.scaled_grouped_matmul_grad_weight ins(%dyt, %xt, %sdy, %sx, %sizes : tensor<64x?xf8E4M3FN>, tensor<64x?xf8E4M3FN>, tensor<4x64xf32>, tensor<3x64xf32>, tensor<4xi32>)
         outs(%dw : tensor<4x64x64xbf16>) -> tensor<4x64x64xbf16>
  return
}

// -----

func.func @scaled_grad_weight_operand_type(%dyt: tensor<64x?xbf16>, %xt: tensor<64x?xf8E4M3FN>,
                                           %sdy: tensor<4x64xf32>, %sx: tensor<4x64xf32>,
                                           %sizes: tensor<4xi32>, %dw: tensor<4x64x64xbf16>) {
  // expected-error @+1 {{'mggemm.scaled_grouped_matmul_grad_weight' op 'grad_output_t' must have element type 'f8E4M3FN' (an fp8 operand), but has 'bf16'}}
  %0 = mggemm.scaled_grouped_matmul_grad_weight ins(%dyt, %xt, %sdy, %sx, %sizes : tensor<64x?xbf16>, tensor<64x?xf8E4M3FN>, tensor<4x64xf32>, tensor<4x64xf32>, tensor<4xi32>)
         outs(%dw : tensor<4x64x64xbf16>) -> tensor<4x64x64xbf16>
  return
}

// -----

func.func @scaled_grad_weight_transposes(%dyt: tensor<64x128xf8E4M3FN>, %xt: tensor<128x64xf8E4M3FN>,
                                         %sdy: tensor<4x64xf32>, %sx: tensor<4x64xf32>,
                                         %sizes: tensor<4xi32>, %dw: tensor<4x64x64xbf16>) {
  // expected-error @+1 {{'mggemm.scaled_grouped_matmul_grad_weight' op dimension M is 128 in 'grad_output_t' (dim 1) but 64 in 'input_t' (dim 1)}}
  %0 = mggemm.scaled_grouped_matmul_grad_weight ins(%dyt, %xt, %sdy, %sx, %sizes : tensor<64x128xf8E4M3FN>, tensor<128x64xf8E4M3FN>, tensor<4x64xf32>, tensor<4x64xf32>, tensor<4xi32>)
         outs(%dw : tensor<4x64x64xbf16>) -> tensor<4x64x64xbf16>
  return
}

// -----

func.func @scaled_grad_weight_wide_tile(%dyt: memref<64x?xf8E4M3FN>, %xt: memref<64x?xf8E4M3FN>,
                                        %sdy: memref<4x64xf32>, %sx: memref<4x64xf32>,
                                        %sizes: memref<4xi32>, %dw: memref<4x64x64xbf16>) {
  // expected-error @+1 {{'mggemm.scaled_grouped_matmul_grad_weight' op tile config #mggemm.tile_config<m = 128, n = 256, k = 128, stages = 4, cluster_m = 2> has n = 256, but fp8 products need n <= 192 (two f32 accumulators of the tile must fit the consumers' registers)}}
  mggemm.scaled_grouped_matmul_grad_weight ins(%dyt, %xt, %sdy, %sx, %sizes : memref<64x?xf8E4M3FN>, memref<64x?xf8E4M3FN>, memref<4x64xf32>, memref<4x64xf32>, memref<4xi32>)
      outs(%dw : memref<4x64x64xbf16>) {tile_config = #mggemm.tile_config<m = 128, n = 256, k = 128, stages = 4, cluster_m = 2>}
  return
}
