// Malformed mggemm IR must be rejected with a diagnostic and exit code 1,
// never with a crash: `not` fails on a signal, such as an assertion's abort
// or a segfault, and FileCheck wants the diagnostic of every case below.
// The verifier's own messages are in invalid.mlir; this file covers the
// parser, the ODS-generated checks and attribute parsing.
// RUN: not mggemm-opt %s -split-input-file 2>&1 | FileCheck %s

//===----------------------------------------------------------------------===//
// Unknown ops and op fields
//===----------------------------------------------------------------------===//

func.func @unknown_op(%x: tensor<?x64xbf16>) {
  // CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: custom op 'mggemm.grouped_matmul_fused' is unknown
  %0 = mggemm.grouped_matmul_fused ins(%x : tensor<?x64xbf16>) -> tensor<?x64xbf16>
  return
}

// -----

func.func @unknown_field(%x: tensor<?x64xbf16>, %w: tensor<4x64x64xbf16>,
                         %sizes: tensor<4xi32>, %y: tensor<?x64xbf16>) {
  // CHECK: broken-ir.mlir:[[@LINE+2]]:{{[0-9]+}}: error: custom op 'mggemm.grouped_matmul' expected 'outs'
  %0 = mggemm.grouped_matmul ins(%x, %w, %sizes : tensor<?x64xbf16>, tensor<4x64x64xbf16>, tensor<4xi32>)
         scales(%x : tensor<?x64xbf16>) outs(%y : tensor<?x64xbf16>) -> tensor<?x64xbf16>
  return
}

// -----

func.func @fields_swapped(%x: tensor<?x64xbf16>, %w: tensor<4x64x64xbf16>,
                          %sizes: tensor<4xi32>, %y: tensor<?x64xbf16>) {
  // CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: custom op 'mggemm.grouped_matmul' expected 'ins'
  %0 = mggemm.grouped_matmul outs(%y : tensor<?x64xbf16>)
         ins(%x, %w, %sizes : tensor<?x64xbf16>, tensor<4x64x64xbf16>, tensor<4xi32>) -> tensor<?x64xbf16>
  return
}

// -----

// A trailing field after the result type: the op ends at the type, and the
// leftover token cannot start an operation.
func.func @trailing_field(%x: tensor<?x64xbf16>, %w: tensor<4x64x64xbf16>,
                          %sizes: tensor<4xi32>, %y: tensor<?x64xbf16>) {
  %0 = mggemm.grouped_matmul ins(%x, %w, %sizes : tensor<?x64xbf16>, tensor<4x64x64xbf16>, tensor<4xi32>)
  // CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: custom op 'tile' is unknown
         outs(%y : tensor<?x64xbf16>) -> tensor<?x64xbf16> tile(128)
  return
}

//===----------------------------------------------------------------------===//
// Missing or extra operands
//===----------------------------------------------------------------------===//

// -----

func.func @missing_sizes(%x: tensor<?x64xbf16>, %w: tensor<4x64x64xbf16>, %y: tensor<?x64xbf16>) {
  // CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: expected ','
  %0 = mggemm.grouped_matmul ins(%x, %w : tensor<?x64xbf16>, tensor<4x64x64xbf16>)
         outs(%y : tensor<?x64xbf16>) -> tensor<?x64xbf16>
  return
}

// -----

func.func @extra_operand(%x: tensor<?x64xbf16>, %w: tensor<4x64x64xbf16>,
                         %sizes: tensor<4xi32>, %y: tensor<?x64xbf16>) {
  // CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: expected ':'
  %0 = mggemm.grouped_matmul ins(%x, %w, %sizes, %sizes : tensor<?x64xbf16>, tensor<4x64x64xbf16>, tensor<4xi32>, tensor<4xi32>)
         outs(%y : tensor<?x64xbf16>) -> tensor<?x64xbf16>
  return
}

// -----

func.func @missing_destination(%dy: tensor<?x64xbf16>, %x: tensor<?x64xbf16>,
                               %w: tensor<4x64x64xbf16>, %sizes: tensor<4xi32>,
                               %dx: tensor<?x64xbf16>) {
  // CHECK: broken-ir.mlir:[[@LINE+2]]:{{[0-9]+}}: error: expected ','
  %0:2 = mggemm.grouped_matmul_backward ins(%dy, %x, %w, %sizes : tensor<?x64xbf16>, tensor<?x64xbf16>, tensor<4x64x64xbf16>, tensor<4xi32>)
           outs(%dx : tensor<?x64xbf16>) -> tensor<?x64xbf16>, tensor<4x64x64xbf16>
  return
}

// -----

func.func @undefined_operand(%x: tensor<?x64xbf16>, %w: tensor<4x64x64xbf16>, %y: tensor<?x64xbf16>) {
  // CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: use of undeclared SSA value name
  %0 = mggemm.grouped_matmul ins(%x, %w, %sizes : tensor<?x64xbf16>, tensor<4x64x64xbf16>, tensor<4xi32>)
         outs(%y : tensor<?x64xbf16>) -> tensor<?x64xbf16>
  return
}

