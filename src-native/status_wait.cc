// waitForStatus: resolves when a service reaches one of the wanted states, is marked for
// deletion, or the timeout passes; cancellable. One NotifyThread per wait. A wait may act first
// (start the service, or send it a control) on its own handle, so that watching starts at once.
#include <optional>
#include <vector>
#include "args.h"
#include "control_request.h"
#include "notify_thread.h"
#include "operations.h"
#include "scm_access.h"

namespace {

class StatusWaiter;
void SettleWait(Napi::Env env, Napi::Function, StatusWaiter* waiter, void*);
using WaitTsfn = Napi::TypedThreadSafeFunction<StatusWaiter, void, SettleWait>;

class StatusWaiter : public NotifyThread {
 public:
  enum class Outcome { Reached, TimedOut, Cancelled, Deleted };

  StatusWaiter(ServiceTarget target, DWORD stateMask, double timeoutMs, Napi::Env env)
      : mTarget(std::move(target)),
        mStateMask(stateMask & kAllStatesMask),
        mTimeoutMs(timeoutMs < 0 ? INFINITE : static_cast<DWORD>(timeoutMs)),
        mDeferred(Napi::Promise::Deferred::New(env)) {}

  static Napi::Value Start(const Napi::CallbackInfo& info);
  void Settle(Napi::Env env);

 protected:
  void Body() override {
    DWORD started = GetTickCount();
    DWORD access = SERVICE_QUERY_STATUS | (mStartArgs ? SERVICE_START : 0) | (mControl ? AccessForControl(*mControl) : 0);
    mService.emplace(OpenTargetService(mTarget, access));
    NotifyHandle& service = *mService;
    if (mControl) {
      // The SCM's answer is the service's status right after the control (Wine: once the handler
      // has returned), so no query is needed before deciding whether to watch.
      ControlAnswer answer = SendControl(service.Get(), *mControl);
      mStatus = answer.status;
      mHasStatus = answer.hasStatus;
      if (answer.failure.Failed()) {
        mControlRefused = true;
        throw Win32Exception{answer.failure};
      }
    } else {
      if (mStartArgs) StartOnSameHandle(service.Get());
      mStatus = QueryStatus(service.Get());
      mHasStatus = true;
    }
    for (;;) {
      if (NotifyBitForState(mStatus.dwCurrentState) & mStateMask) {
        mOutcome = Outcome::Reached;
        return;
      }
      DWORD remaining = INFINITE;
      if (mTimeoutMs != INFINITE) {
        DWORD elapsed = GetTickCount() - started;
        remaining = elapsed >= mTimeoutMs ? 0 : mTimeoutMs - elapsed;
      }
      Wake wake;
      try {
        wake = NotifyOnce(service.Get(), mStateMask | SERVICE_NOTIFY_DELETE_PENDING, mNotify, remaining);
      } catch (const Win32Exception& e) {
        if (e.failure.code != ERROR_SERVICE_MARKED_FOR_DELETE) throw;
        mOutcome = Outcome::Deleted;
        return;
      }
      if (wake == Wake::Cancelled) {
        mOutcome = Outcome::Cancelled;
        return;
      }
      if (wake == Wake::TimedOut) {
        mStatus = QueryStatus(service.Get());
        mOutcome = (NotifyBitForState(mStatus.dwCurrentState) & mStateMask) ? Outcome::Reached : Outcome::TimedOut;
        return;
      }
      mStatus = mNotify.ServiceStatus;
      if (mNotify.dwNotificationTriggered & SERVICE_NOTIFY_DELETE_PENDING) {
        mOutcome = Outcome::Deleted;
        return;
      }
    }
  }
  void Finish() override {
    // The result goes out first, then the handle is closed (one more round trip to the SCM that
    // the waiting caller need not sit through). If the environment is closing the call fails;
    // its teardown hook has cancelled us anyway.
    mTsfn.NonBlockingCall();
    mService.reset();
    mTsfn.Release();
  }

