// RUN: mggemm-opt %s --convert-mggemm-to-gpu -split-input-file -verify-diagnostics

func.func @tensor_form(%x: tensor<?x64xbf16>, %w: tensor<2x64x64xbf16>,
                       %sizes: tensor<2xi32>, %y: tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  // expected-error @+1 {{must be bufferized before convert-mggemm-to-gpu (run one-shot-bufferize)}}
  %r = mggemm.grouped_matmul ins(%x, %w, %sizes : tensor<?x64xbf16>, tensor<2x64x64xbf16>, tensor<2xi32>)
      outs(%y : tensor<?x64xbf16>)
      {tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>} -> tensor<?x64xbf16>
  return %r : tensor<?x64xbf16>
}

// -----

func.func @no_tile_config(%x: memref<?x64xbf16>, %w: memref<2x64x64xbf16>,
                          %sizes: memref<2xi32>, %y: memref<?x64xbf16>) {
  // expected-error @+1 {{has no tile_config (run mggemm-select-tile-config first)}}
  mggemm.grouped_matmul ins(%x, %w, %sizes : memref<?x64xbf16>, memref<2x64x64xbf16>, memref<2xi32>)
      outs(%y : memref<?x64xbf16>)
  return
}

// -----

func.func @strided(%x: memref<?x64xbf16, strided<[?, 1], offset: ?>>, %w: memref<2x64x64xbf16>,
                   %sizes: memref<2xi32>, %y: memref<?x64xbf16>) {
  // expected-error @+1 {{needs contiguous row-major memrefs for TMA, but an operand has layout strided<[?, 1], offset: ?>}}
  mggemm.grouped_matmul ins(%x, %w, %sizes : memref<?x64xbf16, strided<[?, 1], offset: ?>>, memref<2x64x64xbf16>, memref<2xi32>)
      outs(%y : memref<?x64xbf16>)
      {tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>}
  return
}

// -----

func.func @memory_space(%x: memref<?x64xbf16, 3>, %w: memref<2x64x64xbf16>,
                        %sizes: memref<2xi32>, %y: memref<?x64xbf16>) {
  // expected-error @+1 {{needs memrefs in the default (global) memory space, but an operand is in 3}}
  mggemm.grouped_matmul ins(%x, %w, %sizes : memref<?x64xbf16, 3>, memref<2x64x64xbf16>, memref<2xi32>)
      outs(%y : memref<?x64xbf16>)
      {tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>}
  return
}

// -----

func.func @backward(%dy: memref<?x64xbf16>, %x: memref<?x64xbf16>, %w: memref<2x64x64xbf16>,
                    %sizes: memref<2xi32>, %dx: memref<?x64xbf16>, %dw: memref<2x64x64xbf16>) {
  // expected-error @+1 {{must be split before convert-mggemm-to-gpu (run mggemm-decompose-backward)}}
  mggemm.grouped_matmul_backward ins(%dy, %x, %w, %sizes : memref<?x64xbf16>, memref<?x64xbf16>, memref<2x64x64xbf16>, memref<2xi32>)
      outs(%dx, %dw : memref<?x64xbf16>, memref<2x64x64xbf16>)
  return
}

// -----

// Valid IR with an empty static extent: no TMA map can describe it.
func.func @zero_groups(%x: memref<?x64xbf16>, %w: memref<0x64x64xbf16>,
                       %sizes: memref<0xi32>, %y: memref<?x64xbf16>) {
  // expected-error @+1 {{has G = 0, which the kernels cannot run: N, K and G must be at least 1 (M may be 0)}}
  mggemm.grouped_matmul ins(%x, %w, %sizes : memref<?x64xbf16>, memref<0x64x64xbf16>, memref<0xi32>)
      outs(%y : memref<?x64xbf16>)
      {tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>}
  return
}

// -----

func.func @zero_k(%dy: memref<?x64xbf16>, %x: memref<?x0xbf16>,
                  %sizes: memref<2xi32>, %dw: memref<2x64x0xbf16>) {
  // expected-error @+1 {{has K = 0, which the kernels cannot run: N, K and G must be at least 1 (M may be 0)}}
  mggemm.grouped_matmul_grad_weight ins(%dy, %x, %sizes : memref<?x64xbf16>, memref<?x0xbf16>, memref<2xi32>)
      outs(%dw : memref<2x64x0xbf16>)
      {tile_config = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4>}
  return
}
