//===- MGGemmDialect.cpp - mggemm dialect and attributes ------------------===//

#include "mggemm/Dialect/MGGemm/IR/MGGemmDialect.h"
#include "mggemm/Dialect/MGGemm/IR/MGGemmOps.h"
#include "mggemm/Runtime/KernelABI.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::mggemm;

#include "mggemm/Dialect/MGGemm/IR/MGGemmDialect.cpp.inc"
#include "mggemm/Dialect/MGGemm/IR/MGGemmEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "mggemm/Dialect/MGGemm/IR/MGGemmAttrs.cpp.inc"

void MGGemmDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "mggemm/Dialect/MGGemm/IR/MGGemmAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "mggemm/Dialect/MGGemm/IR/MGGemmOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// TileConfigAttr
//===----------------------------------------------------------------------===//

LogicalResult
TileConfigAttr::verify(function_ref<InFlightDiagnostic()> emitError, int64_t m,
                       int64_t n, int64_t k, int64_t stages, int64_t clusterM,
                       int64_t clusterN) {
  // Each consumer warpgroup issues wgmma with M = 64; registers allow two.
  if (m != 64 && m != 128)
    return emitError() << "tile m must be 64 or 128 (one or two consumer "
                          "warpgroups of 64 rows each), but is "
                       << m;
  // wgmma allows N up to 256; transposed operands arrive in 64-wide boxes.
  if (n < 64 || n > 256 || n % 64 != 0)
    return emitError() << "tile n must be 64, 128, 192 or 256 (a multiple of "
                          "the 64-element swizzle width, at most the wgmma "
                          "limit of 256), but is "
                       << n;
  if (k != 64 && k != 128)
    return emitError() << "tile k must be 64 or 128 (one 128-byte swizzled "
                          "row of 16-bit or 8-bit elements), but is "
                       << k;
  if (stages < 2 || stages > 8)
    return emitError() << "stages must be between 2 and 8, but is " << stages;
  // Clusters pair CTAs along m that share B (multicast).
  if ((clusterM != 1 && clusterM != 2) || clusterN != 1)
    return emitError() << "cluster shape must be 1x1 or 2x1 (two CTAs along "
                          "m sharing the B operand), but is "
                       << clusterM << "x" << clusterN;
  return success();
}

int64_t TileConfigAttr::getSharedMemoryBytes(int64_t elementBytes) const {
  mggemmTileConfig tile = {
      static_cast<int32_t>(getM()), static_cast<int32_t>(getN()),
      static_cast<int32_t>(getK()), static_cast<int32_t>(getStages()),
      static_cast<int32_t>(getClusterM())};
  return mggemmSharedMemoryBytes(tile, elementBytes);
}
