//===- Passes.h - mggemm dialect transformation passes -----------*- C++ -*-===//

#ifndef MGGEMM_DIALECT_MGGEMM_TRANSFORMS_PASSES_H
#define MGGEMM_DIALECT_MGGEMM_TRANSFORMS_PASSES_H

#include "mggemm/Dialect/MGGemm/IR/MGGemmOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
namespace mggemm {

#define GEN_PASS_DECL
#include "mggemm/Dialect/MGGemm/Transforms/Passes.h.inc"

/// Patterns that rewrite mggemm.grouped_matmul_backward into its halves.
void populateDecomposeBackwardPatterns(RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "mggemm/Dialect/MGGemm/Transforms/Passes.h.inc"

} // namespace mggemm
} // namespace mlir

#endif // MGGEMM_DIALECT_MGGEMM_TRANSFORMS_PASSES_H
