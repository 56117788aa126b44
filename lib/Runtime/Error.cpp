//===- Error.cpp - status codes and the thread's last error message -------===//

#include "Error.h"

#include <cstdarg>
#include <cstdio>
#include <cstring>

using namespace mggemm::runtime;

namespace {
// Long enough for a message that quotes a kernel name, a shape and a driver
// error description; longer messages are truncated, never overflowed.
constexpr size_t kMessageCapacity = 1024;
thread_local char lastError[kMessageCapacity] = "";
} // namespace

mggemmStatus mggemm::runtime::fail(mggemmStatus status, const char *format,
                                   ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(lastError, kMessageCapacity, format, args);
  va_end(args);
  return status;
}

mggemmStatus mggemm::runtime::succeed() {
  lastError[0] = '\0';
  return MGGEMM_SUCCESS;
}

mggemmStatus mggemm::runtime::addContext(mggemmStatus status,
                                         const char *where) {
  if (status == MGGEMM_SUCCESS)
    return status;
  // Shift the message right to make room for "<where>: ", truncating its end
  // if need be.
  size_t prefix = strlen(where) + 2;
  if (prefix >= kMessageCapacity)
    return status;
  size_t length = strnlen(lastError, kMessageCapacity - 1);
  if (length > kMessageCapacity - 1 - prefix)
    length = kMessageCapacity - 1 - prefix;
  memmove(lastError + prefix, lastError, length);
  lastError[prefix + length] = '\0';
  memcpy(lastError, where, prefix - 2);
  lastError[prefix - 2] = ':';
  lastError[prefix - 1] = ' ';
  return status;
}

extern "C" const char *mggemmGetLastError(void) { return lastError; }

extern "C" const char *mggemmStatusString(mggemmStatus status) {
  switch (status) {
  case MGGEMM_SUCCESS:
    return "MGGEMM_SUCCESS";
  case MGGEMM_ERROR_INVALID_VALUE:
    return "MGGEMM_ERROR_INVALID_VALUE";
  case MGGEMM_ERROR_UNSUPPORTED:
    return "MGGEMM_ERROR_UNSUPPORTED";
  case MGGEMM_ERROR_NO_DEVICE:
    return "MGGEMM_ERROR_NO_DEVICE";
  case MGGEMM_ERROR_CUDA:
    return "MGGEMM_ERROR_CUDA";
  case MGGEMM_ERROR_BAD_SIZES:
    return "MGGEMM_ERROR_BAD_SIZES";
  }
  return "MGGEMM_ERROR_<unknown status>";
}
