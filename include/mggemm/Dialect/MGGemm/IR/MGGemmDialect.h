//===- MGGemmDialect.h - mggemm dialect, attributes, enums ------*- C++ -*-===//

#ifndef MGGEMM_DIALECT_MGGEMM_IR_MGGEMMDIALECT_H
#define MGGEMM_DIALECT_MGGEMM_IR_MGGEMMDIALECT_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/DialectImplementation.h"

#include "mggemm/Dialect/MGGemm/IR/MGGemmDialect.h.inc"
#include "mggemm/Dialect/MGGemm/IR/MGGemmEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "mggemm/Dialect/MGGemm/IR/MGGemmAttrs.h.inc"

#endif // MGGEMM_DIALECT_MGGEMM_IR_MGGEMMDIALECT_H
