//===- Mutex.h - a scoped lock on a pthread mutex -------------------------===//
//
// The runtime uses pthreads directly rather than std::mutex, whose error path
// (std::system_error) would pull the exception machinery of libstdc++ into
// libmggemm_runtime.so, which links libstdc++ statically.
//
//===----------------------------------------------------------------------===//

#ifndef MGGEMM_LIB_RUNTIME_MUTEX_H
#define MGGEMM_LIB_RUNTIME_MUTEX_H

#include <pthread.h>

namespace mggemm::runtime {

class MutexLock {
public:
  explicit MutexLock(pthread_mutex_t &mutex) : mutex(mutex) {
    pthread_mutex_lock(&mutex);
  }
  ~MutexLock() { pthread_mutex_unlock(&mutex); }
  MutexLock(const MutexLock &) = delete;
  MutexLock &operator=(const MutexLock &) = delete;

private:
  pthread_mutex_t &mutex;
};

} // namespace mggemm::runtime

#endif // MGGEMM_LIB_RUNTIME_MUTEX_H