 private:
  // startService({ wait }): StartServiceW on the handle the wait then watches, in this thread,
  // instead of a separate call that opens and closes its own handles first.
  void StartOnSameHandle(SC_HANDLE service) {
    DWORD error = StartWithArgs(service, *mStartArgs);
    if (error != ERROR_SUCCESS && error != ERROR_SERVICE_ALREADY_RUNNING) ThrowWin32(error, "StartServiceW");
  }

  ServiceTarget mTarget;
  std::optional<std::vector<std::wstring>> mStartArgs;
  std::optional<DWORD> mControl;
  // The failure is the control's own refusal: the rejection carries `lastStatus`, as controlService's does.
  bool mControlRefused = false;
  DWORD mStateMask;
  DWORD mTimeoutMs;
  Napi::Promise::Deferred mDeferred;
  WaitTsfn mTsfn;
  SERVICE_NOTIFYW mNotify{};
  // Declared after mNotify: closed (and its APCs drained) while the buffer is still alive.
  std::optional<NotifyHandle> mService;
  SERVICE_STATUS_PROCESS mStatus{};
  bool mHasStatus = false;
  Outcome mOutcome = Outcome::TimedOut;
};

const char* OutcomeName(StatusWaiter::Outcome outcome) {
  switch (outcome) {
    case StatusWaiter::Outcome::Reached: return "reached";
    case StatusWaiter::Outcome::Cancelled: return "cancelled";
    case StatusWaiter::Outcome::Deleted: return "deleted";
    default: return "timeout";
  }
}

void StatusWaiter::Settle(Napi::Env env) {
  if (failed) {
    Napi::Error error = MakeWin32Error(env, failure);
    if (mControlRefused && mHasStatus) error.Set("lastStatus", StatusToJs(env, mStatus));
    mDeferred.Reject(error.Value());
    return;
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("outcome", OutcomeName(mOutcome));
  result.Set("status", mHasStatus ? Napi::Value(StatusToJs(env, mStatus)) : env.Null());
  mDeferred.Resolve(result);
}

void SettleWait(Napi::Env env, Napi::Function, StatusWaiter* waiter, void*) {
  if (env != nullptr) waiter->Settle(env);
}

// waitForStatus(system, database, name, stateMask, timeoutMs, startArgs, control) -> { promise, cancel }
// startArgs (an array) starts the service first, on the same handle; control (a number) sends that
// control first instead, and a refusal rejects with `lastStatus`; null for both only waits.
// A status taken from ControlService's answer has processId and serviceFlags 0.
// stateMask uses SERVICE_NOTIFY_* bits; timeoutMs < 0 waits without limit.
Napi::Value StatusWaiter::Start(const Napi::CallbackInfo& info) {
  const char* usage = "waitForStatus(system, database, name, stateMask, timeoutMs, startArgs, control)";
  Napi::Env env = info.Env();
  Args args(info, usage);
  ServiceTarget target = ReadServiceTarget(info, usage);
  DWORD mask = args.Uint32(3);
  double timeout = args.Number(4);

  auto waiter = std::make_shared<StatusWaiter>(std::move(target), mask, timeout, env);
  waiter->mStartArgs = args.OptStringArray(5);
  waiter->mControl = args.OptUint32(6);
  if (waiter->mStartArgs && waiter->mControl) {
    throw Napi::TypeError::New(env, std::string("startArgs and control exclude each other. Usage: ") + usage);
  }
  // Ref'd: a pending wait keeps the process alive, like a timer.
  waiter->mTsfn = WaitTsfn::New(env, "scm-native:waitForStatus", 0, 1, waiter.get(),
                                [](Napi::Env, void*, StatusWaiter* w) { NotifyThread::Finalize(w); });
  Launch(env, waiter);

  Napi::Object handle = Napi::Object::New(env);
  handle.Set("promise", waiter->mDeferred.Promise());
  handle.Set("cancel", CancelFunction(env, waiter));
  return handle;
}

}  // namespace

void RegisterStatusWait(Napi::Env env, Napi::Object exports) {
  exports.Set("waitForStatus", Napi::Function::New(env, StatusWaiter::Start, "waitForStatus"));
}
