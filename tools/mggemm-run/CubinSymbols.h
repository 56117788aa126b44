//===- CubinSymbols.h - the functions a cubin (ELF) defines ---------------===//

#ifndef MGGEMM_TOOLS_MGGEMMRUN_CUBINSYMBOLS_H
#define MGGEMM_TOOLS_MGGEMMRUN_CUBINSYMBOLS_H

#include <cstddef>
#include <string>
#include <vector>

namespace mggemm::run {

struct CubinSymbols {
  /// Global functions (the kernels), in symbol table order.
  std::vector<std::string> functions;
  /// Data objects (global or local).
  std::vector<std::string> objects;
};

/// Reads the symbol table of the ELF image `data`. On a malformed or non-ELF
/// image returns false and says why in `error`.
bool readCubinSymbols(const unsigned char *data, size_t size, CubinSymbols &out,
                      std::string &error);

} // namespace mggemm::run

#endif // MGGEMM_TOOLS_MGGEMMRUN_CUBINSYMBOLS_H
