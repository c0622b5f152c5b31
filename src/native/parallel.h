// A small thread pool for one point's kernels (parallel.cc). parallelFor(parts, f) runs f(part,
// parts) for part = 0 .. parts−1, part 0 on the calling thread and the others on the pool's helper
// threads, and returns when all are done. The kernels split their work into parts that never share
// a reduction (output rows, columns, images, channel groups), each part computing exactly what the
// single-thread loop computes for it, so results do not depend on the thread count.
// Every JavaScript thread (the main thread, each sweep worker) has its own pool (thread_local) and
// its own thread count (poolSetThreads; 1 = no helper threads, the default). A parallelFor inside a
// part runs serially on that part's thread.
#pragma once
#include <algorithm>

int poolThreads();
void poolSetThreads(int n);
void poolRun(int parts, void (*fn)(void*, int, int), void* ctx);

template <typename F>
inline void parallelFor(int parts, F&& f) {
  if (parts <= 1) { f(0, 1); return; }
  using Fn = typename std::remove_reference<F>::type;
  poolRun(parts, [](void* c, int p, int n) { (*static_cast<Fn*>(c))(p, n); }, static_cast<void*>(&f));
}

// how many parts to cut `work` units into: at most the thread count and maxParts, and at least
// minWork units per part (below that the hand-over costs more than it saves)
inline int parallelParts(long work, long minWork, long maxParts) {
  const long t = poolThreads();
  if (t <= 1) return 1;
  long p = std::min(t, maxParts);
  p = std::min(p, std::max(1L, work / std::max(1L, minWork)));
  return int(std::max(1L, p));
}