// -----

func.func @generic_too_few_operands(%x: tensor<?x64xbf16>) {
  // CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: 'mggemm.grouped_matmul' op expected 4 operands, but found 1
  %0 = "mggemm.grouped_matmul"(%x) : (tensor<?x64xbf16>) -> tensor<?x64xbf16>
  return
}

// -----

func.func @generic_no_operands() {
  // CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: 'mggemm.grouped_matmul_backward' op expected 6 operands, but found 0
  "mggemm.grouped_matmul_backward"() : () -> ()
  return
}

// -----

func.func @generic_too_many_results(%x: tensor<?x64xbf16>, %w: tensor<4x64x64xbf16>,
                                    %sizes: tensor<4xi32>, %y: tensor<?x64xbf16>) {
  // CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: 'mggemm.grouped_matmul_grad_input' op result group starting at #0 requires 0 or 1 element, but found 2
  %0:2 = "mggemm.grouped_matmul_grad_input"(%x, %w, %sizes, %y)
           : (tensor<?x64xbf16>, tensor<4x64x64xbf16>, tensor<4xi32>, tensor<?x64xbf16>)
           -> (tensor<?x64xbf16>, tensor<?x64xbf16>)
  return
}

// -----

func.func @generic_with_region(%x: memref<?x64xbf16>, %w: memref<4x64x64xbf16>,
                               %sizes: memref<4xi32>, %y: memref<?x64xbf16>) {
  // CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: 'mggemm.grouped_matmul' op requires zero regions
  "mggemm.grouped_matmul"(%x, %w, %sizes, %y) ({}) : (memref<?x64xbf16>, memref<4x64x64xbf16>, memref<4xi32>, memref<?x64xbf16>) -> ()
  return
}

//===----------------------------------------------------------------------===//
// Wrong types
//===----------------------------------------------------------------------===//

// -----

func.func @scalar_sizes(%x: tensor<?x64xbf16>, %w: tensor<4x64x64xbf16>,
                        %sizes: i32, %y: tensor<?x64xbf16>) {
  // CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: 'mggemm.grouped_matmul' op operand #2 must be ranked tensor or memref, but got 'i32'
  %0 = mggemm.grouped_matmul ins(%x, %w, %sizes : tensor<?x64xbf16>, tensor<4x64x64xbf16>, i32)
         outs(%y : tensor<?x64xbf16>) -> tensor<?x64xbf16>
  return
}

// -----

func.func @unranked_input(%x: tensor<*xbf16>, %w: tensor<4x64x64xbf16>,
                          %sizes: tensor<4xi32>, %y: tensor<?x64xbf16>) {
  // CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: 'mggemm.grouped_matmul' op operand #0 must be ranked tensor or memref, but got 'tensor<*xbf16>'
  %0 = mggemm.grouped_matmul ins(%x, %w, %sizes : tensor<*xbf16>, tensor<4x64x64xbf16>, tensor<4xi32>)
         outs(%y : tensor<?x64xbf16>) -> tensor<?x64xbf16>
  return
}

// -----

func.func @unranked_destination(%x: memref<?x64xbf16>, %w: memref<4x64x64xbf16>,
                                %sizes: memref<4xi32>, %y: memref<*xbf16>) {
  // CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: 'mggemm.grouped_matmul' op operand #3 must be ranked tensor or memref, but got 'memref<*xbf16>'
  mggemm.grouped_matmul ins(%x, %w, %sizes : memref<?x64xbf16>, memref<4x64x64xbf16>, memref<4xi32>)
      outs(%y : memref<*xbf16>)
  return
}

// -----

func.func @vector_weight(%x: tensor<?x64xbf16>, %w: vector<4x64x64xbf16>,
                         %sizes: tensor<4xi32>, %y: tensor<?x64xbf16>) {
  // CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: 'mggemm.grouped_matmul' op operand #1 must be ranked tensor or memref, but got 'vector<4x64x64xbf16>'
  %0 = mggemm.grouped_matmul ins(%x, %w, %sizes : tensor<?x64xbf16>, vector<4x64x64xbf16>, tensor<4xi32>)
         outs(%y : tensor<?x64xbf16>) -> tensor<?x64xbf16>
  return
}

// -----

func.func @memref_result(%x: tensor<?x64xbf16>, %w: tensor<4x64x64xbf16>,
                         %sizes: tensor<4xi32>, %y: tensor<?x64xbf16>) {
  // CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: 'mggemm.grouped_matmul' op result #0 must be ranked tensor of any type values, but got 'memref<?x64xbf16>'
  %0 = mggemm.grouped_matmul ins(%x, %w, %sizes : tensor<?x64xbf16>, tensor<4x64x64xbf16>, tensor<4xi32>)
         outs(%y : tensor<?x64xbf16>) -> memref<?x64xbf16>
  return
}

// -----

