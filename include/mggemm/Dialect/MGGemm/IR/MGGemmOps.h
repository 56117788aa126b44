//===- MGGemmOps.h - mggemm operations ---------------------------*- C++ -*-===//

#ifndef MGGEMM_DIALECT_MGGEMM_IR_MGGEMMOPS_H
#define MGGEMM_DIALECT_MGGEMM_IR_MGGEMMOPS_H

#include "mggemm/Dialect/MGGemm/IR/MGGemmDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "mggemm/Dialect/MGGemm/IR/MGGemmInterfaces.h.inc"

#define GET_OP_CLASSES
#include "mggemm/Dialect/MGGemm/IR/MGGemmOps.h.inc"

#endif // MGGEMM_DIALECT_MGGEMM_IR_MGGEMMOPS_H
