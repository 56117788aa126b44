//===- Error.h - status codes and the thread's last error message ---------===//
//
// Every failure returns an mggemmStatus and leaves a message that says what
// was wrong, and what was expected, in mggemmGetLastError() (one per thread,
// so concurrent callers never see each other's messages).
//
//===----------------------------------------------------------------------===//

#ifndef MGGEMM_LIB_RUNTIME_ERROR_H
#define MGGEMM_LIB_RUNTIME_ERROR_H

#include "mggemm/Runtime/mggemm.h"

namespace mggemm::runtime {

/// Sets this thread's last error to the printf-style message and returns
/// `status`.
mggemmStatus fail(mggemmStatus status, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/// Clears this thread's last error and returns MGGEMM_SUCCESS.
mggemmStatus succeed();

/// Prefixes this thread's last error with "<where>: " and returns `status`;
/// the public entry points use it to name themselves in every message.
mggemmStatus addContext(mggemmStatus status, const char *where);

} // namespace mggemm::runtime

#endif // MGGEMM_LIB_RUNTIME_ERROR_H
