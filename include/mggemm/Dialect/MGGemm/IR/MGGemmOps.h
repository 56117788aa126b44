//===- MGGemmOps.h - mggemm operations ---------------------------*- C++ -*-===//

#ifndef MGGEMM_DIALECT_MGGEMM_IR_MGGEMMOPS_H
#define MGGEMM_DIALECT_MGGEMM_IR_MGGEMMOPS_H

#include "mggemm/Dialect/MGGemm/IR/MGGemmDialect.h"
#include "mggemm/Runtime/KernelABI.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::mggemm {
/// The runtime dtype of operands of `elementType` (bf16, f16 or f8E4M3FN;
/// anything else maps to bf16: the verifiers reject it first).
mggemmDtype getDtype(Type elementType);
/// The MLIR element type of operands of `dtype`.
Type getElementType(MLIRContext *context, mggemmDtype dtype);
} // namespace mlir::mggemm

#include "mggemm/Dialect/MGGemm/IR/MGGemmInterfaces.h.inc"

#define GET_OP_CLASSES
#include "mggemm/Dialect/MGGemm/IR/MGGemmOps.h.inc"

#endif // MGGEMM_DIALECT_MGGEMM_IR_MGGEMMOPS_H
