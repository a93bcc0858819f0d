// Parked threads for waits and watchers. Each wait needs a thread of its own that can sit in an
// alertable wait (the SCM's notification is an APC to the registering thread), but creating one
// per wait costs ~1 ms under Wine (thread set-up and every DLL's thread-attach), as much as the
// SCM calls the wait saves. A finished job's thread parks here and takes the next job; threads
// idle for a while end, and all of them are joined at environment teardown.
#pragma once
#include <chrono>
#include <condition_variable>
#include <functional>
#include <list>
#include <mutex>
#include <thread>

class WaitThreadPool {
 public:
  WaitThreadPool() = default;
  WaitThreadPool(const WaitThreadPool&) = delete;
  WaitThreadPool& operator=(const WaitThreadPool&) = delete;
  ~WaitThreadPool() { Shutdown(); }

  // Runs `job` on a parked thread, or on a new one when none is idle. Never queues behind
  // another job: a wait may last forever.
  void Run(std::function<void()> job);
  // Ends idle threads and joins every thread (their jobs must have been cancelled first).
  void Shutdown();

  // What the pool holds now, and how many threads it has started in all (tests show reuse with it).
  struct Stats {
    size_t threadsStarted;
    size_t busy;
    size_t idle;
  };
  Stats GetStats();

 private:
  enum class State { Busy, Idle, Done };
  struct Worker {
    std::thread thread;
    std::function<void()> job;  // handed over by Run(), taken by the thread
    State state = State::Busy;  // Done: the thread has ended (joins at once)
  };
  void Loop(Worker* self);
  void ReapLocked(std::list<Worker>& finished);

  static constexpr std::chrono::seconds kIdleLifetime{30};
  std::mutex mMutex;
  std::condition_variable mWake;
  std::list<Worker> mWorkers;  // std::list: a Worker's address stays valid for its thread
  bool mStopping = false;
  size_t mThreadsStarted = 0;
};
