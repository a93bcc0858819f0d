#include "notify_thread.h"

namespace {
void CALLBACK OnNotify(PVOID context) {
  // Runs as an APC on the registering thread itself: nothing to synchronise, just flag it.
  *static_cast<bool*>(static_cast<SERVICE_NOTIFYW*>(context)->pContext) = true;
}
}  // namespace

NotifyThread::NotifyThread()
    : mCancelEvent(CreateEventW(nullptr, TRUE, FALSE, nullptr)), mDoneEvent(CreateEventW(nullptr, TRUE, FALSE, nullptr)) {}

NotifyThread::~NotifyThread() {
  if (mCancelEvent) CloseHandle(mCancelEvent);
  if (mDoneEvent) CloseHandle(mDoneEvent);
}

void NotifyThread::Cancel() {
  if (mCancelEvent) SetEvent(mCancelEvent);
}

void NotifyThread::Join() {
  // From the work's own thread (a finalizer run there) there is nothing to wait for.
  if (mWorker.load() == std::this_thread::get_id()) return;
  if (mDoneEvent) WaitForSingleObject(mDoneEvent, INFINITE);
}

void NotifyThread::StartThread(std::shared_ptr<NotifyThread> keepAlive) {
  NotifyThread* self = keepAlive.get();
  auto job = [self = std::move(keepAlive)] {
    self->mWorker.store(std::this_thread::get_id());
    try {
      if (!self->mCancelEvent || !self->mDoneEvent) ThrowLastError("CreateEventW");
      self->Body();
    } catch (const Win32Exception& e) {
      self->failed = true;
      self->failure = e.failure;
    } catch (...) {
      self->failed = true;
      self->failure = Win32Failure{ERROR_INTERNAL_ERROR, "scm-native"};
    }
    self->Finish();
    if (self->mDoneEvent) SetEvent(self->mDoneEvent);
  };
  try {
    mRegistry->pool.Run(std::move(job));
  } catch (...) {
    // No thread could be made: nothing will run, so nothing is to be waited for.
    if (self->mDoneEvent) SetEvent(self->mDoneEvent);
    throw;
  }
}

NotifyThread::Wake NotifyThread::NotifyOnce(SC_HANDLE handle, DWORD mask, SERVICE_NOTIFYW& notify, DWORD timeoutMs) {
  Register(handle, mask, notify);
  return Wait(notify, timeoutMs);
}

void NotifyThread::Register(SC_HANDLE handle, DWORD mask, SERVICE_NOTIFYW& notify) {
  mFired = false;
  notify = SERVICE_NOTIFYW{};
  notify.dwVersion = SERVICE_NOTIFY_STATUS_CHANGE;
  notify.pfnNotifyCallback = OnNotify;
  notify.pContext = &mFired;
  DWORD error = NotifyServiceStatusChangeW(handle, mask, &notify);
  if (error != ERROR_SUCCESS) ThrowWin32(error, "NotifyServiceStatusChangeW");
}

NotifyThread::Wake NotifyThread::Wait(SERVICE_NOTIFYW& notify, DWORD timeoutMs) {
  DWORD deadline = timeoutMs == INFINITE ? 0 : GetTickCount() + timeoutMs;
  for (;;) {
    DWORD wait = timeoutMs;
    if (timeoutMs != INFINITE) {
      DWORD now = GetTickCount();
      wait = static_cast<LONG>(deadline - now) > 0 ? deadline - now : 0;
    }
    DWORD result = WaitForSingleObjectEx(mCancelEvent, wait, TRUE);
    if (result == WAIT_OBJECT_0) return Wake::Cancelled;
    if (result == WAIT_TIMEOUT) return Wake::TimedOut;
    if (result != WAIT_IO_COMPLETION) ThrowLastError("WaitForSingleObjectEx");
    if (mFired) break;  // another APC woke us: keep waiting for ours
  }
  if (notify.dwNotificationStatus != ERROR_SUCCESS) ThrowWin32(notify.dwNotificationStatus, "NotifyServiceStatusChangeW");
  return Wake::Notified;
}

void NotifyThread::Launch(Napi::Env env, const std::shared_ptr<NotifyThread>& self) {
  self->mSelf = self;
  self->mRegistry = NotifiersOf(env);
  self->mRegistry->Add(self);
  self->StartThread(self);
}

void NotifyThread::Finalize(NotifyThread* thread) {
  thread->Cancel();
  thread->Join();
  std::shared_ptr<NotifyThread> self = std::move(thread->mSelf);
  self->mRegistry->Remove(self);
}

Napi::Function NotifyThread::CancelFunction(Napi::Env env, std::weak_ptr<NotifyThread> thread) {
  return Napi::Function::New(env, [thread](const Napi::CallbackInfo& info) {
    if (auto t = thread.lock()) t->Cancel();
    return info.Env().Undefined();
  });
}

void NotifyRegistry::Add(const std::shared_ptr<NotifyThread>& thread) {
  std::lock_guard<std::mutex> lock(mMutex);
  mActive.insert(thread);
}

void NotifyRegistry::Remove(const std::shared_ptr<NotifyThread>& thread) {
  std::lock_guard<std::mutex> lock(mMutex);
  mActive.erase(thread);
}

void NotifyRegistry::CancelAndJoinAll() {
  std::set<std::shared_ptr<NotifyThread>> threads;
  {
    std::lock_guard<std::mutex> lock(mMutex);
    threads = mActive;
  }
  for (const auto& t : threads) t->Cancel();
  for (const auto& t : threads) t->Join();
  pool.Shutdown();
}

std::shared_ptr<NotifyRegistry> NotifiersOf(Napi::Env env) { return env.GetInstanceData<AddonData>()->notifiers; }

void InitNotifyRegistry(Napi::Env env) {
  auto* data = new AddonData();
  env.SetInstanceData<AddonData>(data);
  // The hook keeps its own reference: it may run after the instance data is gone.
  auto* hookRef = new std::shared_ptr<NotifyRegistry>(data->notifiers);
  napi_add_env_cleanup_hook(
      env,
      [](void* arg) {
        auto* ref = static_cast<std::shared_ptr<NotifyRegistry>*>(arg);
        (*ref)->CancelAndJoinAll();
        delete ref;
      },
      hookRef);
}

// waitPoolStats(): { threadsStarted, busy, idle } of this environment's WaitThreadPool. Diagnostic:
// it lets the tests see that a wait reuses a parked thread instead of starting one.
Napi::Value WaitPoolStats(const Napi::CallbackInfo& info) {
  WaitThreadPool::Stats stats = NotifiersOf(info.Env())->pool.GetStats();
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("threadsStarted", static_cast<double>(stats.threadsStarted));
  out.Set("busy", static_cast<double>(stats.busy));
  out.Set("idle", static_cast<double>(stats.idle));
  return out;
}

void RegisterWaitPoolStats(Napi::Env env, Napi::Object exports) {
  exports.Set("waitPoolStats", Napi::Function::New(env, WaitPoolStats, "waitPoolStats"));
}
