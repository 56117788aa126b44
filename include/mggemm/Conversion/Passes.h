//===- Passes.h - mggemm conversion passes -----------------------*- C++ -*-===//

#ifndef MGGEMM_CONVERSION_PASSES_H
#define MGGEMM_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
namespace mggemm {

#define GEN_PASS_DECL
#include "mggemm/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "mggemm/Conversion/Passes.h.inc"

} // namespace mggemm
} // namespace mlir

#endif // MGGEMM_CONVERSION_PASSES_H
