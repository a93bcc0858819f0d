#include "wait_thread_pool.h"
#include <windows.h>

void WaitThreadPool::Run(std::function<void()> job) {
  std::list<Worker> finished;
  {
    std::lock_guard<std::mutex> lock(mMutex);
    if (mStopping) {
      // Teardown has begun: a thread that never parks, and never touches the pool again (the
      // job holds what it needs; the pool may be gone by the time it ends).
      std::thread(std::move(job)).detach();
      return;
    }
    ReapLocked(finished);
    Worker* idle = nullptr;
    for (Worker& w : mWorkers) {
      if (w.state == State::Idle) {
        idle = &w;
        break;
      }
    }
    if (idle != nullptr) {
      idle->job = std::move(job);
      idle->state = State::Busy;
      mWake.notify_all();
    } else {
      mWorkers.emplace_back();
      Worker* worker = &mWorkers.back();
      worker->job = std::move(job);
      worker->thread = std::thread([this, worker] { Loop(worker); });
      ++mThreadsStarted;
    }
  }
  for (Worker& w : finished) w.thread.join();  // ended already: returns at once
}

// Moves the workers whose threads have ended out of the list, to be joined outside the lock.
void WaitThreadPool::ReapLocked(std::list<Worker>& finished) {
  for (auto it = mWorkers.begin(); it != mWorkers.end();) {
    auto next = std::next(it);
    if (it->state == State::Done) finished.splice(finished.end(), mWorkers, it);
    it = next;
  }
}

void WaitThreadPool::Loop(Worker* self) {
  std::unique_lock<std::mutex> lock(mMutex);
  for (;;) {
    if (self->state == State::Busy) {
      std::function<void()> job = std::move(self->job);
      self->job = nullptr;
      lock.unlock();
      job();
      job = nullptr;  // drops what the job held (the wait object) before parking
      // An APC the job's closed handles still had queued runs here, not during the next job.
      SleepEx(0, TRUE);
      lock.lock();
      self->state = State::Idle;
    }
    if (mStopping) break;
    // Idle: the next job, teardown, or the end of an idle thread's life.
    if (!mWake.wait_for(lock, kIdleLifetime, [&] { return self->state == State::Busy || mStopping; })) break;
    if (self->state != State::Busy) break;  // stopping
  }
  self->state = State::Done;
}

void WaitThreadPool::Shutdown() {
  std::list<Worker> all;
  {
    std::lock_guard<std::mutex> lock(mMutex);
    mStopping = true;
    mWake.notify_all();
    // Splicing keeps each Worker where its thread points to it.
    all.splice(all.end(), mWorkers);
  }
  for (Worker& w : all) {
    if (w.thread.joinable() && w.thread.get_id() != std::this_thread::get_id()) w.thread.join();
  }
}

WaitThreadPool::Stats WaitThreadPool::GetStats() {
  std::lock_guard<std::mutex> lock(mMutex);
  Stats stats{mThreadsStarted, 0, 0};
  for (const Worker& w : mWorkers) {
    if (w.state == State::Busy) ++stats.busy;
    else if (w.state == State::Idle) ++stats.idle;
  }
  return stats;
}
