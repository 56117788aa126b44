/* A stand-in for libmggemm_runtime.so with the same C API (mggemm.h) and no
 * CUDA, so the ctypes binding can be tested on machines without a GPU: it
 * records the arguments of the last call and fails on request.
 *
 *   STUB_FAIL_STATUS  (env) status every launch returns, default 0
 *   -DSTUB_OMIT_BACKWARD     leave out mggemmBackward (missing-symbol test)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static char lastError[256] = "";
static int64_t lastArgs[16];
static int checkedMode = 0;

const char *mggemmGetLastError(void) { return lastError; }

const char *mggemmStatusString(int status) {
  switch (status) {
  case 0: return "success";
  case 1: return "invalid value";
  case 5: return "bad sizes";
  default: return "stub status";
  }
}

static int record(const char *fn, const void *a, const void *b,
                  const int32_t *sizes, void *out, int64_t M, int64_t N,
                  int64_t K, int64_t G, int dtype, void *stream) {
  const char *env = getenv("STUB_FAIL_STATUS");
  int status = env ? atoi(env) : 0;
  lastArgs[0] = (int64_t)(intptr_t)a;
  lastArgs[1] = (int64_t)(intptr_t)b;
  lastArgs[2] = (int64_t)(intptr_t)sizes;
  lastArgs[3] = (int64_t)(intptr_t)out;
  lastArgs[4] = M;
  lastArgs[5] = N;
  lastArgs[6] = K;
  lastArgs[7] = G;
  lastArgs[8] = dtype;
  lastArgs[9] = (int64_t)(intptr_t)stream;
  lastArgs[10] = checkedMode;
  if (status)
    snprintf(lastError, sizeof lastError, "%s: stub failure M=%lld", fn,
             (long long)M);
  else
    lastError[0] = 0;
  return status;
}

int mggemmForward(const void *x, const void *w, const int32_t *sizes, void *y,
                  int64_t M, int64_t N, int64_t K, int64_t G, int dtype,
                  void *stream) {
  return record("mggemmForward", x, w, sizes, y, M, N, K, G, dtype, stream);
}

int mggemmGradInput(const void *dy, const void *w, const int32_t *sizes,
                    void *dx, int64_t M, int64_t N, int64_t K, int64_t G,
                    int dtype, void *stream) {
  return record("mggemmGradInput", dy, w, sizes, dx, M, N, K, G, dtype, stream);
}

int mggemmGradWeight(const void *dy, const void *x, const int32_t *sizes,
                     void *dw, int64_t M, int64_t N, int64_t K, int64_t G,
                     int dtype, void *stream) {
  return record("mggemmGradWeight", dy, x, sizes, dw, M, N, K, G, dtype,
                stream);
}

#ifndef STUB_OMIT_BACKWARD
int mggemmBackward(const void *dy, const void *x, const void *w,
                   const int32_t *sizes, void *dx, void *dw, int64_t M,
                   int64_t N, int64_t K, int64_t G, int dtype, void *stream) {
  (void)w;
  (void)dw;
  return record("mggemmBackward", dy, x, sizes, dx, M, N, K, G, dtype, stream);
}
#endif

int mggemmScaledForward(const void *x, const void *w, const float *scaleX,
                        const float *scaleW, const int32_t *sizes, void *y,
                        int64_t M, int64_t N, int64_t K, int64_t G, int dtype,
                        void *stream) {
  int status =
      record("mggemmScaledForward", x, w, sizes, y, M, N, K, G, dtype, stream);
  lastArgs[11] = (int64_t)(intptr_t)scaleX;
  lastArgs[12] = (int64_t)(intptr_t)scaleW;
  return status;
}

int mggemmScaledGradWeight(const void *dyT, const void *xT,
                           const float *scaleDY, const float *scaleX,
                           const int32_t *sizes, void *dw, int64_t M, int64_t N,
                           int64_t K, int64_t G, int dtype, void *stream) {
  int status = record("mggemmScaledGradWeight", dyT, xT, sizes, dw, M, N, K, G,
                      dtype, stream);
  lastArgs[11] = (int64_t)(intptr_t)scaleDY;
  lastArgs[12] = (int64_t)(intptr_t)scaleX;
  return status;
}

void mggemmSetCheckedMode(int enabled) { checkedMode = enabled; }

int32_t mggemmDeviceSMCount(void) {
  snprintf(lastError, sizeof lastError, "stub: no device");
  return -1;
}

int mggemmEncodeTensorMap(void *map, int kind, int32_t operand, int dtype,
                          int32_t tileM, int32_t tileN, int32_t tileK,
                          int32_t tileCluster, const void *base, int64_t M,
                          int64_t N, int64_t K, int64_t G) {
  (void)map, (void)kind, (void)operand, (void)dtype, (void)tileM, (void)tileN;
  (void)tileK, (void)tileCluster, (void)base, (void)M, (void)N, (void)K, (void)G;
  return 2;
}

/* Test hook: argument `i` of the last launch. */
int64_t stubLastArg(int i) { return lastArgs[i]; }
