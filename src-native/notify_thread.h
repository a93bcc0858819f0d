// The dedicated threads behind waits and watchers. NotifyServiceStatusChangeW delivers its
// notification as an APC to the thread that registered it, so that thread must sit in an
// alertable wait: never the event loop, and not a libuv pool thread either (a wait may last
// forever). Each runs on a thread of the environment's WaitThreadPool, is cancellable through an
// event, and is waited for at environment teardown.
#pragma once
#include <napi.h>
#include <windows.h>
#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include "sc_handle.h"
#include "wait_thread_pool.h"
#include "win32_error.h"

// Every SERVICE_NOTIFY_* state bit.
constexpr DWORD kAllStatesMask = SERVICE_NOTIFY_STOPPED | SERVICE_NOTIFY_START_PENDING | SERVICE_NOTIFY_STOP_PENDING |
                                 SERVICE_NOTIFY_RUNNING | SERVICE_NOTIFY_CONTINUE_PENDING |
                                 SERVICE_NOTIFY_PAUSE_PENDING | SERVICE_NOTIFY_PAUSED;

// SERVICE_NOTIFY_* bit for a SERVICE_* state value (STOPPED=1 -> 0x1, RUNNING=4 -> 0x8, ...).
inline DWORD NotifyBitForState(DWORD state) { return state >= 1 && state <= 7 ? (1u << (state - 1)) : 0; }

class NotifyRegistry;

class NotifyThread {
 public:
  NotifyThread(const NotifyThread&) = delete;
  NotifyThread& operator=(const NotifyThread&) = delete;
  virtual ~NotifyThread();

  // Any thread: wakes the work, which then ends.
  void Cancel();
  // Main thread: waits until Body() and Finish() have returned (promptly after Cancel()).
  void Join();

  // Main thread: registers `self` with the environment's registry (so teardown cancels and joins
  // it) and starts its thread. `self` stays referenced until Finalize().
  static void Launch(Napi::Env env, const std::shared_ptr<NotifyThread>& self);
  // Main thread, from the finalizer of the thread's function: cancels (at environment teardown
  // Node may finalize the function before the cleanup hook has run), joins, and drops the
  // references Launch() took.
  static void Finalize(NotifyThread* thread);
  // A JS function that cancels the thread, if it still exists.
  static Napi::Function CancelFunction(Napi::Env env, std::weak_ptr<NotifyThread> thread);

 protected:
  NotifyThread();
  // Runs Body() then Finish() on a pool thread; `keepAlive` holds the object while it runs.
  void StartThread(std::shared_ptr<NotifyThread> keepAlive);
  // On the thread: the work. Throws Win32Exception on failure (recorded in `failure`).
  virtual void Body() = 0;
  // On the thread, after Body(): hands the outcome to JS.
  virtual void Finish() = 0;

  enum class Wake { Notified, Cancelled, TimedOut };
  // Registers one notification on `handle` and waits for it, Cancel(), or `timeoutMs`
  // (INFINITE allowed). `notify` must stay alive until the handle is closed (see NotifyHandle).
  Wake NotifyOnce(SC_HANDLE handle, DWORD mask, SERVICE_NOTIFYW& notify, DWORD timeoutMs);
  // NotifyOnce's two halves, for a caller with work between them: Register() asks for the
  // notification (it arrives only in Wait()'s alertable wait); Wait() waits for it as NotifyOnce.
  void Register(SC_HANDLE handle, DWORD mask, SERVICE_NOTIFYW& notify);
  Wake Wait(SERVICE_NOTIFYW& notify, DWORD timeoutMs);

  bool failed = false;
  Win32Failure failure;

 private:
  // Set by the notification APC. A member, not a local: a registration cancelled by timeout or
  // Cancel() can still fire while the handle is being closed, and must find it alive.
  bool mFired = false;
  HANDLE mCancelEvent;
  // Set once Body() and Finish() have returned: what Join() waits for (the thread itself goes on).
  HANDLE mDoneEvent;
  std::atomic<std::thread::id> mWorker{};
  std::shared_ptr<NotifyThread> mSelf;
  std::shared_ptr<NotifyRegistry> mRegistry;
};

// A handle notifications were registered on. Closing it cancels a pending registration; an APC
// already queued runs in the SleepEx that follows, while the SERVICE_NOTIFYW it points to is
// still alive. Declare it after the SERVICE_NOTIFYW so it is destroyed first.
class NotifyHandle {
 public:
  explicit NotifyHandle(ScHandle handle) : mHandle(std::move(handle)) {}
  ~NotifyHandle() {
    mHandle.Reset();
    SleepEx(0, TRUE);
  }
  SC_HANDLE Get() const { return mHandle.Get(); }

 private:
  ScHandle mHandle;
};

// Per-environment set of running notify threads: an environment that exits (the process, or a
// worker thread) cancels and joins every one of them before its memory goes away.
class NotifyRegistry {
 public:
  void Add(const std::shared_ptr<NotifyThread>& thread);
  void Remove(const std::shared_ptr<NotifyThread>& thread);
  // Teardown: cancels and waits for every running wait and watcher, then ends the pool's threads.
  void CancelAndJoinAll();

  WaitThreadPool pool;

 private:
  std::mutex mMutex;
  std::set<std::shared_ptr<NotifyThread>> mActive;
};

// The addon's per-environment data.
struct AddonData {
  std::shared_ptr<NotifyRegistry> notifiers = std::make_shared<NotifyRegistry>();
};

std::shared_ptr<NotifyRegistry> NotifiersOf(Napi::Env env);

// Registers the instance data and the teardown hook; called once from module init.
void InitNotifyRegistry(Napi::Env env);
// Exports waitPoolStats() (the pool's thread counts, for tests).
void RegisterWaitPoolStats(Napi::Env env, Napi::Object exports);
