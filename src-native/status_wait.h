// Waiting for a service to reach a state without polling: NotifyServiceStatusChangeW on a
// dedicated thread. The notification arrives as an APC, so the registering thread must sit in an
// alertable wait; that can never be the event loop, and must not pin a libuv pool slot either.
#pragma once
#include <napi.h>
#include <windows.h>
#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include "scm_access.h"
#include "win32_error.h"

class StatusWaiter : public std::enable_shared_from_this<StatusWaiter> {
 public:
  enum class Outcome { Reached, TimedOut, Cancelled, Deleted, Failed };

  StatusWaiter(ServiceTarget target, DWORD stateMask, double timeoutMs);
  ~StatusWaiter();

  // Starts the thread; the result settles `deferred` on the main thread through `tsfn`.
  void Start(Napi::ThreadSafeFunction tsfn);
  // Any thread: wakes the waiting thread, which then reports Outcome::Cancelled.
  void Cancel();
  // Main thread only: waits for the thread to finish (after Cancel() it returns promptly).
  void Join();

  Outcome outcome = Outcome::Failed;
  SERVICE_STATUS_PROCESS status{};
  bool hasStatus = false;
  Win32Failure failure;

 private:
  void Run();
  void WaitLoop();

  ServiceTarget mTarget;
  DWORD mStateMask;
  double mTimeoutMs;
  HANDLE mCancelEvent;
  std::thread mThread;
  Napi::ThreadSafeFunction mTsfn;
};

// Per-environment registry, so an environment (main or worker thread) that exits cancels and joins
// every wait it started instead of leaving a thread calling into a dead environment.
// Shared by the instance data, the cleanup hook and each wait's context, so whichever of them the
// environment tears down last still finds it alive.
struct WaiterRegistry {
  std::mutex mutex;
  std::set<std::shared_ptr<StatusWaiter>> active;
};
struct AddonData {
  std::shared_ptr<WaiterRegistry> waiters = std::make_shared<WaiterRegistry>();
};