func.func @type_differs_from_value(%x: tensor<?x64xbf16>, %w: tensor<4x64x64xbf16>,
                                   %sizes: tensor<4xi32>, %y: tensor<?x64xbf16>) {
  // CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: use of value '%sizes' expects different type than prior uses: 'tensor<4xi64>' vs 'tensor<4xi32>'
  %0 = mggemm.grouped_matmul ins(%x, %w, %sizes : tensor<?x64xbf16>, tensor<4x64x64xbf16>, tensor<4xi64>)
         outs(%y : tensor<?x64xbf16>) -> tensor<?x64xbf16>
  return
}

// -----

func.func @missing_types(%x: tensor<?x64xbf16>, %w: tensor<4x64x64xbf16>,
                         %sizes: tensor<4xi32>, %y: tensor<?x64xbf16>) {
  // CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: expected ':'
  %0 = mggemm.grouped_matmul ins(%x, %w, %sizes) outs(%y) -> tensor<?x64xbf16>
  return
}

// -----

func.func @unknown_dialect_type(%x: tensor<?x64xbf16>, %w: tensor<4x64x64xbf16>,
                                %sizes: tensor<4xi32>, %y: tensor<?x64xbf16>) {
  // CHECK: broken-ir.mlir:[[@LINE+2]]:{{[0-9]+}}: error: dialect 'mggemm' provides no type parsing hook
  %0 = mggemm.grouped_matmul ins(%x, %w, %sizes : tensor<?x64xbf16>, tensor<4x64x64xbf16>, tensor<4xi32>)
         outs(%y : tensor<?x64xbf16>) -> !mggemm.tile
  return
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

// -----

// CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: duplicate or unknown struct parameter name: warps
#unknown_param = #mggemm.tile_config<m = 128, n = 256, k = 64, stages = 4, warps = 2>

// -----

// CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: duplicate or unknown struct parameter name: m
#duplicate_param = #mggemm.tile_config<m = 128, m = 64, n = 256, k = 64, stages = 4>

// -----

// CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: struct is missing required parameter: stages
#missing_param = #mggemm.tile_config<m = 128, n = 256, k = 64>

// -----

// CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: expected '<'
#no_params = #mggemm.tile_config

// -----

// CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: expected valid keyword
#empty_params = #mggemm.tile_config<>

// -----

// CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: expected integer value
#float_param = #mggemm.tile_config<m = 128.0, n = 256, k = 64, stages = 4>

// -----

// CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: integer value too large
#huge_param = #mggemm.tile_config<m = 99999999999999999999, n = 256, k = 64, stages = 4>

// -----

// CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: unknown attribute `tile` in dialect `mggemm`
#unknown_attr = #mggemm.tile<m = 128>

// -----

// CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: unknown attribute `kind` in dialect `mggemm`
#unknown_kind = #mggemm<kind backward>

// -----

func.func @tile_config_of_wrong_kind(%x: memref<?x64xbf16>, %w: memref<4x64x64xbf16>,
                                     %sizes: memref<4xi32>, %y: memref<?x64xbf16>) {
  // CHECK: broken-ir.mlir:[[@LINE+2]]:{{[0-9]+}}: error: {{.*}}'mggemm.grouped_matmul' op attribute 'tile_config' failed to satisfy constraint: CTA tile, pipeline depth and cluster shape of a grouped GEMM kernel
  mggemm.grouped_matmul ins(%x, %w, %sizes : memref<?x64xbf16>, memref<4x64x64xbf16>, memref<4xi32>)
      outs(%y : memref<?x64xbf16>) {tile_config = 128 : i64}
  return
}

// -----

func.func @property_of_wrong_kind(%x: memref<?x64xbf16>, %w: memref<4x64x64xbf16>,
                                  %sizes: memref<4xi32>, %y: memref<?x64xbf16>) {
  // CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: invalid properties {grad_input_tile_config} for op mggemm.grouped_matmul_backward: Invalid attribute `grad_input_tile_config` in property conversion: unit
  "mggemm.grouped_matmul_backward"(%x, %x, %w, %sizes, %y, %w) <{grad_input_tile_config}>
      : (memref<?x64xbf16>, memref<?x64xbf16>, memref<4x64x64xbf16>, memref<4xi32>, memref<?x64xbf16>, memref<4x64x64xbf16>) -> ()
  return
}

//===----------------------------------------------------------------------===//
// Garbage
//===----------------------------------------------------------------------===//

// -----

func.func @garbage_after_mnemonic() {
  // CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: custom op 'mggemm.grouped_matmul' expected 'ins'
  mggemm.grouped_matmul ][ 42 ;;
  return
}

// -----

func.func @truncated(%x: tensor<?x64xbf16>, %w: tensor<4x64x64xbf16>, %sizes: tensor<4xi32>) {
  // CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: expected ')'
  %0 = mggemm.grouped_matmul ins(%x, %w, %sizes : tensor<?x64xbf16>, tensor<4x64x64xbf16>, tensor<4xi32>
}

// -----

// CHECK: broken-ir.mlir:[[@LINE+1]]:{{[0-9]+}}: error: custom op 'mggemm.' is unknown
mggemm.
