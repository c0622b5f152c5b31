// The thread pool of parallel.h. One pool per calling thread (thread_local): helper threads
// 1 .. T−1 wait for a generation number to change, run their part of the published task (if
// their index is below the task's part count), and count down `pending`; the caller runs part 0 and
// waits until pending = 0, so a task's data stay valid while any helper reads them and every helper
// has finished one generation before the next is published. Waiting spins briefly (the kernels
// hand over work every few tens of microseconds) and then sleeps on a condition variable.
#include "parallel.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace {

const int SPIN = 20000;  // polls before sleeping (about 10-50 µs)

struct Pool {
  std::vector<std::thread> helpers;
  std::mutex m;
  std::condition_variable wake, finished;
  std::atomic<uint64_t> gen{0};
  std::atomic<int> pending{0};
  bool stop = false;
  void (*fn)(void*, int, int) = nullptr;
  void* ctx = nullptr;
  int parts = 0;

  // seen: the generation at the helper's start (a pool resized after tasks ran must not rerun the last)
  void loop(int index, uint64_t seen) {
    for (;;) {
      uint64_t g = gen.load(std::memory_order_acquire);
      for (int s = 0; g == seen && s < SPIN; s++) g = gen.load(std::memory_order_acquire);
      if (g == seen) {
        std::unique_lock<std::mutex> lk(m);
        wake.wait(lk, [&] { return stop || gen.load(std::memory_order_acquire) != seen; });
        if (stop) return;
        g = gen.load(std::memory_order_acquire);
      }
      seen = g;
      if (index < parts) fn(ctx, index, parts);
      if (pending.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> lk(m);
        finished.notify_one();
      }
    }
  }

  void resize(int threads) {
    shutdown();
    stop = false;
    const uint64_t now = gen.load(std::memory_order_acquire);
    for (int i = 1; i < threads; i++) helpers.emplace_back([this, i, now] { loop(i, now); });
  }

  void shutdown() {
    {
      std::lock_guard<std::mutex> lk(m);
      stop = true;
    }
    wake.notify_all();
    for (auto& t : helpers) t.join();
    helpers.clear();
  }

  ~Pool() { shutdown(); }
};

thread_local std::unique_ptr<Pool> tPool;
thread_local int tThreads = 1;
thread_local bool tInside = false;  // a part is running on this thread: nested parallelFor is serial

}  // namespace

int poolThreads() { return tInside ? 1 : tThreads; }

void poolSetThreads(int n) {
  n = std::max(1, std::min(n, 256));
  if (n == tThreads) return;
  tThreads = n;
  if (n == 1) { tPool.reset(); return; }
  if (!tPool) tPool.reset(new Pool());
  tPool->resize(n);
}

void poolRun(int parts, void (*fn)(void*, int, int), void* ctx) {
  Pool* p = tPool.get();
  if (!p || tInside || parts <= 1) {
    for (int i = 0; i < parts; i++) fn(ctx, i, parts);
    return;
  }
  const int helpers = int(p->helpers.size());
  // never more parts than threads: the kernels cut their work by the part count they are given
  const int shared = std::min(parts, helpers + 1);
  p->fn = fn;
  p->ctx = ctx;
  p->parts = shared;
  p->pending.store(helpers, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lk(p->m);
    p->gen.fetch_add(1, std::memory_order_release);
  }
  p->wake.notify_all();
  tInside = true;
  fn(ctx, 0, shared);
  tInside = false;
  for (int s = 0; s < SPIN && p->pending.load(std::memory_order_acquire) != 0; s++) {}
  if (p->pending.load(std::memory_order_acquire) != 0) {
    std::unique_lock<std::mutex> lk(p->m);
    p->finished.wait(lk, [&] { return p->pending.load(std::memory_order_acquire) == 0; });
  }
}
